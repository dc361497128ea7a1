"""Admin for the proposal archive: topics as an ordered, translatable snippet."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Proposal topics")
    add_to_admin_menu = False
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    search_backend_name = None  # plain database lookups; topics are not in the search index
    sort_order_field = "sort_order"


register_snippet(TopicViewSet)
