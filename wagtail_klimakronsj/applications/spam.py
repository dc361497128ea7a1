"""Spam without a CAPTCHA: an accessible honeypot, a minimum fill time, rate limits.

Nothing here drops an application silently. A suspect submission is stored with
``held_for_review=True`` and a reason (see ``hold_reasons``), so the organiser sees it
and no seat is given automatically. Only the rate limits refuse a request (HTTP 429),
and they say so.
"""

import hashlib
import secrets

from django.core import signing
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..conf import settings

FORM_TOKEN_SALT = "wagtail_klimakronsj.application_form"  # noqa: S105 - a salt
#: A form older than this (seconds) asks to be sent again: a fresh token is rendered.
FORM_TOKEN_MAX_AGE = 2 * 24 * 3600
#: Name of the honeypot field. Humans never see it; a label tells screen-reader users
#: to leave it empty.
HONEYPOT_FIELD = "website"


class BadFormToken(Exception):
    """The form's signed hidden field is missing, forged, expired or for another form."""


def make_form_token(form_page_id, event_id, *, started=None, nonce=None):
    """A signed token: which form and event, when the form was shown, a one-time nonce."""
    started = started if started is not None else int(timezone.now().timestamp())
    payload = {
        "p": form_page_id,
        "e": event_id,
        "t": int(started),
        "n": nonce or secrets.token_urlsafe(12),
    }
    return signing.dumps(payload, salt=FORM_TOKEN_SALT)


def read_form_token(token, form_page_id, event_id):
    """The token's payload, or ``BadFormToken``."""
    try:
        data = signing.loads(token or "", salt=FORM_TOKEN_SALT, max_age=FORM_TOKEN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise BadFormToken("expired") from exc
    except signing.BadSignature as exc:
        raise BadFormToken("bad signature") from exc
    if not isinstance(data, dict) or data.get("p") != form_page_id or data.get("e") != event_id:
        raise BadFormToken("another form")
    if not isinstance(data.get("t"), int) or not isinstance(data.get("n"), str):
        raise BadFormToken("bad payload")
    return data


def hold_reasons(honeypot_value, token_data, now=None):
    """Why a submission looks automated (an empty list when it does not)."""
    reasons = []
    if honeypot_value:
        reasons.append(str(_("The hidden field for robots was filled in.")))
    now = now or timezone.now()
    elapsed = now.timestamp() - token_data["t"]
    if elapsed < settings.MIN_FILL_SECONDS:
        reasons.append(
            str(_("Sent %(seconds)d seconds after the form was shown."))
            % {"seconds": max(elapsed, 0)}
        )
    return reasons


# -- rate limits ---------------------------------------------------------------


def _cache():
    return caches[settings.CACHE]


def _key(*parts):
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"wagtail_klimakronsj:{parts[0]}:{digest}"


def hit(scope, value, limit):
    """Count one hit for ``value`` in a fixed window; False once over ``limit``.

    ``limit`` is a ``(count, seconds)`` pair. Works with any Django cache; use a
    shared one (Redis, database, memcached) when the site runs several processes.
    """
    count, seconds = limit
    now = int(timezone.now().timestamp())
    window = now // seconds
    key = _key(scope, value, window)
    cache = _cache()
    try:
        current = cache.incr(key)  # one call once the window has its counter
    except ValueError:  # the window's first hit (or the counter was evicted)
        if cache.add(key, 1, timeout=seconds + 60):
            current = 1
        else:  # another request added it in between
            try:
                current = cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=seconds + 60)
                current = 1
    return current <= count


def client_ip(request):
    """The client's address. Behind a proxy, override this in the form page
    (``get_client_ip``) to read a header the proxy sets; never trust it otherwise."""
    return request.META.get("REMOTE_ADDR", "")


def within_rate_limits(request, email, ip=None):
    """Counts one application attempt; returns the scope that is exceeded, or None."""
    ip = client_ip(request) if ip is None else ip
    if ip and not hit("ip", ip, settings.RATE_LIMIT_PER_IP):
        return "ip"
    if email and not hit("email", email.strip().lower(), settings.RATE_LIMIT_PER_EMAIL):
        return "email"
    return None
