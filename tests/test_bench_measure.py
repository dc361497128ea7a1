"""The benchmark's own arithmetic (``bench/measure.py``): which processes count, how a
checked target and its reference are interleaved, how the blocks add up."""

import pytest

from bench import measure


class FakeTarget:
    def __init__(self, key, n=60):
        self.key, self.n = key, n


def test_pairs_are_grouped_and_their_order_alternates_by_round():
    targets = [FakeTarget(k) for k in ("bare", "plain", "event", "archive")]
    first = [[t.key for t in group] for group in measure.round_order(targets, 0)]
    second = [[t.key for t in group] for group in measure.round_order(targets, 1)]
    assert first == [["bare"], ["plain", "event"], ["archive"]]
    assert second == [["bare"], ["event", "plain"], ["archive"]]


def test_a_pair_alternates_in_blocks(monkeypatch):
    calls = []

    def fake_round(target, port, meter, query_log, concurrency, max_seconds, n=None):
        calls.append((target.key, n))
        cpu = {"a": 10.0, "b": 20.0}[target.key]
        return {
            "requests": n, "ok": n, "errors": {}, "sample_error": "", "rps": 0.0,
            "p50": 0, "p95": 0, "p99": 0, "app_ms": cpu, "db_ms": 1.0, "autovacuum_ms": 0.0,
            "queries": 6, "queries_max": 6, "wall_s": 1.0,
            "_latencies": [0.01] * n, "_counts": [6] * n,
        }  # fmt: skip

    monkeypatch.setattr(measure, "measure_round", fake_round)
    merged = measure.measure_pair(
        [FakeTarget("a", 60), FakeTarget("b", 60)], 0, None, "", 4, 60, blocks=6
    )
    assert [key for key, _n in calls] == list("abbabaababba")
    assert {n for _key, n in calls} == {10}
    assert merged["a"]["requests"] == merged["b"]["requests"] == 60
    assert merged["a"]["app_ms"] == pytest.approx(10.0)
    assert merged["b"]["app_ms"] == pytest.approx(20.0)
    assert merged["a"]["rps"] == pytest.approx(10.0) and merged["a"]["blocks"] == 6


def test_merged_cpu_is_weighted_by_requests():
    def block(n, app):
        return {
            "requests": n, "ok": n, "errors": {500: 1} if n == 1 else {}, "sample_error": "",
            "app_ms": app, "db_ms": 0.0, "autovacuum_ms": 5.0, "wall_s": 1.0,
            "_latencies": [0.02] * n, "_counts": [8] * n,
        }  # fmt: skip

    merged = measure.merge_results([block(3, 10.0), block(1, 30.0)])
    assert merged["app_ms"] == pytest.approx(15.0)
    assert merged["errors"] == {500: 1} and merged["autovacuum_ms"] == 10.0
    assert merged["queries"] == 8


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
