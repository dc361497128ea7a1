"""System checks for the WAGTAIL_KLIMAKRONSJ_* settings."""

import json
import zoneinfo
from pathlib import Path

from django.conf import settings as django_settings
from django.core import checks

from .conf import PREFIX, settings

#: What TASKS["default"] is when a site sets no TASKS (Django 6, and the django-tasks backport).
IMMEDIATE = "immediate.ImmediateBackend"


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


def _mail_timeout():
    value = settings.MAIL_TIMEOUT
    if value is None or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    ):
        return []
    return [
        checks.Error(
            f"{PREFIX}MAIL_TIMEOUT must be a number of seconds (or None).",
            id="wagtail_klimakronsj.E005",
        )
    ]


@checks.register()
def check_mail_sending(app_configs=None, **kwargs):
    """Mail sent by the immediate tasks backend is sent inside the web request."""
    errors = _mail_timeout()
    tasks = getattr(django_settings, "TASKS", None) or {}
    backend = tasks.get("default", {}).get("BACKEND", IMMEDIATE)
    if backend.endswith(IMMEDIATE) and not django_settings.DEBUG:
        errors.append(
            checks.Warning(
                "The immediate tasks backend sends every email inside the web request: a "
                "slow mail server holds the web worker.",
                hint=(
                    "Use a tasks backend with a worker, e.g. django-tasks-db "
                    "(TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend'}} "
                    "and manage.py db_worker), and keep a mail timeout "
                    f"({PREFIX}MAIL_TIMEOUT)."
                ),
                id="wagtail_klimakronsj.W010",
            )
        )
    return errors
