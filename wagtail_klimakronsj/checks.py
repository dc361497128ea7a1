"""System checks for the WAGTAIL_KLIMAKRONSJ_* settings."""

import json
import zoneinfo
from pathlib import Path

from django.conf import settings as django_settings
from django.core import checks

from .conf import PREFIX, settings

#: Every referrer policy a browser knows; of a list, it applies the last one it knows.
REFERRER_POLICIES = {
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
}
#: The policies under which a browser posts a form with ``Origin: null``, even to its
#: own page (Fetch, "serializing a request origin"), which Django's CSRF check refuses.
NULL_ORIGIN_POLICIES = {"no-referrer"}


def _rate(name):
    value = getattr(settings, name)
    ok = (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
    )
    if not ok:
        return [
            checks.Error(
                f"{PREFIX}{name} must be a pair of positive integers (count, seconds).",
                id="wagtail_klimakronsj.E003",
            )
        ]
    return []


def effective_referrer_policy(*values):
    """The policy a browser applies given these ``Referrer-Policy`` values in order
    (header, then meta tags; each a comma-separated string or a list): the last
    policy it knows, or "" for none."""
    policy = ""
    for value in values:
        tokens = value.split(",") if isinstance(value, str) else list(value or ())
        known = [t.strip().lower() for t in tokens if t.strip().lower() in REFERRER_POLICIES]
        policy = known[-1] if known else policy
    return policy


@checks.register(checks.Tags.security)
def check_referrer_policy(app_configs=None, **kwargs):
    """A site-wide ``no-referrer`` makes every form of the package answer 403."""
    if "django.middleware.security.SecurityMiddleware" not in django_settings.MIDDLEWARE:
        return []
    policy = effective_referrer_policy(getattr(django_settings, "SECURE_REFERRER_POLICY", ""))
    if policy not in NULL_ORIGIN_POLICIES:
        return []
    return [
        checks.Warning(
            f"SECURE_REFERRER_POLICY is {policy!r}: browsers then send 'Origin: null' with "
            "every form POST, and Django's CSRF check refuses the application form, the "
            "withdrawal and the organiser's desk (403).",
            hint="Use 'same-origin' (Django's default) or 'strict-origin-when-cross-origin'. "
            "The pages with an applicant's signed link send 'same-origin' themselves.",
            id="wagtail_klimakronsj.W005",
        )
    ]


@checks.register()
def check_settings(app_configs=None, **kwargs):
    errors = []
    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        errors.append(
            checks.Error(
                f"{PREFIX}TIME_ZONE {settings.TIME_ZONE!r} is not a known time zone.",
                hint="Use an IANA name such as 'Europe/Oslo'.",
                id="wagtail_klimakronsj.E001",
            )
        )
    path = Path(settings.MUNICIPALITIES_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("municipalities"), list):
            raise ValueError("no 'municipalities' list")
    except (OSError, ValueError, AttributeError) as exc:
        errors.append(
            checks.Error(
                f"{PREFIX}MUNICIPALITIES_FILE cannot be read: {exc}",
                hint="Point it at a JSON file shaped like the shipped data/municipalities.json.",
                id="wagtail_klimakronsj.E002",
            )
        )
    for name in ("RATE_LIMIT_PER_EMAIL", "RATE_LIMIT_PER_IP", "FEEDBACK_RATE_LIMIT_PER_IP"):
        errors.extend(_rate(name))
    for name in ("RETENTION_DAYS", "MANAGE_LINK_MAX_AGE_DAYS", "MAIL_MAX_ATTEMPTS"):
        value = getattr(settings, name)
        if not isinstance(value, int) or value < 1:
            errors.append(
                checks.Error(
                    f"{PREFIX}{name} must be a positive whole number.",
                    id="wagtail_klimakronsj.E004",
                )
            )
    if not settings.SEAT_LOCKING:
        errors.append(
            checks.Warning(
                f"{PREFIX}SEAT_LOCKING is off: seats can be oversold under load.",
                hint="Only turn it off to demonstrate the race in a load test.",
                id="wagtail_klimakronsj.W001",
            )
        )
    return errors
