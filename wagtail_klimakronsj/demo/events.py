"""Demo events: Klimakrønsj 2021 from the seed page as it is, and a current edition.

Every function is idempotent: pages are found by slug under the parent and left as
they are when they exist; nothing is created twice.
"""

import datetime
import io
import uuid

from django.apps import apps
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from ..events.models import EventSession, GuidingQuestion
from ..timezone import local_datetime, local_zone

SLUG_2021 = "klimakronsj-2021"
SLUG_CURRENT = "klimakronsj"
SLUG_FORM = "sok-om-plass"
SLUG_ARCHIVE = "forslag"
IMAGE_TITLE = "Klimakrønsj 2021 – illustrasjon"
IMAGE_CREDIT = "Illustrasjon: Miljødirektoratet/Hyperredink/Uniform"

TITLE_2021 = "Idéverksted om klimavennleg samfunnsutvikling"
SEO_TITLE_2021 = "Klimakrønsj 2021: Idéverksted om klimavennleg samfunnsutvikling"
LEAD = (
    "Klimakrønsj er eit idéverksted for tilsette og folkevalde i kommunane arrangert av "
    "Miljødirektoratet i september. Temaet i år er å finna nye og meir effektive måtar å "
    "jobba med klimavennleg samfunnsutvikling og planlegging."
)
ORGANISER = "Miljødirektoratet"
ORGANISER_URL = "https://www.miljodirektoratet.no/"
PUBLISHER = "Statsforvaltaren"
AUDIENCE = "Tilsette og folkevalde i kommunane"
CONTACT_URL = "https://example.org/sikker-melding/"
CONTACT_TEXT = "Ta gjerne kontakt med oss via sikker melding dersom du ønsker at vi skal svare deg."
PRIVACY_URL = "https://example.org/personvern/"

BODY_2021 = [
    ("heading", "Kva er klimakrønsj?"),
    (
        "paragraph",
        "<p>Klimakrønsj 2021 blir gjennomførte som digitale sesjonar frå klokka 9.00 til "
        "13.00, den 22, 23, 29 og 30 september. Det er ein open prosess, i den forstanden at "
        "deltakarane sjølv er svært aktive i prosessen og vil definera utfordringane og "
        "foreslå løysingar.</p>"
        "<p>Som deltakar får du fagleg påfyll frå ekspertar, moglegheita til å utvikla idear "
        "og ny kunnskap, konkrete døme frå andre kommunar og ikkje minst eit større fagleg "
        "nettverk. Mykje av idéverkstedet vil føregå i grupper på 5-6 personar, leidd av ein "
        "fasilitator.</p>",
    ),
    ("heading", "Innhald"),
    ("paragraph", "<p>Dette er aktuelle spørsmål for haustens idéverksted:</p>"),
    ("guiding_questions", None),
    (
        "paragraph",
        "<p>Dei konkrete forslaga til korleis kommunane kan styrka arbeidet med klimavennlig "
        "samfunnsutvikling, skal på sikt delast med alle kommunar.</p>"
        "<p>Vi hos Statsforvaltaren vil varmt anbefala kommunane å delta. Erfaringa vår er at "
        "slike idéverksted skapar nyttig og annereldes læringsprosess gjennom diskusjonar, "
        "utveksling av erfaringar og idear og samskapning av løysingar. I tilegg blir det "
        "gitt mykje fagleg påfyll og gode døme gjennom ein stødig fasilitering frå "
        "Miljødirektoratet.</p>",
    ),
    ("heading", "Påmelding og eit redusert antal plassar"),
    (
        "paragraph",
        "<p>Idéverkstedet er gratis, men blir gjennomført med ei avgrensing på 50 deltakarar. "
        "Påmeldingsfristen er knapp, så hiv dykk rundt og søk om plass innan 21. juni.</p>"
        '<p>Søknadsskjema og meir informasjon om arrangementet finst på <a href="'
        + ORGANISER_URL
        + '">Miljødirektoratets nettsider</a>.</p>',
    ),
]

# (text, is_sub_question): the seed's list, the "F. eks:" examples nested.
QUESTIONS_2021 = [
    ('Kva meiner vi eigentleg med "klimavennlig samfunnsutvikling"?', False),
    ("Kva er utfordringane for å få det til?", False),
    ("Kva utfordringar kan kommunane løysa, og kva må andre lause?", False),
    ("Av dei utfordringane kommunane kan gjera noko med: Kva grep kan vi ta?", False),
    ("Kva skal til for å lykkast? F. eks:", False),
    ("Korleis sørga for at klimaomsyn blir godt varetatt i planverket og planprosessane?", True),
    ("Korleis sikre at planane blir følgde opp i kvardagen?", True),
    ("Kva slags planar, prosessar og plassering av ansvar gir størst effekt?", True),
    (
        "Korleis kan vi engasjera alle delar av kommuneverksemda i arbeidet med klimavennlig "
        "samfunnsutvikling?",
        True,
    ),
    ("Korleis kan sektoren eg kjenner best, bidra til eit meir klimavennlig lokalsamfunn?", True),
    ("Korleis kan og bør innbyggarar og lokalt næringsliv involveras?", True),
]

SESSIONS_2021 = [
    (datetime.date(2021, 9, day), datetime.time(9), datetime.time(13)) for day in (22, 23, 29, 30)
]


# What both editions say about who runs the workshop and how.
_ABOUT = {
    "audience": AUDIENCE,
    "organiser": ORGANISER,
    "organiser_url": ORGANISER_URL,
    "publisher": PUBLISHER,
    "price": 0,
    "contact_url": CONTACT_URL,
    "contact_text": CONTACT_TEXT,
    "event_format": "digital",
}


def _body(blocks):
    return [{"type": kind, "value": value, "id": str(uuid.uuid4())} for kind, value in blocks]


def _event_model():
    return apps.get_model("wagtail_klimakronsj_pages", "EventPage")


def _child(parent, slug):
    return Page.objects.child_of(parent).filter(slug=slug).first()


def get_or_create_home(site=None):
    """The default site's root; a plain ``Page`` root becomes a ``home.HomePage`` if the
    site has that model (the example site and every ``wagtail start`` project)."""
    site = site or Site.objects.get(is_default_site=True)
    root = site.root_page
    try:
        home_model = apps.get_model("home", "HomePage")
    except LookupError:
        return root.specific
    if root.specific_class is not Page:
        return root.specific
    with transaction.atomic():
        home = home_model(
            title="Klimakrønsj",
            slug="klimakronsj-home",
            draft_title="Klimakrønsj",
            live=True,
        )
        root.get_parent().add_child(instance=home)
        home.save_revision().publish()
        for child in root.get_children():
            child.move(home, pos="last-child")
        site.root_page = home
        site.save()
        root.delete()
        home.slug = "home"
        home.save()
    return home_model.objects.get(pk=home.pk)


def demo_image():
    """The illustration, drawn with Pillow once and then reused."""
    image_model = get_image_model()
    existing = image_model.objects.filter(title=IMAGE_TITLE).first()
    if existing:
        return existing
    canvas = PILImage.new("RGB", (1200, 600), (12, 74, 110))
    draw = ImageDraw.Draw(canvas)
    palette = [(46, 139, 87), (240, 196, 25), (236, 240, 241), (26, 188, 156), (231, 76, 60)]
    for i in range(12):
        x = 60 + i * 95
        draw.ellipse((x, 380 - (i % 4) * 40, x + 80, 460 - (i % 4) * 40), fill=palette[i % 5])
    draw.rectangle((0, 480, 1200, 600), fill=(34, 85, 51))
    for i in range(6):
        x = 100 + i * 190
        draw.polygon([(x, 480), (x + 50, 330), (x + 100, 480)], fill=(20, 110, 60))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    image = image_model(title=IMAGE_TITLE)
    image.file = ImageFile(buffer, name="klimakronsj-2021.png")
    image.save()
    return image


def _add_event(parent, slug, fields, sessions, questions, first_published_at=None):
    model = _event_model()
    page = model(slug=slug, **fields)
    for date, start, end in sessions:
        page.klimakronsj_sessions.add(EventSession(date=date, start_time=start, end_time=end))
    for text, is_sub in questions:
        page.klimakronsj_guiding_questions.add(GuidingQuestion(text=text, is_sub_question=is_sub))
    parent.add_child(instance=page)
    page.save_revision().publish()
    if first_published_at:
        model.objects.filter(pk=page.pk).update(
            first_published_at=first_published_at, last_published_at=first_published_at
        )
    return model.objects.get(pk=page.pk)


def create_event_2021(parent):
    """Klimakrønsj 2021 from the seed page, text as it is (Nynorsk); now a past event."""
    existing = _child(parent, SLUG_2021)
    if existing:
        return existing.specific
    published = local_datetime(datetime.date(2021, 6, 11), datetime.time(10))
    fields = {
        "title": TITLE_2021,
        "seo_title": SEO_TITLE_2021,
        "lead": LEAD,
        "image": demo_image(),
        "image_alt_text": "Illustrasjon med menneske, tre og landskap i sterke fargar.",
        "image_credit": IMAGE_CREDIT,
        "body": _body(BODY_2021),
        "published_date": datetime.date(2021, 6, 11),
        **_ABOUT,
        "seat_limit": 50,
        "application_deadline_date": datetime.date(2021, 6, 21),
        "external_application_url": ORGANISER_URL,
    }
    return _add_event(
        parent, SLUG_2021, fields, SESSIONS_2021, QUESTIONS_2021, first_published_at=published
    )


def current_sessions(today=None):
    """Four morning sessions in two weeks, starting about two months from ``today``."""
    today = today or timezone.localtime(timezone.now(), local_zone()).date()
    start = today + datetime.timedelta(days=60)
    start += datetime.timedelta(days=(2 - start.weekday()) % 7)  # a Wednesday
    days = [start, start + datetime.timedelta(days=1)]
    days += [d + datetime.timedelta(days=7) for d in days]
    return [(d, datetime.time(9), datetime.time(13)) for d in days]


def create_current_event(parent, today=None):
    """A current edition: dates in the future, open for applications, with a form page."""
    existing = _child(parent, SLUG_CURRENT)
    if existing:
        event = existing.specific
    else:
        today = today or timezone.localtime(timezone.now(), local_zone()).date()
        sessions = current_sessions(today)
        year = sessions[0][0].year
        first = sessions[0][0]
        fields = {
            "title": f"Klimakrønsj {year}",
            "lead": (
                "Klimakrønsj er eit idéverksted for tilsette og folkevalde i kommunane. "
                "Saman finn vi nye og meir effektive måtar å jobba med klimavennleg "
                "samfunnsutvikling og planlegging."
            ),
            "image": demo_image(),
            "image_alt_text": "Illustrasjon med menneske, tre og landskap i sterke fargar.",
            "image_credit": IMAGE_CREDIT,
            "body": _body(
                [
                    ("heading", "Kva er klimakrønsj?"),
                    (
                        "paragraph",
                        "<p>Idéverkstedet blir gjennomført som fire digitale sesjonar frå "
                        "klokka 9.00 til 13.00. Mykje av arbeidet skjer i grupper på 5–6 "
                        "personar, leidd av ein fasilitator.</p>",
                    ),
                    ("heading", "Innhald"),
                    ("guiding_questions", None),
                ]
            ),
            **_ABOUT,
            "meeting_url": "https://meet.example.org/klimakronsj",
            "seat_limit": 50,
            "municipality_cap": 3,
            "applications_open_date": today - datetime.timedelta(days=1),
            "application_deadline_date": min(
                today + datetime.timedelta(days=30), first - datetime.timedelta(days=7)
            ),
        }
        event = _add_event(parent, SLUG_CURRENT, fields, sessions, QUESTIONS_2021)
    form_page = create_application_form(event)
    if event.application_page_id != form_page.pk:
        event.application_page = form_page
        event.save_revision().publish()
    return event


def create_application_form(event):
    existing = _child(event, SLUG_FORM)
    if existing:
        return existing.specific
    model = apps.get_model("wagtail_klimakronsj_pages", "ApplicationFormPage")
    page = model(
        title="Søk om plass",
        slug=SLUG_FORM,
        event=event,
        intro="<p>Søk om plass på Klimakrønsj. Arrangøren vurderer alle søknader.</p>",
        privacy_statement_url=PRIVACY_URL,
    )
    event.add_child(instance=page)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def create_archive(parent):
    existing = _child(parent, SLUG_ARCHIVE)
    if existing:
        return existing.specific
    model = apps.get_model("wagtail_klimakronsj_pages", "ProposalArchivePage")
    page = model(
        title="Forslag frå Klimakrønsj",
        slug=SLUG_ARCHIVE,
        intro="<p>Dei konkrete forslaga frå idéverkstaden, delte med alle kommunar.</p>",
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return model.objects.get(pk=page.pk)


def create(today=None):
    """Build all demo events under the default site's root. Returns a dict of the pages."""
    home = get_or_create_home()
    event_2021 = create_event_2021(home)
    current = create_current_event(home, today=today)
    archive = create_archive(home)
    return {
        "home": home,
        "event_2021": event_2021,
        "current_event": current,
        "application_page": current.application_page.specific,
        "archive": archive,
    }
