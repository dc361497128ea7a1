"""Admin for the proposal archive: topics as an ordered, translatable snippet.

Wagtail's generic snippet views pass a chooser's ids to the database unread and
search with an unbounded ``LIKE``; the small subclasses here read them first, so a
crafted address is a 404 or an ignored search, never a 500.
"""

from django.core.validators import MaxLengthValidator
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from ..params import read_id
from .models import Topic

MAX_SEARCH_LENGTH = 200


class TopicIndexView(IndexView):
    def get_search_form(self):
        form = super().get_search_form()
        if form is not None:
            form.fields["q"].validators.append(MaxLengthValidator(MAX_SEARCH_LENGTH))
        return form


class TopicChosenView(SnippetChosenView):
    def get_object(self, pk):
        pk = read_id(pk, self.model_class)
        if pk is None:
            raise Http404
        return super().get_object(pk)


class TopicChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return super().get_objects([read_id(pk, self.model_class) for pk in pks])


class TopicCreateView(SnippetCreateView):
    """The chooser offers no creation form for topics: nothing to post to."""

    def post(self, request):
        if self.get_creation_form() is None:
            raise Http404
        return super().post(request)


class TopicChooserViewSet(SnippetChooserViewSet):
    chosen_view_class = TopicChosenView
    chosen_multiple_view_class = TopicChosenMultipleView
    create_view_class = TopicCreateView


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Proposal topics")
    add_to_admin_menu = False
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None  # plain database lookups; topics are not in the search index
    sort_order_field = "sort_order"
    index_view_class = TopicIndexView
    chooser_viewset_class = TopicChooserViewSet


register_snippet(TopicViewSet)
