from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    """A Norwegian municipality (kommune), loaded from a JSON list.

    The shipped list is the 2024 division; ``manage.py klimakronsj_load_municipalities``
    loads a newer one. Municipalities missing from a newer list are kept (old
    applications refer to them) but marked inactive, so the form no longer offers them.
    """

    number = models.CharField(_("number"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=120)
    county_number = models.CharField(_("county number"), max_length=2, blank=True)
    county = models.CharField(_("county"), max_length=120, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return f"{self.name} ({self.number})"
