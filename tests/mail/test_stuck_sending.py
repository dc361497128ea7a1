"""A worker that stops mid-send (killed, out of memory, the machine gone) leaves its row
"sending": past its bound the row is queued again and sent, or marked failed once it
has used its attempts (``tasks.requeue_stuck``, run by ``send_due`` and the cron
command)."""

import datetime
import io
import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.apply_helpers import at, fields
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.applications import workflow
from wagtail_klimakronsj.mail import tasks
from wagtail_klimakronsj.mail.models import Notification, NotificationStatus
from wagtail_klimakronsj.models import NotificationKind, SeatPolicy

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """What a killed worker looks like from the row's side: the send never returns."""


@pytest.fixture
def receipt(root_page):
    """A submission's receipt, its worker killed while sending it."""
    event = make_event(root_page, seat_limit=1, seat_policy=SeatPolicy.FIRST_COME)
    workflow.submit(event, make_form_page(root_page, event), fields())
    row = Notification.objects.get(kind=NotificationKind.RECEIPT)
    return row


def kill_while_sending(monkeypatch, row):
    def killed(*args, **kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(tasks, "build_message", killed)
        with pytest.raises(WorkerKilled):
            tasks.deliver(row.pk)
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENDING and row.attempts == 1
    return row


def test_a_row_left_sending_is_sent_again_after_its_bound(receipt, monkeypatch, caplog):
    row = kill_while_sending(monkeypatch, receipt)
    started = timezone.now()
    assert row.next_attempt_at - started == pytest.approx(
        tasks.sending_bound(), abs=datetime.timedelta(seconds=5)
    )
    # Within the bound the worker may still be sending: the row is left alone.
    assert tasks.send_due(now=started + tasks.sending_bound() / 2)["sent"] == 1  # the notice
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENDING and mail.outbox[-1].to != ["p0@example.org"]
    later = started + tasks.sending_bound() + datetime.timedelta(seconds=10)
    monkeypatch.setattr(timezone, "now", at(later))
    with caplog.at_level(logging.WARNING, logger="wagtail_klimakronsj.mail.tasks"):
        counts = tasks.send_due()
    assert counts["requeued"] == 1 and counts["sent"] == 1
    assert f"Email {row.pk}" in caplog.text and "Queued again" in caplog.text
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT and row.attempts == 2
    assert [m.to for m in mail.outbox].count(["p0@example.org"]) == 1
    # Once sent it stays sent: a second run takes nothing back.
    assert "requeued" not in tasks.send_due(now=later + datetime.timedelta(hours=1))


def test_a_stuck_row_that_used_its_attempts_is_marked_failed(
    receipt, monkeypatch, settings, capsys
):
    settings.WAGTAIL_KLIMAKRONSJ_MAIL_MAX_ATTEMPTS = 1
    row = kill_while_sending(monkeypatch, receipt)
    monkeypatch.setattr(timezone, "now", at(timezone.now() + datetime.timedelta(days=1)))
    err = io.StringIO()
    call_command("klimakronsj_send_mail", stdout=io.StringIO(), stderr=err)
    assert "1 email(s) left 'sending'" in err.getvalue() and "marked failed" in err.getvalue()
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED and "stopped while sending" in row.last_error
    assert ["p0@example.org"] not in [m.to for m in mail.outbox]


def test_the_cron_command_says_what_it_queued_again(receipt, monkeypatch):
    kill_while_sending(monkeypatch, receipt)
    monkeypatch.setattr(timezone, "now", at(timezone.now() + datetime.timedelta(days=1)))
    err = io.StringIO()
    call_command("klimakronsj_send_mail", stdout=io.StringIO(), stderr=err)
    assert "1 email(s) left 'sending' by a worker that stopped were queued again" in err.getvalue()
    assert Notification.objects.get(pk=receipt.pk).status == NotificationStatus.SENT


def test_a_row_claimed_before_the_bound_was_noted_counts_by_its_age(receipt):
    """Rows left "sending" by a version that noted no bound: their age decides."""
    Notification.objects.filter(pk=receipt.pk).update(
        status=NotificationStatus.SENDING, next_attempt_at=None, attempts=1
    )
    now = timezone.now()
    assert not tasks.stuck(now).exists()
    assert list(tasks.stuck(now + tasks.sending_bound() + datetime.timedelta(seconds=1))) == [
        receipt
    ]


def test_a_late_failure_of_a_taken_back_row_leaves_the_retry_alone(receipt, monkeypatch):
    """The first worker was only slow: while it waited, its row was taken back and
    claimed by a second one. Its failure, noted late, leaves the second attempt alone."""
    later = timezone.now() + tasks.sending_bound() + datetime.timedelta(seconds=10)

    def slow_then_failing(notification):
        assert tasks.requeue_stuck(later) == (1, 0)
        assert (
            tasks.due(later)
            .filter(pk=notification.pk)
            .update(status=NotificationStatus.SENDING, attempts=2)
        )  # the second worker's claim
        raise OSError("the first worker's server gave up")

    monkeypatch.setattr(tasks, "build_message", slow_then_failing)
    assert tasks.deliver(receipt.pk) == "retry"
    row = Notification.objects.get(pk=receipt.pk)
    assert (row.status, row.attempts) == (NotificationStatus.SENDING, 2)


def test_the_bound_is_a_multiple_of_the_mail_timeout(settings):
    settings.WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT = 10
    assert tasks.sending_bound() == datetime.timedelta(minutes=5)
    settings.WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT = None
    assert tasks.sending_bound() == datetime.timedelta(hours=1)
