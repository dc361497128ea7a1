import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.utils import translation
from wagtail.models import Page, PageViewRestriction

from tests.conftest import make_event
from tests.proposal_helpers import add_proposals, make_archive, make_proposal
from wagtail_klimakronsj.demo import proposals as demo
from wagtail_klimakronsj.models import GuidingQuestion, ParticipantGroup, Topic
from wagtail_klimakronsj.pages.models import ProposalPage
from wagtail_klimakronsj.proposals.archive import proposals_for_event

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def topics(db):
    return demo.get_topics()


@pytest.fixture
def archive(root_page):
    return make_archive(root_page)


@pytest.fixture
def editions(root_page):
    questions = [
        ("Kva er utfordringane for å få det til?", False),
        ("Korleis sikre at planane blir følgde opp i kvardagen?", True),
    ]
    first = make_event(root_page, title="Klimakrønsj 2021", questions=questions)
    second = make_event(root_page, title="Klimakrønsj 2022", questions=questions)
    return first, second


@pytest.fixture
def proposals(archive, editions, topics):
    first, second = editions
    q1, q2 = list(GuidingQuestion.objects.filter(page=first).order_by("sort_order"))
    base = datetime.datetime(2021, 10, 1, 12, tzinfo=datetime.UTC)
    day = datetime.timedelta(days=1)
    return {
        "bus": make_proposal(
            archive,
            "Bussvegar og fortetting",
            topics=[topics["transport"], topics["arealbruk"]],
            event=first,
            guiding_question=q1,
            actor="together",
            when=base,
            body="<p>Kollektivfelt langs hovudvegen.</p>",
        ),
        "myr": make_proposal(
            archive,
            "Verne myra",
            topics=[topics["natur"]],
            event=first,
            guiding_question=q2,
            actor="municipality",
            when=base + day,
            summary="Myr lagrar karbon",
        ),
        "bygg": make_proposal(
            archive,
            "Fossilfri byggjeplass",
            topics=[topics["bygg"], topics["innkjop"]],
            event=second,
            actor="municipality",
            when=base + 2 * day,
        ),
        "stat": make_proposal(
            archive,
            "Felles metode frå staten",
            topics=[topics["arealbruk"]],
            event=second,
            actor="others",
            when=base + 3 * day,
            first_steps="Meld behovet\nDel metodane",
        ),
    }


def titles(response):
    return [p.title for p in response.context["proposals"]]


def get(client, archive, suffix="", **params):
    return client.get(archive.url + suffix, params)


# -- list, filters, search -----------------------------------------------------------


def test_lists_newest_first(client, archive, proposals):
    response = get(client, archive)
    assert response.status_code == 200
    assert titles(response) == [
        "Felles metode frå staten",
        "Fossilfri byggjeplass",
        "Verne myra",
        "Bussvegar og fortetting",
    ]
    html = response.content.decode()
    assert '<form class="kk-archive__filters" method="get"' in html
    assert '<button type="submit"' in html
    assert "<legend>" in html


def test_filter_by_edition(client, archive, proposals, editions):
    response = get(client, archive, edition=editions[1].pk)
    assert titles(response) == ["Felles metode frå staten", "Fossilfri byggjeplass"]


def test_filter_by_guiding_question(client, archive, proposals):
    question = proposals["myr"].guiding_question
    response = get(client, archive, question=question.pk)
    assert titles(response) == ["Verne myra"]


def test_filter_by_several_topics_means_any_of_them(client, archive, proposals):
    response = client.get(archive.url, {"topic": ["natur", "bygg"]})
    assert titles(response) == ["Fossilfri byggjeplass", "Verne myra"]
    html = response.content.decode()
    assert 'value="natur" id="id_topic_' in html or 'value="natur"' in html
    assert html.count("checked") == 2


def test_filter_by_who_can_act(client, archive, proposals):
    response = client.get(archive.url, {"actor": ["others", "together"]})
    assert titles(response) == ["Felles metode frå staten", "Bussvegar og fortetting"]


def test_search(client, archive, proposals):
    assert titles(get(client, archive, q="myr")) == ["Verne myra"]
    # the body is searched too
    assert titles(get(client, archive, q="kollektivfelt")) == ["Bussvegar og fortetting"]


def test_filters_and_search_combine(client, archive, proposals, editions):
    response = client.get(
        archive.url,
        {"q": "metode", "edition": editions[1].pk, "topic": ["arealbruk"], "actor": "others"},
    )
    assert titles(response) == ["Felles metode frå staten"]
    response = client.get(archive.url, {"q": "metode", "edition": editions[0].pk})
    assert titles(response) == []
    # the filters live in the URL: pagination, export and feed links keep them
    response = client.get(archive.url, {"topic": ["arealbruk"], "actor": "others"})
    html = response.content.decode()
    assert "export-csv/?topic=arealbruk&amp;actor=others" in html
    assert "feed/?topic=arealbruk&amp;actor=others" in html


def test_invalid_filter_values_are_ignored_with_a_message(client, archive, proposals):
    response = client.get(
        archive.url, {"edition": "nope", "question": "999999", "topic": "<b>x</b>"}
    )
    assert response.status_code == 200
    assert len(titles(response)) == 4
    html = response.content.decode()
    assert "<b>x</b>" not in html


def test_empty_results_are_helpful(client, archive, proposals):
    response = get(client, archive, q="finst-ikkje-nokon-stad")
    html = response.content.decode()
    assert response.context["paginator"].count == 0
    assert "kk-archive__empty" in html
    assert f'href="{archive.url}"' in html  # a link that clears every filter


def test_empty_archive_without_filters(client, archive):
    response = get(client, archive)
    assert response.status_code == 200
    assert "kk-archive__empty" in response.content.decode()


def test_search_input_is_escaped(client, archive, proposals):
    response = get(client, archive, q='"><script>alert(1)</script>')
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


# -- pagination ------------------------------------------------------------------------


@override_settings(WAGTAIL_KLIMAKRONSJ_PROPOSALS_PER_PAGE=3)
@pytest.mark.parametrize(
    ("page", "expected_number"),
    [("1", 1), ("2", 2), ("0", 1), ("-4", 1), ("99", 2), ("abc", 1), ("", 1), ("1e9", 1)],
)
def test_pagination_boundaries(client, archive, proposals, page, expected_number):
    response = client.get(archive.url, {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_number
    assert len(titles(response)) == (3 if expected_number == 1 else 1)


@override_settings(WAGTAIL_KLIMAKRONSJ_PROPOSALS_PER_PAGE=1)
def test_pagination_keeps_filters(client, archive, proposals):
    response = client.get(archive.url, {"actor": "municipality", "q": "", "page": "1"})
    html = response.content.decode()
    assert response.context["paginator"].num_pages == 2
    assert 'href="?actor=municipality&amp;q=&amp;page=2"' in html
    assert 'aria-current="page"' in html


@override_settings(WAGTAIL_KLIMAKRONSJ_PROPOSALS_PER_PAGE=2)
def test_pagination_of_search_results(client, archive, proposals):
    response = client.get(archive.url, {"q": "forslag OR myr OR metode OR bussvegar OR fossilfri"})
    assert response.status_code == 200
    response = client.get(archive.url, {"q": "samandrag", "page": "2"})
    assert response.context["page_obj"].number == 2
    assert titles(response) == ["Bussvegar og fortetting"]


# -- never leak unpublished or private proposals --------------------------------------


@pytest.fixture
def hidden(archive, root_page, editions):
    draft = make_proposal(archive, "Hemmeleg utkast", publish=False, event=editions[0])
    private = make_proposal(archive, "Hemmeleg privat", event=editions[0])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    unpublished = make_proposal(archive, "Hemmeleg avpublisert", event=editions[0])
    unpublished.unpublish()
    other_archive = make_archive(root_page, title="Anna arkiv")
    elsewhere = make_proposal(other_archive, "Hemmeleg anna arkiv", event=editions[0])
    return [draft, private, unpublished, elsewhere]


def test_hidden_proposals_never_listed_or_found(client, archive, proposals, hidden):
    for params in ({}, {"q": "hemmeleg"}, {"q": "samandrag"}, {"edition": hidden[0].event_id}):
        response = client.get(archive.url, params)
        assert response.status_code == 200
        assert not any("Hemmeleg" in t for t in titles(response))
        assert "Hemmeleg" not in response.content.decode()


def test_hidden_proposals_never_exported_or_in_feed(client, archive, proposals, hidden):
    for suffix in ("export-csv/", "export-json/", "feed/"):
        for params in ({}, {"q": "hemmeleg"}, {"q": "samandrag"}):
            response = client.get(archive.url + suffix, params)
            assert response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if params.get("q") != "hemmeleg":
                assert b"Samandrag for" in body
            assert b"Hemmeleg" not in body, (suffix, params)


def test_proposal_in_moderation_is_not_public(client, archive, proposals, admin_user):
    proposal = make_proposal(archive, "Hemmeleg til godkjenning", publish=False)
    workflow = proposal.get_workflow()
    assert workflow is not None
    workflow.start(proposal, admin_user)
    proposal.refresh_from_db()
    assert proposal.workflow_in_progress
    assert "Hemmeleg" not in client.get(archive.url).content.decode()
    assert client.get(proposal.url or "/forslagsarkiv/hemmeleg-til-godkjenning/").status_code == 404


def test_event_proposals_skip_hidden(archive, proposals, hidden, editions):
    found = proposals_for_event(editions[0], 10)
    # the other archive is public: its proposal counts; drafts and private ones do not
    assert [p.title for p in found] == [
        "Hemmeleg anna arkiv",
        "Verne myra",
        "Bussvegar og fortetting",
    ]


# -- open data -------------------------------------------------------------------------


def read_csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_follows_filters(client, archive, proposals, editions):
    response = client.get(archive.url + "export-csv/", {"edition": editions[0].pk})
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    header, data = rows[0], rows[1:]
    assert [row[header.index("title") if "title" in header else 1] for row in data] == [
        "Verne myra",
        "Bussvegar og fortetting",
    ]


def test_exports_neutralise_formulas_and_do_not_execute_html(client, archive, editions, topics):
    make_proposal(
        archive,
        '=HYPERLINK("http://evil.example")',
        summary="+SUM(A1:A2)",
        first_steps="@cmd\n-1+1",
        event=editions[0],
        topics=[topics["natur"]],
        body="<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    )
    rows = read_csv(client.get(archive.url + "export-csv/"))
    cells = rows[1]
    assert cells[1] == '\'=HYPERLINK("http://evil.example")'
    assert cells[3] == "'+SUM(A1:A2)"
    assert cells[5].startswith("'@cmd")
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))

    response = client.get(archive.url + "export-json/")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    raw = b"".join(response.streaming_content).decode()
    assert "<script>" not in raw
    data = json.loads(raw)
    assert data[0]["body"] == "<script>alert(1)</script>"  # plain text, escaped in transport
    assert data[0]["first_steps"] == ["@cmd", "-1+1"]


def test_json_export_has_no_personal_data(client, archive, editions, topics):
    group = ParticipantGroup.objects.create(
        event=editions[0],
        number=3,
        name="Gruppe Fjord",
        facilitator_name="Kari Nordmann",
        facilitator_email="kari@example.org",
    )
    make_proposal(archive, "Med gruppe", event=editions[0], group=group, topics=[topics["energi"]])
    raw = b"".join(client.get(archive.url + "export-json/").streaming_content).decode()
    data = json.loads(raw)
    assert data[0]["group"] == "Gruppe Fjord"
    assert data[0]["edition"] == "Klimakrønsj 2021"
    assert data[0]["topics"] == ["Energi"]
    assert data[0]["url"].startswith("http://")
    assert "Kari" not in raw and "example.org" not in raw


def test_feed_parses(client, archive, proposals):
    response = client.get(archive.url + "feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Felles metode frå staten",
        "Fossilfri byggjeplass",
        "Verne myra",
        "Bussvegar og fortetting",
    ]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://")
    terms = {c.get("term") for c in entries[0].findall(f"{ATOM}category")}
    assert terms == {"Arealbruk"}


def test_feed_follows_filters(client, archive, proposals):
    root = ET.fromstring(client.get(archive.url + "feed/", {"topic": "natur"}).content)  # noqa: S314
    assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == ["Verne myra"]


# -- constant query count --------------------------------------------------------------


def _add_many(archive, event, n):
    questions = list(GuidingQuestion.objects.filter(page=event))
    add_proposals(archive, event, n, topics=list(demo.get_topics().values()), questions=questions)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "forslag", "topic": ["transport", "energi"], "actor": ["together", "municipality"]}],
)
def test_query_count_is_constant(
    client, archive, editions, topics, django_assert_num_queries, params
):
    event = editions[0]
    params = {**params, "edition": event.pk}
    _add_many(archive, event, 10)
    client.get(archive.url, params)  # warm caches (site root paths, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        response = client.get(archive.url, params)
    assert response.status_code == 200
    assert response.context["proposals"]
    _add_many(archive, event, 190)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(archive.url, params)
    assert response.context["paginator"].count > 10
    # 12 queries (14 with search words) for the archive page, whatever the number of proposals
    assert len(small.captured_queries) == (12 if not params.get("q") else 14)


def test_add_proposals_keeps_the_tree_valid(archive, editions):
    """The bulk helper of the tests above builds a tree Wagtail accepts."""
    make_proposal(archive, "Først")
    created = add_proposals(archive, editions[0], 25)
    assert len(created) == 25
    archive.refresh_from_db()
    assert archive.numchild == 26
    assert archive.get_children().count() == 26
    assert Page.find_problems() == ([], [], [], [], [])
    assert ProposalPage.objects.live().descendant_of(archive).count() == 26
    assert ProposalPage.objects.filter(pk=created[0].pk).search("klima").count() == 1  # indexed
    # a normal page can still be added after the bulk ones
    make_proposal(archive, "Etterpå")
    assert Page.find_problems() == ([], [], [], [], [])


# -- the proposal page -----------------------------------------------------------------


def test_proposal_page_renders_and_links_back(client, archive, proposals, editions):
    proposal = proposals["stat"]
    response = client.get(proposal.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Felles metode frå staten" in html
    assert "<ol><li>Meld behovet</li><li>Del metodane</li></ol>" in html
    assert f'href="{editions[1].url}"' in html
    assert f'href="{archive.url}?edition={editions[1].pk}"' in html
    assert "Arealbruk" in html
    with translation.override("nn"):
        assert str(proposal.get_actor_display()) in html


def test_proposal_preview_renders(archive, proposals, rf):
    proposal = proposals["myr"]
    proposal.title = "Verne myra (utkast)"
    response = proposal.make_preview_request()
    assert response.status_code == 200
    assert "Verne myra (utkast)" in response.content.decode()
    response = archive.make_preview_request()
    assert response.status_code == 200


def test_archive_revisions(archive, proposals):
    proposal = proposals["myr"]
    proposal.summary = "Nytt samandrag"
    proposal.save_revision()
    proposal.refresh_from_db()
    assert proposal.has_unpublished_changes
    assert proposal.revisions.count() == 2


def test_event_include_lists_proposals(rf, archive, proposals, editions):
    from django.template import Context, Template

    request = rf.get("/")
    template = Template("{% load klimakronsj_proposals %}{% event_proposals page 1 %}")
    html = template.render(Context({"page": editions[0], "request": request}))
    assert "Verne myra" in html
    assert "Bussvegar" not in html  # limit 1
    assert f"{archive.url}?edition={editions[0].pk}" in html
    empty = template.render(
        Context({"page": make_event(archive.get_parent(), title="Tom"), "request": request})
    )
    assert "kk-event-proposals" not in empty


# -- demo ---------------------------------------------------------------------------------


def test_demo_is_idempotent_and_tied_to_questions(archive, root_page):
    questions = [
        (demo.Q_CHALLENGES, False),
        (demo.Q_WHO, False),
        (demo.Q_PLANS, True),
        (demo.Q_CITIZENS, True),
    ]
    event = make_event(root_page, title="Klimakrønsj 2021", questions=questions)
    created = demo.create(archive, event)
    assert len(created) == len(demo.PROPOSALS) >= 12
    assert demo.create(archive, event) == []
    live = ProposalPage.objects.live().child_of(archive)
    assert live.count() == len(demo.PROPOSALS)
    assert live.filter(guiding_question__isnull=False).count() >= 8
    assert set(live.values_list("actor", flat=True)) == {"municipality", "together", "others"}
    assert Topic.objects.count() == 6
    assert all(p.get_first_steps() for p in live)


def test_demo_tolerates_missing_questions(archive, event):
    assert len(demo.create(archive, event)) == len(demo.PROPOSALS)
