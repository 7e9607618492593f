"""Connectors as records (versions, history) and the files they produce.

Who may do what: administrators (Administration write) create, change and delete connectors;
anyone who reads a connector's workspace (Programming for performances, Planning for
activities, Directory for contacts) sees it and downloads it. The output holds only the fields
both the connector's owner and the reader may read: a connector made by an administrator never
hands a fee to someone without Contracts read. Whoever changes what a connector sends or where
(entity, fields, filters, push address) becomes its owner, and a push by hand reads as the
pusher too, so Administration write alone never reaches a fee.
"""

from __future__ import annotations

import base64
import secrets
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import select

from server.accounts.credentials import principal_for
from server.connectors import formats
from server.connectors.catalogue import ENTITIES, Entity, query, readable
from server.connectors.formats import CONTENT_TYPES, Output
from server.connectors.models import Connector
from server.connectors.schedule import first_run
from server.core.entities import EntityService, ListQuery, Page
from server.core.errors import Invalid, PermissionDenied
from server.core.fields import Id, Input, Name, Url
from server.core.i18n import N_, Message, _, render
from server.core.permissions import Level, Principal, Workspace, access_needed
from server.core.records import RecordRead
from server.core.signed_post import target_problem


class FieldMapping(BaseModel):
    column: str = Field(min_length=1, max_length=100, description="The output column's name")
    source: str = Field(min_length=1, max_length=100, description="A field of the entity")
    time_column: str | None = Field(
        default=None,
        max_length=100,
        description="With date_format local_split: the column of the local time",
    )


class ConnectorFilters(BaseModel):
    start: date | None = Field(default=None, description="First day (venue's calendar)")
    end: date | None = Field(default=None, description="Last day (included)")
    room_ids: list[Id] = Field(default_factory=list, max_length=100)
    venue_ids: list[Id] = Field(default_factory=list, max_length=100)
    confirmed_only: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> ConnectorFilters:
        if self.start and self.end and self.end < self.start:
            raise ValueError("end must be on or after start")
        return self


Entities = Literal["performances", "engagements", "activities", "shows", "contacts"]
DateFormat = Literal["iso", "utc", "unix", "local_split", "french"]
OutputFormat = Literal["json", "csv", "xlsx"]
Schedule = Literal["none", "hourly", "daily", "weekly"]


class ConnectorIn(Input):
    name: Name
    entity: Entities
    filters: ConnectorFilters = Field(default_factory=ConnectorFilters)
    fields: list[FieldMapping] = Field(min_length=1, max_length=100)
    date_format: DateFormat = "iso"
    output: OutputFormat = "csv"
    csv_bom: bool = False
    csv_separator: Literal[",", ";"] = ","
    schedule: Schedule = "none"
    push_url: Url | None = None

    @field_validator("fields")
    @classmethod
    def _unique(cls, value: list[FieldMapping]) -> list[FieldMapping]:
        names = [f.column for f in value] + [f.time_column for f in value if f.time_column]
        if len(set(names)) != len(names):
            raise ValueError("two columns have the same name")
        return value


class ConnectorOut(RecordRead):
    name: str
    entity: str
    filters: dict[str, Any]
    fields: list[dict[str, Any]]
    date_format: str
    output: str
    csv_bom: bool
    csv_separator: str
    schedule: str
    next_run_at: datetime | None = None
    last_run_at: datetime | None = None
    last_status: str | None = None
    push_url: str | None = None
    owner_id: int | None = None
    push_secret: str | None = Field(
        default=None,
        description="The Standard Webhooks secret (whsec_…) the receiver verifies pushes with: "
        "given once, when the connector is created",
    )


class SourceOut(BaseModel):
    name: str
    label: str
    kind: str
    needs: str | None = None


class EntityOut(BaseModel):
    name: str
    workspace: str
    fields: list[SourceOut]


def catalogue() -> list[EntityOut]:
    """The documented fields of every entity, for the mapping form and integrators."""
    return [
        EntityOut(
            name=e.name,
            workspace=e.workspace.value,
            fields=[
                SourceOut(
                    name=s.name,
                    label=render(Message(s.label)),
                    kind=s.kind,
                    needs=s.needs.value if s.needs else None,
                )
                for s in e.sources
            ],
        )
        for e in ENTITIES.values()
    ]


SENDS = frozenset({"entity", "fields", "filters", "push_url"})
"""The settings that choose what a connector sends and where: changing one makes it yours."""


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class ConnectorService(EntityService):
    model = Connector
    entity = "connector"
    label = N_("connector")
    workspace = Workspace.ADMINISTRATION
    order_by = ("name", "id")
    secret = frozenset({"push_secret"})

    def log(
        self, action: str, record_id: int | None, before: Any, after: Any, refs: Any = None
    ) -> None:
        """The push secret never enters the history (only that it was set)."""
        for payload in (before, after):
            if isinstance(payload, dict) and payload.get("push_secret"):
                payload["push_secret"] = "(set)"
        super().log(action, record_id, before, after, refs)

    def may_see(self, entity: str) -> bool:
        spec = ENTITIES.get(entity)
        return spec is not None and (
            self.actor.can_read(spec.workspace) or self.actor.can_read(Workspace.ADMINISTRATION)
        )

    async def list(self, q: ListQuery) -> Page:
        """The connectors of the workspaces this reader reads."""
        entities = [name for name in ENTITIES if self.may_see(name)]
        t = self.table.c
        query = select(self.table).where(t.entity.in_(entities)).order_by(t.name, t.id)
        rows = [dict(r) for r in (await self.session.execute(query)).mappings()]
        page = rows[q.offset : q.offset + q.limit]
        return Page(self.visible_many(page), len(rows), q.limit, q.offset)

    async def read(self, record_id: int) -> dict[str, Any]:
        row = await self.get(record_id)
        if not self.may_see(row["entity"]):
            raise PermissionDenied(access_needed(Level.READ, ENTITIES[row["entity"]].workspace))
        return self.visible(row)

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        spec = ENTITIES[values["entity"]]
        problems: dict[str, str | Message] = {}
        for index, item in enumerate(values.get("fields") or []):
            if spec.source(item["source"]) is None:
                problems[f"fields.{index}.source"] = _(
                    "{source} is not a field of {entity} (see GET /api/v1/connectors/fields)",
                    source=item["source"],
                    entity=spec.name,
                )
        if values.get("schedule", "none") != "none" and not values.get("push_url"):
            problems["push_url"] = _("a scheduled connector pushes its file: give the address")
        elif _new_address(values, current) and (
            problem := await target_problem(
                values["push_url"], self.uow.settings.webhook_allow_private
            )
        ):
            # An address saved before is checked again when connecting (runs must record).
            problems["push_url"] = problem
        if problems:
            raise Invalid(problems)
        values["filters"] = ConnectorFilters.model_validate(values.get("filters") or {}).model_dump(
            mode="json"
        )
        if current is None or values.get("schedule") != current.get("schedule"):
            values["next_run_at"] = first_run(values.get("schedule") or "none")
        if values.get("push_url") and not values.get("push_secret"):
            values["push_secret"] = new_secret()

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require(Level.WRITE)
        data = {**data, "owner_id": self.actor.user_id}
        row = await self.insert_row(_stored(data))
        await self.uow.commit()
        shown = self.visible(row)
        shown["push_secret"] = row.get("push_secret")  # given once, to set up the receiver
        return shown

    async def update(
        self, record_id: int, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.require(Level.WRITE)
        had_secret = bool((await self.get(record_id)).get("push_secret"))
        if SENDS.intersection(changes):
            # What the connector sends, and where, is now the editor's choice: the output holds
            # only what the editor may read (an administrator's connector must not carry fees
            # to whoever may edit it but not read contracts).
            changes = {**changes, "owner_id": self.actor.user_id}
        row = await self.update_row(record_id, _stored(changes), expected_version)
        await self.uow.commit()
        shown = self.visible(row)
        if row.get("push_secret") and not had_secret:  # a first push address: its secret, once
            shown["push_secret"] = row["push_secret"]
        return shown

    # -- output ---------------------------------------------------------------------------
    async def owner(self, row: dict[str, Any]) -> Principal:
        owner = (
            await principal_for(self.session, row["owner_id"], via="connector")
            if row.get("owner_id")
            else None
        )
        if owner is None:
            raise PermissionDenied(
                _("This connector's owner is no longer active: an administrator must recreate it.")
            )
        return owner

    async def produce(self, record_id: int, reader: Principal | None = None) -> Output:
        """The connector's file now, readable by its owner and by ``reader`` alike."""
        row = await self.get(record_id)
        readers = [await self.owner(row)]
        if reader is not None:
            if not self.may_see(row["entity"]):
                raise PermissionDenied(access_needed(Level.READ, ENTITIES[row["entity"]].workspace))
            readers.append(reader)
        return await make_output(self, row, readers)


def _stored(data: dict[str, Any]) -> dict[str, Any]:
    """Bodies as JSON columns hold them."""
    out = dict(data)
    if isinstance(out.get("fields"), list):
        out["fields"] = [
            f.model_dump(exclude_none=True) if isinstance(f, BaseModel) else f
            for f in out["fields"]
        ]
    if isinstance(out.get("filters"), BaseModel):
        out["filters"] = out["filters"].model_dump(mode="json")
    return out


async def make_output(
    service: EntityService, row: dict[str, Any], readers: list[Principal]
) -> Output:
    spec: Entity = ENTITIES[row["entity"]]
    if not readers[0].can_read(spec.workspace):
        raise PermissionDenied(access_needed(Level.READ, spec.workspace))
    sources = {s.name: s for s in spec.sources if readable(spec, s, *readers)}
    fmt = row["date_format"]
    cols = formats.columns(row["fields"], sources, fmt)
    result = await service.session.execute(query(spec, row["filters"] or {}))
    keys = list(result.keys())
    rows = [dict(zip(keys, r, strict=True)) for r in result.all()]
    output = row["output"]
    if output == "json":
        content = formats.as_json(cols, rows, fmt)
    elif output == "csv":
        content = formats.as_csv(cols, rows, fmt, row["csv_separator"], row["csv_bom"])
    else:
        content = formats.as_xlsx(cols, rows, fmt, row["name"])
    return Output(content, CONTENT_TYPES[output], f"{row['name']}.{output}", len(rows))


def _new_address(values: dict[str, Any], current: dict[str, Any] | None) -> bool:
    url = values.get("push_url")
    return bool(url) and (current is None or url != current.get("push_url"))
