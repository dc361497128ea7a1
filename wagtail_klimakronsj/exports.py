"""CSV and XLSX writers for every export of the package.

Every cell goes through :func:`neutralise`: a text cell that a spreadsheet would read
as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
prefixed with an apostrophe, and control characters that XLSX cannot hold are dropped.
Both writers stream: rows are consumed one at a time from an iterator (use
``queryset.iterator(chunk_size=...)``), so memory stays bounded whatever the size.
"""

import csv
import datetime
import re
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from .timezone import local_zone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise(value):
    """A cell value safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, local_zone())
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date):
        return value
    text = _CONTROL.sub("", str(value))
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _csv_cell(value):
    value = neutralise(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class _Echo:
    def write(self, value):
        return value


def iter_csv(header, rows):
    """Yield the CSV text line by line (UTF-8 with a BOM so spreadsheets guess right)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def csv_response(filename, header, rows):
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in iter_csv(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_xlsx(fileobj, sheets):
    """Write sheets ``[(title, header, rows), ...]`` with openpyxl's write-only mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=_CONTROL.sub("", str(title))[:31] or "Sheet")
        sheet.append([neutralise(h) for h in header])
        for row in rows:
            sheet.append([neutralise(v) for v in row])
    workbook.save(fileobj)


def xlsx_response(filename, sheets):
    """An XLSX download; the workbook is spooled to a temporary file, not kept in memory."""
    spool = tempfile.TemporaryFile()
    write_xlsx(spool, sheets)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
