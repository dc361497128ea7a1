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


def test_tracking_receiver_is_connected():
    """Bounces from the provider's webhook reach the application without site code."""
    from anymail.signals import tracking

    from wagtail_klimakronsj.mail.tracking import record_tracking_event

    keys = [entry[0][0] for entry in tracking.receivers]
    assert "wagtail_klimakronsj.mail.tracking" in keys
    connected = [entry[1]() if callable(entry[1]) else entry[1] for entry in tracking.receivers]
    assert record_tracking_event in connected
