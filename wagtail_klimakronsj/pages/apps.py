from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlimakronsjPagesConfig(AppConfig):
    name = "wagtail_klimakronsj.pages"
    label = "wagtail_klimakronsj_pages"
    verbose_name = _("Klimakrønsj pages")
    default_auto_field = "django.db.models.BigAutoField"
