"""The few places where Django 5.2/6.x or Wagtail 7/8 differ."""

from django.core import mail

try:  # Django 6.0+
    from django.tasks import task  # noqa: F401
except ImportError:  # Django 5.2: the backport Wagtail already depends on
    from django_tasks import task  # noqa: F401

import swapper

swapper.set_app_prefix("wagtailcore", "wagtail")

#: "app_label.Model" of the active base page model (Wagtail 8 lets a site swap it).
PAGE_MODEL = swapper.get_model_name("wagtailcore", "Page")


def get_page_model():
    return swapper.load_model("wagtailcore", "Page")


def default_mailer():
    """A new connection of the site's default mailer: ``mail.mailers.default`` on
    Django 6.1 (``MAILERS``, or the older settings when it is not set), else
    ``get_connection()`` (``EMAIL_BACKEND``, Django 5.2 and 6.0)."""
    mailers = getattr(mail, "mailers", None)
    if mailers is not None:
        return mailers.default
    return mail.get_connection()
