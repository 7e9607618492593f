"""Account tables: users, teams (the venue's departments), permissions, sessions, tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from server.core.records import PERSONAL, Record

LEVELS_SQL = "'none','read','write','manage'"
AREAS_SQL = (
    "'directory','technical','programming','planning','communication','contracts','administration'"
)


class Team(Record, table=True):
    __tablename__ = "teams"

    name: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    description: str | None = Field(default=None, sa_type=Text)


class User(Record, table=True):
    __tablename__ = "users"
    __table_args__ = (Index("ux_users_email", func.lower(Column("email", Text)), unique=True),)

    email: str = Field(sa_type=Text, sa_column_kwargs={"info": PERSONAL})
    name: str = Field(sa_type=Text, sa_column_kwargs={"info": PERSONAL})
    password_hash: str | None = Field(default=None, sa_type=Text)
    is_admin: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default="false")
    )
    is_active: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default="true")
    )
    phone: str | None = Field(default=None, sa_type=Text, sa_column_kwargs={"info": PERSONAL})
    language: str | None = Field(default=None, sa_type=Text)


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_members"

    team_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class Permission(Record, table=True):
    """A level on an area for a team, or for one user (which then overrides their teams)."""

    __tablename__ = "permissions"
    __table_args__ = (
        CheckConstraint(f"area IN ({AREAS_SQL})", name="permission_area"),
        CheckConstraint(f"level IN ({LEVELS_SQL})", name="permission_level"),
        CheckConstraint("(team_id IS NULL) <> (user_id IS NULL)", name="permission_holder"),
        UniqueConstraint("area", "team_id", name="permission_per_team"),
        UniqueConstraint("area", "user_id", name="permission_per_user"),
    )

    area: str = Field(sa_type=Text)
    level: str = Field(sa_type=Text)
    team_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("teams.id", ondelete="CASCADE"))
    )
    user_id: int | None = Field(
        default=None, sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    )


class UserSession(SQLModel, table=True):
    """A browser session; the cookie holds a random secret, the table only its hash."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    token_hash: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    csrf_token: str = Field(sa_type=Text)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))  # type: ignore[call-overload]


class ApiToken(SQLModel, table=True):
    """A personal API token or a calendar app password: shown once, stored hashed, revocable."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("kind IN ('api','app_password')", name="token_kind"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(sa_type=Text)
    name: str = Field(sa_type=Text)
    prefix: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    token_hash: str = Field(sa_type=Text)
    scopes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False, server_default="{}")
    )
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=func.now(), nullable=False),
    )
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # type: ignore[call-overload]
