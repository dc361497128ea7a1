"""Access and erasure requests: find an email address's applications, export them as
JSON, or erase their personal data (``wagtail_klimakronsj.applications.personal_data``)."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.admin import messages

from ...applications import personal_data
from ..forms import PersonalDataForm
from ..permissions import can_decide, require_decide, require_personal_data
from .common import NAMESPACE, render


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
