"""The outbox: emails recorded with the change, sent after commit, retried, never twice."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tests.apply_helpers import at, fields, form_data, mail_backend
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj import signals
from wagtail_klimakronsj.applications import workflow
from wagtail_klimakronsj.mail import tasks
from wagtail_klimakronsj.mail.messages import clean_subject, fill
from wagtail_klimakronsj.mail.models import NotificationStatus
from wagtail_klimakronsj.models import (
    Application,
    ApplicationStatus,
    EventEmailText,
    Notification,
    NotificationKind,
    SeatPolicy,
)

pytestmark = pytest.mark.django_db

FAILING = "tests.apply_helpers.FailingBackend"


@pytest.fixture
def first_come(root_page):
    event = make_event(
        root_page,
        seat_limit=1,
        seat_policy=SeatPolicy.FIRST_COME,
        meeting_url="https://meet.example.org/secret-room",
        organiser="Miljødirektoratet",
        organiser_emails="arrangor@example.org\nandre@example.org",
    )
    return event, make_form_page(root_page, event)


def test_nothing_is_sent_when_the_transaction_rolls_back(first_come):
    event, form_page = first_come
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            workflow.submit(event, form_page, fields())
            raise RuntimeError("a later step fails")
    assert not Application.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_emails_wait_for_the_commit(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.submit(event, form_page, fields())
        assert mail.outbox == []
    assert len(callbacks) >= 2
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_receipt_and_organiser_notice(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        application, created, _ = workflow.submit(event, form_page, fields())
    assert created and application.status == ApplicationStatus.ACCEPTED
    receipt = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    notice = next(m for m in mail.outbox if m.to != ["p0@example.org"])
    assert receipt.from_email == "Klimakrønsj <klimakronsj@example.org>"
    assert receipt.reply_to == ["arrangor@example.org"]
    assert "You have a seat" in receipt.body
    assert "/klimakronsj/application/" in receipt.body
    # Accepted at once: the meeting link and the calendar come with the receipt.
    assert "https://meet.example.org/secret-room" in receipt.body
    assert receipt.attachments and receipt.attachments[0][2].startswith("text/calendar")
    assert "secret-room" in receipt.attachments[0][1]
    assert receipt.alternatives[0][1] == "text/html"
    assert notice.to == ["arrangor@example.org", "andre@example.org"]
    assert notice.reply_to == ["p0@example.org"]
    assert "Person 0" in notice.body
    assert "secret-room" not in notice.body


def test_waitlisted_receipt_has_position_and_no_meeting_link(
    first_come, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(0))
        workflow.submit(event, form_page, fields(1))
    receipt = next(m for m in mail.outbox if m.to == ["p1@example.org"])
    assert "waiting list, as number 1" in receipt.body
    assert "secret-room" not in receipt.body + receipt.alternatives[0][0]
    assert receipt.attachments == []


def test_review_decisions_send_status_emails(root_page, django_capture_on_commit_callbacks):
    event = make_event(root_page, seat_limit=1, meeting_url="https://meet.example.org/room")
    form_page = make_form_page(root_page, event)
    with django_capture_on_commit_callbacks(execute=True):
        a, _, _ = workflow.submit(event, form_page, fields(0))
        b, _, _ = workflow.submit(event, form_page, fields(1))
    receipt = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    assert "reviews every application" in receipt.body and "meet.example.org" not in receipt.body
    mail.outbox.clear()
    received = []

    def listener(sender, application, old_status, new_status, user, **kwargs):
        received.append((application.pk, old_status, new_status))

    signals.application_status_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            changes, refusals = workflow.decide(event, [a.pk, b.pk], ApplicationStatus.ACCEPTED)
    finally:
        signals.application_status_changed.disconnect(listener)
    assert len(changes) == 1 and len(refusals) == 1  # one seat only
    assert received == [(a.pk, "pending", "accepted")]
    accepted = mail.outbox[0]
    assert accepted.to == ["p0@example.org"]
    assert "meet.example.org/room" in accepted.body
    assert "BEGIN:VCALENDAR" in accepted.attachments[0][1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.decide(event, [b.pk], ApplicationStatus.DECLINED)
    assert [m.to for m in mail.outbox] == [["p1@example.org"]]
    assert "cannot offer you a seat" in mail.outbox[0].body
    assert "meet.example.org" not in mail.outbox[0].body


def test_withdrawal_promotes_the_next_and_emails_both(
    first_come, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        a, _, _ = workflow.submit(event, form_page, fields(0))
        workflow.submit(event, form_page, fields(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes = workflow.withdraw(a)
    assert [(c.application.email, c.new_status) for c in changes] == [
        ("p0@example.org", "withdrawn"),
        ("p1@example.org", "accepted"),
    ]
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "You have withdrawn" in by_to["p0@example.org"].body
    promoted = by_to["p1@example.org"]
    assert "A seat has become free" in promoted.body
    assert "secret-room" in promoted.body and promoted.attachments
    # The same change never produces a second email.
    assert workflow.withdraw(a) == []
    assert Notification.objects.filter(kind=NotificationKind.PROMOTED).count() == 1


def test_application_submitted_signal_after_commit(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    received = []

    def listener(sender, application, request, **kwargs):
        received.append(Application.objects.filter(pk=application.pk).exists())

    signals.application_submitted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(event, form_page, fields())
            assert received == []
    finally:
        signals.application_submitted.disconnect(listener)
    assert received == [True]


# -- editor's texts ---------------------------------------------------------------------


def test_fill_is_safe():
    values = {"name": "Kari", "event": "Krønsj"}
    assert fill("Hei {name}, {event}! {unknown} {name.__class__} {0} {{name}}", values) == (
        "Hei Kari, Krønsj! {unknown} {name.__class__} {0} {Kari}"
    )
    assert clean_subject("Hei\r\nBcc: evil@example.org") == "Hei Bcc: evil@example.org"


def test_editor_text_replaces_the_default(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    EventEmailText.objects.create(
        page=event,
        kind=NotificationKind.RECEIPT,
        subject="Takk, {name}\nBcc: x@example.org",
        body="Hei {name}!\n\nDu søkte på {event}. {ukjend}\nSjå {manage_url}",
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(0, full_name="<b>Kari</b>"))
    receipt = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    assert receipt.subject == "Takk, <b>Kari</b> Bcc: x@example.org"
    assert "Hei <b>Kari</b>!" in receipt.body  # plain text as written
    assert "{ukjend}" in receipt.body
    html = receipt.alternatives[0][0]
    assert "Hei &lt;b&gt;Kari&lt;/b&gt;!" in html and "<b>Kari</b>" not in html
    assert '<a href="http://' in html  # the manage link is clickable
    # The link is there even if the editor leaves it out (the footer).
    assert receipt.body.count("/klimakronsj/application/") >= 1


def test_defaults_follow_the_applicants_language(first_come, django_capture_on_commit_callbacks):
    event, form_page = first_come
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(event, form_page, fields(0, language="nb"))
        workflow.submit(event, form_page, fields(1, language="en"))
    nb = next(m for m in mail.outbox if m.to == ["p0@example.org"])
    en = next(m for m in mail.outbox if m.to == ["p1@example.org"])
    weekday_nb = {"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"}
    weekday_en = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    assert any(day in nb.body for day in weekday_nb)
    assert any(day in en.body for day in weekday_en)


# -- a failing provider --------------------------------------------------------------------


def test_failing_provider_keeps_the_application_and_retries_once(
    client, first_come, oslo, monkeypatch, django_capture_on_commit_callbacks
):
    event, form_page = first_come
    with mail_backend(FAILING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_page.url, form_data(form_page, event, municipality=oslo.pk))
    assert response.status_code == 302  # the applicant still sees success
    assert client.get(response["Location"]).status_code == 200
    application = Application.objects.get()
    assert application.email_status.endswith("retrying")
    rows = list(Notification.objects.all())
    assert len(rows) == 2
    # The provider did not answer the first: the second waits for the same retry.
    assert sorted(row.attempts for row in rows) == [0, 1]
    for row in rows:
        assert row.status == NotificationStatus.QUEUED
        assert "provider down" in row.last_error
        assert row.next_attempt_at > timezone.now()
    assert mail.outbox == []
    # Not due yet: the cron command sends nothing.
    call_command("klimakronsj_send_mail", stdout=open("/dev/null", "w"))
    assert mail.outbox == []
    # Later, the provider is back: each email goes out exactly once.
    monkeypatch.setattr(timezone, "now", at(timezone.now() + datetime.timedelta(hours=1)))
    call_command("klimakronsj_send_mail", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2
    call_command("klimakronsj_send_mail", stdout=open("/dev/null", "w"))
    for row in Notification.objects.all():
        assert tasks.deliver(row.pk) == "skipped"
        assert row.__class__.objects.get(pk=row.pk).status == NotificationStatus.SENT
    assert len(mail.outbox) == 2
    assert Application.objects.get().email_status == "receipt:sent"


def test_gives_up_after_max_attempts(first_come, settings, monkeypatch):
    settings.WAGTAIL_KLIMAKRONSJ_MAIL_MAX_ATTEMPTS = 3
    event, form_page = first_come
    with mail_backend(FAILING):
        application, _, _ = workflow.submit(event, form_page, fields())
        row = Notification.objects.get(kind=NotificationKind.RECEIPT)
        later = timezone.now()
        outcomes = []
        for _ in range(4):
            later += datetime.timedelta(days=1)
            monkeypatch.setattr(timezone, "now", at(later))
            outcomes.append(tasks.deliver(row.pk))
    row.refresh_from_db()
    assert outcomes == ["retry", "retry", "failed", "skipped"]
    assert row.status == NotificationStatus.FAILED and row.attempts == 3
    assert Application.objects.filter(pk=application.pk).exists()


def test_backoff_grows_and_is_capped():
    assert [tasks.backoff(n) for n in (1, 2, 3)] == [60, 120, 240]
    assert tasks.backoff(30) == tasks.MAX_BACKOFF


def test_a_row_being_sent_is_not_sent_again(first_come):
    event, form_page = first_come
    with mail_backend(FAILING):
        workflow.submit(event, form_page, fields())
    row = Notification.objects.get(kind=NotificationKind.RECEIPT)
    Notification.objects.filter(pk=row.pk).update(
        status=NotificationStatus.SENDING, next_attempt_at=None
    )
    assert tasks.deliver(row.pk) == "skipped"
    assert mail.outbox == []


def test_anymail_backend_records_the_provider_id(first_come, django_capture_on_commit_callbacks):
    """The host site's anymail (test backend here) receives plain django.core.mail messages."""
    event, form_page = first_come
    with mail_backend("anymail.backends.test.EmailBackend"):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.submit(event, form_page, fields())
    sent = Notification.objects.filter(status=NotificationStatus.SENT)
    assert sent.count() == 2
    assert all(row.provider_message_id != "" for row in sent)
    assert any(hasattr(m, "anymail_test_params") for m in mail.outbox)
