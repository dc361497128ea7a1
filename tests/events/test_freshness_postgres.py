"""Stamping the event row from a receiver never waits for a lock (PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from tests.conftest import make_event
from tests.desk_helpers import seed
from wagtail_klimakronsj.models import Application, ApplicationStatus
from wagtail_klimakronsj.pages.models import EventPage

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def stamp(event):
    return EventPage.objects.values_list("live_changed_at", flat=True).get(pk=event.pk)


def test_a_receiver_does_not_wait_for_a_held_event_row_and_stamps_after_commit(root_page):
    """Another transaction holds the event's row (as the seat policy does): a save of an
    application in this transaction goes on without waiting, and the page is stamped
    once this transaction commits."""
    event = make_event(root_page, seat_limit=5)
    [application] = seed(event, 1)
    before = stamp(event)
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                list(EventPage.objects.select_for_update().filter(pk=event.pk))
                locked.set()
                release.wait(10)
        finally:
            close_old_connections()
            connection.close()
            done.set()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(10)
    try:
        with transaction.atomic():
            application.status = ApplicationStatus.ACCEPTED
            application.save(update_fields=["status"])  # would block here if it waited
            assert stamp(event) == before  # not yet: the row is held elsewhere
        assert stamp(event) != before  # stamped right after the commit
    finally:
        release.set()
        holder.join(10)
    assert done.is_set()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED


def test_with_the_row_free_the_stamp_commits_with_the_change(root_page):
    event = make_event(root_page, seat_limit=5)
    [application] = seed(event, 1)
    before = stamp(event)
    with transaction.atomic():
        application.status = ApplicationStatus.ACCEPTED
        application.save(update_fields=["status"])
        assert stamp(event) != before  # in the same transaction
