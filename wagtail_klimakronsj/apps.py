from anymail.signals import tracking
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import checks, signals  # noqa: F401  (registers the system checks; the signals)
from .events.purge import connect_receivers as connect_purge_receivers


class WagtailKlimakronsjConfig(AppConfig):
    name = "wagtail_klimakronsj"
    label = "wagtail_klimakronsj"
    verbose_name = _("Klimakrønsj idea workshops")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # not at the top: mail.tracking reads the models, which are loaded only now
        from .mail.tracking import record_tracking_event

        # Delivery events from the mail provider's webhook (anymail) land on the application.
        tracking.connect(record_tracking_event, dispatch_uid="wagtail_klimakronsj.mail.tracking")
        # The event page is purged from the site's frontend cache when its seats change.
        connect_purge_receivers()
