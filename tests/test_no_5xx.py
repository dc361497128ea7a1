"""No input makes a server error: nasty values sent to every URL the package serves.

``TARGETS`` lists every public and admin URL of the package with the query parameters
and POST fields its view reads, ``NASTY`` the inputs (Unicode digits, NUL, lone
surrogates, numbers too large for the database, huge values, repeated keys). Each
input goes into each parameter in turn, the rest of the request being valid: as a
query value, and as a POST field where the view takes a POST (admin URLs with a
logged-in superuser). ``PATH_INPUTS`` go into the parts of the URL itself (ids,
tokens, export formats). Every answer must be below 500: a 4xx, or a page with a form
error.

``test_every_package_url_is_covered`` fails when the package gains a URL (urls.py,
an admin hook, a page route) that ``TARGETS`` does not cover; run it with ``-s`` to
print the covered matrix. NUL bytes reach the database only on PostgreSQL
(``KLIMAKRONSJ_TEST_POSTGRES=1``).
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from wagtail.contrib.routable_page.models import RoutablePageMixin

from tests.apply_helpers import form_data
from tests.conftest import make_event, make_form_page
from tests.desk_helpers import LIST_URL, seed
from tests.test_archive import make_archive, make_proposal
from wagtail_klimakronsj import links, models
from wagtail_klimakronsj.demo import proposals as demo
from wagtail_klimakronsj.models import (
    ApplicationFormField,
    Attendance,
    GuidingQuestion,
    Municipality,
    PageFeedback,
    ParticipantGroup,
)
from wagtail_klimakronsj.pages.models import ApplicationFormPage

# -- the inputs ---------------------------------------------------------------------

#: ``label: [value, ...]``, each value already percent-encoded as a browser would send
#: it (several values: the key repeated). ``%ED%A0%80`` is the lone surrogate U+D800
#: encoded as UTF-8 would if it could; ``%FF`` is no UTF-8 at all.
NASTY = {
    "superscript two ²": [quote("²")],
    "circled one ①": [quote("①")],
    "Arabic-Indic three ٣": [quote("٣")],
    "NUL": ["%00"],
    "digit then NUL": ["1%00"],
    "lone surrogate %ED%A0%80": ["%ED%A0%80"],
    "invalid UTF-8 %FF": ["%FF"],
    "40 digits": ["9" * 40],
    "2**63": [str(2**63)],
    "-1": ["-1"],
    "100 kB of digits": ["9" * 100_000],
    "100 kB of text": ["x" * 100_000],
    "repeated key": ["1", "2"],
}

#: Values for the parts of a URL, by the name of the part.
PATH_INPUTS = {
    "int": ["0", "9" * 40, str(2**63), "9" * 5000],
    "str": [quote("²"), "%00", "%ED%A0%80", "%FF", "x" * 5000],
    "slug": [quote("①"), "%00", "%ED%A0%80", "9" * 40],
}


# -- the URLs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One URL: how to build it from the world, what it reads, and a valid request."""

    name: str
    url: object  # world -> path
    get: tuple = ()
    post: tuple | None = None  # None: the view answers no POST
    base_get: object = None  # world -> dict of valid query values
    base_post: object = None  # world -> dict of a valid POST
    admin: bool = False
    path: dict | None = None  # part name -> (kind, world -> path with the part replaced)

    def params(self, world, names):
        return [name.format(**world.ids) for name in names]


#: A query parameter every target gets besides its own: a key no view reads.
COMMON_GET = ("zzz",)

LIST_GET = (
    "event",
    "status__exact",
    "county",
    "municipality",
    "role__exact",
    "submitted_at__gte",
    "submitted_at__lt",
    "submitted_at__day",
    "held_for_review__exact",
    "held_for_review__isnull",
    "q",
    "o",
    "ot",
    "p",
    "e",
    "export",
)
#: The list's own values and one filter of each kind, for the two exports.
EXPORT_GET = (
    "event",
    "municipality",
    "county",
    "q",
    "status__exact",
    "submitted_at__gte",
    "export",
)
ARCHIVE_GET = ("q", "edition", "question", "topic", "actor", "page")
FORM_POST = (
    "full_name",
    "email",
    "phone",
    "municipality",
    "organisation",
    "role",
    "position",
    "interests",
    "accessibility_needs",
    "consent",
    "website",
    "form_token",
    "extra_tal_pa_deltakarar",
    "extra_dato",
    "extra_tidspunkt",
    "extra_kjem_du",
    "extra_ønskje",
    "extra_nettstad",
)
SNIPPET_GET = ("q", "p", "ordering", "locale", "sort_order", "export", "next")
SNIPPET_POST = ("name", "slug", "sort_order", "locale", "next", "action-publish")


def _admin(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def _event_id(w):
    return w.event.pk


def _topic_id(w):
    return w.topic.pk


def _app_id(w):
    return w.application.pk


def _snippet(view, *, with_pk=True, get=("next",), post=None, path=True):
    name = f"wagtailsnippets_wagtail_klimakronsj_topic:{view}"
    return Target(
        name,
        _admin(name, _topic_id) if with_pk else _admin(name),
        get=get,
        post=post,
        base_post=(lambda w: {"name": "Ny tema", "slug": "ny-tema"}) if post else None,
        admin=True,
        path={"pk": ("int", lambda w, v: reverse(name, args=[1]).replace("/1/", f"/{v}/"))}
        if with_pk and path
        else None,
    )


def _chooser(view, *, pk=False, post=None):
    name = f"wagtailsnippetchoosers_wagtail_klimakronsj_topic:{view}"
    return Target(
        name,
        _admin(name, lambda w: str(w.topic.pk)) if pk else _admin(name),
        get=("q", "p", "locale", "multiple", "id", "create_action_label"),
        post=post,
        base_post=(lambda w: {"name": "Valt tema", "slug": "valt-tema"}) if post else None,
        admin=True,
        path={"pk": ("str", lambda w, v: reverse(name, args=["1"]).replace("/1/", f"/{v}/"))}
        if pk
        else None,
    )


def _desk(name, *, fmt=None, **kwargs):
    full = f"wagtail_klimakronsj_desk:{name}"
    args = [_event_id] + ([fmt] if fmt else [])

    def with_part(kind_index):
        def build(w, v):
            parts = [str(w.event.pk)] + ([fmt] if fmt else [])
            parts[kind_index] = v
            return (
                reverse(full, args=[1] + (["FMT"] if fmt else []))
                .replace("/1/", f"/{parts[0]}/")
                .replace("/FMT/", f"/{parts[1]}/" if fmt else "/FMT/")
            )

        return build

    path = {"event_id": ("int", with_part(0))}
    if fmt:
        path["fmt"] = ("str", with_part(1))
    return Target(full, _admin(full, *args), admin=True, path=path, **kwargs)


def _modeladmin(action, **kwargs):
    name = f"wagtail_klimakronsj_application_modeladmin_{action}"
    return Target(
        name,
        _admin(name, _app_id),
        admin=True,
        path={
            "instance_pk": ("slug", lambda w, v: reverse(name, args=[1]).replace("/1/", f"/{v}/"))
        },
        **kwargs,
    )


def _form_post(w):
    return form_data(w.form_page, w.event, municipality=str(w.oslo.pk))


TARGETS = [
    # -- public: pages and their routes --------------------------------------------
    Target("page:event", lambda w: w.event.url, get=("feedback",)),
    Target("page:event/ical/", lambda w: w.event.url + "ical/"),
    Target("page:form", lambda w: w.form_page.url, post=FORM_POST, base_post=_form_post),
    Target("page:form/receipt/", lambda w: w.form_page.url + "receipt/", get=("t",)),
    Target("page:archive", lambda w: w.archive.url, get=ARCHIVE_GET),
    Target("page:archive/export-csv/", lambda w: w.archive.url + "export-csv/", get=ARCHIVE_GET),
    Target("page:archive/export-json/", lambda w: w.archive.url + "export-json/", get=ARCHIVE_GET),
    Target("page:archive/feed/", lambda w: w.archive.url + "feed/", get=ARCHIVE_GET),
    Target("page:proposal", lambda w: w.proposal.url),
    # -- public: the package's urls.py ------------------------------------------------
    Target(
        "wagtail_klimakronsj:feedback",
        lambda w: reverse("wagtail_klimakronsj:feedback"),
        post=("page", "helpful", "comment", "website"),
        base_post=lambda w: {"page": w.event.pk, "helpful": "yes", "comment": "Fint"},
    ),
    Target(
        "wagtail_klimakronsj:applicant",
        lambda w: reverse("wagtail_klimakronsj:applicant", args=[w.token]),
        get=("withdrawn",),
        post=("confirm",),
        base_post=lambda w: {"confirm": "on"},
        path={"token": ("str", lambda w, v: f"/klimakronsj/application/{v}/")},
    ),
    Target(
        "wagtail_klimakronsj:applicant_renew",
        lambda w: reverse("wagtail_klimakronsj:applicant_renew", args=[w.token]),
        post=("confirm",),
        path={"token": ("str", lambda w, v: f"/klimakronsj/application/{v}/renew/")},
    ),
    # -- admin: the organiser's desk ------------------------------------------------------
    Target("wagtail_klimakronsj_desk:home", _admin("wagtail_klimakronsj_desk:home"), admin=True),
    Target(
        "wagtail_klimakronsj_desk:decide",
        _admin("wagtail_klimakronsj_desk:decide"),
        post=("decision", "selected", "confirm", "next"),
        base_post=lambda w: {
            "decision": "accepted",
            "selected": [w.application.pk],
            "next": "/admin/",
        },
        admin=True,
    ),
    Target(
        "wagtail_klimakronsj_desk:personal_data",
        _admin("wagtail_klimakronsj_desk:personal_data"),
        get=("email",),
        post=("email", "action", "confirm"),
        base_post=lambda w: {"email": w.application.email, "action": "export"},
        admin=True,
    ),
    _desk("event"),
    _desk(
        "pool",
        get=("propose", "balance_roles", "per_municipality", "seats"),
        base_get=lambda w: {"propose": "1", "balance_roles": "1"},
    ),
    _desk(
        "groups",
        post=(
            "action",
            "facilitator_name-{group}",
            "facilitator_email-{group}",
            "group-{application}",
        ),
        base_post=lambda w: {
            "action": "save",
            f"facilitator_name-{w.group.pk}": "Fasilitator",
            f"facilitator_email-{w.group.pk}": "fasilitator@example.org",
            f"group-{w.application.pk}": str(w.group.pk),
        },
    ),
    _desk("groups_export", fmt="csv"),
    _desk(
        "attendance",
        post=("present-{session}",),
        base_post=lambda w: {f"present-{w.session.pk}": str(w.application.pk)},
    ),
    _desk("attendance_export", fmt="xlsx"),
    # -- admin: the application list (modeladmin) --------------------------------------
    Target(
        "wagtail_klimakronsj_application_modeladmin_index",
        lambda w: LIST_URL,
        get=LIST_GET,
        base_get=lambda w: {"event": w.event.pk},
        admin=True,
    ),
    Target(
        "wagtail_klimakronsj_application_modeladmin_index (CSV export)",
        lambda w: LIST_URL,
        get=EXPORT_GET,
        base_get=lambda w: {"event": w.event.pk, "export": "csv"},
        admin=True,
    ),
    Target(
        "wagtail_klimakronsj_application_modeladmin_index (XLSX export)",
        lambda w: LIST_URL,
        get=EXPORT_GET,
        base_get=lambda w: {"export": "xlsx"},
        admin=True,
    ),
    _modeladmin("inspect"),
    Target(
        "wagtail_klimakronsj_application_modeladmin_create",
        _admin("wagtail_klimakronsj_application_modeladmin_create"),
        post=("full_name", "email"),
        admin=True,
    ),
    _modeladmin("edit", post=("full_name", "email")),
    _modeladmin("delete", post=("confirm",)),
    # -- admin: page feedback --------------------------------------------------------
    Target(
        "klimakronsj_feedback_index", _admin("klimakronsj_feedback_index"), get=("p",), admin=True
    ),
    Target(
        "klimakronsj_feedback_page",
        _admin("klimakronsj_feedback_page", _event_id),
        get=("p",),
        admin=True,
        path={"page_id": ("int", lambda w, v: f"/admin/klimakronsj/feedback/{v}/")},
    ),
    # -- admin: proposal topics (a snippet) --------------------------------------------
    _snippet("list", with_pk=False, get=SNIPPET_GET),
    _snippet("list_results", with_pk=False, get=SNIPPET_GET),
    _snippet("add", with_pk=False, post=SNIPPET_POST),
    _snippet("edit", post=SNIPPET_POST),
    _snippet("delete", post=("next",)),
    _snippet("usage", get=("p", "q")),
    _snippet("history", get=("p", "action", "user", "timestamp_after", "timestamp_before")),
    _snippet("history_results", get=("p", "action", "user")),
    _snippet("reorder", post=("position",), get=()),
    _snippet("copy", get=("next",)),
    _chooser("choose"),
    _chooser("choose_results"),
    _chooser("chosen", pk=True),
    _chooser("chosen_multiple"),
    _chooser("create", post=("name", "slug", "sort_order", "locale")),
]


# -- the world every target is sent to -------------------------------------------------


class World:
    pass


@pytest.fixture
def world(root_page):
    w = World()
    w.event = make_event(root_page, title="Klimakrønsj 2027", questions=[("Kva no?", False)])
    w.form_page = make_form_page(root_page, w.event)
    for label, field_type, choices in [
        ("Tal på deltakarar", "number", ""),
        ("Dato", "date", ""),
        ("Tidspunkt", "datetime", ""),
        ("Kjem du", "dropdown", "Ja\nNei"),
        ("Ønskje", "checkboxes", "Kaffi\nTe"),
        ("Nettstad", "url", ""),
    ]:
        ApplicationFormField.objects.create(
            page=w.form_page, label=label, field_type=field_type, choices=choices, required=False
        )
    w.form_page = ApplicationFormPage.objects.get(pk=w.form_page.pk)
    w.oslo = Municipality.objects.get(number="0301")
    applications = seed(w.event, 12, status="accepted")
    w.application = applications[0]
    w.group = ParticipantGroup.objects.create(event_id=w.event.pk, number=1)
    applications[1].group = w.group
    applications[1].save(update_fields=["group"])
    w.session = w.event.sessions[0]
    Attendance.objects.create(application=w.application, session=w.session, present=True)
    PageFeedback.objects.create(page_id=w.event.pk, helpful=False, comment="Fann ikkje datoen")
    w.archive = make_archive(root_page)
    topics = demo.get_topics()
    w.topic = next(iter(topics.values()))
    w.proposal = make_proposal(
        w.archive,
        "Bussvegar",
        topics=[w.topic],
        event=w.event,
        guiding_question=GuidingQuestion.objects.filter(page=w.event).first(),
        actor="together",
    )
    w.token = links.manage_token(w.application)
    w.ids = {"group": w.group.pk, "application": w.application.pk, "session": w.session.pk}
    w.admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    return w


# -- sending ----------------------------------------------------------------------------


class _Undo(Exception):
    """Rolls back what one request changed, so each input meets the same world."""


def _encode(params):
    return urlencode(params, doseq=True)


def _query(base, key, values):
    base = {k: v for k, v in (base or {}).items() if k != key}
    own = "&".join(f"{quote(key)}={value}" for value in values)
    return "&".join(part for part in (_encode(base), own) if part)


def send(client, method, url, body=None):
    """One request in a savepoint that is rolled back; the answer's status and error."""
    for cache in ("default",):
        caches[cache].clear()
    result = {}
    try:
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(
                    url, data=body, content_type="application/x-www-form-urlencoded"
                )
            result["status"] = response.status_code
            exc_info = getattr(response, "exc_info", None)
            result["error"] = repr(exc_info[1])[:300] if exc_info else ""
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)  # a streamed export fails while read
            raise _Undo
    except _Undo:
        pass
    except Exception as exc:  # noqa: BLE001 - reading a streamed body raised: a 500
        result.update(status=500, error=repr(exc)[:300])
    return result


def requests_for(target, world):
    """``(method, url, body, description)`` of every request sent to ``target``."""
    url = target.url(world)
    base_get = target.base_get(world) if target.base_get else {}
    base_post = target.base_post(world) if target.base_post else {}
    for key in target.params(world, target.get + COMMON_GET):
        for label, values in NASTY.items():
            yield "GET", f"{url}?{_query(base_get, key, values)}", None, f"GET {key}={label}"
    if target.post is not None:
        query = f"?{_encode(base_get)}" if base_get else ""
        for key in target.params(world, target.post + ("zzz",)):
            for label, values in NASTY.items():
                body = _query(base_post, key, values)
                yield "POST", url + query, body, f"POST {key}={label}"
        yield "POST", url + query, "%FF%00=%00", "POST body of only a NUL key"


def client_for(target, world):
    client = Client(raise_request_exception=False)
    if target.admin:
        client.force_login(world.admin)
    return client


def assert_no_5xx(failures):
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:40])


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_no_input_makes_a_server_error(target, world):
    client = client_for(target, world)
    base = send(client, "GET", target.url(world))
    assert base["status"] < 500, base
    failures = []
    for method, url, body, description in requests_for(target, world):
        result = send(client, method, url, body)
        if result["status"] >= 500:
            failures.append(f"{description}: {result['status']} {result['error']}")
    assert_no_5xx(failures)


PATH_TARGETS = [t for t in TARGETS if t.path]


@pytest.mark.parametrize("target", PATH_TARGETS, ids=[t.name for t in PATH_TARGETS])
def test_no_url_part_makes_a_server_error(target, world):
    client = client_for(target, world)
    failures = []
    for part, (kind, build) in target.path.items():
        for value in PATH_INPUTS[kind]:
            url = build(world, value)
            for method in ("GET", "POST") if target.post is not None else ("GET",):
                result = send(client, method, url, "")
                if result["status"] >= 500:
                    failures.append(
                        f"{method} {part}={value[:20]}: {result['status']} {result['error']}"
                    )
    assert_no_5xx(failures)


# -- every URL of the package is covered -------------------------------------------------


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        else:
            name = pattern.name or ""
            yield f"{namespace}:{name}" if namespace else name, pattern


def package_url_names():
    """Every URL name the package puts in the site's URLconf (urls.py and admin hooks)."""
    names = set()
    for name, pattern in _walk(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "") or ""
        if "klimakronsj" in name or module.startswith("wagtail_klimakronsj"):
            names.add(name)
    return names


#: Page kinds by the package's page mixins, and the routes their own ``route()``
#: answers besides the routable ones (the form page's receipt).
PAGE_KINDS = {
    "EventPageMixin": "event",
    "ApplicationFormPageMixin": "form",
    "ProposalArchivePageMixin": "archive",
    "ProposalPageMixin": "proposal",
}
OWN_ROUTES = {"form": ["receipt/"]}


def package_page_routes():
    """``page:<kind>`` and ``page:<kind>/<route>`` of every page model of the package."""
    routes = set()
    for model in apps.get_app_config("wagtail_klimakronsj_pages").get_models():
        kinds = [
            kind for mixin, kind in PAGE_KINDS.items() if issubclass(model, getattr(models, mixin))
        ]
        assert kinds, f"{model.__name__} is a page kind {__name__} does not know"
        for kind in kinds:
            routes.add(f"page:{kind}")
            routes.update(f"page:{kind}/{route}" for route in OWN_ROUTES.get(kind, []))
            if issubclass(model, RoutablePageMixin):
                for pattern in model().get_subpage_urls():
                    if str(pattern.pattern):
                        routes.add(f"page:{kind}/{pattern.pattern}")
    return routes


def _short(value):
    return value if len(value) <= 20 else f"{len(value)} × {value[0]}"


def describe_matrix():
    lines = ["URL (name or page route) | GET parameters | POST fields | URL parts"]
    for target in TARGETS:
        lines.append(
            " | ".join(
                [
                    target.name + (" [superuser]" if target.admin else ""),
                    ", ".join(target.get + COMMON_GET),
                    ", ".join(target.post + ("zzz",)) if target.post is not None else "-",
                    ", ".join(target.path) if target.path else "-",
                ]
            )
        )
    lines.append("Inputs: " + "; ".join(NASTY))
    lines.append(
        "URL parts: "
        + "; ".join(f"{k}: {', '.join(map(_short, v))}" for k, v in PATH_INPUTS.items())
    )
    return lines


def test_every_package_url_is_covered(db):
    covered = {target.name.split(" (")[0] for target in TARGETS}
    missing = (package_url_names() | package_page_routes()) - covered
    print("\n".join(describe_matrix()))  # noqa: T201 - the lead quotes this list
    assert not missing, f"URLs not covered by {__name__}.TARGETS: {sorted(missing)}"
    assert package_page_routes() >= {"page:event/ical/", "page:archive/export-csv/"}


def test_a_server_error_is_reported(world, monkeypatch):
    """The harness itself: a view that fails is caught as a 500, not passed over."""
    from wagtail_klimakronsj import admin_feedback

    def broken(*args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(admin_feedback, "Paginator", broken)
    client = client_for(TARGETS[0], world)
    client.force_login(world.admin)
    assert send(client, "GET", reverse("klimakronsj_feedback_index"))["status"] == 500


# -- what the answer says -----------------------------------------------------------------


def test_crafted_numbers_are_form_errors_or_a_400_that_says_so(world):
    from wagtail_klimakronsj.models import Application

    before = Application.objects.count()
    public = Client()
    for value in ("²", "①", "9" * 40):
        response = public.post(world.form_page.url, _form_post(world) | {"municipality": value})
        assert response.status_code == 200 and "municipality" in response.context["form"].errors
    assert Application.objects.count() == before

    admin = Client()
    admin.force_login(world.admin)
    pool = reverse("wagtail_klimakronsj_desk:pool", args=[world.event.pk])
    response = admin.get(pool, {"propose": "1", "per_municipality": "²", "seats": "9" * 40})
    assert response.status_code == 200 and response.context["proposal"] is None
    assert len(response.context["errors"]) == 2

    decide = reverse("wagtail_klimakronsj_desk:decide")
    response = admin.post(
        decide,
        {"selected": ["①", str(world.application.pk)], "decision": "declined", "confirm": "1"},
        follow=True,
    )
    assert [str(m).strip() for m in response.context["messages"]] == [
        "Vel éin eller fleire søknader og ei avgjerd."
    ]
    world.application.refresh_from_db()
    assert world.application.status == "accepted"

    personal = reverse("wagtail_klimakronsj_desk:personal_data")
    response = admin.get(personal, {"email": "kari\x00@example.org"})
    assert response.status_code == 400
    assert "Fjern dei usynlege kontrollteikna." in response.content.decode()

    groups = reverse("wagtail_klimakronsj_desk:groups", args=[world.event.pk])
    response = admin.post(
        groups, {"action": "save", f"facilitator_name-{world.group.pk}": "Kari\x00"}
    )
    assert (
        response.status_code == 400
        and f"facilitator_name-{world.group.pk}" in response.context["errors"]
    )
    world.group.refresh_from_db()
    assert world.group.facilitator_name == ""

    export = reverse("wagtail_klimakronsj_desk:groups_export", args=[world.event.pk, "xls"])
    assert admin.get(export).status_code == 404
    assert admin.get(f"/admin/klimakronsj/events/{'9' * 40}/").status_code == 404
