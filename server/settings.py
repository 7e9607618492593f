"""Configuration read once from the environment, so every process of a deployment agrees."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (the first by default); anything else stops the start-up, by name."""
    raw = (os.environ.get(name) or allowed[0]).strip().lower()
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (not {raw!r})")
    return raw


def _list(name: str) -> tuple[str, ...]:
    """Items separated by commas or spaces."""
    return tuple(item for item in os.environ.get(name, "").replace(",", " ").split() if item)


# Kinds an event put in a room's calendar may default to (the first is the default). Not
# performances: those belong to Programming. (Kept here, not imported from the planning: the
# settings are read before any model.)
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


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    data_dir: Path = Path("var")
    timezone: str = "Europe/Paris"
    language: str = "fr"
    redis_url: str | None = None
    max_attachment_bytes: int = 20 * 1024 * 1024
    secure_cookies: bool = False
    session_days: int = 14
    public_url: str = "http://127.0.0.1:8000"
    sign_in_attempts: int = 5
    sign_in_window_seconds: int = 900
    db_pool_size: int = 20
    # What confirming an option does to options of other shows on the same room and dates:
    # "block" keeps them queued behind the confirmed engagement, "release" cancels them.
    confirm_competitors: str = "block"
    # How long an answer to a request with an Idempotency-Key is replayed to its retries.
    idempotency_hours: int = 24
    admin_email: str = "admin@saison.local"  # the administrator a new installation creates
    sign_in_max_delay: int = 5
    trusted_proxies: tuple[str, ...] = ()
    # The venue as its documents name it (default: the name of its own venue in Technical),
    # and its logo (PNG, JPEG or SVG; none: the name is set in type).
    venue_name: str | None = None
    venue_logo: Path | None = None
    # The kind of an event a calendar app puts in a room's calendar without naming one (phones
    # cannot set categories): it books the room, so a kind that blocks rooms by default.
    calendar_room_kind: str = "technical_service"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            data_dir=Path(os.environ.get("SAISON_DATA_DIR", "var")),
            timezone=os.environ.get("SAISON_TIMEZONE", "Europe/Paris"),
            language=os.environ.get("SAISON_LANGUAGE", "fr"),
            redis_url=os.environ.get("REDIS_URL") or None,
            max_attachment_bytes=_int("SAISON_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024),
            secure_cookies=os.environ.get("SAISON_SECURE_COOKIES", "").lower()
            in {"1", "true", "yes"},
            session_days=_int("SAISON_SESSION_DAYS", 14),
            public_url=os.environ.get("SAISON_PUBLIC_URL", "http://127.0.0.1:8000"),
            sign_in_attempts=_int("SAISON_SIGN_IN_ATTEMPTS", 5),
            sign_in_window_seconds=_int("SAISON_SIGN_IN_WINDOW", 900),
            db_pool_size=_int("SAISON_DB_POOL_SIZE", 20),
            confirm_competitors=_choice("SAISON_CONFIRM_COMPETITORS", ("block", "release")),
            idempotency_hours=max(24, _int("SAISON_IDEMPOTENCY_HOURS", 24)),
            admin_email=os.environ.get("SAISON_ADMIN_EMAIL") or "admin@saison.local",
            sign_in_max_delay=_int("SAISON_SIGN_IN_MAX_DELAY", 5),
            trusted_proxies=_list("SAISON_TRUSTED_PROXIES"),
            venue_name=(os.environ.get("SAISON_VENUE_NAME") or "").strip() or None,
            venue_logo=Path(os.environ["SAISON_VENUE_LOGO"])
            if os.environ.get("SAISON_VENUE_LOGO")
            else None,
            calendar_room_kind=_choice("SAISON_CALENDAR_ROOM_KIND", CALENDAR_ROOM_KINDS),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
