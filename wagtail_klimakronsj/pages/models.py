from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, TabbedInterface

from ..models import (
    AbstractApplicationFormPage,
    AbstractEventPage,
    AbstractProposalArchivePage,
    AbstractProposalPage,
    EventPageMixin,
)


class EventPage(AbstractEventPage):
    edit_handler = TabbedInterface(
        [
            ObjectList(AbstractEventPage.content_panels, heading=_("Content")),
            ObjectList(EventPageMixin.sessions_panels, heading=_("Sessions and questions")),
            ObjectList(EventPageMixin.applications_panels, heading=_("Applications")),
            ObjectList(AbstractEventPage.promote_panels, heading=_("Promote")),
            ObjectList(AbstractEventPage.settings_panels, heading=_("Settings")),
        ]
    )

    class Meta:
        verbose_name = _("workshop event")
        verbose_name_plural = _("workshop events")


class ApplicationFormPage(AbstractApplicationFormPage):
    subpage_types = []

    class Meta:
        verbose_name = _("application form")
        verbose_name_plural = _("application forms")


class ProposalArchivePage(AbstractProposalArchivePage):
    subpage_types = ["wagtail_klimakronsj_pages.ProposalPage"]
    template = "wagtail_klimakronsj/pages/proposal_archive_page.html"

    class Meta:
        verbose_name = _("proposal archive")
        verbose_name_plural = _("proposal archives")


class ProposalPage(AbstractProposalPage):
    parent_page_types = ["wagtail_klimakronsj_pages.ProposalArchivePage"]
    subpage_types = []
    template = "wagtail_klimakronsj/pages/proposal_page.html"

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
