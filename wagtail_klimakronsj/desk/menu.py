"""Where the desk shows in the admin: its menu item, the personal-data requests in
Settings, and the "Seats and applications" button of an event page."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from ..models import EventPageMixin
from .permissions import can_view_personal_data
from .views.common import NAMESPACE


class _DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_personal_data(request.user)


@hooks.register("register_admin_menu_item")
def register_desk_menu_item():
    return _DeskMenuItem(
        gettext_lazy("Workshop desk"),
        reverse(f"{NAMESPACE}:home"),
        icon_name="group",
        order=251,
    )


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return _DeskMenuItem(
        gettext_lazy("Personal data requests"),
        reverse(f"{NAMESPACE}:personal_data"),
        icon_name="user",
        order=900,
    )


def _seats_button(page, user, priority):
    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, EventPageMixin):
        return
    if can_view_personal_data(user) or page.permissions_for_user(user).can_edit():
        yield Button(
            _("Seats and applications"),
            reverse(f"{NAMESPACE}:event", args=[page.pk]),
            icon_name="group",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def page_header_seats_button(page, user, view_name=None, next_url=None):
    yield from _seats_button(page, user, 80)


@hooks.register("register_page_listing_more_buttons")
def page_listing_seats_button(page, user, next_url=None):
    yield from _seats_button(page, user, 80)
