"""Page feedback in the admin: yes/no counts per page and the latest comments.

A report under Reports -> "Page feedback", for users with the ``view_pagefeedback``
permission (assign it to editors' groups).
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ..compat import get_page_model
from .models import PageFeedback

PERMISSION = "wagtail_klimakronsj.view_pagefeedback"
LATEST_COMMENTS = 3


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def feedback_index(request):
    """Pages with feedback, most recent first: yes, no, and the latest comments."""
    _check(request)
    rows = (
        PageFeedback.objects.values("page_id")
        .annotate(
            yes=Count("pk", filter=Q(helpful=True)),
            no=Count("pk", filter=Q(helpful=False)),
            latest=Max("created_at"),
        )
        .order_by("-latest")
    )
    page_obj = Paginator(rows, 50).get_page(request.GET.get("p"))
    page_ids = [row["page_id"] for row in page_obj]
    pages = get_page_model().objects.in_bulk(page_ids)
    comments = {}
    recent = (
        PageFeedback.objects.filter(page_id__in=page_ids)
        .exclude(comment="")
        .annotate(
            rank=Window(RowNumber(), partition_by=F("page_id"), order_by=F("created_at").desc())
        )
        .filter(rank__lte=LATEST_COMMENTS)
        .order_by("-created_at")
    )
    for item in recent:
        comments.setdefault(item.page_id, []).append(item)
    for row in page_obj:
        row["page"] = pages.get(row["page_id"])
        row["comments"] = comments.get(row["page_id"], [])
    return render(
        request,
        "wagtail_klimakronsj/admin/feedback_index.html",
        {"page_obj": page_obj, "rows": list(page_obj)},
    )


def feedback_page(request, page_id):
    """All feedback on one page, newest first."""
    _check(request)
    page = get_object_or_404(get_page_model(), pk=page_id)
    feedback = PageFeedback.objects.filter(page_id=page.pk).order_by("-created_at")
    counts = feedback.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    page_obj = Paginator(feedback, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "wagtail_klimakronsj/admin/feedback_page.html",
        {"page": page, "page_obj": page_obj, "counts": counts},
    )


@hooks.register("register_admin_urls")
def register_feedback_urls():
    return [
        path("klimakronsj/feedback/", feedback_index, name="klimakronsj_feedback_index"),
        path(
            "klimakronsj/feedback/<int:page_id>/",
            feedback_page,
            name="klimakronsj_feedback_page",
        ),
    ]


class FeedbackMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_feedback_menu_item():
    return FeedbackMenuItem(
        _("Page feedback"),
        reverse("klimakronsj_feedback_index"),
        icon_name="help",
        order=900,
    )


@hooks.register("register_permissions")
def register_feedback_permissions():
    return Permission.objects.filter(
        content_type__app_label="wagtail_klimakronsj", codename="view_pagefeedback"
    )
