"""System checks for the WAGTAIL_KLIMAKRONSJ_* settings and the base template."""

import json
import zoneinfo
from pathlib import Path

from django.conf import settings as django_settings
from django.core import checks
from django.template import Node, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode, IncludeNode

from .conf import DEFAULTS, PREFIX, settings
from .templatetags.klimakronsj_head import klimakronsj_head

#: What TASKS["default"] is when a site sets no TASKS (Django 6, and the django-tasks backport).
IMMEDIATE = "immediate.ImmediateBackend"

#: Every referrer policy a browser knows; of a list, it applies the last one it knows.
REFERRER_POLICIES = {
    "no-referrer",
    "no-referrer-when-downgrade",
    "same-origin",
    "origin",
    "strict-origin",
    "origin-when-cross-origin",
    "strict-origin-when-cross-origin",
    "unsafe-url",
}
#: The policies under which a browser posts a form with ``Origin: null``, even to its
#: own page (Fetch, "serializing a request origin"), which Django's CSRF check refuses.
NULL_ORIGIN_POLICIES = {"no-referrer"}


def _rate(name):
    value = getattr(settings, name)
    ok = (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, int) and v > 0 for v in value)
    )
    if not ok:
        return [
            checks.Error(
                f"{PREFIX}{name} must be a pair of positive integers (count, seconds).",
                id="wagtail_klimakronsj.E003",
            )
        ]
    return []


def effective_referrer_policy(*values):
    """The policy a browser applies given these ``Referrer-Policy`` values in order
    (header, then meta tags; each a comma-separated string or a list): the last
    policy it knows, or "" for none."""
    policy = ""
    for value in values:
        tokens = value.split(",") if isinstance(value, str) else list(value or ())
        known = [t.strip().lower() for t in tokens if t.strip().lower() in REFERRER_POLICIES]
        policy = known[-1] if known else policy
    return policy


@checks.register(checks.Tags.security)
def check_referrer_policy(app_configs=None, **kwargs):
    """A site-wide ``no-referrer`` makes every form of the package answer 403."""
    if "django.middleware.security.SecurityMiddleware" not in django_settings.MIDDLEWARE:
        return []
    policy = effective_referrer_policy(getattr(django_settings, "SECURE_REFERRER_POLICY", ""))
    if policy not in NULL_ORIGIN_POLICIES:
        return []
    return [
        checks.Warning(
            f"SECURE_REFERRER_POLICY is {policy!r}: browsers then send 'Origin: null' with "
            "every form POST, and Django's CSRF check refuses the application form, the "
            "withdrawal and the organiser's desk (403).",
            hint="Use 'same-origin' (Django's default) or 'strict-origin-when-cross-origin'. "
            "The pages with an applicant's signed link send 'same-origin' themselves.",
            id="wagtail_klimakronsj.W005",
        )
    ]


@checks.register()
def check_settings(app_configs=None, **kwargs):
    errors = []
    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        errors.append(
            checks.Error(
                f"{PREFIX}TIME_ZONE {settings.TIME_ZONE!r} is not a known time zone.",
                hint="Use an IANA name such as 'Europe/Oslo'.",
                id="wagtail_klimakronsj.E001",
            )
        )
    path = Path(settings.MUNICIPALITIES_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("municipalities"), list):
            raise ValueError("no 'municipalities' list")
    except (OSError, ValueError, AttributeError) as exc:
        errors.append(
            checks.Error(
                f"{PREFIX}MUNICIPALITIES_FILE cannot be read: {exc}",
                hint="Point it at a JSON file shaped like the shipped data/municipalities.json.",
                id="wagtail_klimakronsj.E002",
            )
        )
    for name in ("RATE_LIMIT_PER_EMAIL", "RATE_LIMIT_PER_IP", "FEEDBACK_RATE_LIMIT_PER_IP"):
        errors.extend(_rate(name))
    for name in ("RETENTION_DAYS", "MANAGE_LINK_MAX_AGE_DAYS", "MAIL_MAX_ATTEMPTS"):
        value = getattr(settings, name)
        if not isinstance(value, int) or value < 1:
            errors.append(
                checks.Error(
                    f"{PREFIX}{name} must be a positive whole number.",
                    id="wagtail_klimakronsj.E004",
                )
            )
    stylesheet = settings.STYLESHEET
    paths = [stylesheet] if isinstance(stylesheet, str) else stylesheet
    if not isinstance(stylesheet, (bool, type(None))) and not (
        isinstance(paths, (list, tuple)) and all(isinstance(p, str) and p for p in paths)
    ):
        errors.append(
            checks.Error(
                f"{PREFIX}STYLESHEET must be True, False or the static path(s) of a stylesheet.",
                hint="True links the package's stylesheet; False links none.",
                id="wagtail_klimakronsj.E007",
            )
        )
    return errors


def _template_nodes(template, engine, seen):
    """Every node of a Django template, its parents' ({% extends %}) and the templates it
    includes by a literal name, each template once."""
    if template.origin.name in seen:
        return
    seen.add(template.origin.name)
    for node in template.nodelist.get_nodes_by_type(Node):
        yield node
        name = None
        if isinstance(node, ExtendsNode):
            name = node.parent_name.var
        elif isinstance(node, IncludeNode):
            name = getattr(node.template, "var", None)
        if isinstance(name, str):
            try:
                yield from _template_nodes(engine.get_template(name), engine, seen)
            except TemplateDoesNotExist:
                pass


@checks.register(checks.Tags.templates)
def check_base_template(app_configs=None, **kwargs):
    """The base template has a ``content`` block; say where the stylesheet and the feed
    links go when it has no ``{% klimakronsj_head %}``."""
    name = settings.BASE_TEMPLATE or DEFAULTS["BASE_TEMPLATE"]
    setting = f"{PREFIX}BASE_TEMPLATE"
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return [
            checks.Error(
                f"{setting} {name!r} does not exist.",
                hint="Name a template of your site, e.g. 'base.html'.",
                id="wagtail_klimakronsj.E005",
            )
        ]
    except TemplateSyntaxError as exc:
        return [
            checks.Error(
                f"{setting} {name!r} cannot be parsed: {exc}",
                id="wagtail_klimakronsj.E005",
            )
        ]
    django_template = getattr(template, "template", None)
    if not isinstance(django_template, Template):
        return []  # another engine (Jinja2): nothing to inspect
    nodes = list(_template_nodes(django_template, django_template.engine, set()))
    blocks = {node.name for node in nodes if isinstance(node, BlockNode)}
    if "content" not in blocks:
        return [
            checks.Error(
                f"{setting} {name!r} has no {{% block content %}}: the pages of "
                "wagtail_klimakronsj render nothing in it.",
                hint="Put {% block content %}{% endblock %} where the page's main content "
                "goes, e.g. inside your <main>.",
                id="wagtail_klimakronsj.E006",
            )
        ]
    has_head = any(getattr(node, "func", None) is klimakronsj_head for node in nodes)
    if has_head:
        return []
    return [
        checks.Info(
            f"{setting} {name!r} has no {{% klimakronsj_head %}}: the package's stylesheet "
            "is linked at the start of the content block and the archive's Atom feed only "
            "in an HTTP Link header.",
            hint="To put them in <head>, where feed readers look, add "
            "{% load klimakronsj_head %} and {% klimakronsj_head %} inside <head>.",
            id="wagtail_klimakronsj.I001",
        )
    ]


def _mail_timeout():
    value = settings.MAIL_TIMEOUT
    if value is None or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    ):
        return []
    return [
        checks.Error(
            f"{PREFIX}MAIL_TIMEOUT must be a number of seconds (or None).",
            id="wagtail_klimakronsj.E008",
        )
    ]


@checks.register()
def check_mail_sending(app_configs=None, **kwargs):
    """Mail sent by the immediate tasks backend is sent inside the web request."""
    errors = _mail_timeout()
    tasks = getattr(django_settings, "TASKS", None) or {}
    backend = tasks.get("default", {}).get("BACKEND", IMMEDIATE)
    if backend.endswith(IMMEDIATE) and not django_settings.DEBUG:
        errors.append(
            checks.Warning(
                "The immediate tasks backend sends every email inside the web request: a "
                "slow mail server holds the web worker.",
                hint=(
                    "Use a tasks backend with a worker, e.g. django-tasks-db "
                    "(TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend'}} "
                    "and manage.py db_worker), and keep a mail timeout "
                    f"({PREFIX}MAIL_TIMEOUT)."
                ),
                id="wagtail_klimakronsj.W002",
            )
        )
    return errors
