"""A calendar-query (RFC 4791 §7.8) as data: a time range for SQL, text tests for the rest.

The time range goes to the database (the index on activity times does the work); property
tests (text-match, is-not-defined) are evaluated on the rendered events, which hold the same
texts an app would search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from calendar_bridge.errors import UnsupportedCollation
from calendar_bridge.events import Event
from server.core.i18n import _

COLLATIONS = frozenset({"i;ascii-casemap", "i;unicode-casemap", "i;octet"})


@dataclass(frozen=True)
class TextMatch:
    value: str
    collation: str = "i;ascii-casemap"
    negate: bool = False

    def __post_init__(self) -> None:
        if self.collation not in COLLATIONS:
            raise UnsupportedCollation(
                _("Collation {collation} is not supported.", collation=self.collation)
            )

    def matches(self, texts: list[str]) -> bool:
        if self.collation == "i;octet":
            found = any(self.value in t for t in texts)
        else:
            needle = self.value.casefold()
            found = any(needle in t.casefold() for t in texts)
        return found != self.negate


@dataclass(frozen=True)
class PropFilter:
    name: str
    is_not_defined: bool = False
    text_matches: tuple[TextMatch, ...] = ()

    def matches(self, event: Event) -> bool:
        texts = event.props.get(self.name.upper())
        if self.is_not_defined:
            return texts is None
        if texts is None:
            return False
        return all(m.matches(texts) for m in self.text_matches)


@dataclass
class EventQuery:
    """What a calendar-query asks of events; ``nothing`` when it cannot match any event."""

    start: datetime | None = None
    end: datetime | None = None
    props: list[PropFilter] = field(default_factory=list)
    nothing: bool = False

    def matches(self, event: Event) -> bool:
        return all(p.matches(event) for p in self.props)
