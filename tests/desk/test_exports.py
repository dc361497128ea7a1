import csv
import datetime
import io

import openpyxl
import pytest

from wagtail_klimakronsj import exports
from wagtail_klimakronsj.exports import csv_response, iter_csv, neutralise, write_xlsx

DANGEROUS = ["=1+1", "+47 123", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_cells_are_neutralised(value):
    assert str(neutralise(value)).startswith("'")


def test_plain_values_kept():
    assert neutralise("Oslo") == "Oslo"
    assert neutralise(5) == 5
    assert neutralise(-5) == -5  # numbers are numbers, not formulas
    assert neutralise(None) == ""
    assert neutralise("a\x00b\x1fc") == "abc"


def test_csv_roundtrip_is_neutralised():
    text = "".join(iter_csv(["name", "note"], [["=cmd|' /C calc'!A0", "<script>"]]))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][0].startswith("'=")
    assert rows[1][1] == "<script>"  # CSV is data, not HTML


def test_csv_response_streams():
    response = csv_response("x.csv", ["a"], iter([["1"], ["2"]]))
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.splitlines()[1:] == ["1", "2"]


def test_xlsx_cells_are_not_formulas():
    buffer = io.BytesIO()
    when = datetime.datetime(2021, 9, 22, 9, 0, tzinfo=datetime.UTC)
    write_xlsx(buffer, [("Søknader", ["name", "when"], [["=1+1", when], ["@x", None]])])
    buffer.seek(0)
    sheet = openpyxl.load_workbook(buffer).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "'@x"
    assert sheet["B2"].value == datetime.datetime(2021, 9, 22, 11, 0)  # Europe/Oslo, CEST


def test_xlsx_response_streams_while_it_is_written(monkeypatch):
    """The first bytes leave before the rows are all read; the whole is one workbook."""
    monkeypatch.setattr(exports, "CHUNK_BYTES", 1024)
    read = []

    def rows():
        for i in range(3000):
            read.append(i)
            yield [f"Person {i}", i * 7919 % 100_003, datetime.date(2026, 1, 1 + i % 28)]

    response = exports.xlsx_response("x.xlsx", [("Søknader", ["name", "n", "day"], rows())])
    assert response.streaming
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK") and len(read) < 3000
    sheet = openpyxl.load_workbook(io.BytesIO(first + b"".join(chunks))).active
    assert sheet.max_row == 3001 and sheet["A3001"].value == "Person 2999"
    assert sheet["C2"].value == datetime.datetime(2026, 1, 1)
