"""The walk of one application: seats decide, the outbox records, tasks send after commit.

``submit``, ``decide`` and ``withdraw`` each run in one transaction: the seat policy
(``seats``) changes the applications with the event row locked, the emails the change
causes are recorded as ``Notification`` rows in the same transaction, and only after
commit are the sends enqueued and the signals sent. A rollback leaves no email behind;
a failing mail provider leaves the application untouched (the row is retried).

The rows record what to say (kind, application, status at the time), not the text:
the worker renders each message just before sending it (``notifications.render_notification``),
so nothing is rendered while the event's row is locked.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from . import notifications, seats, signals
from .compat import get_page_model
from .models import Application, Notification, NotificationKind

logger = logging.getLogger(__name__)


def outbox_row(kind, application, event, *, dedupe_key=None, request=None):
    """An unsaved outbox row for the email ``kind`` about ``application``, its text to be
    written when it is sent; None when the email has no recipient."""
    to, reply_to = notifications.recipients(kind, application, event)
    if not to:
        return None
    return Notification(
        kind=kind,
        application=application,
        dedupe_key=dedupe_key,
        to=list(to),
        reply_to=list(reply_to),
        subject="",
        body_text="",
        render_context=notifications.render_context(application, request),
    )


def record(email, *, application=None, dedupe_key=None, fresh=False):
    """Store one email in the outbox (inside the caller's transaction); None if a
    message with the same ``dedupe_key`` exists already. ``fresh=True`` says the key
    cannot exist yet (it names a row created in this transaction).

    ``email`` is a ``notifications.Email`` (written now) or an unsaved ``Notification``
    from ``outbox_row`` (written when sent)."""
    if email is None or not email.to:
        return None
    if isinstance(email, Notification):
        notification = email
        notification.application = application or notification.application
        notification.dedupe_key = dedupe_key or notification.dedupe_key
    else:
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


def enqueue_event_mail(event_id):
    """Queue the task that sends the event's due emails (``tasks.send_event_mail``). If
    that fails, the claim is released, so the next submission queues it again (and
    ``manage.py klimakronsj_send_mail`` sends what is still queued)."""
    from .tasks import send_event_mail

    try:
        send_event_mail.enqueue(event_id)
    except Exception:  # noqa: BLE001 - never let the queue break a saved application
        logger.exception("Could not enqueue the emails of event %s; they stay queued", event_id)
        try:
            seats.release_mail_claim(event_id)
        except Exception:  # noqa: BLE001 - the claim goes stale after MAIL_CLAIM_STALE
            logger.exception("Could not release the mail claim of event %s", event_id)


def record_fresh(rows, *, event_id, queue_task):
    """Store a submission's outbox rows, whose dedupe keys name rows created in this
    transaction (so they cannot exist yet): one INSERT. After commit, the event's mail
    task when this transaction claimed it (``queue_task``, see
    ``seats.lock_event_for_submission``), else none: the task already queued sends these
    rows too."""
    rows = [row for row in rows if row is not None]
    if not rows:
        if queue_task:  # nothing to send: leave the mail task unclaimed
            seats.release_mail_claim(event_id)
        return []
    Notification.objects.bulk_create(rows)
    if any(row.pk is None for row in rows):  # a database that does not return ids
        keys = [row.dedupe_key for row in rows]
        ids = dict(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", "pk"))
        for row in rows:
            row.pk = ids[row.dedupe_key]
    if queue_task:
        transaction.on_commit(lambda: enqueue_event_mail(event_id))
    return rows


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
        key = f"{kind}:{application.pk}:{_stamp(application)}"
        row = outbox_row(kind, application, event, dedupe_key=key, request=request)
        notification = record(row, application=application, dedupe_key=key)
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

    def record_submission(application, queue_task):
        # Inside seats.apply's transaction, after the insert: two rows, one INSERT, and
        # after commit the event's mail task if no task of the event is waiting.
        record_fresh(
            [
                outbox_row(
                    kind,
                    application,
                    event,
                    dedupe_key=f"{kind}:{application.pk}",
                    request=request,
                )
                for kind in (NotificationKind.RECEIPT, NotificationKind.ORGANISER_NOTICE)
            ],
            event_id=event.pk,
            queue_task=queue_task,
        )
        transaction.on_commit(
            lambda: signals.application_submitted.send(
                sender=Application, application=application, request=request
            )
        )

    return seats.apply(
        event,
        fields,
        held_for_review=held_for_review,
        hold_reason=hold_reason,
        on_created=record_submission,
    )


def send_manage_link(application, *, request=None, key=None, event=None):
    """Record a fresh link to the applicant's page, to the address on the application."""
    if application.erased_at:
        return None
    if event is None:
        event = get_page_model().objects.get(pk=application.event_id).specific
    key = key or timezone.now().strftime("%Y%m%d%H%M%S%f")
    dedupe_key = f"manage_link:{application.pk}:{key}"[:150]
    row = outbox_row(NotificationKind.MANAGE_LINK, application, event, request=request)
    with transaction.atomic():
        return record(row, application=application, dedupe_key=dedupe_key)


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
