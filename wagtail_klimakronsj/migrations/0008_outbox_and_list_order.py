# The submission's emails are written to the outbox in the submission's own
# transaction (mail.outbox): the flag on the application and its index go. The desk's
# list is ordered by submission: an index for that order.

from django.db import migrations, models


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
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["submitted_at", "id"], name="klimakronsj_app_submitted"),
        ),
    ]
