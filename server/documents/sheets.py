"""Road sheets and welcome sheets: the run of an engagement, or one day of it.

A road sheet (feuille de route) is what the crew and the company follow: the schedule per day
and room, the places, the people to call, hospitality, accessibility, the rider's summary. A
welcome sheet (fiche d'accueil) is what the venue hands a visiting company: how to get in, who
looks after them, meals, dressing rooms, accommodation, the days' schedule. Neither ever
carries a fee.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from server.core.errors import Invalid
from server.core.i18n import N_, _
from server.core.localtime import day_of
from server.documents import formatting as fmt
from server.documents.sources import Sources

TOUR_MANAGER = N_("Tour manager")
TECHNICAL_CONTACT = N_("Company stage manager")
HOST = N_("Your host at the venue")


async def run_sheet(src: Sources, engagement_id: int, day: date | None = None) -> dict[str, Any]:
    """What both sheets print about an engagement (one day of it when ``day`` is given)."""
    language = src.language
    engagement = await src.engagement(engagement_id)
    show = await src.show(engagement["show_id"])
    room, venue = await src.venue_of_room(engagement["room_id"])
    first, last = engagement["first_day"], engagement["last_day"]
    activities = await src.activities(engagement_id)
    if day is None:  # the run's days (a school workshop weeks before is not on its sheet)
        activities = [a for a in activities if first <= day_of(a["starts_at"]) <= last]
    else:
        activities = [a for a in activities if day_of(a["starts_at"]) == day]
        if not activities:
            raise Invalid({"day": _("nothing of this engagement is planned on {day}", day=day)})
    company_people = [
        p
        for p in (
            await src.contact(engagement.get("tour_manager_id"), src.word(TOUR_MANAGER)),
            await src.contact(engagement.get("technical_contact_id"), src.word(TECHNICAL_CONTACT)),
        )
        if p is not None
    ]
    if not company_people:  # nobody named for the run yet: the company's own people
        company_people = await src.people_of(show["company_id"], limit=3)
    organiser = await src.organiser()
    host = await src.contact(engagement.get("host_contact_id"), src.word(HOST))
    staff = await src.people_of(organiser["id"], limit=6) if organiser else []
    staff = [p for p in staff if host is None or p["name"] != host["name"]][:4]
    return {
        "brand": await src.brand(),
        "show": show,
        "engagement": {
            "id": engagement["id"],
            "room_id": engagement["room_id"],
            "status": engagement["status"],
            "first_day": first,
            "last_day": last,
            "period": fmt.days(first, last, language),
            "party_size": engagement.get("party_size"),
        },
        "day": {"date": day, "label": fmt.long_day(day, language)} if day else None,
        "room": {
            "name": room["name"],
            "capacity": room.get("capacity"),
            "configuration": await src.configuration(engagement.get("room_configuration_id")),
        },
        "venue": src.venue_block(venue),
        "days": await src.schedule(activities),
        "performances": await src.performances(activities),
        "contacts": {"company": company_people, "venue": staff},
        "host": host,
        "hospitality": {
            "party_size": engagement.get("party_size"),
            "meals": engagement.get("meals"),
            "dressing_rooms": engagement.get("dressing_rooms"),
            "accommodation": engagement.get("accommodation"),
            "travel": engagement.get("travel"),
        },
    }


async def road_sheet(src: Sources, engagement_id: int, day: date | None = None) -> dict[str, Any]:
    data = await run_sheet(src, engagement_id, day)
    data["rider"] = await src.sheets(show_id=data["show"]["id"])
    data["room_sheets"] = await src.sheets(room_id=data["engagement"]["room_id"])
    return data


async def welcome_sheet(src: Sources, engagement_id: int) -> dict[str, Any]:
    return await run_sheet(src, engagement_id)
