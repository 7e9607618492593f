"""Reading the change log as a given person may: the one rule for every outlet.

The changes feed, per-record history, live updates and calendar sync all pass rows through
``visible_change`` so that a workspace one cannot read, or a fee one may not see, never leaks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.changelog import ChangeLogEntry, read_change
from server.core.errors import Invalid, PermissionDenied
from server.core.i18n import _
from server.core.permissions import Level, Principal, Workspace
from server.registry import SERVICES

MAX_CHANGES = 5_000


def confidential_fields(entity: str) -> frozenset[str]:
    """The fields of ``entity`` only readable with the CONTRACTS level (its model's columns
    marked confidential, see ``server.core.records.CONFIDENTIAL``)."""
    service = SERVICES.get(entity)
    return service.confidential if service is not None else frozenset()


def visible_change(principal: Principal, change: dict[str, Any]) -> dict[str, Any] | None:
    """The change as ``principal`` may see it, or None if they may not see it at all."""
    area = Workspace(change["workspace"])
    if not principal.can(area, Level.READ):
        return None
    hidden = confidential_fields(change["entity"])
    if not hidden or principal.can_read_fees:
        return change
    shown = dict(change)
    for side in ("before", "after"):
        payload = shown.get(side)
        if payload:
            shown[side] = {k: v for k, v in payload.items() if k not in hidden}
    if change["action"].endswith(".updated") and not (shown.get("after") or shown.get("before")):
        return None  # only confidential fields changed: nothing to tell
    return shown


def feed_entry(principal: Principal, change: dict[str, Any]) -> dict[str, Any] | None:
    """A change as feeds give it to ``principal``: visible as ``visible_change`` says, with
    ``deleted`` telling a deletion (a tombstone: its entity and id, and the last state of the
    record only as far as the reader may see it)."""
    shown = visible_change(principal, change)
    if shown is None:
        return None
    shown = dict(shown)
    shown["deleted"] = is_deletion(change["action"])
    return shown


def is_deletion(action: str) -> bool:
    return action.endswith(".deleted")


def readable_areas(principal: Principal) -> list[str]:
    return [area.value for area in Workspace if principal.can(area, Level.READ)]


class History:
    def __init__(self, session: AsyncSession, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    async def changes(
        self,
        *,
        since: int = 0,
        limit: int = 500,
        entity: str | list[str] | None = None,
        entity_id: int | None = None,
        actor_id: int | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        workspace: str | list[str] | None = None,
        updated_since: datetime | None = None,
    ) -> tuple[list[dict[str, Any]], int]:
        """Changes after ``since`` (and at or after ``updated_since``) in commit order, and the
        cursor to continue from.

        The cursor is the last sequence number *read*, seen or not: changes the reader may not
        see, or that the filters leave out, are passed over once, never read again (a page
        shorter than ``limit`` read up to the end of the log). Because sequence order is commit
        order, a change committed while a reader pages always comes after its cursor: no page
        skips one, and none repeats one.
        """
        if limit < 1 or limit > MAX_CHANGES:
            raise Invalid({"limit": _("must be between 1 and {max}", max=MAX_CHANGES)})
        areas = readable_areas(self.principal)
        if not areas:
            raise PermissionDenied(_("You may not read any workspace."))
        c: Any = ChangeLogEntry.__table__.c  # type: ignore[attr-defined]
        # The end of the log first: every change up to it is committed (sequence order is
        # commit order), so a page that stops short of ``limit`` has read all there is up to
        # it, matching or not, and the cursor may move there.
        last = await self.last_seq()
        query = select(ChangeLogEntry.__table__).where(  # type: ignore[attr-defined]
            c.seq > since, c.seq <= last, c.workspace.in_(areas)
        )
        entities = _many(entity)
        if entities:
            query = query.where(c.entity.in_(entities))
        if entity_id is not None:
            query = query.where(c.entity_id == entity_id)
        if actor_id is not None:
            query = query.where(c.actor_id == actor_id)
        workspaces = _many(workspace)
        if workspaces:
            query = query.where(c.workspace.in_(workspaces))
        if updated_since is not None:
            query = query.where(c.at >= updated_since)
        if start is not None:
            query = query.where(c.at >= start)
        if end is not None:
            query = query.where(c.at < end)
        rows = (await self.session.execute(query.order_by(c.seq).limit(limit))).mappings().all()
        out = []
        for row in rows:
            shown = feed_entry(self.principal, read_change(row))
            if shown is not None:
                out.append(shown)
        cursor = int(rows[-1]["seq"]) if len(rows) == limit else max(since, last)
        return out, cursor

    async def last_seq(self) -> int:
        c: Any = ChangeLogEntry.__table__.c  # type: ignore[attr-defined]
        value = (await self.session.execute(select(c.seq).order_by(c.seq.desc()).limit(1))).scalar()
        return int(value or 0)


def _many(value: str | list[str] | None) -> list[str]:
    """Values given as a list, repeated parameters or separated by commas."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in item.split(",") if part.strip()]
