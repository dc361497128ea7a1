"""The emails of a submission: noted on the application under the lock, written to the
outbox by the event's mail task, their text written when sent."""

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
from wagtail_klimakronsj.mail import tasks
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
    # Noted in the submission's own INSERT: what the emails depend on, no outbox row yet.
    stored = Application.objects.get(pk=application.pk)
    assert stored.pending_mail == {"status": ApplicationStatus.ACCEPTED}
    assert not Notification.objects.exists()
    # The mail task's first step writes the outbox rows: recipients and state, no text.
    assert workflow.write_submission_mail(event.pk) == 1
    assert Application.objects.get(pk=application.pk).pending_mail is None
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
    assert Application.objects.get().pending_mail is not None
    assert Notification.objects.count() == 0
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
    # The emails not yet written go with the data they would carry.
    assert Application.objects.get(pk=application.pk).pending_mail is None
    for callback in callbacks:
        callback()
    assert mail.outbox == [] and not Notification.objects.exists()


def test_an_application_erased_after_its_rows_were_written_sends_nothing(first_come):
    event, form_page = first_come
    application, _, _ = workflow.submit(event, form_page, fields())
    workflow.write_submission_mail(event.pk)
    retention.erase_applications(Application.objects.filter(pk=application.pk))
    assert tasks.send_due() == {"sent": 0, "retry": 0, "failed": 2, "skipped": 0}
    assert mail.outbox == []
    for row in Notification.objects.all():
        assert row.status == NotificationStatus.FAILED
        assert row.subject == row.body_text == "" and row.to == []
        assert "erased" in row.last_error or "gone" in row.last_error


def test_each_submission_email_is_written_once(first_come):
    """Two writers (the event's task, the cron command) never write a row twice: the
    flag is cleared in the same transaction, and the dedupe keys refuse a second row."""
    event, form_page = first_come
    first, _, _ = workflow.submit(event, form_page, fields(0))
    workflow.submit(event, form_page, fields(1))
    assert workflow.write_submission_mail(event.pk) == 2
    assert workflow.write_submission_mail(event.pk) == 0
    assert workflow.write_submission_mail() == 0
    assert Notification.objects.count() == 4
    # A writer that read the flag before another cleared it: the keys refuse the copy.
    Application.objects.filter(pk=first.pk).update(pending_mail={"status": "accepted"})
    assert workflow.write_submission_mail() == 1
    assert Notification.objects.count() == 4
    assert not Application.objects.filter(pending_mail__isnull=False).exists()


def test_the_cron_command_sends_what_a_lost_task_left(first_come, monkeypatch):
    """No task ran (the worker was down, the queue lost it): ``klimakronsj_send_mail``
    writes the pending emails to the outbox and sends them."""
    from django.core.management import call_command

    event, form_page = first_come
    workflow.submit(event, form_page, fields(0))  # its on-commit task never runs here
    assert mail.outbox == [] and not Notification.objects.exists()
    call_command("klimakronsj_send_mail", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert Application.objects.get().pending_mail is None


def test_a_retry_sends_the_text_rendered_the_first_time(first_come, monkeypatch):
    from tests.apply_helpers import at, mail_backend

    event, form_page = first_come
    with mail_backend("tests.apply_helpers.FailingBackend"):
        application, _, _ = workflow.submit(event, form_page, fields())
        workflow.write_submission_mail(event.pk)
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


def _claim(event):
    from wagtail_klimakronsj.pages.models import EventPage

    return EventPage.objects.filter(pk=event.pk).values_list("mail_queued_at", flat=True).get()


def test_one_mail_task_per_burst_of_submissions(first_come, django_capture_on_commit_callbacks):
    """The first submission queues the event's mail task; the ones committed before it
    starts queue none, and it sends their emails too. Then the next one queues again."""
    event, form_page = first_come
    with watching_tasks() as enqueued:
        with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
            workflow.submit(event, form_page, fields(0))
        assert _claim(event) is not None
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(event, form_page, fields(1))
            workflow.submit(event, form_page, fields(2))
        assert enqueued == [] and len(mail.outbox) == 0
        for callback in first_callbacks:  # the first submission's commit: its task runs
            callback()
        assert enqueued == [("send_event_mail", [event.pk])]
        assert len(mail.outbox) == 6
        assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
        assert _claim(event) is None
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(event, form_page, fields(3))
        assert enqueued[1:] == [("send_event_mail", [event.pk])] and len(mail.outbox) == 8


def test_a_burst_is_sent_in_chunks_by_several_tasks(
    first_come, django_capture_on_commit_callbacks, monkeypatch
):
    """More due emails than one task sends: the task queues one for the rest first, so
    several workers can send a burst side by side. Each email goes out once."""
    event, form_page = first_come
    monkeypatch.setattr(tasks, "MAIL_TASK_CHUNK", 4)
    with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
        workflow.submit(event, form_page, fields(0))
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(1, 5):
            workflow.submit(event, form_page, fields(i))
    assert len(mail.outbox) == 0
    with watching_tasks() as enqueued:
        for callback in first_callbacks:
            callback()
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    assert enqueued == [
        ("send_event_mail", [event.pk]),
        ("send_event_mail", [event.pk]),  # after=ids[3]
        ("send_event_mail", [event.pk]),  # after=ids[7]
    ]
    assert len(ids) == 10 and len(mail.outbox) == 10
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_repeated_submission_leaves_the_mail_task_unclaimed(
    first_come, django_capture_on_commit_callbacks
):
    """The same email again stores nothing and queues no task: it must not hold the
    claim either, or the next applicant's emails would wait for the claim to go stale."""
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(0))
    assert _claim(event) is None and len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        _, created, _ = workflow.submit(event, form_page, fields(0))
    assert not created and _claim(event) is None
    with watching_tasks() as enqueued:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(event, form_page, fields(1))
    assert enqueued == [("send_event_mail", [event.pk])] and len(mail.outbox) == 4


def test_a_stale_mail_claim_is_taken_over(first_come, django_capture_on_commit_callbacks):
    """A task claimed long ago and never started (a worker down, a lost enqueue): the
    next submission queues one again, which sends the waiting emails as well."""
    from wagtail_klimakronsj.applications.seats import MAIL_CLAIM_STALE
    from wagtail_klimakronsj.pages.models import EventPage

    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=False):
        workflow.submit(event, form_page, fields(0))
    long_ago = timezone.now() - MAIL_CLAIM_STALE - datetime.timedelta(seconds=1)
    EventPage.objects.filter(pk=event.pk).update(mail_queued_at=long_ago)
    with watching_tasks() as enqueued:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(event, form_page, fields(1))
    assert enqueued == [("send_event_mail", [event.pk])]
    assert len(mail.outbox) == 4 and _claim(event) is None


def test_a_failed_enqueue_releases_the_claim(
    first_come, django_capture_on_commit_callbacks, monkeypatch
):
    event, form_page = first_come

    def broken(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(type(tasks.send_event_mail), "enqueue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        application, created, _ = workflow.submit(event, form_page, fields(0))
    assert created and Application.objects.filter(pk=application.pk).exists()
    # Its emails stay noted on the application, for the next task (or the cron command).
    assert Application.objects.get(pk=application.pk).pending_mail is not None
    assert _claim(event) is None  # the next submission queues the task again
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(1))
    assert len(mail.outbox) == 4


def test_the_submission_writes_in_few_statements(first_come, django_assert_num_queries):
    """The event row's lock (an UPDATE that also stamps the cached page and claims the
    mail task), duplicate check and seat count in one query, then the application (its
    emails noted on it) and its audit entry: one INSERT each. The savepoint pair is the
    test's own transaction."""
    event, form_page = first_come
    workflow.submit(event, form_page, fields(0))
    with django_assert_num_queries(6):
        application, created, _ = workflow.submit(event, form_page, fields(1))
    assert created and application.status == ApplicationStatus.WAITLISTED
    # The same email again: the check finds it, nothing else is written.
    with django_assert_num_queries(5):
        again, created, _ = workflow.submit(event, form_page, fields(1))
    assert not created and again.pk == application.pk


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
    workflow.write_submission_mail(event.pk)
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
