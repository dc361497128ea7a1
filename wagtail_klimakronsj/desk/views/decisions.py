"""Decisions on applications: a bulk decision from the list or an application's own
page goes through a review step (what would change, what is refused), then
``workflow.decide`` (seats plus one status email each)."""

from collections import defaultdict

from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages

from ...applications import seats, workflow
from ...models import Application, ApplicationStatus
from ..admin import ApplicationModelAdmin
from ..forms import DecideForm, NextForm
from ..permissions import require_decide
from .common import DECISIONS, event_counts, get_event_or_404


class _Rollback(Exception):
    pass


def preview_decision(event, ids, new_status):
    """What ``decide`` would do now: run it in a transaction and roll back."""
    result = {}
    try:
        with transaction.atomic():
            changes, refusals = seats.decide(event, ids, new_status)
            result["changes"] = [
                {
                    "pk": c.application.pk,
                    "name": c.application.full_name,
                    "municipality": c.application.municipality,
                    "old": ApplicationStatus(c.old_status).label if c.old_status else "",
                    "new": ApplicationStatus(c.new_status).label,
                    "promotion": c.reason == "promotion",
                }
                for c in changes
            ]
            result["refusals"] = [
                {"pk": r.application.pk, "name": r.application.full_name, "message": r.message}
                for r in refusals
            ]
            raise _Rollback
    except _Rollback:
        pass
    return result


@require_http_methods(["GET", "HEAD", "POST"])
def decide_view(request):
    require_decide(request.user)
    fallback = reverse(ApplicationModelAdmin().url_helper.get_action_url_name("index"))
    next_url = NextForm(request).target(fallback)
    if request.method != "POST":  # the login page sends an organiser back here with a GET
        return redirect(next_url)
    form = DecideForm(request.POST, decisions=DECISIONS)
    if not form.is_valid() or not form.cleaned_data["selected"]:
        messages.error(request, _("Choose one or more applications and a decision."))
        return redirect(next_url)
    new_status, ids = form.cleaned_data["decision"], form.cleaned_data["selected"]

    by_event = defaultdict(list)
    for pk, event_id in Application.objects.filter(pk__in=ids).values_list("pk", "event_id"):
        by_event[event_id].append(pk)
    events = {event_id: get_event_or_404(event_id) for event_id in by_event}

    if not form.cleaned_data["confirm"]:
        plans = []
        for event_id, event_ids in by_event.items():
            plan = preview_decision(events[event_id], event_ids, new_status)
            plan.update(event=events[event_id], counts=event_counts(events[event_id]))
            unchanged = (
                len(event_ids) - len([c for c in plan["changes"] if not c["promotion"]])
                - len(plan["refusals"])
            )
            plan["unchanged"] = unchanged
            plans.append(plan)
        return TemplateResponse(
            request,
            "wagtail_klimakronsj/admin/decide_confirm.html",
            {
                "plans": plans,
                "ids": ids,
                "decision": new_status,
                "decision_label": DECISIONS[new_status],
                "next": next_url,
            },
        )

    changed = 0
    for event_id, event_ids in by_event.items():
        changes, refusals = workflow.decide(
            events[event_id], event_ids, new_status, user=request.user, request=request
        )
        changed += len(changes)
        for refusal in refusals:
            messages.warning(
                request,
                _("%(name)s: %(reason)s")
                % {"name": refusal.application.full_name, "reason": refusal.message},
            )
    messages.success(
        request,
        ngettext("%(count)s application changed.", "%(count)s applications changed.", changed)
        % {"count": changed},
    )
    return redirect(next_url)
