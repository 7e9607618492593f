"""The venue this process serves: its time zone, its language and its public address.

They are facts of the whole process (every time without offset is the venue's, every message
defaults to its language, every link and calendar UID names its address), so they are kept
here, set once by the entry point from its ``Settings`` (``server.app.configure``); nothing
reads them from the environment. Everything else a service follows comes with its unit of work
(``uow.settings``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from server.settings import Settings


@dataclass(frozen=True)
class Venue:
    timezone: str = "Europe/Paris"
    language: str = "fr"
    public_url: str = "http://127.0.0.1:8000"  # where people reach it: links, calendar UIDs
    tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", ZoneInfo(self.timezone))

    @classmethod
    def of(cls, settings: Settings) -> Venue:
        return cls(settings.timezone, settings.language, settings.public_url)


_venue = Venue()


def venue() -> Venue:
    """The venue's zone (``venue().tz``) and language."""
    return _venue


def set_venue(settings: Settings) -> None:
    global _venue
    _venue = Venue.of(settings)


def set_venue_of(value: Venue) -> None:
    """The zone and language of the organisation's record (``server.core.organisation``),
    which replace the environment's first-start defaults once the database is read."""
    global _venue
    _venue = value


@contextmanager
def venue_of(settings: Settings) -> Iterator[Venue]:
    """Work for the venue ``settings`` describe for a while (a command, a test), then return."""
    global _venue
    saved, _venue = _venue, Venue.of(settings)
    try:
        yield _venue
    finally:
        _venue = saved
