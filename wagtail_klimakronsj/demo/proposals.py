"""Demo proposals for the 2021 edition, and a fast bulk creator for benchmarks.

``create(archive_page, event)`` is idempotent: run it as often as you like.
``create_many(archive_page, event, n)`` inserts ``n`` live proposals in a few bulk
queries, keeping the page tree valid (paths, depth, numchild) and the search index
filled. Those pages have no revisions; they are for benchmarks, not for editing.
"""

import datetime
import uuid

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Locale, Page

from ..slugs import page_slug

TOPICS = [
    ("arealbruk", "Arealbruk"),
    ("transport", "Transport"),
    ("bygg", "Bygg"),
    ("energi", "Energi"),
    ("innkjop", "Innkjøp"),
    ("natur", "Natur"),
]

# The guiding questions of Klimakrønsj 2021, as the seed page words them.
Q_CHALLENGES = "Kva er utfordringane for å få det til?"
Q_WHO = "Kva utfordringar kan kommunane løysa, og kva må andre lause?"
Q_STEPS = "Av dei utfordringane kommunane kan gjera noko med: Kva grep kan vi ta?"
Q_PLANS = "Korleis sørga for at klimaomsyn blir godt varetatt i planverket og planprosessane?"
Q_FOLLOW_UP = "Korleis sikre at planane blir følgde opp i kvardagen?"
Q_RESPONSIBILITY = "Kva slags planar, prosessar og plassering av ansvar gir størst effekt?"
Q_WHOLE = (
    "Korleis kan vi engasjera alle delar av kommuneverksemda i arbeidet med "
    "klimavennlig samfunnsutvikling?"
)
Q_SECTOR = "Korleis kan sektoren eg kjenner best, bidra til eit meir klimavennlig lokalsamfunn?"
Q_CITIZENS = "Korleis kan og bør innbyggarar og lokalt næringsliv involveras?"

PROPOSALS = [
    {
        "title": "Klimabudsjett som styringsverktøy i økonomiplanen",
        "summary": "Kommunen set opp eit klimabudsjett med same status som økonomiplanen, "
        "slik at kvart tiltak har ein eigar, ein frist og ein kostnad.",
        "body": "<p>Eit klimabudsjett gjer utsleppsmåla målbare år for år. Når det blir "
        "handsama saman med økonomiplanen, må politikarane ta stilling til klimaeffekten "
        "av kvar budsjettpost.</p>",
        "first_steps": "Kartlegg utsleppa i kommunen med Miljødirektoratets statistikk\n"
        "Set av eit kapittel om klima i neste økonomiplan\nGi kvar sektor eit eige utsleppsmål",
        "question": Q_RESPONSIBILITY,
        "topics": ["energi", "innkjop"],
        "actor": "municipality",
    },
    {
        "title": "Klimaomsyn inn i planstrategien frå første dag",
        "summary": "Klima blir eit fast tema i den kommunale planstrategien, ikkje eit "
        "vedlegg som kjem til slutt.",
        "body": "<p>Planstrategien avgjer kva planar kommunen skal rullera. Ved å gjera "
        "klima til eit gjennomgåande omsyn der, følgjer det med inn i alle planane.</p>",
        "first_steps": "Ta klima inn i oppstartsmeldinga for planstrategien\n"
        "Inviter klimarådgivaren til planforum\nLag ei sjekkliste for klima i planarbeid",
        "question": Q_PLANS,
        "topics": ["arealbruk"],
        "actor": "municipality",
    },
    {
        "title": "Fortetting rundt kollektivknutepunkt",
        "summary": "Nye bustader og arbeidsplassar skal i hovudsak komma innanfor gangavstand "
        "til eit kollektivknutepunkt.",
        "body": "<p>Arealbruken avgjer transportbehovet i tiår framover. Ei tydeleg "
        "føresegn i kommuneplanen om fortetting rundt knutepunkt gir kortare reiser og "
        "betre grunnlag for kollektivtilbodet.</p>",
        "first_steps": "Kartlegg gangavstand til knutepunkta\nAvgrens nye byggjeområde utanfor "
        "sonene i kommuneplanen\nSamarbeid med fylkeskommunen om rutetilbodet",
        "question": Q_PLANS,
        "topics": ["arealbruk", "transport"],
        "actor": "together",
    },
    {
        "title": "Klimakrav i alle store innkjøp",
        "summary": "Innkjøp over nasjonal terskelverdi skal vekta klima og miljø med minst "
        "30 prosent.",
        "body": "<p>Kommunane kjøper inn for store summar. Klimakrav i konkurransane flyttar "
        "marknaden og gir leverandørane grunn til å investera i låge utslepp.</p>",
        "first_steps": "Vedta ein innkjøpsstrategi med klimakrav\nLær opp innkjøparane\n"
        "Følg opp krava i kontraktane",
        "question": Q_STEPS,
        "topics": ["innkjop"],
        "actor": "municipality",
    },
    {
        "title": "Utsleppsfrie bygg- og anleggsplassar",
        "summary": "Kommunen krev fossilfrie og etter kvart utsleppsfrie bygg- og anleggsplassar "
        "i eigne prosjekt.",
        "body": "<p>Anleggsmaskiner står for ein stor del av utsleppa i mange kommunar. "
        "Krav i eigne prosjekt gir entreprenørane ein marknad for elektriske maskiner.</p>",
        "first_steps": "Krev fossilfri anleggsplass i alle nye kontraktar\nSøk Klimasats om "
        "støtte til meirkostnader\nDel erfaringane med nabokommunane",
        "question": Q_STEPS,
        "topics": ["bygg", "innkjop", "energi"],
        "actor": "municipality",
    },
    {
        "title": "Ombruk av byggjevarer frå kommunale bygg",
        "summary": "Før eit kommunalt bygg blir rive, skal byggjevarene kartleggjast for ombruk.",
        "body": "<p>Ombruk sparer utslepp frå produksjon av nye materialar. Ein "
        "ombrukskartlegging gjer det mogleg å selja eller bruka materiala i nye prosjekt.</p>",
        "first_steps": "Krev ombrukskartlegging før riving\nOpprett ein lagerplass for "
        "byggjevarer\nSamarbeid med regionale ombrukssentralar",
        "question": Q_SECTOR,
        "topics": ["bygg"],
        "actor": "together",
    },
    {
        "title": "Energisparing i kommunale bygg med enkle grep",
        "summary": "Driftspersonalet får opplæring og verktøy for å styra varme og ventilasjon "
        "etter bruken av bygget.",
        "body": "<p>Mykje energi går til å varma opp bygg som står tomme. Enkel styring og "
        "oppfølging av energibruken gir raske kutt utan store investeringar.</p>",
        "first_steps": "Innfør energioppfølgingssystem i alle formålsbygg\nLær opp "
        "driftsteknikarane\nSet mål for energibruk per kvadratmeter",
        "question": Q_FOLLOW_UP,
        "topics": ["energi", "bygg"],
        "actor": "municipality",
    },
    {
        "title": "Ta vare på myr og anna karbonrik natur i arealplanane",
        "summary": "Myr og anna karbonrik natur blir kartlagd og sikra mot nedbygging i "
        "kommuneplanen sin arealdel.",
        "body": "<p>Nedbygging av myr gir store utslepp og tap av natur. Ved å kartleggja "
        "og verna dei områda i arealdelen, unngår kommunen dei største utsleppa frå "
        "arealbruk.</p>",
        "first_steps": "Kartlegg myrareal i kommunen\nOmdisponer myr i gamle byggjeområde "
        "tilbake til LNF\nLag eit arealrekneskap",
        "question": Q_PLANS,
        "topics": ["natur", "arealbruk"],
        "actor": "municipality",
    },
    {
        "title": "Nasjonale reglar for klimagassrekneskap i planar",
        "summary": "Staten bør gi ein felles metode for å rekna klimaeffekten av "
        "arealplanar, så kommunane slepp å laga kvar sin.",
        "body": "<p>Kommunane manglar ein felles måte å rekna utslepp frå arealbruk på. "
        "Det gjer det vanskeleg å samanlikna alternativ og å grunngi val.</p>",
        "first_steps": "Meld behovet til Miljødirektoratet og KS\nDel dei metodane som finst "
        "i dag mellom kommunane",
        "question": Q_WHO,
        "topics": ["arealbruk"],
        "actor": "others",
    },
    {
        "title": "Klimanettverk for tilsette på tvers av sektorar",
        "summary": "Eit internt nettverk med ein klimakontakt i kvar eining gjer klimaarbeidet "
        "til eit felles ansvar.",
        "body": "<p>Klima er ikkje berre ei sak for miljørådgivaren. Eit nettverk med "
        "kontaktpersonar i kvar sektor sikrar at kunnskap og tiltak blir delte.</p>",
        "first_steps": "Utpeik ein klimakontakt i kvar eining\nHald fire nettverksmøte i året\n"
        "Rapporter tiltak i årsmeldinga",
        "question": Q_WHOLE,
        "topics": ["energi"],
        "actor": "municipality",
    },
    {
        "title": "Innbyggarpanel for klimatiltak i nærmiljøet",
        "summary": "Eit tilfeldig trekt innbyggarpanel gir råd om klimatiltak i kommuneplanen.",
        "body": "<p>Innbyggarane veit mykje om kvardagen i nærmiljøet. Eit panel som får "
        "fagleg påfyll og tid til å drøfta, gir betre og meir forankra tiltak.</p>",
        "first_steps": "Trekk eit panel på 30 innbyggarar\nGi panelet fagleg innføring\n"
        "Svar skriftleg på kvart råd panelet gir",
        "question": Q_CITIZENS,
        "topics": ["transport", "natur"],
        "actor": "together",
    },
    {
        "title": "Lokalt næringsliv med i klimapartnarskap",
        "summary": "Kommunen og lokale bedrifter inngår eit klimapartnarskap med felles mål "
        "og årleg rapportering.",
        "body": "<p>Mange av utsleppa i kommunen kjem frå verksemder kommunen ikkje styrer. "
        "Eit partnarskap gir ein arena for felles tiltak, til dømes samkøyring og "
        "ladeinfrastruktur.</p>",
        "first_steps": "Inviter næringsforeininga til eit oppstartsmøte\nBli samde om tre "
        "felles mål\nRapporter framgangen kvart år",
        "question": Q_CITIZENS,
        "topics": ["transport", "energi"],
        "actor": "together",
    },
    {
        "title": "Betre kollektivtilbod krev regionalt samarbeid",
        "summary": "Fylkeskommunen og nabokommunane må planleggja kollektivtilbodet saman "
        "med arealbruken i heile bu- og arbeidsmarknadsregionen.",
        "body": "<p>Ein kommune åleine kan ikkje gi eit godt kollektivtilbod. Regionale "
        "areal- og transportplanar må følgjast opp med finansiering.</p>",
        "first_steps": "Ta initiativ til ein regional areal- og transportplan\nSøk om "
        "byvekstavtale der det er aktuelt",
        "question": Q_WHO,
        "topics": ["transport", "arealbruk"],
        "actor": "others",
    },
    {
        "title": "Kva meiner vi med klimavennleg samfunnsutvikling?",
        "summary": "Ein felles definisjon i kommunen: lågare utslepp, tilpassing til eit "
        "endra klima og tryggleik for naturen, i alle vedtak.",
        "body": "<p>Utan ei felles forståing blir klima tolka ulikt i kvar sektor. Ein kort "
        "definisjon, vedteken politisk, gjer det lettare å vurdera kvar sak.</p>",
        "first_steps": "Lag eit utkast saman med sektorane\nVedta definisjonen i kommunestyret\n"
        "Bruk han i mal for saksframlegg",
        "question": Q_CHALLENGES,
        "topics": ["natur"],
        "actor": "municipality",
    },
]


def get_topics(locale=None):
    """The demo topics, created once per locale (idempotent)."""
    from ..models import Topic

    locale = locale or Locale.get_default()
    topics = {}
    for position, (slug, name) in enumerate(TOPICS):
        topic, _created = Topic.objects.get_or_create(
            locale=locale, slug=slug, defaults={"name": name, "sort_order": position}
        )
        topics[slug] = topic
    return topics


def _questions_by_text(event):
    if event is None:
        return {}
    from ..models import GuidingQuestion

    return {
        " ".join(q.text.split()).lower(): q
        for q in GuidingQuestion.objects.filter(page_id=event.pk)
    }


def _match(questions, text):
    return questions.get(" ".join(text.split()).lower())


def create(archive_page, event):
    """Publish the demo proposals under ``archive_page``, tied to ``event`` (idempotent)."""
    from ..models import ParticipantGroup

    model = archive_page.specific.get_proposal_model()
    topics = get_topics(archive_page.locale)
    questions = _questions_by_text(event)
    groups = list(ParticipantGroup.objects.filter(event_id=event.pk)) if event else []
    children = model.objects.child_of(archive_page)
    existing = set(children.values_list("slug", flat=True))
    titles = set(children.values_list("title", flat=True))  # slugs made by older versions
    created = []
    for index, data in enumerate(PROPOSALS):
        slug = page_slug(data["title"])
        if slug in existing or data["title"] in titles:
            continue
        proposal = model(
            title=data["title"],
            slug=slug,
            summary=data["summary"],
            body=data["body"],
            first_steps=data["first_steps"],
            event=event,
            guiding_question=_match(questions, data["question"]),
            group=groups[index % len(groups)] if groups else None,
            actor=data["actor"],
        )
        archive_page.add_child(instance=proposal)
        proposal.topics.set([topics[slug] for slug in data["topics"]])
        proposal.save_revision().publish()
        created.append(proposal)
    return created


WORDS = (
    "klima arealbruk transport bygg energi innkjøp natur plan kommune fylke "
    "samarbeid utslepp fortetting kollektiv sykkel myr skog ombruk lading varme"
).split()


def create_many(archive_page, event, n, *, batch_size=1000, now=None):
    """Insert ``n`` live proposals under ``archive_page`` in bulk (for benchmarks).

    Keeps the treebeard tree valid (materialised paths after the last existing child,
    depth, the parent's ``numchild``) and adds the pages to the search index. The
    pages get no revisions. Works for proposal models whose concrete parents are
    Wagtail's ``Page`` (the default); the fallback for anything else is ``add_child``
    in a loop.
    """
    archive_page = Page.objects.get(pk=archive_page.pk)
    model = archive_page.specific.get_proposal_model()
    topics = list(get_topics(archive_page.locale).values())
    questions = list(_questions_by_text(event).values())
    now = now or timezone.now()
    with transaction.atomic():
        last = archive_page.get_last_child()
        first_step = last._get_lastpos_in_path() + 1 if last else 1
        depth = archive_page.depth + 1
        content_type = _content_type(model)
        proposals = []
        for i in range(n):
            step = first_step + i
            words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(6)]
            slug = f"forslag-{step}-{uuid.uuid4().hex[:6]}"
            published = now - datetime.timedelta(minutes=i)
            proposals.append(
                model(
                    title=f"Forslag {step}: {' '.join(words[:3])}",
                    slug=slug,
                    draft_title=f"Forslag {step}",
                    path=model._get_path(archive_page.path, depth, step),
                    depth=depth,
                    numchild=0,
                    url_path=f"{archive_page.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=published,
                    last_published_at=published,
                    latest_revision_created_at=published,
                    content_type=content_type,
                    locale_id=archive_page.locale_id,
                    translation_key=uuid.uuid4(),
                    summary=" ".join(words),
                    body=f"<p>{' '.join(reversed(words))}</p>",
                    first_steps="\n".join(words[:3]),
                    event_id=event.pk if event else None,
                    guiding_question=questions[i % len(questions)] if questions else None,
                    actor=("municipality", "together", "others")[i % 3],
                )
            )
        for start in range(0, n, batch_size):
            _bulk_insert(model, proposals[start : start + batch_size])
        if topics:
            through = model.topics.through
            source = model.topics.field.m2m_field_name()
            target = model.topics.field.m2m_reverse_field_name()
            links = []
            for i, proposal in enumerate(proposals):
                for topic in {topics[i % len(topics)].pk, topics[(i * 5 + 2) % len(topics)].pk}:
                    links.append(through(**{f"{source}_id": proposal.pk, f"{target}_id": topic}))
            through.objects.bulk_create(links, batch_size=batch_size)
        Page.objects.filter(pk=archive_page.pk).update(numchild=F("numchild") + n)
        _index(model, proposals)
    return proposals


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def _bulk_insert(model, objs):
    """Insert multi-table-inherited rows: the root table by bulk_create, each child by SQL."""
    chain = [model] + list(model._meta.get_parent_list())
    chain.reverse()  # root first
    root = chain[0]
    root_fields = [f for f in root._meta.local_concrete_fields if not f.primary_key]
    roots = [root(**{f.attname: getattr(obj, f.attname) for f in root_fields}) for obj in objs]
    root.objects.bulk_create(roots)
    for obj, row in zip(objs, roots, strict=True):
        for level in chain:
            setattr(obj, level._meta.pk.attname, row.pk)
    quote = connection.ops.quote_name
    for level in chain[1:]:
        fields = level._meta.local_concrete_fields
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted identifiers from the model, values are parameters)
            quote(level._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        values = [
            [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)


def _index(model, objs):
    from wagtail.search.backends import get_search_backends

    for backend in get_search_backends(with_auto_update=True):
        for start in range(0, len(objs), 1000):
            backend.add_bulk(model, objs[start : start + 1000])
