"""Where focus lands after a submit, with and without JavaScript, and the words of the
municipality filter (taken from the page, in its language)."""

import itertools

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .conftest import CSP_LISTENER, FORM, LANGUAGES, fill_valid_application, load

pytestmark = pytest.mark.browser

_counter = itertools.count(1)

FOCUSED = """() => {
  const el = document.activeElement;
  return el ? el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") : null;
}"""


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def tab(request, chromium, server):
    context = chromium.new_context(
        base_url=server.base_url,
        viewport={"width": 1280, "height": 900},
        java_script_enabled=request.param,
    )
    context.set_default_timeout(30_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.kk_console = []
    yield page
    context.close()


def focused(page):
    """The focused element, once the browser has run autofocus (at its next rendering
    update after load, so wait a moment for focus to leave the body)."""
    page.wait_for_load_state("load")
    try:
        page.wait_for_function("() => document.activeElement !== document.body", timeout=1500)
    except PlaywrightTimeout:
        pass
    return page.evaluate(FOCUSED)


def test_focus_after_a_submit(tab):
    load(tab, FORM)
    with tab.expect_navigation():
        tab.locator("form.kk-form button[type=submit]").click()
    assert focused(tab) == "div#kk-error-summary"

    fill_valid_application(tab, f"focus-{next(_counter)}@example.org")
    with tab.expect_navigation():
        tab.locator("form.kk-form button[type=submit]").click()
    assert focused(tab) == "h1"
    assert tab.title().startswith("Kvittering – ")


def test_focus_after_withdrawing(tab, server):
    """Needs the withdraw POST to pass Django's origin check in Chromium (issue 14, item 1:
    the applicant's page must not send ``Referrer-Policy: no-referrer``)."""
    address = f"focus-withdraw-{next(_counter)}@example.org"
    load(tab, FORM)
    fill_valid_application(tab, address)
    with tab.expect_navigation():
        tab.locator("form.kk-form button[type=submit]").click()
    tab.goto(server.manage_link(address))
    assert focused(tab) == "body"  # arriving from a link: nothing moves
    with tab.expect_navigation() as unconfirmed:
        tab.locator("form.kk-form button[type=submit]").click()
    assert unconfirmed.value.status == 200, "the withdraw POST was refused"
    assert focused(tab) == "div"  # the withdraw form's own error summary
    tab.check("input[name=confirm]")
    with tab.expect_navigation():
        tab.locator("form.kk-form button[type=submit]").click()
    assert focused(tab) == "h1"
    assert tab.title().startswith("Søknaden er trekt – ")


@pytest.mark.parametrize(
    ("lang", "one", "hint"),
    [
        ("nn", "1 av 357 kommunar", "søkjefeltet"),
        ("en", "1 of 357 municipalities", "search box"),
    ],
)
def test_filter_status_and_hint_in_the_pages_language(page, lang, one, hint):
    load(page, FORM, lang)
    field_hint = page.locator("#id_municipality_hint")
    assert hint in field_hint.inner_text()  # the script put its own hint in place
    box = page.locator("#id_municipality_filter")
    assert "id_municipality_hint" in box.get_attribute("aria-describedby")
    box.fill("0301")
    status = page.locator("#id_municipality_filter_status")
    assert status.inner_text() == one
    assert page.locator("#id_municipality").input_value() != ""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_without_javascript_the_hint_promises_no_search(chromium, server, lang):
    context = chromium.new_context(base_url=server.base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.kk_console = []
        page.add_init_script(CSP_LISTENER)
        load(page, FORM, lang)
        assert page.locator("#id_municipality_filter").count() == 0
        text = page.locator("#id_municipality_hint").inner_text()
        assert ("søkjefeltet" not in text) and ("search box" not in text)
        assert ("fylke" in text) if lang == "nn" else ("county" in text)
    finally:
        context.close()
