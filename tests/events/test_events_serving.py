"""How the event page is served cheaply: the index route without sub-route resolution,
and settings kept until they change."""

import pytest
from django.test import override_settings
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from tests.conftest import make_event
from wagtail_klimakronsj.conf import settings
from wagtail_klimakronsj.events.pages import _serves_index_as_page


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
