"""The shared life of a record: read, list, create, update, delete, each change logged once.

Workspaces describe their records declaratively (table, references, filters, confidential
fields) and add their own rules in ``check``; the mechanics (versions, history, visibility of
confidential fields, error translation) live here once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any, ClassVar

from asyncpg import exceptions as pg
from sqlalchemy import (
    Date,
    DateTime,
    Select,
    String,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import SQLModel

from server.core.changelog import Change
from server.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleVersion
from server.core.i18n import N_, Message, _
from server.core.permissions import Level, Workspace, access_needed
from server.core.records import confidential_columns, folded
from server.core.refusals import constraint_of, is_refusal, postgres_error
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue

# Tables that may still refer to a record being deleted, as people name their rows.
TABLE_NAMES: dict[str, str] = {
    "activities": N_("activities"),
    "engagements": N_("engagements"),
    "shows": N_("shows"),
    "rooms": N_("rooms"),
    "room_configurations": N_("room configurations"),
    "room_links": N_("room links"),
    "technical_sheets": N_("technical sheets"),
    "attachments": N_("attachments"),
    "places": N_("places"),
    "contact_roles": N_("contact roles"),
    "activity_templates": N_("activity templates"),
    "permissions": N_("permissions"),
    "calendar_objects": N_("calendar events"),
}
# Rules the database checks that a form would name as one field's mistake.
CHECKS: dict[str, tuple[str, Message]] = {
    "activity_period": ("ends_at", Message(N_("must be after starts_at"))),
    "engagement_period": ("last_day", Message(N_("must be on or after first_day"))),
    "engagement_fee": ("fee", Message(N_("must be at least {ge}"), ge=0)),
    "show_duration": ("duration_minutes", Message(N_("must be greater than {gt}"), gt=0)),
    "room_capacity": ("capacity", Message(N_("must be at least {ge}"), ge=0)),
}
MAX_PAGE = 10_000
DEFAULT_PAGE = 100
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})


@dataclass(frozen=True)
class Filter:
    """A list filter: query parameter → column, compared for equality (or membership)."""

    column: str
    type: type = int
    confidential: bool = False
    description: str = ""


@dataclass
class ListQuery:
    filters: dict[str, Any] = field(default_factory=dict)
    text: str | None = None
    start: datetime | date | None = None
    end: datetime | date | None = None
    updated_since: datetime | None = None
    limit: int = DEFAULT_PAGE
    offset: int = 0


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
        }


class EntityService:
    """CRUD with history for one table; subclass per domain concept."""

    model: ClassVar[type[SQLModel]]
    entity: ClassVar[str]
    label: ClassVar[str]
    workspace: ClassVar[Workspace]
    # field -> what people call the record it names: names the field when the database
    # refuses a reference to a record that does not exist (a clear 422, no extra query).
    references: ClassVar[Mapping[str, str]] = {}
    filters: ClassVar[Mapping[str, Filter]] = {}
    search_columns: ClassVar[Sequence[str]] = ()
    period: ClassVar[tuple[str, str] | None] = None
    order_by: ClassVar[Sequence[str]] = ("id",)
    # Fields only readable/writable with the CONTRACTS level (fees, contract terms): the
    # model's columns marked CONFIDENTIAL (server/core/records.py), set in __init_subclass__.
    confidential: ClassVar[frozenset[str]] = frozenset()
    # Fields that never leave the server (password hashes).
    secret: ClassVar[frozenset[str]] = frozenset()
    # What a change-log row also points at, e.g. {"engagement_id": "engagement"}.
    log_refs: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            cls.confidential = confidential_columns(cls.model)

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.session = uow.session
        self.actor = uow.actor
        # Added to the refs of every change this service logs (how a change was made, e.g.
        # a calendar app moving an event, for the app's next request to recognise).
        self.log_note: dict[str, Any] = {}

    @property
    def noun(self) -> Message:
        """What people call this kind of record, in their language ("exploitation")."""
        return Message(self.label)

    def not_found(self, record_id: Any) -> Message:
        return _("{record:capital} {id} does not exist.", record=self.noun, id=record_id)

    @staticmethod
    def missing(label: str, record_id: Any) -> Message:
        """What a field naming a record that does not exist is told ("salle 12 introuvable")."""
        return _("{record:capital} {id} does not exist", record=Message(label), id=record_id)

    # -- permissions ------------------------------------------------------------------------
    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[attr-defined,no-any-return]

    def require(self, level: Level) -> None:
        if not self.actor.can(self.workspace, level):
            raise PermissionDenied(access_needed(level, self.workspace))

    def visible_many(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``visible`` for a whole page, with the per-row work kept to what differs."""
        tz = venue().tz
        # Rows shaped by a service (a performance, a move preview) may lack some columns.
        times = [name for name in _time_columns(self.table) if rows and name in rows[0]]
        hidden = self.secret | (self.confidential if not self.actor.can_read_fees else frozenset())
        for row in rows:
            for name in times:
                value = row.get(name)
                if value is not None:
                    row[name] = value.astimezone(tz)
            for name in hidden:
                row.pop(name, None)
        return rows

    def visible(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The record as this actor may see it: confidential fields only for those allowed.

        Times are given in the venue's time zone (20:30+01:00 rather than 19:30Z).
        """
        return self.visible_many([dict(row)])[0]

    # -- reads ------------------------------------------------------------------------------
    def base_query(self) -> Select[Any]:
        return select(self.table)

    async def get(self, record_id: int, *, for_update: bool = False) -> dict[str, Any]:
        query = select(self.table).where(self.table.c.id == record_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            raise NotFound(self.not_found(record_id))
        return dict(row)

    async def read(self, record_id: int) -> dict[str, Any]:
        self.require(Level.READ)
        query = self.base_query().where(self.table.c.id == record_id)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            raise NotFound(self.not_found(record_id))
        return self.visible(row)

    def apply_filters(self, query: Select[Any], q: ListQuery) -> Select[Any]:
        c = self.table.c
        for name, value in q.filters.items():
            if value is None:
                continue
            spec = self.filters[name]
            if spec.confidential and not self.actor.can_read_fees:
                raise PermissionDenied(
                    _("Filtering on {field} needs read access to contracts.", field=name)
                )
            column = c[spec.column]
            query = query.where(column.in_(value) if isinstance(value, list) else column == value)
        if q.updated_since is not None:
            # Every record keeps when it was last written (``updated_at``, set on creation and
            # on each update in the same statement that bumps its version).
            query = query.where(c.updated_at >= q.updated_since)
        if q.text and self.search_columns:
            pattern = f"%{_escape_like(q.text)}%"
            query = query.where(
                or_(*(c[name].ilike(pattern, escape="\\") for name in self.search_columns))
            )
        if self.period and (q.start is not None or q.end is not None):
            start_col, end_col = (c[name] for name in self.period)
            # Overlap with [start, end): what a calendar or a timeline means by "in this range".
            if isinstance(start_col.type, Date):
                # Whole days in the venue's time zone: the last day lasts until midnight.
                if q.end is not None:
                    query = query.where(start_col <= _local_day(q.end, before=True))
                if q.start is not None:
                    query = query.where(end_col >= _local_day(q.start))
                return query
            if q.end is not None:
                query = query.where(start_col < q.end)
            if q.start is not None:
                query = query.where(end_col > q.start)
        return query

    def ordering(self, query: Select[Any]) -> list[Any]:
        """``order_by`` as people read a list: names sorted without regard to accents or case
        ("Compagnie du Hérisson" before "Compagnie Sémaphore"), then as written, so the order
        is stable. A column the query shows otherwise (a place's name read from its venue) sorts
        as shown."""
        shown = query.selected_columns
        terms: list[Any] = []
        for name in self.order_by:
            column = shown[name] if name in shown else self.table.c[name]
            if isinstance(self.table.c[name].type, String):
                terms.append(folded(column))
            terms.append(column)
        return terms

    async def list(self, q: ListQuery) -> Page:
        self.require(Level.READ)
        query = self.apply_filters(self.base_query(), q)
        count_query = self.apply_filters(select(func.count()).select_from(self.table), q)
        total = (await self.session.execute(count_query)).scalar_one()
        query = query.order_by(*self.ordering(query))
        query = query.limit(q.limit).offset(q.offset)
        result = await self.session.execute(query)
        keys = list(result.keys())
        # Plain tuples and one pass: this is the hot path of every list (a season is 10,000).
        rows = [dict(zip(keys, row, strict=True)) for row in result.all()]
        return Page(self.visible_many(rows), total, q.limit, q.offset)

    async def present(self, row: dict[str, Any]) -> dict[str, Any]:
        """The record as returned after a write (services with computed fields re-read it)."""
        return self.visible(row)

    # -- writes -----------------------------------------------------------------------------
    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        """Domain rules on the merged record; raise ``Invalid`` naming the fields."""

    def guard_confidential(self, data: Mapping[str, Any]) -> None:
        touched = self.confidential.intersection(data)
        if touched and not self.actor.can_write_fees:
            raise PermissionDenied(
                _(
                    "Changing {fields} needs write access to contracts.",
                    fields=", ".join(sorted(touched)),
                )
            )

    async def abort(self) -> None:
        """After a refused statement the transaction is void: nothing of it will be written.

        Writes take no savepoint (each costs two round trips); a refusal ends the whole
        operation, and the explanation is then read in a fresh transaction.
        """
        await self.uow.rollback()

    def refs_of(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        refs = {key: row.get(key) for key in self.log_refs if row.get(key) is not None}
        refs.update(self.log_note)
        return refs or None

    def log(
        self,
        action: str,
        record_id: int | None,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        refs: dict[str, Any] | None = None,
    ) -> None:
        self.uow.record(
            Change(
                workspace=self.workspace.value,
                entity=self.entity,
                entity_id=record_id,
                action=f"{self.entity}.{action}",
                before=before,
                after=after,
                refs=refs or None,
            )
        )

    async def insert_row(
        self, data: dict[str, Any], action: str = "created", refs: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Insert without committing, logging the creation; for services composing writes."""
        data = plain(data)
        unknown = set(data) - set(self.table.columns.keys())
        if unknown:  # as parameters, a key that names no column would be dropped silently
            raise TypeError(f"{self.entity}: no column {', '.join(sorted(unknown))}")
        await self.check(data, None)
        try:
            # The values as parameters of one cached statement, not built into a new one:
            # a row costs a third less of the server's time (the demo writes thousands).
            result = await self.session.execute(insert(self.table).returning(self.table), data)
        except DBAPIError as error:
            if not is_refusal(error):
                raise
            await self.abort()
            raise await self.explain(error, data, None) from error
        row = dict(result.mappings().one())
        self.log(
            action,
            row["id"],
            None,
            _loggable(row),
            {**(self.refs_of(row) or {}), **(refs or {})} or None,
        )
        return row

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require(Level.WRITE)
        self.guard_confidential({k: v for k, v in data.items() if v is not None})
        row = await self.insert_row(data)
        await self.uow.commit()
        return await self.present(row)

    def check_version(self, current: Mapping[str, Any], expected: int | None) -> None:
        """Refuse to act on a record someone changed since the client read it."""
        if expected is not None and current["version"] != expected:
            raise StaleVersion(
                _(
                    "Someone else changed this record meanwhile ({record} {id}, version "
                    "{current}, yours {yours}): reload it, then make your change again.",
                    record=self.noun,
                    id=current["id"],
                    current=current["version"],
                    yours=expected,
                ),
                current_version=current["version"],
            )

    async def update_row(
        self,
        record_id: int,
        changes: dict[str, Any],
        expected_version: int | None,
        action: str = "updated",
    ) -> dict[str, Any]:
        current = await self.get(record_id, for_update=True)
        self.check_version(current, expected_version)
        changes = plain({k: v for k, v in changes.items() if k not in BOOKKEEPING})
        merged = {**current, **changes}
        await self.check(merged, current)  # may complete the record (ranks, derived fields)
        diff = {k: v for k, v in merged.items() if k not in BOOKKEEPING and current.get(k) != v}
        if not diff:
            return current
        statement = (
            update(self.table)
            .where(self.table.c.id == record_id)
            .values(**diff, version=self.table.c.version + 1, updated_at=func.now())
            .returning(self.table)
        )
        try:
            result = await self.session.execute(statement)
        except DBAPIError as error:
            if not is_refusal(error):
                raise
            await self.abort()
            raise await self.explain(error, merged, current) from error
        row = dict(result.mappings().one())
        self.log(
            action,
            record_id,
            {k: current.get(k) for k in diff},
            {k: row.get(k) for k in diff},
            self.refs_of(row),
        )
        return row

    def require_to_change(self, changes: Mapping[str, Any]) -> None:
        """Write access to the workspace, except for a change of confidential fields alone.

        Fees and contract terms belong to the contracts level: someone who writes contracts
        and reads the workspace (the Administration team) may change them, and only them.
        """
        touched = set(changes) - {"version"}
        if touched and touched <= self.confidential:
            self.require(Level.READ)
        else:
            self.require(Level.WRITE)
        self.guard_confidential(changes)

    async def update(
        self, record_id: int, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.require_to_change(changes)
        row = await self.update_row(record_id, changes, expected_version)
        await self.uow.commit()
        return await self.present(row)

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        current = await self.get(record_id, for_update=True)
        self.check_version(current, expected_version)
        try:
            await self.session.execute(delete(self.table).where(self.table.c.id == record_id))
        except IntegrityError as error:
            await self.abort()
            raise self.translate(error, current, deleting=True) from error
        self.log("deleted", record_id, _loggable(current), None, self.refs_of(current))
        return current

    async def delete(self, record_id: int, expected_version: int | None) -> None:
        self.require(Level.WRITE)
        await self.delete_row(record_id, expected_version)
        await self.uow.commit()

    async def explain(
        self, error: DBAPIError, values: dict[str, Any], current: dict[str, Any] | None
    ) -> Exception:
        """Services whose refusals need a look at the database (who holds the room?) override."""
        return self.translate(error, values)

    def translate(
        self, error: DBAPIError, values: Mapping[str, Any] | None = None, deleting: bool = False
    ) -> Exception:
        """Turn a database refusal into a domain error a person can act on.

        Read from the error's class and the constraint it names (``server.core.refusals``);
        ``values`` are what was being written, to name the value a field was refused for.
        """
        cause: Any = postgres_error(error)
        constraint = constraint_of(error)
        values = values or {}
        if isinstance(cause, pg.ForeignKeyViolationError):
            if deleting:  # rows of another table (the error's) still point at this record
                used_by = TABLE_NAMES.get(cause.table_name or "", N_("other records"))
                return Conflict(
                    _(
                        "This {record} cannot be deleted: {used_by} still depend on it; "
                        "delete or move those first.",
                        record=self.noun,
                        used_by=Message(used_by),
                    )
                )
            field = _constrained_column(self.table, constraint)
            if field is None:
                return Invalid(
                    {constraint or "reference": _("refers to a record that does not exist")}
                )
            # a reference to a record that does not exist: the field's fault
            label = self.references.get(field) or _referenced_table(self.table, field)
            return Invalid({field: self.missing(label, values.get(field))})
        if isinstance(cause, pg.UniqueViolationError):
            fields = _unique_columns(self.table, constraint)
            if fields:
                return Conflict(
                    _(
                        "{record:capital}: “{value}” is already taken ({fields}).",
                        record=self.noun,
                        value=", ".join(str(values.get(f)) for f in fields),
                        fields=", ".join(fields),
                    )
                )
            return Conflict(_("{record:capital}: the same values already exist.", record=self.noun))
        if isinstance(cause, pg.CheckViolationError):
            if constraint in CHECKS:
                field, text = CHECKS[constraint]
                return Invalid({field: text})
            return Invalid({constraint or "record": _("is not allowed by the venue's rules")})
        return Conflict(str(cause or error.orig).splitlines()[0])


def _constrained_column(table: Table, constraint: str | None) -> str | None:
    """The column of ``table``'s foreign key ``constraint`` (named as declared, or as PostgreSQL
    names it by default: ``<table>_<column>_fkey``)."""
    for fk in table.foreign_key_constraints:
        if fk.name == constraint and len(fk.columns) == 1:
            return str(next(iter(fk.columns)).name)
    for column in table.c:
        if constraint == f"{table.name}_{column.name}_fkey":
            return str(column.name)
    return None


def _referenced_table(table: Table, field: str) -> str:
    """What a reference names, when the service gave it no label: its table, singular."""
    for fk in table.c[field].foreign_keys:
        return str(fk.column.table.name).rstrip("s")
    return field


def _unique_columns(table: Table, constraint: str | None) -> list[str]:
    """The columns of ``table``'s unique constraint or unique index named ``constraint``."""
    items: list[Any] = [*table.constraints, *table.indexes]
    for item in items:
        if item.name == constraint:
            return [str(c.name) for c in item.columns]
    return []


def _local_day(moment: datetime | date, before: bool = False) -> date:
    """The venue's calendar day of an instant (of the instant just before it, for an end)."""
    if not isinstance(moment, datetime):
        return moment - timedelta(days=1) if before else moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=venue().tz)
    if before:
        moment -= timedelta(microseconds=1)
    return moment.astimezone(venue().tz).date()


@cache
def _time_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if isinstance(c.type, DateTime))


def plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """Enums as their stored text, so comparisons with database rows hold."""
    return {k: (v.value if isinstance(v, Enum) else v) for k, v in data.items()}


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _loggable(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in {"created_at", "updated_at"}}
