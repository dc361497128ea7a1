"""The event's sessions as an iCalendar file (RFC 5545), written by the icalendar library.

``build_event_calendar(event)`` is used by the page's ``ical/`` route (public: never the
meeting link) and by the acceptance email (``include_private=True``: with the link).
"""

import datetime

import icalendar
from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..choices import EventFormat
from ..conf import settings
from ..timezone import local_zone

PRODID = "-//wagtail-klimakronsj//Klimakrønsj//NO"


def _absolute_url(event, request=None):
    url = event.get_full_url(request) if hasattr(event, "get_full_url") else None
    if url and url.startswith("/"):
        base = getattr(django_settings, "WAGTAILADMIN_BASE_URL", "") or ""
        url = base.rstrip("/") + url
    return url


def session_uid(event, session):
    """A UID that stays the same for a session however often the file is made."""
    key = getattr(event, "translation_key", None) or f"page-{event.pk}"
    return f"{key}-session-{session.pk}@wagtail-klimakronsj"


def event_location(event, include_private=False):
    """The LOCATION text: venue and address; for digital events "Digital" (or the link)."""
    parts = []
    if event.event_format in (EventFormat.PHYSICAL, EventFormat.HYBRID):
        parts += [event.location_name, " ".join(event.address.split())]
    if event.event_format in (EventFormat.DIGITAL, EventFormat.HYBRID):
        if include_private and event.meeting_url:
            parts.append(event.meeting_url)
        else:
            parts.append(str(EventFormat(event.event_format).label))
    return ", ".join(p for p in parts if p)


def build_event_calendar(event, request=None, include_private=False):
    """Return the iCalendar file (bytes) with one VEVENT per session of ``event``.

    Times carry ``TZID`` of the workshop's zone and the file includes its VTIMEZONE.
    The meeting link is only included with ``include_private=True`` (for the email
    sent to accepted participants); the public download never has it.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", event.title)
    cal.add("x-wr-timezone", settings.TIME_ZONE)

    zone = local_zone()
    url = _absolute_url(event, request)
    stamp = getattr(event, "last_published_at", None) or timezone.now()
    stamp = stamp.astimezone(datetime.UTC)
    description_parts = [event.lead]
    if event.organiser:
        description_parts.append(_("Organiser: %(name)s") % {"name": event.organiser})
    if include_private and event.meeting_url:
        description_parts.append(_("Meeting link: %(url)s") % {"url": event.meeting_url})
    if url:
        description_parts.append(url)
    description = "\n\n".join(strip_tags(p) for p in description_parts if p)
    location = event_location(event, include_private=include_private)
    sessions = list(event.sessions)

    for number, session in enumerate(sessions, start=1):
        vevent = icalendar.Event()
        vevent.add("uid", session_uid(event, session))
        vevent.add("dtstamp", stamp)
        summary = event.title
        if session.title:
            summary = f"{summary}: {session.title}"
        elif len(sessions) > 1:
            summary = f"{summary} ({number}/{len(sessions)})"
        vevent.add("summary", summary)
        vevent.add("dtstart", session.starts_at.astimezone(zone))
        vevent.add("dtend", session.ends_at.astimezone(zone))
        if location:
            vevent.add("location", location)
        if description:
            vevent.add("description", description)
        if url:
            vevent.add("url", url)
        vevent.add("status", "CONFIRMED")
        vevent.add("transp", "OPAQUE")
        cal.add_component(vevent)

    if sessions:
        # VTIMEZONE rules for the years around the sessions only (keeps the file small).
        first, last = sessions[0].date, max(s.date for s in sessions)
        cal.add_missing_timezones(
            first_date=first.replace(month=1, day=1), last_date=last.replace(year=last.year + 1)
        )
    return cal.to_ical()
