"""The package inside a second host site (tests/hostsite/), in a light and a dark theme.

Two more servers on the browser tests' database: the host site with the package's
stylesheet, and the same with ``WAGTAIL_KLIMAKRONSJ_STYLESHEET = False``. Each page is
checked in ``prefers-color-scheme: light`` and ``dark``: the honeypots are invisible and
never focused, the package's styles apply (or, switched off, do not), axe-core finds no
WCAG 2.0/2.1/2.2 A/AA violation (colour contrast included), the host's enforcing CSP is
never violated, and the page reflows at 320 px without horizontal scrolling.
Screenshots go to $KLIMAKRONSJ_ARTIFACTS as host-<page>-<scheme>[-bare].png.
"""

import contextlib
import os
import subprocess
import sys

import pytest

from .conftest import (
    ARCHIVE,
    AXE_TAGS,
    CSP_LISTENER,
    CURRENT_EVENT,
    FORM,
    REPO,
    Server,
    _free_port,
    _wait_for,
    audit,
    fill_valid_application,
)
from .test_pages import unique_email

pytestmark = pytest.mark.browser

HOST_AXE_TAGS = AXE_TAGS  # WCAG 2.0-2.2 A and AA
SCHEMES = ["light", "dark"]
# The host's own colours (tests/hostsite/static/hostsite/host.css).
HOST_TEXT = {"light": "rgb(43, 33, 24)", "dark": "rgb(230, 225, 218)"}
# The package's default accent (klimakronsj.css), light and dark.
ACCENT = {"light": "rgb(11, 83, 148)", "dark": "rgb(156, 202, 255)"}


@contextlib.contextmanager
def run_host_server(server, stylesheet):
    """``runserver`` with tests.hostsite.settings on the browser tests' database."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.hostsite.settings",
            "KLIMAKRONSJ_BROWSER_DIR": str(server.directory),
            "KLIMAKRONSJ_BROWSER_URL": base_url,
            "KLIMAKRONSJ_HOST_STYLESHEET": "1" if stylesheet else "0",
            "PYTHONPATH": os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
        }
    )
    name = "host-server.log" if stylesheet else "host-server-bare.log"
    with open(server.directory / name, "w") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "django", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(base_url + "/", process)
            yield Server(server.directory, base_url)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def host(server):
    with run_host_server(server, stylesheet=True) as host_server:
        yield host_server


@pytest.fixture(scope="module")
def bare_host(server):
    with run_host_server(server, stylesheet=False) as host_server:
        yield host_server


@pytest.fixture
def open_tab(chromium):
    contexts = []

    def open_tab(site, scheme, width=1280):
        context = chromium.new_context(
            base_url=site.base_url, viewport={"width": width, "height": 900}, color_scheme=scheme
        )
        context.set_default_timeout(30_000)
        context.add_init_script(CSP_LISTENER)
        contexts.append(context)
        tab = context.new_page()
        tab.kk_console = []
        tab.on("console", lambda msg: tab.kk_console.append(f"{msg.type}: {msg.text}"))
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def goto(tab, path, expect_status=200):
    response = tab.goto(path)
    assert response.status == expect_status, f"{path}: HTTP {response.status}"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    # The host's own base: its header and nav are there, the package's default base is not.
    assert tab.locator("nav.site-nav").count() == 1
    assert tab.locator(".kk-site, .kk-site-header").count() == 0
    return response


def check_page(tab, name, artifacts, scheme, bare):
    """The host's colours, axe (with wcag22aa), CSP, a screenshot and the 320 px reflow."""
    body = tab.evaluate("getComputedStyle(document.body).color")
    assert body == HOST_TEXT[scheme]
    headline = tab.locator("h1").first
    assert headline.evaluate("h => getComputedStyle(h).color") == HOST_TEXT[scheme]
    text = tab.locator("main p").first
    assert "Georgia" in text.evaluate("p => getComputedStyle(p).fontFamily")
    suffix = f"{scheme}-bare" if bare else scheme
    audit(tab, f"host-{name}-{suffix}", artifacts, tags=HOST_AXE_TAGS)
    if bare:
        # Switched off, the site styles the fields: a <select> is as wide as its longest
        # option and a <textarea> 40 columns unless the site's CSS limits them.
        return
    tab.set_viewport_size({"width": 320, "height": 800})
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{name}: scrolls sideways at 320 px ({width} px)"
    tab.screenshot(path=str(artifacts / f"host-{name}-{suffix}-320.png"), full_page=True)
    tab.set_viewport_size({"width": 1280, "height": 900})


def check_honeypots(tab):
    """Every honeypot: hidden, not in the accessibility tree, never reached with Tab."""
    honeypots = tab.locator("input[name='website']")
    assert honeypots.count() >= 1
    for index in range(honeypots.count()):
        field = honeypots.nth(index)
        assert not field.is_visible()
        assert field.evaluate("f => f.closest('.kk-hp').hidden")
        assert field.evaluate("f => f.getClientRects().length") == 0
    label = tab.locator("label[for$='website']").first.text_content().strip()
    assert label and label not in tab.locator("body").aria_snapshot()
    tab.locator("body").focus()
    seen = []
    for _ in range(80):
        tab.keyboard.press("Tab")
        name = tab.evaluate("document.activeElement && document.activeElement.name || ''")
        seen.append(name)
        assert name != "website", f"the honeypot got focus after {seen}"
    tab.evaluate("document.activeElement && document.activeElement.blur()")


def check_package_styles(tab, scheme, bare):
    button = tab.locator("form.kk-form button.kk-button").first
    field = tab.locator("#id_full_name")
    background = button.evaluate("b => getComputedStyle(b).backgroundColor")
    font = field.evaluate("f => getComputedStyle(f).fontFamily")
    border = field.evaluate("f => getComputedStyle(f).borderTopStyle")  # the browser's: inset
    if bare:
        assert background != ACCENT[scheme]
        assert border != "solid"
    else:
        assert background == ACCENT[scheme]
        assert "Georgia" in font  # the host's font, inherited
        assert border == "solid"
        width = field.evaluate("f => f.getBoundingClientRect().width")
        form = tab.locator("form.kk-form").evaluate("f => f.getBoundingClientRect().width")
        assert width == pytest.approx(form, abs=1)  # fluid: as wide as the form


@pytest.mark.parametrize("bare", [False, True], ids=["styled", "bare"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_event_page(request, open_tab, artifacts, scheme, bare):
    site = request.getfixturevalue("bare_host" if bare else "host")
    tab = open_tab(site, scheme)
    goto(tab, CURRENT_EVENT)
    assert tab.locator(".kk-status").count() == 1
    check_honeypots(tab)  # the feedback box
    stylesheet = tab.locator("main link[rel=stylesheet]")
    assert stylesheet.count() == (0 if bare else 1)
    check_page(tab, "event", artifacts, scheme, bare)


@pytest.mark.parametrize("bare", [False, True], ids=["styled", "bare"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_form_errors_and_receipt(request, open_tab, artifacts, scheme, bare):
    site = request.getfixturevalue("bare_host" if bare else "host")
    tab = open_tab(site, scheme)
    goto(tab, FORM)
    check_honeypots(tab)
    check_package_styles(tab, scheme, bare)
    check_page(tab, "form", artifacts, scheme, bare)

    with tab.expect_navigation():
        tab.locator("form.kk-form button[type=submit]").click()
    assert tab.locator("#kk-error-summary").is_visible()
    check_honeypots(tab)
    check_page(tab, "form-errors", artifacts, scheme, bare)

    address = unique_email(f"host-{scheme}-{'bare' if bare else 'styled'}")
    fill_valid_application(tab, address)
    with tab.expect_navigation():
        tab.locator("form.kk-form button[type=submit]").click()
    assert tab.locator(".kk-receipt").count() == 1, tab.locator("main").inner_text()
    assert address in tab.locator("main").inner_text()
    check_page(tab, "receipt", artifacts, scheme, bare)


@pytest.mark.parametrize("bare", [False, True], ids=["styled", "bare"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_archive(request, open_tab, artifacts, scheme, bare):
    site = request.getfixturevalue("bare_host" if bare else "host")
    tab = open_tab(site, scheme)
    response = goto(tab, ARCHIVE)
    assert 'rel="alternate"; type="application/atom+xml"' in response.headers["link"]
    assert tab.locator(".kk-archive__item").count() > 0
    check_page(tab, "archive", artifacts, scheme, bare)


COMPACT = "\nbody { font-size: 14px; line-height: 1.2; } p { margin: 0.25em 0; }\n"


@pytest.mark.parametrize("bare", [False, True], ids=["styled", "bare"])
def test_archive_targets_in_a_compact_host(request, open_tab, artifacts, bare):
    """WCAG 2.5.8 (target size) holds with a host's tight line height too: the open-data
    links were a list of short links 17 px apart; now they are inline in a line of text."""
    site = request.getfixturevalue("bare_host" if bare else "host")
    tab = open_tab(site, "light")

    def compact(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + COMPACT)

    tab.route("**/hostsite/host.css", compact)
    goto(tab, ARCHIVE)
    assert tab.evaluate("getComputedStyle(document.body).lineHeight") == "16.8px"
    audit(tab, f"host-archive-compact-{'bare' if bare else 'styled'}", artifacts, tags=HOST_AXE_TAGS)
