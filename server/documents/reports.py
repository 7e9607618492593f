"""The activity report (bilan d'activité) of a period: what the rooms were used for.

Performances and activities by room, month, genre and kind; how much of the period each room
was in use (a day counts when something confirmed happens there); the options still open; a
chart of performances per month and room. Activities running past the period count for the
part inside it. No fee: the report goes to boards and funders as it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text

from server.core.entities import MAX_PAGE, ListQuery
from server.core.errors import Invalid
from server.core.i18n import N_, _
from server.core.localtime import at, local
from server.core.permissions import Workspace
from server.documents import formatting as fmt
from server.documents.sources import Sources
from server.planning.activities import ActivityService
from server.programming.engagements import EngagementService
from server.programming.shows import ShowService
from server.technical.rooms import RoomService

MAX_DAYS = 400
NO_GENRE = N_("Other")
NO_ROOM = N_("Outside the rooms")
ROOMS_SQL = text("SELECT id, name, color, position, venue_id FROM rooms")
GREY = "#888888"


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def within(activity: dict[str, Any], start: datetime, end: datetime) -> float:
    """Hours of the activity inside [start, end)."""
    begin, finish = max(activity["starts_at"], start), min(activity["ends_at"], end)
    return max((finish - begin).total_seconds() / 3600, 0.0)


def days_used(activity: dict[str, Any], first: date, last: date) -> set[date]:
    """The venue's days the activity touches, inside the period."""
    day = local(activity["starts_at"]).date()
    final = local(activity["ends_at"] - timedelta(microseconds=1)).date()
    out = set()
    while day <= final:
        if first <= day <= last:
            out.add(day)
        day += timedelta(days=1)
    return out


async def rooms_of(src: Sources) -> list[dict[str, Any]]:
    """Rooms in the venue's order; their names and colours label the report (no secret)."""
    if src.may(Workspace.TECHNICAL):
        page = await RoomService(src.uow).list(ListQuery(limit=MAX_PAGE))
        return page.items
    rows = (await src.uow.session.execute(ROOMS_SQL)).mappings().all()
    return sorted((dict(r) for r in rows), key=lambda r: (r["venue_id"], r["position"], r["id"]))


async def activity_report(src: Sources, first: date, last: date) -> dict[str, Any]:
    language = src.language
    if last < first:
        raise Invalid({"end": _("must be on or after start")})
    if (last - first).days >= MAX_DAYS:
        raise Invalid({"end": _("a report covers at most {days} days", days=MAX_DAYS)})
    start, end = at(first, time(0, 0)), at(last + timedelta(days=1), time(0, 0))
    period_days = (last - first).days + 1

    activities = [
        a
        for a in (
            await ActivityService(src.uow).list(ListQuery(start=start, end=end, limit=MAX_PAGE))
        ).items
        if a["status"] != "cancelled"
    ]
    shows = {s["id"]: s for s in (await ShowService(src.uow).list(ListQuery(limit=MAX_PAGE))).items}
    rooms = await rooms_of(src)
    room_names = {r["id"]: r["name"] for r in rooms}
    kinds = await src.kind_labels()
    other = src.word(NO_GENRE)

    by_room: dict[int | None, dict[str, Any]] = defaultdict(
        lambda: {"performances": 0, "tentative": 0, "activities": 0, "hours": 0.0, "days": set()}
    )
    by_month: dict[date, Counter[str]] = defaultdict(Counter)
    per_month_room: dict[date, Counter[int | None]] = defaultdict(Counter)
    by_genre: dict[str, dict[str, Any]] = defaultdict(lambda: {"performances": 0, "shows": set()})
    by_kind: dict[str, dict[str, float]] = defaultdict(lambda: {"count": 0, "hours": 0.0})
    for a in activities:
        room = by_room[a.get("room_id")]
        hours = within(a, start, end)
        month = max(local(a["starts_at"]).date(), first).replace(day=1)
        tentative = a["status"] == "tentative"
        if a["kind"] == "performance":
            if tentative:
                room["tentative"] += 1
                by_month[month]["tentative"] += 1
            else:
                room["performances"] += 1
                by_month[month]["performances"] += 1
                per_month_room[month][a.get("room_id")] += 1
                show = shows.get(a.get("show_id") or 0)
                genre = (show or {}).get("genre") or other
                by_genre[genre]["performances"] += 1
                by_genre[genre]["shows"].add(a.get("show_id"))
        else:
            room["activities"] += 1
            by_month[month]["activities"] += 1
        if not tentative:
            room["hours"] += hours
            room["days"] |= days_used(a, first, last)
            by_kind[a["kind"]]["count"] += 1
            by_kind[a["kind"]]["hours"] += hours

    listed = [r["id"] for r in rooms if r["id"] in by_room] + ([None] if None in by_room else [])
    room_rows = []
    for room_id in listed:
        counts = by_room[room_id]
        used = len(counts["days"]) if room_id else None  # meetings and the like use no room
        room_rows.append(
            {
                "room": room_names.get(room_id) if room_id else src.word(NO_ROOM),
                "performances": counts["performances"],
                "tentative": counts["tentative"],
                "activities": counts["activities"],
                "hours": fmt.hours(counts["hours"], language),
                "days_used": used,
                "occupancy": fmt.share(used, period_days, language) if used is not None else None,
                "occupancy_ratio": used / period_days if used is not None else None,
            }
        )

    options = []
    page = await EngagementService(src.uow).list(
        ListQuery(
            filters={"status": "option"},
            start=first,
            end=last + timedelta(days=1),
            limit=MAX_PAGE,
        )
    )
    engagements = EngagementService(src.uow)
    for option in page.items:
        behind = None
        if option.get("blocked_by_id"):  # rare: an option waiting behind a confirmed show
            holder = await engagements.read(option["blocked_by_id"])
            behind = shows.get(holder["show_id"])
        options.append(
            {
                "show": (shows.get(option["show_id"]) or {}).get("title"),
                "room": room_names.get(option["room_id"]),
                "period": fmt.days(option["first_day"], option["last_day"], language),
                "rank": option.get("option_rank"),
                "expires": fmt.day(option["option_expires_on"], language)
                if option.get("option_expires_on")
                else None,
                "blocked": option.get("blocked_by_id") is not None,
                "behind": behind.get("title") if behind else None,
            }
        )

    months = months_between(first, last)
    chart_rooms = [r for r in rooms if any(per_month_room[m][r["id"]] for m in months)]
    chart: dict[str, Any] = {
        "rooms": [{"name": r["name"], "color": r.get("color") or GREY} for r in chart_rooms],
        "months": [
            {
                "label": fmt.short_month(m, language),
                "values": [per_month_room[m][r["id"]] for r in chart_rooms],
                "total": sum(per_month_room[m].values()),
            }
            for m in months
        ],
    }
    chart["max"] = max((m["total"] for m in chart["months"]), default=0)
    totals = {
        "performances": sum(r["performances"] for r in room_rows),
        "tentative": sum(r["tentative"] for r in room_rows),
        "activities": sum(r["activities"] for r in room_rows),
        "shows": len(
            {
                a.get("show_id")
                for a in activities
                if a["kind"] == "performance" and a["status"] != "tentative"
            }
        ),
        "options": len(options),
        "days": period_days,
    }
    return {
        "brand": await src.brand(),
        "figures": {key: fmt.number(value, language) for key, value in totals.items()},
        "period": fmt.period(first, last, language),
        "totals": totals,
        "rooms": room_rows,
        "months": [
            {
                "label": fmt.month(m, language),
                "performances": by_month[m]["performances"],
                "tentative": by_month[m]["tentative"],
                "activities": by_month[m]["activities"],
            }
            for m in months
        ],
        "genres": [
            {"genre": genre, "performances": v["performances"], "shows": len(v["shows"])}
            for genre, v in sorted(by_genre.items(), key=lambda kv: -kv[1]["performances"])
        ],
        "kinds": [
            {
                "kind": kind,
                "label": kinds.get(kind, kind),
                "count": int(v["count"]),
                "hours": fmt.hours(v["hours"], language),
            }
            for kind, v in sorted(by_kind.items(), key=lambda kv: -kv[1]["count"])
        ],
        "options": options,
        "chart": chart,
    }
