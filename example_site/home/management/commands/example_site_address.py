from django.conf import settings
from django.core.management.base import BaseCommand
from wagtail.models import Site


class Command(BaseCommand):
    help = (
        "Give the default Site the hostname and port the example site is served at "
        "(KLIMAKRONSJ_HOST, PORT), so absolute links in emails, exports and JSON-LD work."
    )

    def handle(self, **options):
        site = Site.objects.get(is_default_site=True)
        site.hostname = settings.SITE_HOST
        site.port = settings.SITE_PORT
        site.save()
        self.stdout.write(f"default site: {site.root_url}/")
