"""Demo proposals for the 2021 edition.

``create(archive_page, event)`` is idempotent: run it as often as you like.
"""

from wagtail.models import Locale

from ..events.models import GuidingQuestion
from ..groups.models import ParticipantGroup
from ..proposals.models import Topic
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
    return {
        " ".join(q.text.split()).lower(): q
        for q in GuidingQuestion.objects.filter(page_id=event.pk)
    }


def _match(questions, text):
    return questions.get(" ".join(text.split()).lower())


def create(archive_page, event):
    """Publish the demo proposals under ``archive_page``, tied to ``event`` (idempotent)."""
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
