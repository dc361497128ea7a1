"""The desk's spreadsheets: the application list, an event's groups and its attendance
sheet, as CSV or XLSX through the package's streamed, formula-neutralising writers
(``wagtail_klimakronsj.exports``)."""

from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..conf import settings
from ..exports import csv_response, xlsx_response
from ..groups.service import group_rows
from ..models import ApplicationStatus, Role

EXPORT_FORMATS = ("csv", "xlsx")


EXPORT_HEADER = [
    gettext_lazy("ID"),
    gettext_lazy("event"),
    gettext_lazy("status"),
    gettext_lazy("full name"),
    gettext_lazy("email"),
    gettext_lazy("phone"),
    gettext_lazy("municipality"),
    gettext_lazy("municipality number"),
    gettext_lazy("county"),
    gettext_lazy("other organisation"),
    gettext_lazy("role"),
    gettext_lazy("position or sector"),
    gettext_lazy("what they want to work on"),
    gettext_lazy("accessibility needs"),
    gettext_lazy("answers to extra questions"),
    gettext_lazy("submitted"),
    gettext_lazy("decided"),
    gettext_lazy("held for review"),
    gettext_lazy("group"),
]


#: The columns of the application spreadsheet, read with ``values_list`` (no model
#: instances); the last two make the group's name.
APPLICATION_COLUMNS = (
    "pk", "event__title", "status", "full_name", "email", "phone", "municipality__name",
    "municipality__number", "municipality__county", "organisation", "role", "position",
    "interests", "accessibility_needs", "extra_answers", "submitted_at", "decided_at",
    "held_for_review", "group__name", "group__number",
)


def application_rows(queryset):
    status_labels = dict(ApplicationStatus.choices)
    role_labels = dict(Role.choices)
    rows = queryset.values_list(*APPLICATION_COLUMNS).iterator(
        chunk_size=settings.EXPORT_CHUNK_SIZE
    )
    for row in rows:
        row = list(row)
        row[2] = status_labels.get(row[2], row[2])
        row[10] = role_labels.get(row[10], row[10])
        extra = row[14]
        row[14] = "; ".join(f"{k}: {v}" for k, v in extra.items()) if extra else ""
        group_number = row.pop()
        row.append(_group_name(row.pop(), group_number))
        yield row


def _group_name(name, number):
    """``str(group)`` from its two columns ("" without a group)."""
    if number is None:
        return ""
    return name or _("Group %(number)s") % {"number": number}


def export_applications(queryset, spreadsheet_format, name="applications"):
    """The list as CSV or XLSX, through the package's streamed, formula-neutralising writers."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    header = [str(h) for h in EXPORT_HEADER]
    if spreadsheet_format == "csv":
        return csv_response(f"{name}-{stamp}.csv", header, application_rows(queryset))
    return xlsx_response(
        f"{name}-{stamp}.xlsx", [(_("Applications"), header, application_rows(queryset))]
    )


def export_groups(event, fmt):
    """The event's groups and their members (and the accepted without a group)."""
    header = [
        _("group number"), _("group"), _("facilitator"), _("facilitator's email"),
        _("full name"), _("email"), _("municipality"), _("county"), _("role"),
    ]
    name = f"groups-{slugify(event.title) or event.pk}"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, group_rows(event))
    return xlsx_response(f"{name}.xlsx", [(_("Groups"), header, group_rows(event))])


def export_attendance(event, sessions, rows, fmt):
    """The attendance sheet: a column per session and one to sign (``rows`` as the
    attendance page shows them)."""
    header = [_("full name"), _("email"), _("municipality"), _("role"), _("group")] + [
        str(s) for s in sessions
    ] + [_("signature")]
    role_labels = dict(Role.choices)

    def body():
        for row in rows:
            a = row["application"]
            yield [
                a.full_name,
                a.email,
                a.municipality.name if a.municipality_id else a.organisation,
                role_labels.get(a.role, a.role),
                str(a.group) if a.group_id else "",
                *[_("present") if c["present"] else "" for c in row["cells"]],
                "",
            ]

    name = f"attendance-{slugify(event.title) or event.pk}"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, body())
    return xlsx_response(f"{name}.xlsx", [(_("Attendance"), header, body())])
