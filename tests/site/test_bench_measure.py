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
