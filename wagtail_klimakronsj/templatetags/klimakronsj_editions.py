"""``{% klimakronsj_editions page %}``: which editions are open now, current and past."""

from django import template

from ..choices import EventStatus
from ..events.editions import editions

register = template.Library()


@register.inclusion_tag("wagtail_klimakronsj/includes/editions.html", takes_context=True)
def klimakronsj_editions(context, parent):
    """The workshop's editions under ``parent`` (e.g. the home page), with links."""
    grouped = {
        key: [
            {
                "page": page,
                "status": status,
                "status_label": EventStatus(status).label,
                "date": page.sessions[0].date if page.sessions else None,
            }
            for page, status in items
        ]
        for key, items in editions(parent).items()
    }
    return {"request": context.get("request"), **grouped}
