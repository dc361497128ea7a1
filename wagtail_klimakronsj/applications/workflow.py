"""The walk of one application: the seats decide, the outbox records, tasks send after
commit.

``submit``, ``decide``, ``withdraw`` and the others each run in one transaction: the
seat policy (``seats``) changes the applications with the event's row locked, the
emails the change causes are written to the outbox in the same transaction
(``mail.outbox.record``), and only after commit are the sends enqueued and the
signals sent. A rollback leaves no email behind; a failing mail provider leaves the
application untouched (the row is retried).

The rows record what to say (kind, application, status at the time), not the text:
the worker renders each message just before sending it
(``mail.messages.render_notification``).
"""

import logging

from django.db import transaction
from django.utils import timezone, translation

from .. import signals
from ..choices import ApplicationStatus, NotificationKind
from ..compat import task
from ..mail import messages, outbox
from . import confirmation, seats
from .models import Application

logger = logging.getLogger(__name__)

#: The emails of a new application: the applicant's receipt, the organiser's notice.
SUBMISSION_EMAILS = (NotificationKind.RECEIPT, NotificationKind.ORGANISER_NOTICE)


def _stamp(application):
    moment = application.decided_at or application.submitted_at or timezone.now()
    return moment.strftime("%Y%m%d%H%M%S%f")


def record_status_emails(changes, event, *, request=None):
    """One email per status change (accepted with .ics, waitlisted, declined, …), each
    once (the key names the change). Returns the ids of the rows written."""
    rows = []
    for change in changes:
        kind = messages.kind_for_change(change)
        if kind is None:
            continue
        application = change.application
        key = f"{kind}:{application.pk}:{_stamp(application)}"
        rows.append(outbox.about(kind, application, event, dedupe_key=key, request=request))
    return outbox.record(rows)


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
    """Store an application (``seats.apply``) and, in the same transaction, its receipt
    and the organiser's notice (``mail.outbox.record``); they are sent after commit.

    ``fields`` are ``Application`` field values (``ApplicationForm.application_fields()``).
    Returns ``(application, created, changes)``; ``created`` is False when the email
    had already applied (nothing is stored then). Raises ``seats.NoSeatsLeft``,
    ``seats.FormAlreadyUsed`` and ``seats.MunicipalityNotOffered``.
    """
    fields = dict(fields)
    fields.setdefault("form_page_id", getattr(form_page, "pk", None))
    fields.setdefault("language", translation.get_language() or "")
    fields.setdefault("consent_given_at", timezone.now())
    with transaction.atomic():
        application, created, changes = seats.apply(
            event, fields, held_for_review=held_for_review, hold_reason=hold_reason
        )
        if not created:
            return application, created, changes
        outbox.record(
            outbox.about(
                kind, application, event, dedupe_key=f"{kind}:{application.pk}", request=request
            )
            for kind in SUBMISSION_EMAILS
        )
        if application.status == ApplicationStatus.UNCONFIRMED:
            transaction.on_commit(lambda: schedule_release(application.confirm_by))
        transaction.on_commit(
            lambda: signals.application_submitted.send(
                sender=Application, application=application, request=request
            )
        )
    return application, created, changes


def send_manage_link(application, *, request=None, key=None, event=None):
    """Record a fresh link to the applicant's page, to the address on the application.
    ``key``: what makes this request one (the form's nonce), else the time now."""
    if application.erased_at:
        return None
    if event is None:
        event = seats.load_event(application.event_id)
    key = key or timezone.now().strftime("%Y%m%d%H%M%S%f")
    row = outbox.about(
        NotificationKind.MANAGE_LINK,
        application,
        event,
        dedupe_key=f"manage_link:{application.pk}:{key}",
        request=request,
    )
    return outbox.record([row])


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
            event = seats.load_event(application.event_id)
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
            event = seats.load_event(application.event_id)
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


@task
def release_unconfirmed_seats():
    """The task: release the seats held unconfirmed past their time and offer them on
    (``release_unconfirmed``). Returns the number released."""
    return release_unconfirmed()


def schedule_release(when):
    """Queue the release of unconfirmed seats for ``when`` when the tasks backend can
    defer a task; otherwise the cron command (``klimakronsj_send_mail`` or
    ``klimakronsj_release_unconfirmed``) releases them."""
    release = release_unconfirmed_seats
    try:
        if getattr(release.get_backend(), "supports_defer", False):
            release.using(run_after=when).enqueue()
    except Exception:  # noqa: BLE001 - never let the queue break a saved application
        logger.exception("Could not schedule the release of unconfirmed seats")
