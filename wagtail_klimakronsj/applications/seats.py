"""The seat policy: the one place that decides accepted / waiting list / pending.

Every change of seats runs in one transaction that first locks the event's page row
(``lock_event``: ``select_for_update()``), then counts and saves through the ORM and
notes the change in Wagtail's audit log (``log()``). Two processes on two machines can
never both take the last seat: the second waits for the first to commit, then counts
again. Nothing here sends email: the callers (``workflow``) record the emails of the
returned changes in the same transaction (``mail.outbox``).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..choices import SEAT_HOLDING, ApplicationStatus, SeatPolicy
from ..compat import get_page_model
from .models import Application

LOG_ACTIONS = {
    ApplicationStatus.PENDING: "wagtail_klimakronsj.submit",
    ApplicationStatus.ACCEPTED: "wagtail_klimakronsj.accept",
    ApplicationStatus.WAITLISTED: "wagtail_klimakronsj.waitlist",
    ApplicationStatus.DECLINED: "wagtail_klimakronsj.decline",
    ApplicationStatus.WITHDRAWN: "wagtail_klimakronsj.withdraw",
    ApplicationStatus.EXPIRED: "wagtail_klimakronsj.expire",
}

#: The decisions an organiser can make (``decide``).
DECISIONS = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.PENDING,
)


class NoSeatsLeft(Exception):
    """The event is full and takes no waiting list."""


class FormAlreadyUsed(Exception):
    """The form (its one-time nonce) already sent an application for someone else: one
    form load serves one application."""


class MunicipalityNotOffered(Exception):
    """The application names a municipality that is gone or no longer active (the form
    checked a list this process keeps; ``apply`` checks the database)."""


@dataclass
class StatusChange:
    application: Application
    old_status: str  # "" for a new application
    new_status: str
    reason: str  # "submission", "decision", "promotion", "withdrawal", "confirmation", "expiry"


@dataclass
class Refusal:
    application: Application
    message: str


def lock_event(event_id):
    """Lock the event's page row until the end of the current transaction (which must
    be open). Every function that changes seats calls this first, so they take turns
    per event; locking it again in the same transaction costs one query and waits for
    nothing."""
    rows = get_page_model().objects.select_for_update().filter(pk=event_id)
    list(rows.values_list("pk", flat=True))


def load_event(event_id):
    """The event page (specific) of an application."""
    return get_page_model().objects.get(pk=event_id).specific


def seat_counts(event_id):
    """Counts of applications by status for one event (one query)."""
    return Application.objects.filter(event_id=event_id).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ApplicationStatus.values}
    )


def seats_held(event_id, municipality_id=None):
    """The seats taken at one event: accepted, or held unconfirmed (``SEAT_HOLDING``);
    with ``municipality_id``, only those of that municipality."""
    held = Application.objects.filter(event_id=event_id, status__in=SEAT_HOLDING)
    if municipality_id is not None:
        held = held.filter(municipality_id=municipality_id)
    return held.count()


def hold_until(event, now=None):
    """When a seat held now for an unconfirmed applicant is released."""
    return (now or timezone.now()) + datetime.timedelta(hours=event.confirmation_hours)


def _room_for(event, application, accepted_count):
    """None if the application can take a seat now, else the reason it cannot."""
    if accepted_count >= event.seat_limit:
        return _("No seats are left.")
    cap = event.municipality_cap
    if cap and application.municipality_id is not None:
        if seats_held(event.pk, application.municipality_id) >= cap:
            return _("This municipality already has %(cap)s accepted participants.") % {"cap": cap}
    return None


def set_status(application, new_status, reason, *, user=None, now=None):
    """Save the application's new status and note it in the audit log; the event's row
    must be locked (``lock_event``). Returns the ``StatusChange``."""
    old = application.status
    application.status = new_status
    application.decided_at = now or timezone.now()
    application.save(update_fields=["status", "decided_at"])
    log(
        application,
        LOG_ACTIONS[new_status],
        user=user,
        data={"old_status": old, "new_status": new_status, "reason": reason},
    )
    return StatusChange(application, old, new_status, reason)


def _check_municipality(application):
    if application.municipality_id is None:
        return
    municipalities = Application._meta.get_field("municipality").related_model.objects
    if not municipalities.filter(pk=application.municipality_id, active=True).exists():
        raise MunicipalityNotOffered(application.municipality_id)


def _check_duplicates(event_id, email_key, form_nonce):
    """The pk of the application this email already sent to the event, or None; raises
    ``FormAlreadyUsed`` when the form's nonce sent the application of another email.
    One query: both keys are unique per event, so it reads at most two rows."""
    same = Q(email_key=email_key)
    if form_nonce:
        same |= Q(form_nonce=form_nonce)
    rows = Application.objects.filter(same, event_id=event_id).order_by()
    existing_pk, same_form_pk = None, None
    for pk, row_email_key, row_nonce in rows.values_list("pk", "email_key", "form_nonce"):
        if row_email_key == email_key:
            existing_pk = pk
        if form_nonce and row_nonce == form_nonce:
            same_form_pk = pk
    if same_form_pk is not None and same_form_pk != existing_pk:
        raise FormAlreadyUsed()
    return existing_pk


def apply(event, fields, *, held_for_review=False, hold_reason=""):
    """Store one application and decide its first status.

    Returns ``(application, created, changes)``. When the same email (trimmed,
    case-insensitive) already applied for this event, returns the existing
    application with ``created=False`` and stores nothing. Raises ``NoSeatsLeft``
    when a first-come event is full and keeps no waiting list, ``FormAlreadyUsed``
    when ``fields["form_nonce"]`` (the form's one-time value) already sent the
    application of another email (the same one sent twice, a double click, returns
    that application with ``created=False``), and ``MunicipalityNotOffered``.
    On an event that ``requires_confirmation``, a free seat is held (``UNCONFIRMED``,
    until ``confirm_by``) rather than given.
    """
    email_key = Application.normalise_email(fields.get("email"))
    form_nonce = fields.get("form_nonce") or ""
    with transaction.atomic():
        lock_event(event.pk)
        # ``event=``: the receivers of ``application_submitted`` find it loaded.
        application = Application(event=event, **fields)
        application.held_for_review, application.hold_reason = held_for_review, hold_reason
        _check_municipality(application)
        existing_pk = _check_duplicates(event.pk, email_key, form_nonce)
        if existing_pk is not None:
            return Application.objects.get(pk=existing_pk), False, []
        status = ApplicationStatus.PENDING
        if event.seat_policy == SeatPolicy.FIRST_COME and not held_for_review:
            if _room_for(event, application, seats_held(event.pk)) is None:
                status = ApplicationStatus.ACCEPTED
                if event.requires_confirmation:
                    status = ApplicationStatus.UNCONFIRMED
                    application.confirm_by = hold_until(event)
            elif event.waiting_list:
                status = ApplicationStatus.WAITLISTED
            else:
                raise NoSeatsLeft()
        application.status = status
        if status != ApplicationStatus.PENDING:
            application.decided_at = timezone.now()
        application.save()
        log(
            application,
            LOG_ACTIONS[ApplicationStatus.PENDING],
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
    if new_status not in DECISIONS:
        raise ValueError(f"Not a decision: {new_status}")
    changes, refusals = [], []
    with transaction.atomic():
        lock_event(event.pk)
        applications = (
            Application.objects.filter(event_id=event.pk, pk__in=list(application_ids))
            .exclude(erased_at__isnull=False)
            .order_by("submitted_at", "pk")
        )
        accepted = seats_held(event.pk)
        now = timezone.now()
        freed = 0
        for application in applications:
            if application.status == new_status:
                continue
            if application.status == ApplicationStatus.WITHDRAWN:
                refusals.append(Refusal(application, _("The applicant has withdrawn.")))
                continue
            holds_seat = application.status in SEAT_HOLDING
            if new_status == ApplicationStatus.ACCEPTED:
                if not holds_seat:  # a seat held unconfirmed is the applicant's already
                    reason = _room_for(event, application, accepted)
                    if reason:
                        refusals.append(Refusal(application, reason))
                        continue
                    accepted += 1
            elif holds_seat:
                accepted -= 1
                freed += 1
            changes.append(set_status(application, new_status, "decision", user=user, now=now))
        if freed and event.seat_policy == SeatPolicy.FIRST_COME:
            changes.extend(promote_waiting_list(event))
    return changes, refusals


def withdraw(application):
    """The applicant withdraws; a freed seat goes to the waiting list (first come)."""
    changes = []
    with transaction.atomic():
        lock_event(application.event_id)
        application.refresh_from_db()
        if application.status == ApplicationStatus.WITHDRAWN:
            return changes
        was_accepted = application.status in SEAT_HOLDING
        changes.append(set_status(application, ApplicationStatus.WITHDRAWN, "withdrawal"))
        if was_accepted:
            event = load_event(application.event_id)
            if event.seat_policy == SeatPolicy.FIRST_COME:
                changes.extend(promote_waiting_list(event))
    return changes


def promote_waiting_list(event):
    """Give free seats to the waiting list in order of application, exactly once each.

    Skips applicants whose municipality is at its cap and applications held for
    review; on an event that ``requires_confirmation``, also those who have not
    confirmed their email address (they keep their place and are offered a seat once
    they do). Returns the promotions as ``StatusChange`` records.
    """
    changes = []
    with transaction.atomic():
        lock_event(event.pk)
        accepted = seats_held(event.pk)
        if accepted >= event.seat_limit:
            return changes
        waiting = Application.objects.filter(
            event_id=event.pk, status=ApplicationStatus.WAITLISTED, held_for_review=False
        ).order_by("submitted_at", "pk")
        if event.requires_confirmation:
            waiting = waiting.filter(email_confirmed_at__isnull=False)
        now = timezone.now()
        for application in waiting.iterator(chunk_size=200):
            if accepted >= event.seat_limit:
                break
            if _room_for(event, application, accepted) is not None:
                continue
            changes.append(
                set_status(application, ApplicationStatus.ACCEPTED, "promotion", now=now)
            )
            accepted += 1
    return changes


def waiting_list_position(application, event=None):
    """1-based place on the waiting list, or None. ``event``: the application's event,
    when loaded; on one that ``requires_confirmation`` only confirmed applicants ahead
    count (the others are never offered a seat, see ``promote_waiting_list``)."""
    if application.status != ApplicationStatus.WAITLISTED:
        return None
    ahead = Application.objects.filter(
        event_id=application.event_id, status=ApplicationStatus.WAITLISTED
    )
    if event is not None and getattr(event, "requires_confirmation", False):
        ahead = ahead.filter(email_confirmed_at__isnull=False)
    ahead = ahead.filter(
        Q(submitted_at__lt=application.submitted_at)
        | Q(submitted_at=application.submitted_at, pk__lt=application.pk)
    )
    return ahead.count() + 1
