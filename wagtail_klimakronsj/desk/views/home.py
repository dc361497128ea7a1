"""The desk's start page (every event with its counts) and one event's seat counts,
which page editors without the personal-data permission may see too (no names)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ...compat import get_page_model
from ...models import Application, ApplicationStatus, event_page_models
from ..admin import ApplicationModelAdmin
from ..permissions import can_view_personal_data
from .common import can_see_counts, event_counts, get_event_or_404, render


def desk_home(request):
    """Events with applications and their counts (names only behind the permission)."""
    Page = get_page_model()
    events = list(
        Page.objects.filter(content_type__in=_event_content_types())
        .order_by("-first_published_at", "-pk")
        .specific()
    )
    counts = {
        row["event_id"]: row
        for row in Application.objects.values("event_id").annotate(
            **{
                status: _count_status(status)
                for status in ApplicationStatus.values
            }
        )
    }
    user = request.user
    full = can_view_personal_data(user)
    rows = []
    for page in events:
        if not full and not page.permissions_for_user(user).can_edit():
            continue
        row = counts.get(page.pk, {})
        rows.append({"page": page, **{s: row.get(s, 0) for s in ApplicationStatus.values}})
    if not rows and not full:
        raise PermissionDenied
    return render(
        request,
        "wagtail_klimakronsj/admin/desk_home.html",
        {"rows": rows, "list_url": _list_url()},
        title=_("Workshop desk"),
    )


def _count_status(status):
    return Count("pk", filter=Q(status=status))


def _event_content_types():
    return ContentType.objects.get_for_models(*event_page_models()).values()


def _list_url(event=None):
    url = reverse(ApplicationModelAdmin().url_helper.get_action_url_name("index"))
    return f"{url}?event={event.pk}" if event else url


def event_view(request, event_id):
    """Seat counts of one event: for page editors too (no names)."""
    event = get_event_or_404(event_id)
    if not can_see_counts(request.user, event):
        raise PermissionDenied
    return render(
        request,
        "wagtail_klimakronsj/admin/event.html",
        {"event": event, "counts": event_counts(event), "list_url": _list_url(event)},
        title=_("Seats"),
    )
