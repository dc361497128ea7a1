"""An event's groups page: propose, move people and name facilitators, confirm or
reopen, email the groups, and the groups spreadsheet. The work is done by the group
service (``wagtail_klimakronsj.groups.service``)."""

from collections import defaultdict

from django.core.validators import EmailValidator, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin import messages

from ...groups import grouping
from ...groups.service import (
    accepted_applications,
    group_context,
    propose_groups,
    record_group_emails,
)
from ...models import Application, ParticipantGroup
from ...params import read_id, reject_unsafe_characters
from ..exports import export_groups
from ..permissions import can_decide, require_decide, require_personal_data
from .common import NAMESPACE, event_counts, get_event_or_404, render


def groups_view(request, event_id):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    errors = {}
    if request.method == "POST":
        require_decide(request.user)
        action = request.POST.get("action")
        handler = GROUP_ACTIONS.get(action)
        if handler is None:
            messages.error(request, _("Unknown action."))
        else:
            response = handler(request, event, errors)
            if response is not None:
                return response
        if not errors:
            return redirect(reverse(f"{NAMESPACE}:groups", args=[event.pk]))
    groups, unassigned = group_context(event)
    if errors:
        for group in groups:
            group.facilitator_name = request.POST.get(f"facilitator_name-{group.pk}", "")
            group.facilitator_email = request.POST.get(f"facilitator_email-{group.pk}", "")
            group.email_error = errors.get(f"facilitator_email-{group.pk}", "")
            group.name_error = errors.get(f"facilitator_name-{group.pk}", "")
    confirmed = any(g.confirmed_at for g in groups)
    return render(
        request,
        "wagtail_klimakronsj/admin/groups.html",
        {
            "event": event,
            "counts": event_counts(event),
            "groups": groups,
            "unassigned": unassigned,
            "confirmed": confirmed,
            "errors": errors,
            "can_decide": can_decide(request.user),
            "sizes_note": _sizes_note(sum(len(g.member_list) for g in groups) + len(unassigned)),
        },
        title=_("Groups"),
        status=400 if errors else 200,
    )


def _sizes_note(count):
    sizes = grouping.group_sizes(count)
    if not sizes or grouping.sizes_are_regular(sizes):
        return ""
    if count < grouping.MIN_SIZE:
        return _(
            "%(count)s accepted participants are fewer than one group of 5: they make one small group."
        ) % {"count": count}
    return _(
        "%(count)s participants cannot be split into groups of 5–6 only: the proposal makes "
        "%(groups)s groups of %(sizes)s. Move people by hand to split them differently."
    ) % {"count": count, "groups": len(sizes), "sizes": ", ".join(str(s) for s in sizes)}


def _group_propose(request, event, errors):
    try:
        groups = propose_groups(event)
    except ValueError:
        messages.error(request, _("The groups are confirmed. Undo the confirmation first."))
        return None
    messages.success(
        request,
        ngettext("Proposed %(count)s group.", "Proposed %(count)s groups.", len(groups))
        % {"count": len(groups)},
    )
    return None


def _group_save(request, event, errors):
    groups = {g.pk: g for g in ParticipantGroup.objects.filter(event_id=event.pk)}
    if any(g.confirmed_at for g in groups.values()):
        messages.error(request, _("The groups are confirmed. Undo the confirmation first."))
        return None
    validate = EmailValidator()
    for group in groups.values():
        name = request.POST.get(f"facilitator_name-{group.pk}", "").strip()[:200]
        email = request.POST.get(f"facilitator_email-{group.pk}", "").strip()
        try:
            reject_unsafe_characters(name)
        except ValidationError as error:
            errors[f"facilitator_name-{group.pk}"] = error.messages[0]
        if email:
            try:
                validate(email)
            except ValidationError:
                errors[f"facilitator_email-{group.pk}"] = _("Enter a valid email address.")
        group.facilitator_name, group.facilitator_email = name, email
    if errors:
        return None
    with transaction.atomic():
        for group in groups.values():
            group.save(update_fields=["facilitator_name", "facilitator_email"])
        new_group = None
        moves = defaultdict(list)
        for application in accepted_applications(event):
            value = request.POST.get(f"group-{application.pk}")
            if value is None:
                continue
            if value == "new":
                if new_group is None:
                    number = max([g.number for g in groups.values()], default=0) + 1
                    new_group = ParticipantGroup.objects.create(event_id=event.pk, number=number)
                target = new_group.pk
            else:
                target = read_id(value, ParticipantGroup)
                target = target if target in groups else None
            if target != application.group_id:
                moves[target].append(application.pk)
        for target, ids in moves.items():
            Application.objects.filter(pk__in=ids).update(group_id=target)
        ParticipantGroup.objects.filter(event_id=event.pk, members__isnull=True).delete()
    messages.success(request, _("Groups saved."))
    return None


def _group_confirm(request, event, errors):
    updated = ParticipantGroup.objects.filter(
        event_id=event.pk, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    if updated:
        messages.success(request, _("Groups confirmed."))
    return None


def _group_reopen(request, event, errors):
    ParticipantGroup.objects.filter(event_id=event.pk).update(confirmed_at=None)
    messages.success(request, _("The groups can be changed again."))
    return None


def _group_email(request, event, errors):
    if not ParticipantGroup.objects.filter(event_id=event.pk, confirmed_at__isnull=False).exists():
        messages.error(request, _("Confirm the groups before emailing them."))
        return None
    count = record_group_emails(event)
    messages.success(
        request,
        ngettext("%(count)s email queued.", "%(count)s emails queued.", count) % {"count": count},
    )
    return None


GROUP_ACTIONS = {
    "propose": _group_propose,
    "save": _group_save,
    "confirm": _group_confirm,
    "reopen": _group_reopen,
    "email": _group_email,
}


def groups_export(request, event_id, fmt):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    return export_groups(event, fmt)
