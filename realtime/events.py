"""What a screen receives: change-log rows turned into events, and the topics they match.

Visibility is not decided here: ``server.audit.history.visible_change`` is the one rule for
every outlet (changes feed, live updates, calendars), applied before an event is encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec

from server.audit.history import visible_change
from server.core.i18n import _
from server.core.permissions import Principal, Workspace
from server.core.venue import venue
from server.registry import SERVICES

encode = msgspec.json.Encoder().encode
decode = msgspec.json.decode


def event_of(change: dict[str, Any]) -> dict[str, Any]:
    """The wire form of a (visible) change."""
    at = change.get("at")
    return {
        "type": "event",
        "seq": change["seq"],
        "at": at.isoformat() if isinstance(at, datetime) else at,
        "workspace": change["workspace"],
        "entity": change["entity"],
        "id": change["entity_id"],
        "action": change["action"],
        "actor": change["actor"],
        "actor_id": change["actor_id"],
        "before": change.get("before"),
        "after": change.get("after"),
        # Where and when the record is after the change (and its version): a screen places
        # or moves a block, and can edit it next, without reading it back.
        "refs": change.get("refs"),
    }


@dataclass(frozen=True)
class Topic:
    """What a client asked to follow: a timeline window, one record, or a workspace."""

    kind: str  # "timeline" | "record" | "workspace"
    workspace: str | None = None
    entity: str | None = None
    record_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    rooms: frozenset[int] | None = None

    @classmethod
    def parse(cls, spec: Any) -> Topic:
        """Read a client's topic; ValueError names what is wrong."""
        if not isinstance(spec, dict) or len(spec) != 1:
            raise ValueError(
                _("A topic is one of {{timeline: …}}, {{record: …}}, {{workspace: …}}.")
            )
        ((kind, body),) = spec.items()
        if kind == "workspace":
            if body not in {w.value for w in Workspace}:
                raise ValueError(_("Unknown workspace {name}.", name=repr(body)))
            return cls("workspace", workspace=body)
        if kind == "record":
            if (
                not isinstance(body, dict)
                or not isinstance(body.get("entity"), str)
                or not isinstance(body.get("id"), int)
            ):
                raise ValueError(_("A record topic needs entity (text) and id (number)."))
            return cls("record", entity=body["entity"], record_id=body["id"])
        if kind == "timeline":
            if not isinstance(body, dict):
                raise ValueError(_("A timeline topic needs start and end."))
            try:
                start = datetime.fromisoformat(body["start"])
                end = datetime.fromisoformat(body["end"])
            except (KeyError, TypeError, ValueError):
                raise ValueError(
                    _("A timeline topic needs ISO 8601 start and end with offsets.")
                ) from None
            if start.tzinfo is None or end.tzinfo is None or end <= start:
                raise ValueError(_("Timeline start and end need offsets, and end after start."))
            rooms = body.get("rooms")
            if rooms is not None and not (
                isinstance(rooms, list) and all(isinstance(r, int) for r in rooms)
            ):
                raise ValueError(_("Timeline rooms is a list of room ids."))
            return cls("timeline", start=start, end=end, rooms=frozenset(rooms) if rooms else None)
        raise ValueError(_("Unknown topic {name}.", name=repr(kind)))

    def area(self) -> Workspace:
        """The workspace one must read to follow this topic."""
        if self.kind == "workspace":
            return Workspace(self.workspace or "")
        if self.kind == "timeline":
            return Workspace.PLANNING
        service = SERVICES.get(self.entity or "")
        return service.workspace if service else Workspace.ADMINISTRATION

    def matches(self, change: dict[str, Any]) -> bool:
        if self.kind == "workspace":
            return bool(change["workspace"] == self.workspace)
        if self.kind == "record":
            if change["entity_id"] != self.record_id:
                return False
            same = change["entity"] == self.entity
            # A performance is an activity: follow it under either name.
            pair = {change["entity"], self.entity} == {"performance", "activity"}
            return same or pair
        return self._on_timeline(change)

    def _on_timeline(self, change: dict[str, Any]) -> bool:
        if change["entity"] == "room":  # a row of the timeline itself
            return self._room_ok(change["entity_id"])
        places = change.get("_places")
        if places is None:
            places = placements(change)
        for room, starts, ends in places:
            if not self._room_ok(room):
                continue
            if starts is None or ends is None:
                return True  # cannot tell: better one event too many than one missed
            assert self.start is not None and self.end is not None
            if starts < self.end and ends > self.start:
                return True
        return False

    def _room_ok(self, room: Any) -> bool:
        return self.rooms is None or room in self.rooms


def placements(change: dict[str, Any]) -> list[tuple[Any, datetime | None, datetime | None]]:
    """Where and when an activity change happens (before and after), parsed once per change.

    An engagement is placed too, over its days: its option rank or status is drawn on its
    blocks, so a screen showing its room and days is told when another's confirmation moves it.
    """
    if change.get("entity") == "engagement":
        return _engagement_placements(change)
    if change.get("entity") not in ("activity", "performance"):
        return []
    refs = change.get("refs") or {}
    out = []
    for side in (change.get("before") or {}, change.get("after") or {}, refs):
        room = side.get("room_id", refs.get("room_id"))
        out.append(
            (
                room,
                _instant(side.get("starts_at", refs.get("starts_at"))),
                _instant(side.get("ends_at", refs.get("ends_at"))),
            )
        )
    return out


def _engagement_placements(
    change: dict[str, Any],
) -> list[tuple[Any, datetime | None, datetime | None]]:
    refs = change.get("refs") or {}
    out = []
    for side in (change.get("before") or {}, change.get("after") or {}):
        first, last = _day(side.get("first_day")), _day(side.get("last_day"))
        starts = ends = None
        if first is not None and last is not None:  # whole days, in the venue's zone
            starts = datetime.combine(first, time(), venue().tz)
            ends = datetime.combine(last + timedelta(days=1), time(), venue().tz)
        out.append((side.get("room_id", refs.get("room_id")), starts, ends))
    return out


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def visible_event(principal: Principal, change: dict[str, Any]) -> dict[str, Any] | None:
    shown = visible_change(principal, change)
    return event_of(shown) if shown is not None else None
