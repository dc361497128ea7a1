"""Exports of the filtered application list, attendance lists, and their escaping."""

import io
import tracemalloc

import openpyxl
import pytest
from django.test import override_settings

from tests import desk_helpers
from tests.conftest import make_event
from tests.desk_helpers import LIST_URL, read_csv, seed
from wagtail_klimakronsj.models import Application, Attendance

organiser = desk_helpers.organiser

DANGEROUS = ["=1+1", "+47 99", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_export_follows_filters_and_search(client, root_page, event, organiser):
    other = make_event(root_page, title="Other")
    seed(event, 5)
    seed(other, 3, start=100)
    client.force_login(organiser)
    rows = read_csv(client.get(LIST_URL, {"event": other.pk, "export": "csv"}))
    assert len(rows) == 1 + 3
    assert {r[1] for r in rows[1:]} == {"Other"}
    rows = read_csv(client.get(LIST_URL, {"q": "person2@", "export": "csv"}))
    assert [r[4] for r in rows[1:]] == ["person2@example.org"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_injection_neutralised_in_csv(client, event, organiser, value):
    seed(event, 1)
    Application.objects.update(full_name=value, organisation=value, interests=value)
    client.force_login(organiser)
    rows = read_csv(client.get(LIST_URL, {"export": "csv"}))
    assert rows[1][3].startswith("'")
    assert rows[1][9].startswith("'") and rows[1][12].startswith("'")


def test_formula_injection_neutralised_in_xlsx(client, event, organiser):
    seed(event, len(DANGEROUS))
    for application, value in zip(Application.objects.order_by("pk"), DANGEROUS, strict=True):
        Application.objects.filter(pk=application.pk).update(full_name=value)
    client.force_login(organiser)
    response = client.get(LIST_URL, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [sheet.cell(row=r, column=4) for r in range(2, 2 + len(DANGEROUS))]
    assert all(c.data_type == "s" and c.value.startswith("'") for c in names)


def test_attendance_registration_and_export(client, event, organiser):
    participants = seed(event, 3, status="accepted")
    seed(event, 1, start=10, status="pending")
    first, second = event.sessions
    client.force_login(organiser)
    url = f"/admin/klimakronsj/events/{event.pk}/attendance/"
    response = client.get(url)
    assert len(response.context["rows"]) == 3
    response = client.post(
        url,
        {
            f"present-{first.pk}": [participants[0].pk, participants[1].pk],
            f"present-{second.pk}": [participants[0].pk],
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.count() == 6
    assert Attendance.objects.filter(present=True).count() == 3
    # saving again updates, never duplicates
    client.post(url, {f"present-{second.pk}": [participants[2].pk]})
    assert Attendance.objects.count() == 6
    assert set(Attendance.objects.filter(present=True).values_list("application_id", "session_id")) == {
        (participants[2].pk, second.pk)
    }
    rows = read_csv(client.get(f"{url}export/csv/"))
    assert len(rows) == 4 and len(rows[0]) == 5 + 2 + 1
    response = client.get(f"{url}export/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4


def export_peak(client, fmt):
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(LIST_URL, {"export": fmt})
    size = sum(len(chunk) for chunk in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak


@override_settings(WAGTAIL_KLIMAKRONSJ_EXPORT_CHUNK_SIZE=500)
def test_large_export_memory_is_bounded(client, root_page, organiser):
    """Peak memory of an export does not grow from 1,000 to 10,000 applications."""
    event = make_event(root_page, seat_limit=10000)
    seed(event, 1000)
    client.force_login(organiser)
    for fmt in ("csv", "xlsx"):  # warm up imports and caches, untraced
        b"".join(client.get(LIST_URL, {"export": fmt}).streaming_content)
    small = {fmt: export_peak(client, fmt) for fmt in ("csv", "xlsx")}
    seed(event, 9000, start=1000)
    large = {fmt: export_peak(client, fmt) for fmt in ("csv", "xlsx")}
    for fmt in ("csv", "xlsx"):
        (size_small, peak_small), (size_large, peak_large) = small[fmt], large[fmt]
        print(
            f"{fmt}: 1,000 -> {size_small} bytes, peak {peak_small / 2**20:.2f} MiB; "
            f"10,000 -> {size_large} bytes, peak {peak_large / 2**20:.2f} MiB"
        )
        assert size_large > 8 * size_small
        # ten times the rows, about the same memory: the rows are streamed
        assert peak_large < 1.5 * peak_small + 2**20
