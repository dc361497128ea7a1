from django.core.management.base import BaseCommand
from django.db import transaction

from ...demo import events, proposals


class Command(BaseCommand):
    help = (
        "Build the demo content under the default site's root page: Klimakrønsj 2021 "
        "(the seed page, now past), a current edition open for applications with its "
        "application form, and the proposal archive. Idempotent: run it as often as you like."
    )

    def handle(self, **options):
        with transaction.atomic():
            pages = events.create()
            created = proposals.create(pages["archive"], pages["event_2021"])
        for key in ("home", "event_2021", "current_event", "application_page", "archive"):
            page = pages[key]
            self.stdout.write(f"{key}: {page.title} ({page.url})")
        self.stdout.write(f"proposals created: {len(created)}")
