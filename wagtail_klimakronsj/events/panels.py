"""Admin panels of the package."""

from django.urls import reverse
from wagtail.admin.panels import Panel

from ..desk.permissions import can_view_personal_data


class SeatCountsPanel(Panel):
    """Seats taken / left / waiting on the event page's edit view; counts, never names.

    Part of ``EventPageMixin.applications_panels``; links to the organiser's desk for
    users allowed to see applicants.
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_klimakronsj/admin/includes/seat_counts_panel.html"

        def get_context_data(self, parent_context=None):
            # not at the top: models import this panel, and the desk imports models
            from ..desk.views.common import NAMESPACE, event_counts

            context = super().get_context_data(parent_context)
            event = self.instance
            has_pk = bool(event and event.pk)
            context["counts"] = event_counts(event) if has_pk else None
            context["can_view_personal_data"] = can_view_personal_data(self.request.user)
            context["desk_url"] = reverse(f"{NAMESPACE}:event", args=[event.pk]) if has_pk else ""
            return context
