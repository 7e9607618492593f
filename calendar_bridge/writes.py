"""Events sent by calendar apps, applied to the planning through ``ActivityService``.

The service holds every rule (write permission, performances belong to Programming, no double
booking, versions, the change log); this module only turns a VEVENT into the fields of an
activity and checks the app's preconditions (If-Match / If-None-Match on ETags).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from calendar_bridge.calendars import MINE, ROOM, TEAM, Access, Calendar
from calendar_bridge.errors import ReadOnlyCalendar, UidConflict, UnsupportedEvent
from calendar_bridge.events import DEFAULT_NAME, Event, ids_for_names, load_events, uid_host
from calendar_bridge.ical import IncomingEvent
from server.accounts.permissions import Level, Principal
from server.core.errors import Invalid, NotFound, PermissionDenied, StaleVersion
from server.core.i18n import _
from server.core.records import partial_model
from server.core.unit_of_work import UnitOfWork, unit_of_work
from server.db.engine import Database
from server.planning.activities import ActivityIn, ActivityService
from server.planning.models import ActivityKind
from server.settings import get_settings

ActivityChanges = partial_model(ActivityIn, "CalendarActivityChanges")
UNTITLED = "(sans titre)"

KINDS_SQL = text("SELECT kind, label_fr, label_en FROM activity_kinds")
UID_SQL = text("SELECT activity_id FROM calendar_objects WHERE uid = :uid OR name = :name")
FORGET_SQL = text(
    "DELETE FROM calendar_objects WHERE activity_id IS NULL AND (uid = :uid OR name = :name)"
)
NAME_SQL = text(
    "INSERT INTO calendar_objects (activity_id, origin_id, name, uid) "
    "VALUES (:id, :id, :name, :uid)"
)


def _tags(values: Sequence[str]) -> set[str]:
    return {v.removeprefix("W/") for v in values}


def check_preconditions(
    current: Event | None, if_match: Sequence[str] | None, if_none_match: Sequence[str] | None
) -> None:
    """RFC 9110 preconditions on the event's ETag; a failed one is a 412."""
    if if_match is not None:
        if current is None:
            raise StaleVersion(_("The event does not exist (any more); reload the calendar."))
        tags = _tags(if_match)
        if "*" not in tags and current.etag not in tags:
            raise StaleVersion(_("The event was changed since you read it; reload it."))
    if if_none_match is not None and current is not None:
        tags = _tags(if_none_match)
        if "*" in tags or current.etag in tags:
            raise StaleVersion(_("An event already exists at this address."))


async def _kind(uow: UnitOfWork, incoming: IncomingEvent) -> str | None:
    """Saison's kind from X-SAISON-KIND, or a category naming a kind (in French or English)."""
    known = {k.value for k in ActivityKind}
    if incoming.kind in known:
        return incoming.kind
    if not incoming.categories:
        return None
    by_label: dict[str, str] = {}
    for kind, fr, en in await uow.session.execute(KINDS_SQL):
        for name in (kind, fr, en):
            by_label[name.casefold()] = kind
    for category in incoming.categories:
        if category.casefold() in by_label:
            return by_label[category.casefold()]
    return None


def default_kind(calendar: Calendar) -> str:
    """The kind of an event a phone made without a category (phones cannot set one).

    An event put in a room's calendar books that room: the venue's calendar kind
    (``SAISON_CALENDAR_ROOM_KIND``, a kind that blocks rooms by default); elsewhere "other".
    """
    if calendar.kind == ROOM:
        return get_settings().calendar_room_kind
    return ActivityKind.OTHER.value


def _validated(data: dict[str, Any], model: Any) -> dict[str, Any]:
    try:
        checked = model(**data)
    except ValidationError as error:
        fields = {".".join(str(p) for p in e["loc"]) or "event": e["msg"] for e in error.errors()}
        raise Invalid(fields) from None
    return {k: v for k, v in checked.model_dump().items() if k in data}


async def _current(
    uow: UnitOfWork, calendar: Calendar, access: Access, name: str
) -> tuple[Event | None, bool]:
    """The event at ``name`` in this calendar, and whether the name is taken elsewhere."""
    ids = await ids_for_names(uow.session, [name])
    if name not in ids:
        return None, False
    events = await load_events(uow.session, calendar, access, ids=[ids[name]])
    found = next((e for e in events if e.name == name), None)
    return found, found is None


async def put_event(
    db: Database,
    principal: Principal,
    access: Access,
    calendar: Calendar,
    name: str,
    incoming: IncomingEvent,
    if_match: Sequence[str] | None,
    if_none_match: Sequence[str] | None,
) -> bool:
    """Create or change the activity at ``name``; True when it was created."""
    if not calendar.writable:
        raise ReadOnlyCalendar(_("This calendar is read-only."))
    async with unit_of_work(db, principal) as uow:
        current, elsewhere = await _current(uow, calendar, access, name)
        check_preconditions(current, if_match, if_none_match)
        if elsewhere:
            raise UidConflict(_("This address belongs to an event of another calendar."))
        if current is None:
            await _create(uow, calendar, access, name, incoming)
            return True
        if incoming.uid != current.uid:
            raise UidConflict(_("An event keeps its UID; create a new event instead."))
        changes: dict[str, Any] = {"starts_at": incoming.starts_at, "ends_at": incoming.ends_at}
        if incoming.title:
            changes["title"] = incoming.title
        if incoming.status:
            changes["status"] = incoming.status
        kind = await _kind(uow, incoming)
        if kind and kind != current.kind:
            changes["kind"] = kind
        if incoming.has_description:
            changes["notes"] = incoming.notes
        changes = _validated(changes, ActivityChanges)
        await ActivityService(uow).update(current.id, changes, current.version)
        return False


async def _create(
    uow: UnitOfWork, calendar: Calendar, access: Access, name: str, incoming: IncomingEvent
) -> None:
    if DEFAULT_NAME.match(name):
        raise UnsupportedEvent(_("Names of the form activity-<number>.ics are Saison's own."))
    if incoming.uid.endswith(f"@{uid_host()}") and incoming.uid.startswith("activity-"):
        raise UidConflict(_("This UID belongs to an event of Saison; create a new event instead."))
    taken = (await uow.session.execute(UID_SQL, {"uid": incoming.uid, "name": name})).scalars()
    if any(activity_id is not None for activity_id in taken):
        raise UidConflict(_("Another event already has this UID."))
    service = ActivityService(uow)
    service.require(Level.WRITE)
    data: dict[str, Any] = {
        "kind": await _kind(uow, incoming) or default_kind(calendar),
        "title": incoming.title or UNTITLED,
        "starts_at": incoming.starts_at,
        "ends_at": incoming.ends_at,
        "status": incoming.status or "confirmed",
        "notes": incoming.notes,
    }
    if calendar.kind == ROOM:
        data["room_id"] = calendar.ref
    elif calendar.kind == TEAM:
        data["team_id"] = calendar.ref
    elif calendar.kind == MINE:  # "my schedule": mine, whatever teams I am in (or none)
        data["assignee_ids"] = [access.user_id]
    data = _validated(data, ActivityIn)
    row = await service.insert_row(data)
    await uow.session.execute(FORGET_SQL, {"uid": incoming.uid, "name": name})
    try:
        await uow.session.execute(NAME_SQL, {"id": row["id"], "name": name, "uid": incoming.uid})
    except IntegrityError:
        await service.abort()
        raise UidConflict(_("Another event already has this UID or address.")) from None
    await uow.commit()


async def delete_event(
    db: Database,
    principal: Principal,
    access: Access,
    calendar: Calendar,
    name: str,
    if_match: Sequence[str] | None,
) -> None:
    if not calendar.writable:
        raise ReadOnlyCalendar(_("This calendar is read-only."))
    async with unit_of_work(db, principal) as uow:
        current, _event = await _current(uow, calendar, access, name)
        if current is None:
            raise NotFound(_("No such event in this calendar."))
        check_preconditions(current, if_match, None)
        if current.kind == ActivityKind.PERFORMANCE.value:
            raise PermissionDenied(_("Performances are managed in Programming."))
        await ActivityService(uow).delete(current.id, current.version)
