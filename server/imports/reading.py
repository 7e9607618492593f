"""Reading a spreadsheet: CSV (whatever Excel or LibreOffice wrote) or XLSX, within limits.

A venue's file has a header line, then one record per line. Values come back as the file holds
them: text from CSV; text, numbers, dates and times from XLSX (read by the parsers in
``kinds.py``). Lines are numbered as the spreadsheet shows them: the header is line 1.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

from server.core.errors import Invalid
from server.core.i18n import _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number, cells)


def read_table(content: bytes, filename: str) -> Table:
    """The header and the non-empty lines of the file's first sheet."""
    if len(content) > MAX_BYTES:
        raise Invalid({"file": _("is larger than {size} MB", size=MAX_BYTES // (1024 * 1024))})
    if not content.strip():
        raise Invalid({"file": _("is empty")})
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        raw = _xlsx(content)
    else:
        raw = _csv(content)
    if not raw:
        raise Invalid({"file": _("has no header line")})
    headers = [str(h).strip() if h is not None else "" for h in raw[0]]
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(raw[1:], start=2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((number, list(cells) + [None] * (len(headers) - len(cells))))
        if len(rows) > MAX_ROWS:
            raise Invalid({"file": _("has more than {count} lines", count=MAX_ROWS)})
    return Table(headers, rows)


def _csv(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx(content: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # here: a quarter second to import, for XLSX files only

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise Invalid({"file": _("is not a spreadsheet Saison can read (CSV or XLSX)")}) from error
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def folded(text: str) -> str:
    """A header as compared: lower case, without accents, spaces or punctuation."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isalnum())
