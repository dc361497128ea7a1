"""The event page's data: its fields and panels, what follows from them (dates, seats,
status), and its inline children (sessions, guiding questions, email texts).

Nothing here serves a request: the page's routes, context and cache headers are in
``events/pages.py`` (``EventPageMixin``, built on ``EventPageData``).
"""


from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.fields import StreamField
from wagtail.models import Orderable

from ..blocks import EventBodyBlock
from ..choices import (
    EventFormat,
    NotificationKind,
    SeatPolicy,
)
from ..compat import PAGE_MODEL
from ..conf import settings
from ..timezone import local_datetime, local_zone
from .admin_form import EventPageForm
from .panels import APPLICATIONS_PANELS, CONTENT_PANELS, SESSIONS_PANELS, EventTabs
from .status import EventTimesAndSeats


def concrete_models(base):
    """Every concrete model of the project built on ``base`` (a mixin or abstract page)."""
    return [m for m in apps.get_models() if issubclass(m, base) and not m._meta.abstract]


def event_page_models():
    """Every concrete event page model of the project (usually one)."""
    return concrete_models(EventPageData)


class EventPageData(EventTimesAndSeats, models.Model):
    """The fields of an event page and what follows from them; no serving.

    Sites build on ``EventPageMixin`` (``events/pages.py``) or ``AbstractEventPage``,
    which add the public page to this.
    """

    edit_handler = EventTabs()
    base_form_class = EventPageForm

    lead = models.TextField(_("lead"), blank=True, max_length=1000)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt_text = models.CharField(
        _("image alternative text"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Leave empty if decorative."),
    )
    image_credit = models.CharField(
        _("image credit"),
        max_length=250,
        blank=True,
        help_text=_("For example 'Illustrasjon: Miljødirektoratet/Hyperredink/Uniform'."),
    )
    body = StreamField(EventBodyBlock(), verbose_name=_("body"), blank=True)
    published_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Shown on the page. Leave empty to use the date of first publication."),
    )

    audience = models.CharField(
        _("audience"),
        max_length=250,
        blank=True,
        help_text=_("For example 'Employees and elected officials of municipalities'."),
    )
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    organiser_url = models.URLField(_("organiser's web address"), blank=True)
    publisher = models.CharField(
        _("publisher"),
        max_length=200,
        blank=True,
        help_text=_("The body publishing this page, if not the organiser."),
    )
    price = models.DecimalField(
        _("price (NOK)"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("0 means the event is free."),
    )
    contact_url = models.URLField(
        _("contact link"),
        blank=True,
        help_text=_("For example a secure-message service."),
    )
    contact_text = models.CharField(
        _("contact text"),
        max_length=250,
        blank=True,
        help_text=_("For example 'Contact us via secure message if you want an answer'."),
    )

    event_format = models.CharField(
        _("format"), max_length=20, choices=EventFormat.choices, default=EventFormat.DIGITAL
    )
    location_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True, max_length=500)
    meeting_url = models.URLField(
        _("meeting link"),
        blank=True,
        max_length=500,
        help_text=_("Never shown publicly: sent only to accepted participants."),
    )

    seat_limit = models.PositiveIntegerField(
        _("seat limit"), default=50, validators=[MinValueValidator(1)]
    )
    seat_policy = models.CharField(
        _("seat policy"), max_length=20, choices=SeatPolicy.choices, default=SeatPolicy.REVIEW
    )
    municipality_cap = models.PositiveSmallIntegerField(
        _("seats per municipality"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("At most this many accepted participants per municipality. Empty: no cap."),
    )
    waiting_list = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When seats run out, take further applications on a waiting list."),
    )
    confirm_email = models.BooleanField(
        _("applicants must confirm their email address"),
        default=False,
        help_text=_(
            "First come only. A seat is held, not given, until the applicant opens the link "
            "in the receipt; a script that cannot read the mail takes no seat."
        ),
    )
    confirmation_hours = models.PositiveSmallIntegerField(
        _("hours to confirm"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "An unconfirmed seat is released after this many hours and offered to the waiting list."
        ),
    )
    show_seats_left = models.BooleanField(_("show the number of seats left"), default=True)
    applications_open_date = models.DateField(
        _("applications open"),
        null=True,
        blank=True,
        help_text=_("Empty: open as soon as the page is published."),
    )
    applications_open_time = models.TimeField(
        _("opening time"), null=True, blank=True, help_text=_("Empty: 00:00.")
    )
    application_deadline_date = models.DateField(_("application deadline"), null=True, blank=True)
    application_deadline_time = models.TimeField(
        _("deadline time"),
        null=True,
        blank=True,
        help_text=_(
            "Applications are accepted until this time on the deadline date. "
            "Empty: until the end of that day (23:59)."
        ),
    )
    application_page = models.ForeignKey(
        PAGE_MODEL,
        verbose_name=_("application form page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The page on this site where applicants apply."),
    )
    embed_application_form = models.BooleanField(
        _("show the form on this page"),
        default=False,
        help_text=_("Show the application form page's form here too (it posts to the form page)."),
    )
    external_application_url = models.URLField(
        _("external application form"),
        blank=True,
        help_text=_("Or: the address of a form on another site."),
    )
    organiser_emails = models.TextField(
        _("organiser email addresses"),
        blank=True,
        help_text=_("Notified of each new application. One address per line."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep personal data for (days)"),
        null=True,
        blank=True,
        help_text=_("Days after the last session. Empty: the site's default."),
    )

    content_panels = CONTENT_PANELS
    sessions_panels = SESSIONS_PANELS
    applications_panels = APPLICATIONS_PANELS

    class Meta:
        abstract = True

    # -- sessions and times -------------------------------------------------

    @cached_property
    def sessions(self):
        """The event's sessions in time order."""
        return sorted(
            self.klimakronsj_sessions.all(), key=lambda s: (s.date, s.start_time, s.pk or 0)
        )

    @cached_property
    def guiding_questions(self):
        return list(self.klimakronsj_guiding_questions.all())

    @property
    def is_free(self):
        return not self.price

    def get_organiser_emails(self):
        own = [line.strip() for line in self.organiser_emails.splitlines() if line.strip()]
        return own or list(settings.ORGANISER_EMAILS)

    # -- what the public page shows ----------------------------------------

    def get_publication_date(self):
        """The date shown as "Published": the editor's date, else first publication."""
        if self.published_date:
            return self.published_date
        first = getattr(self, "first_published_at", None)
        return timezone.localtime(first, local_zone()).date() if first else None

    def is_stale(self, today=None):
        """Whether the page is older than ``STALE_CONTENT_AGE_DAYS`` (shows a notice)."""
        published = self.get_publication_date()
        age = settings.STALE_CONTENT_AGE_DAYS
        if not published or age is None:
            return False
        today = today or timezone.localtime(timezone.now(), local_zone()).date()
        return (today - published).days > age

    def get_question_tree(self):
        """Guiding questions nested: ``[{"question": q, "children": [sub, …]}, …]``."""
        tree = []
        for question in self.guiding_questions:
            if question.is_sub_question and tree:
                tree[-1]["children"].append(question)
            else:
                tree.append({"question": question, "children": []})
        return tree

    def body_has_questions(self):
        """Whether the body places the guiding questions itself (read without rendering)."""
        return any(block.get("type") == "guiding_questions" for block in self.body.raw_data)

    def get_application_url(self, request=None):
        """Where to apply: the form page on this site, else the external form, else None."""
        if self.application_page_id:
            page = self.application_page
            if page is not None and page.live:
                return page.get_url(request)
        return self.external_application_url or None

    def get_cache_key_components(self):
        """Wagtail's ``Page.cache_key`` inputs (id, URL path, last publication), and the
        language and time zone the cached parts of the page are rendered in."""
        components = super().get_cache_key_components()
        return [*components, get_language(), settings.TIME_ZONE]

    def clean(self):
        super().clean()
        errors = {}
        if self.closes_at and self.opens_at and self.closes_at <= self.opens_at:
            errors["application_deadline_date"] = _("The deadline must be after applications open.")
        if self.application_page_id and self.external_application_url:
            errors["external_application_url"] = _(
                "Choose either a form page on this site or an external form, not both."
            )
        if self.event_format in (EventFormat.PHYSICAL, EventFormat.HYBRID) and not self.address:
            errors["address"] = _("A physical or hybrid event needs an address.")
        if errors:
            raise ValidationError(errors)


class EventSession(Orderable):
    page = ParentalKey(PAGE_MODEL, on_delete=models.CASCADE, related_name="klimakronsj_sessions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return self.title or f"{self.date:%Y-%m-%d} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    @property
    def starts_at(self):
        return local_datetime(self.date, self.start_time)

    @property
    def ends_at(self):
        return local_datetime(self.date, self.end_time)

    def clean(self):
        super().clean()
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("A session must end after it starts.")})


class GuidingQuestion(Orderable):
    page = ParentalKey(
        PAGE_MODEL, on_delete=models.CASCADE, related_name="klimakronsj_guiding_questions"
    )
    text = models.CharField(_("question"), max_length=500)
    is_sub_question = models.BooleanField(
        _("sub-question"),
        default=False,
        help_text=_("Shown nested under the question before it (as in 'For example: …')."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")

    def __str__(self):
        return self.text


class EventEmailText(Orderable):
    """An editor's own text for one kind of email of one event (else the default)."""

    page = ParentalKey(PAGE_MODEL, on_delete=models.CASCADE, related_name="klimakronsj_email_texts")
    kind = models.CharField(_("email"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Plain text. Placeholders: {name}, {event}, {status}, {sessions}, {manage_url}, "
            "{meeting_url} (acceptance only), {group}."
        ),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("email text")
        verbose_name_plural = _("email texts")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"
