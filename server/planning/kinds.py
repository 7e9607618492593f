"""Kinds of activity as a venue names and paints them, and whether they hold their room.

Changing whether a kind blocks rooms re-books every activity of that kind (a trigger does it):
if some already overlap, the change is refused and nothing moves.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server.core.changelog import Change
from server.core.errors import Conflict, NotFound, PermissionDenied
from server.core.fields import Colour, Input, Name
from server.core.i18n import _
from server.core.permissions import Level, Workspace, access_needed
from server.core.unit_of_work import UnitOfWork
from server.planning.models import ActivityKindSetting

FIELDS = ("kind", "blocks_room", "label_fr", "label_en", "colour")


class ActivityKindOut(BaseModel):
    kind: str
    blocks_room: bool
    label_fr: str
    label_en: str
    colour: str


class ActivityKindPatch(Input):
    """What a venue may change about a kind; fields left out stay as they are."""

    blocks_room: bool | None = None
    label_fr: Name | None = None
    label_en: Name | None = None
    colour: Colour | None = None


def _table() -> Any:
    return ActivityKindSetting.__table__  # type: ignore[attr-defined]


async def list_kinds(uow: UnitOfWork) -> list[dict[str, Any]]:
    k = _table()
    rows = await uow.session.execute(select(*(k.c[f] for f in FIELDS)).order_by(k.c.kind))
    return [dict(r) for r in rows.mappings()]


async def update_kind(uow: UnitOfWork, kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change a kind (those who manage the general planning); recorded in the history."""
    if not uow.actor.can(Workspace.PLANNING, Level.MANAGE):
        raise PermissionDenied(access_needed(Level.MANAGE, Workspace.PLANNING))
    k = _table()
    row = (
        (
            await uow.session.execute(
                select(*(k.c[f] for f in FIELDS)).where(k.c.kind == kind).with_for_update()
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(_("Activity kind {kind} does not exist.", kind=kind))
    wanted = {key: value for key, value in changes.items() if value is not None}
    if "colour" in wanted:
        wanted["colour"] = wanted["colour"].lower()
    diff = {key: value for key, value in wanted.items() if row[key] != value}
    if diff:
        try:
            await uow.session.execute(update(k).where(k.c.kind == kind).values(**diff))
        except IntegrityError as error:
            raise Conflict(
                _(
                    "Activities of kind {kind} already overlap in some rooms; they cannot block "
                    "rooms until they are moved.",
                    kind=kind,
                ),
                kind="double-booking",
            ) from error
        uow.record(
            Change(
                workspace=Workspace.PLANNING.value,
                entity="activity_kind",
                entity_id=None,
                action="activity_kind.updated",
                before={"kind": kind, **{key: row[key] for key in diff}},
                after={"kind": kind, **diff},
            )
        )
    await uow.commit()
    return {**dict(row), **diff}
