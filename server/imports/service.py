"""Importing a spreadsheet: a dry run reporting every line's problems, then all or nothing.

Each line becomes a call to the same service a person's form calls (``ShowService.create``,
``EngagementService.update``…), so the venue's rules, room conflicts, permissions and the change
log apply as they would by hand. The whole file runs in one transaction whose commits are held
back (``HeldUnitOfWork``): a dry run rolls it back, a commit writes it once every line passed.

A line matching a record already there by its natural key (a contact's email, else their name;
a show's title; an engagement's show, room and first day; a performance's show, room and
start) updates what differs, or changes nothing: importing the same file twice changes nothing
the second time. Empty cells never erase what is stored. A fee column is refused to whoever
may not read fees: comparing it with the stored fee would tell them the fee.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select, text

from server.core.entities import EntityService
from server.core.errors import Conflict, DomainError, Invalid, PermissionDenied
from server.core.i18n import Message, _, ngettext, render
from server.core.permissions import Level, access_needed
from server.core.unit_of_work import UnitOfWork
from server.core.venue import venue
from server.directory.contacts import ContactIn, ContactService
from server.directory.models import Organisation
from server.directory.organisations import OrganisationService
from server.imports.kinds import KINDS, CellError, Kind, guess_mapping
from server.imports.reading import read_table
from server.planning.activities import PerformanceIn
from server.programming.engagements import EngagementIn, EngagementService
from server.programming.models import Engagement, Show
from server.programming.performances import PerformanceService
from server.programming.shows import ShowIn, ShowService
from server.technical.models import Room

DEFAULT_MINUTES = 120  # a performance whose show has no duration


class HeldUnitOfWork(UnitOfWork):
    """A unit of work whose services' commits are held until ``finish``: the file is one
    transaction, and its changes reach the log (and listeners) together or not at all."""

    @classmethod
    def around(cls, uow: UnitOfWork) -> HeldUnitOfWork:
        return cls(uow.session, uow.actor, uow._listeners, uow.settings)

    async def commit(self) -> list[Any]:
        return []  # held: see finish()

    async def finish(self) -> int:
        return len(await UnitOfWork.commit(self))


@dataclass
class Problem:
    line: int
    column: str
    reason: str


@dataclass
class Step:
    line: int
    action: str  # create, update, unchanged
    service: type[EntityService]
    data: dict[str, Any]
    record_id: int | None = None
    version: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # field → the file's column


@dataclass
class Report:
    kind: str
    token: str
    headers: list[str]
    mapping: dict[str, str]
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False


SCHEMAS: dict[str, type[BaseModel]] = {
    "contacts": ContactIn,
    "shows": ShowIn,
    "engagements": EngagementIn,
    "performances": PerformanceIn,
}


def token_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def import_file(
    uow: UnitOfWork,
    kind_name: str,
    content: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    *,
    commit: bool = False,
    token: str | None = None,
) -> Report:
    """Check (and with ``commit``, write) a file of ``kind_name`` records."""
    kind = KINDS[kind_name]
    if not uow.actor.can_write(kind.workspace):
        raise PermissionDenied(access_needed(Level.WRITE, kind.workspace))
    table = read_table(content, filename)
    digest = token_of(content)
    if commit and token is not None and token != digest:
        raise Conflict(
            _("This file differs from the one checked: run the check again, then import it.")
        )
    if mapping:
        unknown = [f for f in mapping if kind.column(f) is None]
        absent = [h for h in mapping.values() if h and h not in table.headers]
        if unknown or absent:
            raise Invalid(
                {
                    "mapping": _(
                        "names unknown fields or columns: {names}",
                        names=", ".join(unknown + absent),
                    )
                }
            )
        mapping = {f: h for f, h in mapping.items() if h}
    else:
        mapping = guess_mapping(kind, table.headers)
    report = Report(kind.name, digest, table.headers, mapping, rows=len(table.rows))
    if not uow.actor.can_read_fees:
        # Comparing a fee with the one stored ("updated" or "unchanged") would tell it to
        # someone who may not read it: the column is refused, whatever it holds.
        for name, header in mapping.items():
            column = kind.column(name)
            if column is not None and column.confidential:
                report.problems.append(
                    Problem(
                        1,
                        header,
                        render(
                            _(
                                "importing fees needs read access to contracts: "
                                "leave this column out"
                            )
                        ),
                    )
                )
    for column in kind.columns:
        if column.required and column.name not in mapping:
            report.problems.append(
                Problem(
                    1,
                    render(Message(column.label)),
                    render(_("required column, not found in the file")),
                )
            )
    if report.problems:
        return report
    planner = Planner(uow, kind, mapping, report)
    steps: list[Step] = []
    for line, cells in table.rows:
        values = planner.read(line, dict(zip(table.headers, cells, strict=False)))
        if values is not None:
            step = await planner.plan(line, values)
            if step is not None:
                steps.append(step)
    if report.problems:
        return report
    held = HeldUnitOfWork.around(uow)
    try:
        for step in steps:
            if not await planner.apply(held, step):
                break
        if commit and not report.problems:
            await held.finish()
            report.committed = True
    finally:
        if not report.committed:
            await uow.session.rollback()
    return report


class Planner:
    """Reads each line, finds what it names, and decides what to do with it."""

    def __init__(self, uow: UnitOfWork, kind: Kind, mapping: dict[str, str], report: Report):
        self.uow = uow
        self.session = uow.session
        self.kind = kind
        self.mapping = mapping
        self.report = report
        self.keys: dict[tuple[Any, ...], int] = {}
        # Lines naming a company the directory does not know yet: it is made with the show.
        self.companies: dict[int, str] = {}

    def problem(self, line: int, name: str, reason: Message) -> None:
        column = self.mapping.get(name)
        if column is None:
            spec = self.kind.column(name)
            column = render(Message(spec.label)) if spec else name
        self.report.problems.append(Problem(line, column, render(reason)))

    def read(self, line: int, cells: dict[str, Any]) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        ok = True
        for name, header in self.mapping.items():
            column = self.kind.column(name)
            assert column is not None
            try:
                value = column.read(cells.get(header))
            except CellError as error:
                self.problem(line, name, error.reason)
                ok = False
                continue
            if value is None and column.required:
                self.problem(line, name, _("required"))
                ok = False
            values[name] = value
        return values if ok else None

    def once(self, line: int, key: tuple[Any, ...]) -> bool:
        """A record named twice in one file is a mistake (which line is right?)."""
        earlier = self.keys.get(key)
        if earlier is not None:
            self.problem(line, self.kind.key[0], _("the same record as line {line}", line=earlier))
            return False
        self.keys[key] = line
        return True

    # -- finding what a line names ----------------------------------------------------------
    async def show(self, line: int, title: str) -> dict[str, Any] | None:
        s: Any = Show.__table__  # type: ignore[attr-defined]
        rows = (
            (
                await self.session.execute(
                    select(s.c.id, s.c.duration_minutes).where(
                        func.lower(s.c.title) == title.strip().lower()
                    )
                )
            )
            .mappings()
            .all()
        )
        if len(rows) != 1:
            self.problem(
                line,
                "show" if "show" in self.kind.key else "title",
                _("no show is called “{title}”", title=title)
                if not rows
                else _("several shows are called “{title}”", title=title),
            )
            return None
        return dict(rows[0])

    async def room(self, line: int, name: str) -> int | None:
        r: Any = Room.__table__  # type: ignore[attr-defined]
        ids = (
            (
                await self.session.execute(
                    select(r.c.id).where(func.lower(r.c.name) == name.strip().lower())
                )
            )
            .scalars()
            .all()
        )
        if len(ids) != 1:
            self.problem(
                line,
                "room",
                _("no room is called “{name}”", name=name)
                if not ids
                else _("several rooms are called “{name}”", name=name),
            )
            return None
        return int(ids[0])

    async def existing(self, model: Any, **where: Any) -> dict[str, Any] | None:
        t: Any = model.__table__
        query = select(t).where(*(t.c[k] == v for k, v in where.items()))
        row = (await self.session.execute(query.limit(1))).mappings().first()
        return dict(row) if row else None

    # -- what to do with a line -------------------------------------------------------------
    async def plan(self, line: int, values: dict[str, Any]) -> Step | None:
        kind = self.kind.name
        if kind == "contacts":
            return await self.plan_contact(line, values)
        if kind == "shows":
            return await self.plan_show(line, values)
        if kind == "engagements":
            return await self.plan_engagement(line, values)
        return await self.plan_performance(line, values)

    def step(
        self,
        line: int,
        service: type[EntityService],
        data: dict[str, Any],
        current: dict[str, Any] | None,
    ) -> Step | None:
        """Create, or update what differs (empty cells keep what is stored)."""
        schema = SCHEMAS[self.kind.name]
        if current is None:
            try:
                model = schema.model_validate({k: v for k, v in data.items() if v is not None})
            except ValidationError as error:
                for problem in error.errors():
                    name = str(problem["loc"][0]) if problem["loc"] else ""
                    self.problem(line, self.field_of(name), _explain(problem))
                return None
            self.report.created += 1
            return Step(line, "create", service, model.model_dump())
        changes = {k: v for k, v in data.items() if v is not None and current.get(k) != v}
        if not changes:
            self.report.unchanged += 1
            return None
        self.report.updated += 1
        return Step(line, "update", service, changes, current["id"], current["version"])

    def field_of(self, name: str) -> str:
        """The import column a model field comes from (``show_id`` from ``show``)."""
        aliases = {
            "show_id": "show",
            "room_id": "room",
            "emails": "email",
            "phones": "phone",
            "starts_at": "time",
            "ends_at": "duration_minutes",
            "engagement_id": "show",
            "company_id": "company",
        }
        return aliases.get(name, name)

    async def plan_contact(self, line: int, values: dict[str, Any]) -> Step | None:
        email = (values.get("email") or "").strip()
        key = ("email", email.lower()) if email else (
            "name", values["first_name"].lower(), values["last_name"].lower()
        )  # fmt: skip
        if not self.once(line, key):
            return None
        current: dict[str, Any] | None = None
        if email:
            found = await self.session.execute(
                text(
                    "SELECT * FROM contacts WHERE EXISTS "
                    "(SELECT 1 FROM unnest(emails) e WHERE lower(e) = :email) ORDER BY id LIMIT 1"
                ),
                {"email": email.lower()},
            )
            row = found.mappings().first()
            current = dict(row) if row else None
        if current is None:
            found = await self.session.execute(
                text(
                    "SELECT * FROM contacts WHERE lower(first_name) = :first "
                    "AND lower(last_name) = :last ORDER BY id LIMIT 1"
                ),
                {"first": values["first_name"].lower(), "last": values["last_name"].lower()},
            )
            row = found.mappings().first()
            current = dict(row) if row else None
        data: dict[str, Any] = {
            "first_name": values["first_name"],
            "last_name": values["last_name"],
            "notes": values.get("notes"),
        }
        known_emails = list(current["emails"]) if current else []
        known_phones = list(current["phones"]) if current else []
        if email and email.lower() not in {e.lower() for e in known_emails}:
            data["emails"] = [*known_emails, email]
        phone = values.get("phone")
        if phone and phone not in known_phones:
            data["phones"] = [*known_phones, phone]
        return self.step(line, ContactService, data, current)

    async def plan_show(self, line: int, values: dict[str, Any]) -> Step | None:
        title = values["title"]
        if not self.once(line, (title.lower(),)):
            return None
        s: Any = Show.__table__  # type: ignore[attr-defined]
        found = await self.session.execute(
            select(s).where(func.lower(s.c.title) == title.lower()).limit(1)
        )
        row = found.mappings().first()
        current = dict(row) if row else None
        data = {k: v for k, v in values.items() if k != "company"}
        company = values.get("company")
        if not company:
            return self.step(line, ShowService, data, current)
        o: Any = Organisation.__table__  # type: ignore[attr-defined]
        org = await self.session.execute(
            select(o.c.id).where(func.lower(o.c.name) == company.lower()).limit(1)
        )
        company_id = org.scalar_one_or_none()
        if company_id is not None:
            data["company_id"] = company_id
            return self.step(line, ShowService, data, current)
        self.companies[line] = company
        step = self.step(line, ShowService, data, current)
        if step is None and current is not None:  # only the company is new
            self.report.unchanged -= 1
            self.report.updated += 1
            step = Step(line, "update", ShowService, {}, current["id"], current["version"])
        return step

    async def plan_engagement(self, line: int, values: dict[str, Any]) -> Step | None:
        show = await self.show(line, values["show"])
        room_id = await self.room(line, values["room"])
        if show is None or room_id is None:
            return None
        first_day = values["first_day"]
        if not self.once(line, (show["id"], room_id, first_day)):
            return None
        current = await self.existing(
            Engagement, show_id=show["id"], room_id=room_id, first_day=first_day
        )
        data: dict[str, Any] = {
            "show_id": show["id"],
            "room_id": room_id,
            "first_day": first_day,
            "last_day": values.get("last_day") or (current or {}).get("last_day") or first_day,
            "fee": values.get("fee"),
            "notes": values.get("notes"),
        }
        if current is None:
            data["status"] = values.get("status") or "option"
        return self.step(line, EngagementService, data, current)

    async def plan_performance(self, line: int, values: dict[str, Any]) -> Step | None:
        show = await self.show(line, values["show"])
        room_id = await self.room(line, values["room"]) if values.get("room") else None
        if show is None or (values.get("room") and room_id is None):
            return None
        tz = venue().tz
        starts_at = datetime.combine(values["date"], values["time"], tz)
        minutes = values.get("duration_minutes") or show["duration_minutes"] or DEFAULT_MINUTES
        e: Any = Engagement.__table__  # type: ignore[attr-defined]
        query = select(e.c.id, e.c.room_id).where(
            e.c.show_id == show["id"],
            e.c.first_day <= values["date"],
            e.c.last_day >= values["date"],
            e.c.status != "cancelled",
        )
        if room_id is not None:
            query = query.where(e.c.room_id == room_id)
        engagement = (await self.session.execute(query.limit(1))).mappings().first()
        if engagement is None and room_id is None:
            self.problem(
                line,
                "room",
                _("no engagement of this show on that day: give the room"),
            )
            return None
        room_id = room_id or engagement["room_id"]  # type: ignore[index]
        if not self.once(line, (show["id"], room_id, starts_at)):
            return None
        a: Any = PerformanceService.model.__table__  # type: ignore[attr-defined]
        found = await self.session.execute(
            select(a).where(
                a.c.kind == "performance",
                a.c.show_id == show["id"],
                a.c.room_id == room_id,
                a.c.starts_at == starts_at,
            )
        )
        row = found.mappings().first()
        current = dict(row) if row else None
        data: dict[str, Any] = {
            "engagement_id": engagement["id"] if engagement else None,
            "show_id": show["id"],
            "room_id": room_id,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(minutes=minutes),
            "ticketing_ref": values.get("ticketing_ref"),
            "notes": values.get("notes"),
        }
        for name in ("audio_description", "sign_language", "surtitles", "relaxed"):
            if values.get(name) is not None:
                data[name] = values[name]
        if current is not None and current.get("ends_at") == data["ends_at"]:
            data.pop("ends_at")
        if current is not None and values.get("duration_minutes") is None:
            data.pop("ends_at", None)  # the stored end stays unless the file gives a length
        return self.step(line, PerformanceService, data, current)

    # -- doing it ----------------------------------------------------------------------------
    async def apply(self, held: HeldUnitOfWork, step: Step) -> bool:
        """Run one line through its service; a refusal is that line's problem and ends the
        run (the transaction is void once the database refused a statement)."""
        try:
            data = dict(step.data)
            company = self.companies.get(step.line)
            if company is not None:
                data["company_id"] = await self.company(held, company)
            if step.action == "create":
                await step.service(held).create(data)
            else:
                await step.service(held).update(step.record_id or 0, data, step.version)
        except Invalid as error:
            for name, reason in error.fields.items():
                self.problem(step.line, self.field_of(name), _as_message(reason))
            return False
        except DomainError as error:
            self.problem(step.line, self.kind.key[0], _as_message(error.message))
            return False
        return True

    async def company(self, held: HeldUnitOfWork, name: str) -> int:
        o: Any = Organisation.__table__  # type: ignore[attr-defined]
        found = await held.session.execute(
            select(o.c.id).where(func.lower(o.c.name) == name.lower()).limit(1)
        )
        known = found.scalar_one_or_none()
        if known is not None:
            return int(known)
        row = await OrganisationService(held).create({"name": name, "kind": "company"})
        return int(row["id"])


def _as_message(value: str | Message) -> Message:
    return value if isinstance(value, Message) else Message("{text}", text=value)


def _explain(problem: Any) -> Message:
    code = problem.get("type", "")
    ctx = problem.get("ctx") or {}
    if code == "missing":
        return _("required")
    if code == "string_too_long":
        limit = int(ctx.get("max_length") or 0)
        return ngettext(
            "must have at most {max_length} character",
            "must have at most {max_length} characters",
            limit,
            max_length=limit,
        )
    if code == "string_pattern_mismatch":
        return _("is not in the expected form")
    if code in ("greater_than_equal", "less_than_equal"):
        return _("is out of range")
    return _("is not accepted here")
