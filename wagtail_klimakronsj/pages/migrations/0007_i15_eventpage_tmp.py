# TEMPORARY (helper eventpage, issue 15): the lead replaces it by one migration per app.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_klimakronsj_pages', '0006_event_confirm_email'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='applicationformpage',
            name='event_version',
        ),
        migrations.RemoveField(
            model_name='eventpage',
            name='live_changed_at',
        ),
    ]
