"""Two organisers accepting at once on PostgreSQL: the seat limit holds."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from tests.conftest import make_event
from tests.desk_helpers import make_user, seed
from wagtail_klimakronsj.applications import seats
from wagtail_klimakronsj.models import Application, ApplicationStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS = 5





def two_organisers_accept(event, selections):
    users = [
        make_user(f"organiser{i}", "view_personal_data", "decide_application")
        for i in range(len(selections))
    ]
    barrier = threading.Barrier(len(selections))
    results = [None] * len(selections)

    def one(i):
        try:
            client = Client()
            client.force_login(users[i])
            barrier.wait()
            results[i] = client.post(
                "/admin/klimakronsj/decide/",
                {"selected": selections[i], "decision": "accepted", "confirm": "1"},
            ).status_code
        except Exception as exc:  # noqa: BLE001 - asserted below
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(selections))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_two_bulk_accepts_never_oversell(root_page, slow_decisions):
    event = make_event(root_page, seat_limit=SEATS)
    apps = seed(event, 12)
    pks = [a.pk for a in apps]
    # overlapping selections, each alone beyond the limit
    results = two_organisers_accept(event, [pks[:8], pks[4:]])
    assert results == [302, 302]
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == SEATS
    assert Application.objects.count() == 12  # nobody lost
    accepted_logs = Application.objects.filter(status=ApplicationStatus.ACCEPTED)
    assert all(a.decided_at for a in accepted_logs)


def test_control_without_the_lock_two_bulk_accepts_oversell(
    root_page, slow_decisions, monkeypatch
):
    """Proves the test above would see the race: the same two accepts, the lock taken
    away (in this test only)."""
    event = make_event(root_page, seat_limit=SEATS)
    apps = seed(event, 12)
    pks = [a.pk for a in apps]
    monkeypatch.setattr(seats, "lock_event", lambda event_id: None)
    results = two_organisers_accept(event, [pks[:8], pks[4:]])
    assert results == [302, 302]
    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() > SEATS
