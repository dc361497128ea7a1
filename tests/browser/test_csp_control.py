"""Control: the CSP collector sees a violation when there is one (else zero proves nothing)."""

import pytest

from .conftest import csp_violations
from .csp import STRICT_CSP

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html lang="nn"><head><title>x</title></head><body>
<p style="color: red">inline style</p>
<script>document.title = "ran";</script>
<script type="application/ld+json">{"@type": "Event"}</script>
</body></html>"""


def test_collector_reports_inline_script_and_style(page, server):
    def fulfil(route):
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": STRICT_CSP},
            body=BAD_PAGE,
        )

    page.route("**/csp-control/", fulfil)
    page.goto("/csp-control/")
    page.wait_for_function("window.__kkCsp.length >= 2")  # the events come asynchronously
    found = csp_violations(page)
    assert page.title() == "x"  # the inline script was blocked
    assert any("script-src" in line for line in found), found
    assert any("style-src" in line for line in found), found
    assert not any("ld+json" in line for line in found)
