"""The application list in the admin (wagtail-modeladmin): its filters, the list with
its counts and bulk decisions, the inspect view with an application's history, and
the list's CSV/XLSX export. Applications are never added, edited or deleted by hand."""

from django.apps import apps
from django.contrib.admin import DateFieldListFilter, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import registry as log_registry
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import DeleteView, EditView, IndexView, InspectView

from ..applications import seats
from ..compat import get_page_model
from ..models import Application, Municipality
from ..params import read_id
from .exports import export_applications
from .forms import ApplicationListQuery, IdInUrlMixin, bad_list_query
from .permissions import can_decide, can_view_personal_data, require_personal_data
from .views.common import DECISIONS, NAMESPACE, event_counts, get_event_or_404


class ApplicationPermissionHelper(PermissionHelper):
    """Applications are never added, edited or deleted by hand: decide or erase instead."""

    def user_can_list(self, user):
        return can_view_personal_data(user)

    def user_can_inspect_obj(self, user, obj):
        return can_view_personal_data(user)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class ApplicationButtonHelper(ButtonHelper):
    pass


class IdFilter(SimpleListFilter):
    """A list filter whose value is a row id of ``field``; anything else filters nothing."""

    field = None

    def queryset(self, request, queryset):
        pk = read_id(self.value(), queryset.model._meta.get_field(self.field).related_model)
        if pk is not None:
            return queryset.filter(**{self.field: pk})
        return queryset


class EventFilter(IdFilter):
    title = gettext_lazy("event")
    parameter_name = "event"
    field = "event_id"

    def lookups(self, request, model_admin):
        # one index look-up per page (EXISTS), not a scan of every application
        events = get_page_model().objects.filter(
            Exists(Application.objects.filter(event_id=OuterRef("pk")))
        ).order_by("-pk")
        return [(str(pk), title) for pk, title in events.values_list("pk", "title")]


class CountyFilter(SimpleListFilter):
    title = gettext_lazy("county")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        counties = (
            Municipality.objects.filter(Exists(_applications_of(OuterRef("pk"))))
            .exclude(county="")
            .values_list("county", flat=True)
            .distinct()
            .order_by("county")
        )
        return [(county, county) for county in counties]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(municipality__county=self.value())
        return queryset


class MunicipalityFilter(IdFilter):
    """Only municipalities with applications (of the selected event), not all 357."""

    title = gettext_lazy("municipality")
    parameter_name = "municipality"
    field = "municipality_id"

    def lookups(self, request, model_admin):
        event = read_id(request.GET.get("event"), get_page_model())
        if event is not None:  # one pass over the event's applications, as its counts
            municipalities = Municipality.objects.filter(
                pk__in=Application.objects.filter(event_id=event).values("municipality_id")
            )
        else:
            municipalities = Municipality.objects.filter(Exists(_applications_of(OuterRef("pk"))))
        municipalities = municipalities.order_by("name")
        county = request.GET.get("county")
        if county:
            municipalities = municipalities.filter(county=county)
        return [(str(m.pk), str(m)) for m in municipalities]


def _applications_of(municipality):
    """The applications of one municipality: an EXISTS over the municipality's index
    per municipality, whatever the number of applications."""
    return Application.objects.filter(municipality_id=municipality)


class ApplicationIndexView(IndexView):
    export_buttons_template_name = "wagtail_klimakronsj/admin/includes/export_buttons.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            return bad_list_query(request, self.index_url)

    def get_queryset(self, request=None):
        # dispatch() builds the queryset and get_context_data() asks again: build it
        # (and run the filters' look-ups) once
        if getattr(self, "queryset", None) is not None:
            return self.queryset
        if not ApplicationListQuery((request or self.request).GET).is_valid():
            raise IncorrectLookupParameters
        return super().get_queryset(request)

    def get_selected_event(self):
        try:
            return get_event_or_404(self.request.GET.get("event"))
        except Http404:
            return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.get_selected_event()
        context["counts"] = event_counts(event) if event else None
        context["decisions"] = DECISIONS.items()
        context["can_decide"] = can_decide(self.request.user)
        context["desk_namespace"] = NAMESPACE
        return context

    def as_spreadsheet(self, queryset, spreadsheet_format):
        require_personal_data(self.request.user)
        return export_applications(queryset, spreadsheet_format, self.get_filename())


class ApplicationEditView(IdInUrlMixin, EditView):
    pass


class ApplicationDeleteView(IdInUrlMixin, DeleteView):
    pass


class ApplicationInspectView(IdInUrlMixin, InspectView):
    def get_context_data(self, **kwargs):
        application = self.instance
        context = super().get_context_data(**kwargs)
        context.update(inspect_context(self.request, application))
        return context


def inspect_context(request, application):
    labels = {}
    if application.form_page_id:
        labels = dict(
            apps.get_model("wagtail_klimakronsj", "ApplicationFormField")
            .objects.filter(page_id=application.form_page_id)
            .values_list("clean_name", "label")
        )
    extra = [
        {"label": labels.get(key, key), "value": value}
        for key, value in (application.extra_answers or {}).items()
    ]
    history = log_registry.get_logs_for_instance(application).select_related("user").order_by(
        "-timestamp", "-pk"
    )
    return {
        "application": application,
        "extra_answers": extra,
        "history": history,
        "notifications": application.notifications.order_by("created_at", "pk"),
        "waiting_position": seats.waiting_list_position(application),
        "decisions": [
            (status, label) for status, label in DECISIONS.items() if status != application.status
        ],
        "can_decide": can_decide(request.user) and not application.erased_at,
        "decide_url": reverse(f"{NAMESPACE}:decide"),
        "event_url": reverse(f"{NAMESPACE}:event", args=[application.event_id]),
    }


class ApplicationModelAdmin(ModelAdmin):
    model = Application
    menu_label = gettext_lazy("Applications")
    menu_icon = "form"
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    history_view_enabled = False
    permission_helper_class = ApplicationPermissionHelper
    button_helper_class = ApplicationButtonHelper
    index_view_class = ApplicationIndexView
    inspect_view_class = ApplicationInspectView
    edit_view_class = ApplicationEditView
    delete_view_class = ApplicationDeleteView
    index_template_name = "wagtail_klimakronsj/admin/application_index.html"
    inspect_template_name = "wagtail_klimakronsj/admin/application_inspect.html"
    list_display = (
        "select_box",
        "full_name",
        "email",
        "municipality",
        "county",
        "role",
        "status",
        "submitted_at",
        "event",
    )
    list_display_add_buttons = "full_name"
    list_filter = (
        EventFilter,
        "status",
        CountyFilter,
        MunicipalityFilter,
        "role",
        ("submitted_at", DateFieldListFilter),
        "held_for_review",
    )
    list_select_related = ("event", "municipality")
    list_export = ("pk",)  # shows the export buttons; the rows come from export_applications
    export_filename = "applications"
    search_fields = ("full_name", "email", "organisation", "municipality__name", "municipality__number")
    list_per_page = 100

    def select_box(self, obj):
        return format_html(
            '<input type="checkbox" name="selected" value="{}" form="klimakronsj-bulk" '
            'aria-label="{}">',
            obj.pk,
            _("Select %(name)s") % {"name": obj.full_name or f"#{obj.pk}"},
        )

    select_box.short_description = gettext_lazy("Select")

    def county(self, obj):
        return obj.municipality.county if obj.municipality_id else ""

    county.short_description = gettext_lazy("county")
    county.admin_order_field = "municipality__county"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event", "municipality")


modeladmin_register(ApplicationModelAdmin)
