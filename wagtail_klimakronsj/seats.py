"""The seat policy: the one place that decides accepted / waiting list / pending.

Every function here runs inside one database transaction with the event's page row
locked (``SELECT ... FOR UPDATE``), so two processes on two machines can never both
take the last seat: the second waits for the first to commit, then counts again.
Nothing here sends email; callers record notifications from the returned changes in
the same transaction (see ``workflow.py``).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .compat import get_page_model
from .conf import settings
from .models import Application, ApplicationStatus, SeatPolicy

ACTIVE = (ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED)

LOG_ACTIONS = {
    ApplicationStatus.PENDING: "wagtail_klimakronsj.submit",
    ApplicationStatus.ACCEPTED: "wagtail_klimakronsj.accept",
    ApplicationStatus.WAITLISTED: "wagtail_klimakronsj.waitlist",
    ApplicationStatus.DECLINED: "wagtail_klimakronsj.decline",
    ApplicationStatus.WITHDRAWN: "wagtail_klimakronsj.withdraw",
}


class NoSeatsLeft(Exception):
    """The event is full and takes no waiting list."""


@dataclass
class StatusChange:
    application: Application
    old_status: str  # "" for a new application
    new_status: str
    reason: str  # "submission", "decision", "promotion", "withdrawal"


@dataclass
class Refusal:
    application: Application
    message: str


def lock_event(event_id):
    """Lock the event's page row until the end of the current transaction."""
    if not settings.SEAT_LOCKING:
        return
    Page = get_page_model()
    list(Page.objects.select_for_update().filter(pk=event_id).values_list("pk", flat=True))


def seat_counts(event_id):
    """Counts of applications by status for one event (one query)."""
    row = Application.objects.filter(event_id=event_id).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ApplicationStatus.values}
    )
    return row


def _accepted_in_municipality(event_id, municipality_id):
    if municipality_id is None:
        return 0
    return Application.objects.filter(
        event_id=event_id, status=ApplicationStatus.ACCEPTED, municipality_id=municipality_id
    ).count()


def _room_for(event, application, accepted_count):
    """None if the application can take a seat now, else the reason it cannot."""
    if accepted_count >= event.seat_limit:
        return _("No seats are left.")
    cap = event.municipality_cap
    if cap and _accepted_in_municipality(event.pk, application.municipality_id) >= cap:
        return _("This municipality already has %(cap)s accepted participants.") % {"cap": cap}
    return None


def _set_status(application, new_status, reason, user=None, now=None):
    old = application.status
    application.status = new_status
    application.decided_at = now or timezone.now()
    application.save(update_fields=["status", "decided_at"])
    log(
        instance=application,
        action=LOG_ACTIONS[new_status],
        user=user,
        data={"old_status": old, "new_status": new_status, "reason": reason},
    )
    return StatusChange(application, old, new_status, reason)


def apply(event, fields, *, held_for_review=False, hold_reason=""):
    """Store one application and decide its first status.

    Returns ``(application, created, changes)``. When the same email (trimmed,
    case-insensitive) already applied for this event, returns the existing
    application with ``created=False`` and stores nothing. Raises ``NoSeatsLeft``
    when a first-come event is full and keeps no waiting list.
    """
    email_key = Application.normalise_email(fields.get("email"))
    with transaction.atomic():
        lock_event(event.pk)
        existing = Application.objects.filter(event_id=event.pk, email_key=email_key).first()
        if existing is not None:
            return existing, False, []
        application = Application(event_id=event.pk, **fields)
        application.held_for_review = held_for_review
        application.hold_reason = hold_reason
        status = ApplicationStatus.PENDING
        if event.seat_policy == SeatPolicy.FIRST_COME and not held_for_review:
            accepted = Application.objects.filter(
                event_id=event.pk, status=ApplicationStatus.ACCEPTED
            ).count()
            if _room_for(event, application, accepted) is None:
                status = ApplicationStatus.ACCEPTED
            elif event.waiting_list:
                status = ApplicationStatus.WAITLISTED
            else:
                raise NoSeatsLeft()
        application.status = status
        if status != ApplicationStatus.PENDING:
            application.decided_at = timezone.now()
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            # Only without the lock can two requests race to here; the first one won.
            existing = Application.objects.filter(event_id=event.pk, email_key=email_key).first()
            if existing is None:
                raise
            return existing, False, []
        log(
            instance=application,
            action=LOG_ACTIONS[ApplicationStatus.PENDING],
            data={"new_status": status, "held_for_review": held_for_review},
        )
        return application, True, [StatusChange(application, "", status, "submission")]


def decide(event, application_ids, new_status, *, user=None):
    """The organiser's decision for several applications of one event, in order.

    Accepting respects the seat limit and the municipality cap: applications beyond
    them are refused (returned with a reason), never oversold. Declining an accepted
    application frees its seat, which in first-come mode goes to the waiting list.
    Returns ``(changes, refusals)``.
    """
    if new_status not in (
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.PENDING,
    ):
        raise ValueError(f"Not a decision: {new_status}")
    changes, refusals = [], []
    with transaction.atomic():
        lock_event(event.pk)
        applications = list(
            Application.objects.filter(event_id=event.pk, pk__in=list(application_ids))
            .exclude(erased_at__isnull=False)
            .order_by("submitted_at", "pk")
        )
        accepted = Application.objects.filter(
            event_id=event.pk, status=ApplicationStatus.ACCEPTED
        ).count()
        now = timezone.now()
        freed = 0
        for application in applications:
            if application.status == new_status:
                continue
            if application.status == ApplicationStatus.WITHDRAWN:
                refusals.append(Refusal(application, _("The applicant has withdrawn.")))
                continue
            if new_status == ApplicationStatus.ACCEPTED:
                reason = _room_for(event, application, accepted)
                if reason:
                    refusals.append(Refusal(application, reason))
                    continue
                accepted += 1
            elif application.status == ApplicationStatus.ACCEPTED:
                accepted -= 1
                freed += 1
            changes.append(_set_status(application, new_status, "decision", user=user, now=now))
        if freed and event.seat_policy == SeatPolicy.FIRST_COME:
            changes.extend(promote_waiting_list(event, _locked=True))
    return changes, refusals


def withdraw(application):
    """The applicant withdraws; a freed seat goes to the waiting list (first come)."""
    changes = []
    with transaction.atomic():
        lock_event(application.event_id)
        application.refresh_from_db()
        if application.status == ApplicationStatus.WITHDRAWN:
            return changes
        was_accepted = application.status == ApplicationStatus.ACCEPTED
        changes.append(_set_status(application, ApplicationStatus.WITHDRAWN, "withdrawal"))
        if was_accepted:
            event = get_page_model().objects.get(pk=application.event_id).specific
            if event.seat_policy == SeatPolicy.FIRST_COME:
                changes.extend(promote_waiting_list(event, _locked=True))
    return changes


def promote_waiting_list(event, *, _locked=False):
    """Give free seats to the waiting list in order of application, exactly once each.

    Skips applicants whose municipality is at its cap and applications held for
    review. Returns the promotions as ``StatusChange`` records.
    """
    changes = []
    with transaction.atomic():
        if not _locked:
            lock_event(event.pk)
        accepted = Application.objects.filter(
            event_id=event.pk, status=ApplicationStatus.ACCEPTED
        ).count()
        if accepted >= event.seat_limit:
            return changes
        waiting = Application.objects.filter(
            event_id=event.pk, status=ApplicationStatus.WAITLISTED, held_for_review=False
        ).order_by("submitted_at", "pk")
        now = timezone.now()
        for application in waiting.iterator(chunk_size=200):
            if accepted >= event.seat_limit:
                break
            if _room_for(event, application, accepted) is not None:
                continue
            changes.append(_set_status(application, ApplicationStatus.ACCEPTED, "promotion", now=now))
            accepted += 1
    return changes


def waiting_list_position(application):
    """1-based place on the waiting list, or None."""
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    ahead = Application.objects.filter(
        event_id=application.event_id, status=ApplicationStatus.WAITLISTED
    ).filter(
        Q(submitted_at__lt=application.submitted_at)
        | Q(submitted_at=application.submitted_at, pk__lt=application.pk)
    )
    return ahead.count() + 1
