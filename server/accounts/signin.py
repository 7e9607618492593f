"""Signing in and out, password changes, tokens; attempts are throttled and all are recorded."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, insert, select, update

from server.accounts import credentials, throttling
from server.accounts.models import ApiToken, User, UserSession
from server.core.changelog import Change
from server.core.errors import (
    Invalid,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from server.core.i18n import N_, Message, _, ngettext
from server.core.localtime import venue_times
from server.core.permissions import (
    LEVEL_NAMES,
    Level,
    Principal,
    Workspace,
    access_needed,
    area_name,
)
from server.core.unit_of_work import UnitOfWork
from server.settings import Settings

WRONG = N_("Wrong email or password.")
FAILED = "auth.sign_in_failed"


def _log(uow: UnitOfWork, action: str, user_id: int | None, after: dict[str, Any]) -> None:
    uow.record(
        Change(
            workspace=Workspace.ADMINISTRATION.value,
            entity="user",
            entity_id=user_id,
            action=action,
            after=after,
        )
    )


async def sign_in(
    uow: UnitOfWork, settings: Settings, email: str, password: str, ip: str
) -> tuple[Principal, credentials.NewSession]:
    """Open a session; past a few failures from this address, wait first (never lock out)."""
    email = email.strip().lower()
    policy = throttling.Policy.of(settings)
    async with throttling.in_turn(f"sign-in {email} {ip}", policy.max_delay):
        failed = await throttling.recent_failures(uow, FAILED, {"email": email}, ip, policy.window)
        delay = policy.delay(*failed)
        if delay:
            await uow.session.rollback()  # hold no database connection while waiting
            await asyncio.sleep(delay)
        u: Any = User.__table__  # type: ignore[attr-defined]
        user = (await uow.session.execute(select(u).where(u.c.email == email))).mappings().first()
        ok = credentials.verify_password(user["password_hash"] if user else None, password)
        if not ok or user is None or not user["is_active"]:
            _log(uow, FAILED, user["id"] if user else None, {"email": email, "ip": ip})
            await uow.commit()
            raise NotAuthenticated(Message(WRONG))
    new = await credentials.open_session(uow.session, user["id"], settings.session_days)
    principal = await credentials.principal_for(uow.session, user["id"], via="session")
    assert principal is not None
    uow.actor = principal
    _log(uow, "auth.signed_in", user["id"], {"email": email, "ip": ip})
    await uow.commit()
    return principal, new


async def sign_out(uow: UnitOfWork, token: str) -> None:
    await credentials.close_session(uow.session, token)
    _log(uow, "auth.signed_out", uow.actor.user_id, {})
    await uow.commit()


async def change_password(
    uow: UnitOfWork, current: str, new: str, keep_session: str | None = None
) -> None:
    if uow.actor.user_id is None:
        raise NotAuthenticated(_("Sign in first."))
    u: Any = User.__table__  # type: ignore[attr-defined]
    row = (await uow.session.execute(select(u).where(u.c.id == uow.actor.user_id))).mappings().one()
    if not credentials.verify_password(row["password_hash"], current):
        raise Invalid({"current_password": _("is not your current password")})
    if len(new) < 10:
        raise Invalid(
            {
                "new_password": ngettext(
                    "must have at least {min_length} character",
                    "must have at least {min_length} characters",
                    10,
                    min_length=10,
                )
            }
        )
    await uow.session.execute(
        update(u)
        .where(u.c.id == row["id"])
        .values(
            password_hash=credentials.hash_password(new),
            version=u.c.version + 1,
            updated_at=func.now(),
        )
    )
    # Whoever knew the old password is signed out everywhere but here.
    sessions: Any = UserSession.__table__  # type: ignore[attr-defined]
    ended = sessions.delete().where(sessions.c.user_id == row["id"])
    if keep_session:
        ended = ended.where(sessions.c.token_hash != credentials.digest(keep_session))
    await uow.session.execute(ended)
    _log(uow, "auth.password_changed", row["id"], {})
    await uow.commit()


# -- tokens --------------------------------------------------------------------------------
def _t() -> Any:
    return ApiToken.__table__  # type: ignore[attr-defined]


def token_view(row: Any) -> dict[str, Any]:
    return venue_times(
        {
            k: row[k]
            for k in (
                "id",
                "kind",
                "name",
                "prefix",
                "scopes",
                "created_at",
                "last_used_at",
                "revoked_at",
            )
        }
    )


async def create_token(
    uow: UnitOfWork, kind: str, name: str, scopes: dict[str, str]
) -> tuple[dict[str, Any], str]:
    if uow.actor.user_id is None:
        raise NotAuthenticated(_("Sign in first."))
    if uow.actor.via not in {"session", "system"}:
        raise PermissionDenied(
            _("Tokens are created from a signed-in session, not with another token.")
        )
    problems: dict[str, Message] = {}
    for area, level in scopes.items():
        if area not in {w.value for w in Workspace}:
            problems[f"scopes.{area}"] = _("unknown workspace")
        elif level not in {"none", "read", "write", "manage"}:
            problems[f"scopes.{area}"] = _("use none, read, write or manage")
        elif not uow.actor.can(Workspace(area), Level.parse(level)):
            problems[f"scopes.{area}"] = _(
                "you do not have {level} access to {area} yourself",
                level=Message(LEVEL_NAMES[Level.parse(level)]),
                area=area_name(Workspace(area)),
            )
    if problems:
        raise Invalid(problems)
    prefix, secret = credentials.new_token_secret(kind)
    row = (
        (
            await uow.session.execute(
                insert(_t())
                .values(
                    user_id=uow.actor.user_id,
                    kind=kind,
                    name=name,
                    prefix=prefix,
                    token_hash=credentials.digest(secret),
                    scopes=scopes,
                )
                .returning(_t())
            )
        )
        .mappings()
        .one()
    )
    uow.record(
        Change(
            workspace="administration",
            entity="token",
            entity_id=row["id"],
            action=f"{kind}.created",
            after={
                "name": name,
                "kind": kind,
                "scopes": scopes,
                "prefix": prefix,
                "user_id": uow.actor.user_id,
            },
        )
    )
    await uow.commit()
    return token_view(row), secret


async def list_tokens(uow: UnitOfWork) -> list[dict[str, Any]]:
    t = _t()
    rows = (
        await uow.session.execute(
            select(t).where(t.c.user_id == uow.actor.user_id).order_by(t.c.id)
        )
    ).mappings()
    return [token_view(r) for r in rows]


async def list_all_tokens(
    uow: UnitOfWork, user_id: int | None = None, include_revoked: bool = False
) -> list[dict[str, Any]]:
    """Everyone's tokens and app passwords with their owner, for administrators who manage
    accounts (a token of a departed colleague, or one seen where it should not be, is revoked
    from here). Secrets are never kept, so never shown."""
    if not uow.actor.can(Workspace.ADMINISTRATION, Level.MANAGE):
        raise PermissionDenied(access_needed(Level.MANAGE, Workspace.ADMINISTRATION))
    t = _t()
    u: Any = User.__table__  # type: ignore[attr-defined]
    query = (
        select(t, u.c.name.label("user_name"), u.c.email.label("user_email"))
        .join(u, u.c.id == t.c.user_id)
        .order_by(u.c.name, t.c.id)
    )
    if user_id is not None:
        query = query.where(t.c.user_id == user_id)
    if not include_revoked:
        query = query.where(t.c.revoked_at.is_(None))
    rows = (await uow.session.execute(query)).mappings()
    return [
        {
            **token_view(r),
            "user_id": r["user_id"],
            "user_name": r["user_name"],
            "user_email": r["user_email"],
        }
        for r in rows
    ]


async def revoke_token(uow: UnitOfWork, token_id: int) -> None:
    t = _t()
    row = (await uow.session.execute(select(t).where(t.c.id == token_id))).mappings().first()
    if row is None or (
        row["user_id"] != uow.actor.user_id
        and not uow.actor.can(Workspace.ADMINISTRATION, Level.MANAGE)
    ):
        raise NotFound(_("Token {id} does not exist.", id=token_id))
    if row["revoked_at"] is None:
        await uow.session.execute(update(t).where(t.c.id == token_id).values(revoked_at=func.now()))
        uow.record(
            Change(
                workspace="administration",
                entity="token",
                entity_id=token_id,
                action=f"{row['kind']}.revoked",
                before={"name": row["name"]},
                after={"revoked": True},
            )
        )
    await uow.commit()
