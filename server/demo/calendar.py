"""When things happen in the demo season, as a French venue's year runs.

The season opens in mid-September (season presentation, European Heritage Days), closes for the
winter holidays after its Christmas shows, holds options for a spring not yet settled, ends in
late June with a festival and the next season's presentation, and closes for the summer after a
fortnight of works. Shows play at 20:00 (19:00 on Thursdays for theatre), Sunday matinées at
16:00, concerts in the foyer late; children's shows have school performances at 10:00 and 14:30
on weekdays. Crews work in four-hour services with a meal hour between them.

Only dates and times here; ``season.py`` writes them through the services.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.core.localtime import at
from server.demo.words import CLASSICS, LINKS, ROOMS, TITLES

SEASON = (date(2026, 9, 14), date(2027, 6, 27))
WINTER_BREAK = (date(2026, 12, 21), date(2027, 1, 3))  # the theatre closes for the holidays
SUMMER_WORKS = (date(2027, 6, 28), date(2027, 7, 9))  # the stage equipment's yearly overhaul
SUMMER_BREAK = (date(2027, 7, 10), date(2027, 8, 22))  # closed; the team is back on the 23rd
FIRST_MEETING = date(2026, 8, 31)  # the first production meeting of the season (a Monday)
PRESENTATIONS = (date(2026, 9, 18), date(2027, 6, 18))  # this season's and the next one's
HERITAGE_DAY = date(2026, 9, 19)  # Journées européennes du patrimoine: guided tours
FESTIVAL = "Festival Les Courants d'air"
FESTIVAL_DAYS = (date(2027, 5, 25), date(2027, 5, 30))
FESTIVAL_NOTE = (
    f"{FESTIVAL} (cirque, danse et jeune public, du 25 au 30 mai 2027) : "
    "billet festival, navettes vers Les Rives."
)
CHRISTMAS_NOTE = "Spectacle de fin d'année, en famille."
SERVICE = timedelta(hours=4)
MEAL = timedelta(hours=1)


@dataclass(frozen=True)
class Pinned:
    """A show the season is built around: it plays when the calendar says, not at random."""

    room: str
    title: str
    first: date
    days: int
    note: str
    get_in_days: int = 1


PINNED = (
    Pinned("grande", "Cirque à l'envers", date(2026, 12, 16), 5, CHRISTMAS_NOTE, 2),
    Pinned("gp", "La Forêt qui chante", date(2026, 12, 16), 4, CHRISTMAS_NOTE),
    Pinned("studio", "Ô Lune", date(2026, 12, 15), 4, CHRISTMAS_NOTE),
    Pinned(
        "hall",
        "Bal trad' du printemps",
        date(2027, 4, 10),
        1,
        "Le bal du printemps : parquet au foyer, buvette, initiation aux danses à 20 h.",
        0,
    ),
    Pinned("studio", "Les Petits Géants", date(2027, 5, 25), 4, FESTIVAL_NOTE),
    Pinned("grande", "Vertiges", date(2027, 5, 26), 2, FESTIVAL_NOTE, 2),
    Pinned("gp", "Les Hautes Herbes", date(2027, 5, 28), 2, FESTIVAL_NOTE),
    Pinned("rives", "Les Voltigeurs", date(2027, 5, 29), 2, FESTIVAL_NOTE),
)
PINNED_TITLES = frozenset(p.title for p in PINNED)
# Shows with their own length (a ball lasts the evening).
DURATIONS = {"Bal trad' du printemps": 180}


@dataclass
class Spec:
    title: str
    genre: str
    duration: int = 60
    surtitles: bool = False
    id: int = 0


@dataclass
class Slot:
    """A show in a room: get-in day(s), then performance days (Mondays are days off)."""

    room: str
    show: int
    get_in: date
    days: list[date]
    status: str = "confirmed"
    note: str | None = None
    pinned: bool = False
    rival: int | None = None  # a second show with an option on the same room and days
    expires: date | None = None  # when this option lapses
    rival_expires: date | None = None


def in_break(day: date) -> bool:
    return WINTER_BREAK[0] <= day <= WINTER_BREAK[1] or day > SEASON[1]


def playing_days(first: date, count: int) -> list[date]:
    """``count`` days from ``first``, skipping Mondays (the days off)."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() != 0:
            days.append(day)
        day += timedelta(days=1)
    return days


def linked(room: str) -> set[str]:
    """The room and the rooms it cannot be used with at the same time."""
    return {room} | {other for pair in LINKS for other in pair if room in pair}


def times(spec: Spec, room: str, day: date) -> list[tuple[time, str | None]]:
    """When a show plays on a day, with a note for school performances."""
    weekday = day.weekday()
    school = "Séance scolaire"
    if spec.genre == "jeune public":
        if weekday in (1, 3, 4):
            return [(time(10), school), (time(14, 30), school)]
        if weekday == 2:
            return [(time(10), school), (time(15), None)]
        return [(time(16), None)]
    if room == "hall":  # concerts in the foyer start late, after dinner
        if weekday == 6:
            return [(time(17), None)]
        return [(time(21), None)] if weekday in (4, 5) else [(time(20, 30), None)]
    if weekday == 6:
        return [(time(16), None)]  # the Sunday matinée
    if weekday == 3 and spec.title in CLASSICS:
        return [(time(14, 30), f"{school} (lycées)"), (time(20), None)]
    if weekday == 3 and spec.genre == "théâtre":
        return [(time(19), None)]
    return [(time(20), None)]


def crew_calls(shows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The day's four-hour services for these performances (sorted), a meal hour between them.

    Morning performances get a two-hour call before; afternoon and evening ones a preparation
    service, the meal, then a service from an hour before curtain that covers the show (a
    20:00 show of 1 h 30: 14:00–18:00, meal, 19:00–23:00; a 16:00 matinée: 10:00–14:00,
    15:00–19:00; school performances at 10:00 and 14:30: 08:00–12:00, 13:00–17:00).
    """
    first = shows[0][0]
    start = first - (timedelta(hours=2) if first.hour < 12 else timedelta(hours=6))
    calls = [(start, start + SERVICE)]
    last_end = max(end for _start, end in shows)
    while calls[-1][1] < last_end:
        begin = calls[-1][1] + MEAL
        calls.append((begin, begin + SERVICE))
    for show_start, show_end in shows:  # a show across a meal hour gets its own call
        if not any(a <= show_start and show_end <= b for a, b in calls):
            calls.append((show_start - MEAL, show_start - MEAL + SERVICE))
    return sorted(calls)


class Planner:
    """Places every engagement of the season: pinned shows first, then each room's run."""

    def __init__(self, rng: random.Random, specs: list[Spec]) -> None:
        self.rng, self.specs = rng, specs
        self.busy: dict[str, set[date]] = defaultdict(set)  # days an engagement holds a room

    def free(self, room: str, days: Iterable[date]) -> bool:
        taken = set().union(*(self.busy[r] for r in linked(room)))
        return not any(day in taken or in_break(day) for day in days)

    def hold(self, room: str, days: Iterable[date]) -> None:
        self.busy[room].update(days)

    def held(self, get_in: date, days: list[date]) -> list[date]:
        """From the get-in to the day after the last performance (the get-out runs late)."""
        return [get_in + timedelta(days=n) for n in range((days[-1] - get_in).days + 2)]

    def get_in_for(self, spec: Spec, room: str, first: date, get_in_days: int) -> date:
        """A same-day get-in only before an evening show; otherwise the day(s) before."""
        if get_in_days == 0 and times(spec, room, first)[0][0] < time(19):
            get_in_days = 1
        return first - timedelta(days=get_in_days)

    def plan(self) -> list[Slot]:
        rng, slots = self.rng, list[Slot]()
        index = {spec.title: i for i, spec in enumerate(self.specs)}
        for day in (*PRESENTATIONS, HERITAGE_DAY):  # the Grande salle and its foyer are taken
            self.hold("grande", [day])
        for p in PINNED:
            show = index[p.title]
            days = playing_days(p.first, p.days)
            get_in = self.get_in_for(self.specs[show], p.room, days[0], p.get_in_days)
            self.hold(p.room, self.held(get_in, days))
            slots.append(Slot(p.room, show, get_in, days, note=p.note, pinned=True))
        pinned = {index[p.title] for p in PINNED}
        uses = Counter[int]()
        for room, (_n, _c, _colour, count, genres, (low, high), _f, _cf) in ROOMS.items():
            pool = [
                i
                for i, spec in enumerate(self.specs)
                if spec.genre in genres.split("|") and i not in pinned
            ]
            span = (SEASON[1] - SEASON[0]).days // count
            cursor = SEASON[0] + timedelta(days=1 + rng.randrange(4))
            for _ in range(count):
                show = min(pool, key=lambda i: (uses[i], rng.random()))
                spec = self.specs[show]
                young = spec.genre == "jeune public"
                wanted = rng.randint(2, 4) if young else rng.randint(low, high)
                get_in_days = 0 if room == "hall" else 2 if rng.random() < 0.3 else 1
                while True:  # the first free run from the cursor
                    if cursor.weekday() == 0:
                        cursor += timedelta(days=1)
                    days = playing_days(cursor, wanted)
                    get_in = self.get_in_for(spec, room, days[0], get_in_days)
                    if days[-1] > SEASON[1] or self.free(room, self.held(get_in, days)):
                        break
                    cursor += timedelta(days=1)
                if days[-1] > SEASON[1]:
                    break
                uses[show] += 1
                self.hold(room, self.held(get_in, days))
                slots.append(Slot(room, show, get_in, days))
                cursor = max(
                    days[-1] + timedelta(days=3),
                    cursor + timedelta(days=span + rng.randint(-3, 3)),
                )
        slots.sort(key=lambda s: (s.get_in, s.room))
        self.settle(slots)
        return slots

    def settle(self, slots: list[Slot]) -> None:
        """Spring is not settled yet: options, some competing for the same dates; a few
        cancellations earlier on."""
        rng = self.rng
        free = [s for s in slots if not s.pinned]
        for slot in rng.sample([s for s in free if s.get_in >= date(2027, 1, 15)], 11):
            slot.status = "option"
        options = [s for s in free if s.status == "option"]  # by get-in: the last one competes
        used = Counter(s.show for s in slots)
        for slot in [*rng.sample(options[:-1], 3), options[-1]]:
            genres = ROOMS[slot.room][4].split("|")
            rivals = [
                i
                for i, s in enumerate(self.specs)
                if s.genre in genres and i != slot.show and s.title not in PINNED_TITLES
            ]
            slot.rival = min(rivals, key=lambda i: (used[i], rng.random()))  # a new face
            used[slot.rival] += 1
        for slot in rng.sample([s for s in free if s.status == "confirmed"], 4):
            slot.status = "cancelled"

    def expiries(self, slots: list[Slot], today: date) -> None:
        """Options lapse in the coming weeks, counted from the day the demo is loaded, so the
        list of options expiring soon is never empty: the first competing option lapses in
        five days. Never later than three weeks before the get-in."""
        rng, soon = self.rng, today + timedelta(days=5)
        for slot in (s for s in slots if s.status == "option"):
            latest = slot.get_in - timedelta(days=21)
            slot.expires = min(today + timedelta(days=rng.randint(10, 75)), latest)
            if slot.rival is not None:
                slot.rival_expires = min(slot.expires + timedelta(days=14), latest)
        competing = [
            s for s in slots if s.rival is not None and s.get_in - timedelta(days=21) >= soon
        ]
        if competing:  # none once the season's last options are past (from mid-May 2027)
            min(competing, key=lambda s: s.get_in).expires = soon


def specs() -> list[Spec]:
    return [Spec(t, g) for g, ts in TITLES.items() for t in ts.split("|")]


def weeks(first: date, last: date) -> list[date]:
    """Mondays from ``first``'s week to ``last``, outside the winter break."""
    monday = first - timedelta(days=first.weekday())
    found = []
    while monday <= last:
        if not WINTER_BREAK[0] <= monday <= WINTER_BREAK[1]:
            found.append(monday)
        monday += timedelta(weeks=1)
    return found


def moment(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time of the venue's zone (``SAISON_TIMEZONE``)."""
    return at(day, time(hour, minute))
