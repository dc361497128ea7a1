"""The applicant's own page, reached through the signed link in every email.

Status (with the place on the waiting list), the answers given, and withdrawal.
A changed link gets a clear 400 page, an expired one a 410 page that offers a new
link (sent to the address on the application, never shown), never a 500.
"""

from django import forms
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .. import links
from ..choices import ApplicationStatus, EventStatus
from ..compat import get_page_model
from ..conf import settings
from . import seats, spam, workflow
from .models import Application

APPLICANT_TEMPLATE = "wagtail_klimakronsj/pages/applicant.html"
LINK_PROBLEM_TEMPLATE = "wagtail_klimakronsj/pages/applicant_link_problem.html"

WITHDRAWABLE = (
    ApplicationStatus.PENDING,
    ApplicationStatus.UNCONFIRMED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
)
CONFIRM_TEMPLATE = "wagtail_klimakronsj/pages/applicant_confirm.html"
#: What a confirmation link can still confirm: a held seat, a place on the waiting list,
#: an application awaiting the organiser's decision.
CONFIRMABLE = (
    ApplicationStatus.UNCONFIRMED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.PENDING,
)


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Yes, withdraw my application. A seat I have goes to the next on the waiting list."
        ),
    )


def _base_context():
    return {"base_template": settings.BASE_TEMPLATE or "wagtail_klimakronsj/base.html"}


def link_problem(request, problem, *, status, token=None, application=None):
    context = _base_context()
    context.update({"problem": problem, "token": token, "application": application})
    response = TemplateResponse(request, LINK_PROBLEM_TEMPLATE, context, status=status)
    return links.private_response(response)


def answers_for(application, form_fields):
    """``[(label, value)]`` of the core and the extra answers, for the page."""
    rows = [
        (_("Full name"), application.full_name),
        (_("Email address"), application.email),
        (_("Phone"), application.phone),
        (_("Municipality"), application.municipality or ""),
        (_("Other organisation"), application.organisation),
        (_("Role"), application.get_role_display()),
        (_("Position or sector"), application.position),
        (_("What do you want to work on?"), application.interests),
        (_("Accessibility needs"), application.accessibility_needs),
    ]
    labels = {f.clean_name: f.label for f in form_fields}
    for name, value in (application.extra_answers or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        rows.append((labels.get(name, name), value))
    return [(label, value) for label, value in rows if value not in ("", None)]


def _load(token):
    application_id = links.read_manage_token(token)
    application = (
        Application.objects.select_related("municipality").filter(pk=application_id).first()
    )
    if application is None:
        raise links.LinkInvalid()
    return application


@require_http_methods(["GET", "HEAD", "POST"])
def applicant_page(request, token):
    try:
        application = _load(token)
    except links.LinkExpired:
        return link_problem(request, "expired", status=410, token=token)
    except links.LinkInvalid:
        return link_problem(request, "invalid", status=400)
    if application.erased_at:
        return link_problem(request, "erased", status=410)
    event = get_page_model().objects.filter(pk=application.event_id).specific().first()
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    can_withdraw = application.status in WITHDRAWABLE and (
        event is None or event.get_status() != EventStatus.PAST
    )
    if request.method == "POST" and can_withdraw and form.is_valid():
        workflow.withdraw(application, request=request)
        return HttpResponseRedirect(request.path + "?withdrawn=1")
    form_page = (
        get_page_model().objects.filter(pk=application.form_page_id).specific().first()
        if application.form_page_id
        else None
    )
    form_fields = []
    if form_page is not None and hasattr(form_page, "get_form_fields"):
        form_fields = list(form_page.get_form_fields())
    context = _base_context()
    context.update(
        {
            "application": application,
            "event": event,
            "status_label": ApplicationStatus(application.status).label,
            "waiting_list_position": seats.waiting_list_position(application, event),
            "answers": answers_for(application, form_fields),
            "withdraw_form": form if can_withdraw else None,
            "just_withdrawn": request.GET.get("withdrawn") == "1"
            and application.status == ApplicationStatus.WITHDRAWN,
            "time_zone": settings.TIME_ZONE,
        }
    )
    return links.private_response(TemplateResponse(request, APPLICANT_TEMPLATE, context))


def _own_page(token):
    """A redirect to the applicant's page (``token`` is signed: only ASCII)."""
    return HttpResponseRedirect(reverse("wagtail_klimakronsj:applicant", args=[token]))


@require_http_methods(["GET", "HEAD", "POST"])
def renew_link(request, token):
    """An expired link asks for a new one (POST): it goes to the address on the
    application, and the answer is a redirect to ``?sent=1`` here (POST/redirect/GET),
    which says so; reloading that page sends nothing. Without ``sent`` a GET leads to
    the applicant's page (the expired link's page with the button)."""
    try:
        _load(token)
        return _own_page(token)
    except links.LinkExpired as expired:
        application = Application.objects.filter(pk=expired.application_id).first()
    except links.LinkInvalid:
        return link_problem(request, "invalid", status=400)
    if application is None or application.erased_at:
        return link_problem(request, "invalid", status=400)
    if request.method != "POST":
        if request.GET.get("sent") == "1":
            return link_problem(request, "renewed", status=200)
        return _own_page(token)
    if not spam.hit("renew", application.pk, settings.RATE_LIMIT_PER_EMAIL):
        return link_problem(request, "rate_limited", status=429)
    workflow.send_manage_link(application, request=request)
    return links.private_response(HttpResponseRedirect(request.path + "?sent=1"))


class ConfirmEmailForm(forms.Form):
    """Only the button: a GET of the link changes nothing (mail scanners open links)."""


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, token):
    """The link in the receipt: a button that confirms the applicant's address (POST)."""
    try:
        application = Application.objects.filter(pk=links.read_confirm_token(token)).first()
    except links.LinkInvalid:
        application = None
    if application is None:
        return link_problem(request, "invalid", status=400)
    if application.erased_at:
        return link_problem(request, "erased", status=410)
    can_confirm = not application.email_confirmed_at and application.status in CONFIRMABLE
    if request.method == "POST" and can_confirm and ConfirmEmailForm(request.POST).is_valid():
        workflow.confirm_email(application, request=request)
        return HttpResponseRedirect(request.path + "?confirmed=1")
    event = get_page_model().objects.filter(pk=application.event_id).specific().first()
    context = _base_context()
    context.update(
        {
            "application": application,
            "event": event,
            "can_confirm": can_confirm,
            "just_confirmed": request.GET.get("confirmed") == "1",
            "status_label": ApplicationStatus(application.status).label,
            "waiting_list_position": seats.waiting_list_position(application, event),
            "manage_url": links.manage_path(application),
            "time_zone": settings.TIME_ZONE,
        }
    )
    return links.private_response(TemplateResponse(request, CONFIRM_TEMPLATE, context))
