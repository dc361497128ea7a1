"""Helpers shared by the tests/applications/ files and the others that post an application."""

import datetime
import re

import django
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.utils import timezone

from wagtail_klimakronsj.applications.spam import make_form_token


def form_data(form_page, event, *, seconds_ago=60, token=None, **overrides):
    """A valid POST for ``form_page``, as if the form was shown ``seconds_ago``."""
    if token is None:
        started = int(timezone.now().timestamp()) - seconds_ago
        token = make_form_token(form_page.pk, event.pk, started=started)
    data = {
        "full_name": "Kari Nordmann",
        "email": "kari@example.org",
        "phone": "+47 22 00 00 00",
        "municipality": "",
        "organisation": "",
        "role": "employee",
        "position": "Klimarådgjevar",
        "interests": "Areal og transport",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
        "form_token": token,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def mail_backend(path):
    """override_settings for the default mail backend on Django 5.2 and 6.1."""
    if django.VERSION >= (6, 1):
        return override_settings(MAILERS={"default": {"BACKEND": path}})
    return override_settings(EMAIL_BACKEND=path)


class FailingBackend(BaseEmailBackend):
    """A provider that is down."""

    def send_messages(self, messages):
        raise ConnectionError("provider down")


def at(moment):
    """A fake ``timezone.now`` returning ``moment``."""
    return lambda: moment


def receipt_token(location):
    return re.search(r"receipt/\?t=(.+)$", location).group(1)


def local(date, hour=0, minute=0):
    from wagtail_klimakronsj.timezone import local_datetime

    return local_datetime(date, datetime.time(hour, minute))


def fields(i=0, **extra):
    """The cleaned fields of applicant number ``i``, as ``workflow.submit`` takes them."""
    return {
        "full_name": f"Person {i}",
        "email": f"p{i}@example.org",
        "role": "employee",
        "language": "en",
        **extra,
    }
