"""An editor creates a workshop event with two sessions in the Wagtail admin."""

import datetime
import sqlite3
import uuid

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
    if row is None:
        with sqlite3.connect(server.directory / "db.sqlite3") as db:
            newest = db.execute(
                "SELECT id, title, slug, live FROM wagtailcore_page ORDER BY id DESC LIMIT 3"
            ).fetchall()
        raise AssertionError(f"no live page titled {title!r}; newest pages: {newest}")
    return row[0]


def type_into(page, selector, value):
    """Fill a field like an editor: click, type, Tab away (which closes a date picker)."""
    field = page.locator(selector)
    field.click()
    field.fill(value)
    field.press("Tab")
    assert field.input_value() == value, f"{selector}: {field.input_value()!r} != {value!r}"


def close_pickers(page):
    """Close any date/time picker still open (it opens on focus, a moment later)."""
    pickers = page.locator(".xdsoft_datetimepicker:visible")
    for _ in range(20):
        if pickers.count() == 0:
            return
        page.locator("[role=tab][aria-selected=true]").click()  # a harmless click elsewhere
        page.wait_for_timeout(200)
    raise AssertionError("a date picker stays open")


def test_editor_creates_event_with_two_sessions(page, server, artifacts):
    title = f"Klimakrønsj frå admin {uuid.uuid4().hex[:6]}"
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

    type_into(page, "#id_title", title)
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

    close_pickers(page)
    page.get_by_role("tab", name="Applications", exact=True).click()
    type_into(page, "#id_seat_limit", "24")
    type_into(page, "#id_application_deadline_date", deadline.isoformat())
    type_into(page, "#id_external_application_url", "https://example.org/apply/")

    close_pickers(page)
    assert page.locator("#id_title").input_value() == title
    page.locator("footer [data-w-dropdown-target='toggle']").last.click()
    publish = page.locator("button[name='action-publish']")
    publish.wait_for(state="visible")
    with page.expect_navigation():
        publish.click()
    page.screenshot(path=str(artifacts / "admin-after-publish.png"), full_page=True)
    messages = page.locator(".messages").all_inner_texts()
    if "/admin/pages/add/" in page.url:
        errors = page.locator(".w-field__errors, .error-message, [role=alert]")
        details = [" ".join(t.split()) for t in errors.all_inner_texts() if t.strip()]
        raise AssertionError(f"not published: {messages} {details}")
    assert any("published" in text for text in messages), messages

    # The public page shows both sessions (in the workshop zone, formatted by Django).
    load(page, f"/{live_slug(server, title)}/")
    assert page.locator("h1").inner_text() == title
    sessions = page.locator(".kk-sessions .kk-session").all_inner_texts()
    text = "\n".join(sessions)
    assert len(sessions) == 2, sessions
    assert f"{first.day}." in text and f"{second.day}." in text
    assert "09:00" in text and "13:00" in text and "10:00" in text and "14:30" in text
    assert "24" in page.locator("main").inner_text()
    audit(page, "admin-created-event-nn", artifacts)
