from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("klimakronsj_testapp", "0005_event_confirm_email"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="customeventpage",
            name="live_changed_at",
        ),
        migrations.RemoveField(
            model_name="customeventpage",
            name="mail_queued_at",
        ),
    ]
