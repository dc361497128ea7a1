"""Measure every target against a running gunicorn + PostgreSQL (called by bench/run).

    python -m bench.measure --port P --targets seed.json --gunicorn-pid PID \
        --pg-data DIR --db NAME --out DIR [--rounds 4] [--quick]

Per target and round: requests/second and p50/p95/p99 latency at a fixed concurrency,
CPU time per request of the gunicorn workers and of the PostgreSQL backends (utime +
stime from /proc, before/after the round), and queries per request (counted in the
server by bench.benchsite.middleware). Rounds go A B C … A B C … and the report gives
the median over rounds.

Each checked target is measured together with its reference: within a round their
requests alternate in blocks (A B B A A B …, ``measure_group``), and the pair's order is
reversed every other round, so the two see the machine at the same speed. On a shared
machine CPU time per request drifts within seconds (the bare view alone moved by 40% in
one run); the verdict is therefore the median of the per-round ratios of each pair,
with the ratio of the medians shown beside it.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

django.setup()

from django.core import signing  # noqa: E402

from bench import loadgen  # noqa: E402
from bench.answers import form_builder_answers  # noqa: E402
from bench.loadgen import Request  # noqa: E402
from wagtail_klimakronsj.choices import NotificationKind  # noqa: E402

HOST = "127.0.0.1"
TICKS = os.sysconf("SC_CLK_TCK")


# -- CPU time from /proc -------------------------------------------------------------


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        data = f.read()
    # the command name may contain spaces: split after its closing parenthesis
    fields = data[data.rindex(")") + 2 :].split()
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return ppid, utime + stime, cutime + cstime


def _all_processes():
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                procs[int(name)] = _stat(name)
            except (OSError, ValueError):
                pass
    return procs


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def gunicorn_cpu(master_pid, procs):
    """CPU ticks per process of the gunicorn master and its workers."""
    return {
        pid: own
        for pid, (ppid, own, _reaped) in procs.items()
        if pid == master_pid or ppid == master_pid
    }


def postgres_cpu(postmaster_pid, db_name, procs):
    """CPU ticks per process of the PostgreSQL processes answering the requests: the
    client backends of the bench database and any parallel query workers. Returns
    ``(serving, autovacuum)``: autovacuum workers of the bench database are kept apart.
    They clean up after the writes of earlier rounds whenever the launcher wakes (once a
    minute), so counted per target they would land on whichever target runs then."""
    serving, autovacuum = {}, {}
    for pid, (ppid, own, _reaped) in procs.items():
        if ppid != postmaster_pid:
            continue
        cmdline = _cmdline(pid)
        if "autovacuum worker" in cmdline:
            if f" {db_name} " in cmdline:
                autovacuum[pid] = own
        elif f" {db_name} " in cmdline or "parallel worker" in cmdline:
            serving[pid] = own
    return serving, autovacuum


def cpu_delta(before, after):
    """Seconds of CPU between two readings, per process: a process that ended during
    the round adds nothing (never a negative), a new one counts from zero."""
    return sum(after[pid] - before.get(pid, 0) for pid in after) / TICKS


class CpuMeter:
    def __init__(self, gunicorn_pid, pg_data, db_name):
        self.gunicorn_pid = gunicorn_pid
        self.db_name = db_name
        with open(Path(pg_data) / "postmaster.pid") as f:
            self.postmaster_pid = int(f.readline())

    def read(self):
        """``(app, db, autovacuum)`` CPU ticks per process."""
        procs = _all_processes()
        serving, autovacuum = postgres_cpu(self.postmaster_pid, self.db_name, procs)
        return gunicorn_cpu(self.gunicorn_pid, procs), serving, autovacuum


# -- targets -------------------------------------------------------------------------


class Target:
    """One thing to measure: builds its requests, knows which statuses are success."""

    def __init__(self, key, label, path, *, method="GET", expect=(200,), requests=200):
        self.key, self.label, self.path, self.method = key, label, path, method
        self.expect = expect
        self.n = requests
        self.headers = {}
        self.unavailable = ""
        self.counter = 0

    def prepare(self, port):
        status, _headers, body = loadgen.get(HOST, port, self.path, self.headers)
        if status not in self.expect:
            self.unavailable = f"GET {self.path} answered {status}"
        return body

    def build(self, n):
        return [Request(self.method, self.path, None, dict(self.headers)) for _ in range(n)]


class FormBuilderPost(Target):
    def prepare(self, port):
        from bench.benchsite.models import BenchFormField

        status, headers, body = loadgen.get(HOST, port, self.path)
        if status != 200:
            self.unavailable = f"GET {self.path} answered {status}"
            return body
        self.jar = loadgen.cookies_from(headers)
        self.hidden = loadgen.hidden_inputs(body.decode())
        self.fields = list(
            BenchFormField.objects.filter(page__url_path__endswith="/form-builder/").values_list(
                "clean_name", "field_type", "choices"
            )
        )
        return body

    def values(self, i):
        email = f"builder-{os.getpid()}-{i}@kommune.example.no"
        return {**self.hidden, **form_builder_answers(self.fields, i, email)}

    def build(self, n):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": loadgen.cookie_header(self.jar),
        }
        reqs = []
        for _ in range(n):
            self.counter += 1
            reqs.append(
                Request("POST", self.path, loadgen.form_encoded(self.values(self.counter)), headers)
            )
        return reqs


class ApplicationPost(Target):
    """Our application form: unique emails, a fresh signed form token per POST.

    The token is signed exactly as the form signs it, with a start time 60 seconds ago,
    so the minimum fill time is satisfied without waiting; each carries a new nonce.
    """

    def __init__(self, *args, form_id, event_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.form_id, self.event_id = form_id, event_id

    def prepare(self, port):
        status, headers, body = loadgen.get(HOST, port, self.path)
        if status != 200:
            self.unavailable = f"GET {self.path} answered {status}"
            return body
        html = body.decode()
        self.jar = loadgen.cookies_from(headers)
        self.hidden = loadgen.hidden_inputs(html)
        self.names = loadgen.input_names(html)
        self.token_field = None
        try:
            from wagtail_klimakronsj.applications import spam
        except ImportError:
            self.unavailable = "wagtail_klimakronsj.applications.spam is missing"
            return body
        for name, value in self.hidden.items():
            try:
                signing.loads(value, salt=spam.FORM_TOKEN_SALT)
            except signing.BadSignature:
                continue
            self.token_field = name
        if self.token_field is None:
            self.unavailable = "no signed form token in the form"
        self.municipality = municipality_value(html)
        return body

    def values(self, i):
        from wagtail_klimakronsj.applications import spam

        data = dict(self.hidden)
        started = int(time.time()) - 60
        data[self.token_field] = spam.make_form_token(self.form_id, self.event_id, started=started)
        data.update(application_values(self.names, f"bench-{os.getpid()}-{i}", self.municipality))
        return data

    def build(self, n):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": loadgen.cookie_header(self.jar),
        }
        reqs = []
        for _ in range(n):
            self.counter += 1
            reqs.append(
                Request("POST", self.path, loadgen.form_encoded(self.values(self.counter)), headers)
            )
        return reqs


def municipality_value(html):
    """A municipality the form offers (the value of the Oslo option, else the first)."""
    match = re.search(r'<option value="([^"]+)"[^>]*>\s*Oslo\b', html) or re.search(
        r'<select[^>]*name="municipality"[^>]*>.*?<option value="([^"]+)"', html, re.S
    )
    return match.group(1) if match else ""


def application_values(names, unique, municipality):
    """Answers for the application form's core questions (only fields the form has)."""
    answers = {
        "full_name": f"Søkjar {unique}",
        "email": f"{unique}@kommune.example.no",
        "phone": "+47 400 00 000",
        "municipality": municipality,
        "role": "employee",
        "position": "Arealplanleggar",
        "interests": "Klimavennleg arealbruk og transport.",
        "accessibility_needs": "",
        "consent": "on",
    }
    return {k: v for k, v in answers.items() if k in names}


class AdminTarget(Target):
    """An admin page, logged in as the bench superuser with a session cookie."""

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = {"Cookie": session} if session else {}


def admin_login(port, username, password):
    status, headers, body = loadgen.get(HOST, port, "/admin/login/")
    if status != 200:
        return None, f"GET /admin/login/ answered {status}"
    jar = loadgen.cookies_from(headers)
    token = loadgen.hidden_inputs(body.decode()).get("csrfmiddlewaretoken", "")
    status, headers, _ = loadgen.post(
        HOST,
        port,
        "/admin/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token,
            "next": "/admin/",
        },
        {"Cookie": loadgen.cookie_header(jar)},
    )
    jar.update(loadgen.cookies_from(headers))
    if status != 302 or "sessionid" not in jar:
        return None, f"login answered {status}"
    return loadgen.cookie_header(jar), ""


# -- one round -----------------------------------------------------------------------


def read_query_log(path):
    counts = []
    try:
        with open(path) as f:
            for line in f:
                _req, _, count = line.rstrip("\n").rpartition("\t")
                if count.isdigit():
                    counts.append(int(count))
    except FileNotFoundError:
        pass
    return counts


def measure_round(target, port, meter, query_log, concurrency, max_seconds, n=None):
    """One block of a target's requests (``n``, else its own number), as measured: CPU
    seconds of the server, the database and autovacuum, wall time, the latencies of the
    successful requests and each request's query count (``merge_results`` derives the
    figures)."""
    requests = target.build(n or target.n)
    open(query_log, "w").close()
    app0, db0, vacuum0 = meter.read()
    results, wall = loadgen.run(
        HOST, port, requests, concurrency=concurrency, max_seconds=max_seconds, timeout=120
    )
    app1, db1, vacuum1 = meter.read()
    time.sleep(0.3)  # let the last worker write its query count after close()
    errors = {}
    for r in results:
        if r.status not in target.expect:
            errors[r.status] = errors.get(r.status, 0) + 1
    return {
        "requests": len(results),
        "errors": errors,
        "sample_error": next(
            (r.body[:300].decode(errors="replace") for r in results if r.status >= 500), ""
        ),
        "app_s": cpu_delta(app0, app1),
        "db_s": cpu_delta(db0, db1),
        "autovacuum_s": cpu_delta(vacuum0, vacuum1),
        "wall_s": wall,
        "latencies": [r.seconds for r in results if r.status in target.expect],
        "counts": read_query_log(query_log),
    }


#: A checked target and its reference are measured in this many blocks each per round,
#: alternating A B B A A B …, so both see the machine at the same speed.
PAIR_BLOCKS = 6


def measure_group(group, port, meter, query_log, concurrency, max_seconds, blocks=None):
    """``measure_round`` for one target, or for a checked target and its reference: then
    each one's requests are split into ``blocks`` (``PAIR_BLOCKS``) blocks that alternate
    with the other's (A B B A A B …), since the CPU speed of this VM drifts within
    seconds, and a target measured for three seconds after its reference inherits that
    drift. Returns one merged result per target key."""
    blocks = blocks or (PAIR_BLOCKS if len(group) > 1 else 1)
    parts = {target.key: [] for target in group}
    for block in range(blocks):
        order = group if block % 4 in (0, 3) else group[::-1]
        for target in order:
            size = max(target.n // blocks, 1)
            parts[target.key].append(
                measure_round(target, port, meter, query_log, concurrency, max_seconds, n=size)
            )
    return {key: merge_results(results) for key, results in parts.items()}


def merge_results(blocks):
    """One target's figures from its blocks: CPU and requests summed, latencies and
    query counts pooled."""
    n = sum(b["requests"] for b in blocks)
    wall = sum(b["wall_s"] for b in blocks)
    errors = {}
    for b in blocks:
        for status, count in b["errors"].items():
            errors[status] = errors.get(status, 0) + count
    latencies = [x for b in blocks for x in b["latencies"]]
    counts = [x for b in blocks for x in b["counts"]]
    p50, p95, p99 = loadgen.percentiles(latencies)
    per_request = 1000 / n if n else float("nan")
    return {
        "requests": n,
        "ok": len(latencies),
        "errors": errors,
        "sample_error": next((b["sample_error"] for b in blocks if b["sample_error"]), ""),
        "rps": len(latencies) / wall if wall else 0.0,
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "app_ms": sum(b["app_s"] for b in blocks) * per_request,
        "db_ms": sum(b["db_s"] for b in blocks) * per_request,
        "autovacuum_ms": sum(b["autovacuum_s"] for b in blocks) * 1000,  # in all, not per request
        "queries": statistics.median(counts) if counts else None,
        "queries_max": max(counts) if counts else None,
        "wall_s": wall,
        "blocks": len(blocks),
    }


def median_of(rounds, key):
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if values else None


# -- report --------------------------------------------------------------------------


#: The bounds of issue 15 (they replace issue 6's 1.1x for the event page): ``bench/run``
#: exits 1 when the median of a pair's per-round ratios is above its bound.
TARGETS_CHECKED = [
    ("event", "plain", 1.3, "event page CPU/request <= 1.3x plain Wagtail page"),
    ("apply_get", "builder_get", 0.5, "application form GET <= 0.5x form builder GET"),
    ("apply_post", "builder_post", 1.0, "application POST <= 1.0x form builder POST"),
]


def round_order(targets, round_no):
    """The targets of one round, as groups: each checked target with its reference (the
    pair's order alternating by round: A B, then B A), the others alone."""
    partner = {}
    for key, ref, _limit, _text in TARGETS_CHECKED:
        partner[ref], partner[key] = key, ref
    by_key = {t.key: t for t in targets}
    order, placed = [], set()
    for target in targets:
        if target.key in placed:
            continue
        other = by_key.get(partner.get(target.key))
        pair = [target] if other is None else [target, other]
        if round_no % 2:
            pair.reverse()
        order.append(pair)
        placed.update(t.key for t in pair)
    return order


def total_ms(result):
    return (result.get("app_ms") or 0) + (result.get("db_ms") or 0)


def paired_ratios(per_round, key, ref):
    """The ratio key/ref of each round in which both were measured."""
    return [
        total_ms(a) / total_ms(b)
        for a, b in zip(per_round.get(key, []), per_round.get(ref, []), strict=False)
        if total_ms(b)
    ]


def machine_info(db_version):
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return "?"

    import gunicorn
    import wagtail

    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": run(["nproc"]),
        "cpu": next(
            (
                line.split(":", 1)[1].strip()
                for line in open("/proc/cpuinfo")
                if line.startswith("model name")
            ),
            "?",
        ),
        "free": run(["free", "-h"]),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "gunicorn": gunicorn.__version__,
        "postgresql": db_version,
    }


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float) and value != value:
        return "–"
    return f"{value:.{digits}f}"


def report(summary, order, info, config, missing, per_round=None):
    total = {k: (s["app_ms"] or 0) + (s["db_ms"] or 0) for k, s in summary.items() if s}
    plain, bare = total.get("plain"), total.get("bare")
    lines = []
    lines.append(f"Measured {info['date']} with `{config['command']}`")
    lines.append("")
    lines.append(
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"Django {info['django']}, Wagtail {info['wagtail']}, gunicorn {info['gunicorn']} "
        f"({config['workers']} sync workers), {info['postgresql']}. Concurrency "
        f"{config['concurrency']}, {config['rounds']} rounds (A B … A B …), medians shown; "
        "each checked target interleaved with its reference in 6 blocks (A B B A A B), the "
        "pair's order reversed every other round."
    )
    lines.append("")
    lines.append(
        "| target | req/s | p50 ms | p95 ms | p99 ms | app CPU ms/req | DB CPU ms/req "
        "| total CPU ms/req | × plain Wagtail | × bare view | queries/req |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for key, label in order:
        s = summary.get(key)
        if not s:
            lines.append(f"| {label} | not measured: {missing.get(key, '?')} |||||||||| ")
            continue
        t = total[key]
        lines.append(
            f"| {label} | {fmt(s['rps'])} | {fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['p99'])} "
            f"| {fmt(s['app_ms'], 2)} | {fmt(s['db_ms'], 2)} | {fmt(t, 2)} "
            f"| {fmt(t / plain if plain else None, 2)} | {fmt(t / bare if bare else None, 1)} "
            f"| {fmt(s['queries'], 0)} |"
        )
    lines.append("")
    lines.append(
        "| target (CPU per request, server + database) | median of per-round ratios "
        "| per-round ratios | ratio of medians | result |"
    )
    lines.append("|---|---:|---|---:|---|")
    verdicts = {}
    for key, ref, limit, text in TARGETS_CHECKED:
        ratios = paired_ratios(per_round or {}, key, ref)
        if ratios and key in total and ref in total and total[ref]:
            ratio = statistics.median(ratios)
            verdict = "PASS" if ratio <= limit else "FAIL"
            each = " ".join(f"{r:.2f}" for r in ratios)
            lines.append(
                f"| {text} | {ratio:.2f} | {each} | {total[key] / total[ref]:.2f} | {verdict} |"
            )
        else:
            verdict = "NOT MEASURED"
            lines.append(f"| {text} | – | – | – | {verdict} |")
        verdicts[key] = verdict
    return "\n".join(lines), verdicts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--targets", required=True)
    parser.add_argument("--gunicorn-pid", type=int, required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--pg-data", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--command", default="bench/run")
    parser.add_argument("--max-seconds", type=float, default=60, help="per round and target")
    args = parser.parse_args()

    seed = json.loads(Path(args.targets).read_text())
    query_log = os.environ["BENCH_QUERY_LOG"]
    meter = CpuMeter(args.gunicorn_pid, args.pg_data, args.db)
    scale = 0.1 if args.quick else 1.0

    def n(count):
        return max(int(count * scale), 5)

    missing = {}
    targets = [
        Target("bare", "bare Django view (ceiling)", "/bench/bare/", requests=n(600)),
        Target("plain", "plain Wagtail page", seed["plain_page"], requests=n(300)),
        Target("builder_get", "Wagtail form builder GET", seed["form_builder"], requests=n(200)),
        FormBuilderPost(
            "builder_post",
            "Wagtail form builder POST",
            seed["form_builder"],
            method="POST",
            expect=(200,),
            requests=n(200),
        ),
        Target("event", "our event page", seed["event_page"], requests=n(300)),
        Target("apply_get", "our application form GET", seed["application_form"], requests=n(300)),
        ApplicationPost(
            "apply_post",
            "our application form POST",
            seed["application_form"],
            method="POST",
            expect=(302, 303),
            requests=n(200),
            form_id=seed["application_form_id"],
            event_id=seed["application_event_id"],
        ),
    ]
    if seed.get("archive"):
        archive_query = seed.get("archive_query", "?q=klima&topic=transport")
        targets.append(
            Target(
                "archive",
                f"proposal archive, {seed.get('proposals')} proposals (filtered + searched)",
                seed["archive"] + archive_query,
                requests=n(200),
            )
        )
    else:
        missing["archive"] = "no proposal archive (create_many missing)"

    session, why = admin_login(args.port, seed["admin_user"], seed["admin_password"])
    admin_list = seed.get("admin_list")
    admin_export = seed.get("admin_export")
    if session and admin_list:
        targets.append(
            AdminTarget(
                "admin_list",
                f"admin application list, {seed['applications']} applications",
                admin_list,
                session=session,
                requests=n(100),
            )
        )
    else:
        missing["admin_list"] = why or "no admin application list yet"
    if session and admin_export:
        targets.append(
            AdminTarget(
                "admin_export",
                f"admin CSV export of {seed['applications']} applications",
                admin_export,
                session=session,
                requests=max(int(10 * scale), 2),
            )
        )
    else:
        missing["admin_export"] = why or "no admin export yet"

    order = [(t.key, t.label) for t in targets]
    order += [(k, k) for k in ("archive", "admin_list", "admin_export") if k in missing]
    for target in targets:
        target.prepare(args.port)
        if target.unavailable:
            missing[target.key] = target.unavailable
            print(f"skip {target.key}: {target.unavailable}", flush=True)
    active = [t for t in targets if not t.unavailable]

    # warm every worker on every target
    for target in active:
        warm = 4 * args.workers if target.n >= 50 else args.workers
        loadgen.run(HOST, args.port, target.build(warm), concurrency=args.concurrency)

    per_round = {t.key: [] for t in active}
    started = time.monotonic()
    for round_no in range(args.rounds):
        measured = []
        for group in round_order(active, round_no):
            merged = measure_group(
                group, args.port, meter, query_log, args.concurrency, args.max_seconds
            )
            measured += [(target, merged[target.key]) for target in group]
        for target, result in measured:
            per_round[target.key].append(result)
            print(
                f"round {round_no + 1} {target.key:13} {result['ok']:4}/{result['requests']:<4} ok "
                f"{result['rps']:7.1f} req/s p50 {result['p50']:7.1f} ms "
                f"app {result['app_ms']:6.2f} ms db {result['db_ms']:6.2f} ms "
                f"q {result['queries']} {result['errors'] or ''}"
                + (
                    f" (autovacuum {result['autovacuum_ms']:.0f} ms)"
                    if result["autovacuum_ms"]
                    else ""
                ),
                flush=True,
            )
            if result["sample_error"]:
                print("   first server error:", result["sample_error"][:200], flush=True)
        # a run stopped early still leaves its finished rounds behind
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "rounds.json").write_text(json.dumps(per_round, indent=1, default=str))

    summary = {}
    for key, rounds in per_round.items():
        summary[key] = {
            k: median_of(rounds, k)
            for k in ("rps", "p50", "p95", "p99", "app_ms", "db_ms", "queries", "queries_max")
        }
        summary[key]["errors"] = sum(sum(r["errors"].values()) for r in rounds)
        summary[key]["requests"] = sum(r["requests"] for r in rounds)
        if summary[key]["errors"]:
            missing.setdefault(key + "_errors", f"{summary[key]['errors']} unexpected answers")

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        db_version = cursor.fetchone()[0].split(" on ")[0]
    info = machine_info(db_version)
    config = {
        "command": args.command,
        "workers": args.workers,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "quick": args.quick,
        "seconds": round(time.monotonic() - started, 1),
    }
    outbox_lines, outbox_ok = post_checks(seed)
    checks = [autovacuum_note(per_round), *outbox_lines]
    markdown, verdicts = report(summary, order, info, config, missing, per_round)
    notes = seed.get("notes", []) + checks
    if seed.get("missing") or missing:
        notes.append(
            "Not measured / missing: "
            + "; ".join(seed.get("missing", []) + [f"{k}: {v}" for k, v in missing.items()])
        )
    markdown += "\n\n" + "\n".join(f"- {line}" for line in notes) + "\n"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps(
            {
                "info": info,
                "config": config,
                "summary": summary,
                "rounds": per_round,
                "verdicts": verdicts,
                "missing": missing,
                "seed_missing": seed.get("missing"),
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    (out / "results.md").write_text(markdown)
    print()
    print(markdown)
    print(f"\nmachine: nproc {info['nproc']}\n{info['free']}")
    print(f"written to {out}/results.md and results.json")
    return 1 if "FAIL" in verdicts.values() or not outbox_ok else 0


def autovacuum_note(per_round):
    """How much CPU PostgreSQL's autovacuum workers used during the measured rounds (it
    is left out of every target's database CPU: see ``postgres_cpu``)."""
    during = [
        (r.get("autovacuum_ms") or 0, key, i + 1)
        for key, rounds in per_round.items()
        for i, r in enumerate(rounds)
    ]
    total = sum(ms for ms, _key, _round in during)
    if not total:
        return "Autovacuum workers of the bench database used no CPU during the measured rounds."
    ms, key, round_no = max(during)
    return (
        f"Autovacuum workers of the bench database used {total:.0f} ms of CPU during the "
        f"measured rounds, counted in no target (the most, {ms:.0f} ms, while {key} ran "
        f"in round {round_no})."
    )


#: The emails a submission writes to the outbox, in its own transaction.
SUBMISSION_KINDS = (NotificationKind.RECEIPT, NotificationKind.ORGANISER_NOTICE)


def without_their_emails(application_ids, notifications):
    """The applications (sorted pks) missing one of their submission's outbox rows;
    ``notifications``: ``(application pk, kind)`` rows."""
    kinds = {}
    for pk, kind in notifications:
        kinds.setdefault(pk, set()).add(kind)
    return sorted(
        pk
        for pk in application_ids
        if any(kind not in kinds.get(pk, ()) for kind in SUBMISSION_KINDS)
    )


def read_outbox_log(path):
    """The lines of $BENCH_OUTBOX_LOG (``QueryCountMiddleware``): one per request that
    stored an application, "1" when its outbox rows were inserted in its transaction.
    Returns ``(in_one_transaction, others)``: a count and the other lines."""
    ones, others = 0, []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line == "1":
                    ones += 1
                elif line:
                    others.append(line)
    except (FileNotFoundError, TypeError):
        pass
    return ones, others


def outbox_report(applications, outbox_log):
    """Check ``applications`` (a queryset): each has its receipt and organiser notice in
    the outbox, and each request that stored one inserted them in the application's own
    transaction (``read_outbox_log``: one line per stored application). Returns
    ``(text, ok)``."""
    from wagtail_klimakronsj.mail.models import Notification

    ids = list(applications.values_list("pk", flat=True))
    rows = Notification.objects.filter(application__in=applications.values("pk"))
    missing = without_their_emails(ids, rows.values_list("application_id", "kind"))
    together, apart = read_outbox_log(outbox_log)
    ok = bool(ids) and not missing and not apart and together == len(ids)
    text = (
        f"{len(ids)} applications, {rows.count()} outbox rows: {len(missing)} applications "
        f"without their receipt and organiser notice; {together} of {len(ids)} stored with "
        f"their outbox rows inside the same transaction (seen by the server's query "
        f"wrapper), {len(apart)} not"
    )
    if missing or apart:
        text += f" (first: {missing[:5]} {apart[:3]})"
    return text, ok


def post_checks(seed):
    """What the POSTs did in the database: every accepted POST is a seat, and every
    application has its two outbox rows, written in its own transaction (the emails
    are only sent later: no worker runs during the benchmark). Returns ``(lines, ok)``."""
    from wagtail_klimakronsj.models import Application, ApplicationStatus

    apps = Application.objects.filter(event_id=seed["application_event_id"])
    accepted = apps.filter(status=ApplicationStatus.ACCEPTED).count()
    text, ok = outbox_report(apps, os.environ.get("BENCH_OUTBOX_LOG"))
    line = f"Application POSTs on the first-come event: {accepted} accepted (a seat each); {text}."
    return [line if ok else "FAIL: " + line], ok


if __name__ == "__main__":
    sys.exit(main())
