# TEMPORARY migration of issue 15's desk part (helper "desk"): the lead folds it into
# the app's one migration of issue 15.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_klimakronsj", "0007_application_confirmation"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["submitted_at", "id"], name="klimakronsj_app_submitted"),
        ),
    ]
