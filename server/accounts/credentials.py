"""Passwords, browser sessions, API tokens and app passwords, and who they resolve to.

Passwords are hashed with argon2. Session cookies, API tokens and app passwords are long random
secrets: the database keeps only their SHA-256, so a leaked table grants nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.accounts.models import ApiToken, Permission, TeamMember, User, UserSession
from server.core.permissions import ALL_AREAS, Level, Principal, Workspace
from server.settings import Settings

# argon2's defaults (64 MiB, 3 passes) in production. A test suite that makes hundreds of
# accounts may ask for the cheapest parameters (``configure``); verification reads them from
# each hash, so hashes made either way stay valid.
STRONG = PasswordHasher()
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_hasher = STRONG
# Verified against when the email is unknown, so both cases take the same time. Made as a
# server starts (``prepare``) or at the first use, not on import: a strong hash takes a third of
# a second, which every command, even one that never signs anyone in, would pay.
_DUMMY_HASH: str | None = None


def configure(settings: Settings) -> None:
    """Hash new passwords as ``SAISON_FAST_PASSWORD_HASHING`` says (the entry point calls)."""
    global _hasher, _DUMMY_HASH
    wanted = FAST if settings.fast_password_hashing else STRONG
    if wanted is not _hasher:
        _hasher, _DUMMY_HASH = wanted, None


def prepare() -> None:
    """Make the dummy hash now: a server calls it as it starts (in a thread), so that the
    first sign-in with an unknown email takes no longer than one with a known email."""
    _dummy_hash()


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("saison-no-such-user")
    return _DUMMY_HASH


TOKEN_PREFIX = {"api": "sai", "app_password": "sap"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def t(table: Any) -> Any:
    return table.__table__


async def levels_of(session: AsyncSession, user_id: int) -> dict[Workspace, Level]:
    """Effective levels: a user's own grant on an area wins; otherwise the best of their teams."""
    p, m = t(Permission), t(TeamMember)
    rows = (
        await session.execute(
            select(p.c.area, p.c.level, p.c.user_id).where(
                (p.c.user_id == user_id)
                | p.c.team_id.in_(select(m.c.team_id).where(m.c.user_id == user_id))
            )
        )
    ).all()
    own: dict[Workspace, Level] = {}
    teams: dict[Workspace, Level] = {}
    for area, level, holder in rows:
        target = own if holder is not None else teams
        key, value = Workspace(area), Level.parse(level)
        target[key] = max(target.get(key, Level.NONE), value)
    return {area: own.get(area, teams.get(area, Level.NONE)) for area in ALL_AREAS}


async def principal_for(
    session: AsyncSession, user_id: int, *, via: str, scopes: dict[str, str] | None = None
) -> Principal | None:
    """Who ``user_id`` is right now, for a session or a token.

    A token without scopes (``{}``, what the README's ``POST /auth/tokens`` makes) acts with
    its owner's levels as they are at each request: a team lost is lost by the token too.
    Scopes only narrow: an area a scoped token does not name is closed to it.
    """
    u = t(User)
    user = (await session.execute(select(u).where(u.c.id == user_id))).mappings().first()
    if user is None or not user["is_active"]:
        return None
    if user["is_admin"]:
        levels = {area: Level.MANAGE for area in ALL_AREAS}
    else:
        levels = await levels_of(session, user_id)
    if scopes:  # a scoped token narrows its owner's levels, never widens them
        levels = {
            area: min(level, Level.parse(scopes.get(area.value, "none")))
            for area, level in levels.items()
        }
    m = t(TeamMember)
    team_ids = tuple(
        (await session.execute(select(m.c.team_id).where(m.c.user_id == user_id))).scalars()
    )
    return Principal(
        user_id=user_id,
        name=user["name"],
        email=user["email"],
        levels=levels,
        is_admin=bool(user["is_admin"]) and not scopes,
        via=via,
        team_ids=team_ids,
    )


# -- browser sessions ---------------------------------------------------------------------
@dataclass
class NewSession:
    token: str
    csrf_token: str
    expires_at: datetime


async def open_session(session: AsyncSession, user_id: int, days: int) -> NewSession:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    expires = datetime.now(UTC) + timedelta(days=days)
    await session.execute(
        insert(t(UserSession)).values(
            token_hash=digest(token), csrf_token=csrf, user_id=user_id, expires_at=expires
        )
    )
    return NewSession(token, csrf, expires)


async def find_session(session: AsyncSession, token: str) -> dict[str, Any] | None:
    s = t(UserSession)
    row = (
        (
            await session.execute(
                select(s).where(s.c.token_hash == digest(token), s.c.expires_at > func.now())
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


async def close_session(session: AsyncSession, token: str) -> None:
    s = t(UserSession)
    await session.execute(s.delete().where(s.c.token_hash == digest(token)))


# -- API tokens and app passwords -----------------------------------------------------------
def new_token_secret(kind: str) -> tuple[str, str]:
    """(prefix, full secret). The prefix finds the row; the whole secret is checked by hash."""
    prefix = f"{TOKEN_PREFIX[kind]}_{secrets.token_hex(6)}"
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


async def find_token(
    session: AsyncSession, secret: str, kind: str | None = None
) -> dict[str, Any] | None:
    # "sai_<12 hex>_<secret>": the secret part may itself contain "_".
    parts = secret.strip().split("_", 2)
    if len(parts) != 3 or not all(parts):
        return None
    a = t(ApiToken)
    prefix = f"{parts[0]}_{parts[1]}"
    query = select(a).where(a.c.prefix == prefix, a.c.revoked_at.is_(None))
    if kind is not None:
        query = query.where(a.c.kind == kind)
    row = (await session.execute(query)).mappings().first()
    if row is None or not hmac.compare_digest(row["token_hash"], digest(secret.strip())):
        return None
    return dict(row)


async def touch_token(session: AsyncSession, token_id: int) -> None:
    a = t(ApiToken)
    await session.execute(
        update(a)
        .where(
            a.c.id == token_id,
            (a.c.last_used_at.is_(None)) | (a.c.last_used_at < func.now() - timedelta(minutes=5)),
        )
        .values(last_used_at=func.now())
    )
