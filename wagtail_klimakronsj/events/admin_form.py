"""The event page's admin form: checks that need the sessions and the page together."""

import datetime

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from ..timezone import end_of_day, local_datetime

SESSIONS = "klimakronsj_sessions"


class EventPageForm(WagtailAdminPageForm):
    """Validates the event page across its fields and its sessions formset.

    A site can subclass it and set ``base_form_class`` on its own event page.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "seat_limit" in self.fields:
            self.fields["seat_limit"].error_messages["min_value"] = _(
                "An event needs at least one seat."
            )

    def get_session_starts(self):
        """The start instants of the sessions that will be saved (valid, not deleted)."""
        formset = self.formsets.get(SESSIONS) if hasattr(self, "formsets") else None
        if formset is None or not formset.is_valid():
            return []
        starts = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if data.get("date") and data.get("start_time"):
                starts.append(local_datetime(data["date"], data["start_time"]))
        return starts

    def clean(self):
        cleaned_data = super().clean()
        starts = self.get_session_starts()
        if not starts:
            return cleaned_data
        first_start = min(starts, key=lambda d: d.astimezone(datetime.UTC))

        deadline_date = cleaned_data.get("application_deadline_date")
        if deadline_date:
            deadline_time = cleaned_data.get("application_deadline_time")
            closes_at = (
                end_of_day(deadline_date)
                if deadline_time is None
                else local_datetime(deadline_date, deadline_time)
            )
            if closes_at > first_start:
                self.add_error(
                    "application_deadline_date",
                    _("The application deadline must be before the first session starts."),
                )

        open_date = cleaned_data.get("applications_open_date")
        if open_date:
            opens_at = local_datetime(
                open_date, cleaned_data.get("applications_open_time") or datetime.time.min
            )
            if opens_at >= first_start:
                self.add_error(
                    "applications_open_date",
                    _("Applications must open before the first session starts."),
                )
        return cleaned_data
