"""Users, teams and permissions, managed by administrators; every change is in the history."""

from __future__ import annotations

import builtins
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, func, insert, select, update

from server.accounts.credentials import hash_password
from server.accounts.models import Permission, Team, TeamMember, User
from server.core.entities import EntityService, Filter
from server.core.errors import Invalid, PermissionDenied
from server.core.fields import Email, Id, Input, LongText, Name, Phone, Short
from server.core.i18n import N_, _, ngettext
from server.core.permissions import Level, Workspace, access_needed
from server.core.records import RecordRead, folded
from server.core.unit_of_work import UnitOfWork

MIN_PASSWORD = 10


class UserIn(Input):
    email: Email
    name: Name
    password: str | None = Field(default=None, min_length=MIN_PASSWORD, max_length=200)
    is_admin: bool = False
    is_active: bool = True
    phone: Phone | None = None
    language: Short | None = None
    team_ids: list[Id] = Field(default_factory=list, max_length=20)


class UserOut(RecordRead):
    email: str
    name: str
    is_admin: bool
    is_active: bool
    phone: str | None
    language: str | None
    team_ids: list[int]


class UserService(EntityService):
    model = User
    entity = "user"
    label = N_("user")
    workspace = Workspace.ADMINISTRATION
    filters = {"is_active": Filter("is_active", bool)}
    search_columns = ("name", "email")
    order_by = ("name", "id")
    secret = frozenset({"password_hash"})

    def log(
        self, action: str, record_id: int | None, before: Any, after: Any, refs: Any = None
    ) -> None:
        for payload in (before, after):
            if isinstance(payload, dict) and "password_hash" in payload:
                payload.pop("password_hash")
                payload["password"] = "(changed)" if action.endswith("updated") else "(set)"
        super().log(action, record_id, before, after, refs)

    async def team_ids(self, user_ids: list[int]) -> dict[int, list[int]]:
        m: Any = TeamMember.__table__  # type: ignore[attr-defined]
        rows = await self.session.execute(
            select(m.c.user_id, m.c.team_id).where(m.c.user_id.in_(user_ids)).order_by(m.c.team_id)
        )
        out: dict[int, list[int]] = {uid: [] for uid in user_ids}
        for user_id, team_id in rows:
            out[user_id].append(team_id)
        return out

    async def present(self, row: dict[str, Any]) -> dict[str, Any]:
        data = self.visible(row)
        data["team_ids"] = (await self.team_ids([row["id"]]))[row["id"]]
        return data

    async def read(self, record_id: int) -> dict[str, Any]:
        return await self.present(await super().read(record_id))

    async def list(self, q: Any) -> Any:
        page = await super().list(q)
        teams = await self.team_ids([item["id"] for item in page.items])
        for item in page.items:
            item["team_ids"] = teams[item["id"]]
        return page

    async def set_teams(self, user_id: int, team_ids: builtins.list[int]) -> bool:
        """Make ``user_id`` a member of exactly ``team_ids``; whether anything changed."""
        m: Any = TeamMember.__table__  # type: ignore[attr-defined]
        before = (await self.team_ids([user_id]))[user_id]
        wanted = sorted(set(team_ids))
        if before == wanted:
            return False
        await self.check_team_ids(wanted)
        await self.session.execute(delete(m).where(m.c.user_id == user_id))
        if wanted:
            await self.session.execute(
                insert(m), [{"user_id": user_id, "team_id": t} for t in wanted]
            )
        self.log("teams_changed", user_id, {"team_ids": before}, {"team_ids": wanted})
        return True

    async def check_team_ids(self, team_ids: builtins.list[int]) -> None:
        t: Any = Team.__table__  # type: ignore[attr-defined]
        found = set(
            (await self.session.execute(select(t.c.id).where(t.c.id.in_(team_ids)))).scalars()
        )
        missing = [str(i) for i in team_ids if i not in found]
        if missing:
            raise Invalid(
                {
                    "team_ids": ngettext(
                        "unknown team: {ids}",
                        "unknown teams: {ids}",
                        len(missing),
                        ids=", ".join(missing),
                    )
                }
            )

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        values["email"] = values["email"].strip().lower()
        u = self.table.c
        query = select(u.id).where(u.email == values["email"])
        if current is not None:
            query = query.where(u.id != current["id"])
        if (await self.session.execute(query)).first() is not None:
            raise Invalid({"email": _("another user has this email")})

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require(Level.MANAGE)
        teams = data.pop("team_ids", []) or []
        password = data.pop("password", None)
        data["password_hash"] = hash_password(password) if password else None
        row = await self.insert_row(data)
        await self.set_teams(row["id"], teams)
        await self.uow.commit()
        return await self.present(row)

    async def update(
        self, record_id: int, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.require(Level.MANAGE)
        teams = changes.pop("team_ids", None)
        password = changes.pop("password", None)
        if password:
            changes["password_hash"] = hash_password(password)
        version_before = (await self.get(record_id, for_update=True))["version"]
        row = await self.update_row(record_id, changes, expected_version)
        if teams is not None and await self.set_teams(record_id, teams):
            # Teams are part of the person as read: a new version, so that another
            # administrator's If-Match based on the old teams is refused, not silently undone.
            u = self.table.c
            if row["version"] == version_before:
                bumped = await self.session.execute(
                    update(self.table)
                    .where(u.id == record_id)
                    .values(version=u.version + 1, updated_at=func.now())
                    .returning(self.table)
                )
                row = dict(bumped.mappings().one())
        await self.uow.commit()
        return await self.present(row)

    async def delete(self, record_id: int, expected_version: int | None) -> None:
        self.require(Level.MANAGE)
        await super().delete(record_id, expected_version)


class TeamIn(Input):
    name: Name
    description: LongText | None = None


class TeamOut(TeamIn, RecordRead):
    pass


class ManagedService(EntityService):
    """Records only administrators change (teams, permissions); everyone with read sees them."""

    workspace = Workspace.ADMINISTRATION

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require(Level.MANAGE)
        return await super().create(data)

    async def update(
        self, record_id: int, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.require(Level.MANAGE)
        return await super().update(record_id, changes, expected_version)

    async def delete(self, record_id: int, expected_version: int | None) -> None:
        self.require(Level.MANAGE)
        await super().delete(record_id, expected_version)


class TeamService(ManagedService):
    model = Team
    entity = "team"
    label = N_("team")
    search_columns = ("name",)
    order_by = ("name", "id")


class PermissionIn(Input):
    area: Workspace
    level: str = Field(pattern="^(none|read|write|manage)$")
    team_id: Id | None = None
    user_id: Id | None = None


class PermissionOut(PermissionIn, RecordRead):
    pass


class PermissionService(ManagedService):
    model = Permission
    entity = "permission"
    label = N_("permission")
    references = {"team_id": "team", "user_id": "user"}
    filters = {
        "team_id": Filter("team_id", int),
        "user_id": Filter("user_id", int),
        "area": Filter("area", Workspace),
    }
    search_columns = ()
    order_by = ("area", "team_id", "user_id", "id")
    log_refs = {"team_id": "team", "user_id": "user"}

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        if (values.get("team_id") is None) == (values.get("user_id") is None):
            message = _("a permission is for exactly one team or one user")
            raise Invalid({"team_id": message, "user_id": message})


class TeamName(BaseModel):
    """A team as an activity names it: not a secret, unlike who manages what."""

    id: int
    name: str


async def team_names(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every team's name, for those who read the planning: an activity's team reads as its
    name for everyone, not only for its members and the administrators."""
    if not uow.actor.can(Workspace.PLANNING, Level.READ):
        raise PermissionDenied(access_needed(Level.READ, Workspace.PLANNING))
    teams: Any = Team.__table__  # type: ignore[attr-defined]
    rows = await uow.session.execute(
        select(teams.c.id, teams.c.name).order_by(folded(teams.c.name), teams.c.name, teams.c.id)
    )
    return [{"id": team_id, "name": name} for team_id, name in rows]


class PersonOut(BaseModel):
    """Someone an activity can be assigned to: a name and teams, nothing else of the account."""

    id: int
    name: str
    team_ids: list[int]


async def assignable_people(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Active people by name, with their teams, for those who read the planning.

    Planners assign colleagues to activities without reading accounts (emails, rights, tokens),
    which stay the administrators' business.
    """
    if not uow.actor.can(Workspace.PLANNING, Level.READ):
        raise PermissionDenied(access_needed(Level.READ, Workspace.PLANNING))
    users: Any = User.__table__  # type: ignore[attr-defined]
    rows = await uow.session.execute(
        select(users.c.id, users.c.name).where(users.c.is_active).order_by(users.c.name, users.c.id)
    )
    people = [{"id": user_id, "name": name} for user_id, name in rows]
    teams = await UserService(uow).team_ids([person["id"] for person in people])
    return [{**person, "team_ids": teams[person["id"]]} for person in people]
