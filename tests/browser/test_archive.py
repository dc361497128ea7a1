"""The proposal archive (filters applied through its own form) and a proposal page."""

from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import ARCHIVE, EVENT_2021, LANGUAGES, audit, load, url_for

pytestmark = pytest.mark.browser


def apply_filters(page):
    """Pick the 2021 edition and the first topic, as a visitor would, and send the form."""
    edition = page.locator("#id_edition")
    values = edition.locator("option").evaluate_all("o => o.map(x => x.value).filter(Boolean)")
    assert values, "no edition to filter by"
    edition.select_option(values[0])
    topic = page.locator("input[name='topic']").first
    topic.check()
    with page.expect_navigation():
        page.locator(".kk-archive__filters button[type=submit]").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("edition") == [values[0]]
    assert query.get("topic") == [topic.get_attribute("value")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_archive_filtered(page, artifacts, lang):
    load(page, ARCHIVE, lang)
    total = page.locator(".kk-archive__item").count()
    assert total > 0
    apply_filters(page)
    shown = page.locator(".kk-archive__item").count()
    assert 0 < shown <= total
    assert page.locator("#id_edition").input_value()  # the form keeps the filters
    assert page.locator("input[name='topic']:checked").count() == 1
    audit(page, f"archive-filtered-{lang}", artifacts)

    # Nothing found: the page says so and offers a way out.
    page.fill("#id_q", "zzzqqq-ingenting")
    with page.expect_navigation():
        page.locator(".kk-archive__filters button[type=submit]").click()
    assert page.locator(".kk-archive__item").count() == 0
    assert page.locator(".kk-archive__empty a").count() >= 1
    audit(page, f"archive-empty-{lang}", artifacts)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_proposal_page(page, artifacts, lang):
    load(page, ARCHIVE, lang)
    link = page.locator(".kk-archive__item h3 a").first
    title = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == title
    assert page.locator("html").get_attribute("lang") == lang
    # The proposal links back to the edition it came from.
    assert page.locator(f"main a[href='{url_for(EVENT_2021, lang)}']").count() >= 1
    audit(page, f"proposal-{lang}", artifacts)
