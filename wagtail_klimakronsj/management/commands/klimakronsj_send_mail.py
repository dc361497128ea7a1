import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...applications.workflow import release_unconfirmed
from ...choices import NotificationStatus
from ...mail.tasks import send_due
from ...models import Notification


class Command(BaseCommand):
    help = (
        "Send the queued emails that are due (retries included). Safe to run from cron "
        "at any interval and next to the task worker: each email is claimed before it "
        "is sent, so none goes out twice. First releases the seats held unconfirmed past "
        "their time (as klimakronsj_release_unconfirmed does), so their emails go out too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, limit=None, **options):
        released = release_unconfirmed()
        if released:
            self.stdout.write(f"{released} unconfirmed seat(s) released.")
        counts = send_due(limit=limit)
        self.stdout.write(
            "{sent} sent, {retry} to retry later, {failed} failed for good, "
            "{skipped} taken by another sender.".format(**counts)
        )
        if counts.get("postponed"):
            self.stdout.write(
                f"{counts['postponed']} not tried: the mail server did not answer; "
                "they wait for the same retry."
            )
        stuck = Notification.objects.filter(
            status=NotificationStatus.SENDING,
            created_at__lt=timezone.now() - datetime.timedelta(hours=1),
        ).count()
        if stuck:
            self.stderr.write(
                f"{stuck} email(s) have been 'sending' for over an hour (a worker stopped "
                "mid-send). They are not resent automatically, to never send twice: check "
                "the provider's log, then mark them sent or queued in the admin."
            )
