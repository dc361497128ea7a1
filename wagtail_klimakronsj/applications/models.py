"""The applications' data: the form page's fields, the editor's extra questions, the
application itself and attendance per session.

The serving half of the form page (``serve``, the receipt, ``process_form_submission``)
is ``pages.ApplicationFormPageMixin``, built on ``ApplicationFormPageData`` here.
"""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.forms.models import AbstractFormField
from wagtail.fields import RichTextField

from ..choices import ApplicationStatus, Role
from ..compat import PAGE_MODEL


class ApplicationFormPageData(models.Model):
    """The application form page's fields: which event, the texts around the form, and
    the editor's extra questions (``ApplicationFormField``)."""

    event = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("event"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The event this form takes applications for."),
    )
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])
    privacy_statement_url = models.URLField(
        _("privacy statement"),
        blank=True,
        help_text=_("Applicants must consent to this statement to apply."),
    )
    thank_you_text = RichTextField(
        _("text after applying"), blank=True, features=["bold", "italic", "link", "ul"]
    )

    content_panels = [
        FieldPanel("event"),
        FieldPanel("intro"),
        FieldPanel("privacy_statement_url"),
        InlinePanel("klimakronsj_form_fields", heading=_("Extra questions"), label=_("Question")),
        FieldPanel("thank_you_text"),
    ]

    class Meta:
        abstract = True

    def get_form_fields(self):
        """The editor's extra questions (Wagtail form-builder fields)."""
        return self.klimakronsj_form_fields.all()


class ApplicationFormField(AbstractFormField):
    """An extra question an editor adds to one application form (Wagtail's form builder)."""

    page = ParentalKey(PAGE_MODEL, on_delete=models.CASCADE, related_name="klimakronsj_form_fields")

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldPanel("required"),
        FieldPanel("field_type", classname="formbuilder-type"),
        FieldPanel("choices", classname="formbuilder-choices"),
        FieldPanel("default_value", classname="formbuilder-default"),
    ]


class Application(models.Model):
    """One person's application for a seat at one event."""

    #: Personal data: kept out of Wagtail's reference index ("usage" counts), which
    #: also saves four queries per submission.
    wagtail_reference_index_ignore = True

    event = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="klimakronsj_applications",
        db_index=False,  # the indexes in Meta start with the event
    )
    form_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    email_key = models.CharField(
        max_length=254, blank=True, editable=False, help_text="Normalised email, for duplicates."
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        "wagtail_klimakronsj.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organisation = models.CharField(
        _("other organisation"),
        max_length=200,
        blank=True,
        help_text=_("For applicants not from a municipality: county council, agency, …"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.CharField(_("position or sector"), max_length=200, blank=True)
    interests = models.TextField(
        _("what they want to work on"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"), blank=True, validators=[MaxLengthValidator(1000)]
    )
    extra_answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    held_for_review = models.BooleanField(
        _("held for review"),
        default=False,
        help_text=_("Looked like spam: never accepted automatically."),
    )
    hold_reason = models.CharField(_("why held"), max_length=200, blank=True)
    #: The one-time value of the form that sent it (``spam.make_form_token``): unique per
    #: event, so one form serves one application (``seats.apply`` checks it under the
    #: event's lock).
    form_nonce = models.CharField(max_length=32, blank=True, default="", editable=False)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    confirm_by = models.DateTimeField(
        _("confirm by"),
        null=True,
        blank=True,
        help_text=_("An unconfirmed seat is released at this time."),
    )
    group = models.ForeignKey(
        "wagtail_klimakronsj.ParticipantGroup",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    email_status = models.CharField(_("email delivery"), max_length=30, blank=True)
    email_status_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=~Q(email_key=""),
                name="klimakronsj_one_application_per_email",
            ),
            models.UniqueConstraint(
                fields=["event", "form_nonce"],
                condition=~Q(form_nonce=""),
                name="klimakronsj_one_application_per_form",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "submitted_at"], name="klimakronsj_app_queue"),
            # the desk's list in its default order: its first page is read from the index
            models.Index(fields=["submitted_at", "id"], name="klimakronsj_app_submitted"),
            models.Index(
                fields=["confirm_by"],
                condition=Q(status="unconfirmed"),
                name="klimakronsj_app_unconfirmed",
            ),
        ]
        permissions = [
            ("view_personal_data", _("Can see applicants' personal data")),
            ("decide_application", _("Can accept, waitlist and decline applications")),
        ]

    def __str__(self):
        if self.erased_at:
            return _("Erased application #%(pk)s") % {"pk": self.pk}
        return f"{self.full_name} <{self.email}>"

    def save(self, *args, **kwargs):
        if not self.erased_at:
            self.email_key = self.normalise_email(self.email)
        super().save(*args, **kwargs)

    @staticmethod
    def normalise_email(email):
        return (email or "").strip().lower()


class Attendance(models.Model):
    """Whether an accepted participant attended one session."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attendance"
    )
    session = models.ForeignKey(
        "wagtail_klimakronsj.EventSession", on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "session"], name="klimakronsj_one_attendance_per_session"
            )
        ]

    def __str__(self):
        return f"{self.application_id} @ {self.session_id}: {self.present}"
