import copy
import uuid

from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractFormField
from wagtail.fields import RichTextField
from wagtail.models import Page

from ..assets import ASSETS, page_assets
from ..choices import ApplicationStatus, Role
from ..compat import PAGE_MODEL
from ..conf import settings as klimakronsj_settings

RECEIPT_SALT = "wagtail_klimakronsj.receipt"

#: Event page id -> its content type id, learnt once per process (a page keeps its
#: type), so ``get_event()`` loads the specific page in one query.
_EVENT_PAGE_TYPES = {}

#: What this process keeps between requests, each entry named by what it depends on:
#: form classes per form page version, loaded event pages per (event, ``event_version``).
#: Small and cleared when full (a site has a handful of live forms).
_FORM_CLASSES = {}
_EVENTS = {}
_PROCESS_CACHE_SIZE = 64


def _remember(store, key, value):
    if len(store) >= _PROCESS_CACHE_SIZE:
        store.clear()
    store[key] = value


def forget_form_classes(*args, **kwargs):
    """Receiver: an extra question was saved or deleted outside a page publication."""
    _FORM_CLASSES.clear()








class ApplicationFormPageMixin(models.Model):
    """The application form: core questions plus the editor's own questions."""

    event = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("event"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The event this form takes applications for."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    privacy_statement_url = models.URLField(
        _("privacy statement"),
        blank=True,
        help_text=_("Applicants must consent to this statement to apply."),
    )
    #: A new random value whenever the event page is saved or moved (``freshness``), so
    #: this process may reuse the event page it loaded under (event, event_version).
    event_version = models.CharField(max_length=32, blank=True, default="", editable=False)
    thank_you_text = RichTextField(
        _("text after applying"), blank=True, features=["bold", "italic", "link", "ul"]
    )

    content_panels = [
        FieldPanel("event"),
        FieldPanel("intro"),
        FieldPanel("privacy_statement_url"),
        InlinePanel("klimakronsj_form_fields", heading=_("Extra questions"), label=_("Question")),
        FieldPanel("thank_you_text"),
    ]

    #: The form page's template; ``get_template()`` tries the concrete class's own
    #: ``template`` first (Wagtail names it after the model), then this one.
    form_template = "wagtail_klimakronsj/pages/application_form_page.html"
    #: The receipt shown after applying (the ``receipt/`` sub-route).
    landing_page_template = "wagtail_klimakronsj/pages/application_form_page_landing.html"
    #: Shown instead of the form when the event takes no applications (closed, full, …).
    closed_template = "wagtail_klimakronsj/pages/application_form_page_closed.html"
    #: How long the receipt link (after the redirect) stays valid, in seconds.
    receipt_max_age = 24 * 3600

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.event_version:
            self.event_version = uuid.uuid4().hex
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "event_version"}
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        """A revision's content on this page, with the stored row's ``event_version``
        (a fact about the event page, not about the revision)."""
        page = super().with_content_json(content)
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk)
            page.event_version = stored.values_list("event_version", flat=True).first() or ""
        return page

    # -- the steps of serving the form; each one can be overridden ----------------
    #
    # GET  -> get_event() -> get_event_state() -> render_form() or render_closed()
    # POST -> the same checks, then get_form() -> is_valid() -> check_rate_limits()
    #         -> process_form_submission() -> redirect to receipt/ -> render_landing_page()

    def get_template(self, request, *args, **kwargs):
        return [self.template, self.form_template]

    def get_landing_page_template(self, request, *args, **kwargs):
        return self.landing_page_template

    def get_closed_template(self, request, *args, **kwargs):
        return self.closed_template

    def get_form_fields(self):
        """The editor's extra questions (Wagtail form-builder fields)."""
        return self.klimakronsj_form_fields.all()

    def get_form_class(self):
        """The form class: the core questions plus this page's extra questions.

        Built once per form page version in this process (the questions change only
        with a publication, which changes the page's row), unless the questions are in
        memory (a preview or a revision) or ``get_form_fields()`` is overridden."""
        from .. import caching
        from .forms import build_form_class

        in_memory = "klimakronsj_form_fields" in getattr(self, "_cluster_related_objects", {})
        own_fields = type(self).get_form_fields is not ApplicationFormPageMixin.get_form_fields
        if in_memory or own_fields or not caching.cacheable_page(self):
            return build_form_class(self.get_form_fields())
        key = (type(self), self.pk, caching.page_version(self, saved_content_only=True))
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = build_form_class(self.get_form_fields())
            _remember(_FORM_CLASSES, key, form_class)
        return form_class

    def get_form_parameters(self):
        return {}

    def get_form(self, *args, event=None, **kwargs):
        params = {"page": self, "event": event if event is not None else self.get_event()}
        params.update(self.get_form_parameters())
        params.update(kwargs)
        return self.get_form_class()(*args, **params)

    def get_event(self):
        """The specific, live event page this form takes applications for, or None."""
        if not self.event_id:
            return None
        if "_klimakronsj_event" not in self.__dict__:
            event = self._load_event()
            if event is not None and not hasattr(event, "get_status"):
                event = None
            self.__dict__["_klimakronsj_event"] = event
        return self.__dict__["_klimakronsj_event"]

    def _load_event(self):
        """The live event page, as loaded for the current ``event_version``.

        A process keeps the event page it loaded under (event id, ``event_version``),
        which every save of the event page renews (``freshness``); each request gets its
        own copy (the seats are counted anew on it). Otherwise one query once this
        process knows the event's page type, else two."""
        from .. import caching

        key = (self.event_id, self.event_version)
        cacheable = bool(self.event_version) and caching.enabled()
        if cacheable:
            kept = _EVENTS.get(key)
            if kept is not None:
                return copy.copy(kept)
        event = self._query_event()
        if cacheable and event is not None and hasattr(event, "get_status"):
            event.sessions  # noqa: B018  (read once, shared by the copies)
            _remember(_EVENTS, key, copy.copy(event))
        return event

    def _query_event(self):
        from django.contrib.contenttypes.models import ContentType

        from ..compat import get_page_model

        content_type_id = _EVENT_PAGE_TYPES.get(self.event_id)
        if content_type_id is not None:
            try:
                model = ContentType.objects.get_for_id(content_type_id).model_class()
                if model is not None:
                    return model._default_manager.get(
                        pk=self.event_id, live=True, content_type_id=content_type_id
                    )
            except ObjectDoesNotExist:
                pass  # unpublished, deleted, or another page now has this id
        event = get_page_model().objects.live().filter(pk=self.event_id).specific().first()
        if event is not None:
            _EVENT_PAGE_TYPES[self.event_id] = event.content_type_id
        return event

    def get_event_state(self, event, now=None):
        """The event's status (``EventStatus``) as it matters to this form."""
        return event.get_status(now)

    def get_post_state(self, event, now=None):
        """The event's status for a POST, or None when the seat decision settles it.

        A first-come event counts its seats again in ``seats.apply`` with the event row
        locked (accepted, waiting list, or ``NoSeatsLeft``), so a POST inside the
        application period does not count them first. With ``get_event_state()``
        overridden, that method decides as on a GET.
        """
        from ..events.models import SeatPolicy

        own_state = type(self).get_event_state is not ApplicationFormPageMixin.get_event_state
        if (
            own_state
            or event.seat_policy != SeatPolicy.FIRST_COME
            or not event.applications_open(now)
        ):
            return self.get_event_state(event, now)
        return None

    def takes_applications(self, state):
        from ..events.models import EventStatus

        return state in (EventStatus.OPEN, EventStatus.WAITING_LIST)

    def get_client_ip(self, request):
        from .spam import client_ip

        return client_ip(request)

    def get_base_template(self):
        from ..conf import settings

        return settings.BASE_TEMPLATE or "wagtail_klimakronsj/base.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = self.get_base_template()
        context[ASSETS] = page_assets()
        return context

    def route(self, request, path_components):
        if path_components == ["receipt"] and self.live:
            from wagtail.url_routing import RouteResult

            return RouteResult(self, kwargs={"klimakronsj_view": "receipt"})
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        if kwargs.pop("klimakronsj_view", None) == "receipt":
            return self.serve_receipt(request)
        event = self.get_event()
        if event is None:
            raise Http404("This form has no published event.")
        if request.method == "POST":
            state = self.get_post_state(event)
        else:
            state = self.get_event_state(event)
        if state is not None and not self.takes_applications(state):
            status = 409 if request.method == "POST" else 200
            return self.render_closed(request, event, state, status=status)
        if request.method == "POST":
            return self.serve_post(request, event, state)
        form = self.get_form(event=event, user=request.user)
        return self.render_form(request, form, event, state)

    def serve_post(self, request, event, state):
        form = self.get_form(request.POST, event=event, user=request.user)
        if not form.is_valid():
            if state is None:  # not counted yet (get_post_state)
                state = self.get_event_state(event)
                if not self.takes_applications(state):
                    return self.render_closed(request, event, state, status=409)
            return self.render_form(request, form, event, state)
        limited = self.check_rate_limits(request, form)
        if limited:
            return self.render_rate_limited(request, event, limited)
        from .seats import FormAlreadyUsed, MunicipalityNotOffered, NoSeatsLeft

        try:
            application, created = self.process_form_submission(form, request=request, event=event)
        except NoSeatsLeft:
            return self.render_closed(request, event, state="full", status=409)
        except MunicipalityNotOffered:
            field = form.fields["municipality"]
            form.add_error("municipality", field.error_messages["invalid_choice"])
            return self.render_form(request, form, event, state or self.get_event_state(event))
        except FormAlreadyUsed:
            return self.render_form_used(request, form, event, state)
        if created:
            return self.redirect_to_receipt(application, "new")
        if application.form_nonce and application.form_nonce == form_nonce(form):
            # The same form sent twice (a double click): show the first one's receipt.
            return self.redirect_to_receipt(application, "new")
        from . import workflow

        workflow.send_manage_link(application, request=request, key=form.token_data["n"])
        return self.redirect_to_receipt(application, "duplicate")

    def check_rate_limits(self, request, form):
        """The exceeded limit ("ip" or "email"), or None. Counts this attempt."""
        from .spam import within_rate_limits

        return within_rate_limits(
            request, form.cleaned_data["email"], ip=self.get_client_ip(request)
        )

    def process_form_submission(self, form, *, request=None, event=None):
        """Store the application through the workflow; returns ``(application, created)``."""
        from . import workflow

        event = event if event is not None else self.get_event()
        reasons = form.hold_reasons()
        fields = {**form.application_fields(), "form_nonce": form_nonce(form)}
        application, created, _changes = workflow.submit(
            event,
            self,
            fields,
            request,
            held_for_review=bool(reasons),
            hold_reason="; ".join(reasons)[:200],
        )
        return application, created

    # -- responses ------------------------------------------------------------

    def get_receipt_url(self, application, kind="new", request=None):
        from django.core import signing
        from django.utils.http import urlencode

        token = signing.dumps({"a": application.pk, "k": kind}, salt=RECEIPT_SALT)
        return self.get_url(request) + "receipt/?" + urlencode({"t": token})

    def redirect_to_receipt(self, application, kind):
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(self.get_receipt_url(application, kind))

    def render_form(self, request, form, event, state, status=200):
        from django.template.response import TemplateResponse

        context = self.get_context(request)
        context.update(self.get_form_context(request, form, event, state))
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def get_form_context(self, request, form, event, state):
        from ..events.models import EventStatus

        return {
            "form": form.prepare_for_render(),
            "event": event,
            "event_state": state,
            "waiting_list_only": state == EventStatus.WAITING_LIST,
            "form_action": self.get_url(request),
            "fieldsets": form.get_fieldsets(),
        }

    def render_form_used(self, request, form, event, state):
        """This form already sent an application for another address (409): one form
        serves one application. The answers come back with a fresh form, so a person
        applying for a colleague from the same page sends them again with one click."""
        form.add_error(
            None,
            _(
                "This form has already been used to send an application. Check the "
                "answers and send them again to apply for this person."
            ),
        )
        form.data = form.data.copy()
        # A fresh token with the original start time: the answers were filled in then.
        form.data["form_token"] = form.new_token(started=form.token_data["t"])
        return self.render_form(
            request, form, event, state or self.get_event_state(event), status=409
        )

    def render_closed(self, request, event, state, status=200):
        from django.template.response import TemplateResponse

        context = self.get_context(request)
        context.update(
            {
                "event": event,
                "event_state": state,
                "posted": request.method == "POST",
            }
        )
        return TemplateResponse(request, self.get_closed_template(request), context, status=status)

    def render_rate_limited(self, request, event, scope):
        from django.template.response import TemplateResponse

        context = self.get_context(request)
        context.update({"event": event, "limit_scope": scope})
        return TemplateResponse(
            request,
            "wagtail_klimakronsj/pages/application_form_page_rate_limited.html",
            context,
            status=429,
        )

    def serve_receipt(self, request):
        from django.core import signing
        from django.http import Http404

        if request.method not in ("GET", "HEAD"):
            raise Http404
        try:
            data = signing.loads(
                request.GET.get("t", ""), salt=RECEIPT_SALT, max_age=self.receipt_max_age
            )
            application = (
                Application.objects.select_related("municipality")
                .filter(pk=int(data["a"]), form_page_id=self.pk)
                .first()
            )
            kind = data["k"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            application, kind = None, None
        return self.render_landing_page(request, application, kind=kind)

    def render_landing_page(self, request, form_submission=None, *args, kind=None, **kwargs):
        """The receipt: the new application's status, or "you had already applied"."""
        from django.template.response import TemplateResponse

        from .. import links
        from . import seats

        context = self.get_context(request)
        application = form_submission
        context.update(
            {
                "application": application if kind == "new" else None,
                "receipt_kind": kind if application is not None else "invalid",
                "event": self.get_event(),
            }
        )
        if application is not None and kind == "new":
            context["waiting_list_position"] = seats.waiting_list_position(
                application, context["event"]
            )
            context["manage_url"] = links.manage_url(application, request=request)
            context["time_zone"] = klimakronsj_settings.TIME_ZONE
        response = TemplateResponse(
            request,
            self.get_landing_page_template(request),
            context,
            status=200 if application is not None else 400,
        )
        return links.private_response(response)


def form_nonce(form):
    """The one-time value of the form that was sent (``spam.make_form_token``)."""
    return str(form.token_data["n"])[:32]


class AbstractApplicationFormPage(ApplicationFormPageMixin, Page):
    content_panels = Page.content_panels + ApplicationFormPageMixin.content_panels

    class Meta:
        abstract = True


class ApplicationFormField(AbstractFormField):
    """An extra question an editor adds to one application form (Wagtail's form builder)."""

    page = ParentalKey(PAGE_MODEL, on_delete=models.CASCADE, related_name="klimakronsj_form_fields")

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("field_type", classname="formbuilder-type"),
        FieldPanel("choices", classname="formbuilder-choices"),
        FieldPanel("default_value", classname="formbuilder-default"),
    ]


class Application(models.Model):
    """One person's application for a seat at one event."""

    #: Personal data: kept out of Wagtail's reference index ("usage" counts), which
    #: also saves four queries per submission.
    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="klimakronsj_applications",
        db_index=False,  # the indexes in Meta start with the event
    )
    form_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    email_key = models.CharField(
        max_length=254, blank=True, editable=False, help_text="Normalised email, for duplicates."
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        "wagtail_klimakronsj.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organisation = models.CharField(
        _("other organisation"),
        max_length=200,
        blank=True,
        help_text=_("For applicants not from a municipality: county council, agency, …"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.CharField(_("position or sector"), max_length=200, blank=True)
    interests = models.TextField(
        _("what they want to work on"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"), blank=True, validators=[MaxLengthValidator(1000)]
    )
    extra_answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    held_for_review = models.BooleanField(
        _("held for review"),
        default=False,
        help_text=_("Looked like spam: never accepted automatically."),
    )
    hold_reason = models.CharField(_("why held"), max_length=200, blank=True)
    #: The one-time value of the form that sent it (``spam.make_form_token``): unique per
    #: event, so one form serves one application (``seats.apply`` checks it under the
    #: event's lock).
    form_nonce = models.CharField(max_length=32, blank=True, default="", editable=False)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    confirm_by = models.DateTimeField(
        _("confirm by"),
        null=True,
        blank=True,
        help_text=_("An unconfirmed seat is released at this time."),
    )
    group = models.ForeignKey(
        "wagtail_klimakronsj.ParticipantGroup",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    email_status = models.CharField(_("email delivery"), max_length=30, blank=True)
    email_status_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    #: The submission's emails (receipt, organiser's notice) not yet in the outbox: what
    #: their text depends on (``notifications.render_context``). Stored with the
    #: application in the same INSERT; the event's mail task writes the outbox rows and
    #: clears it (``workflow.write_submission_mail``). None once written.
    pending_mail = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(email_key=""),
                name="klimakronsj_one_application_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "form_nonce"],
                condition=~Q(form_nonce=""),
                name="klimakronsj_one_application_per_form",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "submitted_at"], name="klimakronsj_app_queue"),
            # the desk's list in its default order: its first page is read from the index
            models.Index(fields=["submitted_at", "id"], name="klimakronsj_app_submitted"),
            models.Index(
                fields=["event"],
                condition=Q(pending_mail__isnull=False),
                name="klimakronsj_app_mail_due",
            ),
            models.Index(
                fields=["confirm_by"],
                condition=Q(status="unconfirmed"),
                name="klimakronsj_app_unconfirmed",
            ),
        ]
        permissions = [
            ("view_personal_data", _("Can see applicants' personal data")),
            ("decide_application", _("Can accept, waitlist and decline applications")),
        ]

    def __str__(self):
        if self.erased_at:
            return _("Erased application #%(pk)s") % {"pk": self.pk}
        return f"{self.full_name} <{self.email}>"

    def save(self, *args, **kwargs):
        if not self.erased_at:
            self.email_key = self.normalise_email(self.email)
        super().save(*args, **kwargs)

    @staticmethod
    def normalise_email(email):
        return (email or "").strip().lower()


class Attendance(models.Model):
    """Whether an accepted participant attended one session."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        "wagtail_klimakronsj.EventSession", on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "session"], name="klimakronsj_one_attendance_per_session"
            )
        ]

    def __str__(self):
        return f"{self.application_id} @ {self.session_id}: {self.present}"
