"""Access and erasure requests: everything stored about one applicant, found by email."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from ..mail.models import Notification
from .models import Application, Attendance
from .retention import erase_applications


def applications_for_email(email):
    """Every application with this email (trimmed, case-insensitive), across all events."""
    key = Application.normalise_email(email)
    if not key:
        return Application.objects.none()
    return Application.objects.filter(email_key=key)


def collect(email):
    """A JSON-serialisable dict of everything stored about the applicant (constant queries)."""
    applications = list(
        applications_for_email(email)
        .select_related("event", "municipality", "group", "form_page")
        .prefetch_related(
            Prefetch("notifications", queryset=Notification.objects.order_by("created_at", "pk")),
            Prefetch("attendance", queryset=Attendance.objects.select_related("session")),
        )
        .order_by("submitted_at", "pk")
    )
    content_type = ContentType.objects.get_for_model(Application)
    history = {}
    for entry in ModelLogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(a.pk) for a in applications]
    ).select_related("user").order_by("timestamp", "pk"):
        history.setdefault(entry.object_id, []).append(
            {
                "action": entry.action,
                "when": entry.timestamp,
                "by": entry.user.get_username() if entry.user else None,
                "data": entry.data,
            }
        )
    return {
        "email": Application.normalise_email(email),
        "exported_at": timezone.now(),
        "applications": [_application_data(a, history.get(str(a.pk), [])) for a in applications],
    }


def _application_data(application, history):
    municipality = application.municipality
    group = application.group
    return {
        "id": application.pk,
        "event": {"id": application.event_id, "title": application.event.title},
        "form": application.form_page.title if application.form_page else None,
        "status": application.status,
        "full_name": application.full_name,
        "email": application.email,
        "phone": application.phone,
        "municipality": (
            {"number": municipality.number, "name": municipality.name, "county": municipality.county}
            if municipality
            else None
        ),
        "organisation": application.organisation,
        "role": application.role,
        "position": application.position,
        "interests": application.interests,
        "accessibility_needs": application.accessibility_needs,
        "extra_answers": application.extra_answers,
        "consent_given_at": application.consent_given_at,
        "language": application.language,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "held_for_review": application.held_for_review,
        "group": (
            {"number": group.number, "name": str(group), "facilitator": group.facilitator_name}
            if group
            else None
        ),
        "attendance": [
            {"session": str(a.session), "date": a.session.date, "present": a.present}
            for a in application.attendance.all()
        ],
        "emails": [
            {
                "kind": n.kind,
                "to": n.to,
                "subject": n.subject,
                "text": n.body_text,
                "status": n.status,
                "created_at": n.created_at,
                "sent_at": n.sent_at,
            }
            for n in application.notifications.all()
        ],
        "history": history,
        "erased_at": application.erased_at,
    }


def log_export(email, user, count):
    """Record the access request in the audit log, on each application it covered."""
    for application in applications_for_email(email):
        log(
            instance=application,
            action="wagtail_klimakronsj.export_personal_data",
            user=user,
            data={"applications": count},
        )


def erase(email, *, user=None):
    """Erase one applicant on request (all events). Returns how many applications."""
    return erase_applications(applications_for_email(email), user=user, reason="request")
