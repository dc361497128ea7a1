"""Wagtail admin integration. Each concern registers its hooks in its own module."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_application_log_actions(actions):
    actions.register_action("wagtail_klimakronsj.submit", _("Submit application"), _("Application submitted"))
    actions.register_action("wagtail_klimakronsj.accept", _("Accept application"), _("Accepted"))
    actions.register_action("wagtail_klimakronsj.waitlist", _("Put on waiting list"), _("Put on the waiting list"))
    actions.register_action("wagtail_klimakronsj.decline", _("Decline application"), _("Declined"))
    actions.register_action("wagtail_klimakronsj.withdraw", _("Withdraw application"), _("Withdrawn"))
    actions.register_action("wagtail_klimakronsj.erase", _("Erase personal data"), _("Personal data erased"))
    actions.register_action("wagtail_klimakronsj.export_personal_data", _("Export personal data"), _("Personal data exported"))
from . import admin_desk  # noqa: E402, F401  - the organiser's desk (applications, groups, exports)
from . import admin_feedback  # noqa: E402, F401  - "Did you find what you were looking for?" report
from . import admin_proposals  # noqa: E402, F401  - proposal topics as a snippet
