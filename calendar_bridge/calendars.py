"""Which calendars a person has, and which activities belong to each.

Every datum of an event comes from one workspace and is shown only to those who may read it,
the same workspace its change-log rows carry: so ``visible_change`` (the one visibility rule)
decides both what an event shows and which changes reach a calendar.

- planning read: the activities themselves (titles, times, status, notes); needed for any
  calendar but "Performances";
- programming read: performances (their change rows belong to Programming) and show titles;
- technical read: rooms and venues (room calendars, LOCATION, access notes);
- directory read: companies and their contacts.
Fees and contract terms are never read by this package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from server.core.permissions import Principal, Workspace
from server.core.venue import venue

ROOM, TEAM, MINE, PERFORMANCES = "room", "team", "mine", "performances"
# Bump when what an event shows changes (a new line in descriptions…): it is part of every
# sync token and feed ETag, so apps reload instead of keeping the old rendering.
FORMAT_VERSION = 3

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "mine": "Mon planning",
        "mine_about": "Les activités qui me sont confiées, à moi ou à mes équipes",
        "performances": "Représentations",
        "performances_about": "Toutes les représentations de la saison",
        "team": "Équipe {name}",
        "team_about": "Les activités confiées à l'équipe {name}",
        "room_about": "Tout ce qui a lieu en {name}",
    },
    "en": {
        "mine": "My schedule",
        "mine_about": "Activities assigned to me or to my teams",
        "performances": "Performances",
        "performances_about": "Every performance of the season",
        "team": "Team {name}",
        "team_about": "Activities assigned to team {name}",
        "room_about": "Everything happening in {name}",
    },
}


def label(key: str, **values: Any) -> str:
    language = venue().language
    return LABELS.get(language, LABELS["en"])[key].format(**values)


@dataclass(frozen=True)
class Access:
    """What a principal may see of events and do with them, resolved once per request."""

    user_id: int
    planning: bool
    planning_write: bool
    programming: bool
    technical: bool
    directory: bool
    team_ids: tuple[int, ...]

    @classmethod
    def of(cls, principal: Principal) -> Access:
        assert principal.user_id is not None
        return cls(
            user_id=principal.user_id,
            planning=principal.can_read(Workspace.PLANNING),
            planning_write=principal.can_write(Workspace.PLANNING),
            programming=principal.can_read(Workspace.PROGRAMMING),
            technical=principal.can_read(Workspace.TECHNICAL),
            directory=principal.can_read(Workspace.DIRECTORY),
            team_ids=tuple(sorted(principal.team_ids)),
        )

    @property
    def fingerprint(self) -> str:
        """Changes whenever what this person is shown could change without a log row.

        Part of sync tokens and feed ETags: a new permission or team makes old tokens invalid,
        so clients reload instead of keeping events rendered under the old rules.
        """
        settings = venue()
        parts = (
            FORMAT_VERSION,
            self.planning,
            self.programming,
            self.technical,
            self.directory,
            self.team_ids,
            settings.timezone,
            settings.language,
            settings.public_url,
        )
        return hashlib.blake2b(repr(parts).encode(), digest_size=4).hexdigest()


@dataclass(frozen=True)
class Calendar:
    """One calendar of a person: its slug in URLs, what it holds, whether it takes writes."""

    slug: str
    kind: str
    ref: int | None
    name: str
    description: str
    color: str | None = None
    writable: bool = False

    def member_sql(self, access: Access) -> tuple[str, dict[str, Any]]:
        """SQL condition on ``a`` (activities) for the events of this calendar."""
        if self.kind == PERFORMANCES:
            return "a.kind = 'performance'", {}
        hide = "" if access.programming else " AND a.kind <> 'performance'"
        if self.kind == ROOM:
            return f"a.room_id = :cal_ref{hide}", {"cal_ref": self.ref}
        if self.kind == TEAM:
            return f"a.team_id = :cal_ref{hide}", {"cal_ref": self.ref}
        mine = "(a.team_id = ANY(:cal_teams) OR a.assignee_ids @> ARRAY[CAST(:cal_user AS bigint)])"
        return f"{mine}{hide}", {"cal_teams": list(access.team_ids), "cal_user": access.user_id}

    def could_hold(self, values: Mapping[str, Any], access: Access) -> bool:
        """Whether an activity with these values (from a log row's refs) belongs here."""
        if self.kind == PERFORMANCES:
            return values.get("kind") == "performance"
        if values.get("kind") == "performance" and not access.programming:
            return False
        if self.kind == ROOM:
            return values.get("room_id") == self.ref
        if self.kind == TEAM:
            return values.get("team_id") == self.ref
        return values.get("team_id") in access.team_ids or access.user_id in (
            values.get("assignee_ids") or ()
        )


ROOMS_SQL = text(
    """
    SELECT r.id, r.name, r.color, v.name AS venue
    FROM rooms r JOIN venues v ON v.id = r.venue_id
    ORDER BY v.name, r.position, r.name, r.id
    """
)
ROOM_SQL = text(
    "SELECT r.id, r.name, r.color, v.name AS venue "
    "FROM rooms r JOIN venues v ON v.id = r.venue_id WHERE r.id = :id"
)
TEAMS_SQL = text("SELECT id, name FROM teams WHERE id = ANY(:ids) ORDER BY name, id")


def _room(row: Any, access: Access) -> Calendar:
    name = f"{row.name} · {row.venue}"
    return Calendar(
        slug=f"room-{row.id}",
        kind=ROOM,
        ref=row.id,
        name=name,
        description=label("room_about", name=row.name),
        color=row.color,
        writable=access.planning_write,
    )


def _team(row: Any, access: Access) -> Calendar:
    return Calendar(
        slug=f"team-{row.id}",
        kind=TEAM,
        ref=row.id,
        name=label("team", name=row.name),
        description=label("team_about", name=row.name),
        writable=access.planning_write,
    )


def _mine(access: Access) -> Calendar:
    return Calendar(
        slug=MINE,
        kind=MINE,
        ref=None,
        name=label("mine"),
        description=label("mine_about"),
        writable=access.planning_write,
    )


def _performances() -> Calendar:
    return Calendar(
        slug=PERFORMANCES,
        kind=PERFORMANCES,
        ref=None,
        name=label("performances"),
        description=label("performances_about"),
        color="#b03a48",
    )


async def calendars_for(session: AsyncSession, access: Access) -> list[Calendar]:
    """Every calendar this person may subscribe to, in display order."""
    found: list[Calendar] = []
    if access.planning:
        found.append(_mine(access))  # what is assigned to me, even without a team
        if access.team_ids:
            teams = await session.execute(TEAMS_SQL, {"ids": list(access.team_ids)})
            found.extend(_team(row, access) for row in teams)
    if access.programming:
        found.append(_performances())
    if access.planning and access.technical:
        found.extend(_room(row, access) for row in await session.execute(ROOMS_SQL))
    return found


async def find_calendar(session: AsyncSession, access: Access, slug: str) -> Calendar | None:
    """One calendar by its slug, or None if it does not exist for this person."""
    if slug == PERFORMANCES:
        return _performances() if access.programming else None
    if not access.planning:
        return None
    if slug == MINE:
        return _mine(access)
    kind, _, number = slug.partition("-")
    if not number.isdigit() or len(number) > 18:
        return None
    ref = int(number)
    if kind == TEAM and ref in access.team_ids:
        row = (await session.execute(TEAMS_SQL, {"ids": [ref]})).first()
        return _team(row, access) if row else None
    if kind == ROOM and access.technical:
        row = (await session.execute(ROOM_SQL, {"id": ref})).first()
        return _room(row, access) if row else None
    return None


def calendar_for_scope(scope: str) -> str | None:
    """The calendar slug of a feed scope ("mine", "performances", "room:3", "team:2")."""
    if scope in (MINE, PERFORMANCES):
        return scope
    kind, _, number = scope.partition(":")
    if kind in (ROOM, TEAM) and number.isdigit():
        return f"{kind}-{int(number)}"
    return None
