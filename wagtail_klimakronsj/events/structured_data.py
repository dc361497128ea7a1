"""schema.org ``Event`` data (JSON-LD) for an event page.

``event_structured_data(event, request)`` returns a dict; ``json_ld_script(data)`` the
``<script type="application/ld+json">`` element, escaped like Django's ``json_script``
so editor text can never close the element.
"""

import json
from urllib.parse import urljoin

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from ..timezone import local_zone
from .calendar import _absolute_url

SCHEMA = "https://schema.org/"

ATTENDANCE_MODES = {
    "digital": "OnlineEventAttendanceMode",
    "physical": "OfflineEventAttendanceMode",
    "hybrid": "MixedEventAttendanceMode",
}

#: Offer availability for each event status.
AVAILABILITY = {
    "not_yet_open": "PreOrder",
    "open": "InStock",
    "waiting_list": "BackOrder",
    "full": "SoldOut",
    "closed": "SoldOut",
    "in_progress": "SoldOut",
    "past": "SoldOut",
}

# Like django.utils.html.json_script: < > & as JSON escapes.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _iso(moment):
    return moment.astimezone(local_zone()).isoformat() if moment else None


def event_location(event, url):
    places = []
    if event.event_format in ("physical", "hybrid"):
        place = {"@type": "Place", "name": event.location_name or event.title}
        if event.address:
            place["address"] = {
                "@type": "PostalAddress",
                "streetAddress": " ".join(event.address.split()),
            }
        places.append(place)
    if event.event_format in ("digital", "hybrid"):
        # The page, never the meeting link: that goes only to accepted participants.
        places.append({"@type": "VirtualLocation", "url": url})
    return places[0] if len(places) == 1 else places


def event_structured_data(event, request=None, status=None, image_url=None):
    """The schema.org Event for ``event`` as a dict (ready for ``json_ld_script``)."""
    url = _absolute_url(event, request)
    status = status or event.get_status()
    sessions = list(event.sessions)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "eventStatus": SCHEMA + "EventScheduled",
        "eventAttendanceMode": SCHEMA
        + ATTENDANCE_MODES.get(event.event_format, "OnlineEventAttendanceMode"),
        "location": event_location(event, url),
        "maximumAttendeeCapacity": event.seat_limit,
        "isAccessibleForFree": event.is_free,
    }
    if event.lead:
        data["description"] = strip_tags(event.lead)
    if sessions:
        data["startDate"] = _iso(event.starts_at)
        data["endDate"] = _iso(event.ends_at)
    if len(sessions) > 1:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": session.title or f"{event.title} ({number}/{len(sessions)})",
                "startDate": _iso(session.starts_at),
                "endDate": _iso(session.ends_at),
                "eventAttendanceMode": data["eventAttendanceMode"],
                "location": data["location"],
            }
            for number, session in enumerate(sessions, start=1)
        ]
    if event.organiser:
        organizer = {"@type": "Organization", "name": event.organiser}
        if event.organiser_url:
            organizer["url"] = event.organiser_url
        data["organizer"] = organizer
    if event.publisher:
        data["sponsor"] = {"@type": "Organization", "name": event.publisher}
    if event.audience:
        data["audience"] = {"@type": "Audience", "audienceType": event.audience}
    offer = {
        "@type": "Offer",
        "price": f"{event.price:.2f}".rstrip("0").rstrip(".") if event.price else "0",
        "priceCurrency": "NOK",
        "availability": SCHEMA + AVAILABILITY.get(str(status), "InStock"),
        "url": urljoin(url or "", event.get_application_url(request) or "") or url,
    }
    if event.opens_at:
        offer["validFrom"] = _iso(event.opens_at)
    if event.closes_at:
        offer["validThrough"] = _iso(event.closes_at)
    data["offers"] = offer
    if event.show_seats_left:
        data["remainingAttendeeCapacity"] = event.seats_left
    if image_url:
        data["image"] = urljoin(url or "", image_url)
    return data


def json_ld_script(data):
    """``<script type="application/ld+json">`` with the data, safe for any editor text."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308
