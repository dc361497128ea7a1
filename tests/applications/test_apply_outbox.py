"""The emails of a submission: written to the outbox in the submission's transaction
(``mail.outbox.record``), sent by the task queued after commit, their text written
when sent."""

import contextlib
import datetime
import io

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.apply_helpers import fields, form_data
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.applications import retention, workflow
from wagtail_klimakronsj.mail import messages as notifications
from wagtail_klimakronsj.mail import outbox, tasks
from wagtail_klimakronsj.mail.models import NotificationStatus
from wagtail_klimakronsj.models import (
    Application,
    ApplicationStatus,
    Notification,
    NotificationKind,
    SeatPolicy,
)

pytestmark = pytest.mark.django_db

try:  # Django 6.0+
    from django.tasks.signals import task_enqueued
except ImportError:  # Django 5.2: the backport
    from django_tasks.signals import task_enqueued


@pytest.fixture
def first_come(root_page):
    event = make_event(
        root_page,
        seat_limit=1,
        seat_policy=SeatPolicy.FIRST_COME,
        meeting_url="https://meet.example.org/secret-room",
        organiser_emails="arrangor@example.org",
    )
    return event, make_form_page(root_page, event)


def test_rows_hold_what_to_say_and_the_text_is_written_when_sent(
    first_come, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application, created, _ = workflow.submit(event, form_page, fields())
    assert created and application.status == ApplicationStatus.ACCEPTED
    # Written in the submission's own transaction: recipients and state, no text yet.
    assert mail.outbox == []
    rows = {row.kind: row for row in Notification.objects.all()}
    assert set(rows) == {NotificationKind.RECEIPT, NotificationKind.ORGANISER_NOTICE}
    receipt, notice = rows[NotificationKind.RECEIPT], rows[NotificationKind.ORGANISER_NOTICE]
    assert receipt.to == ["p0@example.org"] and receipt.reply_to == ["arrangor@example.org"]
    assert notice.to == ["arrangor@example.org"] and notice.reply_to == ["p0@example.org"]
    assert receipt.render_context == {"status": ApplicationStatus.ACCEPTED}
    assert receipt.subject == receipt.body_text == receipt.ics == ""
    assert receipt.dedupe_key == f"receipt:{application.pk}"
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2
    sent = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    receipt.refresh_from_db()
    # The row keeps the text that was sent (the desk and the data export show it).
    assert receipt.status == NotificationStatus.SENT
    assert receipt.subject == sent.subject and receipt.body_text == sent.body
    assert "You have a seat" in sent.body and "secret-room" in sent.body
    assert "BEGIN:VCALENDAR" in receipt.ics


def test_nothing_is_rendered_while_the_event_is_locked(
    first_come, monkeypatch, django_capture_on_commit_callbacks
):
    event, form_page = first_come

    def no_rendering(*args, **kwargs):
        raise AssertionError("an email was rendered inside the submission's transaction")

    monkeypatch.setattr(notifications, "render", no_rendering)
    monkeypatch.setattr(notifications, "build_event_calendar", no_rendering, raising=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(event, form_page, fields())
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("body_text", flat=True)) == {""}
    monkeypatch.undo()
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_the_receipt_tells_the_status_at_the_time(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application, _, _ = workflow.submit(event, form_page, fields())
    # Changed before the worker got to the receipt (that change has its own email).
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.DECLINED)
    for callback in callbacks:
        callback()
    receipt = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    assert "You have a seat" in receipt.body
    assert receipt.attachments


def test_links_use_the_address_the_applicant_used(
    first_come, oslo, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    client = Client(HTTP_HOST="apply.example.org", HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 302
    receipt = next(m for m in mail.outbox if m.to == ["kari@example.org"])
    assert "http://apply.example.org/" in receipt.body
    row = Notification.objects.get(kind=NotificationKind.RECEIPT)
    assert row.render_context["base_url"] == "http://apply.example.org/"


def test_an_application_erased_before_sending_sends_nothing(
    first_come, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application, _, _ = workflow.submit(event, form_page, fields())
    retention.erase_applications(Application.objects.filter(pk=application.pk))
    # The emails not yet sent go with the data they would carry.
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.FAILED}


def test_an_application_erased_after_its_rows_were_written_sends_nothing(first_come):
    event, form_page = first_come
    application, _, _ = workflow.submit(event, form_page, fields())
    retention.erase_applications(Application.objects.filter(pk=application.pk))
    assert tasks.send_due() == {"sent": 0, "retry": 0, "failed": 2, "skipped": 0}
    assert mail.outbox == []
    for row in Notification.objects.all():
        assert row.status == NotificationStatus.FAILED
        assert row.subject == row.body_text == "" and row.to == []
        assert "erased" in row.last_error or "gone" in row.last_error


def test_each_submission_email_is_written_once(first_come):
    """A second writer of the same emails (the keys name the application) writes
    nothing and queues nothing: each email is recorded once."""
    event, form_page = first_come
    first, _, _ = workflow.submit(event, form_page, fields(0))
    workflow.submit(event, form_page, fields(1))
    assert Notification.objects.count() == 4
    again = [
        outbox.about(kind, first, event, dedupe_key=f"{kind}:{first.pk}")
        for kind in workflow.SUBMISSION_EMAILS
    ]
    assert outbox.record(again) == []
    assert Notification.objects.count() == 4


def test_the_cron_command_sends_what_a_lost_task_left(first_come, monkeypatch):
    """No task ran (the worker was down, the queue lost it): ``klimakronsj_send_mail``
    sends the emails still queued."""
    from django.core.management import call_command

    event, form_page = first_come
    workflow.submit(event, form_page, fields(0))  # its on-commit task never runs here
    assert mail.outbox == [] and Notification.objects.count() == 2
    call_command("klimakronsj_send_mail", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}


def test_a_retry_sends_the_text_rendered_the_first_time(first_come, monkeypatch):
    from tests.apply_helpers import at, mail_backend

    event, form_page = first_come
    with mail_backend("tests.apply_helpers.FailingBackend"):
        application, _, _ = workflow.submit(event, form_page, fields())
        row = Notification.objects.get(kind=NotificationKind.RECEIPT)
        assert tasks.deliver(row.pk) == "retry"
    row.refresh_from_db()
    first_text = row.body_text
    assert first_text and row.status == NotificationStatus.QUEUED
    monkeypatch.setattr(
        notifications,
        "render",
        lambda *a, **k: (_ for _ in ()).throw(AssertionError("rendered twice")),
    )
    monkeypatch.setattr(timezone, "now", at(timezone.now() + datetime.timedelta(hours=1)))
    assert tasks.deliver(row.pk) == "sent"
    assert mail.outbox[-1].body == first_text


@contextlib.contextmanager
def watching_tasks():
    """The tasks enqueued inside the block, as ``(name, args)``."""
    enqueued = []

    def listener(sender, task_result, **kwargs):
        enqueued.append((task_result.task.name, task_result.args))

    task_enqueued.connect(listener)
    try:
        yield enqueued
    finally:
        task_enqueued.disconnect(listener)


def test_a_submission_queues_one_task_for_its_two_emails(
    first_come, django_capture_on_commit_callbacks
):
    """After commit, one task sends the submission's receipt and notice (so a mail
    server that does not answer is waited for once); nothing is queued before."""
    event, form_page = first_come
    with watching_tasks() as enqueued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.submit(event, form_page, fields(0))
        assert enqueued == []
        for callback in callbacks:
            callback()
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    assert enqueued == [("send_notifications", [ids])]
    assert len(mail.outbox) == 2


def test_a_large_batch_is_sent_by_several_tasks(
    root_page, django_capture_on_commit_callbacks, monkeypatch
):
    """More emails in one transaction than one task sends: they are queued in chunks,
    so several workers send them side by side. Each email goes out once."""
    event = make_event(root_page, seat_limit=20)  # the organiser decides
    form_page = make_form_page(root_page, event)
    applications = [workflow.submit(event, form_page, fields(i))[0] for i in range(10)]
    monkeypatch.setattr(outbox, "TASK_CHUNK", 4)
    with watching_tasks() as enqueued, django_capture_on_commit_callbacks(execute=True):
        workflow.decide(event, [a.pk for a in applications], ApplicationStatus.ACCEPTED)
    accepted = Notification.objects.filter(kind=NotificationKind.ACCEPTED)
    assert [len(args[0]) for name, args in enqueued] == [4, 4, 2]
    assert accepted.count() == 10 and len(mail.outbox) == 10
    assert set(accepted.values_list("attempts", "status")) == {(1, NotificationStatus.SENT)}


def test_a_repeated_submission_records_and_queues_nothing(
    first_come, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(0))
    assert len(mail.outbox) == 2
    with watching_tasks() as enqueued, django_capture_on_commit_callbacks(execute=True):
        _, created, _ = workflow.submit(event, form_page, fields(0))
    assert not created and enqueued == []
    assert Notification.objects.count() == 2 and len(mail.outbox) == 2


def test_a_failed_enqueue_only_delays_the_emails(
    first_come, django_capture_on_commit_callbacks, monkeypatch
):
    event, form_page = first_come

    def broken(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(type(tasks.send_notifications), "enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        application, created, _ = workflow.submit(event, form_page, fields(0))
    assert created and Application.objects.filter(pk=application.pk).exists()
    # Its emails stay queued, for the cron command (``send_due``).
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.QUEUED}
    monkeypatch.undo()
    assert tasks.send_due()["sent"] == 2
    assert len(mail.outbox) == 2


def test_the_submission_writes_in_few_statements(first_come, django_assert_num_queries):
    """In one transaction (a savepoint pair, and one for the seats: the test runs in a
    transaction of its own): the event row's lock, the duplicate check (same email or
    same form, one query), the seat count, the application, its audit entry (with
    Wagtail's check of its content type), and the outbox's two (the rows, their ids).
    The same email again: the lock, the check and the earlier application, nothing
    written."""
    event, form_page = first_come
    workflow.submit(event, form_page, fields(0))
    with django_assert_num_queries(12) as captured:
        application, created, _ = workflow.submit(event, form_page, fields(1))
    assert created and application.status == ApplicationStatus.WAITLISTED
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum(s.startswith("INSERT") for s in sql) == 3
    with django_assert_num_queries(7) as captured:
        again, created, _ = workflow.submit(event, form_page, fields(1))
    assert not created and again.pk == application.pk
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in captured.captured_queries)


# -- the delivery status on the application moves forward only ----------------------------


def test_a_late_sent_note_never_overwrites_a_delivery_event(
    first_come, django_capture_on_commit_callbacks
):
    """The provider's webhook can report "delivered" before the worker notes "sent"."""
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application, _, _ = workflow.submit(event, form_page, fields())
    webhook_time = timezone.now() + datetime.timedelta(seconds=5)
    Application.objects.filter(pk=application.pk).update(
        email_status="receipt:delivered", email_status_at=webhook_time
    )
    for callback in callbacks:
        callback()
    application.refresh_from_db()
    assert application.email_status == "receipt:delivered"
    assert application.email_status_at == webhook_time


@pytest.mark.parametrize("outcome", ["delivered", "bounced", "complained"])
def test_sent_never_replaces_a_tracked_outcome_of_the_same_email(first_come, outcome):
    """Even with the provider's clock behind ours."""
    event, form_page = first_come
    application, _, _ = workflow.submit(event, form_page, fields())
    row = Notification.objects.get(kind=NotificationKind.RECEIPT)
    Application.objects.filter(pk=application.pk).update(
        email_status=f"receipt:{outcome}",
        email_status_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert tasks.deliver(row.pk) == "sent"
    application.refresh_from_db()
    assert application.email_status == f"receipt:{outcome}"


def test_a_newer_email_moves_the_status_forward(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        application, _, _ = workflow.submit(event, form_page, fields())
    Application.objects.filter(pk=application.pk).update(
        email_status="receipt:delivered",
        email_status_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.decide(event, [application.pk], ApplicationStatus.DECLINED)
    application.refresh_from_db()
    assert application.email_status == "declined:sent"
