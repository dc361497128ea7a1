from django.db import models
from django.utils.translation import gettext_lazy as _

from ..compat import PAGE_MODEL


class ParticipantGroup(models.Model):
    """A facilitated group of 5–6 accepted participants at one event."""

    event = models.ForeignKey(
        PAGE_MODEL, verbose_name=_("event"), on_delete=models.CASCADE, related_name="klimakronsj_groups"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    facilitator_name = models.CharField(_("facilitator"), max_length=200, blank=True)
    facilitator_email = models.EmailField(_("facilitator's email"), blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["event", "number"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="klimakronsj_group_number")
        ]

    def __str__(self):
        return self.name or _("Group %(number)s") % {"number": self.number}
