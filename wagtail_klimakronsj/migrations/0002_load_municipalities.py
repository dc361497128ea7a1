from django.db import migrations


def load(apps, schema_editor):
    from wagtail_klimakronsj.municipalities import load_municipalities, read_municipality_file

    load_municipalities(read_municipality_file(), apps.get_model("wagtail_klimakronsj", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("wagtail_klimakronsj", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
