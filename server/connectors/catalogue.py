"""What a connector may export: per kind of record, the documented fields and how to read them.

Each field names the workspace a reader needs beyond the record's own (a company's name comes
from the Directory, a fee needs Contracts read): the output of a connector keeps only the
fields its owner — and whoever downloads it — may read, the rule the API applies (fees hidden
without Contracts, see ``server.core.permissions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, Select, false, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from server.core.i18n import N_
from server.core.permissions import Principal, Workspace
from server.core.venue import venue
from server.directory.models import Contact, Organisation
from server.planning.models import Activity
from server.programming.models import Engagement, Show
from server.technical.models import Room, Venue

# Kinds of values: how the date format and the file format write them.
TEXT, NUMBER, DECIMAL, BOOLEAN = "text", "number", "decimal", "boolean"
DAY, INSTANT = "day", "instant"


@dataclass(frozen=True)
class Source:
    """One field a connector may map to a column."""

    name: str
    label: str  # what it is (N_: shown in the reader's language)
    kind: str = TEXT
    needs: Workspace | None = None  # a workspace to read besides the entity's own


@dataclass(frozen=True)
class Entity:
    name: str
    workspace: Workspace
    sources: tuple[Source, ...]
    # filters it understands: period (days or instants), rooms/venues, confirmed only
    period: bool = True
    rooms: bool = True
    confirmed: bool = True

    def source(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


DIRECTORY, CONTRACTS = Workspace.DIRECTORY, Workspace.CONTRACTS
_PLACE = (
    Source("room", N_("Room")),
    Source("room_id", N_("Room id"), NUMBER),
    Source("venue", N_("Venue")),
)
ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        Entity(
            "performances",
            Workspace.PROGRAMMING,
            (
                Source("id", N_("Id"), NUMBER),
                Source("show", N_("Show")),
                Source("show_id", N_("Show id"), NUMBER),
                Source("engagement_id", N_("Engagement id"), NUMBER),
                *_PLACE,
                Source("starts_at", N_("Start"), INSTANT),
                Source("ends_at", N_("End"), INSTANT),
                Source("status", N_("Status")),
                Source("ticketing_ref", N_("Ticketing reference")),
                Source("audio_description", N_("Audio description"), BOOLEAN),
                Source("sign_language", N_("French Sign Language (LSF)"), BOOLEAN),
                Source("surtitles", N_("Surtitles"), BOOLEAN),
                Source("relaxed", N_("Relaxed performance"), BOOLEAN),
                Source("genre", N_("Genre")),
                Source("duration_minutes", N_("Duration (minutes)"), NUMBER),
                Source("company", N_("Company"), needs=DIRECTORY),
                Source("fee", N_("Engagement fee (excl. VAT)"), DECIMAL, needs=CONTRACTS),
                Source("notes", N_("Notes")),
                Source("updated_at", N_("Changed at"), INSTANT),
            ),
        ),
        Entity(
            "engagements",
            Workspace.PROGRAMMING,
            (
                Source("id", N_("Id"), NUMBER),
                Source("show", N_("Show")),
                Source("show_id", N_("Show id"), NUMBER),
                *_PLACE,
                Source("first_day", N_("First day"), DAY),
                Source("last_day", N_("Last day"), DAY),
                Source("status", N_("Status")),
                Source("option_rank", N_("Option rank"), NUMBER),
                Source("company", N_("Company"), needs=DIRECTORY),
                Source("fee", N_("Fee (excl. VAT)"), DECIMAL, needs=CONTRACTS),
                Source("vat_rate", N_("VAT rate"), DECIMAL, needs=CONTRACTS),
                Source("contract_status", N_("Contract status"), needs=CONTRACTS),
                Source("notes", N_("Notes")),
                Source("updated_at", N_("Changed at"), INSTANT),
            ),
        ),
        Entity(
            "activities",
            Workspace.PLANNING,
            (
                Source("id", N_("Id"), NUMBER),
                Source("kind", N_("Kind")),
                Source("title", N_("Title")),
                *_PLACE,
                Source("starts_at", N_("Start"), INSTANT),
                Source("ends_at", N_("End"), INSTANT),
                Source("status", N_("Status")),
                Source("show", N_("Show")),
                Source("team_id", N_("Team id"), NUMBER),
                Source("notes", N_("Notes")),
                Source("updated_at", N_("Changed at"), INSTANT),
            ),
        ),
        Entity(
            "shows",
            Workspace.PROGRAMMING,
            (
                Source("id", N_("Id"), NUMBER),
                Source("title", N_("Title")),
                Source("genre", N_("Genre")),
                Source("duration_minutes", N_("Duration (minutes)"), NUMBER),
                Source("age_guidance", N_("Age guidance")),
                Source("company", N_("Company"), needs=DIRECTORY),
                Source("website", N_("Website")),
                Source("description", N_("Description")),
                Source("updated_at", N_("Changed at"), INSTANT),
            ),
            period=False,
            rooms=False,
            confirmed=False,
        ),
        Entity(
            "contacts",
            Workspace.DIRECTORY,
            (
                Source("id", N_("Id"), NUMBER),
                Source("first_name", N_("First name")),
                Source("last_name", N_("Last name")),
                Source("email", N_("Email (the first)")),
                Source("emails", N_("Emails")),
                Source("phone", N_("Phone (the first)")),
                Source("phones", N_("Phones")),
                Source("notes", N_("Notes")),
                Source("updated_at", N_("Changed at"), INSTANT),
            ),
            period=False,
            rooms=False,
            confirmed=False,
        ),
    )
}


def readable(entity: Entity, source: Source, *readers: Principal) -> bool:
    """Whether every one of ``readers`` may read this field (the owner, and who downloads)."""
    for reader in readers:
        if not reader.can_read(entity.workspace):
            return False
        if source.needs is not None and not reader.can_read(source.needs):
            return False
    return True


def _t(model: Any) -> Any:
    return model.__table__


def query(entity: Entity, filters: dict[str, Any]) -> Select[Any]:
    """Every field of ``entity`` as labelled columns, with the connector's filters applied."""
    if entity.name == "contacts":
        c = _t(Contact)
        return select(
            c.c.id,
            c.c.first_name,
            c.c.last_name,
            c.c.emails[1].label("email"),
            func.array_to_string(c.c.emails, ", ").label("emails"),
            c.c.phones[1].label("phone"),
            func.array_to_string(c.c.phones, ", ").label("phones"),
            c.c.notes,
            c.c.updated_at,
        ).order_by(c.c.last_name, c.c.first_name, c.c.id)
    s, o = _t(Show), _t(Organisation)
    if entity.name == "shows":
        return (
            select(
                s.c.id,
                s.c.title,
                s.c.genre,
                s.c.duration_minutes,
                s.c.age_guidance,
                o.c.name.label("company"),
                s.c.website,
                s.c.description,
                s.c.updated_at,
            )
            .select_from(s.outerjoin(o, o.c.id == s.c.company_id))
            .order_by(s.c.title, s.c.id)
        )
    r, v, e = _t(Room), _t(Venue), _t(Engagement)
    if entity.name == "engagements":
        q = (
            select(
                e.c.id,
                s.c.title.label("show"),
                e.c.show_id,
                r.c.name.label("room"),
                e.c.room_id,
                v.c.name.label("venue"),
                e.c.first_day,
                e.c.last_day,
                e.c.status,
                e.c.option_rank,
                o.c.name.label("company"),
                e.c.fee,
                e.c.vat_rate,
                e.c.contract_status,
                e.c.notes,
                e.c.updated_at,
            )
            .select_from(
                e.join(s, s.c.id == e.c.show_id)
                .join(r, r.c.id == e.c.room_id)
                .join(v, v.c.id == r.c.venue_id)
                .outerjoin(o, o.c.id == s.c.company_id)
            )
            .order_by(e.c.first_day, r.c.name, e.c.id)
        )
        return q.where(*_conditions(entity, filters, e.c.first_day, e.c.last_day, e.c.room_id, v))
    a = _t(Activity)
    common = [
        a.c.id,
        r.c.name.label("room"),
        a.c.room_id,
        v.c.name.label("venue"),
        a.c.starts_at,
        a.c.ends_at,
        a.c.status,
        a.c.notes,
        a.c.updated_at,
    ]
    joined = (
        a.outerjoin(r, r.c.id == a.c.room_id)
        .outerjoin(v, v.c.id == r.c.venue_id)
        .outerjoin(s, s.c.id == a.c.show_id)
    )
    if entity.name == "performances":
        q = select(
            *common,
            s.c.title.label("show"),
            a.c.show_id,
            a.c.engagement_id,
            a.c.ticketing_ref,
            a.c.audio_description,
            a.c.sign_language,
            a.c.surtitles,
            a.c.relaxed,
            s.c.genre,
            s.c.duration_minutes,
            o.c.name.label("company"),
            e.c.fee,
        ).select_from(
            joined.outerjoin(o, o.c.id == s.c.company_id).outerjoin(e, e.c.id == a.c.engagement_id)
        )
        q = q.where(a.c.kind == "performance")
    else:
        q = select(*common, a.c.kind, a.c.title, s.c.title.label("show"), a.c.team_id)
        q = q.select_from(joined)
    q = q.where(*_conditions(entity, filters, a.c.starts_at, a.c.ends_at, a.c.room_id, v))
    return q.order_by(a.c.starts_at, a.c.room_id, a.c.id)


def _conditions(
    entity: Entity, filters: dict[str, Any], start: Any, end: Any, room: Any, venues: Any
) -> list[ColumnElement[bool]]:
    """The period (whole days in the venue's zone), rooms or venues, confirmed only."""
    found: list[ColumnElement[bool]] = []
    first = _day(filters.get("start"))
    last = _day(filters.get("end"))
    if isinstance(start.type, Date):  # days
        if first is not None:
            found.append(end >= first)
        if last is not None:
            found.append(start <= last)
    else:  # instants: from the first day's midnight to the end of the last day
        tz = venue().tz
        if first is not None:
            found.append(end > datetime.combine(first, time(), tz))
        if last is not None:
            found.append(start < datetime.combine(last + timedelta(days=1), time(), tz))
    rooms = [int(x) for x in filters.get("room_ids") or []]
    venue_ids = [int(x) for x in filters.get("venue_ids") or []]
    if rooms or venue_ids:
        found.append(
            or_(
                room.in_(rooms) if rooms else false(),
                venues.c.id.in_(venue_ids) if venue_ids else false(),
            )
        )
    if filters.get("confirmed_only"):
        found.append(start.table.c.status == "confirmed")
    return found


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))
