"""The applicant's own page behind the signed link."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.apply_helpers import at
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj import links
from wagtail_klimakronsj.applications import workflow
from wagtail_klimakronsj.models import (
    Application,
    ApplicationFormField,
    ApplicationStatus,
    SeatPolicy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(root_page):
    event = make_event(root_page, seat_limit=1, seat_policy=SeatPolicy.FIRST_COME)
    form_page = make_form_page(root_page, event)
    ApplicationFormField.objects.create(
        page=form_page, label="Favourite tool", field_type="singleline"
    )
    a, _, _ = workflow.submit(
        event,
        form_page,
        {
            "full_name": "Kari",
            "email": "kari@example.org",
            "role": "employee",
            "interests": "Transport",
            "extra_answers": {"favourite_tool": "Spade"},
        },
    )
    b, _, _ = workflow.submit(
        event, form_page, {"full_name": "Ola Secret", "email": "ola@example.org", "role": "elected"}
    )
    mail.outbox.clear()
    return event, a, b


def url(application):
    return links.manage_path(application)


def test_own_page_shows_status_and_answers_only(client, setup):
    event, a, b = setup
    response = client.get(url(b))
    assert response.status_code == 200
    html = response.content.decode()
    assert "On the waiting list" in html or "waiting list" in html
    assert "number 1 on the waiting list" in html
    assert "Ola Secret" in html
    assert "Kari" not in html  # nobody else's data
    assert response["Cache-Control"] == "private, no-store"
    # The token in the address never leaves the site in a Referer, and the withdrawal
    # form still posts with its real Origin ("no-referrer" made it Origin: null, a 403).
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    own = client.get(url(a)).content.decode()
    assert "Favourite tool" in own and "Spade" in own and "Transport" in own


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "2" + t[1:], lambda t: "abc"]
)
def test_tampered_link_is_a_clear_400(client, setup, mangle):
    _, a, _ = setup
    token = links.manage_token(a)
    response = client.get(f"/klimakronsj/application/{mangle(token)}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_expired_link_offers_a_new_one_sent_to_the_stored_address(
    client, setup, monkeypatch, settings, django_capture_on_commit_callbacks
):
    _, a, _ = setup
    token = links.manage_token(a)
    settings.WAGTAIL_KLIMAKRONSJ_MANAGE_LINK_MAX_AGE_DAYS = 30
    monkeypatch.setattr("time.time", lambda: datetime.datetime.now().timestamp() + 31 * 86400)
    response = client.get(f"/klimakronsj/application/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    monkeypatch.undo()
    settings.WAGTAIL_KLIMAKRONSJ_MANAGE_LINK_MAX_AGE_DAYS = 30
    monkeypatch.setattr("time.time", lambda: datetime.datetime.now().timestamp() + 31 * 86400)
    renew = f"/klimakronsj/application/{token}/renew/"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(renew)
    # POST/redirect/GET: the page that says so is a GET; reloading it sends nothing.
    assert sent.status_code == 302 and sent["Location"] == renew + "?sent=1"
    assert sent["Referrer-Policy"] == "same-origin"
    assert [m.to for m in mail.outbox] == [["kari@example.org"]]
    for _reload in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            renewed = client.get(sent["Location"])
        assert renewed.status_code == 200
        assert "We have sent you a new link" in renewed.content.decode()
        assert "kari@example.org" not in renewed.content.decode()
        assert renewed["Referrer-Policy"] == "same-origin"
        assert renewed["Cache-Control"] == "private, no-store"
    assert len(mail.outbox) == 1
    # Without ``sent`` a GET sends nothing either: it leads to the expired link's page.
    assert client.get(renew)["Location"] == f"/klimakronsj/application/{token}/"
    assert len(mail.outbox) == 1
    new_link = re.search(r"/klimakronsj/application/[^/\s]+/", mail.outbox[0].body).group(0)
    monkeypatch.undo()
    assert client.get(new_link).status_code == 200
    assert client.get(renew + "?sent=1")["Location"] == f"/klimakronsj/application/{token}/"


def test_renewing_an_erased_or_changed_link_is_a_clear_400(client, setup, monkeypatch):
    _, a, _ = setup
    token = links.manage_token(a)
    monkeypatch.setattr("time.time", lambda: datetime.datetime.now().timestamp() + 400 * 86400)
    Application.objects.filter(pk=a.pk).update(erased_at=timezone.now())
    for url in (f"/klimakronsj/application/{token}/renew/", "/klimakronsj/application/x/renew/"):
        assert client.post(url).status_code == 400
        assert client.get(url + "?sent=1").status_code == 400
    assert mail.outbox == []


def test_erased_application_is_a_clear_410(client, setup):
    _, a, _ = setup
    Application.objects.filter(pk=a.pk).update(erased_at=timezone.now())
    assert client.get(url(a)).status_code == 410


def test_withdraw_needs_confirmation_then_promotes(
    client, setup, django_capture_on_commit_callbacks
):
    _, a, b = setup
    response = client.post(url(a), {})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    a.refresh_from_db()
    assert a.status == ApplicationStatus.ACCEPTED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(a), {"confirm": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "You have withdrawn" in page
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == ApplicationStatus.WITHDRAWN
    assert b.status == ApplicationStatus.ACCEPTED
    assert sorted(m.to[0] for m in mail.outbox) == ["kari@example.org", "ola@example.org"]
    # No withdraw form any more.
    assert 'name="confirm"' not in page


def test_withdraw_needs_csrf(setup):
    _, a, _ = setup
    client = Client(enforce_csrf_checks=True)
    assert client.post(url(a), {"confirm": "on"}).status_code == 403
    a.refresh_from_db()
    assert a.status == ApplicationStatus.ACCEPTED


def test_no_withdrawal_after_the_event(client, setup, monkeypatch):
    event, a, _ = setup
    monkeypatch.setattr(timezone, "now", at(event.ends_at + datetime.timedelta(days=1)))
    assert 'name="confirm"' not in client.get(url(a)).content.decode()
    client.post(url(a), {"confirm": "on"})
    a.refresh_from_db()
    assert a.status == ApplicationStatus.ACCEPTED


def test_queries_on_own_page_are_constant(client, setup, django_assert_max_num_queries):
    _, a, _ = setup
    client.get(url(a))
    with django_assert_max_num_queries(12):
        assert client.get(url(a)).status_code == 200
