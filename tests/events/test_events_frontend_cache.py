"""What a frontend cache (Varnish, a CDN) may hold of the event page, and when the page
is purged from it: the Cache-Control headers and the purges of ``events/purge.py``."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.cache import get_max_age
from wagtail.models import PageViewRestriction

from tests import frontend_cache
from tests.apply_helpers import fields
from tests.conftest import make_event, make_form_page
from tests.desk_helpers import make_user, seed
from wagtail_klimakronsj.applications import workflow
from wagtail_klimakronsj.models import Application, ApplicationStatus
from wagtail_klimakronsj.pages.models import EventPage

FRONTEND_CACHE = {"test": {"BACKEND": "tests.frontend_cache.RecordingBackend"}}


@pytest.fixture
def purged(settings):
    settings.WAGTAILFRONTENDCACHE = FRONTEND_CACHE
    frontend_cache.PURGED.clear()
    yield frontend_cache.PURGED
    frontend_cache.PURGED.clear()


def directives(response):
    value = response.get("Cache-Control", "")
    return {part.strip() for part in value.split(",") if part.strip()}


def s_maxage(response):
    match = re.search(r"s-maxage=(\d+)", response.get("Cache-Control", ""))
    return int(match.group(1)) if match else None


# -- the headers ---------------------------------------------------------------------


def test_without_a_frontend_cache_the_page_is_public_but_kept_by_nobody(client, root_page):
    event = make_event(root_page)
    response = client.get(event.url)
    assert {"public", "max-age=0"} <= directives(response)
    assert s_maxage(response) is None


def test_a_frontend_cache_may_keep_it_until_the_status_changes_by_itself(
    client, root_page, purged, settings
):
    settings.WAGTAIL_KLIMAKRONSJ_PAGE_CACHE_TIMEOUT = 3600
    event = make_event(root_page)  # the deadline is a month away
    response = client.get(event.url)
    assert "public" in directives(response) and get_max_age(response) == 0
    assert s_maxage(response) == 3600
    assert "Accept-Language" in response["Vary"]  # the language is part of the key
    # applications close in 100 seconds: no longer than that
    closes = timezone.localtime() + datetime.timedelta(seconds=100)
    EventPage.objects.filter(pk=event.pk).update(
        application_deadline_date=closes.date(), application_deadline_time=closes.time()
    )
    assert 90 <= s_maxage(client.get(event.url)) <= 100


def test_not_public_for_a_session_a_signed_in_user_or_a_preview(client, root_page, purged):
    event = make_event(root_page)
    editor = make_user("editor")
    client.force_login(editor)
    response = client.get(event.url)
    assert "public" not in directives(response) and s_maxage(response) is None
    client.logout()
    client.cookies["sessionid"] = "something"
    assert "public" not in directives(client.get(event.url))
    page = EventPage.objects.get(pk=event.pk)
    preview = page.make_preview_request()
    if hasattr(preview, "render"):
        preview.render()
    assert preview.status_code == 200
    assert "public" not in directives(preview)


def test_not_public_with_an_embedded_form(client, root_page, purged):
    event = make_event(root_page, embed_application_form=True)
    make_form_page(root_page, event)
    response = client.get(event.url)
    assert 'name="form_token"' in response.content.decode()
    assert "public" not in directives(response) and s_maxage(response) is None


def test_a_view_restriction_keeps_wagtails_never_cache(client, root_page, purged):
    event = make_event(root_page)
    PageViewRestriction.objects.create(page=event, restriction_type="password", password="x")
    response = client.get(event.url)
    assert "public" not in directives(response)


# -- the purges ----------------------------------------------------------------------


def test_a_submission_that_takes_a_seat_purges_the_event_page(
    root_page, purged, django_capture_on_commit_callbacks
):
    event = make_event(root_page, seat_policy="first_come")
    form_page = make_form_page(root_page, event)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application, created, _ = workflow.submit(event, form_page, fields())
    assert created and application.status == ApplicationStatus.ACCEPTED
    assert purged == [event.full_url]


def test_a_submission_for_review_takes_no_seat_and_purges_nothing(
    root_page, purged, django_capture_on_commit_callbacks
):
    event = make_event(root_page, seat_policy="review")
    form_page = make_form_page(root_page, event)
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application, _, _ = workflow.submit(event, form_page, fields())
    assert application.status == ApplicationStatus.PENDING
    assert purged == []


def test_decisions_withdrawals_and_promotions_purge_the_event_page(
    root_page, purged, django_capture_on_commit_callbacks
):
    event = make_event(root_page, seat_limit=1)
    [first, second] = seed(event, 2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.decide(event, [first.pk], ApplicationStatus.ACCEPTED)
    assert purged == [event.full_url]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.decide(event, [second.pk], ApplicationStatus.WAITLISTED)
    assert purged == []  # a place on the waiting list takes no seat
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(Application.objects.get(pk=first.pk))
    assert purged == [event.full_url]
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.promote_waiting_list(EventPage.objects.get(pk=event.pk))
    assert Application.objects.get(pk=second.pk).status == ApplicationStatus.ACCEPTED
    assert purged == [event.full_url]


def test_publishing_or_unpublishing_the_form_page_purges_its_event(root_page, purged):
    event = make_event(root_page)
    form_page = make_form_page(root_page, event)
    assert event.full_url in purged
    purged.clear()
    form_page.unpublish()
    assert purged == [event.full_url]


def test_nothing_is_purged_without_a_frontend_cache(
    root_page, django_capture_on_commit_callbacks, monkeypatch
):
    from wagtail_klimakronsj.events import purge

    monkeypatch.setattr(purge, "purge_page_from_cache", lambda page: pytest.fail("purged"))
    event = make_event(root_page, seat_policy="first_come")
    form_page = make_form_page(root_page, event)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields())


def test_without_a_frontend_cache_a_decision_loads_no_event_per_application(
    root_page, django_assert_num_queries
):
    """The receivers check the configuration before they read ``application.event``: a
    bulk decision on a site without a frontend cache costs no query per application."""
    from wagtail_klimakronsj.events import purge

    event = make_event(root_page)
    [application] = seed(event, 1)
    application = Application.objects.get(pk=application.pk)  # its event not loaded
    with django_assert_num_queries(0):
        purge.application_status_changed_receiver(
            Application,
            application=application,
            old_status=ApplicationStatus.PENDING,
            new_status=ApplicationStatus.ACCEPTED,
        )
