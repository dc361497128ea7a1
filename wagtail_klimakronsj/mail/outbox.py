"""The one writer of the outbox: every email the package sends is a ``Notification``
row written here, inside the transaction of the change that causes it.

``record(rows)`` writes the rows (a row whose ``dedupe_key`` exists already is left
out: the keys are unique, so the same change never records two emails) and, once the
transaction commits, queues the task that sends them (``tasks.send_notifications``).
A rollback leaves no email behind. A failing enqueue only delays the emails: the rows
stay queued and ``tasks.send_due`` (``manage.py klimakronsj_send_mail``) sends them.

Most rows hold only what to say (kind, application, ``render_context``): the worker
writes the text just before sending (``messages.render_notification``). Group emails
are written in full when recorded (``written``).
"""

import logging

from django.db import transaction
from django.db.models import Q

from ..choices import NotificationStatus
from . import messages, tasks
from .models import Notification

logger = logging.getLogger(__name__)

#: Emails per send task: a larger batch (a group email to every participant) is split,
#: so several workers send it side by side.
TASK_CHUNK = 20


def about(kind, application, event, *, dedupe_key, request=None):
    """An unsaved row for the email ``kind`` about ``application``, its text written when
    it is sent; None when the email has no recipient."""
    to, reply_to = messages.recipients(kind, application, event)
    if not to:
        return None
    return Notification(
        kind=kind,
        application=application,
        dedupe_key=dedupe_key[:150],
        to=list(to),
        reply_to=list(reply_to),
        subject="",
        body_text="",
        render_context=messages.render_context(application, request),
    )


def written(email, *, dedupe_key, application=None, group=None):
    """An unsaved row for an email written now (a ``messages.Email``)."""
    return Notification(
        kind=email.kind,
        application=application,
        group=group,
        dedupe_key=dedupe_key[:150],
        to=list(email.to),
        reply_to=list(email.reply_to),
        subject=email.subject,
        body_text=email.body_text,
        body_html=email.body_html,
        ics=email.ics,
    )


def record(rows):
    """Write the outbox rows inside the caller's transaction and queue their sending for
    after its commit. Rows that are None, have no recipient, or whose ``dedupe_key`` is
    recorded already are left out. Returns the ids of the rows written."""
    rows = [row for row in rows if row is not None and row.to]
    if not rows:
        return []
    with transaction.atomic(savepoint=False):  # the caller's transaction, if any
        # The unique key decides: a row whose key is recorded already is not written
        # (ignore_conflicts), nor is one a writer racing for the same key (two clicks at
        # once) has written: it waits for the other, then writes nothing.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # The rows written now carry this call's ``created_at`` (set by bulk_create); a
        # row recorded earlier under the same key has an earlier one.
        written = Q()
        for row in rows:
            written |= Q(dedupe_key=row.dedupe_key, created_at=row.created_at)
        ids = list(
            Notification.objects.filter(written, status=NotificationStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            transaction.on_commit(lambda: enqueue(ids))
    return ids


def enqueue(notification_ids):
    """Hand the rows to the tasks backend, ``TASK_CHUNK`` per task; a failure here only
    delays them (``tasks.send_due`` picks up what is still queued)."""
    for start in range(0, len(notification_ids), TASK_CHUNK):
        chunk = list(notification_ids[start : start + TASK_CHUNK])
        try:
            tasks.send_notifications.enqueue(chunk)
        except Exception:  # noqa: BLE001 - never let the queue break a saved change
            logger.exception("Could not enqueue emails %s; they stay queued", chunk)
