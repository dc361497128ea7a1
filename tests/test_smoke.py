from django.core.management import call_command

from wagtail_klimakronsj.models import Municipality


def test_municipalities_are_loaded(db):
    assert Municipality.objects.count() == 357
    assert Municipality.objects.get(number="0301").name == "Oslo"


def test_no_missing_migrations(db):
    # Fails (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_event_fixture(event):
    assert len(event.sessions) == 2
