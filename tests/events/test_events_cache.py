"""The event page's cached parts ({% wagtailpagecache %}): what is reused, and that
everything live stays live."""

import re

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.conftest import make_event, make_form_page
from tests.proposal_helpers import make_archive, make_proposal
from wagtail_klimakronsj.models import Application, ApplicationStatus, EventSession
from wagtail_klimakronsj.pages.models import EventPage, ProposalArchivePage, ProposalPage


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


def test_second_request_reads_no_questions_and_renders_the_same(client, root_page):
    event = make_event(root_page, questions=[("Kva?", False)])
    first = get(client, event)
    assert "Kva?" in first
    with CaptureQueriesContext(connection) as captured:
        second = get(client, event)
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "guidingquestion" not in sql  # the body part came from the cache
    assert first == second


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


def test_the_event_page_sets_no_cookie(root_page):
    event = make_event(root_page)
    for _ in range(2):
        response = Client(enforce_csrf_checks=True).get(event.url, HTTP_ACCEPT_LANGUAGE="en")
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_nothing_personal_or_request_specific_is_stored(client, root_page):
    event = make_event(root_page, embed_application_form=True)
    make_form_page(root_page, event)
    html = get(client, event)
    [token] = csrf_values(html)  # the embedded form's, rendered for this visitor only
    stored = caches["default"]._cache  # LocMemCache: every value, pickled
    assert stored
    for value in stored.values():
        assert token.encode() not in value
        assert client.cookies["csrftoken"].value.encode() not in value
        assert b"<form" not in value and b"csrfmiddlewaretoken" not in value


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


def test_cache_off(client, root_page, settings):
    settings.WAGTAIL_KLIMAKRONSJ_PAGE_CACHE_TIMEOUT = None
    event = make_event(root_page, title="Uncached", questions=[("Kva?", False)])
    get(client, event)
    with CaptureQueriesContext(connection) as captured:
        assert "Uncached" in get(client, event)
    assert "guidingquestion" in " ".join(q["sql"] for q in captured.captured_queries)
    fragments = [key for key in caches["default"]._cache if "template.cache" in key]
    assert all(caches["default"].get(key.split(":", 2)[2]) is None for key in fragments)


def test_a_preview_never_reads_nor_fills_the_cache(client, root_page):
    event = make_event(root_page, title="Published title")
    get(client, event)  # the parts are cached now
    draft = EventPage.objects.get(pk=event.pk)
    draft.title = "Draft title"
    response = draft.make_preview_request()
    if hasattr(response, "render"):
        response.render()
    html = response.content.decode()
    assert "Draft title" in html and "Published title" not in html
    assert "Published title" in get(client, event)


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


# -- the edition's proposals, listed on the event page ----------------------------------


def test_proposal_changes_are_seen_at_the_next_request(client, root_page):
    from tests.proposal_helpers import make_archive, make_proposal

    first, second = make_event(root_page, title="Første"), make_event(root_page, title="Andre")
    archive = make_archive(root_page)
    assert "Proposals from this edition" not in get(client, first)

    proposal = make_proposal(archive, "Grøne tak", event=first)
    assert "Grøne tak" in get(client, first)

    proposal.title = "Grøne tak og vegger"
    proposal.save_revision().publish()
    assert "Grøne tak og vegger" in get(client, first)

    proposal = ProposalPage.objects.get(pk=proposal.pk)
    proposal.event = second  # moved to the other edition
    proposal.save_revision().publish()
    assert "Grøne tak" not in get(client, first)
    assert "Grøne tak og vegger" in get(client, second)

    ProposalPage.objects.get(pk=proposal.pk).unpublish()
    assert "Grøne tak" not in get(client, second)

    other = make_proposal(archive, "Sykkelvegar", event=second)
    assert "Sykkelvegar" in get(client, second)
    other.delete()
    assert "Sykkelvegar" not in get(client, second)


def test_a_draft_of_a_proposal_changes_nothing_public(client, root_page):
    from tests.proposal_helpers import make_archive, make_proposal

    event = make_event(root_page)
    proposal = make_proposal(make_archive(root_page), "Publisert tittel", event=event)
    assert "Publisert tittel" in get(client, event)
    proposal.title = "Utkast"
    proposal.save_revision()  # saves only the page's draft fields
    html = get(client, event)
    assert "Publisert tittel" in html and "Utkast" not in html


def test_a_proposal_added_after_a_draft_of_the_event_is_listed(client, root_page):
    """The proposals are read for every request, whatever revision was published."""
    from tests.proposal_helpers import make_archive, make_proposal

    event = make_event(root_page, title="Utgåve")
    draft = EventPage.objects.get(pk=event.pk)
    revision = draft.save_revision()
    make_proposal(make_archive(root_page), "Etter utkastet", event=event)
    assert "Etter utkastet" in get(client, event)
    revision.publish()
    assert "Etter utkastet" in get(client, event)


def test_bulk_created_proposals_are_listed_on_their_edition(client, root_page):
    from tests.proposal_helpers import add_proposals, make_archive

    event = make_event(root_page)
    archive = make_archive(root_page)
    assert "Proposals from this edition" not in get(client, event)
    add_proposals(archive, event, 3)
    assert "Proposals from this edition" in get(client, event)


def test_the_proposals_come_from_the_cache_until_one_changes(client, root_page):
    """A second request reads only what decides the list (ids, URL paths, publication
    times), not the proposals themselves, nor their archive."""
    event = make_event(root_page)
    proposal = make_proposal(make_archive(root_page), "Grøne tak", event=event)
    first = get(client, event)
    assert "Grøne tak" in first and "All proposals from" in first
    with CaptureQueriesContext(connection) as captured:
        second = get(client, event)
    assert second == first
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if '"summary"' in q]  # no proposal page was loaded
    empty = make_event(root_page, title="Utan forslag")
    get(client, empty)
    with CaptureQueriesContext(connection) as without_proposals:
        get(client, empty)
    assert len(sql) == len(without_proposals.captured_queries)  # nor their archive
    proposal.title = "Grøne tak og vegger"
    proposal.save_revision().publish()
    assert "Grøne tak og vegger" in get(client, event)


def test_a_view_restriction_on_the_archive_hides_its_proposals_at_once(client, root_page):
    event = make_event(root_page)
    archive = make_archive(root_page)
    make_proposal(archive, "Bak passord", event=event)
    assert "Bak passord" in get(client, event)
    restriction = PageViewRestriction.objects.create(
        page=archive, restriction_type=PageViewRestriction.PASSWORD, password="hemmeleg"
    )
    html = get(client, event)
    assert "Bak passord" not in html and "Proposals from this edition" not in html
    restriction.delete()
    assert "Bak passord" in get(client, event)


def test_moving_the_archive_changes_the_proposal_links_at_once(client, root_page):
    event = make_event(root_page)
    archive = make_archive(root_page)
    proposal = make_proposal(archive, "Flytta", event=event)
    assert f'href="{proposal.url}"' in get(client, event)
    archive.slug = "nytt-arkiv"
    archive.save_revision().publish()
    moved = ProposalPage.objects.get(pk=proposal.pk)
    assert moved.url != proposal.url
    html = get(client, event)
    assert f'href="{moved.url}"' in html and f'href="{proposal.url}"' not in html
    assert f'href="{archive.url}?edition={event.pk}"' not in html
    assert f'href="{ProposalArchivePage.objects.get(pk=archive.pk).url}?edition={event.pk}"' in html


# -- what changes with time alone ---------------------------------------------------------


def later(monkeypatch, when):
    """Move the clock of the page and of the cache to ``when``."""
    from django.utils import timezone as django_timezone

    monkeypatch.setattr(django_timezone, "now", lambda: when)


def test_status_changes_at_the_deadline_by_time_alone(client, root_page, monkeypatch):
    import datetime

    event = make_event(root_page, application_deadline_time=datetime.time(12))
    assert "kk-status--open" in get(client, event)
    assert "kk-status--open" in get(client, event)  # from the cache
    closes = EventPage.objects.get(pk=event.pk).closes_at
    later(monkeypatch, closes - datetime.timedelta(seconds=1))
    assert "kk-status--open" in get(client, event)
    later(monkeypatch, closes)
    html = get(client, event)
    assert "kk-status--closed" in html and "kk-status--open" not in html
    assert "Apply for a seat" not in html


def test_the_stale_notice_appears_by_time_alone(client, root_page, monkeypatch):
    import datetime

    published = timezone.localdate() - datetime.timedelta(days=365)
    event = make_event(root_page, published_date=published)
    assert "more than a year old" not in get(client, event)
    page = EventPage.objects.get(pk=event.pk)
    assert page.get_content_valid_until() <= page.closes_at  # the stale day comes first
    later(monkeypatch, page.get_content_valid_until())
    assert "more than a year old" in get(client, event)


def test_valid_until_is_the_next_change(root_page):
    import datetime

    event = EventPage.objects.get(pk=make_event(root_page, published_date=None).pk)
    instants = [event.closes_at, event.starts_at, event.ends_at]
    before = event.closes_at - datetime.timedelta(days=1)
    assert event.get_content_valid_until(before) == event.closes_at
    assert event.get_content_valid_until(event.closes_at) == event.starts_at
    # after the event: the day the page becomes "more than a year old"
    stale_day = event.get_publication_date() + datetime.timedelta(days=366)
    assert event.get_content_valid_until(event.ends_at).date() == stale_day - datetime.timedelta(
        days=1
    )  # local midnight, in UTC the evening before
    assert not event.is_stale(stale_day - datetime.timedelta(days=1))
    assert event.is_stale(stale_day)
    settings_off = {"WAGTAIL_KLIMAKRONSJ_STALE_CONTENT_AGE_DAYS": None}
    from django.test import override_settings

    with override_settings(**settings_off):
        assert event.get_content_valid_until(event.ends_at) is None
    assert instants == sorted(instants)


def test_a_view_restriction_or_a_deleted_application_is_seen_at_once(client, root_page):
    from wagtail.models import PageViewRestriction

    from tests.proposal_helpers import make_archive, make_proposal

    event = make_event(root_page, seat_limit=3)
    proposal = make_proposal(make_archive(root_page), "Løynd etter kvart", event=event)
    accept(event, 1)
    html = get(client, event)
    assert "Løynd etter kvart" in html and "2 seats left of 3" in html
    PageViewRestriction.objects.create(page=proposal, restriction_type="login")
    Application.objects.filter(event=event).delete()  # a QuerySet delete sends post_delete
    html = get(client, event)
    assert "Løynd etter kvart" not in html
    assert "3 seats left of 3" in html
