"""The public event page: its routes (the page, ``ical/``), its context and the
headers that let a frontend cache (Varnish, a CDN) hold it.

What changes only with a publication (header, practical information, body) is cached
as template fragments (``{% wagtailpagecache %}``, keyed on ``Page.cache_key``); the
status, seats left, the apply block, the proposals and the feedback form are rendered
for every request. ``events/purge.py`` purges the page from the frontend cache when its
seats or its form page change.
"""

import datetime
import functools
import math

from django.conf import settings as django_settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from ..assets import ASSETS, page_assets
from ..conf import settings
from .calendar import build_event_calendar
from .models import EventPageData
from .purge import frontend_cache_configured


@functools.cache
def _serves_index_as_page(cls):
    """Whether ``cls`` serves its index route exactly as ``Page.serve()`` does: the
    default ``index_route`` and ``serve()``, not overridden."""
    match = cls.get_resolver().resolve("/")
    return match.func is RoutablePageMixin.index_route and cls.serve in (
        RoutablePageMixin.serve,
        EventPageMixin.serve,
    )


class EventPageMixin(RoutablePageMixin, EventPageData):
    """Everything an event page carries; combine with the site's base page model.

    ``AbstractEventPage`` combines it with Wagtail's ``Page``; a site with a custom
    base page model (Wagtail 8) writes ``class MyEventPage(EventPageMixin, MyBasePage)``.

    The public page is rendered with ``template`` (built from overridable includes),
    and the sub-route ``ical/`` serves the sessions as an iCalendar file.
    """

    # Wagtail gives each concrete page class a template name of its own
    # ("<app_label>/<model_name>.html"); get_template() falls back to this one.
    template = "wagtail_klimakronsj/pages/event_page.html"
    event_template = "wagtail_klimakronsj/pages/event_page.html"
    #: Seconds a browser may keep the public page (``max-age``). Browsers are never
    #: purged, so by default they ask again each time; shared caches get ``s-maxage``.
    cache_max_age = 0

    class Meta:
        abstract = True

    def get_base_template(self):
        return settings.BASE_TEMPLATE or "wagtail_klimakronsj/base.html"

    def get_calendar_url(self, request=None):
        url = self.get_url(request)
        return url + self.reverse_subpage("calendar") if url else None

    def get_template(self, request, *args, **kwargs):
        """The class's own template if a site made one, else the package's event page."""
        template = super().get_template(request, *args, **kwargs)
        if isinstance(template, str) and template != self.event_template:
            return [template, self.event_template]
        return template

    def get_context(self, request, *args, **kwargs):
        """The page's context. The status, the seats and the apply link are read for
        every request; what only the cached parts show is passed as callables (a
        template calls them when it renders the part, not when it comes from the cache)."""
        context = super().get_context(request, *args, **kwargs)
        status = self.get_status()
        context.update(
            {
                "base_template": self.get_base_template(),
                ASSETS: page_assets(),
                "time_zone": settings.TIME_ZONE,
                "status": status,
                "status_label": status.label,
                "show_seats_left": self.show_seats_left,
                "seats_left": self.seats_left,
                "sessions": self.sessions,
                "questions": self.get_question_tree,
                "body_has_questions": self.body_has_questions,
                "publication_date": self.get_publication_date,
                "is_stale": self.is_stale(),
                "stale_age_days": settings.STALE_CONTENT_AGE_DAYS,
                "application_url": self.get_application_url(request),
                "calendar_url": functools.partial(self.get_calendar_url, request),
                # {% wagtailpagecache page_cache_timeout "…" using=page_cache %}
                "page_cache_timeout": settings.PAGE_CACHE_TIMEOUT or 0,
                "page_cache": settings.PAGE_CACHE,
            }
        )
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(
                lambda rendered: self.add_cache_headers(request, rendered)
            )
        else:
            self.add_cache_headers(request, response)
        return response

    def get_cache_control(self, request, response):
        """The ``Cache-Control`` directives for the public page (``patch_cache_control``
        arguments), or None to send none.

        Public only for an anonymous GET without a session, not a preview, and a page
        that set no cookie and rendered no CSRF token (the embedded form). Shared caches
        may keep it until the next instant its status changes by itself (opening,
        deadline, first and last session, stale notice), at most ``PAGE_CACHE_TIMEOUT``
        seconds, and only where the site purges them (``WAGTAILFRONTENDCACHE``).
        """
        if request.method not in ("GET", "HEAD") or getattr(request, "is_preview", False):
            return None
        # a signed-in user has a session; without its cookie there is no user (and
        # reading request.user would add "Vary: Cookie" to every response)
        if django_settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None
        if "HTTP_AUTHORIZATION" in request.META:
            return None
        if response.status_code != 200 or response.cookies:
            return None
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return None
        left = self.seconds_until_status_changes()

        def bound(seconds):
            return seconds if left is None else min(seconds, left)

        directives = {"public": True, "max_age": bound(self.cache_max_age)}
        if frontend_cache_configured():
            directives["s_maxage"] = bound(settings.PAGE_CACHE_TIMEOUT or 0)
        return directives

    def seconds_until_status_changes(self):
        """Whole seconds until the page changes by time alone, or None (never)."""
        valid_until = self.get_content_valid_until()
        if valid_until is None:
            return None
        left = (valid_until - timezone.now().astimezone(datetime.UTC)).total_seconds()
        return max(math.floor(left), 0)

    def add_cache_headers(self, request, response):
        """Cache-Control for the public page (``get_cache_control``), unless something
        else set it already (Wagtail's view restrictions, a site's middleware)."""
        if response.has_header("Cache-Control"):
            return response
        directives = self.get_cache_control(request, response)
        if directives is not None:
            patch_cache_control(response, **directives)
        return response

    def route(self, request, path_components):
        """The page itself is served as Wagtail serves a page (``serve()``), without
        resolving a sub-route, while the class keeps the default index route and
        ``serve()``. Sub-routes (``ical/``) and previews go through
        ``RoutablePageMixin`` as usual."""
        if not path_components and self.live and _serves_index_as_page(type(self)):
            return RouteResult(self)
        return super().route(request, path_components)

    @path("ical/", name="calendar")
    def calendar(self, request):
        """The event's sessions as an iCalendar (.ics) file."""
        response = HttpResponse(
            build_event_calendar(self, request=request), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{self.slug or 'event'}.ics"
        )
        return response


class AbstractEventPage(EventPageMixin, Page):
    """The event page on Wagtail's ``Page``: subclass this to add fields of your own."""

    content_panels = Page.content_panels + EventPageMixin.content_panels
    search_fields = Page.search_fields + [index.SearchField("lead"), index.SearchField("body")]

    class Meta:
        abstract = True
