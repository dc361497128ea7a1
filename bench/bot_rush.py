"""How many seats one script from one address takes in a minute (issue 14).

A lab tool, not part of the package. Three steps, each its own command:

    # 1. inside the site (its settings, its database): a first-come event, 50 seats,
    #    applicants must confirm their email when the code has that setting
    python bench/bot_rush.py setup --site example_site          -> prints the form's URL
    # 2. against the live server (loopback only), for --seconds or until the seats are gone
    python bench/bot_rush.py rush --url http://127.0.0.1:8742/bot-rush-form/ --mode reuse
    python bench/bot_rush.py rush --url ... --mode fresh
    # 3. inside the site again: what the script got
    python bench/bot_rush.py count --site example_site

``--mode reuse`` is the script of the issue: one form load, its token sent again with a
new fake applicant each time. ``--mode fresh`` is the strongest script that cannot read
mailboxes: it loads a fresh form for every applicant (keeping a few loaded ahead, so each
token is older than the minimum fill time when it is sent) and posts it. Both send the
same cookies, from one address, one request at a time, as fast as the server answers.
"""

import argparse
import collections
import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

SLUG = "bot-rush"
SEATS = 50
#: The package's default minimum fill time is 3 s; a token older than this is "human".
FILL_SECONDS = 3.2


# -- inside the site ---------------------------------------------------------------------


def _django(site):
    site = Path(site).resolve()
    sys.path.insert(0, str(site))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{site.name}.settings")
    import django

    django.setup()


def setup(args):
    _django(args.site)
    import datetime

    from django.utils import timezone
    from wagtail.models import Site

    from wagtail_klimakronsj.models import EventSession, SeatPolicy
    from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage

    root = Site.objects.get(is_default_site=True).root_page
    for page in root.get_children().filter(slug__in=[SLUG, f"{SLUG}-form"]):
        page.specific.delete()
    fields = {"seat_limit": SEATS, "seat_policy": SeatPolicy.FIRST_COME, "waiting_list": True}
    confirm = any(f.name == "confirm_email" for f in EventPage._meta.get_fields())
    if confirm:
        fields["confirm_email"] = True
    today = timezone.localdate()
    event = EventPage(
        title="Bot rush",
        slug=SLUG,
        application_deadline_date=today + datetime.timedelta(days=30),
        **fields,
    )
    start = today + datetime.timedelta(days=60)
    event.klimakronsj_sessions.add(
        EventSession(date=start, start_time=datetime.time(9), end_time=datetime.time(13))
    )
    root.add_child(instance=event)
    event.save_revision().publish()
    form = ApplicationFormPage(title="Bot rush form", slug=f"{SLUG}-form", event=event)
    root.add_child(instance=form)
    form.save_revision().publish()
    event = EventPage.objects.get(pk=event.pk)
    event.application_page = form
    event.save_revision().publish()
    print(json.dumps({"event": event.pk, "form_url": form.url, "confirm_email": confirm}))


def count(args):
    _django(args.site)
    from django.db.models import Count

    from wagtail_klimakronsj.models import Application
    from wagtail_klimakronsj.pages.models import EventPage

    event = EventPage.objects.get(slug=SLUG)
    rows = Application.objects.filter(event_id=event.pk)
    statuses = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    held = rows.filter(held_for_review=True).count()
    print(
        json.dumps(
            {
                "seats": event.seat_limit,
                "statuses": statuses,
                "accepted (the seat is the script's)": statuses.get("accepted", 0),
                "held unconfirmed (counts as taken, released after the hold)": statuses.get(
                    "unconfirmed", 0
                ),
                "held for review": held,
                "seats left on the public page": event.seats_left,
            },
            indent=2,
        )
    )


# -- against the live server -------------------------------------------------------------


class Browser:
    """One client: one cookie jar, one address, one request at a time."""

    def __init__(self, url):
        host = urllib.parse.urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("bot_rush runs against loopback only")
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def get_form(self):
        with self.opener.open(self.url, timeout=30) as response:
            html = response.read().decode()
        if 'name="form_token"' not in html:
            return None  # no form: closed or full
        token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        municipality = re.search(r'<option value="(\d+)"', html).group(1)
        return {"token": token, "csrf": csrf, "municipality": municipality, "at": time.time()}

    def post(self, form, i):
        data = {
            "csrfmiddlewaretoken": form["csrf"],
            "form_token": form["token"],
            "full_name": f"Robot Number {i}",
            "email": f"robot{i}@bots.example",
            "phone": "",
            "municipality": form["municipality"],
            "organisation": "",
            "role": "employee",
            "position": "Bot",
            "interests": "Seats",
            "accessibility_needs": "",
            "consent": "on",
            "website": "",
        }
        request = urllib.request.Request(  # noqa: S310 - http(s) on loopback (checked)
            self.url,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.url, "Origin": self.origin},
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def rush(args):
    browser = Browser(args.url)
    codes = collections.Counter()
    started = time.time()
    deadline = started + args.seconds
    ahead = collections.deque()  # fresh mode: forms loaded, waiting for the fill time
    first = None
    stored_all = None
    i = 0
    while time.time() < deadline:
        if args.mode == "reuse":
            if first is None:
                first = browser.get_form()
                time.sleep(max(0, FILL_SECONDS - (time.time() - first["at"])))
            form = first
        else:
            while len(ahead) < args.ahead:
                loaded = browser.get_form()
                if loaded is None:
                    break
                ahead.append(loaded)
            if not ahead:
                codes["no form (closed or full)"] += 1
                break
            wait = FILL_SECONDS - (time.time() - ahead[0]["at"])
            if wait > 0:
                time.sleep(wait)
            form = ahead.popleft()
        code = browser.post(form, i)
        codes[code] += 1
        i += 1
        if code == 302 and codes[302] == SEATS:
            stored_all = time.time() - started  # one stored application per seat by now
    elapsed = time.time() - started
    print(
        json.dumps(
            {
                "mode": args.mode,
                "posts": i,
                "seconds": round(elapsed, 1),
                "responses": {str(k): v for k, v in codes.items()},
                "seconds to the 50th stored application": stored_all and round(stored_all, 1),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("setup", "count"):
        command = commands.add_parser(name)
        command.add_argument("--site", required=True, help="the site's directory (manage.py)")
    command = commands.add_parser("rush")
    command.add_argument("--url", required=True)
    command.add_argument("--mode", choices=["reuse", "fresh"], required=True)
    command.add_argument("--seconds", type=float, default=60)
    command.add_argument("--ahead", type=int, default=8, help="fresh mode: forms loaded ahead")
    args = parser.parse_args()
    {"setup": setup, "count": count, "rush": rush}[args.command](args)


if __name__ == "__main__":
    main()
