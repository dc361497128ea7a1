"""In-process A/B comparison of the issue #6 targets, usable on a loaded machine.

    python -m bench.compare [--n 50] [--only event,form_get,...] [--sql]
    python -m bench.compare --setup          # create, migrate and seed the database first

Runs Django's test client against a seeded PostgreSQL database with ``bench.settings``
(DEBUG off, hashed static files, tasks to the database). For every target it warms up,
then measures in rounds that alternate the targets (A B C … A B C …):

- app CPU: ``time.process_time()`` around each request (median and mean);
- DB CPU: utime + stime of this connection's PostgreSQL backend (``/proc``), per block
  of requests, divided by the requests (mean; clock ticks are 10 ms, so use --n >= 30);
- queries per request (``CaptureQueriesContext`` on one extra request; ``--sql`` prints
  them).

Process time does not grow when other processes take the CPU, so the ratios hold on a
busy machine. It leaves out gunicorn and the WSGI layer, which cost every target the
same. Targets (``--only`` takes the keys): plain, builder_get, builder_post, event,
form_get, form_post. POSTs send unique emails; ours carries a form token signed as the
form signs it (shown 60 seconds ago), so the minimum fill time is met without waiting.

Environment (defaults in brackets): KLIMAKRONSJ_PG_HOST [127.0.0.1], KLIMAKRONSJ_PG_PORT
[55432], KLIMAKRONSJ_PG_NAME [klimakronsj_compare], BENCH_STATIC_ROOT
[/tmp/klimakronsj-compare-static]. Start the cluster with ``scripts/pg-throwaway start``.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("KLIMAKRONSJ_PG_HOST", "127.0.0.1")
os.environ.setdefault("KLIMAKRONSJ_PG_PORT", "55432")
os.environ.setdefault("KLIMAKRONSJ_PG_USER", "postgres")
os.environ.setdefault("KLIMAKRONSJ_PG_NAME", "klimakronsj_compare")
os.environ.setdefault(
    "BENCH_STATIC_ROOT", os.path.join(tempfile.gettempdir(), "klimakronsj-compare-static")
)

TICKS = os.sysconf("SC_CLK_TCK")

#: (key, reference key, limit) of issue #6, in CPU per request.
CHECKS = [
    ("event", "plain", 1.1),
    ("form_get", "builder_get", 0.5),
    ("form_post", "builder_post", 1.0),
]
LABELS = {
    "plain": "plain Wagtail page",
    "builder_get": "Wagtail form builder GET",
    "builder_post": "Wagtail form builder POST",
    "event": "our event page",
    "form_get": "our application form GET",
    "form_post": "our application form POST",
}


def setup_database():
    """Create the database if missing, migrate, collect static files, seed once."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    name = env["KLIMAKRONSJ_PG_NAME"]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"database name {name!r}: use lower-case letters, digits and _")
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    psql = [str(bindir / "psql"), "-qAtX", "-h", env["KLIMAKRONSJ_PG_HOST"]]
    psql += ["-p", env["KLIMAKRONSJ_PG_PORT"], "-U", env["KLIMAKRONSJ_PG_USER"], "-d", "postgres"]
    exists = subprocess.run(  # noqa: S603
        [*psql, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run([*psql, "-c", f'CREATE DATABASE "{name}"'], check=True)  # noqa: S603
    py = [sys.executable, "-m", "django"]
    subprocess.run([*py, "migrate", "--noinput", "-v0"], env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*py, "collectstatic", "--noinput", "--clear", "-v0"], env=env, check=True
    )
    if not exists:
        subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "bench.seed",
                os.path.join(tempfile.gettempdir(), f"{name}-seed.json"),
            ]
            + ["--proposals", "1000", "--applications", "1000"],
            env=env,
            check=True,
        )


def backend_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class Target:
    method = "GET"
    expect = (200,)

    def __init__(self, key, path):
        self.key, self.path = key, path
        self.counter = 0

    def request(self, client):
        client.cookies.clear()  # a new visitor each time, as in bench/run
        return client.get(self.path)


class BuilderPost(Target):
    method = "POST"

    def __init__(self, key, page):
        super().__init__(key, page.url)
        self.fields = list(page.form_fields.values_list("clean_name", "field_type", "choices"))

    def data(self, i):
        from bench.answers import form_builder_answers

        email = f"builder-{os.getpid()}-{time.time_ns()}-{i}@kommune.example.no"
        return form_builder_answers(self.fields, i, email)

    def request(self, client):
        self.counter += 1
        return client.post(self.path, self.data(self.counter))


class ApplicationPost(Target):
    method = "POST"
    expect = (302, 303)

    def __init__(self, key, page, municipality_id):
        super().__init__(key, page.url)
        self.page_id, self.event_id = page.pk, page.event_id
        self.municipality = str(municipality_id)

    def data(self, i):
        from wagtail_klimakronsj.applications import spam

        unique = f"compare-{os.getpid()}-{time.time_ns()}-{i}"
        token = spam.make_form_token(self.page_id, self.event_id, started=int(time.time()) - 60)
        return {
            "full_name": f"Søkjar {i}",
            "email": f"{unique}@kommune.example.no",
            "phone": "+47 400 00 000",
            "municipality": self.municipality,
            "role": "employee",
            "position": "Arealplanleggar",
            "interests": "Klimavennleg arealbruk og transport.",
            "accessibility_needs": "",
            "consent": "on",
            "website": "",
            "form_token": token,
        }

    def request(self, client):
        self.counter += 1
        return client.post(self.path, self.data(self.counter))


def find_targets():
    """The seeded pages, found in the database (see bench/seed.py)."""
    from bench.benchsite.models import BenchFormPage, BenchPlainPage
    from wagtail_klimakronsj.models import Municipality
    from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage

    plain = BenchPlainPage.objects.live().get(slug="plain-page")
    builder = BenchFormPage.objects.live().get(slug="form-builder")
    demo_events = EventPage.objects.live().exclude(title__startswith="Bench")
    event = demo_events.order_by("-first_published_at").first()
    if event is None or not event.sessions:
        event = EventPage.objects.live().get(slug="bench-event")
    form = ApplicationFormPage.objects.live().get(slug="bench-apply")
    oslo = Municipality.objects.filter(active=True, name="Oslo").first()
    oslo = oslo or Municipality.objects.filter(active=True).first()
    return {
        "plain": Target("plain", plain.url),
        "builder_get": Target("builder_get", builder.url),
        "builder_post": BuilderPost("builder_post", builder),
        "event": Target("event", event.url),
        "form_get": Target("form_get", form.url),
        "form_post": ApplicationPost("form_post", form, oslo.pk),
    }


def forget_earlier_posts(target):
    """Delete the applications earlier runs posted, so every run starts from the seeded
    state, as ``bench/run`` does (the seat count under the lock reads the event's
    accepted applications: thousands left from earlier runs would cost more each run)."""
    from wagtail_klimakronsj.models import Application

    earlier = Application.objects.filter(event_id=target.event_id, email__startswith="compare-")
    deleted, _ = earlier.delete()
    if deleted:
        print(f"deleted {deleted} rows left by earlier runs' POSTs", flush=True)


def check(target, response):
    if response.status_code not in target.expect:
        body = response.content[:400].decode(errors="replace")
        raise SystemExit(
            f"{target.key}: {target.method} {target.path} answered "
            f"{response.status_code}, expected {target.expect}\n{body}"
        )


def measure(targets, n, block, warmup, show_sql):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        backend_ticks(backend)
    except OSError:
        backend = None  # another machine or no permission: app CPU only

    queries = {}
    for target in targets:
        for _ in range(warmup):
            check(target, target.request(client))
        with CaptureQueriesContext(connection) as captured:
            check(target, target.request(client))
        queries[target.key] = [q["sql"] for q in captured.captured_queries]

    app = {t.key: [] for t in targets}
    db = {t.key: [0, 0] for t in targets}  # ticks, requests
    done = 0
    while done < n:
        size = min(block, n - done)
        for target in targets:
            ticks0 = backend_ticks(backend) if backend else 0
            for _ in range(size):
                t0 = time.process_time()
                response = target.request(client)
                app[target.key].append(time.process_time() - t0)
                check(target, response)
            if backend:
                db[target.key][0] += backend_ticks(backend) - ticks0
                db[target.key][1] += size
        done += size

    results = {}
    for target in targets:
        times = app[target.key]
        ticks, count = db[target.key]
        db_ms = 1000 * ticks / TICKS / count if backend and count else None
        results[target.key] = {
            "app_median": 1000 * statistics.median(times),
            "app_mean": 1000 * statistics.fmean(times),
            "db_mean": db_ms,
            "total": 1000 * statistics.median(times) + (db_ms or 0),
            "queries": len(queries[target.key]),
            "n": len(times),
        }
    if show_sql:
        for key, sqls in queries.items():
            print(f"\n-- {key}: {len(sqls)} queries")
            for sql in sqls:
                print("  ", sql[:300])
    return results


def report(results):
    def fmt(value, digits=2):
        return "–" if value is None else f"{value:.{digits}f}"

    print()
    print(
        f"{'target':28} {'app ms med':>10} {'app mean':>9} {'db ms':>7} {'total':>7} "
        f"{'queries':>7} {'n':>5}"
    )
    for key, r in results.items():
        print(
            f"{LABELS[key]:28} {fmt(r['app_median']):>10} {fmt(r['app_mean']):>9} "
            f"{fmt(r['db_mean']):>7} {fmt(r['total']):>7} {r['queries']:>7} {r['n']:>5}"
        )
    print()
    failed = False
    for key, ref, limit in CHECKS:
        if key in results and ref in results:
            ratio = results[key]["total"] / results[ref]["total"]
            app_ratio = results[key]["app_median"] / results[ref]["app_median"]
            verdict = "PASS" if ratio <= limit else "FAIL"
            failed |= verdict == "FAIL"
            print(
                f"{LABELS[key]} / {LABELS[ref]}: {ratio:.2f} (app only {app_ratio:.2f}), "
                f"target <= {limit}: {verdict}"
            )
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=50, help="measured requests per target")
    parser.add_argument("--only", default="", help="comma-separated target keys")
    parser.add_argument("--block", type=int, default=10, help="requests per turn (A B A B)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print each target's queries")
    parser.add_argument("--setup", action="store_true", help="create, migrate and seed first")
    args = parser.parse_args()
    if args.setup:
        setup_database()

    import django

    django.setup()
    from django.core.exceptions import ObjectDoesNotExist
    from django.db import OperationalError, ProgrammingError

    try:
        available = find_targets()
    except (OperationalError, ProgrammingError, ObjectDoesNotExist) as exc:
        name = os.environ["KLIMAKRONSJ_PG_NAME"]
        raise SystemExit(f"{name} is not seeded ({exc}): run with --setup once") from exc
    forget_earlier_posts(available["form_post"])
    keys = [k.strip() for k in args.only.split(",") if k.strip()] or list(available)
    unknown = [k for k in keys if k not in available]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; choose from {', '.join(available)}")
    print(
        f"database {os.environ['KLIMAKRONSJ_PG_NAME']}, n={args.n} per target, "
        f"blocks of {args.block}, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    results = measure([available[k] for k in keys], args.n, args.block, args.warmup, args.sql)
    return 1 if report(results) else 0


if __name__ == "__main__":
    sys.exit(main())
