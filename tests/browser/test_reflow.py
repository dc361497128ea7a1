"""Reflow (WCAG 1.4.10): at 320 CSS px wide every public page of the example site reads
without scrolling sideways, and still passes axe (target size included)."""

import itertools

import pytest

from .conftest import ARCHIVE, CURRENT_EVENT, EVENT_2021, FORM, LANGUAGES, WIDTH, audit, load

pytestmark = pytest.mark.browser

#: What sticks out to the right of the viewport (or left of it), for the failure message.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || (r.right <= width + 0.5 && r.left >= -0.5)) continue;
    const s = getComputedStyle(el);
    if (s.position === "absolute" && (s.clip !== "auto" || s.clipPath !== "none")) continue;
    const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls +
      " [" + Math.round(r.left) + ", " + Math.round(r.right) + "]");
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, out: out.slice(0, 15)};
}
"""

_counter = itertools.count(1)


def assert_reflows(page, name, artifacts):
    result = page.evaluate(OVERFLOW)
    assert result["width"] == WIDTH
    assert result["scrollWidth"] <= WIDTH, (
        f"{name}: scrolls sideways at {WIDTH} px (content {result['scrollWidth']} px wide):\n  "
        + "\n  ".join(result["out"])
    )
    audit(page, f"reflow-{name}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("event-current", CURRENT_EVENT),
        ("event-2021", EVENT_2021),
        ("form", FORM),
        ("archive", ARCHIVE),
    ],
)
def test_page_reflows(narrow, artifacts, lang, name, path):
    load(narrow, path, lang)
    assert_reflows(narrow, f"{name}-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_archive_with_filters_and_proposal_reflow(narrow, artifacts, lang):
    load(narrow, ARCHIVE, lang)
    narrow.locator("input[name='topic']").first.check()
    with narrow.expect_navigation():
        narrow.locator(".kk-archive__filters button[type=submit]").click()
    assert_reflows(narrow, f"archive-filtered-{lang}", artifacts)
    with narrow.expect_navigation():
        narrow.locator(".kk-archive__item h3 a").first.click()
    assert_reflows(narrow, f"proposal-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_form_with_errors_receipt_and_applicant_page_reflow(narrow, server, artifacts, lang):
    load(narrow, FORM, lang)
    narrow.fill("#id_email", "not an address")
    with narrow.expect_navigation():
        narrow.locator("form.kk-form button[type=submit]").click()
    assert narrow.locator("#kk-error-summary").is_visible()
    assert_reflows(narrow, f"form-errors-{lang}", artifacts)

    address = f"reflow-{lang}-{next(_counter)}@example.org"
    narrow.fill("#id_full_name", "Kari Nordmann")
    narrow.fill("#id_email", address)
    narrow.select_option("#id_municipality", label="Oslo (0301)")
    narrow.check("#id_role_0")
    narrow.fill("#id_position", "Arealplanleggar")
    narrow.check("#id_consent")
    with narrow.expect_navigation():
        narrow.locator("form.kk-form button[type=submit]").click()
    assert narrow.locator("#kk-error-summary").count() == 0
    assert_reflows(narrow, f"receipt-{lang}", artifacts)

    response = narrow.goto(server.manage_link(address))
    assert response.status == 200
    assert_reflows(narrow, f"applicant-{lang}", artifacts)


def test_the_check_catches_a_page_that_scrolls_sideways(narrow, server):
    """Control: a 400 px wide box in a 320 px viewport is reported, with its place."""
    load(narrow, FORM)
    narrow.evaluate(
        """() => { const box = document.createElement("div"); box.className = "kk-wide";
        box.style.width = "400px"; box.style.height = "10px";
        document.querySelector("main").appendChild(box); }"""
    )
    result = narrow.evaluate(OVERFLOW)
    assert result["scrollWidth"] > WIDTH
    assert any(line.startswith("div.kk-wide") for line in result["out"]), result["out"]
