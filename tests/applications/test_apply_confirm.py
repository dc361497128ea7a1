"""One form serves one application; first-come seats held until the email is confirmed."""

import datetime
import re
import types

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from tests.apply_helpers import form_data as base_form_data
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj import links
from wagtail_klimakronsj.applications import confirmation, seats, workflow
from wagtail_klimakronsj.desk.views.common import event_counts
from wagtail_klimakronsj.mail import tasks
from wagtail_klimakronsj.models import (
    Application,
    ApplicationStatus,
    EventStatus,
    Municipality,
    Notification,
    NotificationKind,
    SeatPolicy,
)
from wagtail_klimakronsj.pages.models import EventPage

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://[^\s\"<]+/application/([^/\s\"<]+)/confirm/")


@pytest.fixture
def confirmed_event(root_page):
    """First come, one seat, a waiting list, applicants must confirm their email."""
    event = make_event(
        root_page,
        seat_limit=1,
        seat_policy=SeatPolicy.FIRST_COME,
        confirm_email=True,
        confirmation_hours=24,
    )
    return event, make_form_page(root_page, event, title="Søk no")


def form_data(form_page, event, **overrides):
    oslo = Municipality.objects.get(number="0301")
    return base_form_data(form_page, event, municipality=oslo.pk, **overrides)


def apply(client, form_page, event, email, **kwargs):
    data = form_data(form_page, event, email=email, full_name=email.split("@")[0])
    return client.post(form_page.url, data, **kwargs)


def fields(i, **extra):
    return {"full_name": f"P{i}", "email": f"p{i}@example.org", "role": "employee", **extra}


def hidden_token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


# -- one form, one application ------------------------------------------------------


def test_a_reused_form_token_is_refused_and_takes_one_seat(client, first_come):
    event, form_page = first_come
    data = form_data(form_page, event)  # one form load
    assert client.post(form_page.url, data).status_code == 302
    for i in range(5):  # a script sending other applicants with the same form
        reused = {**data, "email": f"bot{i}@example.org", "full_name": f"Bot {i}"}
        response = client.post(form_page.url, reused)
        assert response.status_code == 409
        html = response.content.decode()
        assert "This form has already been used" in html
        assert f'value="bot{i}@example.org"' in html  # the answers come back
        assert hidden_token(html) != data["form_token"]  # with a fresh form
    assert Application.objects.count() == 1
    assert Application.objects.get().email == "kari@example.org"


def test_the_fresh_form_after_a_refusal_sends_the_other_application(client, first_come):
    event, form_page = first_come
    data = form_data(form_page, event)
    client.post(form_page.url, data)
    colleague = {**data, "email": "ola@example.org", "full_name": "Ola Nordmann"}
    refused = client.post(form_page.url, colleague)
    again = client.post(
        form_page.url, {**colleague, "form_token": hidden_token(refused.content.decode())}
    )
    assert again.status_code == 302
    assert not Application.objects.get(email="ola@example.org").held_for_review  # not "too fast"
    assert Application.objects.count() == 2


def test_the_database_decides_not_the_cache(client, first_come, django_capture_on_commit_callbacks):
    """A second process (or a cleared cache) still sees the form as used, and a double
    click still lands on the first application's receipt."""
    event, form_page = first_come
    data = form_data(form_page, event)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(form_page.url, data)
    cache.clear()
    mail.outbox.clear()
    second = client.post(form_page.url, data)
    assert second.status_code == 302
    assert "Thank you" in client.get(second["Location"]).content.decode()
    assert not Notification.objects.filter(kind=NotificationKind.MANAGE_LINK).exists()
    cache.clear()
    other = client.post(form_page.url, {**data, "email": "bot@example.org"})
    assert other.status_code == 409
    assert first["Location"] and Application.objects.count() == 1


@pytest.mark.parametrize("locking", [True, False])
def test_the_nonce_is_unique_per_event_in_the_database(first_come, settings, locking):
    """Checked under the lock; without it (a control run) the constraint refuses it."""
    settings.WAGTAIL_KLIMAKRONSJ_SEAT_LOCKING = locking
    event, _form_page = first_come
    seats.apply(event, fields(1, form_nonce="abc"))
    with pytest.raises(seats.FormAlreadyUsed):
        seats.apply(event, fields(2, form_nonce="abc"))
    seats.apply(event, fields(3))  # applications without a form (the API, tests) are free
    seats.apply(event, fields(4))
    assert Application.objects.count() == 3


# -- seats held until the email is confirmed ----------------------------------------------


def test_a_held_seat_counts_as_taken_but_is_not_accepted(
    client, confirmed_event, django_capture_on_commit_callbacks
):
    event, form_page = confirmed_event
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, form_page, event, "kari@example.org")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.UNCONFIRMED
    assert application.email_confirmed_at is None
    hold = application.confirm_by - before
    assert datetime.timedelta(hours=24) <= hold < datetime.timedelta(hours=24, minutes=1)
    page = EventPage.objects.get(pk=event.pk)
    assert page.seats_left == 0
    assert page.get_status() == EventStatus.WAITING_LIST
    receipt_page = client.get(response["Location"]).content.decode()
    assert "A seat is held for you until" in receipt_page
    assert "/confirm/" not in receipt_page  # only the mailbox gets the link
    receipt = next(m for m in mail.outbox if m.to == ["kari@example.org"])
    assert "A seat is held for you until" in receipt.body
    token = CONFIRM_LINK.search(receipt.body).group(1)
    assert links.read_confirm_token(token) == application.pk
    assert token != links.manage_token(application)
    # the next applicant goes to the waiting list
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, form_page, event, "ola@example.org")
    assert Application.objects.get(email="ola@example.org").status == ApplicationStatus.WAITLISTED
    waitlisted = next(m for m in mail.outbox if m.to == ["ola@example.org"])
    assert "to keep your place" in waitlisted.body and CONFIRM_LINK.search(waitlisted.body)


def test_the_link_shows_a_button_and_only_a_post_confirms(
    client, confirmed_event, django_capture_on_commit_callbacks
):
    event, form_page = confirmed_event
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, form_page, event, "kari@example.org")
    application = Application.objects.get()
    url = links.confirm_path(application)
    mail.outbox.clear()
    for _ in range(2):  # a mail scanner opening the link changes nothing
        page = client.get(url)
        assert page.status_code == 200
        assert "Confirm my email address" in page.content.decode()
        assert page["Cache-Control"] == "private, no-store"
    client.head(url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNCONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.email_confirmed_at is not None
    assert [m.to for m in mail.outbox] == [["kari@example.org"]]
    assert mail.outbox[0].subject.startswith("You have a place")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # a second click
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(kind=NotificationKind.ACCEPTED).count() == 1
    assert "Your email address is confirmed" in client.get(url).content.decode()


def test_a_changed_confirmation_link_is_a_clear_400(client, confirmed_event):
    event, _form_page = confirmed_event
    application, _created, _changes = seats.apply(event, fields(1))
    manage = links.manage_token(application)  # the receipt page's link does not confirm
    for token in (manage, links.confirm_token(application) + "x", "1"):
        response = client.post(f"/klimakronsj/application/{token}/confirm/")
        assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNCONFIRMED


def test_an_expired_seat_is_released_and_offered_to_the_confirmed_waiting_list(
    confirmed_event, django_capture_on_commit_callbacks
):
    event, _form_page = confirmed_event
    holder = seats.apply(event, fields(1))[0]
    unconfirmed = seats.apply(event, fields(2))[0]  # waiting, never confirms
    confirmed = seats.apply(event, fields(3))[0]  # waiting, confirms
    assert [holder.status, unconfirmed.status, confirmed.status] == [
        ApplicationStatus.UNCONFIRMED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.WAITLISTED,
    ]
    assert confirmation.confirm(confirmed) == []  # no free seat yet: keeps its place
    assert workflow.release_unconfirmed() == 0  # not yet due
    later = timezone.now() + datetime.timedelta(hours=25)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.release_unconfirmed(later) == 1
    statuses = dict(Application.objects.values_list("email", "status"))
    assert statuses == {
        "p1@example.org": ApplicationStatus.EXPIRED,
        "p2@example.org": ApplicationStatus.WAITLISTED,
        "p3@example.org": ApplicationStatus.ACCEPTED,
    }
    assert [m.to for m in mail.outbox] == [["p3@example.org"]]  # promoted; no mail to p1
    page = EventPage.objects.get(pk=event.pk)
    assert page.seats_left == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.release_unconfirmed(later) == 0  # a second run: nothing more
    assert len(mail.outbox) == 1
    # a confirmation after the release takes no seat
    assert confirmation.confirm(Application.objects.get(pk=holder.pk)) == []
    assert Application.objects.get(pk=holder.pk).status == ApplicationStatus.EXPIRED


def test_a_late_link_says_the_time_ran_out(client, confirmed_event):
    event, _form_page = confirmed_event
    holder = seats.apply(event, fields(1))[0]
    workflow.release_unconfirmed(timezone.now() + datetime.timedelta(hours=25))
    url = links.confirm_path(holder)
    assert "The time to confirm ran out" in client.get(url).content.decode()
    client.post(url)
    holder.refresh_from_db()
    assert holder.status == ApplicationStatus.EXPIRED
    assert holder.email_confirmed_at is None


def test_confirming_on_the_waiting_list_takes_a_free_seat(confirmed_event):
    event, _form_page = confirmed_event
    holder = seats.apply(event, fields(1))[0]
    waiting = seats.apply(event, fields(2))[0]
    workflow.withdraw(holder)  # the seat is free, but the waiting applicant is unconfirmed
    assert Application.objects.get(pk=waiting.pk).status == ApplicationStatus.WAITLISTED
    changes = workflow.confirm_email(waiting)
    assert [(c.application.pk, c.new_status, c.reason) for c in changes] == [
        (waiting.pk, ApplicationStatus.ACCEPTED, "promotion")
    ]


def test_the_commands_release_and_are_safe_to_run_twice(confirmed_event, monkeypatch, capsys):
    event, _form_page = confirmed_event
    seats.apply(event, fields(1))
    later = timezone.now() + datetime.timedelta(hours=25)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("klimakronsj_release_unconfirmed")
    call_command("klimakronsj_release_unconfirmed")
    out = capsys.readouterr().out
    assert "1 unconfirmed seat(s) released." in out and "0 unconfirmed seat(s) released." in out
    seats.apply(event, fields(2))  # held now (the clock is "later")
    monkeypatch.setattr(timezone, "now", lambda: later + datetime.timedelta(hours=25))
    call_command("klimakronsj_send_mail")
    assert "1 unconfirmed seat(s) released." in capsys.readouterr().out
    assert Application.objects.filter(status=ApplicationStatus.EXPIRED).count() == 2


def test_the_organiser_can_accept_a_held_seat_without_a_free_one(confirmed_event):
    event, _form_page = confirmed_event
    holder = seats.apply(event, fields(1))[0]
    changes, refusals = seats.decide(event, [holder.pk], ApplicationStatus.ACCEPTED)
    assert refusals == [] and len(changes) == 1
    assert seats.seats_held(event.pk) == 1


def test_without_the_setting_first_come_accepts_at_once(first_come):
    event, _form_page = first_come
    assert seats.apply(event, fields(1))[0].status == ApplicationStatus.ACCEPTED
    review = make_event(event.get_parent(), title="Review", confirm_email=True)
    assert not review.requires_confirmation
    assert seats.apply(review, fields(2))[0].status == ApplicationStatus.PENDING


def test_the_desk_counts_held_seats_as_taken(confirmed_event):
    event, _form_page = confirmed_event
    seats.apply(event, fields(1))
    counts = event_counts(event)
    assert (counts["taken"], counts["left"], counts["unconfirmed"]) == (1, 0, 1)


def test_a_held_seat_queues_its_release_where_the_backend_can_defer(
    confirmed_event, monkeypatch, django_capture_on_commit_callbacks
):
    event, form_page = confirmed_event
    deferred = []

    class DeferringTask:
        def get_backend(self):
            return types.SimpleNamespace(supports_defer=True)

        def using(self, run_after):
            deferred.append(run_after)
            return types.SimpleNamespace(enqueue=lambda: None)

    monkeypatch.setattr(tasks, "release_unconfirmed_seats", DeferringTask())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(1))
        workflow.submit(event, form_page, fields(2))  # waiting list: nothing to release
    assert deferred == [Application.objects.get(email="p1@example.org").confirm_by]


def test_the_release_task_releases(confirmed_event, monkeypatch):
    event, _form_page = confirmed_event
    seats.apply(event, fields(1))
    later = timezone.now() + datetime.timedelta(hours=25)
    monkeypatch.setattr(timezone, "now", lambda: later)
    result = tasks.release_unconfirmed_seats.enqueue()
    assert result.return_value == 1
    assert Application.objects.get().status == ApplicationStatus.EXPIRED


def test_waiting_list_positions_count_only_confirmed_applicants_ahead(confirmed_event):
    event, _form_page = confirmed_event
    seats.apply(event, fields(0))  # holds the seat
    bots = [seats.apply(event, fields(i))[0] for i in range(1, 4)]  # never confirm
    person = seats.apply(event, fields(9))[0]
    assert seats.waiting_list_position(person) == 4  # the queue as it is
    assert seats.waiting_list_position(person, event) == 1  # the offers it will get
    confirmation.confirm(bots[1])
    assert seats.waiting_list_position(person, event) == 2
