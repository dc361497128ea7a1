"""Bounces and other delivery events from the provider end up on the application."""

import base64
import datetime
import json

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.test import RequestFactory, override_settings
from django.utils import timezone

from wagtail_klimakronsj.mail.tracking import record_tracking_event
from wagtail_klimakronsj.models import Application, Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(event, oslo):
    return Application.objects.create(
        event=event,
        full_name="Kari Nordmann",
        email="kari@kommune.example.no",
        municipality=oslo,
        role="employee",
    )


def sent(application, kind, message_id):
    return Notification.objects.create(
        kind=kind,
        application=application,
        to=[application.email],
        subject="Kvittering",
        body_text="Takk",
        status="sent",
        provider_message_id=message_id,
    )


def tracking_event(event_type, message_id, when=None):
    return AnymailTrackingEvent(
        event_type=event_type,
        message_id=message_id,
        recipient="kari@kommune.example.no",
        timestamp=when or timezone.now(),
    )


def test_bounce_is_recorded_on_the_application(application):
    sent(application, NotificationKind.RECEIPT, "msg-1")
    updated = record_tracking_event(None, tracking_event("bounced", "msg-1"), "Postmark")
    application.refresh_from_db()
    assert updated == 1
    assert application.email_status == "receipt:bounced"
    assert application.email_status_at is not None


def test_unknown_message_and_untracked_events_change_nothing(application):
    sent(application, NotificationKind.RECEIPT, "msg-1")
    assert record_tracking_event(None, tracking_event("bounced", "other"), "Postmark") == 0
    assert record_tracking_event(None, tracking_event("opened", "msg-1"), "Postmark") == 0
    assert record_tracking_event(None, tracking_event("bounced", None), "Postmark") == 0
    application.refresh_from_db()
    assert application.email_status == ""


def test_organiser_notice_is_not_the_applicants_delivery(application):
    sent(application, NotificationKind.ORGANISER_NOTICE, "msg-org")
    assert record_tracking_event(None, tracking_event("bounced", "msg-org"), "Postmark") == 0
    application.refresh_from_db()
    assert application.email_status == ""


def test_an_older_event_arriving_late_does_not_overwrite(application):
    sent(application, NotificationKind.ACCEPTED, "msg-2")
    now = timezone.now()
    record_tracking_event(None, tracking_event("bounced", "msg-2", now), "Postmark")
    earlier = now - datetime.timedelta(minutes=5)
    assert record_tracking_event(None, tracking_event("deferred", "msg-2", earlier), "x") == 0
    application.refresh_from_db()
    assert application.email_status == "accepted:bounced"


def test_erased_application_is_left_alone(application):
    sent(application, NotificationKind.RECEIPT, "msg-3")
    Application.objects.filter(pk=application.pk).update(erased_at=timezone.now())
    assert record_tracking_event(None, tracking_event("bounced", "msg-3"), "Postmark") == 0


@override_settings(ANYMAIL={"WEBHOOK_SECRET": "hook:secret"})
def test_postmark_bounce_webhook_through_anymail_signal(application):
    """The path in production: Postmark posts to anymail's webhook, anymail sends the
    tracking signal, the receiver records the bounce."""
    sent(application, NotificationKind.RECEIPT, "883953f4-6105-42a2-a16a-77a8eac79483")
    payload = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": "kari@kommune.example.no",
        "BouncedAt": "2026-09-22T08:00:00Z",
        "Description": "The server was unable to deliver your message",
        "Details": "smtp;550 5.1.1 user unknown",
    }
    request = RequestFactory().post(
        "/anymail/postmark/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hook:secret").decode(),
    )
    tracking.connect(record_tracking_event, dispatch_uid="test_tracking")
    try:
        response = PostmarkTrackingWebhookView.as_view()(request)
    finally:
        tracking.disconnect(dispatch_uid="test_tracking")
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.email_status == "receipt:bounced"
    assert application.email_status_at == datetime.datetime(2026, 9, 22, 8, tzinfo=datetime.UTC)
