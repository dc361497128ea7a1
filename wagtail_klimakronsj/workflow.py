"""The walk of one application: seats decide, the outbox records, tasks send after commit.

``submit``, ``decide`` and ``withdraw`` each run in one transaction: the seat policy
(``seats``) changes the applications with the event row locked, the emails the change
causes are recorded as ``Notification`` rows in the same transaction, and only after
commit are the sends enqueued and the signals sent. A rollback leaves no email behind;
a failing mail provider leaves the application untouched (the row is retried).
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from . import notifications, seats, signals
from .compat import get_page_model
from .models import Application, Notification, NotificationKind

logger = logging.getLogger(__name__)


def record(email, *, application=None, dedupe_key=None, fresh=False):
    """Store one email in the outbox (inside the caller's transaction); None if a
    message with the same ``dedupe_key`` exists already. ``fresh=True`` says the key
    cannot exist yet (it names a row created in this transaction)."""
    if email is None or not email.to:
        return None
    notification = Notification(
        kind=email.kind,
        application=application,
        dedupe_key=dedupe_key,
        to=list(email.to),
        reply_to=list(email.reply_to),
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        ics=email.ics,
    )
    if dedupe_key is not None and not fresh:
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            return None
    else:
        notification.save()
    transaction.on_commit(lambda: enqueue(notification.pk))
    return notification


def enqueue(notification_id):
    """Hand one notification to the tasks backend; a failure here only delays it
    (``manage.py klimakronsj_send_mail`` picks up what is still queued)."""
    from .tasks import send_notification

    try:
        send_notification.enqueue(notification_id)
    except Exception:  # noqa: BLE001 - never let the queue break a saved application
        logger.exception("Could not enqueue email %s; it stays queued", notification_id)


def _stamp(application):
    moment = application.decided_at or application.submitted_at or timezone.now()
    return moment.strftime("%Y%m%d%H%M%S%f")


def record_status_emails(changes, event, *, request=None):
    """One email per status change (accepted with .ics, waitlisted, declined, …)."""
    recorded = []
    for change in changes:
        kind = notifications.kind_for_change(change)
        if kind is None:
            continue
        application = change.application
        email = notifications.applicant_email(kind, application, event, request=request)
        key = f"{kind}:{application.pk}:{_stamp(application)}"
        notification = record(email, application=application, dedupe_key=key)
        if notification is not None:
            recorded.append(notification)
    return recorded


def _send_status_signals(changes, user=None):
    for change in changes:
        if not change.old_status:
            continue
        signals.application_status_changed.send(
            sender=Application,
            application=change.application,
            old_status=change.old_status,
            new_status=change.new_status,
            user=user,
        )


def submit(event, form_page, fields, request=None, *, held_for_review=False, hold_reason=""):
    """Store an application and record the receipt and the organiser's notice.

    ``fields`` are ``Application`` field values (``ApplicationForm.application_fields()``).
    Returns ``(application, created, changes)``; ``created`` is False when the email
    had already applied (nothing is stored then). Raises ``seats.NoSeatsLeft``.
    """
    fields = dict(fields)
    fields.setdefault("form_page_id", getattr(form_page, "pk", None))
    fields.setdefault("language", translation.get_language() or "")
    fields.setdefault("consent_given_at", timezone.now())
    with transaction.atomic():
        application, created, changes = seats.apply(
            event, fields, held_for_review=held_for_review, hold_reason=hold_reason
        )
        if created:
            record(
                notifications.applicant_email(
                    NotificationKind.RECEIPT, application, event, request=request
                ),
                application=application,
                dedupe_key=f"receipt:{application.pk}",
                fresh=True,
            )
            record(
                notifications.organiser_notice(application, event, request=request),
                application=application,
                dedupe_key=f"organiser_notice:{application.pk}",
                fresh=True,
            )
            transaction.on_commit(
                lambda: signals.application_submitted.send(
                    sender=Application, application=application, request=request
                )
            )
    return application, created, changes


def send_manage_link(application, *, request=None, key=None, event=None):
    """Record a fresh link to the applicant's page, to the address on the application."""
    if application.erased_at:
        return None
    if event is None:
        event = get_page_model().objects.get(pk=application.event_id).specific
    key = key or timezone.now().strftime("%Y%m%d%H%M%S%f")
    with transaction.atomic():
        email = notifications.applicant_email(
            NotificationKind.MANAGE_LINK, application, event, request=request
        )
        return record(
            email, application=application, dedupe_key=f"manage_link:{application.pk}:{key}"[:150]
        )


def decide(event, application_ids, new_status, *, user=None, request=None):
    """The organiser's decision: ``seats.decide`` plus one email per change."""
    with transaction.atomic():
        changes, refusals = seats.decide(event, application_ids, new_status, user=user)
        record_status_emails(changes, event, request=request)
        transaction.on_commit(lambda: _send_status_signals(changes, user=user))
    return changes, refusals


def withdraw(application, *, request=None, user=None):
    """The applicant withdraws: confirmation email, and emails to anyone promoted."""
    with transaction.atomic():
        changes = seats.withdraw(application)
        if changes:
            event = get_page_model().objects.get(pk=application.event_id).specific
            record_status_emails(changes, event, request=request)
            transaction.on_commit(lambda: _send_status_signals(changes, user=user))
    return changes


def promote_waiting_list(event, *, request=None):
    """Fill free seats from the waiting list and email those promoted."""
    with transaction.atomic():
        changes = seats.promote_waiting_list(event)
        record_status_emails(changes, event, request=request)
        transaction.on_commit(lambda: _send_status_signals(changes))
    return changes
