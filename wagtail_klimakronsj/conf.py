"""Every ``WAGTAIL_KLIMAKRONSJ_*`` setting with its default, read at call time.

Use ``from wagtail_klimakronsj.conf import settings`` and read ``settings.NAME``.
Nothing is read at import time: a value is looked up on first access and kept until a
setting of the prefix changes (Django's ``setting_changed`` signal, which
``override_settings`` and pytest-django's ``settings`` fixture send), as Django REST
framework's ``api_settings`` does. Public pages read several settings per request,
and a setting left at its default is otherwise a failed lookup each time.
"""

from pathlib import Path

from django.conf import settings as django_settings
from django.core.signals import setting_changed

PREFIX = "WAGTAIL_KLIMAKRONSJ_"

DEFAULTS = {
    # Time zone in which session dates and deadlines are entered and shown.
    "TIME_ZONE": "Europe/Oslo",
    # The template every public page of the package extends.
    "BASE_TEMPLATE": "wagtail_klimakronsj/base.html",
    # The stylesheet of the package's markup: True the shipped one, False none (style
    # the documented kk- classes yourself), or the static path(s) of your own.
    "STYLESHEET": True,
    # Pages older than this (days since publication) show an "older content" notice.
    "STALE_CONTENT_AGE_DAYS": 365,
    # Sender of every email; None means DEFAULT_FROM_EMAIL.
    "FROM_EMAIL": None,
    # Organiser addresses notified of new applications when an event sets none.
    "ORGANISER_EMAILS": [],
    # JSON file with the municipality list (same shape as the shipped one).
    "MUNICIPALITIES_FILE": str(Path(__file__).parent / "data" / "municipalities.json"),
    # Days after an event's last session before its applicants' personal data is erased.
    "RETENTION_DAYS": 180,
    # How long an applicant's signed link to their own page stays valid, in days.
    "MANAGE_LINK_MAX_AGE_DAYS": 365,
    # Anti-spam: submissions faster than this (seconds after the form was shown) are held.
    "MIN_FILL_SECONDS": 3,
    # Rate limits: (count, seconds). Per email address, and a generous one per IP address
    # because many municipal employees share one address.
    "RATE_LIMIT_PER_EMAIL": (5, 3600),
    "RATE_LIMIT_PER_IP": (200, 3600),
    "FEEDBACK_RATE_LIMIT_PER_IP": (30, 3600),
    # Cache alias used for rate limits (use a shared cache with several app servers).
    "CACHE": "default",
    # Cache alias and timeout (seconds) of the event page's cached parts
    # ({% wagtailpagecache %}: keyed on Page.cache_key, so publishing is seen at once),
    # and the longest s-maxage the page sends where a frontend cache is purged
    # (WAGTAILFRONTENDCACHE). A timeout of None or 0 turns both off.
    "PAGE_CACHE": "default",
    "PAGE_CACHE_TIMEOUT": 3600,
    # Seconds a mail connection may wait for the server when the site's backend sets no
    # timeout itself (Django's SMTP backend without EMAIL_TIMEOUT or OPTIONS "timeout").
    # None or 0 leaves the backend as it is.
    "MAIL_TIMEOUT": 10,
    # Number of attempts to send one email before it is marked as failed. An email left
    # "sending" by a worker that stopped (after 30 x MAIL_TIMEOUT) is queued again and
    # counts as one attempt.
    "MAIL_MAX_ATTEMPTS": 8,
    # Proposals per page in the archive.
    "PROPOSALS_PER_PAGE": 20,
    # Rows fetched per database round trip when streaming exports.
    "EXPORT_CHUNK_SIZE": 2000,
}


class KlimakronsjSettings:
    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown setting {PREFIX}{name}")
        value = getattr(django_settings, PREFIX + name, DEFAULTS[name])
        self.__dict__[name] = value  # kept until reload()
        return value

    def reload(self):
        """Forget the values read so far: the next access reads Django's settings."""
        self.__dict__.clear()


settings = KlimakronsjSettings()


def _reload_on_change(*, setting, **kwargs):
    if setting.startswith(PREFIX):
        settings.reload()


setting_changed.connect(_reload_on_change, dispatch_uid="wagtail_klimakronsj.conf")


def from_email():
    return settings.FROM_EMAIL or django_settings.DEFAULT_FROM_EMAIL
