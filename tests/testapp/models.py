"""The customisation path a site takes: subclass the abstract page, add a field."""

from django.db import models
from wagtail.admin.panels import FieldPanel

from wagtail_klimakronsj.models import AbstractEventPage


class CustomEventPage(AbstractEventPage):
    hashtag = models.CharField(max_length=50, blank=True)

    content_panels = AbstractEventPage.content_panels + [FieldPanel("hashtag")]
    template = "wagtail_klimakronsj/pages/event_page.html"
