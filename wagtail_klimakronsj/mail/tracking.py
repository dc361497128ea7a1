"""Delivery events from the mail provider, recorded on the application.

django-anymail turns a provider's tracking webhook (delivered, bounced, complained …)
into the ``anymail.signals.tracking`` signal. ``record_tracking_event`` is its
receiver: it finds the outbox row by the provider's message id (stored when the email
was sent) and notes the event on the application's ``email_status``, so the organiser
sees "receipt:bounced" next to an applicant whose address does not work.

The site includes anymail's webhook URLs and the receiver is connected once::

    # urls.py
    path("anymail/", include("anymail.urls")),
    # AppConfig.ready()
    from anymail.signals import tracking
    tracking.connect(record_tracking_event, dispatch_uid="wagtail_klimakronsj.mail.tracking")
"""

from django.db.models import Q
from django.utils import timezone

from ..applications.models import Application
from ..choices import NotificationKind
from .models import Notification

#: Event types worth showing the organiser. "sent"/"queued" are recorded by the sender
#: itself; opens and clicks are not tracked (the emails carry no tracking).
RECORDED_EVENTS = {
    "delivered",
    "deferred",
    "bounced",
    "rejected",
    "failed",
    "complained",
    "unsubscribed",
}


def record_tracking_event(sender, event, esp_name, **kwargs):
    """Receiver of ``anymail.signals.tracking``; returns the number of applications updated.

    Emails to the organiser are not recorded on the application. An event older than
    the status already recorded (webhooks arrive out of order) changes nothing.
    """
    event_type = str(getattr(event, "event_type", "") or "")
    message_id = getattr(event, "message_id", None)
    if event_type not in RECORDED_EVENTS or not message_id:
        return 0
    notification = (
        Notification.objects.filter(provider_message_id=str(message_id))
        .exclude(kind=NotificationKind.ORGANISER_NOTICE)
        .exclude(application__isnull=True)
        .only("pk", "kind", "application_id")
        .first()
    )
    if notification is None:
        return 0
    when = getattr(event, "timestamp", None) or timezone.now()
    return (
        Application.objects.filter(pk=notification.application_id, erased_at__isnull=True)
        .filter(Q(email_status_at__isnull=True) | Q(email_status_at__lte=when))
        .update(email_status=f"{notification.kind}:{event_type}"[:30], email_status_at=when)
    )
