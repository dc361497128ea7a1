"""Release the seats held for applicants who did not confirm their email in time."""

from django.core.management.base import BaseCommand

from ...applications.workflow import release_unconfirmed


class Command(BaseCommand):
    help = (
        "Release the seats held unconfirmed past their time (events whose applicants must "
        "confirm their email address) and offer them to the waiting list. Safe to run from "
        "cron at any interval, twice, or on several machines: each seat is released once. "
        "klimakronsj_send_mail does this too."
    )

    def handle(self, **options):
        released = release_unconfirmed()
        self.stdout.write(f"{released} unconfirmed seat(s) released.")
