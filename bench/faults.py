"""Load and fault tests against gunicorn + PostgreSQL (called by bench/faults).

    python -m bench.faults seat_rush|mail_outage|db_restart|all --pg-data DIR --out DIR

Each test starts its own gunicorn (and worker, fake provider) on 127.0.0.1, makes its
own event, checks its expectations in the database and exits non-zero when one fails.
Every process started here is stopped by its pid.
"""

import argparse
import collections
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from bench import loadgen  # noqa: E402
from bench.measure import (  # noqa: E402
    ApplicationPost,
    outbox_report,
    without_their_emails,
)
from bench.seed import make_event, make_form_page  # noqa: E402
from wagtail_klimakronsj.mail.models import NotificationStatus  # noqa: E402
from wagtail_klimakronsj.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    Notification,
    SeatPolicy,
)

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
PY = os.environ.get("BENCH_PYTHON", str(ROOT / ".venv/bin/python"))
GUNICORN = os.environ.get("BENCH_GUNICORN", str(ROOT / ".venv/bin/gunicorn"))


class Checks:
    def __init__(self, name):
        self.name = name
        self.lines = []
        self.failed = False

    def expect(self, ok, text):
        self.lines.append(f"{'PASS' if ok else 'FAIL'}  {text}")
        print(f"  {'PASS' if ok else 'FAIL'}  {text}", flush=True)
        self.failed |= not ok
        return ok

    def note(self, text):
        self.lines.append(f"      {text}")
        print(f"        {text}", flush=True)


# -- processes -----------------------------------------------------------------------


class Server:
    """gunicorn with sync workers on loopback, with extra environment variables."""

    def __init__(self, port, workers, log, env=None):
        self.port = port
        environ = dict(os.environ, **(env or {}))
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [
                GUNICORN, "bench.wsgi:application", "--chdir", str(ROOT),
                "--bind", f"{HOST}:{port}", "--workers", str(workers),
                "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "5",
                "--backlog", "2048", "--log-level", "warning",
            ],
            env=environ, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(150):
            try:
                status, _h, _b = loadgen.get(HOST, port, "/bench/bare/", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start, see {log}")

    def stop(self):
        stop_process(self.proc)
        self.log.close()


class Worker:
    """django-tasks-db's ``db_worker`` (the production way to send the outbox)."""

    def __init__(self, log, env=None):
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [PY, "-m", "django", "db_worker", "--interval", "0.2", "--no-startup-delay",
             "--no-reload", "-v", "1"],
            env=dict(os.environ, **(env or {})), stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        stop_process(self.proc)
        self.log.close()


def stop_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def as_postgres(command):
    if os.getuid() == 0:
        return ["su", "postgres", "-s", "/bin/bash", "-c", command]
    return ["bash", "-c", command]


# -- helpers -------------------------------------------------------------------------


def first_come_event(slug, seats, *, waiting_list=True):
    root = Site.objects.get(is_default_site=True).root_page
    event = make_event(
        root, f"Fault test {slug}", f"fault-{slug}",
        seat_policy=SeatPolicy.FIRST_COME, seat_limit=seats, waiting_list=waiting_list,
    )  # fmt: skip
    form = make_form_page(root, event, f"Fault test {slug} form", f"fault-{slug}-apply")
    return event, form


def application_requests(port, form, event, n, prefix):
    target = ApplicationPost(
        prefix, prefix, form.url, method="POST", expect=(302, 303), requests=n,
        form_id=form.pk, event_id=event.pk,
    )  # fmt: skip
    target.prepare(port)
    if target.unavailable:
        raise SystemExit(f"application form not usable: {target.unavailable}")
    target.counter = 0
    reqs = target.build(n)
    # unique per test run: the emails carry the prefix
    for i, req in enumerate(reqs):
        req.body = re.sub(rb"bench-\d+-\d+", f"{prefix}-{i}".encode(), req.body)
    return reqs


def outcome(results, expect=(302, 303)):
    counts = collections.Counter(r.status for r in results)
    ok = sum(counts[s] for s in expect)
    return ok, counts


def is_receipt(location):
    return bool(location) and "receipt" in location


def half_written(apps):
    """The applications among ``apps`` without their receipt or organiser notice in the
    outbox (the rows are written in the submission's transaction: none should be)."""
    rows = Notification.objects.filter(application__in=apps.values("pk"))
    return without_their_emails(
        apps.values_list("pk", flat=True), rows.values_list("application_id", "kind")
    )


def outbox_problems(event):
    """How many of the event's applications are half-written (``half_written``)."""
    return len(half_written(Application.objects.filter(event_id=event.pk)))


def emails_written(apps):
    """Whether every application has its receipt and organiser notice in the outbox."""
    return not half_written(apps)


# -- seat rush -----------------------------------------------------------------------


def rush(port, event, form, applicants, label, timeout=300):
    """Send every application at once: all sockets connected first, then one thread
    writes the 500 requests back to back (milliseconds), then reads the answers."""
    import selectors
    import socket

    reqs = application_requests(port, form, event, applicants, label)
    socks = []
    for _ in reqs:
        sock = socket.create_connection((HOST, port), timeout=30)
        socks.append(sock)
    raw = []
    for req in reqs:
        head = f"{req.method} {req.path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        headers = dict(req.headers, **{"Content-Length": str(len(req.body)), "Connection": "close"})
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        raw.append(head.encode("latin-1") + req.body)
    started = time.perf_counter()
    for sock, data in zip(socks, raw, strict=True):
        sock.sendall(data)
    spread = time.perf_counter() - started
    selector = selectors.DefaultSelector()
    buffers = {}
    for i, sock in enumerate(socks):
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, i)
        buffers[i] = bytearray()
    finished = {}
    deadline = time.monotonic() + timeout
    while len(finished) < len(socks) and time.monotonic() < deadline:
        for key, _mask in selector.select(timeout=1.0):
            i = key.data
            try:
                chunk = key.fileobj.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if chunk:
                buffers[i] += chunk
                continue
            selector.unregister(key.fileobj)
            key.fileobj.close()
            finished[i] = time.perf_counter() - started
    wall = time.perf_counter() - started
    results = []
    for i, sock in enumerate(socks):
        data = bytes(buffers[i])
        match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
        if i not in finished:
            sock.close()
        location = re.search(rb"\r\nLocation: ([^\r]+)", data, re.I)
        status = int(match.group(1)) if match and i in finished else 0
        results.append(
            loadgen.Result(
                status, finished.get(i, wall), None,
                location.group(1).decode() if location else None,
                data if status >= 500 else b"",
            )
        )  # fmt: skip
    return results, spread, wall


def seat_rush(args):
    checks = Checks("seat rush")
    applicants, seats = args.applicants, args.seats
    print(
        f"seat rush: {applicants} applicants, {seats} seats, {args.workers} workers, "
        f"{args.decision_delay * 1000:.0f} ms between counting and deciding",
        flush=True,
    )
    results_by_run = {}
    for locking in (True, False):
        label = "locked" if locking else "control"
        event, form = first_come_event(f"rush-{label}-{int(time.time())}", seats)
        outbox_log = Path(args.out) / f"outbox-rush-{label}.log"
        server = Server(
            args.port, args.workers, Path(args.out) / f"gunicorn-rush-{label}.log",
            env={
                "BENCH_SEAT_LOCKING": "1" if locking else "0",
                "BENCH_CACHE": "db",
                "BENCH_DECISION_DELAY": str(args.decision_delay),
                "BENCH_OUTBOX_LOG": str(outbox_log),
            },
        )  # fmt: skip
        try:
            results, spread, wall = rush(args.port, event, form, applicants, f"rush{label}")
        finally:
            server.stop()
        ok, counts = outcome(results)
        apps = Application.objects.filter(event_id=event.pk)
        accepted = apps.filter(status=ApplicationStatus.ACCEPTED).count()
        waitlisted = apps.filter(status=ApplicationStatus.WAITLISTED).count()
        other = apps.exclude(
            status__in=[ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED]
        ).count()
        errors = sum(n for s, n in counts.items() if s >= 500 or s == 0)
        results_by_run[label] = {
            "answers": dict(counts), "accepted": accepted, "waitlisted": waitlisted,
            "other": other, "stored": apps.count(), "spread_s": round(spread, 3),
            "wall_s": round(wall, 1),
        }  # fmt: skip
        checks.note(
            f"{label}: {applicants} POSTs sent within {spread:.2f} s, all answered in "
            f"{wall:.1f} s; answers {dict(counts)}; stored {apps.count()}, accepted "
            f"{accepted}, waitlisted {waitlisted}, other {other}"
        )
        if locking:
            checks.expect(accepted == seats, f"exactly {seats} accepted (got {accepted})")
            checks.expect(
                waitlisted == applicants - seats,
                f"exactly {applicants - seats} waitlisted (got {waitlisted})",
            )
            checks.expect(
                apps.count() == applicants and ok == applicants,
                f"0 lost: {apps.count()} stored, {ok} redirected to a receipt of {applicants}",
            )
            checks.expect(errors == 0, f"0 server or connection errors (got {errors})")
            text, together = outbox_report(apps, outbox_log)
            checks.expect(together, f"every application has its outbox rows: {text}")
            checks.expect(spread < 1.5, f"posted within about a second ({spread:.2f} s)")
        else:
            checks.expect(
                accepted > seats,
                f"control without the lock oversells ({accepted} accepted for {seats} seats): "
                "the test can see a race",
            )
    return checks, results_by_run


# -- mail provider outage ------------------------------------------------------------


def wait_for(predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def fast_forward(ids):
    """Let the retry time come now (instead of waiting the real backoff of minutes)."""
    now = timezone.now()
    Notification.objects.filter(pk__in=ids, status=NotificationStatus.QUEUED).update(
        next_attempt_at=now
    )
    try:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(status="READY", run_after__gt=now).update(run_after=now)
    except ImportError:
        pass


def addresses(value):
    if isinstance(value, list):
        value = ",".join(value)
    return tuple(sorted(a.lower() for a in re.findall(r"[\w.+-]+@[\w.-]+", value or "")))


def mail_outage(args):
    from bench.fakepostmark import FakePostmark

    checks = Checks("mail outage")
    fake = FakePostmark(0, hang_seconds=4.0).start()
    env = {
        "ANYMAIL_API_URL": fake.url,
        "ANYMAIL_TOKEN": "fault-test-token",
        "ANYMAIL_TIMEOUT": "1.5",
        "KLIMAKRONSJ_TASKS": "db",
    }
    print(f"mail outage: fake Postmark at {fake.url}, anymail timeout 1.5 s", flush=True)
    event, form = first_come_event(f"mail-{int(time.time())}", 100)
    # The other tests' queued emails are not this test's: leave only its own tasks.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    Notification.objects.filter(status=NotificationStatus.QUEUED).update(
        status=NotificationStatus.FAILED, last_error="set aside by bench/faults mail_outage"
    )
    server = Server(args.port, args.workers, Path(args.out) / "gunicorn-mail.log", env=env)
    workers = [Worker(Path(args.out) / f"db_worker-{i}.log", env=env) for i in range(2)]
    apps = Application.objects.filter(event_id=event.pk)
    notes = Notification.objects.filter(application__event_id=event.pk)
    try:
        # 1. provider answers 500
        fake.mode = "fail"
        results, _wall = loadgen.run(
            HOST, args.port, application_requests(args.port, form, event, args.mail_applicants, "mailfail"),
            concurrency=4, max_seconds=60,
        )  # fmt: skip
        ok, counts = outcome(results)
        checks.expect(
            ok == args.mail_applicants and apps.count() == args.mail_applicants,
            f"provider down (500): all {args.mail_applicants} applications kept and "
            f"redirected to their receipt (answers {dict(counts)})",
        )
        checks.expect(
            emails_written(apps), "every application has its receipt and organiser notice"
        )
        total = notes.count()
        tried = wait_for(
            lambda: notes.filter(attempts__gte=1).exclude(status="sending").count() == total, 60
        )
        checks.expect(
            tried and notes.filter(status=NotificationStatus.SENT).count() == 0,
            f"the worker tried all {total} emails, none counted as sent "
            f"(provider saw {fake.requests['fail']} requests, accepted {len(fake.accepted)})",
        )
        ids = list(notes.values_list("pk", flat=True))
        # 2. provider hangs longer than the timeout
        fake.mode = "hang"
        fast_forward(ids)
        tried = wait_for(
            lambda: notes.filter(attempts__gte=2).exclude(status="sending").count() == total, 120
        )
        checks.expect(
            tried and len(fake.accepted) == 0,
            f"provider hangs: every email timed out and stays queued for a retry "
            f"({fake.requests['hang']} hanging requests)",
        )
        # 3. the provider recovers: retries go out, plus new applications
        fake.mode = "ok"
        more, _wall = loadgen.run(
            HOST, args.port, application_requests(args.port, form, event, 4, "mailok"),
            concurrency=4, max_seconds=60,
        )  # fmt: skip
        fast_forward(ids)
        checks.expect(emails_written(apps), "the new applications have their emails too")
        total = notes.count()
        sent = wait_for(lambda: notes.filter(status=NotificationStatus.SENT).count() == total, 120)
        attempts = collections.Counter(notes.values_list("attempts", flat=True))
        checks.expect(
            sent,
            f"after recovery all {total} emails are sent (attempts per email: {dict(sorted(attempts.items()))})",
        )
        time.sleep(1.0)  # anything sent twice would arrive now
        expected = collections.Counter((addresses(n.to), n.subject) for n in notes)
        arrived = collections.Counter((addresses(m["to"]), m["subject"]) for m in fake.accepted)
        twice = sum(1 for key, n in arrived.items() if n > expected.get(key, 0))
        checks.expect(
            arrived == expected,
            f"every email arrived once: {sum(arrived.values())} arrived for {sum(expected.values())} recorded",
        )
        checks.expect(twice == 0, f"none twice ({twice} sent more than once)")
        per_kind = collections.Counter(notes.values_list("kind", flat=True))
        checks.note(f"emails by kind: {dict(per_kind)}")
        checks.expect(
            apps.count() == args.mail_applicants + 4,
            f"all {args.mail_applicants + 4} applications kept",
        )
        checks.expect(all(w.alive() for w in workers), "the db_worker processes kept running")
    finally:
        for w in workers:
            w.stop()
        server.stop()
        fake.stop()
    return checks, {"provider": fake.requests, "accepted": len(fake.accepted)}


# -- database restart ----------------------------------------------------------------


def db_restart(args):
    checks = Checks("database restart")
    event, form = first_come_event(f"restart-{int(time.time())}", 100_000)
    server = Server(args.port, args.workers, Path(args.out) / "gunicorn-restart.log")
    n = args.restart_posts
    reqs = application_requests(args.port, form, event, n, "restart")
    connection.close()  # our own connection would die with the restart
    try:
        restart_log = []

        def restart():
            time.sleep(2.0)
            started = time.monotonic()
            proc = subprocess.run(
                as_postgres(f"{os.environ['KLIMAKRONSJ_PG_BINDIR']}/pg_ctl -D '{args.pg_data}' -m fast -w restart -l '{args.pg_data}/server.log'"),
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            restart_log.append((proc.returncode, round(time.monotonic() - started, 2)))

        restarter = threading.Thread(target=restart)
        restarter.start()
        sent_at = time.monotonic()
        results = []
        # keep posting at a steady pace: 4 at a time, through the restart and after it
        results, wall = loadgen.run(
            HOST, args.port, reqs, concurrency=4, max_seconds=90, keep_body=True
        )
        restarter.join(60)
        elapsed = time.monotonic() - sent_at
    finally:
        server.stop()
    code, took = restart_log[0] if restart_log else (None, None)
    checks.expect(
        code == 0, f"pg_ctl restart -m fast succeeded (took {took} s) while applicants posted"
    )
    ok, counts = outcome(results)
    failures = [r for r in results if r.status not in (302, 303)]
    checks.note(f"{len(results)} POSTs in {elapsed:.1f} s: answers {dict(counts)}")
    raw = [r for r in failures if b"Traceback" in r.body or r.status == 0]
    checks.expect(
        len(failures) > 0, f"the restart was seen by applicants ({len(failures)} failed POSTs)"
    )
    checks.expect(not raw, f"no raw traceback or dropped connection ({len(raw)})")
    pages = collections.Counter(
        (
            r.status,
            re.sub(
                r"\s+",
                " ",
                (re.search(rb"<title>(.*?)</title>|<h1>(.*?)</h1>", r.body, re.S) or [b"", b""])[
                    0
                ].decode(errors="replace"),
            )[:80],
        )
        for r in failures
    )
    checks.note(f"error pages seen: {dict(pages)}")
    last = results[-20:]
    checks.expect(
        all(r.status in (302, 303) for r in last),
        f"posts after the restart succeed (last {len(last)}: {dict(collections.Counter(r.status for r in last))})",
    )
    stored = Application.objects.filter(event_id=event.pk).count()
    checks.expect(
        ok <= stored <= ok + len(failures),
        f"{stored} applications stored for {ok} successful POSTs (a POST that failed after its commit may be stored, complete)",
    )
    half = outbox_problems(event)
    checks.expect(half == 0, f"no half-written application: {half} without their outbox rows")
    orphans = Notification.objects.filter(application__isnull=True, group__isnull=True).count()
    checks.expect(orphans == 0, f"no orphaned outbox rows ({orphans})")
    return checks, {"answers": dict(counts), "stored": stored, "restart": restart_log}


# -- backup and restore ----------------------------------------------------------------


def backup_restore(args):
    """pg_dump the database the other tests filled, restore it into a new database and
    compare: the backup step of docs/deployment.md, exercised."""
    checks = Checks("backup and restore")
    bindir = os.environ["KLIMAKRONSJ_PG_BINDIR"]
    db = connection.settings_dict["NAME"]
    copy = f"{db}_restored"
    dump = Path(args.out) / f"{db}.dump"
    pg = ["-h", HOST, "-p", str(connection.settings_dict["PORT"]), "-U", "postgres"]
    tables = [
        "wagtail_klimakronsj_application",
        "wagtail_klimakronsj_notification",
        "wagtailcore_page",
        "wagtailcore_modellogentry",
    ]

    def counts(dbname):
        out = subprocess.run(
            [f"{bindir}/psql", *pg, "-d", dbname, "-tA", "-c",
             " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in tables)],  # noqa: S608 - fixed names
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout  # fmt: skip
        return dict(line.split("|") for line in out.split())

    started = time.monotonic()
    dumped = subprocess.run(
        [f"{bindir}/pg_dump", *pg, "-Fc", "-f", str(dump), db],
        capture_output=True,
        text=True,
        timeout=300,
    )
    checks.expect(dumped.returncode == 0, f"pg_dump -Fc {db} ({dumped.stderr.strip()[:200]})")
    subprocess.run(
        [f"{bindir}/psql", *pg, "-d", "postgres", "-qc", f"DROP DATABASE IF EXISTS {copy}", "-c", f"CREATE DATABASE {copy}"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    restored = subprocess.run(
        [f"{bindir}/pg_restore", *pg, "-d", copy, "--no-owner", str(dump)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    checks.expect(
        restored.returncode == 0, f"pg_restore into {copy} ({restored.stderr.strip()[:200]})"
    )
    before, after = counts(db), counts(copy)
    checks.expect(before == after, f"same rows after restore: {after}")
    env = dict(os.environ, KLIMAKRONSJ_PG_NAME=copy)
    migrated = subprocess.run(
        [PY, "-m", "django", "migrate", "--check", "--noinput"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    checks.expect(
        migrated.returncode == 0, "the restored database needs no migration (migrate --check)"
    )
    checks.note(f"dump {dump.stat().st_size // 1024} KiB, {time.monotonic() - started:.1f} s")
    dump.unlink(missing_ok=True)
    return checks, {"rows": after}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "test", choices=["seat_rush", "mail_outage", "db_restart", "backup_restore", "all"]
    )
    parser.add_argument("--pg-data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=8462)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--applicants", type=int, default=500)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument(
        "--decision-delay", type=float, default=0.1,
        help="seconds between counting seats and deciding, in both seat-rush runs",
    )  # fmt: skip
    parser.add_argument("--mail-applicants", type=int, default=12)
    parser.add_argument("--restart-posts", type=int, default=300)
    args = parser.parse_args()
    # stopped by `timeout` or Ctrl-C: unwind, so every finally stops its processes
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    loadgen.check_loopback(HOST)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    tests = {
        "mail_outage": mail_outage,
        "db_restart": db_restart,
        "seat_rush": seat_rush,
        "backup_restore": backup_restore,
    }
    chosen = list(tests) if args.test == "all" else [args.test]
    report, failed = {}, False
    for name in chosen:
        started = time.monotonic()
        checks, data = tests[name](args)
        seconds = round(time.monotonic() - started, 1)
        report[name] = {
            "passed": not checks.failed,
            "checks": checks.lines,
            "data": data,
            "seconds": seconds,
        }
        failed |= checks.failed
        print(f"{name}: {'PASS' if not checks.failed else 'FAIL'} in {seconds} s\n", flush=True)
    (Path(args.out) / "faults.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str)
    )
    md = []
    for name, r in report.items():
        md.append(f"**{name}: {'PASS' if r['passed'] else 'FAIL'}** ({r['seconds']} s)\n")
        md.extend(f"    {line}" for line in r["checks"])
        md.append("")
    (Path(args.out) / "faults.md").write_text("\n".join(md) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
