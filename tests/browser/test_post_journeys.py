"""Every POST the package serves, clicked through in headless Chromium as a person would.

Each click must send the page's real ``Origin`` (never "null", which a ``no-referrer``
page makes the browser send and Django's CSRF check refuses), get no 403, and lead to
the right page with the right change in the database. Every test has its own event and
applications in the server's database (``JOURNEYS``, made in one process for the
module by ``journey_data``), so none depends on another, on their order or on the demo
content; one browser context serves the applicant's tests and one the organiser's
(logged in once).
"""

import json
import uuid

import pytest

from .conftest import EDITOR, audit, load
from .post_helpers import (
    application_by_email,
    download,
    fill_application,
    messages,
    new_context,
    query,
    referer_to_another_site,
    run,
    status_of,
    submit,
)

pytestmark = pytest.mark.browser

#: What each test needs: its own event (journey_data.event), applications (seed).
JOURNEYS = {
    "apply": {},
    "embedded": {"event": {"embed": True}},
    "withdraw": {},
    "renew": {"seed": {"count": 1}, "expired_link": True},
    "feedback": {},
    "decide": {"seed": {"count": 1}},
    "bulk": {"seed": {"count": 3}},
    "pool": {"event": {"seat_limit": 2}, "seed": {"count": 4}},
    "groups": {"seed": {"count": 11, "status": "accepted"}},
    "attendance": {"event": {"sessions": 2}, "seed": {"count": 2, "status": "accepted"}},
    "personal_data": {"seed": {"count": 1}},
}


@pytest.fixture(scope="module")
def made(server):
    return run(server, "journeys", specs=JOURNEYS)


@pytest.fixture(scope="module")
def page(chromium, server):
    """The applicant's tab (not logged in), for every test of the module."""
    context, tab = new_context(chromium, server)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def desk(chromium, server):
    """The organiser's tab: the editor superuser, logged in once."""
    context, tab = new_context(chromium, server)
    tab.goto("/admin/login/")
    tab.fill("#id_username", EDITOR[0])
    tab.fill("#id_password", EDITOR[1])
    submit(tab, tab.locator("#id_password"), server, press="Enter")
    assert "/admin/login/" not in tab.url
    yield tab
    context.close()


# -- the applicant -------------------------------------------------------------------


def apply(page, server, form_path, address):
    load(page, form_path)
    form = page.locator("form.kk-form")
    fill_application(form, address)
    submit(page, form.locator("button[type=submit]"), server)
    assert page.locator("#kk-error-summary").count() == 0, page.locator("main").inner_text()
    return application_by_email(server, address)


def test_apply_on_the_form_page(page, server, made, artifacts):
    event = made["apply"]
    address = f"apply-{uuid.uuid4().hex[:6]}@example.org"
    load(page, event["form_path"])
    form = page.locator("form.kk-form")

    # Sent empty: the same page with the errors, nothing stored.
    submit(page, form.locator("button[type=submit]"), server)
    assert page.locator("#kk-error-summary").is_visible()
    stored = "SELECT COUNT(*) FROM wagtail_klimakronsj_application WHERE event_id = ?"
    assert query(server, stored, event["event"]) == [(0,)]

    fill_application(page.locator("form.kk-form"), address)
    submit(page, page.locator("form.kk-form button[type=submit]"), server)
    assert "/receipt/" in page.url
    assert page.locator(".kk-receipt .kk-notice--success").is_visible()
    _pk, status, event_id = application_by_email(server, address)
    assert (status, event_id) == ("pending", event["event"])
    audit(page, "post-receipt-nn", artifacts)
    assert referer_to_another_site(page, server) is None  # the receipt's address is signed


def test_apply_on_the_event_page(page, chromium, server, made):
    """ "Show the form on this page": the form is on the event page and posts to the form
    page, with this visitor's CSRF token though another visitor saw the page first."""
    event = made["embedded"]
    address = f"embedded-{uuid.uuid4().hex[:6]}@example.org"
    other, other_tab = new_context(chromium, server)
    load(other_tab, event["event_path"])  # the cached parts are stored now
    other.close()
    load(page, event["event_path"])
    form = page.locator("#kk-apply form.kk-form")
    assert form.count() == 1
    fill_application(form, address, municipality="Tromsø (5501)")
    submit(page, form.locator("button[type=submit]"), server)
    assert "/receipt/" in page.url
    assert page.locator(".kk-receipt .kk-notice--success").is_visible()
    _pk, status, event_id = application_by_email(server, address)
    assert (status, event_id) == ("pending", event["event"])


def test_withdraw_from_the_link_in_the_receipt(page, server, made, artifacts):
    event = made["withdraw"]
    address = f"withdraw-{uuid.uuid4().hex[:6]}@example.org"
    pk, _status, _event = apply(page, server, event["form_path"], address)

    assert page.goto(server.manage_link(address)).status == 200
    form = page.locator("form.kk-form")
    button = form.locator("button[type=submit]")

    # Without the tick: the page says what to do, nothing changes.
    submit(page, button, server)
    assert page.locator(".kk-error-summary").is_visible()
    assert status_of(server, pk) == "pending"

    page.locator("form.kk-form input[name=confirm]").check()
    submit(page, page.locator("form.kk-form button[type=submit]"), server)
    assert "withdrawn=1" in page.url
    assert page.locator(".kk-notice--success").is_visible()
    assert page.locator("form.kk-form").count() == 0
    assert status_of(server, pk) == "withdrawn"
    receipt, confirmation = server.emails_to(address)  # as the notice says
    assert confirmation["Subject"] != receipt["Subject"]
    audit(page, "post-withdrawn-nn", artifacts)
    assert referer_to_another_site(page, server) is None


def test_expired_link_sends_a_new_one(page, server, made, artifacts):
    (person,), expired = made["renew"]["people"], made["renew"]["expired"]

    load(page, expired, expect_status=410)
    assert server.emails_to(person["email"]) == []
    submit(page, page.get_by_role("button", name="Send meg ei ny lenkje"), server)
    assert page.url.endswith(expired + "renew/?sent=1")  # POST/redirect/GET
    assert page.locator("h1").inner_text() == "Vi har sendt deg ei ny lenkje"
    assert len(server.emails_to(person["email"])) == 1
    audit(page, "post-link-renewed-nn", artifacts)
    posts = []

    def seen(request):
        posts.append(request)

    page.on("request", seen)
    answer = page.reload()  # a GET: reloading sends no other email
    page.remove_listener("request", seen)
    assert answer.status == 200 and answer.request.method == "GET"
    assert {request.method for request in posts} == {"GET"}
    assert page.locator("h1").inner_text() == "Vi har sendt deg ei ny lenkje"
    assert len(server.emails_to(person["email"])) == 1

    fresh = server.manage_link(person["email"])
    assert fresh != server.base_url + expired
    assert page.goto(fresh).status == 200
    assert person["email"] in page.locator("main").inner_text()


def test_feedback_box(page, desk, server, made):
    event = made["feedback"]
    comment = f"Kor er påmeldinga? {uuid.uuid4().hex[:6]}"
    load(page, event["event_path"])
    box = page.locator("form.kk-feedback__form")
    box.get_by_label("Nei", exact=True).check()
    box.locator("textarea").fill(comment)
    submit(page, box.locator("button[type=submit]"), server)
    assert page.url.endswith("?feedback=thanks#kk-feedback")
    assert page.locator("#kk-feedback-heading").inner_text() == "Takk for tilbakemeldinga"
    rows = query(
        server,
        "SELECT helpful, comment FROM wagtail_klimakronsj_pagefeedback WHERE page_id = ?",
        event["event"],
    )
    assert rows == [(0, comment)]

    # The organiser's report shows it.
    desk.goto(f"/admin/klimakronsj/feedback/{event['event']}/")
    assert comment in desk.locator("main").inner_text()


# -- the organiser's desk --------------------------------------------------------------


def inspect_url(pk):
    return f"/admin/wagtail_klimakronsj/application/inspect/{pk}/"


def test_decide_one_application(desk, server, made):
    """Each decision on the application's own page goes through the review step."""
    (person,) = made["decide"]["people"]
    desk.goto(inspect_url(person["pk"]))

    def review(button):
        decisions = desk.locator("form.klimakronsj-inline-form")
        submit(desk, decisions.get_by_role("button", name=button, exact=True), server)
        assert desk.locator("h1").inner_text().startswith("Review the decision")

    # A misclick on Decline changes nothing and sends nothing; Cancel leads back.
    review("Decline")
    assert status_of(server, person["pk"]) == "pending"
    with desk.expect_navigation():
        desk.get_by_role("link", name="Cancel").click()
    assert desk.url.endswith(inspect_url(person["pk"]))
    assert status_of(server, person["pk"]) == "pending"
    assert len(server.emails_to(person["email"])) == 0

    for button, status in (
        ("Accept", "accepted"),
        ("Put on the waiting list", "waitlisted"),
        ("Decline", "declined"),
    ):
        before = status_of(server, person["pk"])
        review(button)
        assert status_of(server, person["pk"]) == before  # nothing yet
        submit(desk, desk.get_by_role("button", name="Confirm"), server)
        assert desk.url.endswith(inspect_url(person["pk"]))
        assert "1 application changed." in messages(desk)
        assert status_of(server, person["pk"]) == status


def test_bulk_decision_with_the_confirm_step(desk, server, made):
    event, people = made["bulk"], made["bulk"]["people"]
    list_url = f"/admin/wagtail_klimakronsj/application/?event={event['event']}"
    desk.goto(list_url)
    for person in people[:2]:
        desk.get_by_label(f"Select {person['name']}").check()
    desk.locator("#klimakronsj-bulk-decision").select_option("waitlisted")
    submit(desk, desk.get_by_role("button", name="Review the decision"), server)
    assert desk.locator("h1").inner_text().startswith("Review the decision")
    assert [status_of(server, p["pk"]) for p in people] == ["pending"] * 3  # nothing yet

    submit(desk, desk.get_by_role("button", name="Confirm"), server)
    assert desk.url.endswith(list_url)
    assert "2 applications changed." in messages(desk)
    assert [status_of(server, p["pk"]) for p in people] == ["waitlisted", "waitlisted", "pending"]


def test_fair_selection_from_the_pool(desk, server, made):
    event, people = made["pool"], made["pool"]["people"]
    desk.goto(f"/admin/klimakronsj/events/{event['event']}/pool/")
    desk.locator("#id_per_municipality").fill("1")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Propose", exact=True).click()
    proposed = desk.locator("input[name=selected]:checked")
    assert proposed.count() == 2  # the two seats
    submit(desk, desk.get_by_role("button", name="Review accepting these"), server)
    submit(desk, desk.get_by_role("button", name="Confirm"), server)
    assert "/pool/" in desk.url
    assert "2 applications changed." in messages(desk)
    statuses = [status_of(server, p["pk"]) for p in people]
    assert statuses == ["accepted", "accepted", "pending", "pending"]


def _groups(server, event_id):
    return query(
        server,
        "SELECT g.id, g.number, g.facilitator_name, g.facilitator_email, g.confirmed_at,"
        " (SELECT COUNT(*) FROM wagtail_klimakronsj_application a WHERE a.group_id = g.id)"
        " FROM wagtail_klimakronsj_participantgroup g WHERE g.event_id = ? ORDER BY g.number",
        event_id,
    )


def test_groups(desk, server, made):
    event, people = made["groups"], made["groups"]["people"]
    url = f"/admin/klimakronsj/events/{event['event']}/groups/"
    desk.goto(url)

    submit(desk, desk.get_by_role("button", name="Propose groups"), server)
    assert "Proposed 2 groups." in messages(desk)
    groups = _groups(server, event["event"])
    assert sorted(g[5] for g in groups) == [5, 6]

    # A facilitator's email that is not one: the browser holds the form (type=email).
    first = groups[0][0]
    desk.locator(f"#id_facilitator_name-{first}").fill("Fasilitator Ein")
    email = desk.locator(f"#id_facilitator_email-{first}")
    email.fill("not an address")
    desk.get_by_role("button", name="Save changes").click()
    assert email.evaluate("field => field.matches(':invalid') && document.activeElement === field")
    assert _groups(server, event["event"])[0][2] == ""

    # Facilitator and a move to a new group.
    facilitator = f"fasilitator-{uuid.uuid4().hex[:6]}@example.org"
    desk.locator(f"#id_facilitator_email-{first}").fill(facilitator)
    moved = people[0]["pk"]
    desk.locator(f"#id_group-{moved}").select_option("new")
    submit(desk, desk.get_by_role("button", name="Save changes"), server)
    assert "Groups saved." in messages(desk)
    groups = _groups(server, event["event"])
    assert len(groups) == 3
    assert (groups[0][2], groups[0][3]) == ("Fasilitator Ein", facilitator)
    ((group_of_moved,),) = query(
        server, "SELECT group_id FROM wagtail_klimakronsj_application WHERE id = ?", moved
    )
    assert group_of_moved == groups[2][0] and groups[2][5] == 1

    submit(desk, desk.get_by_role("button", name="Confirm the groups"), server)
    assert "Groups confirmed." in messages(desk)
    assert all(g[4] for g in _groups(server, event["event"]))

    submit(desk, desk.get_by_role("button", name="Email members and facilitators"), server)
    assert "12 emails queued." in messages(desk)  # 11 members and one facilitator
    assert server.emails_to(facilitator)
    assert server.emails_to(people[5]["email"])

    submit(desk, desk.get_by_role("button", name="Undo the confirmation"), server)
    assert "The groups can be changed again." in messages(desk)
    assert not any(g[4] for g in _groups(server, event["event"]))
    assert desk.url.endswith(url)


def test_attendance(desk, server, made):
    event, people = made["attendance"], made["attendance"]["people"]
    desk.goto(f"/admin/klimakronsj/events/{event['event']}/attendance/")
    boxes = desk.locator("form input[type=checkbox]")
    assert boxes.count() == 4
    boxes.nth(0).check()
    boxes.nth(3).check()
    submit(desk, desk.get_by_role("button", name="Save attendance"), server)
    assert "Attendance saved." in messages(desk)
    rows = query(
        server,
        "SELECT application_id, present FROM wagtail_klimakronsj_attendance"
        " WHERE application_id IN (?, ?) ORDER BY session_id, application_id",
        people[0]["pk"],
        people[1]["pk"],
    )
    present = sorted((pk for pk, here in rows if here))
    assert len(rows) == 4 and len(present) == 2, rows
    assert desk.locator("form input[type=checkbox]:checked").count() == 2


def test_personal_data_export_and_erasure(desk, server, made):
    (person,) = made["personal_data"]["people"]
    desk.goto("/admin/klimakronsj/personal-data/")
    desk.locator("#id_email").fill(person["email"])
    with desk.expect_navigation():
        desk.get_by_role("button", name="Find").click()

    data = json.loads(
        download(desk, desk.get_by_role("button", name="Download everything (JSON)"), server)
    )
    assert [a["email"] for a in data["applications"]] == [person["email"]]

    submit(desk, desk.get_by_role("button", name="Erase…"), server)
    assert desk.locator("#klimakronsj-erase").is_visible()
    assert query(
        server, "SELECT erased_at FROM wagtail_klimakronsj_application WHERE id = ?", person["pk"]
    ) == [(None,)]
    submit(desk, desk.get_by_role("button", name="Erase", exact=True), server)
    assert "Erased the personal data of 1 application." in messages(desk)
    ((erased_at, email),) = query(
        server,
        "SELECT erased_at, email FROM wagtail_klimakronsj_application WHERE id = ?",
        person["pk"],
    )
    assert erased_at is not None and person["email"] not in email


def test_proposal_topic_snippet(desk, server):
    name = f"Tema {uuid.uuid4().hex[:6]}"
    desk.goto("/admin/snippets/wagtail_klimakronsj/topic/add/")
    desk.locator("#id_name").fill(name)
    desk.locator("#id_slug").fill(name.lower().replace(" ", "-"))
    submit(desk, desk.get_by_role("button", name="Save"), server)
    assert query(server, "SELECT slug FROM wagtail_klimakronsj_topic WHERE name = ?", name) == [
        (name.lower().replace(" ", "-"),)
    ]
