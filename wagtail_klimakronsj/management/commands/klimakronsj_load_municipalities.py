from django.core.management.base import BaseCommand, CommandError

from ...municipalities import MunicipalityListError, load_municipalities, read_municipality_file


class Command(BaseCommand):
    help = (
        "Load a municipality list (JSON, same shape as the shipped one). Without a path, "
        "loads WAGTAIL_KLIMAKRONSJ_MUNICIPALITIES_FILE. Municipalities missing from the "
        "list are kept for old applications but no longer offered."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="JSON file to load")

    def handle(self, path=None, **options):
        try:
            rows = read_municipality_file(path)
        except MunicipalityListError as exc:
            raise CommandError(str(exc)) from exc
        created, updated, deactivated = load_municipalities(rows)
        self.stdout.write(
            f"{len(rows)} municipalities: {created} added, {updated} updated, "
            f"{deactivated} no longer offered."
        )
