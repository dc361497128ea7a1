"""An event's attendance: who was present at each session, and the attendance sheet
to print or export."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from ...groups.service import accepted_applications
from ...models import Attendance
from ..exports import export_attendance
from ..permissions import can_decide, require_decide, require_personal_data
from .common import NAMESPACE, get_event_or_404, render


def _attendance_context(event):
    sessions = list(event.sessions)
    participants = list(accepted_applications(event).order_by("full_name", "pk"))
    present = set(
        Attendance.objects.filter(
            application__event_id=event.pk, present=True
        ).values_list("application_id", "session_id")
    )
    rows = [
        {
            "application": a,
            "cells": [{"session": s, "present": (a.pk, s.pk) in present} for s in sessions],
        }
        for a in participants
    ]
    return sessions, participants, rows


def attendance_view(request, event_id):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    sessions, participants, rows = _attendance_context(event)
    if request.method == "POST":
        require_decide(request.user)
        records = []
        for session in sessions:
            checked = set(request.POST.getlist(f"present-{session.pk}"))
            for a in participants:
                records.append(
                    Attendance(application=a, session=session, present=str(a.pk) in checked)
                )
        Attendance.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["application", "session"],
            update_fields=["present", "recorded_at"],
        )
        messages.success(request, _("Attendance saved."))
        return redirect(reverse(f"{NAMESPACE}:attendance", args=[event.pk]))
    return render(
        request,
        "wagtail_klimakronsj/admin/attendance.html",
        {"event": event, "sessions": sessions, "rows": rows, "can_decide": can_decide(request.user)},
        title=_("Attendance"),
    )


def attendance_export(request, event_id, fmt):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    sessions, _participants, rows = _attendance_context(event)
    return export_attendance(event, sessions, rows, fmt)
