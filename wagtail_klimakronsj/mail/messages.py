"""What each email says and to whom.

The change that causes an email records a ``Notification`` row in its own transaction:
kind, application, recipients and ``render_context`` (the status at the time and the
site address the applicant used). The text is rendered when the row is sent
(``render_notification``, called by ``tasks.deliver``) and stored on the row, so the
transaction that holds the event's row lock renders nothing (``outbox``). Defaults come from ``templates/wagtail_klimakronsj/emails/<kind>.txt``
and ``.html``, rendered in the applicant's language; an editor's ``EventEmailText`` for
the event replaces subject and text (placeholders like ``{name}``; unknown ones are
left as they are). Applicant emails have the organiser as Reply-To; the organiser's
notice has the applicant as Reply-To.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import urlize
from django.utils.translation import gettext_lazy as _

from ..applications import seats
from ..choices import ApplicationStatus, NotificationKind
from ..dates import format_date, format_time_range
from ..events.calendar import build_event_calendar
from ..links import absolute_url, confirm_path, manage_path

DEFAULT_SUBJECTS = {
    NotificationKind.RECEIPT: _("We have received your application: {event}"),
    NotificationKind.ORGANISER_NOTICE: _("New application for {event}: {name}"),
    NotificationKind.ACCEPTED: _("You have a place: {event}"),
    NotificationKind.WAITLISTED: _("You are on the waiting list: {event}"),
    NotificationKind.DECLINED: _("Your application for {event}"),
    NotificationKind.PROMOTED: _("A place has become free for you: {event}"),
    NotificationKind.WITHDRAWN: _("You have withdrawn your application: {event}"),
    NotificationKind.MANAGE_LINK: _("Your link for {event}"),
}

#: Kinds that carry the session dates as an .ics attachment and the meeting link.
WITH_CALENDAR = (NotificationKind.ACCEPTED, NotificationKind.PROMOTED)


def carries_calendar(kind, application):
    """Whether this email has the sessions as .ics and the meeting link: acceptance,
    promotion, and the receipt of an application accepted at once (first come)."""
    return kind in WITH_CALENDAR or (
        kind == NotificationKind.RECEIPT and application.status == ApplicationStatus.ACCEPTED
    )


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


@dataclass
class Email:
    kind: str
    to: list
    subject: str
    body_text: str
    body_html: str = ""
    reply_to: list = field(default_factory=list)
    ics: str = ""


def fill(text, values):
    """Replace ``{name}`` placeholders by ``values``; anything else stays as written.

    No attribute or index access (unlike ``str.format``), so an editor's text can
    never reach into the objects behind the values.
    """

    def replace(match):
        value = values.get(match.group(1))
        return match.group(0) if value is None else str(value)

    return _PLACEHOLDER.sub(replace, str(text))


def clean_subject(subject, limit=250):
    """One line: newlines and control characters become spaces (no header injection)."""
    return _HEADER_UNSAFE.sub(" ", str(subject)).strip()[:limit]


def text_to_html(text):
    """Plain text to escaped HTML paragraphs, with links made clickable."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n".join(
        "<p>" + urlize(p, autoescape=True).replace("\n", "<br>\n") + "</p>" for p in paragraphs
    )


def format_sessions(event):
    lines = []
    for session in event.sessions:
        start, end = session.starts_at, session.ends_at
        line = f"{format_date(start, 'l')} {format_date(start)}, {format_time_range(start, end)}"
        if session.title:
            line = f"{session.title}: {line}"
        lines.append(line)
    return lines


def _absolute(path, event, request=None, base_url=None):
    if base_url and path and path.startswith("/"):
        return base_url.rstrip("/") + path
    return absolute_url(path, event, request)


def applicant_context(application, event, *, kind, request=None, manage_url=None, base_url=None):
    if not manage_url:
        manage_url = _absolute(manage_path(application), event, request, base_url)
    closes_at = getattr(event, "closes_at", None)
    context = {
        "application": application,
        "event": event,
        "kind": kind,
        "name": application.full_name,
        "event_title": event.title,
        "event_url": _absolute(event.get_url(request), event, request, base_url),
        "status": application.status,
        "status_label": ApplicationStatus(application.status).label,
        "sessions": format_sessions(event),
        "manage_url": manage_url,
        "meeting_url": event.meeting_url if carries_calendar(kind, application) else "",
        "position": seats.waiting_list_position(application, event),
        "deadline": (format_date(closes_at, "DATETIME_FORMAT") if closes_at else ""),
        "organiser": getattr(event, "organiser", ""),
        "group": str(application.group) if application.group_id else "",
    }
    if needs_confirmation(kind, application, event):
        context["confirm_url"] = _absolute(confirm_path(application), event, request, base_url)
        context["confirm_by"] = (
            format_date(application.confirm_by, "DATETIME_FORMAT")
            if application.confirm_by and application.status == ApplicationStatus.UNCONFIRMED
            else ""
        )
    return context


#: The emails that carry the confirmation link while the address is unconfirmed.
WITH_CONFIRMATION = (NotificationKind.RECEIPT, NotificationKind.MANAGE_LINK)


def needs_confirmation(kind, application, event):
    """Whether this email carries the link that confirms the applicant's address: the
    receipt (or a new link) of a seat held unconfirmed, or of a place on the waiting list
    of an event that offers seats only to confirmed applicants."""
    if kind not in WITH_CONFIRMATION or application.email_confirmed_at:
        return False
    if application.status == ApplicationStatus.UNCONFIRMED:
        return True
    return application.status == ApplicationStatus.WAITLISTED and bool(
        getattr(event, "requires_confirmation", False)
    )


def placeholder_values(context):
    """The values editors can use in their own texts, as plain strings."""
    return {
        "name": context["name"],
        "event": context["event_title"],
        "event_url": context["event_url"],
        "status": str(context["status_label"]),
        "sessions": "\n".join(context["sessions"]),
        "manage_url": context["manage_url"],
        "meeting_url": context.get("meeting_url") or "",
        "position": context.get("position") or "",
        "deadline": context.get("deadline") or "",
        "organiser": context.get("organiser") or "",
        "group": context.get("group") or "",
    }


def get_email_text(event, kind):
    """The editor's own text for this kind of email of this event, or None."""
    cached = event.__dict__.get("_klimakronsj_email_texts")
    if cached is None:
        texts = getattr(event, "klimakronsj_email_texts", None)
        cached = {}
        if texts is not None:
            for text in texts.all():
                cached.setdefault(text.kind, text)
        event.__dict__["_klimakronsj_email_texts"] = cached
    return cached.get(kind)


def render(kind, context, *, event=None):
    """``(subject, text, html)`` for one email in the active language."""
    values = placeholder_values(context)
    override = get_email_text(event, kind) if event is not None else None
    template = f"wagtail_klimakronsj/emails/{kind}"
    if override is not None:
        subject = fill(override.subject, values)
        custom_text = fill(override.body, values).strip()
        text = render_to_string(
            "wagtail_klimakronsj/emails/custom.txt", {**context, "custom_text": custom_text}
        )
        html = render_to_string(
            "wagtail_klimakronsj/emails/custom.html",
            {**context, "custom_html": text_to_html(custom_text)},
        )
    else:
        subject = fill(DEFAULT_SUBJECTS.get(kind, "{event}"), values)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return clean_subject(subject), text.strip() + "\n", html


def organiser_reply_to(event):
    return event.get_organiser_emails()[:1]


def applicant_email(kind, application, event, *, request=None, manage_url=None, base_url=None):
    """The message to the applicant for ``kind``, in the applicant's language."""
    language = application.language or django_settings.LANGUAGE_CODE
    with translation.override(language):
        context = applicant_context(
            application,
            event,
            kind=kind,
            request=request,
            manage_url=manage_url,
            base_url=base_url,
        )
        subject, text, html = render(kind, context, event=event)
    ics = ""
    if carries_calendar(kind, application):
        ics = build_event_calendar(event, request=request, include_private=True).decode("utf-8")
    return Email(
        kind=kind,
        to=[application.email],
        reply_to=organiser_reply_to(event),
        subject=subject,
        body_text=text,
        body_html=html,
        ics=ics,
    )


def organiser_notice(application, event, *, request=None, base_url=None):
    """The notice of a new application to the organiser's addresses (site language)."""
    to = event.get_organiser_emails()
    if not to:
        return None
    admin_url = ""
    try:
        admin_url = absolute_url(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    except Exception:  # noqa: BLE001 - admin URLs not installed
        admin_url = ""
    with translation.override(django_settings.LANGUAGE_CODE):
        context = applicant_context(
            application,
            event,
            kind=NotificationKind.ORGANISER_NOTICE,
            request=request,
            manage_url="-",
            base_url=base_url,
        )
        context.update(
            {
                "municipality": application.municipality,
                "role_label": application.get_role_display(),
                "admin_url": admin_url,
            }
        )
        subject, text, html = render(NotificationKind.ORGANISER_NOTICE, context, event=event)
    return Email(
        kind=NotificationKind.ORGANISER_NOTICE,
        to=to,
        reply_to=[application.email],
        subject=subject,
        body_text=text,
        body_html=html,
    )


#: The email each status change sends (submission receipts are sent separately).
STATUS_EMAILS = {
    ("decision", ApplicationStatus.ACCEPTED): NotificationKind.ACCEPTED,
    ("decision", ApplicationStatus.WAITLISTED): NotificationKind.WAITLISTED,
    ("decision", ApplicationStatus.DECLINED): NotificationKind.DECLINED,
    ("promotion", ApplicationStatus.ACCEPTED): NotificationKind.PROMOTED,
    ("confirmation", ApplicationStatus.ACCEPTED): NotificationKind.ACCEPTED,
    ("withdrawal", ApplicationStatus.WITHDRAWN): NotificationKind.WITHDRAWN,
}


def kind_for_change(change):
    return STATUS_EMAILS.get((change.reason, change.new_status))


# -- written when sent --------------------------------------------------------------


def recipients(kind, application, event):
    """``(to, reply_to)`` of the email ``kind`` about ``application``."""
    if kind == NotificationKind.ORGANISER_NOTICE:
        return event.get_organiser_emails(), [application.email]
    return [application.email], organiser_reply_to(event)


def render_context(application, request=None):
    """What a message's text depends on that may change before it is sent: the
    application's status now, and the site address the applicant used (for links)."""
    context = {"status": application.status}
    if request is not None:
        context["base_url"] = request.build_absolute_uri("/")
    return context


def render_notification(notification, *, application=None, event=None):
    """The ``Email`` for a row recorded with ``render_context``, rendered now; None when
    there is nothing left to send (the application or its personal data is gone)."""
    state = notification.render_context or {}
    application = application or notification.application
    if application is None or application.erased_at:
        return None
    if event is None:
        event = seats.load_event(application.event_id)
    # The text tells what happened then (a receipt says "accepted" even if the
    # organiser has changed the status since; that change sends its own email).
    application.status = state.get("status") or application.status
    base_url = state.get("base_url")
    if notification.kind == NotificationKind.ORGANISER_NOTICE:
        return organiser_notice(application, event, base_url=base_url)
    return applicant_email(notification.kind, application, event, base_url=base_url)
