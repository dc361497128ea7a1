"""The benchmark's own arithmetic (``bench/measure.py``): which processes count, how a
checked target and its reference are interleaved, how the blocks add up.

bench/ is the project's lab, not part of the package: without it (an unpacked sdist)
these tests are skipped."""

import pytest

measure = pytest.importorskip("bench.measure", reason="bench/ is not here (a package's sdist)")
instructions = pytest.importorskip("bench.instructions", reason="bench/ is not here")


class FakeTarget:
    def __init__(self, key, n=60):
        self.key, self.n = key, n


def test_pairs_are_grouped_and_their_order_alternates_by_round():
    targets = [FakeTarget(k) for k in ("bare", "plain", "event", "archive")]
    first = [[t.key for t in group] for group in measure.round_order(targets, 0)]
    second = [[t.key for t in group] for group in measure.round_order(targets, 1)]
    assert first == [["bare"], ["plain", "event"], ["archive"]]
    assert second == [["bare"], ["event", "plain"], ["archive"]]


def block(n, app_s, *, errors=None, autovacuum_s=0.0, queries=6):
    """A raw block as ``measure_round`` returns it."""
    return {
        "requests": n, "errors": errors or {}, "sample_error": "", "app_s": app_s,
        "db_s": 0.001 * n, "autovacuum_s": autovacuum_s, "wall_s": 1.0,
        "latencies": [0.01] * (n - sum((errors or {}).values())), "counts": [queries] * n,
    }  # fmt: skip


def test_a_pair_alternates_in_blocks(monkeypatch):
    calls = []

    def fake_round(target, port, meter, query_log, concurrency, max_seconds, n=None):
        calls.append((target.key, n))
        return block(n, {"a": 0.010, "b": 0.020}[target.key] * n)

    monkeypatch.setattr(measure, "measure_round", fake_round)
    merged = measure.measure_group(
        [FakeTarget("a", 60), FakeTarget("b", 60)], 0, None, "", 4, 60, blocks=6
    )
    assert [key for key, _n in calls] == list("abbabaababba")
    assert {n for _key, n in calls} == {10}
    assert merged["a"]["requests"] == merged["b"]["requests"] == 60
    assert merged["a"]["app_ms"] == pytest.approx(10.0)
    assert merged["b"]["app_ms"] == pytest.approx(20.0)
    assert merged["a"]["db_ms"] == pytest.approx(1.0)
    assert merged["a"]["rps"] == pytest.approx(10.0) and merged["a"]["blocks"] == 6


def test_a_target_alone_is_one_block(monkeypatch):
    calls = []

    def fake_round(target, port, meter, query_log, concurrency, max_seconds, n=None):
        calls.append((target.key, n))
        return block(n, 0.5)

    monkeypatch.setattr(measure, "measure_round", fake_round)
    merged = measure.measure_group([FakeTarget("bare", 500)], 0, None, "", 4, 60)
    assert calls == [("bare", 500)]
    assert merged["bare"]["app_ms"] == pytest.approx(1.0) and merged["bare"]["blocks"] == 1


def test_merged_cpu_is_weighted_by_requests():
    merged = measure.merge_results(
        [
            block(3, 0.030, autovacuum_s=0.005, queries=8),
            block(1, 0.030, errors={500: 1}, autovacuum_s=0.005, queries=8),
        ]
    )
    assert merged["app_ms"] == pytest.approx(15.0)
    assert merged["errors"] == {500: 1} and merged["autovacuum_ms"] == pytest.approx(10.0)
    assert merged["ok"] == 3 and merged["queries"] == 8


def test_autovacuum_is_kept_apart_and_other_databases_ignored(monkeypatch):
    cmdlines = {
        11: "postgres: postgres klimakronsj_bench 127.0.0.1(50000) idle ",
        12: "postgres: autovacuum worker klimakronsj_bench   ",
        13: "postgres: parallel worker for PID 11  ",
        14: "postgres: postgres otherdb 127.0.0.1(50001) idle ",
        15: "postgres: checkpointer ",
        99: "postgres: postgres klimakronsj_bench 127.0.0.1(50002) idle ",
    }
    monkeypatch.setattr(measure, "_cmdline", lambda pid: cmdlines[pid])
    procs = {pid: (1 if pid != 99 else 2, pid * 10, 0) for pid in cmdlines}
    serving, autovacuum = measure.postgres_cpu(1, "klimakronsj_bench", procs)
    assert serving == {11: 110, 13: 130}
    assert autovacuum == {12: 120}


def test_instruction_counts_are_read_from_cachegrinds_summary_and_differenced():
    report = "==41== Collected : 5\n==41==\n==41== I   refs:      6,785,828,430\n"
    assert instructions.parse_instructions(report) == 6_785_828_430
    assert instructions.parse_instructions("valgrind: command not found") is None
    counts = {("plain", 0): 1_000, ("plain", 10): 1_000 + 10 * 250}
    assert instructions.per_request(counts, ["plain"], 10) == {"plain": 250}


def test_issue_15s_bounds_are_checked():
    bounds = {key: (ref, limit) for key, ref, limit, _text in measure.TARGETS_CHECKED}
    assert bounds == {
        "event": ("plain", 1.3),
        "apply_get": ("builder_get", 0.5),
        "apply_post": ("builder_post", 1.0),
    }
    per_round = {
        "event": [{"app_ms": 12.0, "db_ms": 1.0}] * 3,
        "plain": [{"app_ms": 9.0, "db_ms": 1.0}] * 3,  # 1.3x: met
        "apply_get": [{"app_ms": 6.0, "db_ms": 0.0}] * 3,
        "builder_get": [{"app_ms": 10.0, "db_ms": 0.0}] * 3,  # 0.6x: missed
    }
    summary = {key: rounds[0] for key, rounds in per_round.items()}
    info = dict.fromkeys(("date", "nproc", "cpu", "python", "django", "wagtail"), "?")
    info.update(gunicorn="?", postgresql="?")
    config = {"command": "bench/run", "workers": 4, "concurrency": 4, "rounds": 3}
    _markdown, verdicts = measure.report(summary, [], info, config, {}, per_round)
    assert verdicts == {"event": "PASS", "apply_get": "FAIL", "apply_post": "NOT MEASURED"}


def test_an_application_needs_both_of_its_submission_emails():
    rows = [(1, "receipt"), (1, "organiser_notice"), (2, "receipt"), (3, "organiser_notice")]
    assert measure.without_their_emails([1, 2, 3, 4], rows) == [2, 3, 4]
    assert measure.without_their_emails([1], rows) == []


def test_the_outbox_log_counts_requests_that_wrote_in_one_transaction(tmp_path):
    log = tmp_path / "outbox.log"
    log.write_text("1\n1\n0 application:atomic@1 notification:autocommit\n\n")
    assert measure.read_outbox_log(str(log)) == (
        2,
        ["0 application:atomic@1 notification:autocommit"],
    )
    assert measure.read_outbox_log(str(tmp_path / "missing.log")) == (0, [])
    assert measure.read_outbox_log(None) == (0, [])


def test_the_server_tells_one_transaction_from_two():
    middleware = pytest.importorskip("bench.benchsite.middleware")
    outer, other = object(), object()
    together = [("application", outer), ("notification", outer)]
    assert middleware.one_transaction(together) == "1"
    after_commit = [("application", outer), ("notification", other)]
    assert middleware.one_transaction(after_commit).startswith("0 application:atomic@")
    autocommit = [("application", outer), ("notification", None)]
    assert middleware.one_transaction(autocommit).endswith("notification:autocommit")
    assert middleware.one_transaction([("application", outer)]).startswith("0 ")


@pytest.mark.django_db
def test_the_server_logs_a_real_submission_as_one_transaction(
    root_page, oslo, settings, monkeypatch, tmp_path
):
    """The query wrapper sees the application and its outbox rows inserted inside one
    outermost atomic block, as ``workflow.submit`` writes them."""
    pytest.importorskip("bench.benchsite.middleware")
    from django.test import Client

    from tests.apply_helpers import form_data
    from tests.conftest import make_event, make_form_page
    from wagtail_klimakronsj.models import Application, SeatPolicy

    event = make_event(
        root_page, seat_policy=SeatPolicy.FIRST_COME, organiser_emails="arrangor@example.org"
    )
    form_page = make_form_page(root_page, event)
    log = tmp_path / "outbox.log"
    monkeypatch.setenv("BENCH_OUTBOX_LOG", str(log))
    settings.MIDDLEWARE = ["bench.benchsite.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    response = Client().post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code in (302, 303)
    application = Application.objects.get(event_id=event.pk)
    text, ok = measure.outbox_report(Application.objects.filter(pk=application.pk), str(log))
    assert ok, text
    assert log.read_text() == "1\n"
