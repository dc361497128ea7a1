"""What the public pages render once and reuse, and how each entry knows it is current.

Nothing here is invalidated by hand: every key is built from the inputs of what it
holds, so a changed input is a new key and the old entry simply ages out.

- ``page_version(page)``: a digest of every column of the page's row (its own fields,
  ``last_published_at``, ``latest_revision_id``, ``url_path``, …). Publishing, a direct
  save or a move gives a new version. The row is loaded by every request anyway, so
  the check is free and the same in every process.
- Sessions and guiding questions are inline children saved with a publication; they
  are cached per page version (``cached_children``).
- Rendered markup (``{% klimakronsj_cache %}``) is cached under a key the page builds
  from the version (whose ``live_changed_at`` follows the seats, the form page and the
  proposals: ``freshness``) and the request (language, host, site, …); all parts of one key share one entry, read once per request, which
  also holds the instant it stops being true (what changes with time alone: the
  status at a deadline, the stale-content notice). The CSRF token is never stored:
  the markup is rendered with a placeholder that is replaced by the visitor's own
  token on every response.

Previews never use the cache (their children are unsaved). ``PAGE_CACHE_TIMEOUT`` =
``None`` or ``0`` turns all of it off; ``PAGE_CACHE`` names the cache alias.
"""

import functools
import hashlib
import operator
import pickle
import secrets

from django.core.cache import caches
from django.utils.translation import get_language

from .conf import settings

#: Stands in for the CSRF token while markup is rendered for the cache. Random per
#: process and never sent: it is replaced before the response leaves.
CSRF_PLACEHOLDER = "kkcsrf" + secrets.token_hex(16)
CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


def enabled(request=None):
    if not settings.PAGE_CACHE_TIMEOUT:
        return False
    return not getattr(request, "is_preview", False)


def get_cache():
    return caches[settings.PAGE_CACHE]


def make_key(kind, *parts):
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"klimakronsj:{kind}:{digest}"


def page_version(page, *, saved_content_only=False):
    """A digest of the page row as loaded (every concrete column of its class).

    ``saved_content_only``: leave out the columns that change without a publication
    (``live_changed_at``: applications, proposals …), for what only a publication
    changes (sessions, questions). Computed once per instance and kind: a page loaded
    for a request does not change during it.
    """
    memo_key = "_klimakronsj_version_saved" if saved_content_only else "_klimakronsj_version"
    memo = page.__dict__.get(memo_key)
    if memo is not None:
        return memo
    label, read_loaded, attnames, stream_indexes = _version_plan(type(page), saved_content_only)
    try:
        values = list(read_loaded(page.__dict__))
    except KeyError:  # a deferred column: read it as the model does
        values = [getattr(page, attname) for attname in attnames]
    for index in stream_indexes:
        raw = getattr(values[index], "raw_data", None)  # its stored JSON, unrendered
        if raw is not None:
            values[index] = list(raw)
    version = hashlib.sha256(_serialise([label, values])).hexdigest()[:32]
    if not page._state.adding and page.pk is not None:
        page.__dict__[memo_key] = version
    return version


@functools.cache
def _version_plan(model, saved_content_only):
    """What ``page_version`` reads of a page class, worked out once: its label, a getter
    of the columns' values from a loaded row (a page has many columns, so a tuple), their
    names, and where the StreamFields are."""
    from wagtail.fields import StreamField

    skip = LIVE_COLUMNS | UNSHOWN_COLUMNS if saved_content_only else UNSHOWN_COLUMNS
    fields = [f for f in model._meta.concrete_fields if f.name not in skip]
    attnames = tuple(f.attname for f in fields)
    stream_indexes = tuple(i for i, f in enumerate(fields) if isinstance(f, StreamField))
    return model._meta.label, operator.itemgetter(*attnames), attnames, stream_indexes


def _serialise(values):
    """Bytes that differ whenever ``values`` differ (pickle reads them back). Equal rows
    give equal bytes; where they might not (objects shared differently), the cost is a
    cache miss, never a wrong hit. ``repr`` for a value pickle refuses."""
    try:
        return pickle.dumps(values, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return repr(values).encode()


#: Columns stamped when something outside the page changes (``freshness``).
LIVE_COLUMNS = frozenset({"live_changed_at"})
#: Columns no page shows (the mail task's claim, ``seats.lock_event_for_submission``).
UNSHOWN_COLUMNS = frozenset({"mail_queued_at"})


def cacheable_page(page, request=None):
    return enabled(request) and page.pk is not None and not page._state.adding


def cached_children(page, relation, build):
    """``build()`` (a list made from the inline children ``relation``) cached per page
    version. Children held in memory (a preview, a revision, an unsaved page) are
    never cached nor read from the cache."""
    in_memory = relation in getattr(page, "_cluster_related_objects", {})
    if in_memory or not cacheable_page(page):
        return build()
    cache = get_cache()
    key = make_key(relation, page.pk, page_version(page, saved_content_only=True))
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, settings.PAGE_CACHE_TIMEOUT)
    return value


def cached_value(key, build):
    """``build()`` (None allowed) cached under ``key``, which must name all its inputs."""
    cache = get_cache()
    hit = cache.get(key)
    if hit is None:
        hit = (build(),)
        cache.set(key, hit, settings.PAGE_CACHE_TIMEOUT)
    return hit[0]


def request_parts(request):
    """What of the request can change rendered markup: language, host, scheme, site."""
    if request is None:
        return (get_language(),)
    site = getattr(request, "_wagtail_site", None)
    return (
        get_language(),
        request.get_host(),
        request.scheme,
        getattr(site, "pk", None),
    )


class Deferred:
    """A context value computed the first time a template reads it, then kept.

    Templates call what is callable, so ``{{ seats_left }}`` or ``{% if status ==
    "open" %}`` read the value; Python code reading the context calls it (or uses
    ``resolve()``). A page served from the cache reads none of them; this costs less
    to set up than ``SimpleLazyObject``.
    """

    __slots__ = ("_func", "_value")

    def __init__(self, func):
        self._func = func
        self._value = _UNSET

    def __call__(self):
        if self._value is _UNSET:
            self._value = self._func()
        return self._value

    def __repr__(self):
        return f"<Deferred {self._func!r}>"


_UNSET = object()


def resolve(value):
    """A context value as a template would read it (a ``Deferred`` computed)."""
    return value() if isinstance(value, Deferred) else value


def mark_uncacheable(context):
    """Called by a tag whose output differs per request (a form with a one-time token):
    the markup around it is then rendered for this request only, never stored."""
    state = context.get("klimakronsj_cache_state")
    if state is not None:
        state["uncacheable"] = True


#: Where a stored entry keeps the instant it stops being true.
VALID_UNTIL = "valid_until"


def _stored_parts(key, context):
    """The parts stored under ``key`` (a dict, changed in place when a part is added).

    Read from the cache once per request: the page's context carries a dict
    (``klimakronsj_cache_entries``) that every ``{% klimakronsj_cache %}`` of the
    page shares. Stored markup past its ``valid_until`` counts as absent.
    """
    from django.utils import timezone

    entries = context.get("klimakronsj_cache_entries")
    if isinstance(entries, dict) and key in entries:
        return entries[key]
    parts = get_cache().get(key)
    if not isinstance(parts, dict):
        parts = {}
    valid_until = parts.get(VALID_UNTIL)
    if valid_until is not None and timezone.now() >= valid_until:
        parts = {}
    if isinstance(entries, dict):
        entries[key] = parts
    return parts


def render_cached(key, render, context, part="content"):
    """The markup of ``render(context)``, from the cache when ``key`` is set.

    All parts of one key are stored together in one entry with the instant it stops
    being true (the context's ``klimakronsj_cache_valid_until()``, when given).
    Rendered with the CSRF placeholder, stored, then given the visitor's own token.
    Without a CSRF token in the context (no request) nothing is cached.
    """
    token = context.get("csrf_token")
    if not key or token is None or not settings.PAGE_CACHE_TIMEOUT:
        return render(context)
    parts = _stored_parts(key, context)
    html = parts.get(part)
    if html is None:
        state = {"uncacheable": False}
        with context.push(csrf_token=CSRF_PLACEHOLDER, klimakronsj_cache_state=state):
            html = render(context)
        if state["uncacheable"]:
            return html.replace(CSRF_PLACEHOLDER, str(token))
        if VALID_UNTIL not in parts:
            valid_until = context.get("klimakronsj_cache_valid_until")
            parts[VALID_UNTIL] = valid_until() if callable(valid_until) else valid_until
        parts[part] = html
        get_cache().set(key, parts, settings.PAGE_CACHE_TIMEOUT)
    if CSRF_PLACEHOLDER in html:
        value = str(token)
        if value == "NOTPROVIDED":  # as {% csrf_token %} does: no field at all
            html = html.replace(CSRF_INPUT.format(CSRF_PLACEHOLDER), "")
        html = html.replace(CSRF_PLACEHOLDER, value)
    return html
