"""The walk of one application: seats decide, the outbox records, tasks send after commit.

``submit``, ``decide`` and ``withdraw`` each run in one transaction: the seat policy
(``seats``) changes the applications with the event row locked, the emails the change
causes are recorded in the same transaction, and only after commit are the sends
enqueued and the signals sent. A rollback leaves no email behind; a failing mail
provider leaves the application untouched (the row is retried).

A decision or a withdrawal records ``Notification`` rows (the outbox) at once. A
submission notes its two emails on the application's own row (``pending_mail``), and
the event's mail task writes them to the outbox (``write_submission_mail``), one
INSERT for a whole burst: the submission writes nothing more while the event's row is
locked.

The rows record what to say (kind, application, status at the time), not the text:
the worker renders each message just before sending it (``notifications.render_notification``).
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from .. import signals
from ..choices import ApplicationStatus, NotificationKind
from ..compat import get_page_model
from ..mail import messages as notifications
from ..mail import tasks
from ..models import Application, Notification
from . import confirmation, seats

logger = logging.getLogger(__name__)


def outbox_row(kind, application, event, *, dedupe_key=None, request=None, context=None):
    """An unsaved outbox row for the email ``kind`` about ``application``, its text to be
    written when it is sent; None when the email has no recipient. ``context``: what the
    text depends on, noted earlier (else taken now, see ``notifications.render_context``)."""
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
        render_context=(
            context if context is not None else notifications.render_context(application, request)
        ),
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
    from ..mail.tasks import send_notification

    try:
        send_notification.enqueue(notification_id)
    except Exception:  # noqa: BLE001 - never let the queue break a saved application
        logger.exception("Could not enqueue email %s; it stays queued", notification_id)


def enqueue_event_mail(event_id):
    """Queue the task that sends the event's due emails (``tasks.send_event_mail``). If
    that fails, the claim is released, so the next submission queues it again (and
    ``manage.py klimakronsj_send_mail`` sends what is still queued)."""
    from ..mail.tasks import send_event_mail

    try:
        send_event_mail.enqueue(event_id)
    except Exception:  # noqa: BLE001 - never let the queue break a saved application
        logger.exception("Could not enqueue the emails of event %s; they stay queued", event_id)
        try:
            seats.release_mail_claim(event_id)
        except Exception:  # noqa: BLE001 - the claim goes stale after MAIL_CLAIM_STALE
            logger.exception("Could not release the mail claim of event %s", event_id)


#: The emails of a submission, written to the outbox by ``write_submission_mail``.
SUBMISSION_EMAILS = (NotificationKind.RECEIPT, NotificationKind.ORGANISER_NOTICE)


def write_submission_mail(event_id=None):
    """Write the outbox rows of the submissions whose emails are still pending
    (``Application.pending_mail``, set in the submission's own INSERT): the receipt and
    the organiser's notice of each, in one INSERT, and clear the flags, in one
    transaction. ``event_id``: only that event's submissions (the event's mail task);
    None: every event's (``tasks.send_due``, the cron command). Returns the number of
    applications done.

    Each application is locked while its rows are written; a second writer waits, then
    skips it (its flag is clear), and the unique dedupe keys would refuse a second row
    anyway: each email is recorded once. An application erased meanwhile gets none."""
    with transaction.atomic():
        pending = Application.objects.filter(pending_mail__isnull=False)
        if event_id is not None:
            pending = pending.filter(event_id=event_id)
        # Locked in the order decisions and promotions lock them (``seats``), so the two
        # never wait on each other in a circle.
        applications = list(pending.select_for_update().order_by("submitted_at", "pk"))
        if not applications:
            return 0
        event_ids = {application.event_id for application in applications}
        events = {
            page.pk: page for page in get_page_model().objects.filter(pk__in=event_ids).specific()
        }
        rows = []
        for application in applications:
            event = events.get(application.event_id)
            if event is None or application.erased_at:
                continue
            for kind in SUBMISSION_EMAILS:
                row = outbox_row(
                    kind,
                    application,
                    event,
                    dedupe_key=f"{kind}:{application.pk}",
                    context=application.pending_mail,
                )
                if row is not None:
                    rows.append(row)
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        Application.objects.filter(pk__in=[a.pk for a in applications]).update(pending_mail=None)
    return len(applications)


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
    """Store an application; its receipt and the organiser's notice follow through the
    event's mail task.

    ``fields`` are ``Application`` field values (``ApplicationForm.application_fields()``).
    Returns ``(application, created, changes)``; ``created`` is False when the email
    had already applied (nothing is stored then). Raises ``seats.NoSeatsLeft``.

    The application's own INSERT notes its emails as pending (``pending_mail``: the
    status decided now, the site address used), so they are committed with it or not at
    all; the event's mail task writes them to the outbox and sends them
    (``write_submission_mail``). Nothing more is written while the event's row is locked.
    """
    fields = dict(fields)
    fields.setdefault("form_page_id", getattr(form_page, "pk", None))
    fields.setdefault("language", translation.get_language() or "")
    fields.setdefault("consent_given_at", timezone.now())

    def note_emails(application):
        application.pending_mail = notifications.render_context(application, request)

    def after_insert(application, queue_task):
        # After commit: the event's mail task, unless one is queued and not started
        # yet (it sends this application's emails too), then the signal.
        if queue_task:
            transaction.on_commit(lambda: enqueue_event_mail(event.pk))
        if application.status == ApplicationStatus.UNCONFIRMED:
            transaction.on_commit(lambda: schedule_release(application.confirm_by))
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
        before_insert=note_emails,
        on_created=after_insert,
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


def confirm_email(application, *, request=None):
    """The applicant confirms their address (``confirmation.confirm``): a held seat
    becomes theirs, with the acceptance email (once: a second confirmation changes
    nothing); a seat offered from the waiting list sends its email."""
    with transaction.atomic():
        changes = confirmation.confirm(application)
        if changes:
            event = get_page_model().objects.get(pk=application.event_id).specific
            record_status_emails(changes, event, request=request)
            transaction.on_commit(lambda: _send_status_signals(changes))
    return changes


def release_unconfirmed(now=None):
    """Release every seat held unconfirmed past its time and offer it on (emails to
    those promoted), one transaction per event. Returns the number released. Safe to
    run at any interval, twice, or on several machines (``confirmation.release_event``)."""
    released = 0
    for event in confirmation.events_with_expired_holds(now):
        with transaction.atomic():
            changes = confirmation.release_event(event, now)
            record_status_emails(changes, event)
            transaction.on_commit(lambda changes=changes: _send_status_signals(changes))
        released += sum(1 for c in changes if c.new_status == ApplicationStatus.EXPIRED)
    return released


def schedule_release(when):
    """Queue the release of unconfirmed seats for ``when`` when the tasks backend can
    defer a task; otherwise the cron command (``klimakronsj_send_mail`` or
    ``klimakronsj_release_unconfirmed``) releases them."""
    task = tasks.release_unconfirmed_seats
    try:
        if getattr(task.get_backend(), "supports_defer", False):
            task.using(run_after=when).enqueue()
    except Exception:  # noqa: BLE001 - never let the queue break a saved application
        logger.exception("Could not schedule the release of unconfirmed seats")
