"""Seed the benchmark database and write the targets' addresses to a JSON file.

    python -m bench.seed OUT.json [--proposals N] [--applications N]

Needs DJANGO_SETTINGS_MODULE=bench.settings. Creates:
- the demo content (``manage.py klimakronsj_demo``) when that command exists;
- a plain Wagtail page and a Wagtail form-builder page with the same questions as the
  application form (the 357 municipalities as one dropdown);
- "the event page" (the demo's current edition, or an event made from the seed text);
- a first-come event with a million seats and its application form, so every
  benchmark POST allocates a seat and queues its emails;
- N applications (bulk) on an event of their own, for the admin list and export;
- a proposal archive with N proposals (``bench.bulk.create_many``);
- a superuser for the admin targets.
Parts whose code has not landed yet are listed under "missing" in the JSON.
"""

import argparse
import datetime
import json
import secrets
import sys
import time

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Site  # noqa: E402

from bench.benchsite.models import BenchFormField, BenchFormPage, BenchPlainPage  # noqa: E402
from wagtail_klimakronsj.models import (  # noqa: E402
    Application,
    ApplicationStatus,
    EventSession,
    GuidingQuestion,
    Municipality,
    SeatPolicy,
)
from wagtail_klimakronsj.pages.models import ApplicationFormPage, EventPage  # noqa: E402

LEAD = (
    "Klimakrønsj er eit idéverksted for tilsette og folkevalde i kommunane arrangert av "
    "Miljødirektoratet i september. Temaet i år er å finna nye og meir effektive måtar å "
    "jobba med klimavennleg samfunnsutvikling og planlegging."
)
BODY = (
    "<h3>Kva er klimakrønsj?</h3><p>Klimakrønsj 2021 blir gjennomførte som digitale sesjonar "
    "frå klokka 9.00 til 13.00, den 22, 23, 29 og 30 september. Det er ein open prosess, i den "
    "forstanden at deltakarane sjølv er svært aktive i prosessen og vil definera utfordringane "
    "og foreslå løysingar.</p><p>Som deltakar får du fagleg påfyll frå ekspertar, moglegheita "
    "til å utvikla idear og ny kunnskap, konkrete døme frå andre kommunar og ikkje minst eit "
    "større fagleg nettverk. Mykje av idéverkstedet vil føregå i grupper på 5-6 personar, leidd "
    "av ein fasilitator.</p>"
)
QUESTIONS = [
    ("Kva meiner vi eigentleg med «klimavennlig samfunnsutvikling»?", False),
    ("Kva er utfordringane for å få det til?", False),
    ("Kva utfordringar kan kommunane løysa, og kva må andre lause?", False),
    ("Av dei utfordringane kommunane kan gjera noko med: Kva grep kan vi ta?", False),
    ("Korleis sørga for at klimaomsyn blir godt varetatt i planverket?", True),
]


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


def municipality_choices():
    """The same choices the application form offers, as Wagtail's form builder takes them."""
    return "\n".join(
        f"{m.name} ({m.number})" for m in Municipality.objects.filter(active=True).order_by("name")
    )


def make_form_builder_page(parent):
    page = BenchFormPage(
        title="Søk om plass (Wagtail form builder)",
        slug="form-builder",
        intro="<p>Wagtail sitt eige skjema, med dei same spørsmåla.</p>",
        thank_you_text="<p>Takk for søknaden.</p>",
        to_address="organiser@example.org",
        from_address="klimakronsj@example.org",
        subject="Ny søknad",
    )
    fields = [
        ("Fullt namn", "singleline", True, ""),
        ("E-post", "email", True, ""),
        ("Telefon", "singleline", False, ""),
        ("Kommune", "dropdown", True, municipality_choices()),
        ("Anna organisasjon", "singleline", False, ""),
        ("Rolle", "radio", True, "Tilsett\nFolkevald\nAnna"),
        ("Stilling eller sektor", "singleline", False, ""),
        ("Kva vil du jobba med?", "multiline", False, ""),
        ("Behov for tilrettelegging", "multiline", False, ""),
        ("Eg samtykkjer til personvernerklæringa", "checkbox", True, ""),
    ]
    for order, (label, field_type, required, choices) in enumerate(fields):
        page.form_fields.add(
            BenchFormField(
                sort_order=order,
                label=label,
                field_type=field_type,
                required=required,
                choices=choices,
            )
        )
    return publish(parent, page)


def make_event(parent, title, slug, **fields):
    today = timezone.localdate()
    start = today + datetime.timedelta(days=60)
    page = EventPage(
        title=title,
        slug=slug,
        lead=LEAD,
        body=[("paragraph", BODY), ("guiding_questions", None)],
        audience="Tilsette og folkevalde i kommunane",
        organiser="Miljødirektoratet",
        publisher="Statsforvaltaren",
        image_credit="Illustrasjon: Miljødirektoratet/Hyperredink/Uniform",
        application_deadline_date=today + datetime.timedelta(days=30),
        **fields,
    )
    for offset in (0, 1, 7, 8):
        page.klimakronsj_sessions.add(
            EventSession(
                date=start + datetime.timedelta(days=offset),
                start_time=datetime.time(9),
                end_time=datetime.time(13),
            )
        )
    for text, sub in QUESTIONS:
        page.klimakronsj_guiding_questions.add(GuidingQuestion(text=text, is_sub_question=sub))
    return publish(parent, page)


def make_form_page(parent, event, title, slug):
    page = publish(parent, ApplicationFormPage(title=title, slug=slug, event=event))
    event.application_page = page
    event.save_revision().publish()
    return page


def bulk_applications(event, n):
    munis = list(Municipality.objects.order_by("number").values_list("pk", flat=True))
    statuses = [
        ApplicationStatus.PENDING,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.DECLINED,
    ]
    roles = ["employee", "elected", "other"]
    now = timezone.now()
    batch = []
    for i in range(n):
        email = f"applicant{i}@kommune{i % 357}.example.no"
        batch.append(
            Application(
                event_id=event.pk,
                status=statuses[i % len(statuses)],
                full_name=f"Søkjar nummer {i}",
                email=email,
                email_key=email,
                phone=f"+47 400 {i:05d}",
                municipality_id=munis[i % len(munis)],
                role=roles[i % len(roles)],
                position="Arealplanleggar",
                interests="Klimavennleg arealbruk og transport.",
                consent_given_at=now,
                language="nn",
                submitted_at=now - datetime.timedelta(minutes=n - i),
            )
        )
    Application.objects.bulk_create(batch, batch_size=2000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=10_000)
    args = parser.parse_args()
    started = time.monotonic()
    missing, notes = [], []
    out = {"missing": missing, "notes": notes}

    commands = get_commands()
    if "klimakronsj_demo" in commands:
        call_command("klimakronsj_demo", verbosity=0)
        notes.append("demo content: manage.py klimakronsj_demo")
    else:
        missing.append("manage.py klimakronsj_demo (demo content)")

    root = Site.objects.get(is_default_site=True).root_page
    plain = publish(
        root,
        BenchPlainPage(
            title="Klimakrønsj 2021 (plain page)", slug="plain-page", lead=LEAD, body=BODY
        ),
    )
    builder = make_form_builder_page(root)
    out["plain_page"] = plain.url
    out["form_builder"] = builder.url
    out["municipality_choices"] = Municipality.objects.filter(active=True).count()

    # The event page measured: the demo's current edition if there is one.
    demo_events = EventPage.objects.live().exclude(title__startswith="Bench")
    event = demo_events.order_by("-first_published_at").first()
    if event is None or not event.sessions:
        event = make_event(
            root, "Klimakrønsj (bench event)", "bench-event", seat_policy=SeatPolicy.REVIEW
        )
        notes.append("event page: made by bench/seed.py from the seed text")
    else:
        notes.append(f"event page: the demo's {event.title!r}")
    out["event_page"] = event.url

    rush = make_event(
        root,
        "Bench first-come event",
        "bench-first-come",
        seat_policy=SeatPolicy.FIRST_COME,
        seat_limit=1_000_000,
        waiting_list=True,
    )
    form = make_form_page(root, rush, "Bench application form", "bench-apply")
    out["application_form"] = form.url
    out["application_form_id"] = form.pk
    out["application_event_id"] = rush.pk

    desk_event = make_event(
        root,
        "Bench event with 10,000 applications",
        "bench-desk-event",
        seat_policy=SeatPolicy.REVIEW,
    )
    with transaction.atomic():
        bulk_applications(desk_event, args.applications)
    out["desk_event_id"] = desk_event.pk
    out["applications"] = args.applications
    try:
        from django.urls import reverse

        from wagtail_klimakronsj.desk.admin import ApplicationModelAdmin

        index = reverse(ApplicationModelAdmin().url_helper.get_action_url_name("index"))
    except Exception as exc:  # noqa: BLE001 - the desk may not have landed yet
        missing.append(f"admin application list ({type(exc).__name__}: {exc})")
    else:
        out["admin_list"] = f"{index}?event={desk_event.pk}"
        out["admin_export"] = f"{index}?event={desk_event.pk}&export=csv"

    try:
        from bench.bulk import create_many
        from wagtail_klimakronsj.pages.models import ProposalArchivePage
    except (ImportError, AttributeError):
        missing.append("bench.bulk.create_many (10,000 proposals)")
    else:
        archive = publish(
            root,
            ProposalArchivePage(
                title="Bench proposal archive", slug="bench-archive", intro="<p>Forslag.</p>"
            ),
        )
        create_many(archive, event, args.proposals)
        out["archive"] = archive.url
        # filtered + searched: every word must match, topic and who-can-act narrow it
        out["archive_query"] = f"?q=klima&topic=transport&actor=municipality&edition={event.pk}"
        out["proposals"] = args.proposals

    password = secrets.token_urlsafe(16)
    User = get_user_model()
    User.objects.filter(username="bench").delete()
    User.objects.create_superuser("bench", "bench@example.org", password)
    out["admin_user"] = "bench"
    out["admin_password"] = password

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    out["seed_seconds"] = round(time.monotonic() - started, 1)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
    print(json.dumps({k: v for k, v in out.items() if k != "admin_password"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
