"""The event page's admin: its panel lists, its tabs and the seat counts panel.

``EventPageData`` (``events/models.py``) takes its ``content_panels``,
``sessions_panels`` and ``applications_panels`` from the lists here; a subclass extends
those attributes as usual and ``EventTabs`` builds the tabs from what it finds.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)

from ..desk.permissions import can_view_personal_data

#: The desk's URL namespace (``desk.views.common.NAMESPACE``; the desk imports the
#: page classes, so this module names it instead of importing it).
DESK_NAMESPACE = "wagtail_klimakronsj_desk"


class EventTabs:
    """The event page's admin tabs, built from the panel lists of the class it is read on.

    A subclass that extends ``content_panels`` (or the other lists) gets its panels in
    the tabs without redefining ``edit_handler``.
    """

    def __get__(self, instance, owner):
        tabs = [
            (owner.content_panels, _("Content")),
            (getattr(owner, "sessions_panels", []), _("Sessions and questions")),
            (getattr(owner, "applications_panels", []), _("Applications")),
            (getattr(owner, "promote_panels", []), _("Promote")),
            (getattr(owner, "settings_panels", []), _("Settings")),
        ]
        return TabbedInterface(
            [ObjectList(panels, heading=heading) for panels, heading in tabs if panels]
        )


class SeatCountsPanel(Panel):
    """Seats taken / left / waiting on the event page's edit view; counts, never names.

    Part of ``applications_panels``; links to the organiser's desk (the desk shows the
    applicants only to users allowed to see them).
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_klimakronsj/admin/includes/seat_counts_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            event = self.instance
            has_pk = bool(event and event.pk)
            context["counts"] = event.get_seat_counts() if has_pk else None
            context["can_view_personal_data"] = can_view_personal_data(self.request.user)
            desk_url = reverse(f"{DESK_NAMESPACE}:event", args=[event.pk]) if has_pk else ""
            context["desk_url"] = desk_url
            return context


CONTENT_PANELS = [
    FieldPanel("lead"),
    MultiFieldPanel(
        [FieldPanel("image"), FieldPanel("image_alt_text"), FieldPanel("image_credit")],
        heading=_("Image"),
    ),
    FieldPanel("body"),
    MultiFieldPanel(
        [
            FieldPanel("audience"),
            FieldRowPanel([FieldPanel("organiser"), FieldPanel("organiser_url")]),
            FieldPanel("publisher"),
            FieldPanel("price"),
            FieldRowPanel([FieldPanel("contact_url"), FieldPanel("contact_text")]),
            FieldPanel("published_date"),
        ],
        heading=_("About the event"),
    ),
]
SESSIONS_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("event_format"),
            FieldPanel("location_name"),
            FieldPanel("address"),
            FieldPanel("meeting_url"),
        ],
        heading=_("Where"),
    ),
    InlinePanel("klimakronsj_sessions", heading=_("Sessions"), label=_("Session"), min_num=1),
    InlinePanel(
        "klimakronsj_guiding_questions",
        heading=_("Guiding questions"),
        label=_("Question"),
    ),
]
APPLICATIONS_PANELS = [
    SeatCountsPanel(heading=_("Seats and applications")),
    MultiFieldPanel(
        [
            FieldPanel("seat_limit"),
            FieldPanel("seat_policy"),
            FieldPanel("municipality_cap"),
            FieldPanel("waiting_list"),
            FieldPanel("confirm_email"),
            FieldPanel("confirmation_hours"),
            FieldPanel("show_seats_left"),
        ],
        heading=_("Seats"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [FieldPanel("applications_open_date"), FieldPanel("applications_open_time")]
            ),
            FieldRowPanel(
                [
                    FieldPanel("application_deadline_date"),
                    FieldPanel("application_deadline_time"),
                ]
            ),
            FieldPanel("application_page"),
            FieldPanel("embed_application_form"),
            FieldPanel("external_application_url"),
        ],
        heading=_("Applications"),
    ),
    FieldPanel("organiser_emails"),
    InlinePanel("klimakronsj_email_texts", heading=_("Email texts"), label=_("Email text")),
    FieldPanel("retention_days"),
]
