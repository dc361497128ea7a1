"""Erase applicants' personal data once an event's retention period has passed."""

from django.core.management.base import BaseCommand

from wagtail_klimakronsj.applications.retention import purge


class Command(BaseCommand):
    help = (
        "Erase the personal data of applications to events whose last session ended more "
        "than the retention period ago (WAGTAIL_KLIMAKRONSJ_RETENTION_DAYS or the event's "
        "own setting). Keeps counts by municipality and role. Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be erased."
        )

    def handle(self, *args, dry_run=False, **options):
        report = purge(dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        for event, due_at, count in report.events:
            self.stdout.write(
                f"{verb} {count} application(s) of event {event.pk} "
                f"({event.title}), due {due_at:%Y-%m-%d}"
            )
        self.stdout.write(f"{verb} {report.total} application(s) in total.")
