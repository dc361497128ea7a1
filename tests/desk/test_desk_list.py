"""The organiser's application list: search by municipality and organisation, CSV and
XLSX offered side by side, and what the list answers for a filter it cannot read."""

import io

import openpyxl

from tests import desk_helpers
from tests.desk_helpers import LIST_URL, read_csv, seed
from wagtail_klimakronsj.models import Application, Municipality

organiser = desk_helpers.organiser


def listed(response):
    return sorted(a.full_name for a in response.context["object_list"])


def test_search_finds_the_municipality_as_the_filter_does(client, event, organiser):
    voss = Municipality.objects.get(name="Voss")
    seed(event, 5, municipalities=[voss])
    seed(event, 4, municipalities=list(Municipality.objects.exclude(pk=voss.pk)[:4]), start=10)
    client.force_login(organiser)
    by_filter = client.get(LIST_URL, {"municipality": voss.pk})
    by_search = client.get(LIST_URL, {"q": "Voss"})
    assert len(listed(by_filter)) == 5
    assert listed(by_search) == listed(by_filter)
    assert len(listed(client.get(LIST_URL, {"q": voss.number}))) == 5
    rows = read_csv(client.get(LIST_URL, {"q": "voss", "export": "csv"}))
    assert {row[6] for row in rows[1:]} == {"Voss"} and len(rows) == 1 + 5


def test_search_finds_the_other_organisation(client, event, organiser):
    seed(event, 3)
    seed(event, 1, municipalities=[], start=10, organisation="Vestland fylkeskommune")
    client.force_login(organiser)
    response = client.get(LIST_URL, {"q": "fylkeskommune"})
    assert listed(response) == ["Person 10"]


def test_list_offers_csv_and_xlsx(client, event, organiser):
    seed(event, 2)
    client.force_login(organiser)
    html = client.get(LIST_URL, {"event": event.pk}).content.decode()
    assert "Last ned CSV" in html and "Last ned XLSX" in html
    assert (
        f"event={event.pk}&amp;export=csv" in html and f"event={event.pk}&amp;export=xlsx" in html
    )
    assert "w-dropdown-button" not in html  # CSV is a button of its own, not behind a toggle
    csv_response = client.get(LIST_URL, {"event": event.pk, "export": "csv"})
    assert csv_response["Content-Disposition"].startswith('attachment; filename="applications-')
    assert len(read_csv(csv_response)) == 1 + 2
    xlsx = client.get(LIST_URL, {"event": event.pk, "export": "xlsx"})
    assert 'filename="applications-' in xlsx["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == 1 + 2


def test_a_filter_the_list_cannot_read_is_a_400_with_a_way_back(client, event, organiser):
    seed(event, 2)
    client.force_login(organiser)
    for params in (
        {"event": "²"},
        {"municipality": "9" * 40},
        {"q": "Voss\x00"},
        {"county": "\x00"},
        {"submitted_at__gte": "①"},
        {"q": "x" * 1000},
        {"no_such_field": "1"},
    ):
        response = client.get(LIST_URL, params)
        assert response.status_code == 400, params
        html = response.content.decode()
        assert "Vis alle søknadene" in html and f'href="{LIST_URL}"' in html
    assert client.get(LIST_URL, {"event": "9" * 40, "export": "csv"}).status_code == 400
    assert Application.objects.count() == 2
