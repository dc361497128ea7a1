"""Seats under real concurrency: only meaningful on PostgreSQL (SQLite ignores row locks)."""

import threading

import pytest
from django.db import close_old_connections, connection

from tests.conftest import make_event
from wagtail_klimakronsj.applications import seats
from wagtail_klimakronsj.models import Application, ApplicationStatus, SeatPolicy

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

APPLICANTS = 40
SEATS = 5


@pytest.fixture
def without_the_lock(monkeypatch):
    """The control run: the seat policy's lock taken away (inside the test only)."""
    monkeypatch.setattr(seats, "lock_event", lambda event_id: None)


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
    assert (
        Application.objects.filter(status=ApplicationStatus.WAITLISTED).count()
        == APPLICANTS - SEATS
    )


def test_control_without_the_lock_the_race_oversells(root_page, slow_decisions, without_the_lock):
    """Proves the test above can see a race: the same rush, lock off, oversells."""
    event = make_event(root_page, seat_limit=SEATS, seat_policy=SeatPolicy.FIRST_COME)
    errors = rush(event, APPLICANTS)
    assert errors == []
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() > SEATS


def test_two_organisers_accepting_at_once_never_oversell(root_page, slow_decisions):
    event = make_event(root_page, seat_limit=SEATS)
    ids = [
        seats.apply(event, {"full_name": f"P{i}", "email": f"p{i}@example.org", "role": "elected"})[
            0
        ].pk
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


def test_a_rush_sends_every_email_once(root_page):
    """Parallel submissions each write their two emails in their own transaction and
    queue one task for them after commit: every email goes out exactly once and none
    is left behind."""
    from django.core import mail

    try:  # Django 6.0+
        from django.tasks.signals import task_enqueued
    except ImportError:  # Django 5.2: the backport
        from django_tasks.signals import task_enqueued

    from wagtail_klimakronsj.applications import workflow
    from wagtail_klimakronsj.mail.models import NotificationStatus
    from wagtail_klimakronsj.models import Notification

    event = make_event(root_page, seat_limit=SEATS, seat_policy=SeatPolicy.FIRST_COME)
    mail.outbox = []
    enqueued = []

    def listener(sender, task_result, **kwargs):
        enqueued.append(task_result.task.name)

    task_enqueued.connect(listener)
    barrier = threading.Barrier(APPLICANTS)
    errors = []

    def one(i):
        try:
            barrier.wait()
            workflow.submit(
                event,
                None,
                {"full_name": f"P{i}", "email": f"p{i}@example.org", "role": "employee"},
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(APPLICANTS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        task_enqueued.disconnect(listener)
    assert errors == []
    rows = Notification.objects.filter(application__event_id=event.pk)
    assert rows.count() == 2 * APPLICANTS
    assert not rows.exclude(status=NotificationStatus.SENT).exists()
    assert rows.filter(attempts=1).count() == 2 * APPLICANTS  # each sent once
    assert len(mail.outbox) == 2 * APPLICANTS
    assert enqueued.count("send_notifications") == APPLICANTS
