"""What every view of the desk shares: the URL namespace, the decisions, the event
lookup, the seat counts (no personal data) and the page rendering."""

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy

from ...compat import get_page_model
from ...models import ApplicationStatus, EventPageMixin
from ...params import read_id
from ..permissions import can_view_personal_data

NAMESPACE = "wagtail_klimakronsj_desk"

DECISIONS = {
    ApplicationStatus.ACCEPTED: gettext_lazy("Accept"),
    ApplicationStatus.WAITLISTED: gettext_lazy("Put on the waiting list"),
    ApplicationStatus.DECLINED: gettext_lazy("Decline"),
}


def get_event_or_404(event_id):
    Page = get_page_model()
    event_id = read_id(event_id, Page)
    if event_id is None:
        raise Http404
    page = Page.objects.filter(pk=event_id).first()
    if page is None:
        raise Http404
    event = page.specific
    if not isinstance(event, EventPageMixin):
        raise Http404
    return event


def can_see_counts(user, event):
    if can_view_personal_data(user):
        return True
    return event.permissions_for_user(user).can_edit()


def render(request, template, context, *, title, status=200):
    context = {
        "page_title": title,
        "page_subtitle": getattr(context.get("event"), "title", ""),
        "can_view_personal_data": can_view_personal_data(request.user),
        **context,
    }
    return TemplateResponse(request, template, context, status=status)


def event_counts(event):
    """The event's seats and applications by status (``EventPageData.get_seat_counts``)."""
    return event.get_seat_counts()
