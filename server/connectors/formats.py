"""Writing rows the way each target reads them: dates, then JSON, CSV or XLSX.

Times are the venue's (``Europe/Paris`` by default) in every format but ``utc`` and ``unix``,
which name the instant itself: a ticketing tool reading "20:30" must read the time of the show.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import msgspec

from server.connectors.catalogue import DAY, INSTANT, Source
from server.core.venue import venue

DATE_FORMATS = ("iso", "utc", "unix", "local_split", "french")
OUTPUTS = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Output:
    """A connector's file, as downloaded or pushed."""

    content: bytes
    content_type: str
    filename: str
    rows: int


@dataclass(frozen=True)
class Column:
    """One output column: its name, the field it reads, and which part of an instant it takes
    when dates and times are written apart (``part``: ``date`` or ``time``)."""

    name: str
    source: Source
    part: str | None = None


def columns(
    mapping: Sequence[dict[str, Any]], sources: dict[str, Source], fmt: str
) -> list[Column]:
    """The mapping as output columns; with ``local_split`` an instant gives two columns."""
    found: list[Column] = []
    for item in mapping:
        source = sources.get(item["source"])
        if source is None:  # a field the reader may not read: left out, never blank
            continue
        if fmt == "local_split" and source.kind == INSTANT:
            found.append(Column(item["column"], source, "date"))
            time_name = item.get("time_column") or f"{item['column']}_time"
            found.append(Column(time_name, source, "time"))
        else:
            found.append(Column(item["column"], source))
    return found


def value(raw: Any, column: Column, fmt: str, *, spreadsheet: bool = False) -> Any:
    """One cell: for a spreadsheet, dates and numbers stay typed where the format allows."""
    if raw is None:
        return None
    kind = column.source.kind
    tz = venue().tz
    if kind == INSTANT and isinstance(raw, datetime):
        local = raw.astimezone(tz)
        if fmt == "iso":
            return local.isoformat()
        if fmt == "utc":
            return raw.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if fmt == "unix":
            return int(raw.timestamp())
        if fmt == "local_split":
            part: date | time = local.date() if column.part == "date" else local.time()
            if spreadsheet:
                return part
            return part.isoformat() if column.part == "date" else local.strftime("%H:%M")
        if spreadsheet:  # french: a real date and time, shown dd/mm/yyyy hh:mm
            return local.replace(tzinfo=None)
        return local.strftime("%d/%m/%Y %H:%M")
    if kind == DAY and isinstance(raw, date):
        if fmt == "unix":
            return int(datetime.combine(raw, time(), tz).timestamp())
        if fmt == "french":
            return raw if spreadsheet else raw.strftime("%d/%m/%Y")
        return raw if spreadsheet and fmt == "local_split" else raw.isoformat()
    return raw


def as_json(cols: list[Column], rows: list[dict[str, Any]], fmt: str) -> bytes:
    items = [{c.name: _plain(value(row.get(c.source.name), c, fmt)) for c in cols} for row in rows]
    return msgspec.json.encode(items)


# Text a spreadsheet would run as a formula when the file is opened (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_csv(
    cols: list[Column], rows: list[dict[str, Any]], fmt: str, separator: str, bom: bool
) -> bytes:
    """UTF-8 text; with ``;`` decimals take a comma, as French Excel reads them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow([c.name for c in cols])
    for row in rows:
        cells = []
        for c in cols:
            cell = value(row.get(c.source.name), c, fmt)
            if isinstance(cell, Decimal) and separator == ";":
                cell = str(cell).replace(".", ",")
            elif isinstance(cell, bool):
                cell = "1" if cell else "0"
            elif isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
                cell = "'" + cell  # read as text, never run as a formula (OWASP's advice)
            cells.append("" if cell is None else cell)
        writer.writerow(cells)
    text = out.getvalue()
    return (("\ufeff" + text) if bom else text).encode("utf-8")


NUMBER_FORMATS = {
    ("french", INSTANT): "dd/mm/yyyy hh:mm",
    ("french", DAY): "dd/mm/yyyy",
    ("local_split", "date"): "dd/mm/yyyy",
    ("local_split", "time"): "hh:mm",
    ("local_split", DAY): "dd/mm/yyyy",
}


def as_xlsx(cols: list[Column], rows: list[dict[str, Any]], fmt: str, title: str) -> bytes:
    from openpyxl import Workbook  # here: a quarter second to import, for XLSX exports only

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (title or "Export")[:31].translate(str.maketrans("[]:*?/\\", "       "))
    sheet.append([c.name for c in cols])
    for row in rows:
        sheet.append([value(row.get(c.source.name), c, fmt, spreadsheet=True) for c in cols])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
                cell.data_type = "s"
    for index, c in enumerate(cols, start=1):
        number_format = NUMBER_FORMATS.get((fmt, c.part or c.source.kind))
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, date | time):
        return v.isoformat()
    return v
