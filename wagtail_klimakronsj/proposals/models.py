from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index

from ..assets import Alternate, add_link_header, page_assets
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




class ProposalArchivePageMixin(RoutablePageMixin, models.Model):
    """The public archive of proposals: filters, search, pages, CSV/JSON and a feed.

    Routes (all take the same GET filters ``q``, ``edition``, ``question``, ``topic``,
    ``actor``): the list (``?page=N``), ``export-csv/``, ``export-json/`` and ``feed/``.
    Override one method per step: ``get_proposal_model()``, ``get_proposals()``,
    ``get_filter_form()``, ``filter_proposals()``, ``search_proposals()``.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [FieldPanel("intro")]

    template = "wagtail_klimakronsj/pages/proposal_archive_page.html"
    #: The proposal page model listed here; None means the first allowed sub-page type
    #: that is a proposal.
    proposal_model = None

    class Meta:
        abstract = True

    def get_proposal_model(self):
        if self.proposal_model is not None:
            return self.proposal_model
        for model in self.allowed_subpage_models():
            if issubclass(model, ProposalPageMixin):
                return model
        from .archive import get_proposal_models

        return get_proposal_models()[0]

    def get_proposals(self):
        """Published, public proposals of this archive, newest first."""
        from .archive import published_proposals

        return published_proposals(self.get_proposal_model(), archive=self)

    def get_filter_form(self, request, proposals=None):
        """The GET form; its choices are the editions and questions that have proposals."""
        from django.db.models import Q

        from ..events.models import GuidingQuestion
        from .archive import ProposalFilterForm

        if proposals is None:
            proposals = self.get_proposals()
        editions = list(
            Page.objects.filter(pk__in=proposals.values("event_id")).order_by(
                "-first_published_at", "title"
            )
        )
        questions = GuidingQuestion.objects.filter(
            pk__in=proposals.values("guiding_question_id")
        ).order_by("page_id", "sort_order", "pk")
        topics = Topic.objects.filter(Q(locale_id=self.locale_id)).order_by("sort_order", "name")
        return ProposalFilterForm(
            request.GET or None,
            editions=editions,
            questions=list(questions),
            topics=list(topics),
            actors=Actor.choices,
        )

    def filter_proposals(self, proposals, filters):
        from .archive import apply_filters

        return apply_filters(proposals, filters)

    def search_proposals(self, proposals, query):
        from .archive import search

        return search(proposals, query)

    def get_results(self, request):
        """``(form, filters, results)`` for the request's GET filters and search words."""
        proposals = self.get_proposals()
        form = self.get_filter_form(request, proposals)
        filters = form.filters()
        results = self.filter_proposals(proposals, filters)
        return form, filters, self.search_proposals(results, filters["q"])

    def get_context(self, request, *args, **kwargs):
        from urllib.parse import urlencode

        from ..conf import settings
        from .archive import paginate

        context = super().get_context(request, *args, **kwargs)
        form, filters, results = self.get_results(request)
        page = paginate(results, request.GET.get("page"))
        params = [
            (key, value)
            for key, values in request.GET.lists()
            if key in form.fields
            for value in values
        ]
        query_string = urlencode(params)
        context.update(
            base_template=settings.BASE_TEMPLATE,
            klimakronsj_assets=page_assets(self.get_alternates(request, query_string)),
            workshop_zone=settings.TIME_ZONE,
            form=form,
            filters=filters,
            proposals=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            is_filtered=any(filters.get(k) for k in ("q", "edition", "question", "topic", "actor")),
            query_string=query_string,
            page_query_prefix=f"?{query_string}&page=" if query_string else "?page=",
        )
        return context

    def get_alternates(self, request, query_string=""):
        """The page's alternate links (``assets.Alternate``): the Atom feed of the
        proposals shown, in ``{% klimakronsj_head %}`` and the ``Link`` header."""
        url = self.get_url(request)
        if not url:
            return []
        feed = f"{url}feed/" + (f"?{query_string}" if query_string else "")
        title = gettext("%(title)s: new proposals") % {"title": self.title}
        return [Alternate(feed, "application/atom+xml", title)]

    def serve(self, request, *args, **kwargs):
        return add_link_header(super().serve(request, *args, **kwargs))

    @path("export-csv/")
    def export_csv(self, request):
        from .archive import csv_response, export_filename

        _form, _filters, results = self.get_results(request)
        return csv_response(results, export_filename(self, "csv"), request)

    @path("export-json/")
    def export_json(self, request):
        from .archive import export_filename, json_response

        _form, _filters, results = self.get_results(request)
        return json_response(results, export_filename(self, "json"), request)

    @path("feed/")
    def feed(self, request):
        from .archive import ProposalFeed

        _form, _filters, results = self.get_results(request)
        return ProposalFeed(self, results)(request)


class AbstractProposalArchivePage(ProposalArchivePageMixin, Page):
    content_panels = Page.content_panels + ProposalArchivePageMixin.content_panels

    class Meta:
        abstract = True


class ProposalPageMixin(models.Model):
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

    def get_context(self, request, *args, **kwargs):
        from ..conf import settings

        context = super().get_context(request, *args, **kwargs)
        event = self.event
        archive = self.get_archive_page()
        edition_url = None
        if archive is not None and event is not None:
            edition_url = f"{archive.get_url(request)}?edition={event.pk}"
        context.update(
            base_template=settings.BASE_TEMPLATE,
            klimakronsj_assets=page_assets(),
            workshop_zone=settings.TIME_ZONE,
            event=event if event is not None and event.live else None,
            archive=archive,
            edition_archive_url=edition_url,
            topics=list(self.topics.all()),
            first_steps_list=self.get_first_steps(),
        )
        return context


class AbstractProposalPage(ProposalPageMixin, Page):
    content_panels = Page.content_panels + ProposalPageMixin.content_panels
    search_fields = Page.search_fields + ProposalPageMixin.search_fields

    class Meta:
        abstract = True
