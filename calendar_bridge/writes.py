"""Events sent by calendar apps, applied to the planning through its services.

The services hold every rule (write permission, performances belong to Programming, no double
booking, versions, the change log); this module turns what an app sends into their terms and
checks the app's preconditions (If-Match / If-None-Match on ETags):

- an event becomes an activity, a repeating event a series (``server.planning.recurring``);
- an event put in another calendar with the UID it already has (a phone moving it: PUT to the
  new calendar, then DELETE from the old; or WebDAV MOVE) moves the activity to that room,
  team or person in one step, and the DELETE that follows leaves it alone;
- what an activity does not hold is kept (attendees, organizer, URL…), reminders per person,
  and what cannot be kept is refused with a reason, never dropped silently.

A refusal never tells whether an event one may not see exists: a UID or address taken by such
an event gets the same answer as one Saison's own pattern reserves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from calendar_bridge.calendars import MINE, ROOM, TEAM, Access, Calendar, calendars_for
from calendar_bridge.errors import ReadOnlyCalendar, UidConflict, UnsupportedEvent
from calendar_bridge.events import (
    ACTIVITY,
    DEFAULT_NAME,
    SERIES,
    SERIES_NAME,
    Event,
    Ref,
    load_events,
    refs_for_names,
    uid_host,
)
from calendar_bridge.ical import NOTES_END, IncomingEvent, IncomingObject, escape, fold
from server.core.changelog import Change
from server.core.errors import Conflict, Invalid, NotFound, PermissionDenied, StaleVersion
from server.core.i18n import _
from server.core.permissions import Level, Principal
from server.core.records import partial_model
from server.core.unit_of_work import UnitOfWork, unit_of_work
from server.db.engine import Database
from server.planning.activities import ActivityIn, ActivityService
from server.planning.models import ActivityKind
from server.planning.recurring import RecurringActivities, RecurringActivityIn

ActivityChanges = partial_model(ActivityIn, "CalendarActivityChanges")
UNTITLED = "(sans titre)"
MOVE_WINDOW_MINUTES = 15  # a phone's DELETE follows its PUT to the new calendar within seconds

KINDS_SQL = text("SELECT kind, label_fr, label_en FROM activity_kinds")
UID_SQL = text("SELECT activity_id, series_id FROM calendar_objects WHERE uid = :uid")
FORGET_SQL = text(
    "DELETE FROM calendar_objects WHERE activity_id IS NULL AND series_id IS NULL "
    "AND (uid = :uid OR name = :name)"
)
NAME_ACTIVITY_SQL = text(
    "INSERT INTO calendar_objects (activity_id, origin_id, name, uid) "
    "VALUES (:id, :id, :name, :uid) "
    "ON CONFLICT (activity_id) DO UPDATE SET name = EXCLUDED.name, uid = EXCLUDED.uid"
)
NAME_SERIES_SQL = text(
    "INSERT INTO calendar_objects (series_id, series_origin_id, name, uid) "
    "VALUES (:id, :id, :name, :uid) "
    "ON CONFLICT (series_id) DO UPDATE SET name = EXCLUDED.name, uid = EXCLUDED.uid"
)
ADOPT_NAME_SQL = text(
    "UPDATE calendar_objects SET activity_id = NULL, series_id = :series, "
    "series_origin_id = :series WHERE activity_id = :activity"
)
ROW_SQL = {
    ACTIVITY: text(
        "SELECT id, version, kind, room_id, team_id, assignee_ids, series_id "
        "FROM activities WHERE id = :id"
    ),
    SERIES: text(
        "SELECT id, version, kind, room_id, team_id, assignee_ids, NULL AS series_id "
        "FROM activity_series WHERE id = :id"
    ),
}
OWN_COLUMN = {ACTIVITY: "activity_id", SERIES: "series_id"}
PROPERTIES_SQL = {
    key: text(
        f"INSERT INTO calendar_properties ({column}, lines) VALUES (:id, :lines) "
        f"ON CONFLICT ({column}) DO UPDATE SET lines = EXCLUDED.lines "
        "WHERE calendar_properties.lines IS DISTINCT FROM EXCLUDED.lines RETURNING id"
    )
    for key, column in OWN_COLUMN.items()
}
NO_PROPERTIES_SQL = {
    key: text(f"DELETE FROM calendar_properties WHERE {column} = :id RETURNING id")
    for key, column in OWN_COLUMN.items()
}
ALARMS_LOCK_SQL = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
ALARMS_SQL = {
    key: text(
        f"INSERT INTO calendar_alarms (user_id, {column}, alarms) VALUES (:me, :id, :alarms) "
        f"ON CONFLICT (user_id, {column}) DO UPDATE SET alarms = EXCLUDED.alarms, "
        "rev = nextval('calendar_alarm_revs') "
        "WHERE calendar_alarms.alarms IS DISTINCT FROM EXCLUDED.alarms"
    )
    for key, column in OWN_COLUMN.items()
}
NO_ALARMS_SQL = {
    key: text(
        f"UPDATE calendar_alarms SET alarms = '', rev = nextval('calendar_alarm_revs') "
        f"WHERE user_id = :me AND {column} = :id AND alarms <> ''"
    )
    for key, column in OWN_COLUMN.items()
}
MOVES_SQL = text(
    f"""
    SELECT entity, entity_id, refs FROM change_log
    WHERE actor_id = :me AND at > now() - interval '{MOVE_WINDOW_MINUTES} minutes'
      AND entity IN ('activity', 'activity_series') AND refs ? 'moved_to'
    ORDER BY seq DESC LIMIT 50
    """
)
SAISON_UID = re.compile(r"^(activity|series)-(\d{1,18})@(.+)$")


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


def taken() -> UidConflict:
    """The one answer for a UID or address one may not use, whoever (if anyone) holds it."""
    return UidConflict(
        _("This event's UID or address is already used by another event: create a new event.")
    )


def _validated(data: dict[str, Any], model: Any) -> dict[str, Any]:
    try:
        checked = model(**data)
    except ValidationError as error:
        fields = {".".join(str(p) for p in e["loc"]) or "event": e["msg"] for e in error.errors()}
        raise Invalid(fields) from None
    return {k: v for k, v in checked.model_dump().items() if k in data}


def default_kind(calendar: Calendar, room_kind: str) -> str:
    """The kind of an event a phone made without a category (phones cannot set one).

    An event put in a room's calendar books that room: the venue's calendar kind
    (``SAISON_CALENDAR_ROOM_KIND``, a kind that blocks rooms by default); elsewhere "other".
    """
    if calendar.kind == ROOM:
        return room_kind
    return ActivityKind.OTHER.value


# -- what an event says --------------------------------------------------------------------
@dataclass
class Reading:
    """An incoming VEVENT in Saison's terms: the activity's fields and what is kept beside."""

    fields: dict[str, Any]
    categories: list[str]  # the app's own categories (not naming a kind): kept
    event: IncomingEvent


async def _labels(uow: UnitOfWork) -> dict[str, str]:
    by_label: dict[str, str] = {}
    for kind, fr, en in await uow.session.execute(KINDS_SQL):
        for name in (kind, fr, en):
            by_label[name.casefold()] = kind
    return by_label


async def _read(uow: UnitOfWork, incoming: IncomingEvent, labels: dict[str, str]) -> Reading:
    """Saison's kind from a category naming a kind (French or English: a category changed in
    the app changes the kind), else from X-SAISON-KIND; the other categories are the app's own
    and are kept."""
    known = {k.value for k in ActivityKind}
    named = [labels[c.casefold()] for c in incoming.categories if c.casefold() in labels]
    kind = named[0] if named else incoming.kind if incoming.kind in known else None
    rest = [c for c in incoming.categories if labels.get(c.casefold(), "") != kind]
    fields: dict[str, Any] = {"starts_at": incoming.starts_at, "ends_at": incoming.ends_at}
    if incoming.title:
        fields["title"] = incoming.title
    if incoming.status:
        fields["status"] = incoming.status
    if kind:
        fields["kind"] = kind
    if incoming.has_description:
        fields["notes"] = incoming.notes
    return Reading(fields, rest, incoming)


def _same_text(a: str, b: str) -> bool:
    def lines(value: str) -> list[str]:
        return [line.strip() for line in value.replace("\r\n", "\n").split("\n") if line.strip()]

    return lines(a) == lines(b)


def _check_saison_part(current: Event | None, incoming: IncomingObject) -> None:
    """What is below the "— Saison —" line is Saison's: an edit there would be lost, so it
    is refused with a reason instead."""
    if current is None:
        return
    served = current.props.get("DESCRIPTION", [""])[0]
    _notes, line, tail = served.partition(NOTES_END)
    for event in (incoming.master, *incoming.overrides):
        sent = event.saison_part
        if sent is None or not line or event.recurrence_id is not None:
            continue
        if not _same_text(sent, tail):
            raise UnsupportedEvent(
                _(
                    "Write your notes above the “{line}” line: what is below it is written "
                    "by Saison (the show, where, contacts) and would be lost.",
                    line=NOTES_END,
                )
            )


def _kept_lines(reading: Reading, status: str, location: str | None) -> str:
    """The app's lines Saison keeps for this event: its own properties, categories, its
    free/busy choice when it is not what the status says, and its place when the event has
    no room (an event with a room is where its room is)."""
    lines = [reading.event.properties] if reading.event.properties else []
    if reading.categories:
        lines.append(fold("CATEGORIES:" + ",".join(escape(c) for c in reading.categories)))
    transparent = reading.event.transparent
    if transparent is not None and transparent != (status == "cancelled"):
        lines.append("TRANSP:TRANSPARENT" if transparent else "TRANSP:OPAQUE")
    if location:
        lines.append(fold(f"LOCATION:{escape(location)}"))
    return "\r\n".join(lines)


# -- where things are ------------------------------------------------------------------------
async def _current(
    uow: UnitOfWork, calendar: Calendar, access: Access, name: str
) -> tuple[Event | None, Ref | None]:
    """The event at ``name`` in this calendar; else what the name names elsewhere, if any."""
    refs = await refs_for_names(uow.session, [name])
    ref = refs.get(name)
    if ref is None:
        return None, None
    events = await _load(uow, calendar, access, ref)
    found = next((e for e in events if e.name == name), None)
    return found, None if found else ref


async def _load(uow: UnitOfWork, calendar: Calendar, access: Access, ref: Ref) -> list[Event]:
    if ref.kind == SERIES:
        return await load_events(uow.session, calendar, access, series=[ref.id])
    return await load_events(uow.session, calendar, access, ids=[ref.id])


async def _owner(uow: UnitOfWork, uid: str) -> Ref | None:
    """What already has this UID: an event an app named, or one of Saison's own."""
    row = (await uow.session.execute(UID_SQL, {"uid": uid})).first()
    if row is not None and (row.activity_id or row.series_id):
        return Ref(ACTIVITY, row.activity_id) if row.activity_id else Ref(SERIES, row.series_id)
    match = SAISON_UID.match(uid)
    if match and match.group(3) == uid_host():
        return Ref(ACTIVITY if match.group(1) == "activity" else SERIES, int(match.group(2)))
    return None


async def _visible(uow: UnitOfWork, access: Access, ref: Ref) -> dict[str, Any] | None:
    """The activity (series) if it is in one of this person's calendars, else None."""
    row = (await uow.session.execute(ROW_SQL[ref.kind], {"id": ref.id})).mappings().first()
    if row is None:
        return None
    values = dict(row)
    calendars = await calendars_for(uow.session, access)
    return values if any(c.could_hold(values, access) for c in calendars) else None


async def _served(uow: UnitOfWork, access: Access, ref: Ref) -> Event | None:
    """The event as this person's calendars show it now (before a move), if they see it."""
    row = (await uow.session.execute(ROW_SQL[ref.kind], {"id": ref.id})).mappings().first()
    if row is None:
        return None
    for calendar in await calendars_for(uow.session, access):
        if calendar.could_hold(dict(row), access):
            events = await _load(uow, calendar, access, ref)
            return next((e for e in events if e.ref == ref), None)
    return None


def _home(calendar: Calendar, access: Access, values: Mapping[str, Any]) -> dict[str, Any]:
    """What puts an activity in ``calendar``: its room, its team, or me among its people."""
    if calendar.kind == ROOM:
        return {"room_id": calendar.ref}
    if calendar.kind == TEAM:
        return {"team_id": calendar.ref}
    people = list(values.get("assignee_ids") or [])
    return {} if access.user_id in people else {"assignee_ids": sorted({*people, access.user_id})}


def _leave(calendar: Calendar, access: Access, values: Mapping[str, Any]) -> dict[str, Any]:
    """Leaving "my schedule" unassigns me; a room or team is only changed by another one."""
    people = list(values.get("assignee_ids") or [])
    if calendar.kind == MINE and access.user_id in people:
        return {"assignee_ids": [p for p in people if p != access.user_id]}
    return {}


# -- writing --------------------------------------------------------------------------------
@dataclass
class Written:
    """What a write touched (an activity or a series), and whether it made a new resource."""

    ref: Ref
    created: bool


async def put_object(
    db: Database,
    principal: Principal,
    access: Access,
    calendar: Calendar,
    name: str,
    incoming: IncomingObject,
    if_match: Sequence[str] | None,
    if_none_match: Sequence[str] | None,
) -> bool:
    """Create, change or move here the event (or repeating event) at ``name``; True when a
    new resource was made at this address."""
    if not calendar.writable:
        raise ReadOnlyCalendar(_("This calendar is read-only."))
    async with unit_of_work(db, principal) as uow:
        current, elsewhere = await _current(uow, calendar, access, name)
        check_preconditions(current, if_match, if_none_match)
        _check_saison_part(current, incoming)
        labels = await _labels(uow)
        before = current
        if current is not None:
            if incoming.uid != current.uid:
                raise UidConflict(_("An event keeps its UID; create a new event instead."))
            written = await _change(uow, calendar, access, current, incoming, labels)
        else:
            owner = await _owner(uow, incoming.uid)
            if owner is None and elsewhere is None:
                written = await _create(uow, calendar, access, name, incoming, labels)
            else:
                before = await _served(uow, access, owner) if owner else None
                written = await _move_here(
                    uow, calendar, access, name, incoming, labels, owner, elsewhere
                )
        await _finish(uow, calendar, access, written, incoming, labels, before)
        return written.created


async def _create(
    uow: UnitOfWork,
    calendar: Calendar,
    access: Access,
    name: str,
    incoming: IncomingObject,
    labels: dict[str, str],
) -> Written:
    if DEFAULT_NAME.match(name) or SERIES_NAME.match(name):
        raise taken()
    reading = await _read(uow, incoming.master, labels)
    data: dict[str, Any] = {
        "kind": default_kind(calendar, uow.settings.calendar_room_kind),
        "title": UNTITLED,
        "status": "confirmed",
        "notes": None,
        **reading.fields,
        **_home(calendar, access, {}),
    }
    await uow.session.execute(FORGET_SQL, {"uid": incoming.uid, "name": name})
    if incoming.repeats:
        series = RecurringActivities(uow)
        data = _validated({**data, "rule": incoming.master.rule}, RecurringActivityIn)
        row = await series.create_series(
            {**data, "exceptions": list(incoming.master.exceptions)},
            await _overrides(uow, incoming, labels),
            commit=False,
        )
        ref = Ref(SERIES, row["id"])
        await _name(uow, NAME_SERIES_SQL, ref.id, name, incoming.uid)
        return Written(ref, True)
    service = ActivityService(uow)
    service.require(Level.WRITE)
    row = await service.insert_row(_validated(data, ActivityIn))
    ref = Ref(ACTIVITY, row["id"])
    await _name(uow, NAME_ACTIVITY_SQL, ref.id, name, incoming.uid)
    return Written(ref, True)


async def _overrides(
    uow: UnitOfWork, incoming: IncomingObject, labels: dict[str, str]
) -> dict[datetime, dict[str, Any]]:
    """Each exception's own fields, by the occurrence it changes (RECURRENCE-ID)."""
    found: dict[datetime, dict[str, Any]] = {}
    for override in incoming.overrides:
        assert override.recurrence_id is not None
        reading = await _read(uow, override, labels)
        found[override.recurrence_id] = _validated(reading.fields, ActivityChanges)
    return found


async def _change(
    uow: UnitOfWork,
    calendar: Calendar,
    access: Access,
    current: Event,
    incoming: IncomingObject,
    labels: dict[str, str],
) -> Written:
    if current.series:
        if not incoming.repeats:
            raise UnsupportedEvent(
                _(
                    "This event repeats: to stop it, give its rule an end date, or delete it "
                    "and create a single event."
                )
            )
        await _replace_series(uow, current.id, incoming, labels, current.version, {})
        return Written(current.ref, False)
    if incoming.repeats:
        return await _make_repeating(uow, calendar, access, current, incoming, labels)
    reading = await _read(uow, incoming.master, labels)
    changes = _validated(reading.fields, ActivityChanges)
    service = ActivityService(uow)
    service.require_to_change(changes)
    await service.update_row(current.id, changes, current.version)
    return Written(current.ref, False)


async def _replace_series(
    uow: UnitOfWork,
    series_id: int,
    incoming: IncomingObject,
    labels: dict[str, str],
    version: int | None,
    home: Mapping[str, Any],
    note: Mapping[str, Any] | None = None,
) -> None:
    reading = await _read(uow, incoming.master, labels)
    pattern = {**_validated(reading.fields, ActivityChanges), **home}
    pattern["rule"] = incoming.master.rule
    service = RecurringActivities(uow)
    service.log_note = dict(note or {})
    await service.replace_series(
        series_id,
        pattern,
        await _overrides(uow, incoming, labels),
        incoming.master.exceptions,
        version,
        commit=False,
    )


async def _make_repeating(
    uow: UnitOfWork,
    calendar: Calendar,
    access: Access,
    current: Event,
    incoming: IncomingObject,
    labels: dict[str, str],
) -> Written:
    """An event the app now repeats: a series whose first occurrence is that activity (it
    keeps its id and history), at the same address and UID."""
    values = await _visible(uow, access, current.ref) or {}
    reading = await _read(uow, incoming.master, labels)
    activity = await ActivityService(uow).get(current.id)
    data = {
        **{k: activity[k] for k in ("kind", "title", "status", "notes")},
        **{k: values.get(k) for k in ("room_id", "team_id", "assignee_ids")},
        **reading.fields,
        "rule": incoming.master.rule,
    }
    data = _validated(data, RecurringActivityIn)
    row = await RecurringActivities(uow).create_series(
        {**data, "exceptions": list(incoming.master.exceptions)},
        await _overrides(uow, incoming, labels),
        commit=False,
        adopt=(current.id, current.version),
    )
    await uow.session.execute(ADOPT_NAME_SQL, {"series": row["id"], "activity": current.id})
    await _name(uow, NAME_SERIES_SQL, row["id"], current.name, current.uid)
    return Written(Ref(SERIES, row["id"]), False)


async def _move_here(
    uow: UnitOfWork,
    calendar: Calendar,
    access: Access,
    name: str,
    incoming: IncomingObject,
    labels: dict[str, str],
    owner: Ref | None,
    elsewhere: Ref | None,
) -> Written:
    """A PUT with the UID of an event of another calendar: the phone moves it here."""
    values = await _visible(uow, access, owner) if owner is not None else None
    if values is None or (elsewhere is not None and elsewhere != owner):
        raise taken()
    assert owner is not None
    if calendar.could_hold(values, access):  # already here, under another name
        held = await _load(uow, calendar, access, owner)
        raise UidConflict(
            _("Another event of this calendar has this UID."),
            href=held[0].name if held else None,
        )
    if (owner.kind == SERIES) != incoming.repeats:
        raise UnsupportedEvent(
            _("Move the event first, then change whether it repeats (two steps).")
        )
    if values.get("kind") == ActivityKind.PERFORMANCE.value:
        raise PermissionDenied(_("Performances are managed in Programming."))
    old_name = await _name_of(uow, owner)
    note = {"moved_to": calendar.slug, **({"former_name": old_name} if old_name != name else {})}
    home = _home(calendar, access, values)
    if owner.kind == SERIES:
        await _replace_series(uow, owner.id, incoming, labels, None, home, note)
        await _name(uow, NAME_SERIES_SQL, owner.id, name, incoming.uid)
    else:
        reading = await _read(uow, incoming.master, labels)
        changes = {**_validated(reading.fields, ActivityChanges), **home}
        service = ActivityService(uow)
        service.log_note = note
        service.require_to_change(changes)
        await service.update_row(owner.id, changes, None)
        await _name(uow, NAME_ACTIVITY_SQL, owner.id, name, incoming.uid)
    return Written(owner, True)


async def _name(uow: UnitOfWork, sql: Any, record_id: int, name: str, uid: str) -> None:
    """The address and UID an app gave (or moved) an event; taken meanwhile: refused."""
    try:
        await uow.session.execute(sql, {"id": record_id, "name": name, "uid": uid})
    except IntegrityError:
        uow.pending.clear()
        await uow.session.rollback()
        raise taken() from None


async def _name_of(uow: UnitOfWork, ref: Ref) -> str:
    column = OWN_COLUMN[ref.kind]
    row = (
        await uow.session.execute(
            text(f"SELECT name FROM calendar_objects WHERE {column} = :id"), {"id": ref.id}
        )
    ).first()
    return str(row.name) if row else f"{ref.kind}-{ref.id}.ics"


async def _finish(
    uow: UnitOfWork,
    calendar: Calendar,
    access: Access,
    written: Written,
    incoming: IncomingObject,
    labels: dict[str, str],
    before: Event | None,
) -> None:
    """Keep what the app sent beside the fields, check its place, and commit."""
    events = await _load(uow, calendar, access, written.ref)
    now = events[0] if events else None
    served_before = _place(before)
    saison_place = _place(now)
    sent = incoming.master.location
    if saison_place is not None and sent and sent not in (saison_place, served_before):
        raise UnsupportedEvent(
            _(
                "This event's place is its room ({room}): to change it, move the event to "
                "that room's calendar.",
                room=saison_place,
            )
        )
    reading = await _read(uow, incoming.master, labels)
    status = reading.fields.get("status") or (now and _status(now)) or "confirmed"
    place = sent if saison_place is None else None
    await _keep(uow, access, written.ref, _kept_lines(reading, status, place), incoming.master)
    if written.ref.kind == SERIES:
        by_start = {o.recurrence_id: o for o in incoming.overrides}
        plain: list[int] = []
        for member in await RecurringActivities(uow).members(written.ref.id):
            override = by_start.get(member["occurrence_start"])
            if override is None:
                plain.append(member["id"])
                continue
            sub = await _read(uow, override, labels)
            ref = Ref(ACTIVITY, member["id"])
            await _keep(uow, access, ref, _kept_lines(sub, member["status"], None), override)
        await _clear(uow, access, plain)
    await uow.commit()


def _place(event: Event | None) -> str | None:
    """The LOCATION Saison serves for an event (its room), if any."""
    places = event.props.get("LOCATION") if event is not None else None
    return places[0] if places else None


def _status(event: Event) -> str:
    return event.props.get("STATUS", ["CONFIRMED"])[0].lower()


async def _keep(
    uow: UnitOfWork, access: Access, ref: Ref, lines: str, event: IncomingEvent | None
) -> None:
    """Store the kept lines (logged when they change: everyone sees them) and my reminders
    (a revision for my other devices; nobody else sees them)."""
    params = {"id": ref.id, "lines": lines}
    sql = PROPERTIES_SQL[ref.kind] if lines else NO_PROPERTIES_SQL[ref.kind]
    if (await uow.session.execute(sql, params)).first() is not None:
        row = (await uow.session.execute(ROW_SQL[ref.kind], {"id": ref.id})).mappings().one()
        names = sorted({re.split(r"[;:]", line, maxsplit=1)[0] for line in lines.split("\r\n")})
        service: ActivityService | RecurringActivities = (
            ActivityService(uow) if ref.kind == ACTIVITY else RecurringActivities(uow)
        )
        uow.record(
            Change(
                workspace="planning",
                entity=service.entity,
                entity_id=ref.id,
                action=f"{service.entity}.calendar_details_changed",
                after={"kept": [n for n in names if n]},
                refs=service.refs_of(dict(row)),
            )
        )
    alarms = event.alarms if event is not None else ""
    await uow.session.execute(ALARMS_LOCK_SQL, {"key": f"calendar_alarms:{access.user_id}"})
    sql = ALARMS_SQL[ref.kind] if alarms else NO_ALARMS_SQL[ref.kind]
    await uow.session.execute(sql, {"me": access.user_id, "id": ref.id, "alarms": alarms})


CLEAR_PROPERTIES_SQL = text(
    "DELETE FROM calendar_properties WHERE activity_id = ANY(:ids) RETURNING activity_id"
)
CLEAR_ALARMS_SQL = text(
    "UPDATE calendar_alarms SET alarms = '', rev = nextval('calendar_alarm_revs') "
    "WHERE user_id = :me AND activity_id = ANY(:ids) AND alarms <> ''"
)


async def _clear(uow: UnitOfWork, access: Access, ids: list[int]) -> None:
    """Occurrences the app sent no exception for: nothing of their own kept (one statement
    each for properties and reminders, however long the series)."""
    if not ids:
        return
    cleared = (await uow.session.execute(CLEAR_PROPERTIES_SQL, {"ids": ids})).scalars().all()
    service = ActivityService(uow)
    for activity_id in cleared:
        row = (await uow.session.execute(ROW_SQL[ACTIVITY], {"id": activity_id})).mappings().one()
        uow.record(
            Change(
                workspace="planning",
                entity="activity",
                entity_id=activity_id,
                action="activity.calendar_details_changed",
                after={"kept": []},
                refs=service.refs_of(dict(row)),
            )
        )
    await uow.session.execute(ALARMS_LOCK_SQL, {"key": f"calendar_alarms:{access.user_id}"})
    await uow.session.execute(CLEAR_ALARMS_SQL, {"me": access.user_id, "ids": ids})


# -- deleting and moving --------------------------------------------------------------------
async def _moved_away(
    uow: UnitOfWork, access: Access, calendar: Calendar, name: str, current: Event | None
) -> tuple[Ref, Mapping[str, Any]] | None:
    """The event this person's app just moved out of this calendar under ``name``, if so:
    the DELETE a phone sends after its PUT to the new calendar."""
    rows = await uow.session.execute(MOVES_SQL, {"me": access.user_id})
    for entity, entity_id, refs in rows:
        ref = Ref(ACTIVITY if entity == "activity" else SERIES, entity_id)
        if refs.get("moved_to") == calendar.slug:
            continue
        named = refs.get("former_name") == name or name == f"{ref.kind}-{ref.id}.ics"
        if (current is not None and current.ref == ref) or (current is None and named):
            return ref, refs
    return None


async def delete_object(
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
        current, _elsewhere = await _current(uow, calendar, access, name)
        moved = await _moved_away(uow, access, calendar, name, current)
        if moved is not None:  # the second half of a move: the activity lives on
            ref, _refs = moved
            values = await _visible(uow, access, ref)
            leave = _leave(calendar, access, values or {})
            if leave:
                await _rehome(uow, ref, leave, {})
            await uow.commit()
            return
        if current is None:
            raise NotFound(_("No such event in this calendar."))
        check_preconditions(current, if_match, None)
        if current.kind == ActivityKind.PERFORMANCE.value:
            raise PermissionDenied(_("Performances are managed in Programming."))
        if current.series:
            await RecurringActivities(uow).delete_series(current.id, current.version)
        else:
            await ActivityService(uow).delete(current.id, current.version)


async def _rehome(
    uow: UnitOfWork, ref: Ref, changes: Mapping[str, Any], note: Mapping[str, Any]
) -> None:
    if ref.kind == SERIES:
        series = RecurringActivities(uow)
        series.log_note = dict(note)
        await series.rehome(ref.id, changes)
        return
    service = ActivityService(uow)
    service.log_note = dict(note)
    service.require_to_change(dict(changes))
    await service.update_row(ref.id, dict(changes), None)


async def move_object(
    db: Database,
    principal: Principal,
    access: Access,
    source: Calendar,
    name: str,
    target: Calendar,
    new_name: str,
    if_match: Sequence[str] | None,
    overwrite: bool,
) -> None:
    """WebDAV MOVE: the event leaves ``source`` for ``target`` (another room, team or "my
    schedule") in one step, under ``new_name``."""
    if not source.writable or not target.writable:
        raise ReadOnlyCalendar(_("This calendar is read-only."))
    async with unit_of_work(db, principal) as uow:
        current, _elsewhere = await _current(uow, source, access, name)
        if current is None:
            raise NotFound(_("No such event in this calendar."))
        check_preconditions(current, if_match, None)
        if source.slug == target.slug:
            raise Conflict(
                _("An event keeps its address in a calendar; move it to another calendar.")
            )
        there, taken_there = await _current(uow, target, access, new_name)
        if there is not None and there.ref != current.ref:
            if not overwrite:
                raise StaleVersion(_("An event already exists at this address."))
            raise Conflict(_("Move the other event away first: an event is already there."))
        if taken_there is not None and taken_there != current.ref:
            raise taken()
        if current.kind == ActivityKind.PERFORMANCE.value:
            raise PermissionDenied(_("Performances are managed in Programming."))
        values = await _visible(uow, access, current.ref) or {}
        changes = {} if target.could_hold(values, access) else _home(target, access, values)
        changes = {**_leave(source, access, values), **changes}
        note = {"moved_to": target.slug}
        if new_name != current.name:
            note["former_name"] = current.name
        if changes:
            await _rehome(uow, current.ref, changes, note)
        sql = NAME_SERIES_SQL if current.series else NAME_ACTIVITY_SQL
        await _name(uow, sql, current.id, new_name, current.uid)
        await uow.commit()


__all__ = ["check_preconditions", "delete_object", "move_object", "put_object"]
