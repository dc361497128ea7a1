"""Wagtail admin integration. Each concern registers its hooks in its own module."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .desk import (  # noqa: F401 - imported for their hooks: the organiser's desk
    admin,  # the application list (modeladmin)
    menu,  # menu items and the event page's "Seats and applications" button
    permissions,  # the two permissions that guard personal data
    urls,  # the desk's pages (decisions, pool, groups, attendance, personal data)
)
from .feedback import admin as feedback_admin  # noqa: F401 - "Did you find what you were looking for?"
from .proposals import admin as proposals_admin  # noqa: F401 - proposal topics as a snippet


@hooks.register("register_log_actions")
def register_application_log_actions(actions):
    for action, label, message in [
        ("submit", _("Submit application"), _("Application submitted")),
        ("accept", _("Accept application"), _("Accepted")),
        ("waitlist", _("Put on waiting list"), _("Put on the waiting list")),
        ("decline", _("Decline application"), _("Declined")),
        ("withdraw", _("Withdraw application"), _("Withdrawn")),
        ("confirm_email", _("Confirm email address"), _("Email address confirmed")),
        ("expire", _("Release an unconfirmed seat"), _("Email not confirmed in time")),
        ("erase", _("Erase personal data"), _("Personal data erased")),
        ("export_personal_data", _("Export personal data"), _("Personal data exported")),
    ]:
        actions.register_action(f"wagtail_klimakronsj.{action}", label, message)
