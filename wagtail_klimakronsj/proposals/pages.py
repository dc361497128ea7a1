"""The proposal pages' serving halves: the archive's list, filters, exports and feed,
and the proposal page's context.

Each mixin adds to the data class of ``models.py``; a site builds its own pages on them
(``class MyArchivePage(ProposalArchivePageMixin, MyBasePage)``) or on the abstract
pages below.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from ..assets import Alternate, add_link_header, page_assets
from ..conf import settings
from . import archive, exports
from .feeds import ProposalFeed
from .models import ProposalArchivePageData, ProposalPageData


class ProposalArchivePageMixin(RoutablePageMixin, ProposalArchivePageData):
    """The public archive of proposals: filters, search, pages, CSV/JSON and a feed.

    Routes (all take the same GET filters ``q``, ``edition``, ``question``, ``topic``,
    ``actor``): the list (``?page=N``), ``export-csv/``, ``export-json/`` and ``feed/``.
    Override one method per step: ``get_proposal_model()``, ``get_proposals()``,
    ``get_filter_form()``, ``filter_proposals()``, ``search_proposals()``.
    """

    class Meta:
        abstract = True

    def get_proposal_model(self):
        if self.proposal_model is not None:
            return self.proposal_model
        for model in self.allowed_subpage_models():
            if issubclass(model, ProposalPageMixin):
                return model
        return archive.get_proposal_models()[0]

    def get_proposals(self):
        """Published, public proposals of this archive, newest first."""
        return archive.published_proposals(self.get_proposal_model(), archive=self)

    def get_filter_form(self, request, proposals=None):
        """The GET form; its choices are the editions and questions that have proposals."""
        if proposals is None:
            proposals = self.get_proposals()
        return archive.filter_form(request.GET, proposals, self.locale_id)

    def filter_proposals(self, proposals, filters):
        return archive.apply_filters(proposals, filters)

    def search_proposals(self, proposals, query):
        return archive.search(proposals, query)

    def get_results(self, request):
        """``(form, filters, results)`` for the request's GET filters and search words."""
        proposals = self.get_proposals()
        form = self.get_filter_form(request, proposals)
        filters = form.filters()
        results = self.filter_proposals(proposals, filters)
        return form, filters, self.search_proposals(results, filters["q"])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form, filters, results = self.get_results(request)
        page = archive.paginate(results, request.GET.get("page"))
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
        _form, _filters, results = self.get_results(request)
        return exports.csv_response(results, exports.export_filename(self, "csv"), request)

    @path("export-json/")
    def export_json(self, request):
        _form, _filters, results = self.get_results(request)
        return exports.json_response(results, exports.export_filename(self, "json"), request)

    @path("feed/")
    def feed(self, request):
        _form, _filters, results = self.get_results(request)
        return ProposalFeed(self, results)(request)


class AbstractProposalArchivePage(ProposalArchivePageMixin, Page):
    content_panels = Page.content_panels + ProposalArchivePageMixin.content_panels

    class Meta:
        abstract = True


class ProposalPageMixin(ProposalPageData):
    """A proposal page: its edition, archive, topics and first steps for the template."""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        event = self.event
        archive_page = self.get_archive_page()
        edition_url = None
        if archive_page is not None and event is not None:
            edition_url = f"{archive_page.get_url(request)}?edition={event.pk}"
        context.update(
            base_template=settings.BASE_TEMPLATE,
            klimakronsj_assets=page_assets(),
            workshop_zone=settings.TIME_ZONE,
            event=event if event is not None and event.live else None,
            archive=archive_page,
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
