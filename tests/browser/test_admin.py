"""An editor creates a workshop event with two sessions in the Wagtail admin."""

import datetime
import sqlite3

import pytest

from .conftest import EDITOR, audit, load

pytestmark = pytest.mark.browser


def home_page_id(server):
    with sqlite3.connect(server.directory / "db.sqlite3") as db:
        (page_id,) = db.execute(
            "SELECT root_page_id FROM wagtailcore_site WHERE is_default_site = 1"
        ).fetchone()
    return page_id


def live_slug(server, title):
    with sqlite3.connect(server.directory / "db.sqlite3") as db:
        row = db.execute(
            "SELECT slug FROM wagtailcore_page WHERE title = ? AND live = 1", (title,)
        ).fetchone()
    assert row is not None, f"no live page titled {title!r}"
    return row[0]


def type_into(page, selector, value):
    """Type like an editor; Escape closes Wagtail's date/time picker again."""
    field = page.locator(selector)
    field.click()
    field.press("Control+A")
    field.press_sequentially(value)
    field.press("Escape")


def test_editor_creates_event_with_two_sessions(page, server, artifacts):
    first = datetime.date.today() + datetime.timedelta(days=90)
    second = first + datetime.timedelta(days=7)
    deadline = first - datetime.timedelta(days=14)

    page.goto("/admin/login/")
    page.fill("#id_username", EDITOR[0])
    page.fill("#id_password", EDITOR[1])
    with page.expect_navigation():
        page.press("#id_password", "Enter")

    page.goto(f"/admin/pages/{home_page_id(server)}/add_subpage/")
    page.get_by_role("link", name="Workshop event", exact=True).click()
    page.wait_for_url("**/add/wagtail_klimakronsj_pages/eventpage/**")

    type_into(page, "#id_title", "Klimakrønsj frå admin")
    type_into(page, "#id_lead", "Eit idéverkstad laga i administrasjonen.")

    page.get_by_role("tab", name="Sessions and questions").click()
    forms = page.locator("[id^='inline_child_klimakronsj_sessions-']:not([id*='__prefix__'])")
    if forms.count() == 0:
        page.get_by_role("button", name="Add session").click()
    page.get_by_role("button", name="Add session").click()
    assert page.locator("#id_klimakronsj_sessions-TOTAL_FORMS").input_value() == "2"
    for index, day, start, end in ((0, first, "09:00", "13:00"), (1, second, "10:00", "14:30")):
        type_into(page, f"#id_klimakronsj_sessions-{index}-date", day.isoformat())
        type_into(page, f"#id_klimakronsj_sessions-{index}-start_time", start)
        type_into(page, f"#id_klimakronsj_sessions-{index}-end_time", end)

    page.get_by_role("tab", name="Applications", exact=True).click()
    type_into(page, "#id_seat_limit", "24")
    type_into(page, "#id_application_deadline_date", deadline.isoformat())
    type_into(page, "#id_external_application_url", "https://example.org/apply/")

    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    with page.expect_navigation():
        page.locator("button[name='action-publish']").click()
    if "/admin/pages/add/" in page.url:
        page.screenshot(path=str(artifacts / "admin-publish-failed.png"), full_page=True)
        errors = page.locator(".messages, .w-field__errors, .error-message, [role=alert]")
        raise AssertionError(f"not published: {errors.all_inner_texts()}")

    # The public page shows both sessions (in the workshop zone, formatted by Django).
    load(page, f"/{live_slug(server, 'Klimakrønsj frå admin')}/")
    assert page.locator("h1").inner_text() == "Klimakrønsj frå admin"
    sessions = page.locator(".kk-sessions .kk-session").all_inner_texts()
    text = "\n".join(sessions)
    assert len(sessions) == 2, sessions
    assert f"{first.day}." in text and f"{second.day}." in text
    assert "09:00" in text and "13:00" in text and "10:00" in text and "14:30" in text
    assert "24" in page.locator("main").inner_text()
    audit(page, "admin-created-event-nn", artifacts)
