"""An applicant who uses only the keyboard: no mouse click anywhere."""

import pytest

from .conftest import FORM, audit, csp_violations, load

pytestmark = pytest.mark.browser

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    id: el.id, tag: el.tagName.toLowerCase(), type: el.type || "", role: el.getAttribute("role"),
    href: el.getAttribute("href"), value: el.value === undefined ? null : el.value,
    text: (el.innerText || "").trim().slice(0, 80),
    visible: outline || style.boxShadow !== "none",
  };
}"""


def active(page):
    return page.evaluate(ACTIVE)


def tab(page, *, shift=False):
    """Press Tab and return the newly focused element, which must show its focus."""
    page.keyboard.press("Shift+Tab" if shift else "Tab")
    element = active(page)
    assert element is not None, "focus went to the page itself"
    assert element["visible"], f"no visible focus on {element}"
    return element


def tab_to(page, predicate, limit=60):
    for _ in range(limit):
        element = tab(page)
        if predicate(element):
            return element
    raise AssertionError("did not reach the element with the Tab key")


def test_keyboard_only_application(page, server, artifacts):
    address = "keyboard-only@example.org"
    load(page, FORM)

    # The skip link comes first and is visible when focused.
    first = tab(page)
    assert first["href"] == "#main"
    assert page.locator(".kk-skip-link").is_visible()

    # Bad input: a name and a broken email address, sent with Enter from the email field.
    tab_to(page, lambda e: e["id"] == "id_full_name")
    page.keyboard.type("Kari Nordmann")
    assert tab(page)["id"] == "id_email"
    page.keyboard.type("kari@")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary is at the top, announced (role=alert) and focused.
    summary = page.locator("#kk-error-summary")
    assert summary.get_attribute("role") == "alert"
    assert summary.get_attribute("tabindex") == "-1"
    focused = active(page)
    assert focused is not None and focused["id"] == "kk-error-summary", focused
    assert focused["visible"]
    assert page.evaluate(
        "document.querySelector('#kk-error-summary').compareDocumentPosition("
        "document.querySelector('.kk-fieldset')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "#id_email" in hrefs
    assert "#id_full_name" not in hrefs  # it was filled in
    for href in hrefs:  # every error links to a field that exists
        assert page.locator(href).count() == 1, href

    # Follow the email error's link with the keyboard: the field gets focus.
    tab_to(page, lambda e: e["href"] == "#id_email")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_email'")
    described = page.locator("#id_email").get_attribute("aria-describedby") or ""
    assert "id_email_error" in described.split()

    # Fix everything with the keyboard alone.
    page.keyboard.press("Control+A")
    page.keyboard.type(address)
    seen = []
    for _ in range(40):
        element = tab(page)
        seen.append(element["id"] or element["tag"])
        if element["id"] == "id_municipality_filter":
            page.keyboard.type("0301")  # the enhancement picks the only match
        elif element["id"] == "id_municipality":
            if not element["value"]:
                page.keyboard.type("Oslo")
            assert page.locator("#id_municipality option:checked").inner_text() == "Oslo (0301)"
        elif element["id"].startswith("id_role_"):
            page.keyboard.press("Space")
        elif element["id"] == "id_position":
            page.keyboard.type("Arealplanleggar")
        elif element["id"] == "id_interests":
            page.keyboard.type("Klimabudsjett og arealplanar.")
        elif element["id"] == "id_consent":
            page.keyboard.press("Space")
            assert page.locator("#id_consent").is_checked()
        elif element["tag"] == "button" and element["type"] == "submit":
            break
    else:
        raise AssertionError(f"never reached the submit button: {seen}")
    print("tab order:", seen)
    assert "id_website" not in seen  # the honeypot is out of the tab order
    for required in ("id_municipality", "id_position", "id_consent"):
        assert required in seen
    assert any(name.startswith("id_role_") for name in seen)
    assert page.locator("#id_role_0").is_checked() or page.locator("#id_role_1").is_checked()

    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The receipt page.
    assert page.locator("#kk-error-summary").count() == 0, page.locator("main").inner_text()
    assert page.locator(".kk-receipt").count() == 1
    assert address in page.locator("main").inner_text()
    assert csp_violations(page) == []
    assert server.manage_link(address)
    audit(page, "keyboard-receipt-nn", artifacts)
