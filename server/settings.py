"""Configuration: every environment variable Saison reads is a field here, read once.

Entry points (``server.app.create_app``, the ``saison`` command) make one ``Settings`` and pass
it down: to the database (``Database.settings``, which every unit of work carries to the
services) and to the venue's zone and language (``server.core.venue``). No other module reads
the environment.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Kinds an event put in a room's calendar may default to (the first is the default). Not
# performances: those belong to Programming. (Kept here, not imported from the planning: the
# settings are the lowest layer.)
CALENDAR_ROOM_KINDS = (
    "technical_service",
    "rehearsal",
    "get_in",
    "get_out",
    "private_hire",
    "meeting",
    "maintenance",
    "mediation",
    "other",
)


def _env(name: str) -> AliasChoices:
    """A field read from the environment variable ``name`` (and settable by its own name)."""
    return AliasChoices(name)


class Settings(BaseSettings):
    """What a deployment chooses; the README's Configuration table lists the variables."""

    model_config = SettingsConfigDict(
        env_prefix="SAISON_",
        env_ignore_empty=True,  # VAR= means the default, as unset does
        populate_by_name=True,
        frozen=True,
        extra="ignore",
    )

    database_url: str | None = Field(default=None, validation_alias=_env("DATABASE_URL"))
    data_dir: Path = Path("var")
    timezone: str = "Europe/Paris"
    language: Literal["fr", "en"] = "fr"
    redis_url: str | None = Field(default=None, validation_alias=_env("REDIS_URL"))
    max_attachment_bytes: int = 20 * 1024 * 1024
    secure_cookies: bool = False
    session_days: int = 14
    public_url: str = "http://127.0.0.1:8000"
    sign_in_attempts: int = 5
    sign_in_window_seconds: int = Field(default=900, validation_alias=_env("SAISON_SIGN_IN_WINDOW"))
    sign_in_first_delay: float = Field(default=1.0, gt=0)
    sign_in_max_delay: int = 5
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    db_pool_size: int = 20
    # What confirming an option does to options of other shows on the same room and dates:
    # "block" keeps them queued behind the confirmed engagement, "release" cancels them.
    confirm_competitors: Literal["block", "release"] = "block"
    # How long an answer to a request with an Idempotency-Key is replayed to its retries.
    idempotency_hours: int = 24
    # The administrator a new installation creates (the password: random unless given).
    admin_email: str = "admin@saison.local"
    admin_password: str | None = None
    # The venue as its documents name it (default: the name of its own venue in Technical),
    # and its logo (PNG, JPEG or SVG; none: the name is set in type).
    venue_name: str | None = None
    venue_logo: Path | None = None
    # The kind of an event a calendar app puts in a room's calendar without naming one (phones
    # cannot set categories): it books the room, so a kind that blocks rooms by default.
    calendar_room_kind: str = CALENDAR_ROOM_KINDS[0]
    # Where the default document templates and the built browser app are, for an installed
    # package (the image sets them); none: typst_templates/ and web/dist of the checkout.
    typst_templates: Path | None = None
    web_dist: Path | None = None
    # argon2's cheapest parameters, for a test suite that makes hundreds of accounts.
    fast_password_hashing: bool = False
    # `saison serve`: where and how it listens; SAISON_DEBUG prints tracebacks.
    host: str = "127.0.0.1"
    port: int = 8000
    processes: int = 1
    debug: bool = False
    # Logs (server/observability/logs.py): one JSON object a line, or plain text; "auto" is
    # text at a terminal and JSON otherwise (a container, systemd). Their threshold (debug,
    # info, warning, error); requests are logged at info.
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # GET /metrics: Prometheus may send this as a bearer token (administrators may read the
    # metrics with their own credentials whether or not it is set).
    metrics_token: str | None = None
    # Where the processes of one machine add up their metrics (prometheus-client's
    # multiprocess mode); `saison serve --processes N` sets it under the data dir by itself.
    metrics_dir: Path | None = Field(
        default=None, validation_alias=_env("PROMETHEUS_MULTIPROC_DIR")
    )
    # `saison createuser` without --password.
    password: str | None = None
    # Webhooks (server/feeds/): who delivers them ("server": a task in each server process;
    # "separate": `saison worker` processes only), how long a receiver may take to answer,
    # the backoff between attempts (doubling from the first, capped, with jitter), how many
    # failures in a row disable a subscription, whether plain http targets are accepted, and
    # whether targets inside the network (loopback, private, link-local…) are: webhooks and
    # connectors' pushes both (server/core/signed_post.py).
    worker: Literal["server", "separate"] = "server"
    webhook_timeout_seconds: float = 10.0
    webhook_retry_seconds: float = 10.0
    webhook_retry_max_seconds: float = 3600.0
    webhook_max_failures: int = 10
    webhook_allow_http: bool = False
    webhook_allow_private: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"SAISON_TIMEZONE: {value!r} is not a time zone") from None
        return value

    @field_validator(
        "language", "confirm_competitors", "worker", "log_format", "log_level", mode="before"
    )
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("calendar_room_kind", mode="before")
    @classmethod
    def _room_kind(cls, value: object) -> object:
        kind = value.strip().lower() if isinstance(value, str) else value
        if kind not in CALENDAR_ROOM_KINDS:
            raise ValueError(
                f"SAISON_CALENDAR_ROOM_KIND must be one of {', '.join(CALENDAR_ROOM_KINDS)} "
                f"(not {kind!r})"
            )
        return kind

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _items(cls, value: object) -> object:
        """Items separated by commas or spaces."""
        if isinstance(value, str):
            return tuple(item for item in value.replace(",", " ").split() if item)
        return value

    @field_validator("idempotency_hours")
    @classmethod
    def _a_day_at_least(cls, value: int) -> int:
        return max(24, value)

    @field_validator("venue_name")
    @classmethod
    def _stripped(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls) -> Settings:
        return cls()

    @classmethod
    def defaults(cls) -> Settings:
        """The settings of an installation that sets nothing (no environment read)."""
        return cls.model_construct()


# -- what administrators are shown (GET /api/v1/settings) ------------------------------------------
# The settings shown on the administration page, in its order; every other field is in HIDDEN
# (a secret, or a switch for the test suite). A test fails on a field in neither.
SHOWN: tuple[str, ...] = (
    "timezone",
    "language",
    "venue_name",
    "venue_logo",
    "public_url",
    "confirm_competitors",
    "calendar_room_kind",
    "max_attachment_bytes",
    "session_days",
    "secure_cookies",
    "sign_in_attempts",
    "sign_in_window_seconds",
    "sign_in_first_delay",
    "sign_in_max_delay",
    "trusted_proxies",
    "idempotency_hours",
    "admin_email",
    "data_dir",
    "database_url",
    "redis_url",
    "db_pool_size",
    "host",
    "port",
    "processes",
    "worker",
    "webhook_timeout_seconds",
    "webhook_retry_seconds",
    "webhook_retry_max_seconds",
    "webhook_max_failures",
    "webhook_allow_http",
    "webhook_allow_private",
    "typst_templates",
    "web_dist",
    "debug",
    "log_format",
    "log_level",
    "metrics_dir",
)
HIDDEN = frozenset({"admin_password", "password", "fast_password_hashing", "metrics_token"})
_URLS = frozenset({"database_url", "redis_url"})

SettingValue = str | float | bool | list[str] | None  # float: integers too, one JSON number


def variable(name: str) -> str:
    """The environment variable that sets the field ``name`` (its alias, or SAISON_ + name)."""
    alias = Settings.model_fields[name].validation_alias
    if isinstance(alias, AliasChoices):
        first = alias.choices[0]
        if isinstance(first, str):
            return first
    return f"{Settings.model_config.get('env_prefix', '')}{name.upper()}"


def _shown(name: str, value: object) -> SettingValue:
    """A value as an administrator may read it: paths as text, no password of a URL."""
    if value is None:
        return None
    if name in _URLS:
        parts = urlsplit(str(value))
        if parts.password is not None:
            host = parts.netloc.rsplit("@", 1)[-1]
            user = parts.username or ""
            parts = parts._replace(netloc=f"{user}:***@{host}" if user else f"***@{host}")
        return urlunsplit(parts)
    if isinstance(value, tuple):
        return [str(item) for item in value]
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def describe(settings: Settings) -> list[dict[str, SettingValue]]:
    """Each shown setting with its value, its default and its environment variable (for the
    administration page, read-only: they are set where the server is started)."""
    defaults = Settings.defaults()
    return [
        {
            "key": name,
            "value": _shown(name, getattr(settings, name)),
            "default": _shown(name, getattr(defaults, name)),
            "environment": variable(name),
        }
        for name in SHOWN
    ]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The environment's settings, for entry points only (the app factory, the command)."""
    return Settings()
