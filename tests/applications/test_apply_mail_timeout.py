"""Mail never holds a web worker: a mail server that accepts connections and never
answers, with the database tasks backend (the request only queues) and with the
immediate backend (the request waits at most the mail timeout)."""

import io
import smtplib
import socket
import threading
import time

import django
import pytest
import requests
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from tests.apply_helpers import form_data, mail_backend
from tests.conftest import make_event, make_form_page
from wagtail_klimakronsj.applications import workflow
from wagtail_klimakronsj.checks import check_mail_sending
from wagtail_klimakronsj.mail import tasks
from wagtail_klimakronsj.mail.models import NotificationStatus
from wagtail_klimakronsj.models import Application, Municipality, Notification, SeatPolicy

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 2.0
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
if django.VERSION >= (6, 0):
    IMMEDIATE = "django.tasks.backends.immediate.ImmediateBackend"
else:
    IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
DATABASE = "django_tasks_db.DatabaseBackend"
FIELDS = {"full_name": "Kari", "email": "kari@example.org", "role": "employee", "language": "en"}


class SilentServer:
    """A TCP server on the loopback that accepts every connection and never says a
    word (an SMTP server that hangs before its greeting). It stops itself after
    ``life`` seconds, and when the test leaves the ``with`` block."""

    def __init__(self, life=60):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.life = life
        self.connections = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def serve(self):
        deadline = time.monotonic() + self.life
        while not self.stopped.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections.append(conn)  # held open, never answered
        for conn in self.connections:
            conn.close()
        self.socket.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(5)


def smtp_at(port):
    """Django's SMTP backend pointed at ``port``, with no timeout of its own (the test
    runner swaps in locmem, so this overrides the mail settings of every version)."""
    if django.VERSION >= (6, 1):
        return override_settings(
            MAILERS={"default": {"BACKEND": SMTP, "OPTIONS": {"host": "127.0.0.1", "port": port}}}
        )
    return override_settings(
        EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=None
    )


@pytest.fixture
def first_come(root_page):
    cache.clear()
    event = make_event(root_page, seat_policy=SeatPolicy.FIRST_COME)
    return event, make_form_page(root_page, event)


def apply(event, form_page):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    oslo = Municipality.objects.get(number="0301")
    data = form_data(form_page, event, municipality=oslo.pk)
    started = time.monotonic()
    response = client.post(form_page.url, data)
    return response, time.monotonic() - started


def queued_for_retry():
    rows = list(Notification.objects.order_by("pk"))
    assert len(rows) == 2  # the receipt and the organiser's notice
    now = timezone.now()
    for row in rows:
        assert row.status == NotificationStatus.QUEUED
        assert row.sent_at is None
        assert row.next_attempt_at > now  # waits for a retry, is not lost
    # The server was asked once: the second email waits for the same retry.
    assert sorted(row.attempts for row in rows) == [0, 1]
    assert "timed out" in rows[0].last_error or "Timeout" in rows[0].last_error
    return rows


def send_now_to_a_working_server():
    """Make the rows due and send them with locmem: each arrives once."""
    Notification.objects.update(next_attempt_at=timezone.now())
    with mail_backend(LOCMEM):
        mail.outbox = []
        assert tasks.send_due()["sent"] == 2
        assert tasks.send_due()["sent"] == 0
        assert len(mail.outbox) == 2


def test_with_the_database_backend_the_request_only_queues(first_come):
    event, form_page = first_come
    with (
        SilentServer() as server,
        smtp_at(server.port),
        override_settings(
            TASKS={"default": {"BACKEND": DATABASE}},
            WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=TIMEOUT,
        ),
    ):
        response, elapsed = apply(event, form_page)
        assert response.status_code == 302
        assert elapsed < TIMEOUT, elapsed
        assert server.connections == []  # the mail server was never asked
        assert Application.objects.filter(event=event).count() == 1  # committed
        # The mail is queued: its rows in the outbox, the task waits in the database.
        assert Notification.objects.filter(status=NotificationStatus.QUEUED).count() == 2
        assert not Notification.objects.filter(status=NotificationStatus.SENT).exists()
        # The worker then waits for the silent server (once), and keeps both emails.
        started = time.monotonic()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert time.monotonic() - started < TIMEOUT + 3
        assert len(server.connections) == 1
        queued_for_retry()
    send_now_to_a_working_server()


def test_with_the_immediate_backend_the_request_waits_at_most_the_timeout(first_come):
    event, form_page = first_come
    with (
        SilentServer() as server,
        smtp_at(server.port),
        override_settings(
            TASKS={"default": {"BACKEND": IMMEDIATE}},
            WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=TIMEOUT,
        ),
    ):
        response, elapsed = apply(event, form_page)
        assert response.status_code == 302
        assert TIMEOUT * 0.9 <= elapsed < TIMEOUT + 2, elapsed
        assert Application.objects.filter(event=event).count() == 1  # committed
        assert len(server.connections) == 1
        queued_for_retry()
    send_now_to_a_working_server()


def test_the_site_backends_own_timeout_is_kept():
    with smtp_at(2525), override_settings(WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=7):
        assert tasks.mail_connection().timeout == 7
    if django.VERSION >= (6, 1):
        own = override_settings(
            MAILERS={
                "default": {
                    "BACKEND": SMTP,
                    "OPTIONS": {"host": "127.0.0.1", "port": 2525, "timeout": 3},
                }
            }
        )
    else:
        own = override_settings(EMAIL_BACKEND=SMTP, EMAIL_TIMEOUT=3)
    with own, override_settings(WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=7):
        assert tasks.mail_connection().timeout == 3
    with smtp_at(2525), override_settings(WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=None):
        assert tasks.mail_connection().timeout is None


def _ids(**overrides):
    with override_settings(**overrides):
        return [message.id for message in check_mail_sending()]


def test_the_immediate_backend_without_debug_is_warned_about():
    worker = {"default": {"BACKEND": DATABASE}}
    assert "wagtail_klimakronsj.W002" in _ids(
        DEBUG=False, TASKS={"default": {"BACKEND": IMMEDIATE}}
    )
    assert _ids(DEBUG=True, TASKS={"default": {"BACKEND": IMMEDIATE}}) == []
    assert _ids(DEBUG=False, TASKS=worker) == []
    assert _ids(DEBUG=False, TASKS=worker, WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT="soon") == [
        "wagtail_klimakronsj.E008"
    ]
    assert _ids(DEBUG=False, TASKS=worker, WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=None) == []


def test_the_cron_command_waits_once_for_a_silent_server(first_come):
    event, form_page = first_come
    with override_settings(TASKS={"default": {"BACKEND": DATABASE}}):  # only queued
        workflow.submit(event, form_page, FIELDS)
    assert tasks.due().count() == 2
    out = io.StringIO()
    with (
        SilentServer() as server,
        smtp_at(server.port),
        override_settings(WAGTAIL_KLIMAKRONSJ_MAIL_TIMEOUT=TIMEOUT / 2),
    ):
        started = time.monotonic()
        call_command("klimakronsj_send_mail", stdout=out)
        assert time.monotonic() - started < TIMEOUT  # one wait of TIMEOUT / 2, not two
        assert len(server.connections) == 1
    assert "0 sent, 1 to retry later" in out.getvalue()
    assert "1 not tried" in out.getvalue()
    queued_for_retry()
    send_now_to_a_working_server()


def test_what_counts_as_a_server_that_does_not_answer():
    assert tasks.unreachable(TimeoutError("timed out"))
    assert tasks.unreachable(ConnectionRefusedError())
    assert tasks.unreachable(requests.Timeout())  # anymail's HTTP providers
    try:
        try:
            raise requests.ConnectionError("no route")
        except requests.ConnectionError as err:
            raise RuntimeError("provider API error") from err
    except RuntimeError as wrapped:
        assert tasks.unreachable(wrapped)
    # A refused message or an error answer: the next email is still tried.
    assert not tasks.unreachable(smtplib.SMTPRecipientsRefused({}))
    assert not tasks.unreachable(ValueError("bad address"))
    assert not tasks.unreachable(None)
