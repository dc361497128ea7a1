"""Held seats under real concurrency: confirmations racing the release job (PostgreSQL)."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import ModelLogEntry

from tests.conftest import make_event
from wagtail_klimakronsj.applications import seats, workflow
from wagtail_klimakronsj.models import (
    SEAT_HOLDING,
    Application,
    ApplicationStatus,
    Notification,
    NotificationKind,
    SeatPolicy,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS = 5
WAITING = 12


def held_event(root_page):
    """SEATS seats held unconfirmed and past their time, WAITING on the waiting list
    (every other one confirmed)."""
    event = make_event(
        root_page, seat_limit=SEATS, seat_policy=SeatPolicy.FIRST_COME, confirm_email=True
    )
    people = [
        seats.apply(
            event, {"full_name": f"P{i}", "email": f"p{i}@example.org", "role": "employee"}
        )[0]
        for i in range(SEATS + WAITING)
    ]
    holders, waiting = people[:SEATS], people[SEATS:]
    assert {a.status for a in holders} == {ApplicationStatus.UNCONFIRMED}
    Application.objects.filter(pk__in=[a.pk for a in waiting[::2]]).update(
        email_confirmed_at=timezone.now()
    )
    return event, holders


def race(jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def release_later():
    time.sleep(0.05)
    workflow.release_unconfirmed(timezone.now() + datetime.timedelta(hours=25))


def confirm_after(pk, delay):
    def job():
        time.sleep(delay)  # some confirm before the release, some while it runs, some after
        workflow.confirm_email(Application.objects.get(pk=pk))

    return job


def apply_new(i):
    def job():
        time.sleep(0.01 * i)
        workflow.submit(
            Application.objects.first().event.specific,
            None,
            {"full_name": f"N{i}", "email": f"new{i}@example.org", "role": "employee"},
        )

    return job


def test_confirmations_and_applications_racing_two_release_jobs_never_oversell(
    root_page, slow_decisions
):
    event, holders = held_event(root_page)
    confirms = [confirm_after(a.pk, 0.04 * i) for i, a in enumerate(holders)]
    newcomers = [apply_new(i) for i in range(6)]
    errors = race([*confirms, *newcomers, release_later, release_later])
    assert errors == []
    holder_ids = [a.pk for a in holders]
    statuses = list(Application.objects.filter(pk__in=holder_ids).values_list("status", flat=True))
    assert set(statuses) <= {ApplicationStatus.ACCEPTED, ApplicationStatus.EXPIRED}
    expired = statuses.count(ApplicationStatus.EXPIRED)
    assert Application.objects.filter(status__in=SEAT_HOLDING).count() == SEATS  # never more
    promoted = Notification.objects.filter(kind=NotificationKind.PROMOTED)
    assert promoted.count() == expired  # each released seat offered once
    assert ModelLogEntry.objects.filter(action="wagtail_klimakronsj.expire").count() == expired
    confirmed = Notification.objects.filter(kind=NotificationKind.ACCEPTED)
    assert confirmed.count() == SEATS - expired  # one acceptance email per confirmation
    newcomer_statuses = set(
        Application.objects.filter(email__startswith="new").values_list("status", flat=True)
    )
    assert newcomer_statuses == {ApplicationStatus.WAITLISTED}  # the seats were never free
    print(f"\n{expired} of {SEATS} held seats released before their confirmation")


def test_release_jobs_on_two_machines_release_each_seat_once(root_page, slow_decisions):
    event, holders = held_event(root_page)
    assert race([release_later, release_later, release_later]) == []
    assert Application.objects.filter(status=ApplicationStatus.EXPIRED).count() == SEATS
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == SEATS
    assert ModelLogEntry.objects.filter(action="wagtail_klimakronsj.expire").count() == SEATS
    assert Notification.objects.filter(kind=NotificationKind.PROMOTED).count() == SEATS
