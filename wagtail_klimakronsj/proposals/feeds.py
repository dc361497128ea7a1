"""The archive's Atom feed, following the current filters."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .archive import prefetch_for_list


class ProposalFeed(Feed):
    """An Atom feed of the newest proposals of an archive (following the current filters)."""

    feed_type = Atom1Feed
    limit = 50

    def __init__(self, archive, results):
        super().__init__()
        self.archive = archive
        self.results = results

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.archive.title

    def link(self):
        return self.archive.get_full_url(self.request)

    def feed_url(self):
        return self.request.build_absolute_uri()

    def subtitle(self):
        return _("New proposals from the Klimakrønsj workshops")

    def items(self):
        return prefetch_for_list(self.results[: self.limit])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]
