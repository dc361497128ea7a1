"""An event's attendance: who was present at each session, and the attendance sheet
to print or export (``wagtail_klimakronsj.groups.attendance``)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin import messages

from ...groups.attendance import attendance_rows, record_attendance
from ..exports import export_attendance
from ..forms import AttendanceForm
from ..permissions import can_decide, require_decide, require_personal_data
from .common import NAMESPACE, get_event_or_404, render


def attendance_view(request, event_id):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    sessions, participants, rows = attendance_rows(event)
    errors = []
    if request.method == "POST":
        require_decide(request.user)
        form = AttendanceForm(request.POST, sessions=sessions, participants=participants)
        if form.is_valid():
            record_attendance(sessions, participants, form.present())
            messages.success(request, _("Attendance saved."))
            return redirect(reverse(f"{NAMESPACE}:attendance", args=[event.pk]))
        errors = form.error_list()
    return render(
        request,
        "wagtail_klimakronsj/admin/attendance.html",
        {
            "event": event,
            "sessions": sessions,
            "rows": rows,
            "errors": errors,
            "can_decide": can_decide(request.user),
        },
        title=_("Attendance"),
        status=400 if errors else 200,
    )


def attendance_export(request, event_id, fmt):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    sessions, _participants, rows = attendance_rows(event)
    return export_attendance(event, sessions, rows, fmt)
