"""Embed the application form on another page (the event page)::

    {% load klimakronsj_apply %}
    {% klimakronsj_application_form page %}

Renders the same form as the event's application form page, posting to that page's
URL (so its checks, receipt and redirect apply). Renders nothing when the event has
no live form page of this package or takes no applications now.
"""

from django import template
from django.template.loader import render_to_string

from ..assets import ASSETS

register = template.Library()


@register.simple_tag(takes_context=True)
def klimakronsj_application_form(context, event):
    request = context.get("request")
    page_id = getattr(event, "application_page_id", None)
    if not page_id:
        return ""
    form_page = getattr(event, "application_page", None)
    form_page = form_page.specific if form_page is not None else None
    if form_page is None or not form_page.live or not hasattr(form_page, "get_form_context"):
        return ""
    if form_page.event_id != event.pk:
        return ""
    state = form_page.get_event_state(event)
    if not form_page.takes_applications(state):
        return ""
    form = form_page.get_form(event=event, user=getattr(request, "user", None))
    form_context = form_page.get_form_context(request, form, event, state)
    # on a page of the package, its stylesheet is linked already; elsewhere the form links it
    form_context.setdefault(ASSETS, context.get(ASSETS))
    return render_to_string(
        "wagtail_klimakronsj/includes/application_form.html", form_context, request=request
    )


#: Error codes whose message, when set for the field (not Django's default), says what
#: to do with that very field ("Enter your full name"): the summary shows it without the label.
NAMED_CODES = ("required", "invalid", "invalid_choice")


def _default_message(field, code):
    for klass in type(field).__mro__:
        default = getattr(klass, "default_error_messages", {}).get(code)
        if default is not None:
            return default
    return None


def _names_the_field(field, error):
    if error.code not in NAMED_CODES:
        return False
    message = field.error_messages.get(error.code)
    return message is not None and message is not _default_message(field, error.code)


@register.filter
def summary_errors(bound_field):
    """``[(message, with_label)]`` for the error summary: a message that already says which
    answer is missing stands alone (as at the field), any other gets the label before it."""
    errors = bound_field.errors
    return [
        (message, not bound_field.is_hidden and not _names_the_field(bound_field.field, error))
        for message, error in zip(errors, errors.as_data(), strict=False)
    ]


@register.filter
def summary_label(label):
    """A field label as the start of an error-summary line: no trailing full stop or colon."""
    return str(label).rstrip(" .:")
