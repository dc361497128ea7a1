"""The editions of the workshop under a page, by what they are now: open for
applications, current or coming up, or past (from each event's status, never stored)."""

import datetime

from wagtail.models import Page

from ..choices import EventStatus
from .models import event_page_models

OPEN = (EventStatus.OPEN, EventStatus.WAITING_LIST)


def editions(parent, now=None):
    """``{"open": [...], "current": [...], "past": [...]}`` of the live event pages
    under ``parent``; each item is ``(page, status)``. Open and current ones come
    soonest first, past ones newest first."""
    models = event_page_models()
    pages = Page.objects.live().public().descendant_of(parent).type(*models).specific()
    grouped = {"open": [], "current": [], "past": []}
    for page in pages:
        status = page.get_status(now)
        if status in OPEN:
            grouped["open"].append((page, status))
        elif status == EventStatus.PAST:
            grouped["past"].append((page, status))
        else:
            grouped["current"].append((page, status))
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    for key in ("open", "current"):
        grouped[key].sort(key=lambda item: item[0].starts_at or never)
    grouped["past"].sort(key=lambda item: item[0].starts_at or never, reverse=True)
    return grouped
