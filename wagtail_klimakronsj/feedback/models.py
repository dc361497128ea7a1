from django.db import models
from django.utils.translation import gettext_lazy as _

from ..compat import PAGE_MODEL


class PageFeedback(models.Model):
    """An anonymous answer to "Did you find what you were looking for?"; no personal data."""

    page = models.ForeignKey(
        PAGE_MODEL, verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    helpful = models.BooleanField(_("found what they were looking for"))
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("given"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("page feedback")
        verbose_name_plural = _("page feedback")

    def __str__(self):
        return f"{self.page_id}: {'yes' if self.helpful else 'no'}"
