# The submission's emails are written to the outbox in the submission's own
# transaction (mail.outbox): the flag on the application and its index go.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_klimakronsj", "0007_application_confirmation"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="application",
            name="klimakronsj_app_mail_due",
        ),
        migrations.RemoveField(
            model_name="application",
            name="pending_mail",
        ),
    ]
