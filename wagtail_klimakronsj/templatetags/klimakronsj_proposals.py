"""Template tags of the proposal archive.

On an event page::

    {% load klimakronsj_proposals %}{% event_proposals page %}
"""

from django import template

from ..conf import settings
from ..proposals.archive import archive_for_proposals, proposals_for_event

register = template.Library()


@register.inclusion_tag("wagtail_klimakronsj/includes/event_proposals.html", takes_context=True)
def event_proposals(context, page, limit=5):
    """The newest public proposals of an event, with a link to all of them in the archive."""
    proposals = proposals_for_event(page, limit)
    archive = archive_for_proposals(proposals)
    archive_url = None
    if archive is not None:
        url = archive.get_url(context.get("request"))
        archive_url = f"{url}?edition={page.pk}" if url else None
    return {
        "page": page,
        "request": context.get("request"),
        "event_proposals": proposals,
        "event_archive_url": archive_url,
        "workshop_zone": settings.TIME_ZONE,
    }
