"""Seats held for applicants who must confirm their email address.

On a first-come event with ``confirm_email``, a free seat goes to a new application as
``UNCONFIRMED`` until ``confirm_by`` (``seats.apply``): it counts against the seat
limit, but it is not accepted. The signed link in the receipt (``links.confirm_path``)
confirms it (``confirm``); a seat still unconfirmed at ``confirm_by`` is released
(``EXPIRED``) and offered to the waiting list (``release_event``), where only confirmed
applicants are offered seats. Both lock the event's row first, as every seat
decision does (``seats.lock_event``), so a confirmation and a release never both take
one seat, and running the release twice, or on two machines at once, releases each
seat once. Nothing here sends email: ``workflow`` records it from the changes.
"""

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from ..choices import ApplicationStatus
from ..compat import get_page_model
from . import seats
from .models import Application


def confirm(application, now=None):
    """The applicant opened the link in their receipt: note the address as confirmed.

    A seat held for them becomes theirs (``ACCEPTED``); on the waiting list they may now
    be offered a free seat. Returns the status changes; none when the address was
    confirmed already (a second click changes nothing) or the data is erased."""
    now = now or timezone.now()
    with transaction.atomic():
        seats.lock_event(application.event_id)
        event = seats.load_event(application.event_id)
        application.refresh_from_db()
        if application.email_confirmed_at or application.erased_at:
            return []
        application.email_confirmed_at = now
        application.save(update_fields=["email_confirmed_at"])
        log(application, "wagtail_klimakronsj.confirm_email")
        if application.status == ApplicationStatus.UNCONFIRMED:
            return [
                seats.set_status(application, ApplicationStatus.ACCEPTED, "confirmation", now=now)
            ]
        if application.status == ApplicationStatus.WAITLISTED and event.requires_confirmation:
            return seats.promote_waiting_list(event)
    return []


def expired_holds(now=None):
    """Applications whose seat is held unconfirmed past ``confirm_by``."""
    return Application.objects.filter(
        status=ApplicationStatus.UNCONFIRMED, confirm_by__lte=now or timezone.now()
    )


def events_with_expired_holds(now=None):
    """The event pages (specific) that have seats to release."""
    ids = set(expired_holds(now).order_by().values_list("event_id", flat=True))
    if not ids:
        return []
    return list(get_page_model().objects.filter(pk__in=ids).order_by("pk").specific())


def release_event(event, now=None):
    """Release the seats of ``event`` held unconfirmed past their time, then offer the
    freed seats to the waiting list. Returns the status changes (expiries first).

    The held applications are read again once the event's row is locked: a second run
    (or one on another machine) that waited for the lock finds them released, and an
    applicant who confirmed meanwhile keeps the seat."""
    now = now or timezone.now()
    with transaction.atomic():
        seats.lock_event(event.pk)
        held = expired_holds(now).filter(event_id=event.pk).order_by("submitted_at", "pk")
        changes = [
            seats.set_status(application, ApplicationStatus.EXPIRED, "expiry", now=now)
            for application in held
        ]
        if changes:
            changes.extend(seats.promote_waiting_list(event))
    return changes
