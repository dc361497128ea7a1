"""The applicant pool of an event by county, municipality and role, and a
fair-selection proposal (``selection``); the proposal decides nothing."""

from django.utils.translation import gettext as _

from ...applications import selection
from ..forms import PoolForm
from ..permissions import can_decide, require_personal_data
from .common import event_counts, get_event_or_404, render


def pool_view(request, event_id):
    """The applicant pool by county, municipality and role, and a fair-selection proposal."""
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    rows = selection.pool_overview(event.pk)
    counties, roles = selection.summarise_pool(rows)
    proposal = None
    form = {"per_municipality": "", "balance_roles": True, "seats": ""}
    errors = []
    settings_form = PoolForm(request.GET)
    if request.GET.get("propose"):
        valid = settings_form.is_valid()
        form.update(
            balance_roles=settings_form.cleaned_data.get("balance_roles", False),
            per_municipality=settings_form["per_municipality"].value() or "",
            seats=settings_form["seats"].value() or "",
        )
        errors = [e for field in settings_form.errors.values() for e in field]
        if valid:
            proposal = selection.propose_selection(
                event,
                per_municipality=settings_form.cleaned_data["per_municipality"],
                balance_roles=settings_form.cleaned_data["balance_roles"],
                seats=settings_form.cleaned_data["seats"],
            )
    return render(
        request,
        "wagtail_klimakronsj/admin/pool.html",
        {
            "event": event,
            "counts": event_counts(event),
            "rows": rows,
            "counties": counties,
            "roles": roles,
            "proposal": proposal,
            "form": form,
            "errors": errors,
            "can_decide": can_decide(request.user),
            "skip_reasons": {
                "held": _("held for review"),
                "cap": _("municipality limit reached"),
                "no_seat": _("no seat left in the proposal"),
            },
        },
        title=_("Applicant pool and fair selection"),
    )
