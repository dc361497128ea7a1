"""Who may see what at the desk: two permissions guard every name and email.

``wagtail_klimakronsj.view_personal_data`` shows applicants; decisions and group
changes also need ``wagtail_klimakronsj.decide_application``.
"""

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from wagtail import hooks

PERM_VIEW = "wagtail_klimakronsj.view_personal_data"
PERM_DECIDE = "wagtail_klimakronsj.decide_application"


def can_view_personal_data(user):
    return user.is_active and user.has_perm(PERM_VIEW)


def can_decide(user):
    return can_view_personal_data(user) and user.has_perm(PERM_DECIDE)


def require_personal_data(user):
    if not can_view_personal_data(user):
        raise PermissionDenied


def require_decide(user):
    if not can_decide(user):
        raise PermissionDenied


@hooks.register("register_permissions")
def register_personal_data_permissions():
    # ModelAdmin registers the model's permissions too; this makes the two that guard
    # personal data explicit even if the list is ever unregistered.
    return Permission.objects.filter(
        content_type__app_label="wagtail_klimakronsj",
        codename__in=["view_personal_data", "decide_application"],
    )
