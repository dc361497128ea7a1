"""CSV and XLSX writers for every export of the package.

Every cell goes through :func:`neutralise`: a text cell that a spreadsheet would read
as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
prefixed with an apostrophe, and control characters that XLSX cannot hold are dropped.
Both writers stream: rows are consumed one at a time from an iterator (use
``queryset.iterator(chunk_size=...)``) and the file leaves in chunks while it is
written, so memory stays bounded and the first bytes leave at once whatever the size.
"""

import csv
import datetime
import io
import re
from zipfile import ZIP_DEFLATED, ZipFile

from django.http import StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from .timezone import local_zone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: About how many bytes of a file are sent at a time.
CHUNK_BYTES = 64 * 1024

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A cell value safe to open in a spreadsheet."""
    if isinstance(value, str):  # the common case first
        text = _CONTROL.sub("", value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, local_zone())
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date):
        return value
    return neutralise(str(value))


def _csv_cell(value):
    value = neutralise(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return value


def iter_csv(header, rows):
    """Yield the CSV text in chunks of many lines (UTF-8 with a BOM so spreadsheets
    guess right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        (text.encode("utf-8") for text in iter_csv(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Pipe:
    """Where the zip archive writes: the bytes written since the last ``take()``."""

    def __init__(self):
        self.chunks = []
        self.size = 0

    def write(self, data):
        self.chunks.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self):
        pass

    def take(self):
        data = b"".join(self.chunks)
        self.chunks, self.size = [], 0
        return data


class _SheetsFirstWriter(ExcelWriter):
    """openpyxl's workbook writer for sheets already streamed into the archive: it
    adds the workbook's other parts and lists the sheets, without writing them again."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._rels = RelationshipList()
        self.manifest.append(ws)


def iter_xlsx(sheets):
    """Yield an XLSX file of sheets ``[(title, header, rows), ...]`` while it is written.

    openpyxl's write-only mode writes each sheet's rows straight into the sheet's
    entry of the zip archive (a zip may hold its entries in any order), so the first
    bytes leave with the first rows; openpyxl then adds the styles, the workbook and
    the content types."""
    pipe = _Pipe()
    workbook = Workbook(write_only=True)
    archive = ZipFile(pipe, "w", ZIP_DEFLATED, allowZip64=True)
    for index, (title, header, rows) in enumerate(sheets or [("Sheet", [], [])], 1):
        sheet = workbook.create_sheet(title=_CONTROL.sub("", str(title))[:31] or "Sheet")
        sheet._id = index
        with archive.open(sheet.path[1:], "w") as entry:
            sheet._writer = WorksheetWriter(sheet, out=entry)
            sheet._writer.write_top()
            sheet.append([neutralise(h) for h in header])
            for row in rows:
                sheet.append([neutralise(v) for v in row])
                if pipe.size >= CHUNK_BYTES:
                    yield pipe.take()
            sheet.close()
        yield pipe.take()
    _SheetsFirstWriter(workbook, archive).save()
    yield pipe.take()


def write_xlsx(fileobj, sheets):
    """Write sheets ``[(title, header, rows), ...]`` to ``fileobj``."""
    for chunk in iter_xlsx(sheets):
        fileobj.write(chunk)


def xlsx_response(filename, sheets):
    """An XLSX download, streamed while it is written."""
    response = StreamingHttpResponse(iter_xlsx(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
