from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Build the demo content under the default site's root page: Klimakrønsj 2021 "
        "(the seed page, now past), a current edition open for applications with its "
        "application form, and the proposal archive. Idempotent: run it as often as you like."
    )

    def handle(self, **options):
        from ...demo import events

        with transaction.atomic():
            pages = events.create()
            proposals = self.create_proposals(pages["archive"], pages["event_2021"])
        for key in ("home", "event_2021", "current_event", "application_page", "archive"):
            page = pages[key]
            self.stdout.write(f"{key}: {page.title} ({page.url})")
        if proposals is not None:
            self.stdout.write(f"proposals created: {len(proposals)}")

    def create_proposals(self, archive, event_2021):
        """Call ``demo.proposals.create`` when that module provides it."""
        try:
            from ...demo import proposals
        except ImportError:
            return None
        create = getattr(proposals, "create", None)
        if create is None:
            return None
        return create(archive, event_2021) or []
