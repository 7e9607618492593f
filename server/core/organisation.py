"""The organisation running Saison: its name, logo, time zone, language and the numbers its
contracts carry (SIRET, APE, VAT, performing-arts licences, who signs).

One row, made by migration 0014 and filled at the first start from the environment
(``SAISON_VENUE_NAME``, ``SAISON_VENUE_LOGO``, ``SAISON_TIMEZONE``, ``SAISON_LANGUAGE``), which are
only that: first-start defaults. From then on administrators edit it like any record (If-Match,
the change log), and every process follows: the one that commits applies the change at once, the
others when their live hub reads the change in the log (``realtime/hub.py``), so the venue's zone
and language (``server.core.venue``) are the same everywhere without a restart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

import filetype
from defusedxml import ElementTree
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    LargeBinary,
    Text,
    func,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field

from server.core.changelog import Change
from server.core.errors import Invalid, PermissionDenied, StaleVersion
from server.core.i18n import Message, _
from server.core.permissions import SYSTEM, Level, Workspace, access_needed
from server.core.records import Record
from server.core.unit_of_work import UnitOfWork, unit_of_work
from server.core.venue import Venue, set_venue_of, venue
from server.db.engine import Database
from server.settings import Settings

ENTITY = "organisation_settings"  # in the change log ("organisation" is the directory's)
ONE = 1  # the id of the one row
MAX_LOGO_BYTES = 1024 * 1024
LOGO_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}
LANGUAGES = ("fr", "en")
# What an administrator edits, in the order of the page.
FIELDS = (
    "name",
    "address",
    "postcode",
    "city",
    "timezone",
    "language",
    "siret",
    "ape_code",
    "vat_number",
    "licence_1",
    "licence_2",
    "licence_3",
    "representative_name",
    "representative_title",
)
TEXTS = ("name", "address", "postcode", "city", "representative_name", "representative_title")
LICENCES = ("licence_1", "licence_2", "licence_3")


class OwnOrganisation(Record, table=True):
    """The one row (``id`` 1) describing the organisation that runs this Saison."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("id = 1", name="organisation_one_row"),
        CheckConstraint("language IN ('fr','en')", name="organisation_language"),
        CheckConstraint("siret IS NULL OR siret ~ '^[0-9]{14}$'", name="organisation_siret"),
    )

    name: str | None = Field(default=None, sa_type=Text)
    address: str | None = Field(default=None, sa_type=Text)
    postcode: str | None = Field(default=None, sa_type=Text)
    city: str | None = Field(default=None, sa_type=Text)
    timezone: str = Field(
        default="Europe/Paris",
        sa_column=Column(Text, nullable=False, server_default="Europe/Paris"),
    )
    language: str = Field(default="fr", sa_column=Column(Text, nullable=False, server_default="fr"))
    siret: str | None = Field(default=None, sa_type=Text)
    ape_code: str | None = Field(default=None, sa_type=Text)
    vat_number: str | None = Field(default=None, sa_type=Text)
    licence_1: str | None = Field(default=None, sa_type=Text)
    licence_2: str | None = Field(default=None, sa_type=Text)
    licence_3: str | None = Field(default=None, sa_type=Text)
    representative_name: str | None = Field(default=None, sa_type=Text)
    representative_title: str | None = Field(default=None, sa_type=Text)
    logo: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    logo_type: str | None = Field(default=None, sa_type=Text)
    logo_sha256: str | None = Field(default=None, sa_type=Text)
    # False until the first start has copied the environment's values in.
    initialised: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )


def _table() -> Any:
    return OwnOrganisation.__table__  # type: ignore[attr-defined]


# -- the rules of each number ---------------------------------------------------------------------
def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_problem(value: str) -> Message | None:
    """A SIRET is 14 digits passing the Luhn check (La Poste's establishments excepted: their
    digits add up to a multiple of 5)."""
    if len(value) != 14 or not value.isdigit():
        return _("a SIRET is 14 digits")
    if value.startswith("356000000") and value != "35600000000048":
        if sum(int(c) for c in value) % 5 == 0:
            return None
    if not luhn(value):
        return _("this SIRET fails its check digit: check for a mistyped digit")
    return None


def _compact(value: str) -> str:
    return "".join(value.split()).replace(".", "").upper()


def _normalise(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Message]]:
    """The values as stored (numbers without spaces, codes in capitals) and what is wrong."""
    out: dict[str, Any] = {}
    problems: dict[str, Message] = {}
    for key, raw in values.items():
        value = raw.strip() if isinstance(raw, str) else raw
        if key in ("timezone", "language") and not value:
            problems[key] = _("required")
            continue
        if value == "" or value is None:
            out[key] = None
            continue
        if (key == "name" and len(value) > 200) or (key in TEXTS and len(value) > 2000):
            problems[key] = _("too long")
        elif key == "timezone":
            if value not in _zones():
                problems[key] = _("{zone} is not a known time zone (Europe/Paris…)", zone=value)
        elif key == "language" and value not in LANGUAGES:
            problems[key] = _("French (fr) or English (en)")
        elif key == "siret":
            value = "".join(value.split())
            if problem := siret_problem(value):
                problems[key] = problem
        elif key == "ape_code":
            code = _compact(value)
            if not (len(code) == 5 and code[:4].isdigit() and code[4].isalpha()):
                problems[key] = _("an APE code is four digits and a letter (90.04Z)")
            value = f"{code[:2]}.{code[2:]}"
        elif key == "vat_number":
            value = _compact(value)
            if not (4 <= len(value) <= 15 and value[:2].isalpha() and value[2:].isalnum()):
                problems[key] = _("a VAT number is a country code and 2 to 13 characters")
            elif value.startswith("FR") and not (len(value) == 13 and value[4:].isdigit()):
                problems[key] = _("a French VAT number is FR, 2 characters and the 9-digit SIREN")
        elif key in LICENCES:
            value = licence(value)
            if value is None:
                problems[key] = _(
                    "a licence number reads PLATESV-R-2021-000123 (or L-R-21-123 before 2020)"
                )
        out[key] = value
    return out, problems


def licence(value: str) -> str | None:
    """A performing-arts licence number in its usual form, or None if it is none."""
    parts = [p for p in _compact(value).replace("_", "-").split("-") if p]
    if len(parts) == 4 and parts[0] == "PLATESV" and parts[1] in ("R", "D"):
        year, number = parts[2], parts[3]
        if len(year) == 4 and year.isdigit() and number.isdigit() and len(number) <= 6:
            return f"PLATESV-{parts[1]}-{year}-{number.zfill(6)}"
    if len(parts) == 4 and parts[0] == "L" and parts[1] in ("R", "D"):
        if len(parts[2]) == 2 and parts[2].isdigit() and parts[3].isdigit() and len(parts[3]) <= 6:
            return "-".join(parts)
    if len(parts) == 2 and parts[0] in ("1", "2", "3") and parts[1].isdigit():  # before 2019
        if 4 <= len(parts[1]) <= 7:
            return "-".join(parts)
    return None


_known_zones: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _known_zones
    if _known_zones is None:
        _known_zones = frozenset(available_timezones())
    return _known_zones


def logo_problem(content_type: str, data: bytes) -> Message | None:
    """A logo is a PNG, a JPEG or an SVG drawing, of at most ``MAX_LOGO_BYTES``."""
    if not data:
        return _("the file is empty")
    if len(data) > MAX_LOGO_BYTES:
        return _(
            "the logo is {size} bytes; the limit is {limit} bytes",
            size=len(data),
            limit=MAX_LOGO_BYTES,
        )
    if content_type not in LOGO_TYPES:
        return _("send a PNG, JPEG or SVG image")
    if content_type == "image/svg+xml":
        try:
            root = ElementTree.fromstring(data)
        except Exception:  # defusedxml refuses entities; anything unreadable is no drawing
            return _("the content does not look like {type}", type=content_type)
        if not root.tag.endswith("svg") or b"<script" in data.lower():
            return _("the content does not look like {type}", type=content_type)
        return None
    if filetype.guess_mime(data) != content_type:
        return _("the content does not look like {type}", type=content_type)
    return None


SUFFIXES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


def logo_type_of(path: Path) -> str | None:
    return SUFFIXES.get(path.suffix.lower())


# -- reading and writing -------------------------------------------------------------------------
SHOWN = ("id", "version", "created_at", "updated_at", *FIELDS, "logo_type", "logo_sha256")


async def read_row(session: AsyncSession, *, lock: bool = False) -> dict[str, Any]:
    t = _table()
    query = select(*(t.c[c] for c in SHOWN)).where(t.c.id == ONE)
    row = (await session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:  # a database emptied by hand: the migration's row again
        await session.execute(t.insert().values(id=ONE))
        return await read_row(session, lock=lock)
    return dict(row)


async def read_logo(session: AsyncSession) -> tuple[str, bytes, str] | None:
    """The logo's type, bytes and hash, or None."""
    t = _table()
    row = (
        await session.execute(select(t.c.logo_type, t.c.logo, t.c.logo_sha256).where(t.c.id == ONE))
    ).first()
    if row is None or row[1] is None:
        return None
    return str(row[0]), bytes(row[1]), str(row[2])


def apply(row: dict[str, Any]) -> None:
    """Make this process work in the row's zone and language."""
    current = venue()
    if (current.timezone, current.language) != (row["timezone"], row["language"]):
        set_venue_of(Venue(row["timezone"], row["language"], current.public_url))


async def follow(db: Database) -> dict[str, Any]:
    """Read the row and apply it (the hub, when the log shows another process changed it)."""
    async with db.sessions() as session:
        row = await read_row(session)
        await session.commit()
    apply(row)
    await db.use_timezone(row["timezone"])
    return row


LAST_CHANGE = text("SELECT max(seq) FROM change_log WHERE entity = :entity")


class Follower:
    """Follows the organisation from a process without a live hub (``saison worker``): when the
    log shows a new change of it, the zone and language are taken again (connectors' files,
    webhook times and the database's own offsets then use the new ones)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.seen: int | None = None  # no change of it in the log yet
        self.started = False

    async def check(self) -> bool:
        async with self.db.sessions() as session:
            last = (await session.execute(LAST_CHANGE, {"entity": ENTITY})).scalar()
        if self.started and last == self.seen:
            return False
        first, self.started, self.seen = not self.started, True, last
        if first:
            return False  # the start applied the row already (``prepare``)
        await follow(self.db)
        return True


class OrganisationSettings:
    """Reads for every signed-in person, changes for those who manage the administration."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def require_manage(self) -> None:
        if not self.uow.actor.can(Workspace.ADMINISTRATION, Level.MANAGE):
            raise PermissionDenied(access_needed(Level.MANAGE, Workspace.ADMINISTRATION))

    async def read(self) -> dict[str, Any]:
        return await read_row(self.uow.session)

    async def _locked(self, expected_version: int | None) -> dict[str, Any]:
        row = await read_row(self.uow.session, lock=True)
        if expected_version is not None and row["version"] != expected_version:
            raise StaleVersion(
                _(
                    "Someone changed the organisation meanwhile (version {current}, you read "
                    "{expected}).",
                    current=row["version"],
                    expected=expected_version,
                ),
                current_version=row["version"],
            )
        return row

    async def update(
        self, changes: dict[str, Any], expected_version: int | None, *, commit: bool = True
    ) -> dict[str, Any]:
        """Change some fields; each wrong one is named (``Invalid``), nothing is half-saved.
        ``commit=False``: within the caller's transaction (the demo season is one)."""
        self.require_manage()
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise Invalid({key: _("unknown field") for key in sorted(unknown)})
        values, problems = _normalise(changes)
        if problems:
            raise Invalid(problems)
        row = await self._locked(expected_version)
        diff = {key: value for key, value in values.items() if row[key] != value}
        if not diff:
            return row
        return await self._write(row, diff, f"{ENTITY}.updated", commit=commit)

    async def set_logo(
        self, content_type: str, data: bytes | None, expected_version: int | None
    ) -> dict[str, Any]:
        """Put a new logo (``data``), or remove it (None)."""
        self.require_manage()
        content_type = content_type.split(";")[0].strip().lower()
        if data is not None and (problem := logo_problem(content_type, data)):
            raise Invalid({"file": problem})
        row = await self._locked(expected_version)
        digest = hashlib.sha256(data).hexdigest() if data is not None else None
        if digest == row["logo_sha256"]:
            return row
        values = {
            "logo": data,
            "logo_type": content_type if data is not None else None,
            "logo_sha256": digest,
        }
        return await self._write(row, values, f"{ENTITY}.logo_changed")

    async def _write(
        self, row: dict[str, Any], diff: dict[str, Any], action: str, *, commit: bool = True
    ) -> dict[str, Any]:
        t = _table()
        await self.uow.session.execute(
            update(t)
            .where(t.c.id == ONE)
            .values(**diff, version=t.c.version + 1, updated_at=func.now())
        )
        logged = {k: v for k, v in diff.items() if k != "logo"}  # the hash stands for the file
        self.uow.record(
            Change(
                workspace=Workspace.ADMINISTRATION.value,
                entity=ENTITY,
                entity_id=ONE,
                action=action,
                before={k: row[k] for k in logged},
                after={**logged, "version": row["version"] + 1},
            )
        )
        new = await read_row(self.uow.session)
        if commit:
            await self.uow.commit()
            apply(new)  # this process at once; the others from the log
        return new


async def prepare(db: Database, settings: Settings) -> dict[str, Any]:
    """At a start: fill the row from the environment once (the first start of an installation,
    or of one upgraded from environment-only settings), then work in its zone and language."""
    async with unit_of_work(db, SYSTEM, listeners=[]) as uow:
        row = await read_row(uow.session, lock=True)
        initialised = (
            await uow.session.execute(select(_table().c.initialised).where(_table().c.id == ONE))
        ).scalar_one()
        if not initialised:
            values: dict[str, Any] = {
                "timezone": settings.timezone,
                "language": settings.language,
                "name": settings.venue_name,
            }
            logo = settings.venue_logo
            kind = logo_type_of(logo) if logo is not None and logo.is_file() else None
            if logo is not None and kind is not None:
                data = logo.read_bytes()
                if logo_problem(kind, data) is None:
                    values |= {
                        "logo": data,
                        "logo_type": kind,
                        "logo_sha256": hashlib.sha256(data).hexdigest(),
                    }
            t = _table()
            await uow.session.execute(
                update(t).where(t.c.id == ONE).values(**values, initialised=True)
            )
            logged = {k: v for k, v in values.items() if k != "logo"}
            uow.record(
                Change(
                    workspace=Workspace.ADMINISTRATION.value,
                    entity=ENTITY,
                    entity_id=ONE,
                    action=f"{ENTITY}.initialised",
                    before=None,
                    after=logged,
                )
            )
            row = await read_row(uow.session)
            await uow.commit()
        else:
            await uow.rollback()
    apply(row)
    await db.use_timezone(row["timezone"])
    return row
