"""The seat policy: the one place that decides accepted / waiting list / pending.

Every function here runs inside one database transaction with the event's page row
locked (an ``UPDATE`` of that row, which also stamps the cached page: ``lock_event``),
so two processes on two machines can never both take the last seat: the second waits
for the first to commit, then counts again.
Nothing here sends email; callers record notifications from the returned changes in
the same transaction (see ``workflow.py``).
"""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import get_active_log_context, log
from wagtail.log_actions import registry as log_registry

from ..choices import SEAT_HOLDING, ApplicationStatus, SeatPolicy
from ..compat import get_page_model
from ..conf import settings
from ..models import Application, event_page_models

ACTIVE = (
    ApplicationStatus.PENDING,
    ApplicationStatus.UNCONFIRMED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
)

_HOLDING_VALUES = [status.value for status in SEAT_HOLDING]

LOG_ACTIONS = {
    ApplicationStatus.PENDING: "wagtail_klimakronsj.submit",
    ApplicationStatus.ACCEPTED: "wagtail_klimakronsj.accept",
    ApplicationStatus.WAITLISTED: "wagtail_klimakronsj.waitlist",
    ApplicationStatus.DECLINED: "wagtail_klimakronsj.decline",
    ApplicationStatus.WITHDRAWN: "wagtail_klimakronsj.withdraw",
    ApplicationStatus.EXPIRED: "wagtail_klimakronsj.expire",
}


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
    reason: str  # "submission", "decision", "promotion", "withdrawal"


@dataclass
class Refusal:
    application: Application
    message: str


def lock_event(event_id, model=None):
    """Lock the event's row until the end of the current transaction
    (``select_for_update``), so two processes on two machines decide one at a time.
    Returns True when it did. ``model``: the event's page class, when known. With
    ``SEAT_LOCKING`` off (a control run) nothing is locked.
    """
    if not settings.SEAT_LOCKING:
        return False
    locked = False
    for event_model in [model] if model is not None else event_page_models():
        rows = event_model._base_manager.filter(pk=event_id).select_for_update()
        locked = bool(list(rows.values_list("pk", flat=True))) or locked
    return locked


#: A claim on sending an event's emails older than this is taken over by the next
#: submission (its task was lost: the worker was down, the enqueue failed).
MAIL_CLAIM_STALE = datetime.timedelta(minutes=10)

_SUBMISSION_LOCK_SQL = {}


def _submission_lock_sql(model):
    """``(update, claimed, read_back)`` for one event page class: the statement of
    ``lock_event_for_submission``, the expression that tells whether it claimed the mail
    task, and the query reading that back where ``UPDATE … RETURNING`` is missing."""
    sql = _SUBMISSION_LOCK_SQL.get((model, connection.vendor))
    if sql is None:
        quote = connection.ops.quote_name
        meta = model._meta
        claim = quote(meta.get_field("mail_queued_at").column)
        # Only quoted names are interpolated; every value is a parameter.
        update = (
            f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608
            f"{claim} = CASE WHEN {claim} IS NULL OR {claim} < %s THEN %s ELSE {claim} END "
            f"WHERE {quote(meta.pk.column)} = %s"
        )
        claimed = f"CASE WHEN {claim} = %s THEN 1 ELSE 0 END"
        read_back = (
            f"SELECT {claimed} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
        )
        sql = _SUBMISSION_LOCK_SQL[(model, connection.vendor)] = (update, claimed, read_back)
    return sql


def _update_returns(connection):
    """Whether ``UPDATE … RETURNING`` works: PostgreSQL, and SQLite from 3.35 (the same
    release as ``INSERT … RETURNING``). MySQL and MariaDB have no such UPDATE."""
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and connection.features.can_return_columns_from_insert


def lock_event_for_submission(event_id, model=None):
    """``lock_event()`` for a new application, in the same single ``UPDATE``: it also
    claims the sending of the event's new emails (``mail_queued_at``).

    Returns ``(stamped, queue_task)``. ``queue_task`` is True when no task is queued to
    send the event's emails (or the one queued is older than ``MAIL_CLAIM_STALE``):
    this transaction then queues one after commit (``tasks.send_event_mail``). When
    False, a queued task that has not started yet sends this application's emails too:
    it releases the claim before it reads the outbox, and releasing waits for this
    transaction's row lock, so it sees this application's rows. In a burst of
    submissions most queue no task at all.
    """
    if model is None or not settings.SEAT_LOCKING:
        return lock_event(event_id, model), True
    update, claimed, read_back = _submission_lock_sql(model)
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(now - MAIL_CLAIM_STALE), adapt(now), event_id]
    with connection.cursor() as cursor:
        if _update_returns(connection):
            cursor.execute(f"{update} RETURNING {claimed}", [*params, adapt(now)])
        else:  # no UPDATE … RETURNING: read the claim back under the lock
            cursor.execute(update, params)
            cursor.execute(read_back, [adapt(now), event_id])
        row = cursor.fetchone()
    if row is None:
        return False, True
    return True, bool(row[0])


def release_mail_claim(event_id):
    """Clear the claim of ``lock_event_for_submission`` (the task starts, or could not be
    queued): the next submission queues a task again."""
    from ..models import event_page_models

    for model in event_page_models():
        model._base_manager.filter(pk=event_id, mail_queued_at__isnull=False).update(
            mail_queued_at=None
        )


def _event_model(event):
    from ..models import EventPageMixin

    return type(event) if isinstance(event, EventPageMixin) else None


def _save(application, stamped, **kwargs):
    """``application.save(**kwargs)``; ``stamped``: ``lock_event`` stamped the event
    already in this transaction, so the save's receiver need not (``freshness``)."""
    application.save(**kwargs)


def seat_counts(event_id):
    """Counts of applications by status for one event (one query)."""
    row = Application.objects.filter(event_id=event_id).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in ApplicationStatus.values}
    )
    return row


def seats_held(event_id):
    """The seats taken at one event: accepted, or held unconfirmed (``SEAT_HOLDING``)."""
    return Application.objects.filter(event_id=event_id, status__in=SEAT_HOLDING).count()


def _accepted_in_municipality(event_id, municipality_id):
    if municipality_id is None:
        return 0
    return Application.objects.filter(
        event_id=event_id, status__in=SEAT_HOLDING, municipality_id=municipality_id
    ).count()


def hold_until(event, now=None):
    """When a seat held now for an unconfirmed applicant is released."""
    return (now or timezone.now()) + datetime.timedelta(hours=event.confirmation_hours)


def _room_for(event, application, accepted_count, in_municipality=None):
    """None if the application can take a seat now, else the reason it cannot.
    ``in_municipality``: the accepted count in the application's municipality, if
    already counted."""
    if accepted_count >= event.seat_limit:
        return _("No seats are left.")
    cap = event.municipality_cap
    if cap:
        if in_municipality is None:
            in_municipality = _accepted_in_municipality(event.pk, application.municipality_id)
        if in_municipality >= cap:
            return _("This municipality already has %(cap)s accepted participants.") % {"cap": cap}
    return None


def _before_applying(event, email_key, municipality_id, *, count_seats, form_nonce=""):
    """After the lock, in one query: the id of this email's application for the event
    (or None), the id of the application this form sent already (or None), the seats
    taken (up to the seat limit), and those taken in the municipality (up to the cap)
    when the event has one (None when not counted). Raises ``MunicipalityNotOffered``
    when ``municipality_id`` names no active municipality."""
    meta = Application._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    municipalities = Application._meta.get_field("municipality").related_model._meta
    event_col, key_col, status_col, municipality_col, pk_col, nonce_col = (
        quote(meta.get_field(name).column)
        for name in ("event", "email_key", "status", "municipality", "id", "form_nonce")
    )
    # Plain SQL: the ORM spends more time building this statement than the database
    # spends answering it. Only quoted column names are interpolated; values are params.
    # The counts stop at the limit they are compared with (the seats, the cap), so
    # their cost does not grow with the applications beyond it.
    accepted = f"SELECT 1 FROM {table} WHERE {event_col} = %s AND {status_col} IN (%s, %s)"  # noqa: S608
    duplicate = f"SELECT {pk_col} FROM {table} WHERE {event_col} = %s AND {key_col} = %s LIMIT 1"  # noqa: S608
    same_form = f"SELECT {pk_col} FROM {table} WHERE {event_col} = %s AND {nonce_col} = %s LIMIT 1"  # noqa: S608
    columns = [f"({duplicate})", f"({same_form})"]
    params = [event.pk, email_key, event.pk, form_nonce or None]
    if municipality_id is not None:
        offered = (
            f"SELECT 1 FROM {quote(municipalities.db_table)} "  # noqa: S608
            f"WHERE {quote(municipalities.pk.column)} = %s "
            f"AND {quote(municipalities.get_field('active').column)}"
        )
        columns.append(f"({offered})")
        params.append(municipality_id)
    if count_seats:
        columns.append(f"(SELECT COUNT(*) FROM ({accepted} LIMIT %s) seats)")  # noqa: S608
        params += [event.pk, *_HOLDING_VALUES, event.seat_limit]
        if event.municipality_cap and municipality_id is not None:
            capped = f"{accepted} AND {municipality_col} = %s LIMIT %s"
            columns.append(f"(SELECT COUNT(*) FROM ({capped}) cap)")  # noqa: S608
            params += [event.pk, *_HOLDING_VALUES, municipality_id]
            params.append(event.municipality_cap)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), params)
        row = list(cursor.fetchone()) + [None, None]
    if municipality_id is not None:
        if row.pop(2) is None:
            raise MunicipalityNotOffered(municipality_id)
    existing, same_form, accepted_count, in_municipality = row[0], row[1], row[2] or 0, row[3]
    if count_seats and event.municipality_cap and municipality_id is None:
        in_municipality = 0
    return existing, same_form, accepted_count, in_municipality


def _log(instance, action, *, user=None, data=None):
    """Wagtail's ``log()`` in one INSERT: the same entry, without the validation query
    ``save()`` makes for each one (the action is checked against the registry here)."""
    from wagtail.models import ModelLogEntry

    model = log_registry.get_log_model_for_instance(instance)
    if model is not ModelLogEntry or not log_registry.action_exists(action):
        return log(instance=instance, action=action, user=user, data=data)
    context = get_active_log_context()
    entry = ModelLogEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        label=str(instance) or f"{instance.__class__.__name__} object ({instance.pk})",
        action=action,
        timestamp=timezone.now(),
        data=data or {},
        user=user or context.user,
        uuid=context.uuid,
        object_id=str(instance.pk),
    )
    models.Model.save(entry, force_insert=True)  # BaseLogEntry.save() would full_clean()
    return entry


def _set_status(application, new_status, reason, user=None, now=None, stamped=False):
    old = application.status
    application.status = new_status
    application.decided_at = now or timezone.now()
    _save(application, stamped, update_fields=["status", "decided_at"])
    _log(
        application,
        LOG_ACTIONS[new_status],
        user=user,
        data={"old_status": old, "new_status": new_status, "reason": reason},
    )
    return StatusChange(application, old, new_status, reason)


def apply(
    event, fields, *, held_for_review=False, hold_reason="", before_insert=None, on_created=None
):
    """Store one application and decide its first status.

    Returns ``(application, created, changes)``. When the same email (trimmed,
    case-insensitive) already applied for this event, returns the existing
    application with ``created=False`` and stores nothing. Raises ``NoSeatsLeft``
    when a first-come event is full and keeps no waiting list, and ``FormAlreadyUsed``
    when ``fields["form_nonce"]`` (the form's one-time value) already sent the
    application of another email: one form serves one application (the same one sent
    twice, a double click, returns that application with ``created=False``).
    On an event that ``requires_confirmation``, a free seat is held (``UNCONFIRMED``,
    until ``confirm_by``) rather than given.
    ``before_insert(application)`` runs in the transaction once the first status is
    decided, before the insert (the workflow notes there what the emails must say).
    ``on_created(application, queue_task)`` runs in the same transaction after the insert;
    ``queue_task`` says whether this transaction must queue the task that sends the
    event's emails (``lock_event_for_submission``).
    """
    email_key = Application.normalise_email(fields.get("email"))
    form_nonce = fields.get("form_nonce") or ""
    try:
        with transaction.atomic():
            stamped, queue_task = lock_event_for_submission(event.pk, _event_model(event))
            application = Application(event_id=event.pk, **fields)
            count_seats = event.seat_policy == SeatPolicy.FIRST_COME and not held_for_review
            existing, same_form, accepted, in_municipality = _before_applying(
                event,
                email_key,
                application.municipality_id,
                count_seats=count_seats,
                form_nonce=form_nonce,
            )
            if same_form is not None and same_form != existing:
                if queue_task:
                    release_mail_claim(event.pk)
                raise FormAlreadyUsed()
            if existing is not None:
                if queue_task:  # nothing new to send: leave the mail task unclaimed
                    release_mail_claim(event.pk)
                return Application.objects.get(pk=existing), False, []
            application.held_for_review = held_for_review
            application.hold_reason = hold_reason
            status = ApplicationStatus.PENDING
            if count_seats:
                if _room_for(event, application, accepted, in_municipality) is None:
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
            if before_insert is not None:
                before_insert(application)
            # No savepoint: a duplicate here rolls back this whole block (see below).
            _save(application, stamped)
            _log(
                application,
                LOG_ACTIONS[ApplicationStatus.PENDING],
                data={"new_status": status, "held_for_review": held_for_review},
            )
            if on_created is not None:
                on_created(application, queue_task)
            return application, True, [StatusChange(application, "", status, "submission")]
    except IntegrityError:
        # Only without the lock can two requests race to the insert; the first one won.
        existing = Application.objects.filter(event_id=event.pk, email_key=email_key).first()
        if existing is None:
            if (
                form_nonce
                and Application.objects.filter(event_id=event.pk, form_nonce=form_nonce).exists()
            ):
                raise FormAlreadyUsed() from None
            raise
        return existing, False, []


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
        stamped = lock_event(event.pk, _event_model(event))
        applications = list(
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
            changes.append(
                _set_status(
                    application, new_status, "decision", user=user, now=now, stamped=stamped
                )
            )
        if freed and event.seat_policy == SeatPolicy.FIRST_COME:
            changes.extend(promote_waiting_list(event, _locked=stamped))
    return changes, refusals


def withdraw(application):
    """The applicant withdraws; a freed seat goes to the waiting list (first come)."""
    changes = []
    with transaction.atomic():
        stamped = lock_event(application.event_id)
        application.refresh_from_db()
        if application.status == ApplicationStatus.WITHDRAWN:
            return changes
        was_accepted = application.status in SEAT_HOLDING
        changes.append(
            _set_status(application, ApplicationStatus.WITHDRAWN, "withdrawal", stamped=stamped)
        )
        if was_accepted:
            event = get_page_model().objects.get(pk=application.event_id).specific
            if event.seat_policy == SeatPolicy.FIRST_COME:
                changes.extend(promote_waiting_list(event, _locked=stamped))
    return changes


def promote_waiting_list(event, *, _locked=False):
    """Give free seats to the waiting list in order of application, exactly once each.

    Skips applicants whose municipality is at its cap and applications held for
    review; on an event that ``requires_confirmation``, also those who have not
    confirmed their email address (they keep their place and are offered a seat once
    they do). Returns the promotions as ``StatusChange`` records.
    """
    changes = []
    with transaction.atomic():
        stamped = _locked or lock_event(event.pk, _event_model(event))
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
                _set_status(
                    application, ApplicationStatus.ACCEPTED, "promotion", now=now, stamped=stamped
                )
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
