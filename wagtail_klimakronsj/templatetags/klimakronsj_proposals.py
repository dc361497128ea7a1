"""Template tags of the proposal archive.

On an event page::

    {% load klimakronsj_proposals %}{% event_proposals page %}

or cached until the list changes (the event page does this)::

    {% event_proposals_version page as version %}
    {% wagtailpagecache 3600 "proposals" version %}{% event_proposals page %}{% endwagtailpagecache %}
"""

from django import template

from ..conf import settings
from ..proposals import archive

register = template.Library()


@register.inclusion_tag("wagtail_klimakronsj/includes/event_proposals.html", takes_context=True)
def event_proposals(context, page, limit=5):
    """The newest public proposals of an event, with a link to all of them in the archive."""
    proposals = archive.proposals_for_event(page, limit)
    archive_page = archive.archive_for_proposals(proposals)
    archive_url = None
    if archive_page is not None:
        url = archive_page.get_url(context.get("request"))
        archive_url = f"{url}?edition={page.pk}" if url else None
    return {
        "page": page,
        "request": context.get("request"),
        "event_proposals": proposals,
        "event_archive_url": archive_url,
        "workshop_zone": settings.TIME_ZONE,
    }


@register.simple_tag
def event_proposals_version(page, limit=5):
    """What decides ``{% event_proposals page limit %}`` (ids, URL paths and publication
    times of the proposals it is chosen from), as a cache key part: the list, its links
    and the archive link change only when this does (see ``proposals.archive``)."""
    return archive.event_proposals_version(page, limit)
