import datetime
import functools

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from ..assets import ASSETS, page_assets
from ..blocks import EventBodyBlock
from ..caching import Deferred
from ..choices import SEAT_HOLDING, EventFormat, EventStatus, NotificationKind, SeatPolicy
from ..compat import PAGE_MODEL
from ..conf import settings
from ..timezone import end_of_day, local_datetime, local_zone
from .admin_form import EventPageForm
from .panels import SeatCountsPanel


class EventTabs:
    """The event page's admin tabs, built from the panel lists of the class it is read on.

    A subclass that extends ``content_panels`` (or the other lists) gets its panels in
    the tabs without redefining ``edit_handler``.
    """

    def __get__(self, instance, owner):
        tabs = [
            (owner.content_panels, _("Content")),
            (getattr(owner, "sessions_panels", []), _("Sessions and questions")),
            (getattr(owner, "applications_panels", []), _("Applications")),
            (getattr(owner, "promote_panels", []), _("Promote")),
            (getattr(owner, "settings_panels", []), _("Settings")),
        ]
        return TabbedInterface(
            [ObjectList(panels, heading=heading) for panels, heading in tabs if panels]
        )


def concrete_models(base):
    """Every concrete model of the project built on ``base`` (a mixin or abstract page)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, base) and not m._meta.abstract]


@functools.cache
def _serves_index_as_page(cls):
    """Whether ``cls`` serves its index route exactly as ``Page.serve()`` does: the
    default ``index_route`` and ``serve()`` of ``RoutablePageMixin``, not overridden."""
    match = cls.get_resolver().resolve("/")
    return match.func is RoutablePageMixin.index_route and cls.serve is RoutablePageMixin.serve


def event_page_models():
    """Every concrete event page model of the project (usually one)."""
    return concrete_models(EventPageMixin)


class EventPageMixin(RoutablePageMixin, models.Model):
    """Everything an event page carries; combine with the site's base page model.

    ``AbstractEventPage`` combines it with Wagtail's ``Page``; a site with a custom
    base page model (Wagtail 8) writes ``class MyEventPage(EventPageMixin, MyBasePage)``.

    The public page is rendered with ``template`` (built from overridable includes),
    and the sub-route ``ical/`` serves the sessions as an iCalendar file.
    """

    # Wagtail gives each concrete page class a template name of its own
    # ("<app_label>/<model_name>.html"); get_template() falls back to this one.
    template = "wagtail_klimakronsj/pages/event_page.html"
    event_template = "wagtail_klimakronsj/pages/event_page.html"
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
    #: When something the page shows but its revisions do not hold last changed: an
    #: application (seats, status), the application form page, a view restriction, a
    #: proposal of this edition (``freshness.mark_events_changed``). Part of the row,
    #: hence of the page's version: the cached page is rendered anew at the next
    #: request, with no query per request to check. Kept across revisions (a full
    #: save that writes back an older stamp is harmless: it also writes a new revision,
    #: so the version is new all the same).
    live_changed_at = models.DateTimeField(editable=False, null=True, blank=True)

    content_panels = [
        FieldPanel("lead"),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt_text"), FieldPanel("image_credit")],
            heading=_("Image"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("organiser"), FieldPanel("organiser_url")]),
                FieldPanel("publisher"),
                FieldPanel("price"),
                FieldRowPanel([FieldPanel("contact_url"), FieldPanel("contact_text")]),
                FieldPanel("published_date"),
            ],
            heading=_("About the event"),
        ),
    ]
    sessions_panels = [
        MultiFieldPanel(
            [
                FieldPanel("event_format"),
                FieldPanel("location_name"),
                FieldPanel("address"),
                FieldPanel("meeting_url"),
            ],
            heading=_("Where"),
        ),
        InlinePanel("klimakronsj_sessions", heading=_("Sessions"), label=_("Session"), min_num=1),
        InlinePanel(
            "klimakronsj_guiding_questions",
            heading=_("Guiding questions"),
            label=_("Question"),
        ),
    ]
    applications_panels = [
        SeatCountsPanel(heading=_("Seats and applications")),
        MultiFieldPanel(
            [
                FieldPanel("seat_limit"),
                FieldPanel("seat_policy"),
                FieldPanel("municipality_cap"),
                FieldPanel("waiting_list"),
                FieldPanel("confirm_email"),
                FieldPanel("confirmation_hours"),
                FieldPanel("show_seats_left"),
            ],
            heading=_("Seats"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("applications_open_date"), FieldPanel("applications_open_time")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("application_deadline_date"),
                        FieldPanel("application_deadline_time"),
                    ]
                ),
                FieldPanel("application_page"),
                FieldPanel("embed_application_form"),
                FieldPanel("external_application_url"),
            ],
            heading=_("Applications"),
        ),
        FieldPanel("organiser_emails"),
        InlinePanel("klimakronsj_email_texts", heading=_("Email texts"), label=_("Email text")),
        FieldPanel("retention_days"),
    ]

    class Meta:
        abstract = True

    # -- sessions and times -------------------------------------------------

    @cached_property
    def sessions(self):
        """The event's sessions in time order (cached per page version, see caching.py)."""
        from ..caching import cached_children

        return cached_children(
            self,
            "klimakronsj_sessions",
            lambda: sorted(
                self.klimakronsj_sessions.all(), key=lambda s: (s.date, s.start_time, s.pk or 0)
            ),
        )

    @cached_property
    def guiding_questions(self):
        from ..caching import cached_children

        return cached_children(
            self,
            "klimakronsj_guiding_questions",
            lambda: list(self.klimakronsj_guiding_questions.all()),
        )

    @property
    def starts_at(self):
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def ends_at(self):
        return max(s.ends_at for s in self.sessions) if self.sessions else None

    @property
    def opens_at(self):
        if not self.applications_open_date:
            return None
        return local_datetime(
            self.applications_open_date, self.applications_open_time or datetime.time.min
        )

    @property
    def closes_at(self):
        """The instant applications close; applying is possible strictly before it."""
        if not self.application_deadline_date:
            return None
        if self.application_deadline_time is None:
            return end_of_day(self.application_deadline_date)
        return local_datetime(self.application_deadline_date, self.application_deadline_time)

    @property
    def is_free(self):
        return not self.price

    # -- seats and status ---------------------------------------------------

    def count_accepted(self):
        """The seats taken: accepted applications, and seats held for applicants who
        have still to confirm their email address."""
        from ..applications.models import Application

        return Application.objects.filter(event_id=self.pk, status__in=SEAT_HOLDING).count()

    @property
    def requires_confirmation(self):
        """Whether a new application's seat waits for the applicant's email confirmation."""
        return self.confirm_email and self.seat_policy == SeatPolicy.FIRST_COME

    @cached_property
    def seats_taken(self):
        return self.count_accepted()

    @property
    def seats_left(self):
        return max(self.seat_limit - self.seats_taken, 0)

    @staticmethod
    def _now(now=None):
        # Compare instants in UTC: two datetimes sharing one ZoneInfo are compared by
        # wall clock, which is wrong in the repeated hour when summer time ends.
        return (now or timezone.now()).astimezone(datetime.UTC)

    def applications_open(self, now=None):
        """Whether the server takes an application now (ignores seats)."""
        now = self._now(now)
        if self.ends_at and now >= self.ends_at:
            return False
        if self.starts_at and now >= self.starts_at:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        if self.closes_at and now >= self.closes_at:
            return False
        return True

    def get_status(self, now=None):
        """The honest status at ``now`` (default: the current instant).

        Every limit is an instant: the status changes exactly at it (opening,
        deadline, first session start, last session end).
        """
        now = self._now(now)
        if self.ends_at and now >= self.ends_at:
            return EventStatus.PAST
        if self.starts_at and now >= self.starts_at:
            return EventStatus.IN_PROGRESS
        if self.opens_at and now < self.opens_at:
            return EventStatus.NOT_YET_OPEN
        if self.closes_at and now >= self.closes_at:
            return EventStatus.CLOSED
        if self.seats_left <= 0:
            return EventStatus.WAITING_LIST if self.waiting_list else EventStatus.FULL
        return EventStatus.OPEN

    @property
    def status(self):
        return self.get_status()

    def get_organiser_emails(self):
        own = [line.strip() for line in self.organiser_emails.splitlines() if line.strip()]
        return own or list(settings.ORGANISER_EMAILS)

    # -- public page ------------------------------------------------------

    def get_base_template(self):
        return settings.BASE_TEMPLATE or "wagtail_klimakronsj/base.html"

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

    def get_application_url(self, request=None):
        """Where to apply: the form page on this site, else the external form, else None."""
        if self.application_page_id:
            page = self.application_page
            if page is not None and page.live:
                return page.get_url(request)
        return self.external_application_url or None

    def get_live_application_url(self, request):
        """``get_application_url()`` cached per page version and request: a change to
        the form page (published, unpublished, moved) stamps this page's row."""
        from .. import caching

        if not self.application_page_id or not caching.cacheable_page(self, request):
            return self.get_application_url(request)
        key = caching.make_key(
            "application-url",
            self.pk,
            caching.page_version(self),
            *caching.request_parts(request),
        )
        return caching.cached_value(key, lambda: self.get_application_url(request))

    def get_calendar_url(self, request=None):
        url = self.get_url(request)
        return url + self.reverse_subpage("calendar") if url else None

    def with_content_json(self, content):
        """A revision's content on this page, with the stored row's ``live_changed_at``
        (a fact about applications and proposals, not about the revision)."""
        page = super().with_content_json(content)
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk)
            page.live_changed_at = stored.values_list("live_changed_at", flat=True).first()
        return page

    def get_template(self, request, *args, **kwargs):
        """The class's own template if a site made one, else the package's event page."""
        template = super().get_template(request, *args, **kwargs)
        if isinstance(template, str) and template != self.event_template:
            return [template, self.event_template]
        return template

    def get_context(self, request, *args, **kwargs):
        """The page's context. Only what the cache key needs is computed here (the page
        version, from the row already loaded: no query); the rest is deferred
        (``caching.Deferred``, computed when a template reads it), so a page served from
        the cache reads neither its sessions nor its seats."""
        context = super().get_context(request, *args, **kwargs)
        status = Deferred(self.get_status)
        context.update(
            {
                "base_template": self.get_base_template(),
                ASSETS: page_assets(),
                "time_zone": settings.TIME_ZONE,
                "status": status,
                "status_label": Deferred(lambda: EventStatus(status()).label),
                "show_seats_left": self.show_seats_left,
                "seats_left": Deferred(lambda: self.seats_left),
                "sessions": Deferred(lambda: self.sessions),
                "questions": Deferred(self.get_question_tree),
                "body_has_questions": Deferred(self.body_has_questions),
                "publication_date": Deferred(self.get_publication_date),
                "is_stale": Deferred(self.is_stale),
                "stale_age_days": settings.STALE_CONTENT_AGE_DAYS,
                # read when the markup is rendered, not when it comes from the cache
                "application_url": Deferred(lambda: self.get_live_application_url(request)),
                "calendar_url": Deferred(lambda: self.get_calendar_url(request)),
                # {% klimakronsj_cache %}: the parts read once per request, and until
                # when what is stored stays true
                "klimakronsj_cache_entries": {},
                "klimakronsj_cache_valid_until": self.get_content_valid_until,
            }
        )
        context["content_cache_key"] = self.get_content_cache_key(request, context)
        return context

    def get_content_valid_until(self, now=None):
        """The next instant after ``now`` at which the content changes by time alone:
        applications open or close, the first session starts, the last one ends, or
        the page becomes old enough for the stale-content notice. None: never."""
        now = self._now(now)
        instants = [self.opens_at, self.closes_at, self.starts_at, self.ends_at]
        published, age = self.get_publication_date(), settings.STALE_CONTENT_AGE_DAYS
        if published and age is not None:
            stale_day = published + datetime.timedelta(days=age + 1)
            instants.append(local_datetime(stale_day, datetime.time.min))
        future = [i.astimezone(datetime.UTC) for i in instants if i is not None]
        future = [i for i in future if i > now]
        return min(future) if future else None

    def body_has_questions(self):
        """Whether the body places the guiding questions itself (read without rendering)."""
        return any(block.get("type") == "guiding_questions" for block in self.body.raw_data)

    def get_content_cache_parts(self, request, context):
        """Every input of the page's content besides the page version and the request
        (language, host, site): extend this when an override shows more.

        The page version covers the row, the sessions and questions (saved with a
        publication) and, through ``live_changed_at``, the seats, the form page's
        state, view restrictions and the edition's proposals. What changes with time
        alone (status, stale notice) is not part of the key: stored markup is only
        used before ``get_content_valid_until()``."""
        from ..feedback.views import THANKS_PARAMETER

        # a WSGI request's GET parses the query string on first use: only when there is one
        read_query = request is not None and (
            "GET" in request.__dict__ or request.META.get("QUERY_STRING")
        )
        return (
            type(self).__name__,
            request.GET.get(THANKS_PARAMETER) if read_query else None,
            settings.TIME_ZONE,
            settings.STALE_CONTENT_AGE_DAYS,
            getattr(django_settings, "WAGTAILADMIN_BASE_URL", None),
        )

    def get_content_cache_key(self, request, context):
        """The cache key of the rendered content (``{% klimakronsj_cache %}``), or None.

        Built from the page version (every column of its row, so publishing changes
        it), the request's language, host and site, and the live inputs above. The
        CSRF token is never part of the cached markup.
        """
        from .. import caching

        if request is None or not caching.cacheable_page(self, request):
            return None
        return caching.make_key(
            "event",
            self.pk,
            caching.page_version(self),
            *caching.request_parts(request),
            *self.get_content_cache_parts(request, context),
        )

    def route(self, request, path_components):
        """The page itself is served as Wagtail serves a page (``serve()``), without
        resolving a sub-route, while the class keeps the default index route and
        ``serve()``. Sub-routes (``ical/``) and previews go through
        ``RoutablePageMixin`` as usual."""
        if not path_components and self.live and _serves_index_as_page(type(self)):
            return RouteResult(self)
        return super().route(request, path_components)

    @path("ical/", name="calendar")
    def calendar(self, request):
        """The event's sessions as an iCalendar (.ics) file."""
        from .calendar import build_event_calendar

        response = HttpResponse(
            build_event_calendar(self, request=request), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{self.slug or 'event'}.ics"
        )
        return response

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


class AbstractEventPage(EventPageMixin, Page):
    """The event page on Wagtail's ``Page``: subclass this to add fields of your own."""

    content_panels = Page.content_panels + EventPageMixin.content_panels
    search_fields = Page.search_fields + [index.SearchField("lead"), index.SearchField("body")]

    class Meta:
        abstract = True


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
