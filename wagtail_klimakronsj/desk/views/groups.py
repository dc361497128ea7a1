"""An event's groups page: propose, move people and name facilitators, confirm or
reopen, email the groups, and the groups spreadsheet. The work is done by the group
services (``wagtail_klimakronsj.groups.service`` and ``.editing``)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin import messages

from ...groups import grouping
from ...groups.editing import (
    GroupsConfirmed,
    confirm_groups,
    groups_confirmed,
    reopen_groups,
    save_groups,
)
from ...groups.service import group_context, propose_groups, record_group_emails
from ..exports import export_groups
from ..forms import GroupActionForm, GroupsForm
from ..permissions import can_decide, require_decide, require_personal_data
from .common import NAMESPACE, event_counts, get_event_or_404, render

CONFIRMED = gettext_lazy("The groups are confirmed. Undo the confirmation first.")


def groups_view(request, event_id):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    groups, unassigned = group_context(event)
    form = None
    if request.method == "POST":
        require_decide(request.user)
        action = GroupActionForm(request.POST)
        if not action.is_valid():
            messages.error(request, _("Unknown action."))
        elif action.cleaned_data["action"] == "save":
            members = [m for g in groups for m in g.member_list] + unassigned
            form = GroupsForm(request.POST, groups=groups, members=members)
            if form.is_valid():
                _save(request, event, form)
            else:
                return _page(request, event, groups, unassigned, form)
        else:
            GROUP_ACTIONS[action.cleaned_data["action"]](request, event)
        return redirect(reverse(f"{NAMESPACE}:groups", args=[event.pk]))
    return _page(request, event, groups, unassigned, form)


def _page(request, event, groups, unassigned, form):
    """The page; with ``form``'s values and errors when a save was refused (a 400)."""
    errors = form.error_list() if form is not None else {}
    for group in groups:
        group.name_field = f"facilitator_name-{group.pk}"
        group.email_field = f"facilitator_email-{group.pk}"
        if form is not None:
            group.facilitator_name = form[group.name_field].value() or ""
            group.facilitator_email = form[group.email_field].value() or ""
        group.name_error = errors.get(group.name_field, "")
        group.email_error = errors.get(group.email_field, "")
    for member in [m for g in groups for m in g.member_list] + unassigned:
        member.group_error = errors.get(f"group-{member.pk}", "")
    return render(
        request,
        "wagtail_klimakronsj/admin/groups.html",
        {
            "event": event,
            "counts": event_counts(event),
            "groups": groups,
            "unassigned": unassigned,
            "confirmed": any(g.confirmed_at for g in groups),
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


def _save(request, event, form):
    try:
        save_groups(event, form.facilitators(), form.moves())
    except GroupsConfirmed:
        messages.error(request, str(CONFIRMED))
    else:
        messages.success(request, _("Groups saved."))


def _propose(request, event):
    try:
        groups = propose_groups(event)
    except ValueError:
        messages.error(request, str(CONFIRMED))
        return
    messages.success(
        request,
        ngettext("Proposed %(count)s group.", "Proposed %(count)s groups.", len(groups))
        % {"count": len(groups)},
    )


def _confirm(request, event):
    if confirm_groups(event):
        messages.success(request, _("Groups confirmed."))


def _reopen(request, event):
    reopen_groups(event)
    messages.success(request, _("The groups can be changed again."))


def _email(request, event):
    if not groups_confirmed(event):
        messages.error(request, _("Confirm the groups before emailing them."))
        return
    count = record_group_emails(event)
    messages.success(
        request,
        ngettext("%(count)s email queued.", "%(count)s emails queued.", count) % {"count": count},
    )


GROUP_ACTIONS = {"propose": _propose, "confirm": _confirm, "reopen": _reopen, "email": _email}


def groups_export(request, event_id, fmt):
    require_personal_data(request.user)
    return export_groups(get_event_or_404(event_id), fmt)
