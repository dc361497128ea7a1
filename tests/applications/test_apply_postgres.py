"""Real form submissions over HTTP, many at the same moment, for the last seats.

A live server (threaded: each request has its own database connection) receives
POSTs from many threads released together by a barrier. Only meaningful on
PostgreSQL (SQLite has no row locks); run with KLIMAKRONSJ_TEST_POSTGRES=1.
"""

import re
import threading

import pytest
import requests
from django.core.cache import cache
from django.db import connection

from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.applications import seats
from wagtail_klimakronsj.models import Application, ApplicationStatus, Municipality, SeatPolicy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPLICANTS = 30
SEATS = 4
DECISION_DELAY = 0.03  # conftest's slow_decisions: a wider window over HTTP


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set KLIMAKRONSJ_TEST_POSTGRES)")
    cache.clear()


@pytest.fixture
def fast_humans(settings):
    # The threads post right after loading the form: not spam in this test.
    settings.WAGTAIL_KLIMAKRONSJ_MIN_FILL_SECONDS = 0


def load_form(url):
    session = requests.Session()
    html = session.get(url, headers={"Accept-Language": "en"}, timeout=30).text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    return session, csrf, token


def rush(url, municipality_id, n):
    forms = [load_form(url) for _ in range(n)]
    barrier = threading.Barrier(n)
    results = [None] * n

    def one(i):
        session, csrf, token = forms[i]
        data = {
            "csrfmiddlewaretoken": csrf,
            "form_token": token,
            "full_name": f"Person {i}",
            "email": f"p{i}@example.org",
            "municipality": str(municipality_id),
            "role": "employee",
            "position": "Rådgjevar",
            "consent": "on",
        }
        barrier.wait()
        try:
            response = session.post(
                url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=60
            )
            results[i] = response.status_code
        except requests.RequestException as exc:
            results[i] = repr(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def last_seats(root_page):
    event = make_event(root_page, seat_limit=SEATS, seat_policy=SeatPolicy.FIRST_COME)
    form_page = make_form_page(root_page, event)
    return event, form_page


def test_parallel_http_submissions_never_oversell(
    live_server, last_seats, fast_humans, slow_decisions
):
    event, form_page = last_seats
    url = live_server.url + form_page.url
    results = rush(url, Municipality.objects.get(number="0301").pk, APPLICANTS)
    assert results == [302] * APPLICANTS  # no 500, no lost request
    assert Application.objects.count() == APPLICANTS  # nobody lost
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == SEATS
    assert (
        Application.objects.filter(status=ApplicationStatus.WAITLISTED).count()
        == APPLICANTS - SEATS
    )
    assert not Application.objects.filter(held_for_review=True).exists()


def test_control_without_the_lock_http_submissions_oversell(
    live_server, last_seats, fast_humans, slow_decisions, monkeypatch
):
    """The same rush with the lock taken away (in this test only): the race is real and
    the test above can see it."""
    monkeypatch.setattr(seats, "lock_event", lambda event_id: None)
    event, form_page = last_seats
    url = live_server.url + form_page.url
    results = rush(url, Municipality.objects.get(number="0301").pk, APPLICANTS)
    assert all(code == 302 for code in results)
    assert Application.objects.count() == APPLICANTS
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() > SEATS
