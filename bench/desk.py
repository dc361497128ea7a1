"""The organiser's desk at scale: the application list and its exports over N applications.

    python -m bench.desk --rows 10000,100000 [--repeat 5] [--list-url-name NAME]

A lab script (issue 15), in-process with Django's test client on SQLite (settings
``bench.desk_settings``, a fresh database file each run: ``BENCH_DESK_DB``, default
``$TMPDIR/klimakronsj-desk-bench.sqlite3``). It migrates, makes a superuser and one event
page, then for each N (ascending) bulk-creates applications on that event up to N (in
batches) and measures:

- the desk's application list, page 1 (``?event=<id>``): CPU per request
  (``time.process_time``, which includes SQLite, as it runs in this process), median of
  ``--repeat`` requests after one warm-up, and the queries of one request; beside it the
  same for Wagtail's own ``ModelViewSet`` over the same rows (``bench/desk_urls.py``);
- the CSV export of all applications (``&export=csv``): CPU and wall time to consume the
  whole streamed response, and its queries; against a bare ``csv.writer`` writing the
  same rows' same columns from ``values_list`` into an ``io.StringIO``;
- the XLSX export (``&export=xlsx``): time to the first chunk of the response (the whole
  response when it is not streamed) and to its end.

Process time does not grow when other processes take the CPU, so the CPU columns hold
on a busy machine; wall times do not. Prints a markdown table. The desk's list is found
by URL name (``reverse``): the first of ``LIST_URL_NAMES`` that resolves, or
``--list-url-name``.
"""

import argparse
import csv
import io
import os
import re
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.desk_settings")

#: URL names of the desk's application list, tried in order (the first that resolves).
LIST_URL_NAMES = [
    "wagtail_klimakronsj_application_modeladmin_index",  # wagtail-modeladmin (the desk, before and after issue 15)
]
VIEWSET_URL_NAME = "bench_applications:index"

#: The bare reference's columns: the same as the desk's export, raw database values.
BARE_COLUMNS = [
    "pk",
    "event__title",
    "status",
    "full_name",
    "email",
    "phone",
    "municipality__name",
    "municipality__number",
    "municipality__county",
    "organisation",
    "role",
    "position",
    "interests",
    "accessibility_needs",
    "extra_answers",
    "submitted_at",
    "decided_at",
    "held_for_review",
    "group__name",
]
BATCH = 5000


def setup():
    """A fresh SQLite database, migrated, with a superuser and one event page."""
    from django.conf import settings

    path = settings.DATABASES["default"]["NAME"]
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from wagtail.models import Site

    from wagtail_klimakronsj.pages.models import EventPage

    call_command("migrate", interactive=False, verbosity=0)
    user = get_user_model().objects.create_superuser("desk", "desk@example.org", "desk")
    root = Site.objects.get(is_default_site=True).root_page
    event = EventPage(title="Bench desk event", slug="bench-desk-event")
    root.add_child(instance=event)
    event.save_revision().publish()
    return user, EventPage.objects.get(pk=event.pk)


def add_applications(event, start, stop):
    """Bulk-create applications ``start`` .. ``stop - 1`` on ``event``, in batches."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from wagtail_klimakronsj.models import Application, ApplicationStatus, Municipality

    munis = list(Municipality.objects.order_by("number").values_list("pk", flat=True))
    statuses = [
        ApplicationStatus.PENDING,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.DECLINED,
    ]
    roles = ["employee", "elected", "other"]
    now = timezone.now()
    for first in range(start, stop, BATCH):
        batch = []
        for i in range(first, min(first + BATCH, stop)):
            email = f"applicant{i}@kommune{i % 357}.example.no"
            batch.append(
                Application(
                    event_id=event.pk,
                    status=statuses[i % len(statuses)],
                    full_name=f"Søkjar nummer {i}",
                    email=email,
                    email_key=email,
                    phone=f"+47 400 {i:05d}",
                    municipality_id=munis[i % len(munis)],
                    role=roles[i % len(roles)],
                    position="Arealplanleggar",
                    interests="Klimavennleg arealbruk og transport.",
                    consent_given_at=now,
                    language="nn",
                    submitted_at=now - datetime.timedelta(seconds=stop - i),
                )
            )
        with transaction.atomic():
            Application.objects.bulk_create(batch)


def list_url(name=None):
    from django.urls import NoReverseMatch, reverse

    names = [name] if name else LIST_URL_NAMES
    for candidate in names:
        try:
            return reverse(candidate)
        except NoReverseMatch:
            continue
    raise SystemExit(f"no desk list URL among {names}: pass --list-url-name")


def queries_of(function):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured.captured_queries), result


def get_page(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return response


def measure_list(client, url, repeat, rows):
    page = get_page(client, url).content.decode()  # warm-up
    shown = len(set(re.findall(r"Søkjar nummer (\d+)", page)))
    if shown != min(rows, 100):
        raise SystemExit(f"GET {url} shows {shown} applications, expected {min(rows, 100)}")
    queries, _ = queries_of(lambda: get_page(client, url))
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        get_page(client, url)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {
        "cpu_ms": 1000 * statistics.median(cpu),
        "wall_ms": 1000 * statistics.median(wall),
        "queries": queries,
    }


def measure_export(client, url, content_type):
    """CPU and wall time to the first chunk and to the end of the response."""

    def run():
        c0, w0 = time.process_time(), time.perf_counter()
        response = client.get(url)
        if response.status_code != 200 or content_type not in response.get("Content-Type", ""):
            raise SystemExit(
                f"GET {url} answered {response.status_code} {response.get('Content-Type')}"
            )
        if getattr(response, "streaming", False):
            chunks = iter(response.streaming_content)
            first = next(chunks, b"")
            first_cpu, first_wall = time.process_time() - c0, time.perf_counter() - w0
            size = len(first) + sum(len(chunk) for chunk in chunks)
        else:
            first_cpu, first_wall = time.process_time() - c0, time.perf_counter() - w0
            size = len(response.content)
        response.close()
        return {
            "first_cpu": first_cpu,
            "first_wall": first_wall,
            "cpu": time.process_time() - c0,
            "wall": time.perf_counter() - w0,
            "bytes": size,
            "streamed": bool(getattr(response, "streaming", False)),
        }

    queries, result = queries_of(run)
    result["queries"] = queries
    return result


def count_csv_rows(client, url):
    """Rows in the CSV export (header left out), to check it holds every application."""
    response = client.get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    response.close()
    return sum(1 for _ in csv.reader(io.StringIO(text))) - 1


def measure_bare_csv(event):
    from wagtail_klimakronsj.models import Application

    c0, w0 = time.process_time(), time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BARE_COLUMNS)
    rows = Application.objects.filter(event_id=event.pk).values_list(*BARE_COLUMNS)
    writer.writerows(rows.iterator(chunk_size=2000))
    return {
        "cpu": time.process_time() - c0,
        "wall": time.perf_counter() - w0,
        "bytes": len(out.getvalue().encode("utf-8")),
    }


def measure(client, event, rows, repeat, list_name):
    from django.urls import reverse

    desk = f"{list_url(list_name)}?event={event.pk}"
    viewset = f"{reverse(VIEWSET_URL_NAME)}?event={event.pk}"
    result = {
        "desk_list": measure_list(client, desk, repeat, rows),
        "viewset_list": measure_list(client, viewset, repeat, rows),
        "csv": measure_export(client, f"{desk}&export=csv", "text/csv"),
        "bare_csv": measure_bare_csv(event),
        "xlsx": measure_export(client, f"{desk}&export=xlsx", "spreadsheetml"),
        "csv_rows": count_csv_rows(client, f"{desk}&export=csv"),
    }
    if result["csv_rows"] != rows:
        raise SystemExit(f"the CSV export holds {result['csv_rows']} rows, expected {rows}")
    return result


def table(results, repeat):
    sizes = list(results)
    head = "| | " + " | ".join(f"{n:,} applications" for n in sizes) + " |"
    lines = [head, "|---|" + "---:|" * len(sizes)]

    def row(label, fmt):
        lines.append(f"| {label} | " + " | ".join(fmt(results[n]) for n in sizes) + " |")

    row(
        f"desk list page 1: CPU ms/request (median of {repeat})",
        lambda r: f"{r['desk_list']['cpu_ms']:.0f}",
    )
    row("desk list page 1: queries", lambda r: str(r["desk_list"]["queries"]))
    row(
        f"Wagtail ModelViewSet page 1: CPU ms/request (median of {repeat})",
        lambda r: f"{r['viewset_list']['cpu_ms']:.0f}",
    )
    row("Wagtail ModelViewSet page 1: queries", lambda r: str(r["viewset_list"]["queries"]))
    row(
        "CSV export, whole response: CPU s (wall s)",
        lambda r: f"{r['csv']['cpu']:.2f} ({r['csv']['wall']:.2f})",
    )
    row("CSV export: queries", lambda r: str(r["csv"]["queries"]))
    row(
        "bare csv.writer from values_list: CPU s (wall s)",
        lambda r: f"{r['bare_csv']['cpu']:.2f} ({r['bare_csv']['wall']:.2f})",
    )
    row(
        "**CSV export / bare csv.writer (CPU)**",
        lambda r: f"**{r['csv']['cpu'] / r['bare_csv']['cpu']:.1f}×**",
    )
    row(
        "XLSX export, first byte: wall s (CPU s)",
        lambda r: f"{r['xlsx']['first_wall']:.2f} ({r['xlsx']['first_cpu']:.2f})",
    )
    row(
        "XLSX export, whole response: wall s (CPU s)",
        lambda r: f"{r['xlsx']['wall']:.2f} ({r['xlsx']['cpu']:.2f})",
    )
    row("XLSX export: queries", lambda r: str(r["xlsx"]["queries"]))
    row(
        "export sizes: CSV / XLSX MB",
        lambda r: f"{r['csv']['bytes'] / 1e6:.1f} / {r['xlsx']['bytes'] / 1e6:.1f}",
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="10000,100000", help="comma-separated Ns, ascending")
    parser.add_argument("--repeat", type=int, default=5, help="list requests per median")
    parser.add_argument("--list-url-name", default=None, help="URL name of the desk's list")
    args = parser.parse_args()
    sizes = sorted({int(n.replace("_", "")) for n in args.rows.split(",") if n.strip()})

    started = time.perf_counter()
    user, event = setup()
    from django.test import Client

    client = Client()
    client.force_login(user)
    print(
        f"SQLite, load average {os.getloadavg()[0]:.1f}, migrated in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    results, have = {}, 0
    for n in sizes:
        t0 = time.perf_counter()
        add_applications(event, have, n)
        have = n
        print(f"{n:,} applications created in {time.perf_counter() - t0:.0f} s", flush=True)
        results[n] = measure(client, event, n, args.repeat, args.list_url_name)
        print(
            f"{n:,}: measured (load average {os.getloadavg()[0]:.1f}, "
            f"{time.perf_counter() - started:.0f} s so far)",
            flush=True,
        )
    print()
    print(table(results, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
