"""The organiser's desk in the Wagtail admin: applications, decisions, groups, exports.

Everything that shows a name or an email needs the permission
``wagtail_klimakronsj.view_personal_data``; decisions and group changes also need
``wagtail_klimakronsj.decide_application``. An editor of an event page without them
sees the seat counts of the event (``SeatCountsPanel``, the "Seats" page button and the
event's counts page), never names.
"""

from collections import defaultdict

from django.apps import apps
from django.contrib.admin import DateFieldListFilter, SimpleListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.validators import EmailValidator, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import registry as log_registry
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtail_modeladmin.views import DeleteView, EditView, IndexView, InspectView

from . import grouping, personal_data, seats, selection
from .compat import get_page_model
from .conf import settings
from .desk_forms import (
    ApplicationListQuery,
    DecideForm,
    IdInUrlMixin,
    PersonalDataForm,
    PoolForm,
    bad_list_query,
)
from .exports import csv_response, xlsx_response
from .groups import (
    accepted_applications,
    group_context,
    group_rows,
    propose_groups,
    record_group_emails,
)
from .models import (
    Application,
    ApplicationStatus,
    Attendance,
    EventPageMixin,
    Municipality,
    ParticipantGroup,
    Role,
    event_page_models,
)
from .panels import SeatCountsPanel  # noqa: F401 - kept importable from here
from .params import read_id, reject_unsafe_characters

EXPORT_FORMATS = ("csv", "xlsx")
PERM_VIEW = "wagtail_klimakronsj.view_personal_data"
PERM_DECIDE = "wagtail_klimakronsj.decide_application"
NAMESPACE = "wagtail_klimakronsj_desk"

DECISIONS = {
    ApplicationStatus.ACCEPTED: gettext_lazy("Accept"),
    ApplicationStatus.WAITLISTED: gettext_lazy("Put on the waiting list"),
    ApplicationStatus.DECLINED: gettext_lazy("Decline"),
}


# -- permissions ------------------------------------------------------------


def can_view_personal_data(user):
    return user.is_active and user.has_perm(PERM_VIEW)


def can_decide(user):
    return can_view_personal_data(user) and user.has_perm(PERM_DECIDE)


def require_personal_data(user):
    if not can_view_personal_data(user):
        raise PermissionDenied


def require_decide(user):
    if not can_decide(user):
        raise PermissionDenied


def get_event_or_404(event_id):
    Page = get_page_model()
    event_id = read_id(event_id, Page)
    if event_id is None:
        raise Http404
    page = Page.objects.filter(pk=event_id).first()
    if page is None:
        raise Http404
    event = page.specific
    if not isinstance(event, EventPageMixin):
        raise Http404
    return event


def can_see_counts(user, event):
    if can_view_personal_data(user):
        return True
    return event.permissions_for_user(user).can_edit()


def decide(event, application_ids, new_status, user, request=None):
    """The organiser's decision through ``workflow.decide``: seats plus one status email each."""
    from . import workflow

    return workflow.decide(event, application_ids, new_status, user=user, request=request)


def render(request, template, context, *, title, status=200):
    context = {
        "page_title": title,
        "page_subtitle": getattr(context.get("event"), "title", ""),
        "can_view_personal_data": can_view_personal_data(request.user),
        **context,
    }
    return TemplateResponse(request, template, context, status=status)


def safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# -- seat counts (no personal data) ----------------------------------------


def event_counts(event):
    counts = seats.seat_counts(event.pk)
    accepted = counts[ApplicationStatus.ACCEPTED]
    taken = accepted + counts[ApplicationStatus.UNCONFIRMED]  # a held seat is taken
    return {
        "event": event,
        "limit": event.seat_limit,
        "taken": taken,
        "accepted": accepted,
        "unconfirmed": counts[ApplicationStatus.UNCONFIRMED],
        "expired": counts[ApplicationStatus.EXPIRED],
        "left": max(event.seat_limit - taken, 0),
        "waiting": counts[ApplicationStatus.WAITLISTED],
        "pending": counts[ApplicationStatus.PENDING],
        "declined": counts[ApplicationStatus.DECLINED],
        "withdrawn": counts[ApplicationStatus.WITHDRAWN],
        "total": sum(counts.values()),
        "cap": event.municipality_cap,
    }


# -- the application list (modeladmin) --------------------------------------


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
        events = get_page_model().objects.filter(
            pk__in=Application.objects.values("event_id")
        ).order_by("-pk")
        return [(str(pk), title) for pk, title in events.values_list("pk", "title")]



class CountyFilter(SimpleListFilter):
    title = gettext_lazy("county")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        counties = (
            Municipality.objects.filter(applications__isnull=False)
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
        applications = Application.objects.all()
        event = read_id(request.GET.get("event"), get_page_model())
        if event is not None:
            applications = applications.filter(event_id=event)
        county = request.GET.get("county")
        municipalities = Municipality.objects.filter(
            pk__in=applications.values("municipality_id")
        ).order_by("name")
        if county:
            municipalities = municipalities.filter(county=county)
        return [(str(m.pk), str(m)) for m in municipalities]



class ApplicationIndexView(IndexView):
    export_buttons_template_name = "wagtail_klimakronsj/admin/includes/export_buttons.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except IncorrectLookupParameters:
            return bad_list_query(request, self.index_url)

    def get_queryset(self, request=None):
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


EXPORT_HEADER = [
    gettext_lazy("ID"),
    gettext_lazy("event"),
    gettext_lazy("status"),
    gettext_lazy("full name"),
    gettext_lazy("email"),
    gettext_lazy("phone"),
    gettext_lazy("municipality"),
    gettext_lazy("municipality number"),
    gettext_lazy("county"),
    gettext_lazy("other organisation"),
    gettext_lazy("role"),
    gettext_lazy("position or sector"),
    gettext_lazy("what they want to work on"),
    gettext_lazy("accessibility needs"),
    gettext_lazy("answers to extra questions"),
    gettext_lazy("submitted"),
    gettext_lazy("decided"),
    gettext_lazy("held for review"),
    gettext_lazy("group"),
]


def application_rows(queryset):
    status_labels = dict(ApplicationStatus.choices)
    role_labels = dict(Role.choices)
    queryset = queryset.select_related("event", "municipality", "group")
    for a in queryset.iterator(chunk_size=settings.EXPORT_CHUNK_SIZE):
        m = a.municipality
        yield [
            a.pk,
            a.event.title,
            status_labels.get(a.status, a.status),
            a.full_name,
            a.email,
            a.phone,
            m.name if m else "",
            m.number if m else "",
            m.county if m else "",
            a.organisation,
            role_labels.get(a.role, a.role),
            a.position,
            a.interests,
            a.accessibility_needs,
            "; ".join(f"{k}: {v}" for k, v in (a.extra_answers or {}).items()),
            a.submitted_at,
            a.decided_at,
            a.held_for_review,
            str(a.group) if a.group_id else "",
        ]


def export_applications(queryset, spreadsheet_format, name="applications"):
    """The list as CSV or XLSX, through the package's streamed, formula-neutralising writers."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    header = [str(h) for h in EXPORT_HEADER]
    if spreadsheet_format == "csv":
        return csv_response(f"{name}-{stamp}.csv", header, application_rows(queryset))
    return xlsx_response(
        f"{name}-{stamp}.xlsx", [(_("Applications"), header, application_rows(queryset))]
    )


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


# -- decisions ---------------------------------------------------------------


class _Rollback(Exception):
    pass


def preview_decision(event, ids, new_status):
    """What ``decide`` would do now: run it in a transaction and roll back."""
    result = {}
    try:
        with transaction.atomic():
            changes, refusals = seats.decide(event, ids, new_status)
            result["changes"] = [
                {
                    "pk": c.application.pk,
                    "name": c.application.full_name,
                    "municipality": c.application.municipality,
                    "old": ApplicationStatus(c.old_status).label if c.old_status else "",
                    "new": ApplicationStatus(c.new_status).label,
                    "promotion": c.reason == "promotion",
                }
                for c in changes
            ]
            result["refusals"] = [
                {"pk": r.application.pk, "name": r.application.full_name, "message": r.message}
                for r in refusals
            ]
            raise _Rollback
    except _Rollback:
        pass
    return result


@require_http_methods(["GET", "HEAD", "POST"])
def decide_view(request):
    require_decide(request.user)
    fallback = reverse(ApplicationModelAdmin().url_helper.get_action_url_name("index"))
    next_url = safe_next(request, fallback)
    if request.method != "POST":  # the login page sends an organiser back here with a GET
        return redirect(next_url)
    form = DecideForm(request.POST, decisions=DECISIONS)
    if not form.is_valid() or not form.cleaned_data["selected"]:
        messages.error(request, _("Choose one or more applications and a decision."))
        return redirect(next_url)
    new_status, ids = form.cleaned_data["decision"], form.cleaned_data["selected"]

    by_event = defaultdict(list)
    for pk, event_id in Application.objects.filter(pk__in=ids).values_list("pk", "event_id"):
        by_event[event_id].append(pk)
    events = {event_id: get_event_or_404(event_id) for event_id in by_event}

    if not form.cleaned_data["confirm"]:
        plans = []
        for event_id, event_ids in by_event.items():
            plan = preview_decision(events[event_id], event_ids, new_status)
            plan.update(event=events[event_id], counts=event_counts(events[event_id]))
            unchanged = (
                len(event_ids) - len([c for c in plan["changes"] if not c["promotion"]])
                - len(plan["refusals"])
            )
            plan["unchanged"] = unchanged
            plans.append(plan)
        return TemplateResponse(
            request,
            "wagtail_klimakronsj/admin/decide_confirm.html",
            {
                "plans": plans,
                "ids": ids,
                "decision": new_status,
                "decision_label": DECISIONS[new_status],
                "next": next_url,
            },
        )

    changed = 0
    for event_id, event_ids in by_event.items():
        changes, refusals = decide(
            events[event_id], event_ids, new_status, request.user, request=request
        )
        changed += len(changes)
        for refusal in refusals:
            messages.warning(
                request,
                _("%(name)s: %(reason)s")
                % {"name": refusal.application.full_name, "reason": refusal.message},
            )
    messages.success(
        request,
        ngettext("%(count)s application changed.", "%(count)s applications changed.", changed)
        % {"count": changed},
    )
    return redirect(next_url)


# -- the event's desk: counts, pool, fair selection --------------------------


def desk_home(request):
    """Events with applications and their counts (names only behind the permission)."""
    Page = get_page_model()
    events = list(
        Page.objects.filter(content_type__in=_event_content_types())
        .order_by("-first_published_at", "-pk")
        .specific()
    )
    counts = {
        row["event_id"]: row
        for row in Application.objects.values("event_id").annotate(
            **{
                status: _count_status(status)
                for status in ApplicationStatus.values
            }
        )
    }
    user = request.user
    full = can_view_personal_data(user)
    rows = []
    for page in events:
        if not full and not page.permissions_for_user(user).can_edit():
            continue
        row = counts.get(page.pk, {})
        rows.append({"page": page, **{s: row.get(s, 0) for s in ApplicationStatus.values}})
    if not rows and not full:
        raise PermissionDenied
    return render(
        request,
        "wagtail_klimakronsj/admin/desk_home.html",
        {"rows": rows, "list_url": _list_url()},
        title=_("Workshop desk"),
    )


def _count_status(status):
    from django.db.models import Count, Q

    return Count("pk", filter=Q(status=status))


def _event_content_types():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_models(*event_page_models()).values()


def _list_url(event=None):
    url = reverse(ApplicationModelAdmin().url_helper.get_action_url_name("index"))
    return f"{url}?event={event.pk}" if event else url


def event_view(request, event_id):
    """Seat counts of one event: for page editors too (no names)."""
    event = get_event_or_404(event_id)
    if not can_see_counts(request.user, event):
        raise PermissionDenied
    return render(
        request,
        "wagtail_klimakronsj/admin/event.html",
        {"event": event, "counts": event_counts(event), "list_url": _list_url(event)},
        title=_("Seats"),
    )


def pool_view(request, event_id):
    """The applicant pool by county, municipality and role, and a fair-selection proposal."""
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    rows = selection.pool_overview(event.pk)
    counties, roles = selection.summarise_pool(rows)
    proposal = None
    form = {"per_municipality": "", "balance_roles": True, "seats": ""}
    errors = []
    settings_form = PoolForm(request.GET)
    if request.GET.get("propose"):
        valid = settings_form.is_valid()
        form.update(
            balance_roles=settings_form.cleaned_data.get("balance_roles", False),
            per_municipality=settings_form["per_municipality"].value() or "",
            seats=settings_form["seats"].value() or "",
        )
        errors = [e for field in settings_form.errors.values() for e in field]
        if valid:
            proposal = selection.propose_selection(
                event,
                per_municipality=settings_form.cleaned_data["per_municipality"],
                balance_roles=settings_form.cleaned_data["balance_roles"],
                seats=settings_form.cleaned_data["seats"],
            )
    return render(
        request,
        "wagtail_klimakronsj/admin/pool.html",
        {
            "event": event,
            "counts": event_counts(event),
            "rows": rows,
            "counties": counties,
            "roles": roles,
            "proposal": proposal,
            "form": form,
            "errors": errors,
            "can_decide": can_decide(request.user),
            "skip_reasons": {
                "held": _("held for review"),
                "cap": _("municipality limit reached"),
                "no_seat": _("no seat left in the proposal"),
            },
        },
        title=_("Applicant pool and fair selection"),
    )


# -- groups --------------------------------------------------------------------


def groups_view(request, event_id):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    errors = {}
    if request.method == "POST":
        require_decide(request.user)
        action = request.POST.get("action")
        handler = GROUP_ACTIONS.get(action)
        if handler is None:
            messages.error(request, _("Unknown action."))
        else:
            response = handler(request, event, errors)
            if response is not None:
                return response
        if not errors:
            return redirect(reverse(f"{NAMESPACE}:groups", args=[event.pk]))
    groups, unassigned = group_context(event)
    if errors:
        for group in groups:
            group.facilitator_name = request.POST.get(f"facilitator_name-{group.pk}", "")
            group.facilitator_email = request.POST.get(f"facilitator_email-{group.pk}", "")
            group.email_error = errors.get(f"facilitator_email-{group.pk}", "")
            group.name_error = errors.get(f"facilitator_name-{group.pk}", "")
    confirmed = any(g.confirmed_at for g in groups)
    return render(
        request,
        "wagtail_klimakronsj/admin/groups.html",
        {
            "event": event,
            "counts": event_counts(event),
            "groups": groups,
            "unassigned": unassigned,
            "confirmed": confirmed,
            "errors": errors,
            "can_decide": can_decide(request.user),
            "sizes_note": _sizes_note(sum(len(g.member_list) for g in groups) + len(unassigned)),
        },
        title=_("Groups"),
        status=400 if errors else 200,
    )


def _sizes_note(count):
    sizes = grouping.group_sizes(count)
    if not sizes or grouping.sizes_are_regular(sizes):
        return ""
    if count < grouping.MIN_SIZE:
        return _(
            "%(count)s accepted participants are fewer than one group of 5: they make one small group."
        ) % {"count": count}
    return _(
        "%(count)s participants cannot be split into groups of 5–6 only: the proposal makes "
        "%(groups)s groups of %(sizes)s. Move people by hand to split them differently."
    ) % {"count": count, "groups": len(sizes), "sizes": ", ".join(str(s) for s in sizes)}


def _group_propose(request, event, errors):
    try:
        groups = propose_groups(event)
    except ValueError:
        messages.error(request, _("The groups are confirmed. Undo the confirmation first."))
        return None
    messages.success(
        request,
        ngettext("Proposed %(count)s group.", "Proposed %(count)s groups.", len(groups))
        % {"count": len(groups)},
    )
    return None


def _group_save(request, event, errors):
    groups = {g.pk: g for g in ParticipantGroup.objects.filter(event_id=event.pk)}
    if any(g.confirmed_at for g in groups.values()):
        messages.error(request, _("The groups are confirmed. Undo the confirmation first."))
        return None
    validate = EmailValidator()
    for group in groups.values():
        name = request.POST.get(f"facilitator_name-{group.pk}", "").strip()[:200]
        email = request.POST.get(f"facilitator_email-{group.pk}", "").strip()
        try:
            reject_unsafe_characters(name)
        except ValidationError as error:
            errors[f"facilitator_name-{group.pk}"] = error.messages[0]
        if email:
            try:
                validate(email)
            except ValidationError:
                errors[f"facilitator_email-{group.pk}"] = _("Enter a valid email address.")
        group.facilitator_name, group.facilitator_email = name, email
    if errors:
        return None
    with transaction.atomic():
        for group in groups.values():
            group.save(update_fields=["facilitator_name", "facilitator_email"])
        new_group = None
        moves = defaultdict(list)
        for application in accepted_applications(event):
            value = request.POST.get(f"group-{application.pk}")
            if value is None:
                continue
            if value == "new":
                if new_group is None:
                    number = max([g.number for g in groups.values()], default=0) + 1
                    new_group = ParticipantGroup.objects.create(event_id=event.pk, number=number)
                target = new_group.pk
            else:
                target = read_id(value, ParticipantGroup)
                target = target if target in groups else None
            if target != application.group_id:
                moves[target].append(application.pk)
        for target, ids in moves.items():
            Application.objects.filter(pk__in=ids).update(group_id=target)
        ParticipantGroup.objects.filter(event_id=event.pk, members__isnull=True).delete()
    messages.success(request, _("Groups saved."))
    return None


def _group_confirm(request, event, errors):
    updated = ParticipantGroup.objects.filter(
        event_id=event.pk, confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    if updated:
        messages.success(request, _("Groups confirmed."))
    return None


def _group_reopen(request, event, errors):
    ParticipantGroup.objects.filter(event_id=event.pk).update(confirmed_at=None)
    messages.success(request, _("The groups can be changed again."))
    return None


def _group_email(request, event, errors):
    if not ParticipantGroup.objects.filter(event_id=event.pk, confirmed_at__isnull=False).exists():
        messages.error(request, _("Confirm the groups before emailing them."))
        return None
    count = record_group_emails(event)
    messages.success(
        request,
        ngettext("%(count)s email queued.", "%(count)s emails queued.", count) % {"count": count},
    )
    return None


GROUP_ACTIONS = {
    "propose": _group_propose,
    "save": _group_save,
    "confirm": _group_confirm,
    "reopen": _group_reopen,
    "email": _group_email,
}


def groups_export(request, event_id, fmt):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    header = [
        _("group number"), _("group"), _("facilitator"), _("facilitator's email"),
        _("full name"), _("email"), _("municipality"), _("county"), _("role"),
    ]
    name = f"groups-{slugify(event.title) or event.pk}"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, group_rows(event))
    return xlsx_response(f"{name}.xlsx", [(_("Groups"), header, group_rows(event))])


# -- attendance ------------------------------------------------------------------


def _attendance_context(event):
    sessions = list(event.sessions)
    participants = list(accepted_applications(event).order_by("full_name", "pk"))
    present = set(
        Attendance.objects.filter(
            application__event_id=event.pk, present=True
        ).values_list("application_id", "session_id")
    )
    rows = [
        {
            "application": a,
            "cells": [{"session": s, "present": (a.pk, s.pk) in present} for s in sessions],
        }
        for a in participants
    ]
    return sessions, participants, rows


def attendance_view(request, event_id):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    sessions, participants, rows = _attendance_context(event)
    if request.method == "POST":
        require_decide(request.user)
        records = []
        for session in sessions:
            checked = set(request.POST.getlist(f"present-{session.pk}"))
            for a in participants:
                records.append(
                    Attendance(application=a, session=session, present=str(a.pk) in checked)
                )
        Attendance.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=["application", "session"],
            update_fields=["present", "recorded_at"],
        )
        messages.success(request, _("Attendance saved."))
        return redirect(reverse(f"{NAMESPACE}:attendance", args=[event.pk]))
    return render(
        request,
        "wagtail_klimakronsj/admin/attendance.html",
        {"event": event, "sessions": sessions, "rows": rows, "can_decide": can_decide(request.user)},
        title=_("Attendance"),
    )


def attendance_export(request, event_id, fmt):
    require_personal_data(request.user)
    event = get_event_or_404(event_id)
    sessions, _participants, rows = _attendance_context(event)
    header = [_("full name"), _("email"), _("municipality"), _("role"), _("group")] + [
        str(s) for s in sessions
    ] + [_("signature")]
    role_labels = dict(Role.choices)

    def body():
        for row in rows:
            a = row["application"]
            yield [
                a.full_name,
                a.email,
                a.municipality.name if a.municipality_id else a.organisation,
                role_labels.get(a.role, a.role),
                str(a.group) if a.group_id else "",
                *[_("present") if c["present"] else "" for c in row["cells"]],
                "",
            ]

    name = f"attendance-{slugify(event.title) or event.pk}"
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if fmt == "csv":
        return csv_response(f"{name}.csv", header, body())
    return xlsx_response(f"{name}.xlsx", [(_("Attendance"), header, body())])


# -- access and erasure requests ------------------------------------------------------


def personal_data_view(request):
    require_personal_data(request.user)
    form = PersonalDataForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return render(
            request,
            "wagtail_klimakronsj/admin/personal_data.html",
            {"email": "", "form": form, "can_decide": can_decide(request.user)},
            title=_("Personal data requests"),
            status=400,
        )
    email = form.cleaned_data["email"]
    applications = []
    if email:
        applications = list(
            personal_data.applications_for_email(email).select_related("event", "municipality")
        )
    if request.method == "POST":
        action = form.cleaned_data["action"]
        if not email or not applications:
            messages.error(request, _("No applications are stored for this email address."))
        elif action == "export":
            data = personal_data.collect(email)
            personal_data.log_export(email, request.user, len(data["applications"]))
            response = JsonResponse(
                data, json_dumps_params={"ensure_ascii": False, "indent": 2}
            )
            response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
            return response
        elif action == "erase":
            require_decide(request.user)
            if form.cleaned_data["confirm"]:
                count = personal_data.erase(email, user=request.user)
                messages.success(
                    request,
                    ngettext(
                        "Erased the personal data of %(count)s application.",
                        "Erased the personal data of %(count)s applications.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(reverse(f"{NAMESPACE}:personal_data"))
            return render(
                request,
                "wagtail_klimakronsj/admin/personal_data.html",
                {"email": email, "applications": applications, "confirm_erase": True},
                title=_("Personal data requests"),
            )
    return render(
        request,
        "wagtail_klimakronsj/admin/personal_data.html",
        {
            "email": email,
            "applications": applications,
            "searched": bool(email),
            "can_decide": can_decide(request.user),
        },
        title=_("Personal data requests"),
    )


# -- registration --------------------------------------------------------------


def _wrap(view):
    from wagtail.admin.auth import require_admin_access

    return require_admin_access(view)


desk_urlpatterns = [
    path("", _wrap(desk_home), name="home"),
    path("decide/", _wrap(decide_view), name="decide"),
    path("personal-data/", _wrap(personal_data_view), name="personal_data"),
    path("events/<int:event_id>/", _wrap(event_view), name="event"),
    path("events/<int:event_id>/pool/", _wrap(pool_view), name="pool"),
    path("events/<int:event_id>/groups/", _wrap(groups_view), name="groups"),
    path(
        "events/<int:event_id>/groups/export/<str:fmt>/",
        _wrap(groups_export),
        name="groups_export",
    ),
    path("events/<int:event_id>/attendance/", _wrap(attendance_view), name="attendance"),
    path(
        "events/<int:event_id>/attendance/export/<str:fmt>/",
        _wrap(attendance_export),
        name="attendance_export",
    ),
]


@hooks.register("register_admin_urls")
def register_desk_urls():
    return [path("klimakronsj/", include((desk_urlpatterns, NAMESPACE), namespace=NAMESPACE))]


modeladmin_register(ApplicationModelAdmin)


@hooks.register("register_permissions")
def register_personal_data_permissions():
    # ModelAdmin registers the model's permissions too; this makes the two that guard
    # personal data explicit even if the list is ever unregistered.
    return Permission.objects.filter(
        content_type__app_label="wagtail_klimakronsj",
        codename__in=["view_personal_data", "decide_application"],
    )


class _DeskMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_personal_data(request.user)


@hooks.register("register_admin_menu_item")
def register_desk_menu_item():
    return _DeskMenuItem(
        gettext_lazy("Workshop desk"),
        reverse(f"{NAMESPACE}:home"),
        icon_name="group",
        order=251,
    )


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return _DeskMenuItem(
        gettext_lazy("Personal data requests"),
        reverse(f"{NAMESPACE}:personal_data"),
        icon_name="user",
        order=900,
    )


def _seats_button(page, user, priority):
    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, EventPageMixin):
        return
    if can_view_personal_data(user) or page.permissions_for_user(user).can_edit():
        yield Button(
            _("Seats and applications"),
            reverse(f"{NAMESPACE}:event", args=[page.pk]),
            icon_name="group",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def page_header_seats_button(page, user, view_name=None, next_url=None):
    yield from _seats_button(page, user, 80)


@hooks.register("register_page_listing_more_buttons")
def page_listing_seats_button(page, user, next_url=None):
    yield from _seats_button(page, user, 80)
