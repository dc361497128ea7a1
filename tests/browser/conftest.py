"""Browser tests: headless Debian Chromium driven by Playwright against a real server.

Skipped unless KLIMAKRONSJ_TEST_BROWSER is set. The server is a subprocess
(`runserver` with `tests.browser.settings`) on 127.0.0.1 with a temporary SQLite
database filled by `klimakronsj_demo` and one superuser, started once for the package.
Every public page is served under a strict Content-Security-Policy; `load()` collects
the violations, `audit()` runs axe-core (WCAG 2.0/2.1 A and AA, 2.2 AA) and saves a full-page
screenshot into $KLIMAKRONSJ_ARTIFACTS (default tests/artifacts/).
"""

import email
import email.policy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("KLIMAKRONSJ_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
EDITOR = ("editor", "editor-password-1")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # axe has no "wcag22a" rule
LANGUAGES = ["nn", "en"]

# Paths of the demo content (wagtail_klimakronsj/demo/events.py).
EVENT_2021 = "/klimakronsj-2021/"
CURRENT_EVENT = "/klimakronsj/"
FORM = "/klimakronsj/sok-om-plass/"
ARCHIVE = "/forslag/"

PREPARE = f"""
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
call_command("klimakronsj_demo", verbosity=0)
User = get_user_model()
if not User.objects.filter(username={EDITOR[0]!r}).exists():
    user = User.objects.create_superuser({EDITOR[0]!r}, "editor@example.org", {EDITOR[1]!r})
    from wagtail.users.models import UserProfile
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
"""

CSP_LISTENER = """
window.__kkCsp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__kkCsp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + (e.sourceFile || "") + ":" + (e.lineNumber || ""));
});
"""


def pytest_collection_modifyitems(config, items):
    if os.environ.get("KLIMAKRONSJ_TEST_BROWSER"):
        return
    skip = pytest.mark.skip(reason="browser tests run when KLIMAKRONSJ_TEST_BROWSER is set")
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(skip)


def url_for(path, lang="nn"):
    """The public path in ``lang`` (Nynorsk is the default language, without a prefix)."""
    return path if lang == "nn" else f"/{lang}{path}"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the test server did not answer at {url}")


class Server:
    def __init__(self, directory, base_url):
        self.directory = Path(directory)
        self.base_url = base_url

    def url(self, path, lang="nn"):
        return self.base_url + url_for(path, lang)

    def emails_to(self, address):
        """Messages the server sent to ``address`` (file backend), oldest first."""
        found = []
        mail_dir = self.directory / "mail"
        if not mail_dir.is_dir():
            return found
        for path in sorted(mail_dir.iterdir(), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
                if not chunk.strip():
                    continue
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                if address in str(message.get("To") or ""):
                    found.append(message)
        return found

    def manage_link(self, address):
        """The applicant's own page, as linked in the latest email to ``address``."""
        for message in reversed(self.emails_to(address)):
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            match = re.search(r"https?://\S+/klimakronsj/application/[^/\s]+/", text)
            if match:
                return match.group(0)
        raise AssertionError(f"no email with a manage link to {address}")


@pytest.fixture(scope="package")
def server():
    if not os.environ.get("KLIMAKRONSJ_TEST_BROWSER"):
        pytest.skip("browser tests run when KLIMAKRONSJ_TEST_BROWSER is set")
    directory = tempfile.mkdtemp(prefix="klimakronsj-browser-")
    prepared = os.environ.get("KLIMAKRONSJ_BROWSER_REUSE")  # a kept directory, to iterate
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.browser.settings",
            "KLIMAKRONSJ_BROWSER_DIR": directory,
            "KLIMAKRONSJ_BROWSER_URL": base_url,
            "PYTHONPATH": os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
        }
    )
    if prepared:
        shutil.copytree(prepared, directory, dirs_exist_ok=True)
    else:
        subprocess.run(  # noqa: S603
            [sys.executable, "-c", PREPARE], cwd=REPO, env=env, check=True, timeout=600
        )
    log = open(os.path.join(directory, "server.log"), "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "django", "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(base_url + "/", process)
        yield Server(directory, base_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        if os.environ.get("KLIMAKRONSJ_KEEP_BROWSER_DIR"):
            print(f"browser test server directory kept: {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="package")
def chromium(server):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, server):
    context = chromium.new_context(
        base_url=server.base_url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.kk_console = []
    tab.on(
        "console",
        lambda msg: tab.kk_console.append(f"{msg.type}: {msg.text}"),
    )
    yield tab
    context.close()


#: The narrow viewport of the reflow checks (WCAG 1.4.10), in CSS px: a phone.
WIDTH = 320


@pytest.fixture
def narrow(chromium, server):
    """A 320 px wide tab: the reflow checks, and the phone that opens a link from an email."""
    context = chromium.new_context(
        base_url=server.base_url, viewport={"width": WIDTH, "height": 640}
    )
    context.set_default_timeout(30_000)
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.kk_console = []
    tab.on("console", lambda msg: tab.kk_console.append(f"{msg.type}: {msg.text}"))
    yield tab
    context.close()


@pytest.fixture(scope="package")
def artifacts():
    path = Path(os.environ.get("KLIMAKRONSJ_ARTIFACTS") or REPO / "tests" / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def csp_violations(page):
    """CSP violations seen by the page (events) or reported on the console."""
    events = page.evaluate("window.__kkCsp || []")
    console = [
        line
        for line in page.kk_console
        if "Content Security Policy" in line or "Content-Security-Policy" in line
    ]
    return events + console


def load(page, path, lang="nn", expect_status=200):
    """Open a public page and check it answered ``expect_status`` under the strict CSP."""
    response = page.goto(url_for(path, lang))
    assert response is not None
    assert response.status == expect_status, f"{path} ({lang}): HTTP {response.status}"
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    assert page.locator("html").get_attribute("lang") == lang
    return response


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n         ")
            if summary:
                lines.append(f"         {summary}")
    return "\n".join(lines)


_axe = None


def audit(page, name, artifacts, tags=AXE_TAGS):
    """Screenshot, zero CSP violations, zero axe-core violations (WCAG 2.0/2.1 A+AA, 2.2 AA,
    or the axe ``tags`` given)."""
    global _axe
    from axe_playwright_python.sync_playwright import Axe

    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    violations_csp = csp_violations(page)
    assert violations_csp == [], f"{name}: CSP violations:\n" + "\n".join(violations_csp)
    _axe = _axe or Axe()
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    (artifacts / f"{name}.axe.json").write_text(
        json.dumps(violations, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    assert violations == [], f"{name}: axe-core violations:\n" + format_violations(violations)
    # axe itself must not have tripped the policy either.
    assert csp_violations(page) == violations_csp


def fill_valid_application(page, address):
    page.fill("#id_full_name", "Kari Nordmann")
    page.fill("#id_email", address)
    page.select_option("#id_municipality", label="Oslo (0301)")
    page.check("#id_role_0")
    page.fill("#id_position", "Arealplanleggar")
    page.check("#id_consent")
