"""The archive at scale: run with KLIMAKRONSJ_ARCHIVE_SCALE=10000 (skipped otherwise).

    KLIMAKRONSJ_ARCHIVE_SCALE=10000 .venv/bin/pytest -q -s tests/proposals/test_archive_scale.py

Seeds N proposals with ``tests.proposal_helpers.add_proposals`` and prints the query count and
the median time of the archive page (filtered and searched), the CSV export and the
feed. Only the query count is asserted; times are printed, never asserted.
"""

import os
import statistics
import time

import pytest
from django.db import connection

from tests.conftest import make_event
from tests.proposal_helpers import add_proposals
from wagtail_klimakronsj.demo import proposals as demo
from wagtail_klimakronsj.events.models import GuidingQuestion
from wagtail_klimakronsj.pages.models import ProposalArchivePage

SCALE = int(os.environ.get("KLIMAKRONSJ_ARCHIVE_SCALE", "0"))

pytestmark = pytest.mark.skipif(not SCALE, reason="set KLIMAKRONSJ_ARCHIVE_SCALE=10000")


def _timed(client, url, params, rounds=5):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_archive_with_many_proposals(client, root_page, django_assert_max_num_queries):
    event = make_event(
        root_page, title="Klimakrønsj 2021", questions=[(demo.Q_PLANS, False), (demo.Q_WHO, False)]
    )
    archive = ProposalArchivePage(title="Forslagsarkiv")
    root_page.add_child(instance=archive)
    archive.save_revision().publish()
    start = time.perf_counter()
    questions = list(GuidingQuestion.objects.filter(page=event))
    add_proposals(
        archive, event, SCALE, topics=list(demo.get_topics().values()), questions=questions
    )
    seeded = time.perf_counter() - start

    cases = {
        "plain": {},
        "filtered": {"edition": event.pk, "topic": ["transport", "energi"], "actor": "together"},
        "filtered+searched": {
            "edition": event.pk,
            "topic": ["transport", "energi"],
            "actor": "together",
            "q": "forslag klima",
        },
    }
    print(f"\n{SCALE} proposals seeded in {seeded:.1f} s ({connection.vendor})")
    for name, params in cases.items():
        client.get(archive.url, params)
        connection.queries_log.clear()  # a full log (maxlen 9000) would hide new queries
        with django_assert_max_num_queries(14) as queries:
            response = client.get(archive.url, params)
        assert response.status_code == 200
        count = response.context["paginator"].count
        n_queries = len(queries.captured_queries)
        median = _timed(client, archive.url, params)
        print(
            f"archive {name}: {count} matches, {n_queries} queries, median {median * 1000:.0f} ms"
        )
    params = cases["filtered+searched"]
    print(
        f"feed filtered+searched: median {_timed(client, archive.url + 'feed/', params) * 1000:.0f} ms"
    )
    print(
        "CSV export filtered: median "
        f"{_timed(client, archive.url + 'export-csv/', cases['filtered'], rounds=3) * 1000:.0f} ms"
    )
