"""Seats under real concurrency: only meaningful on PostgreSQL (SQLite ignores row locks)."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import override_settings

from tests.conftest import make_event
from wagtail_klimakronsj import seats
from wagtail_klimakronsj.models import Application, ApplicationStatus, SeatPolicy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPLICANTS = 40
SEATS = 5





def rush(event, n):
    barrier = threading.Barrier(n)
    errors = []

    def one(i):
        try:
            barrier.wait()
            seats.apply(
                event,
                {"full_name": f"P{i}", "email": f"p{i}@example.org", "role": "employee"},
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_parallel_applications_never_oversell(root_page, slow_decisions):
    event = make_event(root_page, seat_limit=SEATS, seat_policy=SeatPolicy.FIRST_COME)
    errors = rush(event, APPLICANTS)
    assert errors == []
    assert Application.objects.count() == APPLICANTS  # nobody lost
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == SEATS
    assert Application.objects.filter(status=ApplicationStatus.WAITLISTED).count() == APPLICANTS - SEATS


def test_control_without_the_lock_the_race_oversells(root_page, slow_decisions):
    """Proves the test above can see a race: the same rush, lock off, oversells."""
    event = make_event(root_page, seat_limit=SEATS, seat_policy=SeatPolicy.FIRST_COME)
    with override_settings(WAGTAIL_KLIMAKRONSJ_SEAT_LOCKING=False):
        errors = rush(event, APPLICANTS)
    assert errors == []
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() > SEATS


def test_two_organisers_accepting_at_once_never_oversell(root_page, slow_decisions):
    event = make_event(root_page, seat_limit=SEATS)
    ids = [
        seats.apply(event, {"full_name": f"P{i}", "email": f"p{i}@example.org", "role": "elected"})[0].pk
        for i in range(12)
    ]
    barrier = threading.Barrier(2)
    results = []

    def organiser(selection):
        try:
            barrier.wait()
            results.append(seats.decide(event, selection, ApplicationStatus.ACCEPTED))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=organiser, args=(ids[:9],)),
        threading.Thread(target=organiser, args=(ids[3:],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 2
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == SEATS
