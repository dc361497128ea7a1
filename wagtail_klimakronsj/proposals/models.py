"""The proposal archive's data: topics, and the fields of the proposal and archive pages.

The pages' serving halves (``serve``, routes, ``get_context``) are in ``pages.py``;
``wagtail_klimakronsj.models`` re-exports both.
"""

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from ..choices import Actor
from ..compat import PAGE_MODEL


class Topic(TranslatableMixin, models.Model):
    """A topic tag for proposals (land use, transport, buildings, energy, …).

    Ordered by the editor (drag and drop in the snippet list) and translatable with
    Wagtail's localisation: each locale has its own name and slug.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    sort_order = models.IntegerField(_("order"), null=True, blank=True, editable=False)
    sort_order_field = "sort_order"

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["sort_order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(fields=["locale", "name"], name="klimakronsj_topic_name"),
            models.UniqueConstraint(fields=["locale", "slug"], name="klimakronsj_topic_slug"),
        ]

    def __str__(self):
        return self.name


class ProposalArchivePageData(models.Model):
    """The archive page's fields; ``pages.ProposalArchivePageMixin`` serves it."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [FieldPanel("intro")]

    template = "wagtail_klimakronsj/pages/proposal_archive_page.html"
    #: The proposal page model listed here; None means the first allowed sub-page type
    #: that is a proposal.
    proposal_model = None

    class Meta:
        abstract = True


class ProposalPageData(models.Model):
    """A concrete proposal from a workshop. Carries no applicant's personal data."""

    summary = models.TextField(_("summary"), max_length=600)
    body = RichTextField(
        _("proposal"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    first_steps = models.TextField(
        _("concrete first steps"), blank=True, help_text=_("One step per line.")
    )
    event = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("edition (event)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    guiding_question = models.ForeignKey(
        "wagtail_klimakronsj.GuidingQuestion",
        verbose_name=_("guiding question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    group = models.ForeignKey(
        "wagtail_klimakronsj.ParticipantGroup",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topics = ParentalManyToManyField(
        "wagtail_klimakronsj.Topic", verbose_name=_("topics"), blank=True, related_name="+"
    )
    actor = models.CharField(
        _("who can act on it"), max_length=20, choices=Actor.choices, default=Actor.MUNICIPALITY
    )

    content_panels = [
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("first_steps"),
        MultiFieldPanel(
            [
                FieldPanel("event"),
                FieldPanel("guiding_question"),
                FieldPanel("group"),
                FieldPanel("topics"),
                FieldPanel("actor"),
            ],
            heading=_("Where it belongs"),
        ),
    ]
    search_fields = [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("first_steps"),
        index.FilterField("event"),
        index.FilterField("guiding_question"),
        index.FilterField("actor"),
    ]

    template = "wagtail_klimakronsj/pages/proposal_page.html"

    class Meta:
        abstract = True

    def get_first_steps(self):
        return [line.strip() for line in self.first_steps.splitlines() if line.strip()]

    def get_archive_page(self):
        """The archive this proposal lives in (its parent), or None."""
        parent = self.get_parent()
        return parent.specific if parent else None


def get_proposal_models():
    """Every concrete proposal page model of the project (usually one)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ProposalPageData) and not model._meta.abstract
    ]
