"""The organiser's edits of an event's groups: facilitators and moves saved in one
transaction, confirm and reopen. The desk's group page (``desk.views.groups``) calls
these with what its form has validated."""

from django.db import transaction
from django.utils import timezone

from ..applications.models import Application
from ..choices import ApplicationStatus
from .models import ParticipantGroup

#: The target of a move to a group that does not exist yet (one new group per save).
NEW_GROUP = "new"


class GroupsConfirmed(Exception):
    """The groups are confirmed: undo the confirmation before changing them."""


def save_groups(event, facilitators, moves):
    """Save the facilitators ``{group pk: (name, email)}`` and the moves ``{application
    pk: group pk, None (no group) or NEW_GROUP}``, then drop the groups left empty.

    Only the event's groups and accepted applications are touched; raises
    ``GroupsConfirmed`` (nothing saved) when the groups are confirmed."""
    with transaction.atomic():
        groups = {
            g.pk: g
            for g in ParticipantGroup.objects.select_for_update().filter(event_id=event.pk)
        }
        if any(g.confirmed_at for g in groups.values()):
            raise GroupsConfirmed
        for pk, (name, email) in facilitators.items():
            group = groups.get(pk)
            if group is not None:
                group.facilitator_name, group.facilitator_email = name, email
                group.save(update_fields=["facilitator_name", "facilitator_email"])
        if NEW_GROUP in moves.values():
            number = max((g.number for g in groups.values()), default=0) + 1
            new_group = ParticipantGroup.objects.create(event_id=event.pk, number=number)
            groups[new_group.pk] = new_group
            moves = {pk: new_group.pk if t == NEW_GROUP else t for pk, t in moves.items()}
        by_target = {}
        current = dict(
            Application.objects.filter(
                event_id=event.pk, status=ApplicationStatus.ACCEPTED, pk__in=moves
            ).values_list("pk", "group_id")
        )
        for pk, target in moves.items():
            if pk in current and target != current[pk] and (target is None or target in groups):
                by_target.setdefault(target, []).append(pk)
        for target, ids in by_target.items():
            Application.objects.filter(pk__in=ids).update(group_id=target)
        ParticipantGroup.objects.filter(event_id=event.pk, members__isnull=True).delete()


def confirm_groups(event):
    """Confirm the event's groups; returns how many were not confirmed yet."""
    return ParticipantGroup.objects.filter(event_id=event.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def reopen_groups(event):
    """Undo the confirmation: the groups can be changed again."""
    ParticipantGroup.objects.filter(event_id=event.pk).update(confirmed_at=None)


def groups_confirmed(event):
    """Whether any group of the event is confirmed (the groups can be emailed)."""
    return ParticipantGroup.objects.filter(event_id=event.pk, confirmed_at__isnull=False).exists()
