"""The few places where Django 5.2/6.x or Wagtail 7/8 differ."""

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
