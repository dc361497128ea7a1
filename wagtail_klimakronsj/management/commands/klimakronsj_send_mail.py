from django.core.management.base import BaseCommand

from ...applications.workflow import release_unconfirmed
from ...mail.tasks import send_due


class Command(BaseCommand):
    help = (
        "Send the queued emails that are due (retries included). Safe to run from cron "
        "at any interval and next to the task worker: each email is claimed before it "
        "is sent, so none goes out twice. First releases the seats held unconfirmed past "
        "their time (as klimakronsj_release_unconfirmed does), so their emails go out too, "
        "and queues again the emails a stopped worker left 'sending'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, limit=None, **options):
        released = release_unconfirmed()
        if released:
            self.stdout.write(f"{released} unconfirmed seat(s) released.")
        counts = send_due(limit=limit)
        if counts.get("requeued"):
            self.stderr.write(
                f"{counts['requeued']} email(s) left 'sending' by a worker that stopped were "
                "queued again (one may reach its recipient twice)."
            )
        if counts.get("stuck_failed"):
            self.stderr.write(
                f"{counts['stuck_failed']} email(s) left 'sending' by a worker that stopped "
                "had used all their attempts and are marked failed."
            )
        self.stdout.write(
            "{sent} sent, {retry} to retry later, {failed} failed for good, "
            "{skipped} taken by another sender.".format(**counts)
        )
        if counts.get("postponed"):
            self.stdout.write(
                f"{counts['postponed']} not tried: the mail server did not answer; "
                "they wait for the same retry."
            )
