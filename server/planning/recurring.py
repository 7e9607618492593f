"""Repeating activities: the weekly production meeting, daily crew calls, a monthly inventory.

A repeating activity is a pattern (kind, title, room, team, people, the times of its first
occurrence) and a rule in the calendar apps' own language (an RFC 5545 RRULE: "every Monday
until 30 June", "every day, 12 times"). The rule is expanded by ``dateutil`` (the library
``icalendar`` and calendar clients rely on) in the venue's wall-clock time, so a 10:00 meeting
stays at 10:00 across a change of daylight saving time. Each occurrence becomes a real activity
linked to its series: it books its room and is refused on a double booking like any other, and
the timeline shows it with nothing special. An occurrence deleted is an exception (EXDATE); one
moved or renamed keeps where the rule placed it (its RECURRENCE-ID, ``occurrence_start``).

Expansion is bounded: a rule must end (COUNT or UNTIL), within ``MAX_OCCURRENCES`` occurrences
and ``MAX_SPAN_DAYS`` days, so a phone's "repeat forever" is refused with a reason instead of
filling the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any

from dateutil.rrule import rrulestr
from icalendar import vRecur
from pydantic import Field
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from server.core.entities import EntityService, Filter, plain
from server.core.errors import Conflict, Invalid, NotFound
from server.core.fields import Id, Input, LongText, Name
from server.core.i18n import N_, Message, Span, _, ngettext
from server.core.localtime import local, venue_time
from server.core.permissions import Level, Workspace
from server.core.records import RecordRead
from server.core.venue import venue
from server.planning.activities import ActivityOut, ActivityService, localise
from server.planning.bookings import Slot, conflicts_for, lock_rooms
from server.planning.models import (
    ROOM_BOOKINGS_NO_OVERLAP,
    Activity,
    ActivityKind,
    ActivitySeries,
    ActivityStatus,
)

MAX_OCCURRENCES = 366  # a daily crew call for a whole year
MAX_SPAN_DAYS = 731  # two seasons
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# What an occurrence shares with its series; an occurrence that differs in one of these is
# still part of it, shown as an exception of the repeating event (RECURRENCE-ID).
PATTERN_FIELDS = ("kind", "title", "status", "notes")
# Where it belongs: an occurrence moved to another room, team or people lives on its own in
# calendars (the repeating event skips it) but stays linked to its series.
HOME_FIELDS = ("room_id", "team_id", "assignee_ids")
DEFER_BOOKINGS = text(f"SET CONSTRAINTS {ROOM_BOOKINGS_NO_OVERLAP} DEFERRED")
CHECK_BOOKINGS = text(f"SET CONSTRAINTS {ROOM_BOOKINGS_NO_OVERLAP} IMMEDIATE")


class RecurringActivityIn(Input):
    kind: ActivityKind
    title: Name
    room_id: Id | None = None
    team_id: Id | None = None
    assignee_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Users each occurrence is assigned to"
    )
    status: ActivityStatus = ActivityStatus.CONFIRMED
    notes: LongText | None = None
    starts_at: datetime = Field(
        description="Start of the first occurrence (venue time if no offset)"
    )
    ends_at: datetime = Field(description="End of the first occurrence")
    rule: str = Field(
        min_length=6,
        max_length=500,
        description="RFC 5545 RRULE, ending with COUNT or UNTIL, e.g. "
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630 or FREQ=DAILY;COUNT=12",
    )
    exceptions: list[datetime] = Field(
        default_factory=list,
        max_length=MAX_OCCURRENCES,
        description="Occurrences to leave out, by their start (EXDATE)",
    )
    dry_run: bool = Field(
        default=False, description="Only list the occurrences and what they would collide with"
    )


class RecurringActivityOut(RecordRead):
    kind: ActivityKind
    title: str
    room_id: int | None
    team_id: int | None
    assignee_ids: list[int]
    status: ActivityStatus
    notes: str | None
    starts_at: datetime
    ends_at: datetime
    rule: str


class RecurringActivityPlanOut(RecurringActivityOut):
    """A series with its occurrences (and, for a dry run, what they would collide with)."""

    id: int | None  # type: ignore[assignment]
    version: int | None  # type: ignore[assignment]
    created_at: datetime | None  # type: ignore[assignment]
    updated_at: datetime | None  # type: ignore[assignment]
    occurrences: list[ActivityOut]
    conflicts: list[dict[str, Any]]


# -- the rule ----------------------------------------------------------------------------------
def all_day(starts_at: datetime, ends_at: datetime) -> bool:
    """Whole days in the venue's zone (midnight to midnight): how calendars show them."""
    start, end = local(starts_at), local(ends_at)
    return start.time() == time(0) and end.time() == time(0) and end > start


@dataclass(frozen=True)
class Rule:
    """A checked, bounded rule: its text as stored and served, and its occurrence starts."""

    text: str
    starts: tuple[datetime, ...]


def _until_wall(value: Any, whole_days: bool) -> datetime:
    """UNTIL as the venue's wall-clock time (dateutil compares it with naive occurrences)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return local(value).replace(tzinfo=None)
        return value
    if isinstance(value, date):  # a last day: all of it
        return datetime.combine(value, time(0) if whole_days else time(23, 59, 59))
    raise Invalid({"rule": _("UNTIL must be a date or a date and time")})


def expand(rule: str, starts_at: datetime, ends_at: datetime) -> Rule:
    """The occurrence starts of ``rule`` from ``starts_at``, or ``Invalid`` saying why not."""
    try:
        parts = vRecur.from_ical(rule.strip().removeprefix("RRULE:"))
    except Exception:
        raise Invalid({"rule": _("not an RFC 5545 recurrence rule (RRULE)")}) from None
    freq = str((parts.get("FREQ") or [""])[0]).upper()
    if freq not in FREQUENCIES:
        raise Invalid({"rule": _("FREQ must be one of {known}", known=", ".join(FREQUENCIES))})
    has_count, has_until = "COUNT" in parts, "UNTIL" in parts
    if has_count == has_until:
        raise Invalid(
            {
                "rule": _(
                    "a repeating activity needs an end: a number of times (COUNT) or a last "
                    "date (UNTIL), one of the two; at most {max} times within {days} days",
                    max=MAX_OCCURRENCES,
                    days=MAX_SPAN_DAYS,
                )
            }
        )
    if has_count and not 1 <= int(parts["COUNT"][0]) <= MAX_OCCURRENCES:
        raise Invalid({"rule": _("COUNT is between 1 and {max}", max=MAX_OCCURRENCES)})
    try:
        return _expand(parts, starts_at, ends_at, has_until)
    except OverflowError:  # a first occurrence near the end of the calendar
        raise Invalid({"starts_at": _("too far in the future to repeat")}) from None


def _expand(parts: Any, starts_at: datetime, ends_at: datetime, has_until: bool) -> Rule:
    tz = venue().tz
    whole_days = all_day(starts_at, ends_at)
    wall_start = local(starts_at).replace(tzinfo=None)
    stored = dict(parts)
    for_dateutil = dict(parts)
    if has_until:
        until = _until_wall(parts["UNTIL"][0], whole_days)
        for_dateutil["UNTIL"] = [until]
        # Stored as RFC 5545 wants it beside a DTSTART with a zone: in UTC (a day for all-day).
        stored["UNTIL"] = [
            until.date()
            if whole_days
            else until.replace(tzinfo=tz).astimezone(UTC).replace(microsecond=0)
        ]
    try:
        recurrence = rrulestr(
            "RRULE:" + vRecur(for_dateutil).to_ical().decode(), dtstart=wall_start
        )
        walls = list(islice(iter(recurrence), MAX_OCCURRENCES + 1))  # type: ignore[call-overload]
    except (ValueError, TypeError, OverflowError) as error:  # dateutil's refusals
        raise Invalid({"rule": _("cannot be read: {error}", error=str(error))}) from None
    if len(walls) > MAX_OCCURRENCES:
        raise Invalid({"rule": _("at most {max} occurrences", max=MAX_OCCURRENCES)})
    if not walls or walls[0] != wall_start:
        raise Invalid(
            {"starts_at": _("the first occurrence must follow the rule (start on one of its days)")}
        )
    if (walls[-1] - walls[0]).days > MAX_SPAN_DAYS:
        raise Invalid(
            {"rule": _("a repeating activity spans at most {days} days", days=MAX_SPAN_DAYS)}
        )
    starts = tuple(venue_time(w, "starts_at") for w in walls)
    return Rule(vRecur(stored).to_ical().decode(), starts)


def end_of(occurrence: datetime, starts_at: datetime, ends_at: datetime) -> datetime:
    """When an occurrence ends: whole days stay whole days, timed ones last as long as the
    first (exact duration, RFC 5545 §3.8.5.3)."""
    if all_day(starts_at, ends_at):
        days = (local(ends_at).date() - local(starts_at).date()).days
        return venue_time(
            datetime.combine(local(occurrence).date() + timedelta(days=days), time(0)), "ends_at"
        )
    return occurrence + (ends_at - starts_at)


# -- the series ----------------------------------------------------------------------------
class RecurringActivities(EntityService):
    """Repeating activities and their occurrences; every write checks the room's bookings."""

    model = ActivitySeries
    entity = "activity_series"
    label = N_("repeating activity")
    workspace = Workspace.PLANNING
    references = {"room_id": "room", "team_id": "team"}
    filters = {
        "room_id": Filter("room_id", int),
        "team_id": Filter("team_id", int),
        "kind": Filter("kind", ActivityKind),
    }
    search_columns = ("title", "notes")
    order_by = ("starts_at", "id")
    log_refs = {
        "room_id": "room",
        "team_id": "team",
        "assignee_ids": "users",
        "kind": "kind",
        "status": "status",
        "starts_at": "time",
        "ends_at": "time",
    }

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if values.get("kind") == ActivityKind.PERFORMANCE.value:
            raise Invalid({"kind": _("performances are generated by Programming, not repeated")})
        for key in ("starts_at", "ends_at"):
            values[key] = localise(values[key], key)
        if values["ends_at"] <= values["starts_at"]:
            raise Invalid({"ends_at": _("must be after starts_at")})
        values["rule"] = expand(values["rule"], values["starts_at"], values["ends_at"]).text
        if values.get("assignee_ids"):
            values["assignee_ids"] = sorted(set(values["assignee_ids"]))

    # -- planning occurrences -----------------------------------------------------------------
    def occurrences(
        self,
        pattern: Mapping[str, Any],
        exceptions: Iterable[datetime] = (),
        overrides: Mapping[datetime, Mapping[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """The activities a pattern, its rule and exceptions make (overrides applied)."""
        rule = expand(pattern["rule"], pattern["starts_at"], pattern["ends_at"])
        starts = set(rule.starts)
        skipped = {localise(moment, "exceptions") for moment in exceptions}
        strays = skipped - starts
        if strays:
            first = min(strays)
            raise Invalid(
                {"exceptions": _("{when} is not an occurrence of the rule", when=local(first))}
            )
        overrides = overrides or {}
        strays = set(overrides) - starts
        if strays:
            raise Invalid(
                {
                    "exceptions": _(
                        "{when} is not an occurrence of the rule", when=local(min(strays))
                    )
                }
            )
        planned = []
        for start in rule.starts:
            if start in skipped:
                continue
            row = {key: pattern.get(key) for key in (*PATTERN_FIELDS, *HOME_FIELDS)}
            row["assignee_ids"] = list(pattern.get("assignee_ids") or [])
            row.update(
                starts_at=start,
                ends_at=end_of(start, pattern["starts_at"], pattern["ends_at"]),
                series_id=pattern.get("id"),
                occurrence_start=start,
            )
            row.update(overrides.get(start, {}))
            planned.append(plain(row))
        if not planned:
            raise Invalid({"exceptions": _("every occurrence is left out")})
        return planned

    async def _conflicts(
        self, planned: Sequence[Mapping[str, Any]], exclude: Iterable[int] = ()
    ) -> list[dict[str, Any]]:
        slots = [Slot.of({**p, "id": None}, ref=i) for i, p in enumerate(planned)]
        return await conflicts_for(self.session, slots, exclude)

    def _refuse(self, conflicts: list[dict[str, Any]]) -> Conflict:
        first = next((c["with"] for c in conflicts if "activity_id" in c["with"]), None)
        first = first or conflicts[0]["with"]
        return Conflict(
            ngettext(
                "{count} occurrence would collide with the room's bookings: “{title}”, {when}; "
                "nothing was saved.",
                "{count} occurrences would collide with the room's bookings, the first with "
                "“{title}”, {when}; nothing was saved.",
                len({c["proposal"] for c in conflicts}),
                title=first.get("title") or "",
                when=Span(
                    datetime.fromisoformat(first["starts_at"]),
                    datetime.fromisoformat(first["ends_at"]),
                ),
            ),
            conflicts=conflicts,
            kind="double-booking",
        )

    def _present(self, row: Mapping[str, Any], occurrences: Sequence[Mapping[str, Any]]) -> Any:
        activities = ActivityService(self.uow)
        return {
            **self.visible(row),
            "occurrences": activities.visible_many([dict(o) for o in occurrences]),
            "conflicts": [],
        }

    # -- writes ---------------------------------------------------------------------------------
    async def create_series(
        self,
        data: Mapping[str, Any],
        overrides: Mapping[datetime, Mapping[str, Any]] | None = None,
        *,
        dry_run: bool = False,
        commit: bool = True,
        adopt: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """A series and all its occurrences, or none of it (a 409 names the collisions).

        ``adopt`` (an activity's id and version): that activity becomes the first occurrence
        (it keeps its id and history) — an event a calendar app now repeats.
        """
        self.require(Level.READ if dry_run else Level.WRITE)
        exceptions = list(data.get("exceptions") or [])
        pattern = plain({k: v for k, v in data.items() if k not in ("exceptions", "dry_run")})
        await self.check(pattern, None)
        planned = self.occurrences(pattern, exceptions, overrides)
        if not dry_run:
            await lock_rooms(self.session, {p.get("room_id") for p in planned})
        conflicts = await self._conflicts(planned, exclude=[adopt[0]] if adopt else [])
        if dry_run:
            preview = {**pattern, "id": None, "version": None, "created_at": None}
            return {
                **self.visible({**preview, "updated_at": None}),
                "occurrences": ActivityService(self.uow).visible_many(planned),
                "conflicts": conflicts,
            }
        if conflicts:
            raise self._refuse(conflicts)
        row = await self.insert_row(pattern)
        activities = ActivityService(self.uow)
        made = []
        for occurrence in planned:
            occurrence = {**occurrence, "series_id": row["id"]}
            if adopt and occurrence["occurrence_start"] == pattern["starts_at"]:
                made.append(await activities.update_row(adopt[0], occurrence, adopt[1]))
                adopt = None
                continue
            made.append(await activities.insert_row(occurrence))
        if adopt:  # its date is left out of the rule: it goes, the series takes its place
            await activities.delete_row(adopt[0], adopt[1])
        if commit:
            await self.uow.commit()
        return self._present(row, made)

    async def members(self, series_id: int) -> list[dict[str, Any]]:
        a: Any = Activity.__table__  # type: ignore[attr-defined]
        rows = await self.session.execute(
            select(a).where(a.c.series_id == series_id).order_by(a.c.starts_at, a.c.id)
        )
        return [dict(r) for r in rows.mappings()]

    async def replace_series(
        self,
        series_id: int,
        data: Mapping[str, Any],
        overrides: Mapping[datetime, Mapping[str, Any]],
        exceptions: Iterable[datetime],
        expected_version: int | None,
        *,
        commit: bool = True,
    ) -> dict[str, Any]:
        """Make the series what an app sent: its pattern, rule, exceptions and overrides.

        Occurrences still in the series are changed in place (they keep their ids and history),
        new ones are created, those left out are deleted; an occurrence that lives elsewhere
        (another room, team or people) is left as it is. Nothing is saved on a collision.
        """
        self.require(Level.WRITE)
        current = await self.get(series_id, for_update=True)
        self.check_version(current, expected_version)
        pattern = plain({**current, **data})
        await self.check(pattern, current)
        planned = self.occurrences(pattern, exceptions, overrides)
        members = await self.members(series_id)
        attached = {m["occurrence_start"]: m for m in members if is_attached(m, current)}
        detached = {m["occurrence_start"] for m in members if not is_attached(m, current)}
        planned = [p for p in planned if p["occurrence_start"] not in detached]
        await lock_rooms(
            self.session,
            {p.get("room_id") for p in planned} | {m.get("room_id") for m in members},
        )
        conflicts = await self._conflicts(planned, exclude=[m["id"] for m in members])
        if conflicts:
            raise self._refuse(conflicts)
        await self.session.execute(DEFER_BOOKINGS)  # occurrences may pass each other meanwhile
        activities = ActivityService(self.uow)
        kept: set[int] = set()
        made = []
        for occurrence in planned:
            existing = attached.get(occurrence["occurrence_start"])
            if existing is None:
                made.append(await activities.insert_row(occurrence))
                continue
            kept.add(existing["id"])
            made.append(await activities.update_row(existing["id"], occurrence, None))
        for member in attached.values():
            if member["id"] not in kept:
                await activities.delete_row(member["id"], None)
        row = await self.update_row(series_id, dict(data), None)
        try:
            await self.session.execute(CHECK_BOOKINGS)
        except DBAPIError as error:
            await self.abort()
            raise Conflict(
                _("The room was being booked at the same moment by someone else; try again."),
                kind="double-booking",
            ) from error
        if commit:
            await self.uow.commit()
        return self._present(row, made)

    async def rehome(self, series_id: int, changes: Mapping[str, Any]) -> None:
        """Move a series (and each occurrence that lives where it does) to another room, team
        or people; the bookings are checked first, nothing is saved on a collision."""
        self.require(Level.WRITE)
        current = await self.get(series_id, for_update=True)
        members = [m for m in await self.members(series_id) if is_attached(m, current)]
        planned = [{**m, **changes} for m in members]
        await lock_rooms(
            self.session, {p.get("room_id") for p in planned} | {m.get("room_id") for m in members}
        )
        conflicts = await self._conflicts(planned, exclude=[m["id"] for m in members])
        if conflicts:
            raise self._refuse(conflicts)
        activities = ActivityService(self.uow)
        activities.log_note = self.log_note
        for member in members:
            await activities.update_row(member["id"], dict(changes), None)
        await self.update_row(series_id, dict(changes), None)

    async def delete_series(self, series_id: int, expected_version: int | None) -> None:
        """The series and every one of its occurrences, each with its line in the history."""
        self.require(Level.WRITE)
        current = await self.get(series_id, for_update=True)
        self.check_version(current, expected_version)
        activities = ActivityService(self.uow)
        for member in await self.members(series_id):
            await activities.delete_row(member["id"], None)
        await self.delete_row(series_id, None)
        await self.uow.commit()

    async def delete(self, record_id: int, expected_version: int | None) -> None:
        await self.delete_series(record_id, expected_version)

    async def delete_occurrence(
        self, series_id: int, activity_id: int, expected_version: int | None
    ) -> None:
        """One occurrence (the series then skips that date: an EXDATE for calendar apps)."""
        self.require(Level.WRITE)
        await self.get(series_id)
        activities = ActivityService(self.uow)
        row = await activities.get(activity_id, for_update=True)
        if row.get("series_id") != series_id:
            raise NotFound(
                _(
                    "{record:capital} {id} is not an occurrence of this repeating activity.",
                    record=Message(N_("activity")),
                    id=activity_id,
                )
            )
        await activities.delete_row(activity_id, expected_version)
        await self.uow.commit()


def is_attached(occurrence: Mapping[str, Any], series: Mapping[str, Any]) -> bool:
    """Whether an occurrence still lives where its series does (same room, team and people)."""
    return all(
        (occurrence.get(key) or None) == (series.get(key) or None)
        if key != "assignee_ids"
        else sorted(occurrence.get(key) or []) == sorted(series.get(key) or [])
        for key in HOME_FIELDS
    )
