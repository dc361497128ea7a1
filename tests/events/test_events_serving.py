"""How the event page is served cheaply: the page version, deferred context values, the
index route without sub-route resolution, and settings kept until they change."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import override_settings
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from tests.conftest import make_event
from wagtail_klimakronsj import caching
from wagtail_klimakronsj.conf import settings
from wagtail_klimakronsj.events.models import _serves_index_as_page
from wagtail_klimakronsj.pages.models import EventPage


def fresh(event, **changes):
    page = EventPage.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(page, name, value)
    return page


def test_the_version_changes_with_any_column(root_page):
    event = make_event(root_page, price=Decimal("0"))
    base = caching.page_version(fresh(event))
    assert caching.page_version(fresh(event)) == base  # the same row, the same version
    changes = {
        "title": "Another title",
        "lead": "Another lead",
        "seat_limit": 49,
        "price": Decimal("100"),
        "waiting_list": not event.waiting_list,
        "applications_open_time": datetime.time(8),
        "first_published_at": event.first_published_at - datetime.timedelta(seconds=1),
        "body": [("heading", "Eit nytt avsnitt")],
        "live_changed_at": datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    }
    versions = {
        caching.page_version(fresh(event, **{name: value})) for name, value in changes.items()
    }
    assert base not in versions and len(versions) == len(changes)


def test_the_version_leaves_out_what_no_page_shows(root_page):
    event = make_event(root_page)
    claimed = fresh(event, mail_queued_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    assert caching.page_version(claimed) == caching.page_version(fresh(event))
    stamped = fresh(event, live_changed_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    assert caching.page_version(stamped, saved_content_only=True) == caching.page_version(
        fresh(event), saved_content_only=True
    )


def test_a_page_loaded_with_deferred_columns_has_the_same_version(root_page):
    event = make_event(root_page)
    deferred = EventPage.objects.defer("lead", "body").get(pk=event.pk)
    assert "lead" not in deferred.__dict__
    assert caching.page_version(deferred) == caching.page_version(fresh(event))


def test_a_value_pickle_refuses_is_written_with_repr():
    assert caching._serialise([1, lambda: 1]).startswith(b"[1, <function")
    assert caching._serialise([1, "a"]) != caching._serialise([1, "b"])


def test_a_deferred_value_is_computed_once_when_a_template_reads_it():
    calls = []

    def compute():
        calls.append(1)
        return "open"

    value = caching.Deferred(compute)
    html = Template('{{ s }} {% if s == "open" %}yes{% endif %} {{ s|upper }}').render(
        Context({"s": value})
    )
    assert html == "open yes OPEN"
    assert len(calls) == 1
    assert caching.resolve(value) == "open" and caching.resolve("plain") == "plain"


def test_a_deferred_value_nobody_reads_is_never_computed():
    value = caching.Deferred(lambda: pytest.fail("computed"))
    assert Template("{{ other }}").render(Context({"s": value, "other": "x"})) == "x"


def test_the_page_itself_is_served_without_resolving_a_sub_route(client, root_page):
    event = make_event(root_page)
    response = client.get(event.url)
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "routable_resolver_match")
    assert response.templates[0].name == "wagtail_klimakronsj/pages/event_page.html"
    calendar = client.get(event.url + "ical/")
    assert calendar.status_code == 200
    assert calendar.wsgi_request.routable_resolver_match.url_name == "calendar"


def test_a_class_with_its_own_index_route_or_serve_keeps_wagtails_path():
    class Default(RoutablePageMixin):
        pass

    class OwnIndex(RoutablePageMixin):
        @path("")
        def index_route(self, request):
            raise AssertionError

    class OwnServe(RoutablePageMixin):
        def serve(self, request, view=None, args=None, kwargs=None):
            raise AssertionError

    assert _serves_index_as_page(Default)
    assert not _serves_index_as_page(OwnIndex)
    assert not _serves_index_as_page(OwnServe)


def test_an_unpublished_event_is_not_found(client, root_page):
    event = make_event(root_page)
    url = event.url
    event.unpublish()
    assert client.get(url).status_code == 404


def test_a_setting_read_once_still_follows_override_settings():
    assert settings.PROPOSALS_PER_PAGE == 20
    assert "PROPOSALS_PER_PAGE" in settings.__dict__  # kept
    with override_settings(WAGTAIL_KLIMAKRONSJ_PROPOSALS_PER_PAGE=5):
        assert settings.PROPOSALS_PER_PAGE == 5
    assert settings.PROPOSALS_PER_PAGE == 20
    with pytest.raises(AttributeError):
        settings.NO_SUCH_SETTING  # noqa: B018


def test_the_settings_fixture_is_seen_too(settings):
    from wagtail_klimakronsj.conf import settings as kk_settings

    assert kk_settings.MIN_FILL_SECONDS == 3
    settings.WAGTAIL_KLIMAKRONSJ_MIN_FILL_SECONDS = 0
    assert kk_settings.MIN_FILL_SECONDS == 0
