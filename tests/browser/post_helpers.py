"""Helpers of test_post_journeys.py: the server's database, and sending a form as a person."""

import json
import os
import sqlite3
import subprocess
import sys

from .conftest import CSP_LISTENER, REPO

# -- the server's database -------------------------------------------------------


def run(server, name, **arguments):
    """``journey_data.<name>(**arguments)`` in a process with the server's settings."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.browser.settings",
            "KLIMAKRONSJ_BROWSER_DIR": str(server.directory),
            "KLIMAKRONSJ_BROWSER_URL": server.base_url,
            "PYTHONPATH": os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]),
        }
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.browser.journey_data", name, json.dumps(arguments)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])["result"]


def query(server, sql, *params):
    with sqlite3.connect(server.directory / "db.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def status_of(server, application_id):
    ((status,),) = query(
        server, "SELECT status FROM wagtail_klimakronsj_application WHERE id = ?", application_id
    )
    return status


def application_by_email(server, address):
    rows = query(
        server,
        "SELECT id, status, event_id FROM wagtail_klimakronsj_application WHERE email = ?",
        address,
    )
    assert len(rows) == 1, f"{address}: {rows}"
    return rows[0]


# -- the browser -------------------------------------------------------------------


def new_context(chromium, server):
    context = chromium.new_context(
        base_url=server.base_url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(30_000)
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.kk_console = []
    tab.on("console", lambda msg: tab.kk_console.append(f"{msg.type}: {msg.text}"))
    return context, tab


def _is_post(request):
    return request.method == "POST"


def _check_post(request, server):
    answer = request.response()
    assert answer is not None
    origin = request.all_headers().get("origin")
    assert origin == server.base_url, f"POST {request.url}: Origin {origin!r}, HTTP {answer.status}"
    assert answer.status != 403, f"POST {request.url} refused: {answer.text()[:500]}"
    return answer


def submit(page, control, server, *, status=200, press=None):
    """Click ``control`` (or press a key in it) to send its form, as a person would, and
    follow to the page it leads to. The POST carried this site's Origin and was not
    refused; the page at the end answered ``status``."""
    with page.expect_request(_is_post) as posted, page.expect_navigation() as navigated:
        if press:
            control.press(press)
        else:
            control.click()
    _check_post(posted.value, server)
    final = navigated.value
    assert final is not None
    assert final.status == status, (
        f"{final.url}: HTTP {final.status}\n" + page.locator("body").inner_text()[:800]
    )
    return final


def download(page, control, server):
    """Click ``control`` whose POST answers with a file; the file's text."""
    with page.expect_request(_is_post) as posted, page.expect_download() as downloaded:
        control.click()
    answer = _check_post(posted.value, server)
    assert answer.status == 200
    return downloaded.value.path().read_text(encoding="utf-8")


def messages(page):
    return " ".join(page.locator(".messages").all_inner_texts())


def referer_to_another_site(page, server):
    """The Referer the page sends when the visitor follows a link to another site (this
    server under another name: another origin to the browser)."""
    away = server.base_url.replace("127.0.0.1", "localhost") + "/"
    page.evaluate(
        """url => {
          const link = Object.assign(document.createElement("a"), {href: url, id: "kk-away"});
          link.textContent = "away";
          document.querySelector("main").append(link);
        }""",
        away,
    )
    with page.expect_request(away) as request, page.expect_navigation():
        page.locator("#kk-away").click()
    return request.value.all_headers().get("referer")


def fill_application(form, address, *, municipality="Bergen (4601)"):
    form.locator("#id_full_name").fill("Kari Nordmann")
    form.locator("#id_email").fill(address)
    form.locator("#id_municipality").select_option(label=municipality)
    form.locator("#id_role_0").check()
    form.locator("#id_position").fill("Arealplanleggar")
    form.locator("#id_consent").check()
