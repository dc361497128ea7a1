"""URLs of ``python -m bench.desk``: the example site's, plus the reference list.

The reference is Wagtail's own ``ModelViewSet`` over the same ``Application`` rows, at
``/admin/bench-applications/`` (URL name ``bench_applications:index``), with the desk
list's columns and page size and its simple filters (not the county and municipality
filters, which list only the municipalities with applications). It is registered here
only, before the admin's URLs are imported (Wagtail collects the viewsets then).
"""

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from wagtail_klimakronsj.models import Application


class BenchApplicationIndexView(IndexView):
    def get_base_queryset(self):
        # as the desk's list does (list_select_related): no query per row
        return super().get_base_queryset().select_related("event", "municipality")


class BenchApplicationViewSet(ModelViewSet):
    model = Application
    icon = "form"
    add_to_admin_menu = False
    index_view_class = BenchApplicationIndexView
    list_display = [
        "full_name",
        "email",
        "municipality",
        Column("county", label="county", accessor="municipality.county"),
        "role",
        "status",
        "submitted_at",
        "event",
    ]
    list_filter = ["event", "status", "role", "submitted_at", "held_for_review"]
    search_fields = ["full_name", "email", "organisation"]
    list_per_page = 100
    form_fields = ["status"]


@hooks.register("register_admin_viewset")
def register_bench_viewset():
    return BenchApplicationViewSet("bench_applications", url_prefix="bench-applications")


from example_site.urls import urlpatterns  # noqa: E402,F401 (after the hook, see above)
