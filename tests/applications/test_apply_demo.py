"""The demo's current edition accepts an application end to end."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from wagtail_klimakronsj.mail.models import NotificationStatus
from wagtail_klimakronsj.models import Application, Municipality, Notification

pytestmark = pytest.mark.django_db


def test_demo_current_edition_accepts_an_application(
    root_page, settings, django_capture_on_commit_callbacks
):
    from wagtail_klimakronsj.demo import events

    cache.clear()
    settings.WAGTAIL_KLIMAKRONSJ_MIN_FILL_SECONDS = 0
    call_command("klimakronsj_demo", stdout=open("/dev/null", "w"))
    pages = events.create()  # idempotent: returns the pages the command built
    form_page = pages["application_page"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    event_html = client.get(pages["current_event"].url).content.decode()
    assert form_page.url in event_html  # the event page links to its form
    html = client.get(form_page.url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    data = {
        "full_name": "Demo Søkjar",
        "email": "demo@example.org",
        "municipality": str(Municipality.objects.get(number="4601").pk),
        "role": "elected",
        "position": "Kommunestyret",
        "consent": "on",
        "form_token": token,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page.url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Thank you" in client.get(response["Location"]).content.decode()
    application = Application.objects.get(email="demo@example.org")
    assert application.event_id == pages["current_event"].pk
    assert Notification.objects.filter(application=application, status=NotificationStatus.SENT).count() >= 1
    assert any(m.to == ["demo@example.org"] for m in mail.outbox)
