# Topic becomes ordered (drag and drop in the snippet list) and translatable.
import uuid

import django.db.models.deletion
from django.db import migrations, models


def fill_locale_and_key(apps, schema_editor):
    Topic = apps.get_model("wagtail_klimakronsj", "Topic")
    Locale = apps.get_model("wagtailcore", "Locale")
    if not Topic.objects.exists():
        return
    from django.conf import settings

    code = getattr(settings, "LANGUAGE_CODE", "en")
    locale = Locale.objects.filter(language_code=code).first() or Locale.objects.first()
    if locale is None:
        locale = Locale.objects.create(language_code=code)
    for position, topic in enumerate(Topic.objects.order_by("name")):
        topic.locale = locale
        topic.translation_key = uuid.uuid4()
        topic.sort_order = position
        topic.save(update_fields=["locale", "translation_key", "sort_order"])


class Migration(migrations.Migration):
    dependencies = [
        ("wagtail_klimakronsj", "0002_load_municipalities"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="topic",
            options={
                "ordering": ["sort_order", "name"],
                "verbose_name": "topic",
                "verbose_name_plural": "topics",
            },
        ),
        migrations.AddField(
            model_name="topic",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="topic",
            name="sort_order",
            field=models.IntegerField(blank=True, editable=False, null=True, verbose_name="order"),
        ),
        migrations.AddField(
            model_name="topic",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AlterField(
            model_name="topic",
            name="name",
            field=models.CharField(max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="topic",
            name="slug",
            field=models.SlugField(allow_unicode=True, max_length=100, verbose_name="slug"),
        ),
        migrations.RunPython(fill_locale_and_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="topic",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="topic",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="topic",
            unique_together={("translation_key", "locale")},
        ),
        migrations.AddConstraint(
            model_name="topic",
            constraint=models.UniqueConstraint(fields=("locale", "name"), name="klimakronsj_topic_name"),
        ),
        migrations.AddConstraint(
            model_name="topic",
            constraint=models.UniqueConstraint(fields=("locale", "slug"), name="klimakronsj_topic_slug"),
        ),
    ]
