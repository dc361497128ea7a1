"""The applicant's signed, expiring link to their own page (no login)."""

from django.conf import settings as django_settings
from django.core import signing
from django.urls import reverse

from .conf import settings
from .params import read_id

MANAGE_SALT = "wagtail_klimakronsj.applicant"
#: Another salt: the receipt page shows the manage link to whoever sent the form, so the
#: confirmation link (sent only by email) must not be derivable from it.
CONFIRM_SALT = "wagtail_klimakronsj.confirm_email"

#: The referrer policy of every page whose address holds a signed token (the
#: applicant's page, its link-problem pages, the receipt). "same-origin": the address
#: never leaves the site in a ``Referer``, and a form on the page still posts with its
#: real ``Origin``. Not "no-referrer": with it browsers send ``Origin: null`` on every
#: POST, even to the same page, and Django's CSRF check refuses it (403).
PRIVATE_REFERRER_POLICY = "same-origin"


class LinkExpired(Exception):
    """The signature is right but the link is older than ``MANAGE_LINK_MAX_AGE_DAYS``."""

    def __init__(self, application_id):
        super().__init__(application_id)
        self.application_id = application_id


class LinkInvalid(Exception):
    """The link was changed or was never issued by this site."""


def private_response(response):
    """Headers of a page reached through a signed link: not stored, not indexed, and
    its address not sent to other sites (``PRIVATE_REFERRER_POLICY``)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = PRIVATE_REFERRER_POLICY
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _signer():
    return signing.TimestampSigner(salt=MANAGE_SALT)


def manage_token(application):
    return _signer().sign(str(application.pk))


def read_manage_token(token):
    """The application id in ``token``; raises ``LinkInvalid`` or ``LinkExpired``."""
    signer = _signer()
    max_age = settings.MANAGE_LINK_MAX_AGE_DAYS * 24 * 3600
    try:
        value = signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        try:
            value = signer.unsign(token)
        except signing.BadSignature as exc:
            raise LinkInvalid() from exc
        raise LinkExpired(_application_id(value)) from None
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    return _application_id(value)


def confirm_token(application):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(application.pk))


def read_confirm_token(token):
    """The application id in a confirmation link; raises ``LinkInvalid``. The link does
    not expire: the application's status says whether there is anything to confirm."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise LinkInvalid() from exc
    return _application_id(value)


def _application_id(value):
    """The id a signed link carries, or ``LinkInvalid``."""
    application_id = read_id(value)
    if application_id is None:
        raise LinkInvalid()
    return application_id


def confirm_path(application):
    return reverse("wagtail_klimakronsj:applicant_confirm", args=[confirm_token(application)])


def manage_path(application):
    return reverse("wagtail_klimakronsj:applicant", args=[manage_token(application)])


def manage_url(application, request=None, event=None):
    """The absolute address of the applicant's page."""
    return absolute_url(manage_path(application), event=event, request=request)


def absolute_url(path, event=None, request=None):
    if not path or path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    root = None
    if event is not None:
        try:
            parts = event.get_url_parts()
            root = parts[1] if parts else None
        except Exception:  # noqa: BLE001 - a page outside any site has no root URL
            root = None
    root = root or getattr(django_settings, "WAGTAILADMIN_BASE_URL", "") or ""
    return root.rstrip("/") + path
