"""The venue's departments and what each may do, created once on a new installation."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select, text

from server.accounts.models import ApiToken, Team, User
from server.accounts.users import PermissionService, TeamService, UserIn, UserService
from server.core.changelog import ChangeLogEntry
from server.core.errors import Conflict, Invalid
from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database

FIRST_ADMIN_NAME = "Administrateur"  # the administrator a new installation creates for itself

# team -> {area: level}; editable afterwards through /api/v1/teams and /api/v1/permissions.
DEFAULT_TEAMS: dict[str, tuple[str, dict[str, str]]] = {
    "Programmation": (
        "Choisit les spectacles, pose les options, confirme.",
        {
            "directory": "write",
            "technical": "read",
            "programming": "manage",
            "planning": "write",
            "communication": "read",
            "contracts": "write",
        },
    ),
    "Administration": (
        "Contrats, cachets, paie.",
        {
            "directory": "write",
            "technical": "read",
            "programming": "read",
            "planning": "read",
            "communication": "read",
            "contracts": "write",
        },
    ),
    "Technique": (
        "Salles, montages, services, fiches techniques.",
        {"directory": "read", "technical": "manage", "programming": "read", "planning": "manage"},
    ),
    "Relations publiques": (
        "Publics, médiation, accessibilité.",
        {
            "directory": "write",
            "technical": "read",
            "programming": "read",
            "planning": "write",
            "communication": "read",
        },
    ),
    "Communication": (
        "Site, brochure, agendas en ligne.",
        {
            "directory": "read",
            "technical": "read",
            "programming": "read",
            "planning": "read",
            "communication": "manage",
        },
    ),
}


async def ensure_default_teams(db: Database) -> dict[str, int]:
    """Create the default teams and permissions if there are no teams yet; return name → id."""
    async with unit_of_work(db, SYSTEM) as uow:
        # Several processes may start on a new database at once: one of them creates the teams.
        await uow.session.execute(text("SELECT pg_advisory_xact_lock(7246853102)"))
        t: Any = Team.__table__  # type: ignore[attr-defined]
        existing = {
            name: id_ for id_, name in (await uow.session.execute(select(t.c.id, t.c.name))).all()
        }
        if existing:
            return existing
        ids: dict[str, int] = {}
        for name, (description, levels) in DEFAULT_TEAMS.items():
            row = await TeamService(uow).insert_row({"name": name, "description": description})
            ids[name] = row["id"]
            for area, level in levels.items():
                await PermissionService(uow).insert_row(
                    {"area": area, "level": level, "team_id": row["id"]}
                )
        await uow.commit()
        return ids


async def admin_count(db: Database) -> int:
    """Active administrators: an installation needs at least one to manage people."""
    async with db.sessions() as session:
        u: Any = User.__table__  # type: ignore[attr-defined]
        query = select(func.count()).select_from(u).where(u.c.is_admin, u.c.is_active)
        return int((await session.execute(query)).scalar_one())


async def create_first_admin(
    db: Database, email: str, password: str | None = None
) -> tuple[dict[str, Any], str] | None:
    """Create an administrator if there is none yet (the demo brings its own); else None.

    Several processes may start together on a new database: one of them creates it.
    """
    await ensure_default_teams(db)
    if await admin_count(db):
        return None
    try:
        return await create_user(db, email, FIRST_ADMIN_NAME, password, admin=True)
    except (Invalid, Conflict):
        return None


async def retire_unused_first_admin(db: Database, email: str) -> str | None:
    """Remove the first administrator if it is the only account and was never used.

    ``saison migrate`` (or a first ``saison serve``) creates an administrator before anyone
    chose the demo; loading the demo then would leave that unknown account beside the demo's
    own administrator. Once someone signed in with it, made a token, or other accounts exist,
    it stays. Returns the removed email.
    """
    async with unit_of_work(db, SYSTEM) as uow:
        u: Any = User.__table__  # type: ignore[attr-defined]
        users = (await uow.session.execute(select(u))).mappings().all()
        if len(users) != 1:
            return None
        user = users[0]
        if user["email"] != email.strip().lower() or not user["is_admin"]:
            return None
        log: Any = ChangeLogEntry.__table__  # type: ignore[attr-defined]
        tokens: Any = ApiToken.__table__  # type: ignore[attr-defined]
        used = await uow.session.execute(
            select(func.count())
            .select_from(log)
            .where(
                (log.c.actor_id == user["id"])
                | (
                    (log.c.entity == "user")
                    & (log.c.entity_id == user["id"])
                    & (log.c.action == "auth.signed_in")
                )
            )
        )
        made = await uow.session.execute(
            select(func.count()).select_from(tokens).where(tokens.c.user_id == user["id"])
        )
        if used.scalar_one() or made.scalar_one():
            return None
        await UserService(uow).delete(user["id"], user["version"])
        return str(user["email"])


async def create_user(
    db: Database,
    email: str,
    name: str,
    password: str | None,
    *,
    admin: bool = False,
    teams: list[str] | None = None,
) -> tuple[dict[str, Any], str]:
    """Create a user through the same service as the API; returns the user and the password."""
    team_ids = await ensure_default_teams(db)
    password = password or secrets.token_urlsafe(12)
    unknown = [t for t in teams or [] if t not in team_ids]
    if unknown:
        raise ValueError(f"unknown team(s): {', '.join(unknown)}; teams are {', '.join(team_ids)}")
    async with unit_of_work(db, SYSTEM) as uow:
        data = UserIn(
            email=email,
            name=name,
            password=password,
            is_admin=admin,
            team_ids=[team_ids[t] for t in teams or []],
        )
        user = await UserService(uow).create(data.model_dump())
    return user, password
