"""Erasing applicants' personal data: after the retention period, or on request.

Erasure keeps what the statistics need (event, municipality, role, status, dates,
whether they attended) and removes everything that identifies the person: name,
email, phone, organisation, position, interests, accessibility needs, the answers to
extra questions, the recipients and texts of their emails, and their name in the
audit log's labels. It is idempotent: erased applications are skipped.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from ..choices import NotificationKind
from ..compat import get_page_model
from ..conf import settings
from ..groups.models import ParticipantGroup
from ..mail.models import Notification
from .models import Application

logger = logging.getLogger("wagtail_klimakronsj.applications.retention")

ERASED_VALUES = {
    "full_name": "",
    "email": "",
    "email_key": "",
    "phone": "",
    "organisation": "",
    "position": "",
    "interests": "",
    "accessibility_needs": "",
    "extra_answers": {},
    "hold_reason": "",
}


def erase_applications(queryset, *, user=None, reason="retention", now=None):
    """Erase the personal data of the applications in ``queryset``; returns how many.

    Runs in one transaction; logs one ``wagtail_klimakronsj.erase`` entry per
    application (without personal data) and rewrites the audit-log labels.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(queryset.filter(erased_at__isnull=True).values_list("pk", flat=True))
        if not ids:
            return 0
        Application.objects.filter(pk__in=ids).update(erased_at=now, **ERASED_VALUES)
        Notification.objects.filter(
            Q(application_id__in=ids) | Q(kind=NotificationKind.GROUP, group__members__pk__in=ids)
        ).update(
            to=[], reply_to=[], subject="", body_text="", body_html="", ics="", last_error=""
        )
        content_type = ContentType.objects.get_for_model(Application)
        ModelLogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in ids]
        ).update(label=Concat(Value("#"), F("object_id")))
        for application in Application.objects.filter(pk__in=ids):
            log(
                instance=application,
                action="wagtail_klimakronsj.erase",
                user=user,
                data={"reason": reason},
            )
    return len(ids)


def retention_days_for(event):
    days = getattr(event, "retention_days", None)
    return settings.RETENTION_DAYS if days is None else days


def erase_after(event):
    """The moment an event's applicants' data becomes due for erasure, or None."""
    ends_at = getattr(event, "ends_at", None)
    if ends_at is None:
        return None
    return ends_at + datetime.timedelta(days=retention_days_for(event))


@dataclass
class PurgeReport:
    events: list = field(default_factory=list)  # (event, due_at, count)

    @property
    def total(self):
        return sum(count for _event, _due, count in self.events)


def purge(*, now=None, dry_run=False):
    """Erase the personal data of every event whose retention period has passed.

    Safe to run daily and twice: already erased applications are skipped. With
    ``dry_run`` nothing changes; the report says what would be erased.
    """
    now = now or timezone.now()
    report = PurgeReport()
    event_ids = (
        Application.objects.filter(erased_at__isnull=True)
        .values_list("event_id", flat=True)
        .distinct()
    )
    events = get_page_model().objects.filter(pk__in=list(event_ids)).specific()
    for event in events:
        due_at = erase_after(event)
        if due_at is None or due_at > now:
            continue
        queryset = Application.objects.filter(event_id=event.pk, erased_at__isnull=True)
        if dry_run:
            count = queryset.count()
        else:
            count = erase_applications(queryset, reason="retention", now=now)
            ParticipantGroup.objects.filter(event_id=event.pk).update(
                facilitator_name="", facilitator_email=""
            )
            logger.info(
                "Erased personal data of %s applications to event %s (due %s)",
                count,
                event.pk,
                due_at.isoformat(),
            )
        report.events.append((event, due_at, count))
    return report
