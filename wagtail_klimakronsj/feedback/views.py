""""Did you find what you were looking for?": the form, and the view that stores an answer.

Works without JavaScript (a plain POST, then a redirect back to the page with a thank-you),
stores no personal data (the IP address is only used, hashed, as a cache key for the
rate limit), and ignores submissions that fill the hidden honeypot field.

The form carries no CSRF token, so the pages that show it set no cookie and can be
cached whole (by the page cache here, or a proxy in front). A token protects what a
visitor's browser may do on their behalf; an anonymous answer acts on no one's behalf,
and anyone may post one directly. What a token would still stop, another site making
its visitors' browsers post answers (to get around the per-address limit), is stopped
by the browser's own headers: a POST that ``Sec-Fetch-Site`` or ``Origin`` marks as
coming from another site is refused (``is_cross_site``).
"""

from django.conf import settings as django_settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..applications.spam import hit
from ..compat import get_page_model
from ..conf import settings
from .forms import ANCHOR, THANKS_PARAMETER, FeedbackForm
from .models import PageFeedback


def client_ip(request):
    """The client address Django sees. Behind a proxy, set REMOTE_ADDR in the proxy setup."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_rate_limit(request):
    """Count this submission; True when the address has sent more than the limit allows."""
    return not hit("feedback-ip", client_ip(request), settings.FEEDBACK_RATE_LIMIT_PER_IP)


def get_live_page(page_id):
    return get_page_model().objects.live().filter(pk=page_id).first()


def thanks_url(page, request):
    return f"{page.get_url(request)}?{THANKS_PARAMETER}=thanks#{ANCHOR}"


def is_cross_site(request):
    """Whether the visitor's browser says this POST was sent from another site.

    Current browsers send ``Sec-Fetch-Site`` with every request; older ones send
    ``Origin`` with a form POST, compared with this site's scheme and host (behind a
    TLS proxy, set ``SECURE_PROXY_SSL_HEADER`` as Django's CSRF check needs too) and
    ``CSRF_TRUSTED_ORIGINS``. A client that sends neither is not a browser tricked by
    another site, and is held by the rate limit like anyone else.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site not in ("same-origin", "same-site", "none")
    origin = request.headers.get("Origin")
    if not origin:
        return False
    if origin == "null":
        return True
    trusted = getattr(django_settings, "CSRF_TRUSTED_ORIGINS", [])
    return origin != f"{request.scheme}://{request.get_host()}" and origin not in trusted


@csrf_exempt  # see the module's docstring: no token, no cookie, no cross-site posts
@require_POST
def feedback_view(request):
    """Store one answer and send the visitor back to the page (status 303)."""
    if is_cross_site(request):
        return render(
            request,
            "wagtail_klimakronsj/feedback_error.html",
            {"base_template": settings.BASE_TEMPLATE, "reason": "cross_site"},
            status=403,
        )
    form = FeedbackForm(request.POST)
    page = None
    if form.is_valid():
        page = get_live_page(form.cleaned_data["page"])
    if page is None:
        status = 404 if form.is_valid() else 400
        return render(
            request,
            "wagtail_klimakronsj/feedback_error.html",
            {"form": form, "base_template": settings.BASE_TEMPLATE, "reason": "invalid"},
            status=status,
        )
    if over_rate_limit(request):
        return render(
            request,
            "wagtail_klimakronsj/feedback_error.html",
            {"page": page, "base_template": settings.BASE_TEMPLATE, "reason": "rate_limit"},
            status=429,
        )
    if not form.is_spam:
        PageFeedback.objects.create(
            page_id=page.pk,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"].strip(),
        )
    response = HttpResponseRedirect(thanks_url(page, request))
    response.status_code = 303
    return response
