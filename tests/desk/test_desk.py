"""The organiser's desk: the application list, decisions, inspect, permissions."""

import re
from urllib.parse import parse_qs, urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from tests import desk_helpers
from tests.conftest import make_event
from tests.desk_helpers import LIST_URL, seed
from wagtail_klimakronsj.applications import seats
from wagtail_klimakronsj.models import Application, ApplicationStatus, Notification, SeatPolicy

editor = desk_helpers.editor
organiser = desk_helpers.organiser
viewer = desk_helpers.viewer

DECIDE_URL = "/admin/klimakronsj/decide/"


def denied(response):
    """Wagtail turns PermissionDenied into a redirect to the dashboard with a message."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    assert b"example.org" not in response.content
    return True


def ids(applications):
    return [str(a.pk) for a in applications]


# -- the list -------------------------------------------------------------------


def test_list_shows_applications_and_counts(client, event, organiser):
    apps = seed(event, 3)
    seats.decide(event, [apps[0].pk], ApplicationStatus.ACCEPTED)
    client.force_login(organiser)
    response = client.get(LIST_URL, {"event": event.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Person 1" in html and "person2@example.org" in html
    assert response.context["counts"]["taken"] == 1
    assert response.context["counts"]["left"] == event.seat_limit - 1
    assert 'form="klimakronsj-bulk"' in html


def test_list_filters_and_search(client, root_page, event, organiser):
    other = make_event(root_page, title="Another workshop")
    seed(event, 6)
    seed(other, 2, start=100)
    client.force_login(organiser)
    response = client.get(LIST_URL, {"event": other.pk})
    assert response.context["result_count"] == 2
    response = client.get(LIST_URL, {"q": "person3@"})
    assert response.context["result_count"] == 1
    first = Application.objects.get(email="person0@example.org")
    response = client.get(LIST_URL, {"county": first.municipality.county})
    assert all(a.municipality.county == first.municipality.county for a in response.context["object_list"])
    response = client.get(LIST_URL, {"role__exact": "elected", "event": event.pk})
    assert response.context["result_count"] == 2  # persons 0 and 3


def test_list_escapes_names(client, event, organiser):
    seed(event, 1)
    Application.objects.update(full_name="<script>alert(1)</script>")
    client.force_login(organiser)
    html = client.get(LIST_URL).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def _list_queries(client, event):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST_URL, {"event": event.pk})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["object_list"])


def test_list_query_count_is_constant(client, event, organiser):
    client.force_login(organiser)
    seed(event, 10)
    client.get(LIST_URL)  # warm caches (content types, site)
    small, rows_small = _list_queries(client, event)
    seed(event, 290, start=10)
    large, rows_large = _list_queries(client, event)
    assert (rows_small, rows_large) == (10, 100)
    assert small == large
    seed(event, 9700, start=300)
    huge, rows_huge = _list_queries(client, event)
    print(f"application list: {huge} queries with 10,000 applications")
    assert (huge, rows_huge) == (small, 100)


# -- decisions ---------------------------------------------------------------------


def test_bulk_decision_asks_for_confirmation_first(client, root_page, organiser):
    event = make_event(root_page, seat_limit=2)
    apps = seed(event, 4)
    client.force_login(organiser)
    response = client.post(
        DECIDE_URL,
        {"selected": ids(apps), "decision": "accepted"},
        HTTP_ACCEPT_LANGUAGE="en",  # the reasons are translated; the test site's language is nn
    )
    assert response.status_code == 200
    plan = response.context["plans"][0]
    assert [c["pk"] for c in plan["changes"]] == [apps[0].pk, apps[1].pk]
    assert [r["pk"] for r in plan["refusals"]] == [apps[2].pk, apps[3].pk]
    assert "No seats are left" in response.content.decode()
    # nothing changed yet, and nothing logged
    assert not Application.objects.filter(status=ApplicationStatus.ACCEPTED).exists()
    assert not ModelLogEntry.objects.filter(action="wagtail_klimakronsj.accept").exists()


def test_bulk_decision_confirmed_respects_seat_limit(client, root_page, organiser):
    event = make_event(root_page, seat_limit=2)
    apps = seed(event, 4)
    client.force_login(organiser)
    response = client.post(
        DECIDE_URL,
        {"selected": ids(apps), "decision": "accepted", "confirm": "1", "next": LIST_URL},
    )
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 2
    entries = ModelLogEntry.objects.filter(action="wagtail_klimakronsj.accept")
    assert entries.count() == 2 and {e.user_id for e in entries} == {organiser.pk}


def test_municipality_cap_is_refused_in_the_preview(client, root_page, organiser, oslo):
    event = make_event(root_page, seat_limit=10, municipality_cap=1)
    apps = seed(event, 3, municipalities=[oslo])
    client.force_login(organiser)
    response = client.post(
        DECIDE_URL, {"selected": ids(apps), "decision": "accepted"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    plan = response.context["plans"][0]
    assert len(plan["changes"]) == 1 and len(plan["refusals"]) == 2
    assert "municipality" in plan["refusals"][0]["message"]


def test_decline_frees_a_seat_for_the_waiting_list_in_first_come(client, root_page, organiser):
    event = make_event(root_page, seat_limit=1, seat_policy=SeatPolicy.FIRST_COME)
    a, b = seed(event, 2)
    seats.decide(event, [a.pk], ApplicationStatus.ACCEPTED)
    seats.decide(event, [b.pk], ApplicationStatus.WAITLISTED)
    client.force_login(organiser)
    response = client.post(DECIDE_URL, {"selected": [a.pk], "decision": "declined"})
    changes = response.context["plans"][0]["changes"]
    assert [(c["pk"], c["promotion"]) for c in changes] == [(a.pk, False), (b.pk, True)]
    client.post(DECIDE_URL, {"selected": [a.pk], "decision": "declined", "confirm": "1"})
    b.refresh_from_db()
    assert b.status == ApplicationStatus.ACCEPTED


def test_decision_needs_post_and_csrf(organiser, event):
    from django.test import Client

    apps = seed(event, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    query = {"selected": ids(apps), "decision": "accepted", "confirm": "1"}
    assert client.get(DECIDE_URL, query)["Location"] == LIST_URL  # a GET decides nothing
    response = client.post(DECIDE_URL, {"selected": ids(apps), "decision": "accepted", "confirm": "1"})
    assert response.status_code == 403
    assert Application.objects.get().status == ApplicationStatus.PENDING


def test_bad_decision_input_is_a_message_not_a_500(client, event, organiser):
    seed(event, 1)
    client.force_login(organiser)
    response = client.post(DECIDE_URL, {"selected": ["x", "-1"], "decision": "accepted"})
    assert response.status_code == 302
    response = client.post(DECIDE_URL, {"selected": ["1"], "decision": "withdrawn"})
    assert response.status_code == 302
    response = client.post(
        DECIDE_URL, {"selected": ["1"], "decision": "accepted", "next": "https://evil.example/"}
    )
    assert response.status_code == 200 and "evil.example" not in response.context["next"]


def test_each_decision_sends_its_status_email_once(
    client, event, organiser, django_capture_on_commit_callbacks
):
    from django.core import mail

    from wagtail_klimakronsj.models import Notification

    apps = seed(event, 2)
    client.force_login(organiser)
    data = {"selected": ids(apps), "decision": "accepted", "confirm": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DECIDE_URL, data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(DECIDE_URL, data)  # a second click changes nothing and sends nothing
    notifications = Notification.objects.filter(kind="accepted")
    assert sorted(n.application_id for n in notifications) == [apps[0].pk, apps[1].pk]
    assert sorted(m.to[0] for m in mail.outbox if m.to[0].startswith("person")) == [
        "person0@example.org",
        "person1@example.org",
    ]


# -- inspect -------------------------------------------------------------------------


def test_inspect_shows_answers_history_and_emails(client, event, form_page, organiser):
    from wagtail_klimakronsj.models import ApplicationFormField, Notification

    ApplicationFormField.objects.create(
        page=form_page, label="Kva vil du snakke om?", field_type="singleline", clean_name="topic"
    )
    (app,) = seed(event, 1)
    Application.objects.filter(pk=app.pk).update(
        form_page=form_page, extra_answers={"topic": "<b>Flaum</b>"}, interests="Klima"
    )
    Notification.objects.create(
        kind="accepted", application=app, to=[app.email], subject="Velkomen", body_text="x"
    )
    seats.decide(event, [app.pk], ApplicationStatus.ACCEPTED, user=organiser)
    client.force_login(organiser)
    response = client.get(f"{LIST_URL}inspect/{app.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kva vil du snakke om?" in html
    assert "&lt;b&gt;Flaum&lt;/b&gt;" in html
    assert "Velkomen" in html
    assert organiser.get_username() in html or organiser.get_full_name() in html
    history = list(response.context["history"])
    assert history[0].action == "wagtail_klimakronsj.accept"
    # buttons for the other decisions, each a POST form
    assert html.count(f'name="selected" value="{app.pk}"') == 2


def inspect_decision_forms(html):
    """The decision forms of an application's own page: ``{decision: {name: value}}``."""
    forms = {}
    for form in re.findall(r'<form[^>]*klimakronsj-inline-form.*?</form>', html, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        forms[fields["decision"]] = fields
    return forms


def test_single_decision_from_inspect_is_reviewed_first(client, event, organiser):
    """A button on the application's page opens the same review step as the list (one
    misclick must not send the decline email); Confirm there decides and leads back."""
    (app,) = seed(event, 1)
    client.force_login(organiser)
    url = f"{LIST_URL}inspect/{app.pk}/"
    forms = inspect_decision_forms(client.get(url).content.decode())
    assert set(forms) == {"accepted", "waitlisted", "declined"}
    assert all("confirm" not in fields for fields in forms.values())

    review = client.post(DECIDE_URL, forms["declined"], HTTP_ACCEPT_LANGUAGE="en")
    assert review.status_code == 200
    assert "Review the decision" in review.content.decode()
    assert [c["pk"] for c in review.context["plans"][0]["changes"]] == [app.pk]
    assert review.context["next"] == url
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PENDING
    assert not Notification.objects.filter(application=app).exists()

    response = client.post(DECIDE_URL, {**forms["declined"], "confirm": "1"})
    assert response["Location"] == url
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DECLINED


def test_decide_after_the_session_expired_leads_back_to_the_list(client, event, organiser):
    """The login page sends the organiser back to the decide URL with a GET: not a blank
    405, but the list (or the safe ``next`` given); nothing is decided."""
    (app,) = seed(event, 1)
    data = {"selected": [app.pk], "decision": "declined", "confirm": "1"}
    expired = client.post(DECIDE_URL, data)
    login = urlsplit(expired["Location"])
    assert login.path == "/admin/login/"
    (back,) = parse_qs(login.query)["next"]
    assert back == DECIDE_URL

    client.force_login(organiser)
    response = client.get(back)
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    inspect = f"{LIST_URL}inspect/{app.pk}/"
    assert client.get(DECIDE_URL, {"next": inspect})["Location"] == inspect
    assert client.get(DECIDE_URL, {"next": "https://example.com/"})["Location"] == LIST_URL
    assert client.head(DECIDE_URL)["Location"] == LIST_URL
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PENDING


# -- permissions -------------------------------------------------------------------------


def test_editor_without_permission_sees_counts_not_names(client, event, editor):
    apps = seed(event, 3)
    client.force_login(editor)
    assert denied(client.get(LIST_URL))
    assert denied(client.get(f"{LIST_URL}inspect/{apps[0].pk}/"))
    assert denied(client.get(LIST_URL, {"export": "csv"}))
    assert denied(
        client.post(DECIDE_URL, {"selected": ids(apps), "decision": "accepted", "confirm": "1"})
    )
    for url in ("pool/", "groups/", "attendance/", "groups/export/csv/", "attendance/export/csv/"):
        assert denied(client.get(f"/admin/klimakronsj/events/{event.pk}/{url}"))
    assert denied(client.get("/admin/klimakronsj/personal-data/?email=person0@example.org"))
    response = client.get(f"/admin/klimakronsj/events/{event.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Person" not in html and "example.org" not in html
    assert response.context["counts"]["pending"] == 3
    assert not Application.objects.exclude(status=ApplicationStatus.PENDING).exists()


def test_editor_sees_the_seats_button_on_the_event_page(client, event, editor):
    client.force_login(editor)
    response = client.get(f"/admin/pages/{event.pk}/edit/")
    assert response.status_code == 200
    assert f"/admin/klimakronsj/events/{event.pk}/" in response.content.decode()


def test_stranger_gets_no_counts(client, event, db):
    from tests.desk_helpers import make_user

    client.force_login(make_user("stranger"))
    assert denied(client.get(f"/admin/klimakronsj/events/{event.pk}/"))


def test_viewer_can_read_but_not_decide(client, event, viewer):
    apps = seed(event, 2)
    client.force_login(viewer)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert 'id="klimakronsj-bulk"' not in response.content.decode()
    assert denied(
        client.post(DECIDE_URL, {"selected": ids(apps), "decision": "accepted", "confirm": "1"})
    )
    html = client.get(f"{LIST_URL}inspect/{apps[0].pk}/").content.decode()
    assert "Person 0" in html and DECIDE_URL not in html


def test_permissions_are_registered_for_groups(db):
    from wagtail import hooks

    codenames = set()
    for fn in hooks.get_hooks("register_permissions"):
        codenames.update(fn().values_list("codename", flat=True))
    assert {"view_personal_data", "decide_application"} <= codenames


def test_seat_counts_panel_renders_counts_only(rf, event, editor):
    from wagtail_klimakronsj.events.panels import SeatCountsPanel

    seed(event, 2)
    request = rf.get("/")
    request.user = editor
    panel = SeatCountsPanel().bind_to_model(type(event)).get_bound_panel(
        instance=event, request=request, form=None
    )
    html = panel.render_html()
    assert "Person" not in html
    assert ">2<" in html  # awaiting decision


# -- pool and fair selection -----------------------------------------------------------------


def test_pool_overview_and_proposal(client, root_page, organiser, oslo, django_assert_max_num_queries):
    from wagtail_klimakronsj.models import Municipality

    bergen = Municipality.objects.get(number="4601")
    event = make_event(root_page, seat_limit=4)
    apps = seed(event, 6, municipalities=[oslo, oslo, oslo, bergen, bergen, bergen])
    client.force_login(organiser)
    url = f"/admin/klimakronsj/events/{event.pk}/pool/"
    response = client.get(url)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert sum(r["total"] for r in rows) == 6
    assert {r["municipality"] for r in rows} == {"Oslo", "Bergen"}
    response = client.get(url, {"propose": "1", "per_municipality": "2", "balance_roles": "1"})
    proposal = response.context["proposal"]
    selected = proposal.selected
    assert len(selected) == 4
    by_place = {}
    for a in selected:
        by_place[a.municipality_id] = by_place.get(a.municipality_id, 0) + 1
    assert max(by_place.values()) == 2
    roles = [a.role for a in selected]
    assert roles.count("elected") == 2  # persons 0 and 3 are the two elected officials
    assert all(a.pk in [x.pk for x in apps] for a in selected)
    response = client.get(url, {"propose": "1", "per_municipality": "zero"})
    assert response.context["errors"] and response.context["proposal"] is None


def test_pool_overview_is_one_query(event, oslo, django_assert_num_queries):
    from wagtail_klimakronsj.applications.selection import pool_overview

    seed(event, 50)
    with django_assert_num_queries(1):
        rows = pool_overview(event.pk)
    assert sum(r["total"] for r in rows) == 50
