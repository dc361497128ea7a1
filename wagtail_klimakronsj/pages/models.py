from django.utils.translation import gettext_lazy as _

from ..models import (
    AbstractApplicationFormPage,
    AbstractEventPage,
    AbstractProposalArchivePage,
    AbstractProposalPage,
)


class EventPage(AbstractEventPage):
    # Admin tabs come from AbstractEventPage (EventTabs), built from the panel lists.
    template = "wagtail_klimakronsj/pages/event_page.html"

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
