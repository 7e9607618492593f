"""What can be imported: per kind, its columns (with the headers venues write, in French and
English), how each cell is read, and the natural key that finds a record already there."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from server.core.i18n import N_, Message, _, render
from server.core.permissions import Workspace
from server.imports.reading import folded


class CellError(ValueError):
    """A cell that cannot be read; ``reason`` says why, in the reader's language."""

    def __init__(self, reason: Message) -> None:
        super().__init__(str(reason))
        self.reason = reason


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    found = str(value).strip()
    return found or None


def whole(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raw = text(value)
    if raw is None:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise CellError(_("must be a whole number"))
    return int(raw)


def amount(value: Any) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    raw = text(value)
    if raw is None:
        return None
    cleaned = raw.replace("€", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    try:
        return Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("must be an amount, e.g. 8500,00")) from None


def day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if raw is None:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(_("must be a day, e.g. 06/10/2026 or 2026-10-06"))


def clock(value: Any) -> time | None:
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    raw = text(value)
    if raw is None:
        return None
    found = re.fullmatch(r"(\d{1,2})\s*[:hH]\s*(\d{2})?(?::\d{2})?", raw)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise CellError(_("must be a time of day, e.g. 20:30 or 20h30"))


YES = {"oui", "yes", "vrai", "true", "x", "1", "o", "y"}
NO = {"non", "no", "faux", "false", "0", "n", ""}


def flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return None
    if raw.casefold() in YES:
        return True
    if raw.casefold() in NO:
        return False
    raise CellError(_("must be oui or non"))


STATUSES = {
    "option": "option",
    "confirme": "confirmed",
    "confirmee": "confirmed",
    "confirmed": "confirmed",
    "ferme": "confirmed",
}


def engagement_status(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    found = STATUSES.get(folded(raw))
    if found is None:
        raise CellError(_("must be option or confirmé"))
    return found


@dataclass(frozen=True)
class Column:
    """A field of the kind, the headers that name it, and how to read its cells."""

    name: str
    label: str  # N_: the mapping form shows it in the reader's language
    headers: tuple[str, ...]
    read: Any = text
    required: bool = False
    confidential: bool = False  # a fee: only for those who read contracts

    def matches(self, header: str) -> bool:
        key = folded(header)
        labels = (render(Message(self.label), language) for language in ("fr", "en"))
        return bool(key) and key in {folded(h) for h in (self.name, *labels, *self.headers)}


@dataclass(frozen=True)
class Kind:
    name: str
    workspace: Workspace
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # natural key, in what the columns give

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "contacts",
            Workspace.DIRECTORY,
            (
                Column(
                    "first_name",
                    N_("First name"),
                    ("prenom", "first name", "firstname"),
                    required=True,
                ),
                Column(
                    "last_name",
                    N_("Last name"),
                    ("nom", "last name", "surname", "nom de famille"),
                    required=True,
                ),
                Column("email", N_("Email"), ("email", "e-mail", "mail", "adresse email")),
                Column("phone", N_("Phone"), ("telephone", "tel", "phone", "portable", "mobile")),
                Column("notes", N_("Notes"), ("remarques", "commentaire", "comments")),
            ),
            key=("email",),  # else first and last name
        ),
        Kind(
            "shows",
            Workspace.PROGRAMMING,
            (
                Column(
                    "title", N_("Title"), ("titre", "spectacle", "show", "title"), required=True
                ),
                Column("company", N_("Company"), ("compagnie", "company", "cie", "structure")),
                Column("genre", N_("Genre"), ("discipline", "genre")),
                Column(
                    "duration_minutes",
                    N_("Duration (minutes)"),
                    ("duree", "duration", "minutes"),
                    whole,
                ),
                Column("age_guidance", N_("Age guidance"), ("age", "public", "age guidance")),
                Column("description", N_("Description"), ("resume", "description", "presentation")),
                Column("website", N_("Website"), ("site", "website", "url", "lien")),
                Column("notes", N_("Notes"), ("remarques", "commentaire")),
            ),
            key=("title",),
        ),
        Kind(
            "engagements",
            Workspace.PROGRAMMING,
            (
                Column("show", N_("Show"), ("spectacle", "show", "titre", "title"), required=True),
                Column("room", N_("Room"), ("salle", "room", "lieu"), required=True),
                Column(
                    "first_day",
                    N_("First day"),
                    ("du", "debut", "from", "first day", "date"),
                    day,
                    required=True,
                ),
                Column("last_day", N_("Last day"), ("au", "fin", "to", "last day"), day),
                Column("status", N_("Status"), ("statut", "status", "etat"), engagement_status),
                Column(
                    "fee",
                    N_("Fee (excl. VAT)"),
                    ("cachet", "fee", "montant", "cachet ht"),
                    amount,
                    confidential=True,
                ),
                Column("notes", N_("Notes"), ("remarques", "commentaire")),
            ),
            key=("show", "room", "first_day"),
        ),
        Kind(
            "performances",
            Workspace.PROGRAMMING,
            (
                Column("show", N_("Show"), ("spectacle", "show", "titre", "title"), required=True),
                Column("room", N_("Room"), ("salle", "room", "lieu")),
                Column("date", N_("Date"), ("date", "jour", "day"), day, required=True),
                Column(
                    "time",
                    N_("Time"),
                    ("heure", "horaire", "time", "debut", "start"),
                    clock,
                    required=True,
                ),
                Column("duration_minutes", N_("Duration (minutes)"), ("duree", "duration"), whole),
                Column(
                    "ticketing_ref",
                    N_("Ticketing reference"),
                    ("reference", "ref", "billetterie", "ticketing", "code"),
                ),
                Column(
                    "audio_description", N_("Audio description"), ("ad", "audiodescription"), flag
                ),
                Column(
                    "sign_language",
                    N_("French Sign Language (LSF)"),
                    ("lsf", "langue des signes", "sign language"),
                    flag,
                ),
                Column("surtitles", N_("Surtitles"), ("surtitre", "surtitles", "surtitrage"), flag),
                Column(
                    "relaxed", N_("Relaxed"), ("relax", "relaxed", "representation relax"), flag
                ),
                Column("notes", N_("Notes"), ("remarques", "commentaire")),
            ),
            key=("show", "room", "date", "time"),
        ),
    )
}


def guess_mapping(kind: Kind, headers: list[str]) -> dict[str, str]:
    """Field → the file's header that seems to name it (each header used once)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in kind.columns:
        for header in headers:
            if header and header not in taken and column.matches(header):
                mapping[column.name] = header
                taken.add(header)
                break
    return mapping
