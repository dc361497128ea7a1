import datetime

import pytest
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from tests.conftest import make_event
from wagtail_klimakronsj.applications import seats
from wagtail_klimakronsj.models import Application, ApplicationStatus, Municipality, SeatPolicy

A = ApplicationStatus


def fields(n, municipality=None, **extra):
    return {
        "full_name": f"Person {n}",
        "email": f"person{n}@example.org",
        "role": "employee",
        "municipality": municipality,
        **extra,
    }


@pytest.fixture
def first_come(root_page):
    return make_event(root_page, seat_limit=3, seat_policy=SeatPolicy.FIRST_COME)


@pytest.fixture
def municipalities(db):
    return list(Municipality.objects.order_by("number")[:3])


def test_first_come_accepts_until_full_then_waitlists(first_come):
    statuses = [seats.apply(first_come, fields(n))[0].status for n in range(5)]
    assert statuses == [A.ACCEPTED] * 3 + [A.WAITLISTED] * 2
    last = Application.objects.get(email="person4@example.org")
    assert seats.waiting_list_position(last) == 2


def test_full_event_without_waiting_list_refuses(root_page):
    event = make_event(root_page, seat_limit=1, seat_policy=SeatPolicy.FIRST_COME, waiting_list=False)
    seats.apply(event, fields(1))
    with pytest.raises(seats.NoSeatsLeft):
        seats.apply(event, fields(2))
    assert Application.objects.count() == 1


def test_review_policy_keeps_everyone_pending(event):
    assert event.seat_policy == SeatPolicy.REVIEW
    application, created, changes = seats.apply(event, fields(1))
    assert created and application.status == A.PENDING
    assert changes[0].new_status == A.PENDING and changes[0].old_status == ""


def test_same_email_is_one_application(first_come):
    first, created, _ = seats.apply(first_come, fields(1))
    again, created_again, changes = seats.apply(
        first_come, fields(1, email="  PERSON1@Example.ORG ")
    )
    assert created and not created_again and changes == []
    assert again.pk == first.pk
    assert Application.objects.count() == 1


def test_held_for_review_is_never_accepted_automatically(first_come):
    application, _, _ = seats.apply(first_come, fields(1), held_for_review=True, hold_reason="fast")
    assert application.status == A.PENDING and application.held_for_review


def test_municipality_cap(root_page, municipalities):
    event = make_event(
        root_page, seat_limit=10, seat_policy=SeatPolicy.FIRST_COME, municipality_cap=2
    )
    one, two = municipalities[:2]
    results = [seats.apply(event, fields(n, municipality=one))[0].status for n in range(3)]
    assert results == [A.ACCEPTED, A.ACCEPTED, A.WAITLISTED]
    assert seats.apply(event, fields(9, municipality=two))[0].status == A.ACCEPTED


def test_decide_never_oversells_and_says_why(root_page, municipalities):
    event = make_event(root_page, seat_limit=2, municipality_cap=1)
    one, two, three = municipalities
    apps = [
        seats.apply(event, fields(1, municipality=one))[0],
        seats.apply(event, fields(2, municipality=one))[0],
        seats.apply(event, fields(3, municipality=two))[0],
        seats.apply(event, fields(4, municipality=three))[0],
    ]
    with translation.override("en"):  # the reasons are translated (LANGUAGE_CODE is nn)
        changes, refusals = seats.decide(event, [a.pk for a in apps], A.ACCEPTED)
        reasons = {r.application.email: str(r.message) for r in refusals}
    accepted = [c.application.email for c in changes]
    assert accepted == ["person1@example.org", "person3@example.org"]
    assert "municipality" in reasons["person2@example.org"]
    assert "No seats" in reasons["person4@example.org"]
    assert Application.objects.filter(status=A.ACCEPTED).count() == 2


def test_declining_accepted_promotes_waiting_list_once_in_order(first_come):
    apps = [seats.apply(first_come, fields(n))[0] for n in range(6)]
    changes, _ = seats.decide(first_come, [apps[0].pk], A.DECLINED)
    assert [(c.application.pk, c.new_status, c.reason) for c in changes] == [
        (apps[0].pk, A.DECLINED, "decision"),
        (apps[3].pk, A.ACCEPTED, "promotion"),
    ]
    # Deciding the same again changes nothing and promotes nobody else.
    assert seats.decide(first_come, [apps[0].pk], A.DECLINED) == ([], [])
    assert Application.objects.filter(status=A.ACCEPTED).count() == 3
    assert list(
        Application.objects.filter(status=A.WAITLISTED).values_list("pk", flat=True)
    ) == [apps[4].pk, apps[5].pk]


def test_withdrawal_frees_a_seat_exactly_once(first_come):
    apps = [seats.apply(first_come, fields(n))[0] for n in range(4)]
    changes = seats.withdraw(apps[1])
    assert [(c.application.pk, c.new_status) for c in changes] == [
        (apps[1].pk, A.WITHDRAWN),
        (apps[3].pk, A.ACCEPTED),
    ]
    assert seats.withdraw(apps[1]) == []
    assert Application.objects.filter(status=A.ACCEPTED).count() == 3


def test_promotion_skips_held_and_capped(root_page, municipalities):
    one, two, _ = municipalities
    event = make_event(root_page, seat_limit=2, seat_policy=SeatPolicy.FIRST_COME, municipality_cap=1)
    a = seats.apply(event, fields(1, municipality=one))[0]
    seats.apply(event, fields(2, municipality=two))
    capped = seats.apply(event, fields(3, municipality=two))[0]
    held = seats.apply(event, fields(4), held_for_review=True)[0]
    Application.objects.filter(pk=held.pk).update(status=A.WAITLISTED)
    fair = seats.apply(event, fields(5))[0]
    assert capped.status == A.WAITLISTED and fair.status == A.WAITLISTED
    changes = seats.withdraw(a)
    promoted = [c.application.pk for c in changes if c.reason == "promotion"]
    assert promoted == [fair.pk]


def test_review_policy_does_not_promote(event):
    apps = [seats.apply(event, fields(n))[0] for n in range(2)]
    seats.decide(event, [apps[0].pk], A.ACCEPTED)
    seats.decide(event, [apps[1].pk], A.WAITLISTED)
    changes, _ = seats.decide(event, [apps[0].pk], A.DECLINED)
    assert [c.new_status for c in changes] == [A.DECLINED]


def test_every_change_is_in_the_audit_log(first_come, django_user_model):
    organiser = django_user_model.objects.create_user("org", password="x")
    application = seats.apply(first_come, fields(1))[0]
    seats.decide(first_come, [application.pk], A.DECLINED, user=organiser)
    entries = ModelLogEntry.objects.filter(object_id=str(application.pk)).order_by("timestamp", "pk")
    assert [e.action for e in entries] == ["wagtail_klimakronsj.submit", "wagtail_klimakronsj.decline"]
    assert entries[1].user == organiser
    assert entries[1].data["old_status"] == A.ACCEPTED


def test_seat_counts(first_come):
    for n in range(5):
        seats.apply(first_come, fields(n))
    counts = seats.seat_counts(first_come.pk)
    assert counts[A.ACCEPTED] == 3 and counts[A.WAITLISTED] == 2 and counts[A.PENDING] == 0
    first_come.__dict__.pop("seats_taken", None)
    assert first_come.seats_left == 0


def test_decided_at_is_set(first_come):
    application = seats.apply(first_come, fields(1))[0]
    assert application.decided_at is not None
    assert timezone.now() - application.decided_at < datetime.timedelta(minutes=1)
