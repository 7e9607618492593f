"""The permission vocabulary and the small predicates every interface reuses.

A rule such as "who may read fees" lives here once; REST guards, live updates, calendars and
exports all ask the same ``Principal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from server.core.i18n import N_, Message, _


class Workspace(StrEnum):
    DIRECTORY = "directory"
    TECHNICAL = "technical"
    PROGRAMMING = "programming"
    PLANNING = "planning"
    # What the public is told: public texts, images, prices, and the public feeds.
    COMMUNICATION = "communication"
    # Not a workspace of its own: the confidential part of Programming (fees, contract terms).
    CONTRACTS = "contracts"
    # Accounts, teams and permissions themselves.
    ADMINISTRATION = "administration"


class Level(IntEnum):
    NONE = 0
    READ = 1
    WRITE = 2
    MANAGE = 3

    @classmethod
    def parse(cls, name: str) -> Level:
        return cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


ALL_AREAS: tuple[Workspace, ...] = tuple(Workspace)

# How people name workspaces and levels in messages (translated in the catalog).
AREA_NAMES: dict[Workspace, str] = {
    Workspace.DIRECTORY: N_("Directory"),
    Workspace.TECHNICAL: N_("Technical"),
    Workspace.PROGRAMMING: N_("Programming"),
    Workspace.PLANNING: N_("General planning"),
    Workspace.COMMUNICATION: N_("Communication"),
    Workspace.CONTRACTS: N_("Contracts (fees and terms)"),
    Workspace.ADMINISTRATION: N_("Administration"),
}
LEVEL_NAMES: dict[Level, str] = {
    Level.NONE: N_("no"),
    Level.READ: N_("read"),
    Level.WRITE: N_("write"),
    Level.MANAGE: N_("manage"),
}


def area_name(area: Workspace) -> Message:
    return Message(AREA_NAMES[area])


def access_needed(level: Level, area: Workspace) -> Message:
    """The message of a refusal: which access to which workspace would allow it."""
    return _(
        "You need {level} access to {area} to do this.",
        level=Message(LEVEL_NAMES[level]),
        area=area_name(area),
    )


@dataclass(frozen=True)
class Principal:
    """Who is acting, levels already resolved from teams, user overrides and token scope."""

    user_id: int | None
    name: str
    levels: Mapping[Workspace, Level] = field(default_factory=dict)
    is_admin: bool = False
    via: str = "session"
    email: str | None = None
    team_ids: tuple[int, ...] = ()

    def level(self, area: Workspace) -> Level:
        return self.levels.get(area, Level.NONE)

    def can(self, area: Workspace, needed: Level) -> bool:
        return self.level(area) >= needed

    def can_read(self, area: Workspace) -> bool:
        return self.can(area, Level.READ)

    def can_write(self, area: Workspace) -> bool:
        return self.can(area, Level.WRITE)

    @property
    def can_read_fees(self) -> bool:
        return self.can(Workspace.CONTRACTS, Level.READ)

    @property
    def can_write_fees(self) -> bool:
        return self.can(Workspace.CONTRACTS, Level.WRITE)

    @property
    def label(self) -> str:
        return self.name


SYSTEM = Principal(
    user_id=None,
    name="Saison",
    levels={area: Level.MANAGE for area in ALL_AREAS},
    is_admin=True,
    via="system",
)
