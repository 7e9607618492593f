"""Search across workspaces, as a venue types it: "lac gele", "LAC GELÉ" and "gel" find "Lac Gelé".

Both sides are compared folded, lower case without accents, by PostgreSQL's ``saison_fold``
(migration 0008, ``unaccent``), so the database does the work and its trigram indexes serve it.
Every word typed must appear in one of the columns searched for a kind of record; the closest
labels come first (the whole label, then its start, then one of its words).

A reader searches only the kinds of the workspaces they may read (the same levels as the lists)
and gets back a label, a line of context a venue reads (the engagement's room and days, the
contact's organisation…) and where the web app opens the record. Fees are never searched nor
returned; contract terms are searched only for those who may read contracts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    text,
)

from server.core.errors import Invalid, PermissionDenied
from server.core.i18n import N_, Message, _, current_language, format_day, format_moment, ngettext
from server.core.permissions import Level, Principal, Workspace
from server.core.records import folded as fold
from server.core.unit_of_work import UnitOfWork
from server.directory.models import Contact, ContactRole, Organisation, Place
from server.planning.models import Activity, ActivityKindSetting
from server.programming.models import Engagement, Show
from server.technical.models import Room, TechnicalSheet, Venue

MAX_QUERY = 100
MAX_WORDS = 8
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
SEPARATOR = " · "


class SearchKind(StrEnum):
    SHOW = "show"
    ENGAGEMENT = "engagement"
    ACTIVITY = "activity"
    ORGANISATION = "organisation"
    CONTACT = "contact"
    PLACE = "place"
    VENUE = "venue"
    ROOM = "room"
    TECHNICAL_SHEET = "technical_sheet"


# Where the web app opens each kind of record: the one place that knows, so links work as the
# record pages land.
PATHS: dict[SearchKind, str] = {
    SearchKind.SHOW: "/programmation/spectacles/{id}",
    SearchKind.ENGAGEMENT: "/programmation/exploitations/{id}",
    SearchKind.ACTIVITY: "/planning/activites/{id}",
    SearchKind.ORGANISATION: "/annuaire/structures/{id}",
    SearchKind.CONTACT: "/annuaire/contacts/{id}",
    SearchKind.PLACE: "/annuaire/lieux/{id}",
    SearchKind.VENUE: "/technique/lieux/{id}",
    SearchKind.ROOM: "/technique/salles/{id}",
    SearchKind.TECHNICAL_SHEET: "/technique/fiches/{id}",
}

ORGANISATION_KINDS: dict[str, str] = {
    "company": N_("company"),
    "producer": N_("producer"),
    "agency": N_("agency"),
    "partner_venue": N_("partner venue"),
    "funder": N_("funder"),
    "other": N_("other organisation"),
}

STATUSES: dict[str, str] = {"confirmed": N_("confirmed"), "cancelled": N_("cancelled")}


def path_of(kind: SearchKind, record_id: int) -> str:
    return PATHS[kind].format(id=record_id)


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Terms:
    """What was typed, folded by the database the same way as the text it is compared with."""

    phrase: str
    words: tuple[str, ...]

    def match(self, *columns: Any) -> ColumnElement[bool]:
        """Every word appears in one of ``columns`` (anywhere: "gel" finds "Lac Gelé")."""
        return and_(
            *(
                or_(*(fold(c).like(f"%{_escape(word)}%", escape="\\") for c in columns))
                for word in self.words
            )
        )

    def rank(self, label: Any) -> ColumnElement[int]:
        """0 for the whole label, 1 for its start, 2 for the start of one of its words."""
        folded = fold(label)
        return case(
            (folded == self.phrase, 0),
            (folded.like(f"{_escape(self.phrase)}%", escape="\\"), 1),
            ((literal(" ") + folded).like(f"% {_escape(self.words[0])}%", escape="\\"), 2),
            else_=3,
        )


@dataclass(frozen=True)
class Hit:
    id: int
    label: str
    context: str
    path: str


@dataclass
class Group:
    kind: SearchKind
    items: list[Hit] = field(default_factory=list)
    more: bool = False
    """More records of this kind match than were returned: more words narrow it down."""


@dataclass(frozen=True)
class Kind:
    """How one kind of record is searched and told: its query and its line of context."""

    name: SearchKind
    workspace: Workspace
    query: Callable[[Terms, Principal], Select[Any]]
    context: Callable[[Mapping[str, Any], Principal], list[str | Message | None]]


def _t(model: Any) -> Any:
    return model.__table__


# -- the kinds ------------------------------------------------------------------------------
def _shows(terms: Terms, actor: Principal) -> Select[Any]:
    s, o = _t(Show), _t(Organisation).alias("company")
    # The company is the Directory's: named only to those who may read it.
    company = o.c.name if actor.can_read(Workspace.DIRECTORY) else literal(None)
    return (
        select(s.c.id, s.c.title.label("label"), s.c.genre, company.label("company"))
        .select_from(s.outerjoin(o, o.c.id == s.c.company_id))
        .where(terms.match(s.c.title))
        .order_by(terms.rank(s.c.title), fold(s.c.title), s.c.id)
    )


def _show_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    return [row["genre"], row["company"]]


def _engagements(terms: Terms, actor: Principal) -> Select[Any]:
    e, s, r = _t(Engagement), _t(Show), _t(Room)
    searched = [s.c.title]
    if actor.can_read_fees:  # contract terms are confidential, like the fee (never searched)
        searched += [e.c.contract_terms, e.c.authors_rights]
    return (
        select(
            e.c.id,
            s.c.title.label("label"),
            e.c.status,
            e.c.option_rank,
            e.c.first_day,
            e.c.last_day,
            r.c.name.label("room"),
        )
        .select_from(e.join(s, s.c.id == e.c.show_id).join(r, r.c.id == e.c.room_id))
        .where(terms.match(*searched))
        .order_by(
            terms.rank(s.c.title),
            func.abs(e.c.first_day - func.current_date()),
            e.c.id,
        )
    )


def _engagement_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    status: Message
    if row["status"] == "option":
        rank = row["option_rank"]
        status = _("option {rank}", rank=rank) if rank else Message(N_("option"))
    else:
        status = Message(STATUSES.get(row["status"], row["status"]))
    return [status, row["room"], _days(row["first_day"], row["last_day"])]


def _days(first: date, last: date) -> str:
    if first == last:
        return format_day(first)
    return f"{format_day(first)} – {format_day(last)}"


def _activities(terms: Terms, actor: Principal) -> Select[Any]:
    a, r, k = _t(Activity), _t(Room), _t(ActivityKindSetting)
    label = k.c.label_en if current_language() == "en" else k.c.label_fr
    return (
        select(
            a.c.id,
            a.c.title.label("label"),
            a.c.starts_at,
            label.label("kind"),
            r.c.name.label("room"),
        )
        .select_from(a.outerjoin(r, r.c.id == a.c.room_id).outerjoin(k, k.c.kind == a.c.kind))
        .where(terms.match(a.c.title))
        # The closest to today first: this week's rehearsal before last season's.
        .order_by(
            terms.rank(a.c.title),
            func.abs(func.extract("epoch", a.c.starts_at - func.now())),
            a.c.id,
        )
    )


def _activity_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    return [row["kind"], row["room"], format_moment(row["starts_at"])]


def _organisations(terms: Terms, actor: Principal) -> Select[Any]:
    o = _t(Organisation)
    return (
        select(o.c.id, o.c.name.label("label"), o.c.kind, o.c.city)
        .where(terms.match(o.c.name, o.c.city))
        .order_by(terms.rank(o.c.name), fold(o.c.name), o.c.id)
    )


def _organisation_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    kind = ORGANISATION_KINDS.get(row["kind"])
    return [Message(kind) if kind else None, row["city"]]


def _contacts(terms: Terms, actor: Principal) -> Select[Any]:
    c, cr, o = _t(Contact), _t(ContactRole), _t(Organisation)
    name = c.c.first_name + literal(" ") + c.c.last_name
    first_role = (
        select(cr.c.role + literal(", ") + o.c.name)
        .select_from(cr.join(o, o.c.id == cr.c.organisation_id))
        .where(cr.c.contact_id == c.c.id)
        .order_by(cr.c.id)
        .limit(1)
        .scalar_subquery()
    )
    emails = func.array_to_string(c.c.emails, literal(" "))
    return (
        select(
            c.c.id,
            name.label("label"),
            first_role.label("role"),
            c.c.emails[1].label("email"),
        )
        .where(terms.match(c.c.first_name, c.c.last_name, emails))
        .order_by(terms.rank(name), fold(c.c.last_name), fold(c.c.first_name), c.c.id)
    )


def _contact_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    return [row["role"] or row["email"]]


def _places(terms: Terms, actor: Principal) -> Select[Any]:
    p, v = _t(Place), _t(Venue)
    # A place linked to one of our venues shows the venue's name and city (see places.py).
    name = func.coalesce(v.c.name, p.c.name)
    city = func.coalesce(v.c.city, p.c.city)
    return (
        select(p.c.id, name.label("label"), city.label("city"))
        .select_from(p.outerjoin(v, v.c.id == p.c.venue_id))
        .where(terms.match(name, city))
        .order_by(terms.rank(name), fold(name), p.c.id)
    )


def _place_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    return [row["city"]]


def _venues(terms: Terms, actor: Principal) -> Select[Any]:
    v = _t(Venue)
    return (
        select(v.c.id, v.c.name.label("label"), v.c.address, v.c.city)
        .where(terms.match(v.c.name, v.c.city))
        .order_by(terms.rank(v.c.name), fold(v.c.name), v.c.id)
    )


def _venue_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    return [row["address"], row["city"]]


def _rooms(terms: Terms, actor: Principal) -> Select[Any]:
    r, v = _t(Room), _t(Venue)
    return (
        select(r.c.id, r.c.name.label("label"), v.c.name.label("venue"), r.c.capacity)
        .select_from(r.join(v, v.c.id == r.c.venue_id))
        .where(terms.match(r.c.name))
        .order_by(terms.rank(r.c.name), fold(v.c.name), r.c.position, r.c.id)
    )


def _room_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    seats = row["capacity"]
    return [row["venue"], _("{count} seats", count=seats) if seats is not None else None]


def _sheets(terms: Terms, actor: Principal) -> Select[Any]:
    t, r, s = _t(TechnicalSheet), _t(Room), _t(Show)
    # A rider names its show only to those who may read Programming.
    show = s.c.title if actor.can_read(Workspace.PROGRAMMING) else literal(None)
    return (
        select(
            t.c.id,
            t.c.title.label("label"),
            r.c.name.label("room"),
            t.c.show_id,
            show.label("show"),
        )
        .select_from(t.outerjoin(r, r.c.id == t.c.room_id).outerjoin(s, s.c.id == t.c.show_id))
        .where(terms.match(t.c.title))
        .order_by(terms.rank(t.c.title), fold(t.c.title), t.c.id)
    )


def _sheet_context(row: Mapping[str, Any], actor: Principal) -> list[str | Message | None]:
    if row["room"]:
        return [row["room"]]
    return [row["show"] or Message(N_("a show's rider"))]


KINDS: Sequence[Kind] = (
    Kind(SearchKind.SHOW, Workspace.PROGRAMMING, _shows, _show_context),
    Kind(SearchKind.ENGAGEMENT, Workspace.PROGRAMMING, _engagements, _engagement_context),
    Kind(SearchKind.ACTIVITY, Workspace.PLANNING, _activities, _activity_context),
    Kind(SearchKind.ORGANISATION, Workspace.DIRECTORY, _organisations, _organisation_context),
    Kind(SearchKind.CONTACT, Workspace.DIRECTORY, _contacts, _contact_context),
    Kind(SearchKind.PLACE, Workspace.DIRECTORY, _places, _place_context),
    Kind(SearchKind.VENUE, Workspace.TECHNICAL, _venues, _venue_context),
    Kind(SearchKind.ROOM, Workspace.TECHNICAL, _rooms, _room_context),
    Kind(SearchKind.TECHNICAL_SHEET, Workspace.TECHNICAL, _sheets, _sheet_context),
)
SEARCHED_AREAS = frozenset(kind.workspace for kind in KINDS)


def _line(parts: list[str | Message | None]) -> str:
    """The parts a reader sees, in their language, joined; starting with a capital."""
    words = [str(part) for part in parts if part not in (None, "")]
    line = SEPARATOR.join(words)
    return line[:1].upper() + line[1:]


class Search:
    """One search over every kind of record the reader may read."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.session = uow.session
        self.actor = uow.actor

    def kinds(self) -> list[Kind]:
        return [kind for kind in KINDS if self.actor.can(kind.workspace, Level.READ)]

    async def terms(self, typed: str) -> Terms:
        """The words typed, folded by the database (the same rules as the text searched)."""
        if not typed.strip():
            raise Invalid({"q": _("type at least one letter or digit")})
        if len(typed) > MAX_QUERY:
            raise Invalid(
                {
                    "q": ngettext(
                        "must have at most {max_length} character",
                        "must have at most {max_length} characters",
                        MAX_QUERY,
                        max_length=MAX_QUERY,
                    )
                }
            )
        folded = (
            await self.session.execute(text("SELECT saison_fold(:typed)"), {"typed": typed})
        ).scalar_one()
        words = tuple(dict.fromkeys(str(folded).split()))
        if len(words) > MAX_WORDS:
            raise Invalid({"q": _("use at most {count} words", count=MAX_WORDS)})
        return Terms(" ".join(words), words)

    async def find(self, typed: str, limit: int = DEFAULT_LIMIT) -> list[Group]:
        """The groups of records matching ``typed``, each with at most ``limit`` records, in
        a fixed order of kinds; kinds with nothing found are left out."""
        kinds = self.kinds()
        if not kinds:
            raise PermissionDenied(_("You need read access to at least one workspace to search."))
        terms = await self.terms(typed)
        groups: list[Group] = []
        for kind in kinds:
            query = kind.query(terms, self.actor).limit(limit + 1)
            rows = (await self.session.execute(query)).mappings().all()
            if not rows:
                continue
            groups.append(
                Group(
                    kind.name,
                    [
                        Hit(
                            row["id"],
                            row["label"],
                            _line(kind.context(row, self.actor)),
                            path_of(kind.name, row["id"]),
                        )
                        for row in rows[:limit]
                    ],
                    more=len(rows) > limit,
                )
            )
        return groups
