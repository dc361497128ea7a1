"""Purging the event page from the site's frontend cache (Varnish, a CDN) when what it
shows changes without a publication of its own.

Wagtail's ``wagtail.contrib.frontend_cache`` purges a page when it is published; the
event page also shows its seats left and status (changed by applications) and the link
to its form page. The receivers below purge it, through
``wagtail.contrib.frontend_cache.utils.purge_page_from_cache``, when:

- an application takes or frees a seat: ``application_submitted`` and
  ``application_status_changed`` (both sent after commit);
- its application form page, or a proposal of its edition, is published or unpublished
  (``page_published``, ``page_unpublished``: any page with an ``event``).

Nothing happens unless the site configures ``WAGTAILFRONTENDCACHE``. What changes by
time alone (a deadline passing) needs no purge: the page's ``s-maxage`` ends then.
"""

from django.conf import settings as django_settings
from wagtail.contrib.frontend_cache.utils import purge_page_from_cache
from wagtail.signals import page_published, page_unpublished

from ..choices import SEAT_HOLDING
from ..signals import application_status_changed, application_submitted


def frontend_cache_configured():
    """Whether the site purges a frontend cache (Wagtail's settings for it)."""
    return bool(
        getattr(django_settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(django_settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def _purge_event_of(instance):
    """Purge the event of an application, form page or proposal. The configuration is
    checked first, so a site without a frontend cache never loads the event for it."""
    if getattr(instance, "event_id", None) and frontend_cache_configured():
        purge_page_from_cache(instance.event)


def _takes_or_frees_a_seat(*statuses):
    return any(status in SEAT_HOLDING for status in statuses)


def application_submitted_receiver(sender, application, **kwargs):
    if _takes_or_frees_a_seat(application.status):
        _purge_event_of(application)


def application_status_changed_receiver(sender, application, old_status, new_status, **kwargs):
    if _takes_or_frees_a_seat(old_status, new_status):
        _purge_event_of(application)


def page_with_event_changed(sender, instance, **kwargs):
    """A form page or a proposal (a page with an ``event``) was published or unpublished:
    its event page links or lists it."""
    _purge_event_of(instance)


def connect_receivers():
    """Connect the receivers above (from ``AppConfig.ready``)."""
    uid = "wagtail_klimakronsj.events.purge"
    application_submitted.connect(application_submitted_receiver, dispatch_uid=f"{uid}:submitted")
    application_status_changed.connect(
        application_status_changed_receiver, dispatch_uid=f"{uid}:status"
    )
    page_published.connect(page_with_event_changed, dispatch_uid=f"{uid}:published")
    page_unpublished.connect(page_with_event_changed, dispatch_uid=f"{uid}:unpublished")
