"""The event page's cache: what is reused, and that everything live stays live."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj import caching
from wagtail_klimakronsj.models import Application, ApplicationStatus, EventSession
from wagtail_klimakronsj.pages.models import EventPage


@pytest.fixture(autouse=True)
def fresh_cache():
    caches["default"].clear()
    yield
    caches["default"].clear()


def get(client, page, **extra):
    extra.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    response = client.get(page.url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def csrf_values(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def accept(event, n, start=0):
    for i in range(start, start + n):
        Application.objects.create(
            event=event,
            full_name=f"P{i}",
            email=f"p{i}@example.org",
            role="employee",
            status=ApplicationStatus.ACCEPTED,
            submitted_at=timezone.now(),
        )


def test_second_request_reads_no_sessions_questions_or_markup(client, root_page):
    event = make_event(root_page, questions=[("Kva?", False)])
    first = get(client, event)
    with CaptureQueriesContext(connection) as captured:
        second = get(client, event)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "eventsession" not in sql and "guidingquestion" not in sql
    assert first.replace(csrf_values(first)[0], "") == second.replace(csrf_values(second)[0], "")


def test_publishing_a_new_revision_changes_the_page(client, root_page):
    event = make_event(root_page, title="First title")
    assert "First title" in get(client, event)
    page = EventPage.objects.get(pk=event.pk)
    page.title = "Second title"
    page.klimakronsj_sessions.add(
        EventSession(
            date=event.sessions[0].date,
            start_time=event.sessions[0].start_time,
            end_time=event.sessions[0].end_time,
            title="Added session",
        )
    )
    page.save_revision().publish()
    html = get(client, event)
    assert "Second title" in html and "First title" not in html
    assert "Added session" in html


def test_a_direct_save_without_a_revision_is_seen_too(client, root_page):
    event = make_event(root_page, seat_limit=50)
    assert "Limited to 50 participants" in get(client, event)
    EventPage.objects.filter(pk=event.pk).update(seat_limit=40)
    assert "Limited to 40 participants" in get(client, event)


def test_seats_and_status_change_at_once_after_applications(client, root_page):
    event = make_event(root_page, seat_limit=3, waiting_list=True)
    assert "3 seats left of 3" in get(client, event)
    accept(event, 1)
    html = get(client, event)
    assert "2 seats left of 3" in html
    assert '"remainingAttendeeCapacity": 2' in html
    accept(event, 2, start=1)
    html = get(client, event)
    assert "seats left" not in html
    assert "kk-status--waiting_list" in html
    assert "BackOrder" in html  # the JSON-LD availability follows the status


def test_unpublishing_the_form_page_removes_the_apply_link(client, root_page):
    event = make_event(root_page)
    form = make_form_page(root_page, event)
    assert f'href="{form.url}"' in get(client, event)
    form.unpublish()
    assert f'href="{form.url}"' not in get(client, event)


def test_language_variants_do_not_mix(client, root_page):
    event = make_event(root_page)
    english = get(client, event, HTTP_ACCEPT_LANGUAGE="en")
    nynorsk = get(client, event, HTTP_ACCEPT_LANGUAGE="nn")
    assert "Practical information" in english
    assert "Practical information" not in nynorsk
    assert '<html lang="nn"' in nynorsk
    assert "Practical information" in get(client, event, HTTP_ACCEPT_LANGUAGE="en")
    assert "Practical information" not in get(client, event, HTTP_ACCEPT_LANGUAGE="nn")


def test_every_visitor_gets_their_own_csrf_token(root_page):
    event = make_event(root_page)
    tokens = []
    for _ in range(3):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(event.url, HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert caching.CSRF_PLACEHOLDER not in html
        [token] = csrf_values(html)
        tokens.append(token)
        # the token works: the feedback form posts with it
        assert "csrftoken" in response.cookies
    assert len(set(tokens)) == 3


def test_nothing_personal_or_request_specific_is_stored(client, root_page):
    event = make_event(root_page)
    html = get(client, event)
    [token] = csrf_values(html)
    stored = caches["default"]._cache  # LocMemCache: every value, pickled
    assert stored
    for value in stored.values():
        assert token.encode() not in value
        assert client.cookies["csrftoken"].value.encode() not in value


def test_feedback_thanks_is_not_served_to_others(client, root_page):
    event = make_event(root_page)
    thanks = get(client, event, QUERY_STRING="feedback=thanks")
    assert "Thank you for your feedback" in thanks
    assert "Thank you for your feedback" not in get(client, event)


def test_status_changes_at_the_deadline_without_a_new_revision(client, root_page, settings):
    event = make_event(root_page)
    assert "kk-status--open" in get(client, event)
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    EventPage.objects.filter(pk=event.pk).update(
        application_deadline_date=yesterday, applications_open_date=None
    )
    assert "kk-status--closed" in get(client, event)


def test_cache_off(client, root_page, settings, django_assert_max_num_queries):
    settings.WAGTAIL_KLIMAKRONSJ_PAGE_CACHE_TIMEOUT = None
    event = make_event(root_page, title="Uncached")
    get(client, event)
    with CaptureQueriesContext(connection) as captured:
        assert "Uncached" in get(client, event)
    assert "eventsession" in " ".join(q["sql"] for q in captured.captured_queries)
    assert not [key for key in caches["default"]._cache if "klimakronsj:" in key]


def test_children_held_in_memory_never_read_the_cache(root_page):
    """A preview builds the page with its edited children in memory: those are shown."""
    event = make_event(root_page)
    first = EventPage.objects.get(pk=event.pk).sessions[0]  # now cached
    draft = EventPage.objects.get(pk=event.pk)
    draft.klimakronsj_sessions.add(
        EventSession(
            date=first.date,
            start_time=first.start_time,
            end_time=first.end_time,
            title="Only in the draft",
        )
    )
    assert "Only in the draft" in [s.title for s in draft.sessions]
    assert "Only in the draft" not in [s.title for s in EventPage.objects.get(pk=event.pk).sessions]


def test_an_embedded_form_gets_a_fresh_token_for_every_visitor(client, root_page):
    event = make_event(root_page, embed_application_form=True)
    make_form_page(root_page, event)
    tokens = set()
    for _ in range(3):
        html = get(client, event)
        tokens.update(re.findall(r'name="form_token"[^>]*value="([^"]+)"', html))
        tokens.update(re.findall(r'value="([^"]+)"[^>]*name="form_token"', html))
    assert len(tokens) == 3
