"""Serving the application form page: the form, its POST, the receipt.

One request walks down in this file, as in Wagtail's ``FormMixin``::

    GET  -> serve() -> get_event() -> get_event_state() -> render_form() or render_closed()
    POST -> the same checks, then get_form() -> is_valid() -> check_rate_limits()
         -> process_form_submission() (workflow.submit) -> redirect to receipt/
         -> serve_receipt() -> render_landing_page()

Each step is a method a site can override. The form class is built for each request
from the page's questions, and the event is looked up with a query per request (its
``event_fields`` only). The database decides, under the event's lock, whether the
municipality chosen is active (``seats.apply``), so a POST asks it once.
"""

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail.url_routing import RouteResult

from .. import links
from ..assets import ASSETS, page_assets
from ..choices import EventStatus, SeatPolicy
from ..conf import settings
from ..events.models import event_page_models
from . import seats, spam, workflow
from .forms import build_form_class
from .models import Application, ApplicationFormPageData

RECEIPT_SALT = "wagtail_klimakronsj.receipt"


def form_nonce(form):
    """The one-time value of the form that was sent (``spam.make_form_token``)."""
    return str(form.token_data["n"])[:32]


class ApplicationFormPageMixin(ApplicationFormPageData):
    """The application form: core questions plus the editor's own questions."""

    #: The form page's template; ``get_template()`` tries the concrete class's own
    #: ``template`` first (Wagtail names it after the model), then this one.
    form_template = "wagtail_klimakronsj/pages/application_form_page.html"
    #: The receipt shown after applying (the ``receipt/`` sub-route).
    landing_page_template = "wagtail_klimakronsj/pages/application_form_page_landing.html"
    #: Shown instead of the form when the event takes no applications (closed, full, …).
    closed_template = "wagtail_klimakronsj/pages/application_form_page_closed.html"
    #: Shown when a rate limit refuses the application (HTTP 429).
    rate_limited_template = "wagtail_klimakronsj/pages/application_form_page_rate_limited.html"
    #: How long the receipt link (after the redirect) stays valid, in seconds.
    receipt_max_age = 24 * 3600
    #: The event's fields that this page, its templates and the submission read
    #: (``find_event`` loads only these; the new application's ``event`` is that
    #: object too). A field not listed still works, with one query the first time it
    #: is read: add the ones an overridden template shows.
    event_fields = (
        "title",
        "url_path",
        "locale",
        "content_type",
        "seat_limit",
        "seat_policy",
        "municipality_cap",
        "waiting_list",
        "confirm_email",
        "confirmation_hours",
        "applications_open_date",
        "applications_open_time",
        "application_deadline_date",
        "application_deadline_time",
        "organiser_emails",
    )

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        return [self.template, self.form_template]

    def get_landing_page_template(self, request, *args, **kwargs):
        return self.landing_page_template

    def get_closed_template(self, request, *args, **kwargs):
        return self.closed_template

    # -- the form -----------------------------------------------------------------

    def get_form_class(self):
        """The form class: the core questions plus this page's extra questions."""
        return build_form_class(self.get_form_fields())

    def get_form_parameters(self):
        return {}

    def get_form(self, *args, event=None, **kwargs):
        params = {"page": self, "event": event if event is not None else self.get_event()}
        params.update(self.get_form_parameters())
        params.update(kwargs)
        return self.get_form_class()(*args, **params)

    # -- the event ------------------------------------------------------------------

    def get_event(self):
        """The specific, live event page this form takes applications for, or None.

        Looked up once per page object (one request's), so its seats are counted anew."""
        if not self.event_id:
            return None
        if "_klimakronsj_event" not in self.__dict__:
            self.__dict__["_klimakronsj_event"] = self.find_event()
        return self.__dict__["_klimakronsj_event"]

    def find_event(self):
        """The live event page with the id ``event``, of the project's event page models
        (one query for the usual single model, its ``event_fields``), or None."""
        for model in event_page_models():
            content_type = ContentType.objects.get_for_model(model)
            events = model._default_manager.live().only(*self.event_fields)
            try:
                return events.get(content_type=content_type, pk=self.event_id)
            except model.DoesNotExist:
                continue
        return None

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
        own_state = type(self).get_event_state is not ApplicationFormPageMixin.get_event_state
        if (
            own_state
            or event.seat_policy != SeatPolicy.FIRST_COME
            or not event.applications_open(now)
        ):
            return self.get_event_state(event, now)
        return None

    def takes_applications(self, state):
        return state in (EventStatus.OPEN, EventStatus.WAITING_LIST)

    # -- serving --------------------------------------------------------------------

    def get_client_ip(self, request):
        return spam.client_ip(request)

    def get_base_template(self):
        return settings.BASE_TEMPLATE or "wagtail_klimakronsj/base.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["base_template"] = self.get_base_template()
        context[ASSETS] = page_assets()
        return context

    def route(self, request, path_components):
        if path_components == ["receipt"] and self.live:
            return RouteResult(self, kwargs={"klimakronsj_view": "receipt"})
        return super().route(request, path_components)

    def serve(self, request, *args, **kwargs):
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
        try:
            application, created = self.process_form_submission(form, request=request, event=event)
        except seats.NoSeatsLeft:
            return self.render_closed(request, event, state="full", status=409)
        except seats.MunicipalityNotOffered:
            field = form.fields["municipality"]
            form.add_error("municipality", field.error_messages["invalid_choice"])
            return self.render_form(request, form, event, state or self.get_event_state(event))
        except seats.FormAlreadyUsed:
            return self.render_form_used(request, form, event, state)
        if created:
            return self.redirect_to_receipt(application, "new")
        if application.form_nonce and application.form_nonce == form_nonce(form):
            # The same form sent twice (a double click): show the first one's receipt.
            return self.redirect_to_receipt(application, "new")
        workflow.send_manage_link(application, request=request, key=form.token_data["n"])
        return self.redirect_to_receipt(application, "duplicate")

    def check_rate_limits(self, request, form):
        """The exceeded limit ("ip" or "email"), or None. Counts this attempt."""
        return spam.within_rate_limits(
            request, form.cleaned_data["email"], ip=self.get_client_ip(request)
        )

    def process_form_submission(self, form, *, request=None, event=None):
        """Store the application through the workflow; returns ``(application, created)``."""
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

    # -- responses ------------------------------------------------------------------

    def get_receipt_url(self, application, kind="new", request=None):
        token = signing.dumps({"a": application.pk, "k": kind}, salt=RECEIPT_SALT)
        return self.get_url(request) + "receipt/?" + urlencode({"t": token})

    def redirect_to_receipt(self, application, kind):
        return HttpResponseRedirect(self.get_receipt_url(application, kind))

    def render_form(self, request, form, event, state, status=200):
        context = self.get_context(request)
        context.update(self.get_form_context(request, form, event, state))
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def get_form_context(self, request, form, event, state):
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
        context = self.get_context(request)
        context.update({"event": event, "limit_scope": scope})
        return TemplateResponse(request, self.rate_limited_template, context, status=429)

    # -- the receipt ------------------------------------------------------------------

    def serve_receipt(self, request):
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
            context["time_zone"] = settings.TIME_ZONE
        response = TemplateResponse(
            request,
            self.get_landing_page_template(request),
            context,
            status=200 if application is not None else 400,
        )
        return links.private_response(response)


class AbstractApplicationFormPage(ApplicationFormPageMixin, Page):
    content_panels = Page.content_panels + ApplicationFormPageMixin.content_panels

    class Meta:
        abstract = True
