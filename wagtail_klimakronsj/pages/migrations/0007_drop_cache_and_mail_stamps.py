# Seats lock the event row with select_for_update(), public pages use Wagtail's own
# cache keys, mail goes through one outbox: the stamps on the page rows go.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_klimakronsj_pages", "0006_event_confirm_email"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="applicationformpage",
            name="event_version",
        ),
        migrations.RemoveField(
            model_name="eventpage",
            name="live_changed_at",
        ),
        migrations.RemoveField(
            model_name="eventpage",
            name="mail_queued_at",
        ),
    ]
