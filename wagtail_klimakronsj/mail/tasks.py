"""Sending the outbox: each ``Notification`` row claimed atomically, then sent.

A row goes ``queued -> sending -> sent`` exactly once (the claim is an
``UPDATE ... WHERE status='queued'``), so two workers, a retry and the cron command
can never send the same message twice. A row recorded with ``render_context`` gets its
text here, after the claim and before the send, and keeps it (a retry sends the same
text). A failing provider puts the row back to ``queued`` with ``next_attempt_at``
(exponential backoff) until ``MAIL_MAX_ATTEMPTS``, then ``failed``. Mail goes only
through ``django.core.mail``. The rows are written by ``outbox.record``, which queues
``send_notifications`` after commit; ``send_due`` (the cron command) sends whatever is
still due.

A connection waits at most ``MAIL_TIMEOUT`` seconds for a mail server when the site's
backend sets no timeout of its own; when the server does not answer, the task's other
emails wait for the same retry instead of each waiting for the server in turn.

A worker that dies mid-send leaves its row in ``sending``. The claim notes, in
``next_attempt_at``, when the send must be over (``sending_bound``: a multiple of
``MAIL_TIMEOUT``); a row still ``sending`` after that goes back to ``queued`` and is
sent again (``requeue_stuck``, run by ``send_due``), or is marked ``failed`` once it
has used its ``MAIL_MAX_ATTEMPTS``. Each is logged. A public body would rather send an
email twice than lose it: the receipt carries the link that confirms a held seat, the
acceptance the meeting link, and a worker that dies after the provider took the
message (the only case that sends twice) is far rarer than one that dies before.
"""

import datetime
import logging
import smtplib

import requests
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from ..applications.models import Application
from ..choices import NotificationKind, NotificationStatus
from ..compat import default_mailer, task
from ..conf import from_email, settings
from . import messages
from .models import Notification

logger = logging.getLogger(__name__)

#: First retry after this many seconds, doubling each time, at most MAX_BACKOFF.
BASE_BACKOFF = 60
MAX_BACKOFF = 6 * 3600


def backoff(attempts):
    return min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def build_message(notification):
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=from_email(),
        to=list(notification.to),
        reply_to=list(notification.reply_to or []),
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.ics:
        message.attach("klimakronsj.ics", notification.ics, "text/calendar")
    return message


#: What the provider's tracking webhook reported about a message (``tracking.py``): the
#: sender's own note ("sent", "retrying", …) about the same kind never replaces one of these.
TRACKED_OUTCOMES = ("delivered", "bounced", "complained", "rejected", "unsubscribed")


def _note_on_application(notification, status, now):
    """Note the send on the application's ``email_status``, only moving it forward: a
    webhook event newer than ``now`` (it can arrive before the worker notes "sent") or
    a tracked outcome of the same kind of email stays as it is."""
    if notification.application_id and notification.kind != NotificationKind.ORGANISER_NOTICE:
        tracked = [f"{notification.kind}:{outcome}"[:30] for outcome in TRACKED_OUTCOMES]
        Application.objects.filter(pk=notification.application_id, erased_at__isnull=True).filter(
            Q(email_status_at__isnull=True) | Q(email_status_at__lte=now)
        ).exclude(email_status__in=tracked).update(
            email_status=f"{notification.kind}:{status}"[:30], email_status_at=now
        )


def mail_connection():
    """A connection of the default mailer, with ``MAIL_TIMEOUT`` as its timeout when the
    backend has a ``timeout`` left unset (Django's SMTP backend waits forever then)."""
    connection = default_mailer()
    timeout = settings.MAIL_TIMEOUT
    if timeout and getattr(connection, "timeout", False) is None:
        connection.timeout = timeout
    return connection


#: Errors meaning the mail server or provider did not answer (or could not be reached).
UNREACHABLE = (
    TimeoutError,
    ConnectionError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    requests.ConnectionError,
    requests.Timeout,
)


def unreachable(exc):
    """Whether ``exc`` (or what it was raised from) says the server did not answer."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, UNREACHABLE):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def due(now=None):
    """Queued rows whose time has come."""
    now = now or timezone.now()
    return Notification.objects.filter(status=NotificationStatus.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


#: A row may stay ``sending`` this many times ``MAIL_TIMEOUT`` (a connection, its
#: greeting, TLS, login and the message may each wait that long) before its worker is
#: taken for dead; an hour when no timeout is set.
SENDING_BOUND_TIMEOUTS = 30
SENDING_BOUND_WITHOUT_TIMEOUT = datetime.timedelta(hours=1)


def sending_bound():
    """How long one send may take before ``requeue_stuck`` takes its row back."""
    timeout = settings.MAIL_TIMEOUT
    if not timeout:
        return SENDING_BOUND_WITHOUT_TIMEOUT
    return datetime.timedelta(seconds=SENDING_BOUND_TIMEOUTS * timeout)


def stuck(now=None):
    """Rows left ``sending`` past their bound (their worker stopped mid-send). A row
    claimed before the bound was noted has none: its age counts then."""
    now = now or timezone.now()
    return Notification.objects.filter(status=NotificationStatus.SENDING).filter(
        Q(next_attempt_at__lte=now)
        | Q(next_attempt_at__isnull=True, created_at__lte=now - sending_bound())
    )


def requeue_stuck(now=None):
    """Put each stuck row back in the queue for a retry now, or mark it failed when it
    has used its attempts; logs each. Returns ``(requeued, failed)``. Safe to run twice
    at once: each row moves once (the update checks it is still as read)."""
    now = now or timezone.now()
    requeued = failed = 0
    for pk, attempts in stuck(now).values_list("pk", "attempts"):
        gave_up = attempts >= settings.MAIL_MAX_ATTEMPTS
        note = f"The worker stopped while sending it (attempt {attempts})."
        moved = Notification.objects.filter(
            pk=pk, status=NotificationStatus.SENDING, attempts=attempts
        ).update(
            status=NotificationStatus.FAILED if gave_up else NotificationStatus.QUEUED,
            next_attempt_at=None if gave_up else now,
            last_error=note,
        )
        if not moved:
            continue
        if gave_up:
            failed += 1
            logger.error("Email %s: %s Marked failed after %s attempts.", pk, note, attempts)
        else:
            requeued += 1
            logger.warning("Email %s: %s Queued again; it may arrive twice.", pk, note)
    return requeued, failed


def deliver(notification_id, outcome=None):
    """Send one queued notification now. Returns "sent", "retry", "failed" or "skipped".
    ``outcome`` (a dict), when given, gets the error of a failed send as ``"error"``."""
    now = timezone.now()
    claimed = (
        due(now)
        .filter(pk=notification_id)
        .update(
            status=NotificationStatus.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + sending_bound(),  # when the send must be over
        )
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("application").get(pk=notification_id)
    try:
        if needs_rendering(notification):
            if not render(notification):
                return _nothing_to_send(notification)
        message = build_message(notification)
        mail_connection().send_messages([message])
    except Exception as exc:  # noqa: BLE001 - any provider error: record and retry
        if outcome is not None:
            outcome["error"] = exc
            outcome["next_attempt_at"] = None
        logger.warning(
            "Email %s failed (attempt %s): %s", notification.pk, notification.attempts, exc
        )
        failed = notification.attempts >= settings.MAIL_MAX_ATTEMPTS
        next_attempt = (
            None if failed else now + datetime.timedelta(seconds=backoff(notification.attempts))
        )
        status = NotificationStatus.FAILED if failed else NotificationStatus.QUEUED
        # Only the row as claimed: a row taken back meanwhile (``requeue_stuck``) is left.
        Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.SENDING, attempts=notification.attempts
        ).update(
            status=status,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=next_attempt,
        )
        _note_on_application(notification, "failed" if failed else "retrying", now)
        if not failed:
            if outcome is not None:
                outcome["next_attempt_at"] = next_attempt
            _schedule_retry(notification.pk, next_attempt)
        return "failed" if failed else "retry"
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    message_id = "" if message_id is None else str(message_id)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
        next_attempt_at=None,
        provider_message_id=str(message_id)[:200],
    )
    _note_on_application(notification, "sent", now)
    return "sent"


def needs_rendering(notification):
    return notification.render_context is not None and not notification.body_text


def render(notification):
    """Write the text of a row recorded with ``render_context`` and store it on the row
    (so the desk shows what was sent, and a retry sends the same). False when there is
    nothing to send any more (the application was erased)."""
    email = messages.render_notification(notification)
    if email is None or not email.to:
        return False
    notification.to = list(email.to)
    notification.reply_to = list(email.reply_to)
    notification.subject = email.subject
    notification.body_text = email.body_text
    notification.body_html = email.body_html
    notification.ics = email.ics
    Notification.objects.filter(pk=notification.pk).update(
        to=notification.to,
        reply_to=notification.reply_to,
        subject=notification.subject,
        body_text=notification.body_text,
        body_html=notification.body_html,
        ics=notification.ics,
    )
    return True


def _nothing_to_send(notification):
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED,
        last_error="Nothing to send: the application or its personal data is gone.",
        next_attempt_at=None,
    )
    return "failed"


def _schedule_retry(notification_id, when):
    """Enqueue the retry for later when the tasks backend can defer; else the cron
    command (``klimakronsj_send_mail``) sends it when it is due."""
    try:
        backend = send_notification.get_backend()
        if getattr(backend, "supports_defer", False):
            send_notification.using(run_after=when).enqueue(notification_id)
    except Exception:  # noqa: BLE001
        logger.exception("Could not schedule the retry of email %s", notification_id)


@task
def send_notification(notification_id):
    """The task: send one recorded email (see ``deliver``)."""
    return deliver(notification_id)


def postpone(notification_ids, when, error):
    """Leave due rows queued until ``when`` (not attempted, so no attempt is counted)
    and schedule their retry; returns the ids postponed."""
    ids = list(due().filter(pk__in=notification_ids).values_list("pk", flat=True))
    note = f"Not tried: the mail server did not answer ({type(error).__name__}: {error})"
    Notification.objects.filter(pk__in=ids, status=NotificationStatus.QUEUED).update(
        next_attempt_at=when, last_error=note[:2000]
    )
    for pk in ids:
        _schedule_retry(pk, when)
    return ids


def _deliver_each(notification_ids):
    """Deliver each row; once the server did not answer, the rest wait for the same
    retry (so a hanging server holds the worker, or a request, for one timeout)."""
    outcomes = []
    notification_ids = list(notification_ids)
    for position, notification_id in enumerate(notification_ids):
        outcome = {}
        try:
            outcomes.append(deliver(notification_id, outcome))
        except Exception:  # noqa: BLE001 - the row stays for the cron command
            logger.exception("Could not deliver email %s", notification_id)
            outcomes.append("error")
        when = outcome.get("next_attempt_at")
        if when and unreachable(outcome.get("error")):
            rest = postpone(notification_ids[position + 1 :], when, outcome["error"])
            outcomes.extend("postponed" for _ in rest)
            break
    return outcomes


@task
def send_notifications(notification_ids):
    """The task ``outbox.record`` queues: send the recorded emails, each claimed on its
    own (see ``deliver``). One failing row never stops the others; once the server did
    not answer, the rest wait for the same retry."""
    return _deliver_each(notification_ids)


def send_due(limit=None, now=None):
    """Take back the rows stuck in ``sending`` (``requeue_stuck``), then send every due
    queued row now; returns a dict of outcome counts ("postponed": not tried because the
    server did not answer; "requeued"/"stuck_failed": rows taken back)."""
    requeued, stuck_failed = requeue_stuck(now)
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    ids = list(due(now).order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    for outcome in _deliver_each(ids):  # a server that does not answer: one wait, not one each
        counts[outcome] = counts.get(outcome, 0) + 1
    if requeued:
        counts["requeued"] = requeued
    if stuck_failed:
        counts["stuck_failed"] = stuck_failed
    return counts
