import uuid

from django.db import migrations, models


def give_every_form_a_version(apps, schema_editor):
    """Existing form pages get a version too, so their event page can be kept at once."""
    model = apps.get_model("wagtail_klimakronsj_pages", "ApplicationFormPage")
    model._base_manager.filter(event_version="").update(event_version=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_klimakronsj_pages", "0003_event_live_changed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationformpage",
            name="event_version",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.RunPython(give_every_form_a_version, migrations.RunPython.noop),
    ]
