"""Sign-in, the signed-in person, their tokens; users, teams and permissions for admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from litestar import Request, Response, Router, delete, get, post
from litestar.datastructures import Cookie
from litestar.params import Parameter
from pydantic import BaseModel, Field

from server.accounts import signin
from server.accounts.credentials import find_session
from server.accounts.users import (
    PermissionIn,
    PermissionOut,
    PermissionService,
    PersonOut,
    TeamIn,
    TeamName,
    TeamOut,
    TeamService,
    UserIn,
    UserOut,
    UserService,
    assignable_people,
    team_names,
)
from server.api.auth import SESSION_COOKIE
from server.api.crud import crud_router
from server.api.guards import PUBLIC, SIGNED_IN, access
from server.core.fields import MAX_BIGINT, Input, Name
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.settings import SettingValue, describe


class SignIn(Input):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    user_id: int | None
    name: str
    email: str | None
    is_admin: bool
    levels: dict[str, str]
    team_ids: list[int]
    csrf_token: str | None = None


class PasswordChange(Input):
    current_password: str = Field(max_length=200)
    new_password: str = Field(min_length=10, max_length=200)


class TokenIn(Input):
    name: Name
    kind: Literal["api", "app_password"] = "api"
    scopes: dict[str, Literal["none", "read", "write", "manage"]] = Field(
        default_factory=dict,
        description=(
            "Leave out (or {}) for a token acting with your own levels, as they change; a level "
            "per workspace narrows it, e.g. {'planning': 'read'} (workspaces not named: none)"
        ),
    )


class TokenOut(BaseModel):
    id: int
    kind: str
    name: str
    prefix: str
    scopes: dict[str, str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewToken(TokenOut):
    secret: str = Field(description="Shown once: store it now")


def me_of(request: Request[Any, Any, Any], csrf: str | None = None) -> dict[str, Any]:
    p = request.scope["user"]
    return {
        "user_id": p.user_id,
        "name": p.name,
        "email": p.email,
        "is_admin": p.is_admin,
        "levels": {area.value: level.label for area, level in p.levels.items()},
        "team_ids": list(p.team_ids),
        "csrf_token": csrf,
    }


@post(
    "/sign-in",
    opt=PUBLIC,
    summary="Sign in with email and password (sets the session cookie)",
    status_code=200,
)
async def sign_in(request: Request[Any, Any, Any], uow: UnitOfWork, data: SignIn) -> Response[Me]:
    settings = request.app.state.settings
    ip = request.client.host if request.client else "unknown"
    principal, session = await signin.sign_in(uow, settings, data.email, data.password, ip)
    request.scope["user"] = principal
    cookie = Cookie(
        key=SESSION_COOKIE,
        value=session.token,
        httponly=True,
        secure=settings.secure_cookies or request.url.scheme == "https",
        samesite="lax",
        path="/",
        # Litestar's ``expires`` counts seconds from now (not a Unix time): the cookie lasts
        # exactly as long as the session does.
        max_age=max(0, int((session.expires_at - datetime.now(UTC)).total_seconds())),
    )
    return Response(me_of(request, session.csrf_token), cookies=[cookie])  # type: ignore[arg-type]


@post("/sign-out", opt=SIGNED_IN, summary="Sign out (ends this session)", status_code=204)
async def sign_out(request: Request[Any, Any, Any], uow: UnitOfWork) -> Response[None]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await signin.sign_out(uow, token)
    return Response(
        None, status_code=204, cookies=[Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/")]
    )


@get("/me", opt=SIGNED_IN, summary="Who I am, my levels, my CSRF token")
async def me(request: Request[Any, Any, Any], uow: UnitOfWork) -> Me:
    csrf = None
    token = request.cookies.get(SESSION_COOKIE)
    if token and request.scope["user"].via == "session":
        row = await find_session(uow.session, token)
        csrf = row["csrf_token"] if row else None
    return me_of(request, csrf)  # type: ignore[return-value]


@post("/password", opt=SIGNED_IN, summary="Change my password", status_code=204)
async def password(request: Request[Any, Any, Any], uow: UnitOfWork, data: PasswordChange) -> None:
    await signin.change_password(
        uow, data.current_password, data.new_password, request.cookies.get(SESSION_COOKIE)
    )


@get("/tokens", opt=SIGNED_IN, summary="My API tokens and app passwords")
async def tokens(uow: UnitOfWork) -> list[TokenOut]:
    return await signin.list_tokens(uow)  # type: ignore[return-value]


@post(
    "/tokens",
    opt=SIGNED_IN,
    summary="Create an API token or app password (the secret is shown once)",
)
async def create_token(uow: UnitOfWork, data: TokenIn) -> NewToken:
    row, secret = await signin.create_token(uow, data.kind, data.name, dict(data.scopes))
    return {**row, "secret": secret}  # type: ignore[return-value]


@delete("/tokens/{token_id:int}", opt=SIGNED_IN, summary="Revoke a token")
async def revoke_token(uow: UnitOfWork, token_id: int) -> None:
    await signin.revoke_token(uow, token_id)


@get(
    "/people",
    opt=access(Workspace.PLANNING, Level.READ),
    summary="Active people and their teams, to assign activities to (planning readers)",
    operation_id="list_people",
    tags=["Accounts"],
)
async def people(uow: UnitOfWork) -> list[PersonOut]:
    return await assignable_people(uow)  # type: ignore[return-value]


@get(
    "/team-names",
    opt=access(Workspace.PLANNING, Level.READ),
    summary="Every team's name, to name an activity's team (planning readers)",
    operation_id="list_team_names",
    tags=["Accounts"],
)
async def teams_by_name(uow: UnitOfWork) -> list[TeamName]:
    return await team_names(uow)  # type: ignore[return-value]


class OwnedTokenOut(TokenOut):
    user_id: int
    user_name: str
    user_email: str


@get(
    "/",
    opt=access(Workspace.ADMINISTRATION, Level.MANAGE),
    summary="Everyone's API tokens and app passwords, with their owner (for administrators; "
    "revoke with DELETE /api/v1/auth/tokens/{token_id})",
    operation_id="list_all_tokens",
)
async def all_tokens(
    uow: UnitOfWork,
    user_id: Annotated[
        int | None, Parameter(ge=1, le=MAX_BIGINT, description="Only this person's tokens")
    ] = None,
    include_revoked: Annotated[
        bool, Parameter(description="Also the revoked ones (with their revocation time)")
    ] = False,
) -> list[OwnedTokenOut]:
    return await signin.list_all_tokens(uow, user_id, include_revoked)  # type: ignore[return-value]


class SettingOut(BaseModel):
    key: str = Field(description="The setting's name (timezone, confirm_competitors…)")
    value: SettingValue = Field(description="Its value in this server (passwords masked)")
    default: SettingValue = Field(description="Its value when the variable is not set")
    environment: str = Field(description="The environment variable that sets it")


@get(
    "/settings",
    opt=access(Workspace.ADMINISTRATION, Level.READ),
    summary="The venue's settings as this server runs with them, and where each is set",
    tags=["Accounts"],
)
async def venue_settings(request: Request[Any, Any, Any]) -> list[SettingOut]:
    return describe(request.app.state.settings)  # type: ignore[return-value]


def account_routers() -> list[Router]:
    return [
        Router(
            path="/auth",
            route_handlers=[sign_in, sign_out, me, password, tokens, create_token, revoke_token],
            tags=["Accounts"],
        ),
        Router(path="/", route_handlers=[people, teams_by_name, venue_settings]),
        crud_router("/users", UserService, UserIn, UserOut, tag="Accounts"),
        crud_router("/teams", TeamService, TeamIn, TeamOut, tag="Accounts"),
        crud_router("/permissions", PermissionService, PermissionIn, PermissionOut, tag="Accounts"),
        Router(path="/tokens", route_handlers=[all_tokens], tags=["Accounts"]),
    ]


__all__ = ["Workspace", "account_routers"]
