from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailKlimakronsjConfig(AppConfig):
    name = "wagtail_klimakronsj"
    label = "wagtail_klimakronsj"
    verbose_name = _("Klimakrønsj idea workshops")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, signals  # noqa: F401
