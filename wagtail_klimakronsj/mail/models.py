from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import NotificationKind, NotificationStatus


class Notification(models.Model):
    """One email, recorded before it is sent: the outbox.

    Rows are written in the same transaction as the change that causes them, and a
    task sends them after commit. Most rows hold only kind, application and
    ``render_context`` until then: the text is rendered when the row is sent. ``dedupe_key`` is unique, so the same decision never
    produces two messages; a row leaves ``queued`` only once, so it is never sent twice.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    application = models.ForeignKey(
        "wagtail_klimakronsj.Application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    group = models.ForeignKey(
        "wagtail_klimakronsj.ParticipantGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    #: Unique (``Meta.constraints``): the same decision never records two emails.
    dedupe_key = models.CharField(max_length=150, null=True, blank=True)
    to = models.JSONField(_("to"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    ics = models.TextField(_("calendar attachment"), blank=True)
    #: Set on a message whose text is written when it is sent (the worker renders it,
    #: stores it here, then sends): what the text depends on that may change before
    #: then, such as the status at the time. ``None`` for a message written in full.
    render_context = models.JSONField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        # Declared here rather than with unique=/db_index= on the fields: on PostgreSQL
        # those also add a second, pattern-matching index per column, which nothing
        # here uses and every recorded email would write.
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="klimakronsj_outbox_once")
        ]
        indexes = [models.Index(fields=["status"], name="klimakronsj_outbox_status")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"
