"""Template tags of the event page: JSON-LD and the feedback form."""

from django import template
from django.urls import NoReverseMatch, reverse

from ..events.structured_data import event_structured_data, json_ld_script
from ..feedback.views import ANCHOR, THANKS_PARAMETER, FeedbackForm

register = template.Library()

IMAGE_SPEC = "width-1200"


@register.simple_tag(takes_context=True)
def event_json_ld(context, event):
    """``<script type="application/ld+json">`` with the event's schema.org data."""
    request = context.get("request")
    image_url = None
    if event.image_id and event.image:
        image_url = event.image.get_rendition(IMAGE_SPEC).url
    data = event_structured_data(
        event, request=request, status=context.get("status"), image_url=image_url
    )
    return json_ld_script(data)


@register.inclusion_tag("wagtail_klimakronsj/includes/feedback.html", takes_context=True)
def feedback_form(context, page):
    """The "Did you find what you were looking for?" form for ``page`` (no JavaScript)."""
    request = context.get("request")
    try:
        action = reverse("wagtail_klimakronsj:feedback")
    except NoReverseMatch:  # the site has not included wagtail_klimakronsj.urls
        action = None
    thanks = bool(request and request.GET.get(THANKS_PARAMETER) == "thanks")
    return {
        "action": action,
        "anchor": ANCHOR,
        "form": FeedbackForm(initial={"page": page.pk}),
        "thanks": thanks,
        "request": request,
    }
