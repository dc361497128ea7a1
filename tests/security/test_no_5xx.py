"""No input makes a server error: nasty values sent to every URL the package serves.

``no5xx_targets.TARGETS`` lists every public and admin URL of the package with the query parameters
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

from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from wagtail.contrib.routable_page.models import RoutablePageMixin

from tests.conftest import make_event, make_form_page
from tests.desk_helpers import seed
from tests.proposal_helpers import make_archive, make_proposal
from tests.security.no5xx_targets import (
    COMMON_GET,
    NASTY,
    PATH_INPUTS,
    TARGETS,
    describe_matrix,
    form_post,
)
from wagtail_klimakronsj import links, models
from wagtail_klimakronsj.demo import proposals as demo
from wagtail_klimakronsj.feedback import admin as admin_feedback
from wagtail_klimakronsj.models import (
    Application,
    ApplicationFormField,
    Attendance,
    GuidingQuestion,
    Municipality,
    PageFeedback,
    ParticipantGroup,
)
from wagtail_klimakronsj.pages.models import ApplicationFormPage

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
    w.confirm_token = links.confirm_token(w.application)
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


def test_every_package_url_is_covered(db):
    covered = {target.name.split(" (")[0] for target in TARGETS}
    missing = (package_url_names() | package_page_routes()) - covered
    print("\n".join(describe_matrix()))  # noqa: T201 - the lead quotes this list
    assert not missing, f"URLs not covered by tests.security.no5xx_targets.TARGETS: {sorted(missing)}"
    assert package_page_routes() >= {"page:event/ical/", "page:archive/export-csv/"}
    assert {
        "wagtail_klimakronsj:feedback",
        "wagtail_klimakronsj_desk:decide",
    } <= package_url_names()


def test_a_server_error_is_reported(world, monkeypatch):
    """The harness itself: a view that fails is caught as a 500, not passed over."""

    def broken(*args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(admin_feedback, "Paginator", broken)
    client = client_for(TARGETS[0], world)
    client.force_login(world.admin)
    assert send(client, "GET", reverse("klimakronsj_feedback_index"))["status"] == 500


# -- what the answer says -----------------------------------------------------------------


def test_crafted_numbers_are_form_errors_or_a_400_that_says_so(world):
    before = Application.objects.count()
    public = Client()
    for value in ("²", "①", "9" * 40):
        response = public.post(world.form_page.url, form_post(world) | {"municipality": value})
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
