"""Every public page in Nynorsk and English: strict CSP, axe-core clean, screenshot."""

import itertools

import pytest

from .conftest import (
    CURRENT_EVENT,
    EVENT_2021,
    FORM,
    LANGUAGES,
    audit,
    fill_valid_application,
    load,
)

pytestmark = pytest.mark.browser

_counter = itertools.count(1)


def unique_email(prefix):
    return f"{prefix}-{next(_counter)}@example.org"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_event_2021(page, artifacts, lang):
    load(page, EVENT_2021, lang)
    assert page.locator("h1").count() == 1
    audit(page, f"event-2021-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_current_event(page, artifacts, lang):
    load(page, CURRENT_EVENT, lang)
    assert page.locator("h1").count() == 1
    audit(page, f"event-current-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_empty(page, artifacts, lang):
    load(page, FORM, lang)
    assert page.locator("form.kk-form").count() == 1
    audit(page, f"form-empty-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_with_errors(page, artifacts, lang):
    load(page, FORM, lang)
    page.fill("#id_email", "not an address")
    page.locator("form.kk-form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("#kk-error-summary")
    assert summary.is_visible()
    assert summary.locator("a").count() >= 3
    audit(page, f"form-errors-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_receipt_and_applicant_page(page, server, artifacts, lang):
    address = unique_email(f"receipt-{lang}")
    load(page, FORM, lang)
    fill_valid_application(page, address)
    page.locator("form.kk-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#kk-error-summary").count() == 0, page.locator("main").inner_text()
    audit(page, f"form-receipt-{lang}", artifacts)

    link = server.manage_link(address)
    assert ("/en/" in link) == (lang == "en"), link
    response = page.goto(link)
    assert response.status == 200
    assert address in page.locator("main").inner_text()
    audit(page, f"applicant-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_applicant_link_changed(page, artifacts, lang):
    """A changed link gets a clear page (400), as clean as the others."""
    load(page, "/klimakronsj/application/12:changed:signature/", lang, expect_status=400)
    assert page.locator("h1").count() == 1
    audit(page, f"applicant-link-changed-{lang}", artifacts)
