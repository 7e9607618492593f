"""The season as the public may see it: schema.org JSON-LD, OpenAgenda JSON and iCalendar.

Only published shows' performances of confirmed engagements are exported, and only from the
communication tables plus the facts the public needs (when, which room of which venue, which
company). Nothing is read from the show's internal fields, the engagement's contract or the
directory's people, so no phone number, email, fee or note can reach a feed: the query below
does not select them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
from icalendar import Calendar, Event
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.core import organisation
from server.core.venue import venue
from server.settings import Settings

# Everything a public event is made of; a change to one of these may change a feed.
PUBLIC_ENTITIES = (
    "show",
    "show_publication",
    "performance_publication",
    "public_image",
    "performance",
    "activity",
    "engagement",
    "room",
    "venue",
    "organisation",
    "organisation_settings",  # the organizer's name, and the zone of every time
)

PUBLISHED = text(
    """
    SELECT a.id, a.starts_at, a.ends_at, a.status AS activity_status, a.show_id,
           a.audio_description AS p_audio_description, a.sign_language AS p_sign_language,
           a.surtitles AS p_surtitles, a.relaxed AS p_relaxed,
           greatest(a.updated_at, e.updated_at, sp.updated_at,
                    coalesce(pp.updated_at, a.updated_at)) AS updated_at,
           s.title AS show_title, s.genre, s.duration_minutes,
           sp.title_fr, sp.title_en, sp.summary_fr, sp.summary_en, sp.text_fr, sp.text_en,
           sp.keywords, sp.language, sp.ticket_url AS show_ticket_url, sp.prices, sp.audience,
           sp.age_from, sp.age_to, sp.audio_description, sp.sign_language, sp.surtitles,
           sp.relaxed, sp.wheelchair, sp.image_id, img.sha256 AS image_sha256,
           pp.ticket_url AS performance_ticket_url,
           coalesce(pp.sold_out, false) AS sold_out, coalesce(pp.cancelled, false) AS cancelled,
           r.id AS room_id, r.name AS room_name,
           v.name AS venue_name, v.address, v.postcode, v.city, v.country,
           o.name AS company
    FROM activities a
    JOIN engagements e ON e.id = a.engagement_id AND e.status = 'confirmed'
    JOIN shows s ON s.id = a.show_id
    JOIN show_publications sp ON sp.show_id = s.id AND sp.published
    LEFT JOIN performance_publications pp ON pp.performance_id = a.id
    LEFT JOIN public_images img ON img.id = sp.image_id
    LEFT JOIN rooms r ON r.id = a.room_id
    LEFT JOIN venues v ON v.id = r.venue_id
    LEFT JOIN organisations o ON o.id = s.company_id
    WHERE a.kind = 'performance'
      AND (a.status = 'confirmed' OR (a.status = 'cancelled' AND pp.cancelled))
      AND (CAST(:since AS timestamptz) IS NULL OR a.ends_at >= CAST(:since AS timestamptz))
    ORDER BY a.starts_at, a.id
    """
)
LAST_CHANGE = text(
    "SELECT at FROM change_log WHERE entity = ANY(:entities) ORDER BY seq DESC LIMIT 1"
)
OWN_VENUE = text("SELECT name FROM venues WHERE is_own ORDER BY id LIMIT 1")

SCHEMA = "https://schema.org/"
# schema.org's kinds of event, chosen from the genre the programming gives a show.
EVENT_TYPES = (
    (("concert", "musique", "jazz", "chanson", "opéra", "opera"), "MusicEvent"),
    (("danse", "dance", "ballet"), "DanceEvent"),
    (("humour", "comedy", "stand-up"), "ComedyEvent"),
    (("conte", "jeune public", "enfant"), "ChildrensEvent"),
)
# OpenAgenda's accessibility flags by kind of disability: hearing, visual, motor, psychic,
# intellectual impairments.
OPENAGENDA_ACCESS = {
    "hi": ("sign_language", "surtitles"),
    "vi": ("audio_description",),
    "mi": ("wheelchair",),
    "pi": ("relaxed",),
    "ii": ("relaxed",),
}
# OpenAgenda's event statuses.
OA_SCHEDULED, OA_FULL, OA_CANCELLED = 1, 5, 6


@dataclass(frozen=True)
class PublicEvent:
    """One performance as the public sees it, in the language asked for."""

    row: dict[str, Any]
    language: str

    def text(self, name: str, language: str | None = None) -> str | None:
        language = language or self.language
        value = self.row.get(f"{name}_{language}")
        if not value and language != "fr":
            value = self.row.get(f"{name}_fr")
        return value or None

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def title(self) -> str:
        return self.text("title") or str(self.row["show_title"])

    def titles(self) -> dict[str, str]:
        return {
            lang: value
            for lang in ("fr", "en")
            if (value := self.row.get(f"title_{lang}") or (self.title if lang == "fr" else None))
        }

    def texts(self, name: str) -> dict[str, str]:
        return {lang: v for lang in ("fr", "en") if (v := self.row.get(f"{name}_{lang}"))}

    @property
    def starts(self) -> datetime:
        return self.row["starts_at"].astimezone(venue().tz)  # type: ignore[no-any-return]

    @property
    def ends(self) -> datetime:
        return self.row["ends_at"].astimezone(venue().tz)  # type: ignore[no-any-return]

    @property
    def cancelled(self) -> bool:
        return bool(self.row["cancelled"]) or self.row["activity_status"] == "cancelled"

    @property
    def ticket_url(self) -> str | None:
        return self.row["performance_ticket_url"] or self.row["show_ticket_url"]

    def accessibility(self) -> dict[str, bool]:
        r = self.row
        return {
            "audio_description": bool(r["audio_description"] or r["p_audio_description"]),
            "sign_language": bool(r["sign_language"] or r["p_sign_language"]),
            "surtitles": bool(r["surtitles"] or r["p_surtitles"]),
            "relaxed": bool(r["relaxed"] or r["p_relaxed"]),
            "wheelchair": bool(r["wheelchair"]),
        }

    def address(self) -> dict[str, str]:
        r = self.row
        parts = {
            "streetAddress": " ".join((r["address"] or "").split()),
            "postalCode": r["postcode"] or "",
            "addressLocality": r["city"] or "",
            "addressCountry": r["country"] or "",
        }
        return {k: v for k, v in parts.items() if v}

    def place_name(self) -> str:
        r = self.row
        return ", ".join(p for p in (r["room_name"], r["venue_name"]) if p)


@dataclass(frozen=True)
class Export:
    """A feed's body and what a cache needs to know of it."""

    body: bytes
    etag: str
    last_modified: datetime | None


async def public_events(
    session: AsyncSession, language: str = "fr", since: datetime | None = None
) -> list[PublicEvent]:
    rows = await session.execute(PUBLISHED, {"since": since})
    return [PublicEvent(dict(row), language) for row in rows.mappings()]


async def last_modified(session: AsyncSession) -> datetime | None:
    """When something the public feeds are made of last changed (the change log knows)."""
    found = await session.execute(LAST_CHANGE, {"entities": list(PUBLIC_ENTITIES)})
    at = found.scalar_one_or_none()
    return at.astimezone(UTC).replace(microsecond=0) if at is not None else None


async def organiser_name(session: AsyncSession, settings: Settings) -> str:
    """The venue as its papers name it (the documents' rule): the organisation's name
    (Administration › Organisation, filled from SAISON_VENUE_NAME at the first start), else its
    own venue's name. ``settings`` is kept for callers; the record is what counts."""
    named = (await organisation.read_row(session))["name"]
    if named:
        return str(named)
    own = (await session.execute(OWN_VENUE)).scalar_one_or_none()
    return str(own or "Saison")


def image_urls(event: PublicEvent) -> dict[str, str]:
    if event.row["image_id"] is None:
        return {}
    base = f"{venue().public_url.rstrip('/')}/public/images/{event.row['image_id']}"
    stamp = f"?v={str(event.row['image_sha256'])[:12]}"
    return {size: f"{base}/{size}{stamp}" for size in ("1200.jpg", "600.jpg", "1200.webp")}


def event_url(event: PublicEvent) -> str:
    return f"{venue().public_url.rstrip('/')}/public/events/{event.id}"


def _offset_iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _encode(document: Any) -> bytes:
    return msgspec.json.encode(document)


def _seal(body: bytes, changed: datetime | None) -> Export:
    digest = hashlib.sha256(body).hexdigest()[:32]
    return Export(body, f'"{digest}"', changed)


# -- schema.org -------------------------------------------------------------------------------
def event_type(genre: str | None) -> str:
    folded = (genre or "").casefold()
    for words, kind in EVENT_TYPES:
        if any(word in folded for word in words):
            return kind
    return "TheaterEvent"


def json_ld_event(event: PublicEvent, organiser: str) -> dict[str, Any]:
    r = event.row
    offers: list[dict[str, Any]] = []
    availability = SCHEMA + ("SoldOut" if r["sold_out"] else "InStock")
    for price in r["prices"] or []:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "name": price["label"],
            "price": price["amount"],
            "priceCurrency": "EUR",
            "availability": availability,
        }
        if event.ticket_url:
            offer["url"] = event.ticket_url
        offers.append(offer)
    if not offers and event.ticket_url:
        offers.append({"@type": "Offer", "url": event.ticket_url, "availability": availability})
    document: dict[str, Any] = {
        "@type": event_type(r["genre"]),
        "@id": event_url(event),
        "identifier": str(event.id),
        "name": event.title,
        "startDate": _offset_iso(event.starts),
        "endDate": _offset_iso(event.ends),
        "eventStatus": SCHEMA + ("EventCancelled" if event.cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": event.place_name() or organiser,
            "address": {"@type": "PostalAddress", **event.address()},
        },
        "organizer": {
            "@type": "Organization",
            "name": organiser,
            "url": venue().public_url,
        },
    }
    description = event.text("summary") or event.text("text")
    if description:
        document["description"] = description
    if r["company"]:
        document["performer"] = {"@type": "PerformingGroup", "name": r["company"]}
    images = image_urls(event)
    if images:
        document["image"] = list(images.values())
    if offers:
        document["offers"] = offers
    if r["language"]:
        document["inLanguage"] = r["language"]
    if r["age_from"] is not None or r["age_to"] is not None:
        document["typicalAgeRange"] = f"{r['age_from'] or 0}-{r['age_to'] or ''}"
    if r["keywords"]:
        document["keywords"] = ", ".join(r["keywords"])
    if r["duration_minutes"]:
        document["duration"] = f"PT{r['duration_minutes']}M"
    features = [name for name, on in event.accessibility().items() if on]
    if features:
        document["accessibilityFeature"] = features
    return document


def json_ld(events: list[PublicEvent], organiser: str, changed: datetime | None) -> Export:
    graph = [json_ld_event(e, organiser) for e in events]
    return _seal(_encode({"@context": "https://schema.org", "@graph": graph}), changed)


# -- OpenAgenda --------------------------------------------------------------------------------
def _oa_time(moment: datetime) -> str:
    """2026-10-06T20:30:00+0200: the offset without a colon, as OpenAgenda writes it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def openagenda(events: list[PublicEvent], changed: datetime | None) -> Export:
    """One OpenAgenda event per show and room, its performances as timings.

    A performance announced as cancelled leaves the timings (OpenAgenda has no status per
    timing); an event whose every performance is cancelled is itself cancelled, one whose every
    performance is sold out is full."""
    groups: dict[tuple[int, int | None], list[PublicEvent]] = {}
    for event in events:
        groups.setdefault((event.row["show_id"], event.row["room_id"]), []).append(event)
    out: list[dict[str, Any]] = []
    for (show_id, room_id), members in groups.items():
        first = members[0]
        r = first.row
        playing = [e for e in members if not e.cancelled]
        timings = [
            {"begin": _oa_time(e.starts), "end": _oa_time(e.ends)} for e in playing or members
        ]
        if not playing:
            status = OA_CANCELLED
        elif all(e.row["sold_out"] for e in playing):
            status = OA_FULL
        else:
            status = OA_SCHEDULED
        flags: dict[str, bool] = {}
        for e in members:
            for name, on in e.accessibility().items():
                flags[name] = flags.get(name, False) or on
        item: dict[str, Any] = {
            "uid": f"saison-{show_id}-{room_id or 0}",
            "title": first.titles(),
            "description": first.texts("summary"),
            "longDescription": first.texts("text"),
            "keywords": {"fr": list(r["keywords"] or [])},
            "image": {"url": image_urls(first)["1200.jpg"]} if image_urls(first) else None,
            "registration": [
                {"type": "link", "value": url}
                for url in dict.fromkeys(e.ticket_url for e in members if e.ticket_url)
            ],
            "conditions": {"fr": _conditions(r["prices"] or [])} if r["prices"] else {},
            "accessibility": {
                code: any(flags.get(name, False) for name in names)
                for code, names in OPENAGENDA_ACCESS.items()
            },
            "age": {"min": r["age_from"], "max": r["age_to"]}
            if r["age_from"] is not None or r["age_to"] is not None
            else None,
            "attendanceMode": 1,  # offline: in the venue
            "location": {
                "name": first.place_name(),
                "address": ", ".join(
                    p
                    for p in (
                        " ".join((r["address"] or "").split()),
                        " ".join(x for x in (r["postcode"], r["city"]) if x),
                    )
                    if p
                ),
                "city": r["city"],
                "postalCode": r["postcode"],
                "countryCode": (r["country"] or "FR").upper()[:2],
            },
            "timezone": venue().timezone,
            "status": status,
            "timings": timings,
            "updatedAt": max(e.row["updated_at"] for e in members)
            .astimezone(venue().tz)
            .isoformat(timespec="seconds"),
        }
        out.append(item)
    return _seal(_encode({"total": len(out), "events": out}), changed)


def _conditions(prices: list[dict[str, Any]]) -> str:
    return ", ".join(f"{p['label']} {p['amount'].replace('.', ',')} €" for p in prices)


# -- iCalendar ---------------------------------------------------------------------------------
def ics(events: list[PublicEvent], organiser: str, changed: datetime | None) -> Export:
    calendar = Calendar()
    calendar.add("prodid", "-//Saison//Public programme//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{organiser} — programme")
    calendar.add("x-wr-timezone", venue().timezone)
    host = venue().public_url.split("://", 1)[-1].split("/", 1)[0]
    stamp = (changed or datetime(2000, 1, 1, tzinfo=UTC)).astimezone(UTC)
    for e in events:
        vevent = Event()
        vevent.add("uid", f"public-{e.id}@{host}")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", e.starts)
        vevent.add("dtend", e.ends)
        vevent.add("summary", e.title + (f" — {e.row['company']}" if e.row["company"] else ""))
        lines = [x for x in (e.text("summary"),) if x]
        if e.ticket_url:
            lines.append(e.ticket_url)
        if lines:
            vevent.add("description", "\n\n".join(lines))
        location = ", ".join(p for p in (e.place_name(), *e.address().values()) if p)
        if location:
            vevent.add("location", location)
        if e.ticket_url:
            vevent.add("url", e.ticket_url)
        vevent.add("status", "CANCELLED" if e.cancelled else "CONFIRMED")
        vevent.add("transp", "TRANSPARENT")
        if e.row["genre"]:
            vevent.add("categories", [e.row["genre"]])
        calendar.add_component(vevent)
    calendar.add_missing_timezones()
    return _seal(calendar.to_ical(), changed)


IMAGE_PUBLIC = text(
    "SELECT EXISTS (SELECT 1 FROM show_publications WHERE image_id = :id AND published)"
)


async def image_is_public(session: AsyncSession, image_id: int) -> bool:
    """An image is public once it is the image of a published show."""
    return bool((await session.execute(IMAGE_PUBLIC, {"id": image_id})).scalar())
