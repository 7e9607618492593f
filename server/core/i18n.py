"""Words of the venue: messages in French or English, times in the venue's zone.

Services raise errors with ``_("English text with {placeholders}", name=value)``. The result is
a lazy :class:`Message`: it is rendered only when a person reads it, in their language (the
request's ``Accept-Language`` among the languages Saison speaks, else ``SAISON_LANGUAGE``), with
dates and times formatted in the venue's zone ("mar. 14 janv. 2027, 20 h 30"). So a rule is
written once and speaks to a French stage manager and an English integrator alike.

Translations live in gettext catalogs (``server/locale/<lang>/LC_MESSAGES/messages.po``), read
with Babel. To add a message: write it with ``_()`` in English, then add its French ``msgstr``
to ``server/locale/fr/LC_MESSAGES/messages.po`` (``tests/core/test_i18n.py`` fails while one is
missing). A message with a count ("1 caractère", "2 caractères") is written with
``ngettext(singular, plural, count, …)`` (``N_plural`` for a constant) and translated with one
``msgstr[i]`` per plural form of the catalog's ``Plural-Forms``. ``pybabel extract -k _ -k N_
-k translate -k ngettext:1,2 -k N_plural:1,2 -o /tmp/saison.pot server realtime
calendar_bridge`` then ``pybabel update -i /tmp/saison.pot -d server/locale`` keep the books.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.units import format_unit

from server.core.venue import venue

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_language: ContextVar[str | None] = ContextVar("saison_language", default=None)


def current_language() -> str:
    """The reader's language: the one chosen for this request, else the venue's."""
    return _language.get() or default_language()


def default_language() -> str:
    language = venue().language
    return language if language in LANGUAGES else "fr"


def use_language(language: str | None) -> None:
    """Choose the language of what is rendered from now on in this task (one request)."""
    _language.set(language if language in LANGUAGES else None)


def negotiate(accept_language: str | None) -> str:
    """The best of Saison's languages for an ``Accept-Language`` header, else the venue's."""
    if not accept_language:
        return default_language()
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            wanted.append((quality, tag.strip().lower()))
    for quality, tag in sorted(wanted, key=lambda item: -item[0]):
        if quality <= 0:
            continue
        if tag == "*":
            return default_language()
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return default_language()


@cache
def _book(language: str) -> Catalog | None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@cache
def _catalog(language: str) -> Mapping[str, str]:
    """The language's messages without a count: English msgid → translation."""
    return {
        message.id: str(message.string)
        for message in _book(language) or ()
        if isinstance(message.id, str) and message.id and message.string and not message.fuzzy
    }


@cache
def _plurals(language: str) -> tuple[Mapping[str, tuple[str, ...]], Callable[[int], int]]:
    """The language's messages with a count: English singular → the translation of each
    plural form, and which form a count takes (the catalog's ``Plural-Forms``)."""
    book = _book(language)
    if book is None:
        return {}, lambda n: int(n != 1)
    forms = {
        message.id[0]: tuple(str(text) for text in message.string)
        for message in book
        if isinstance(message.id, tuple)
        and isinstance(message.string, tuple | list)
        and all(message.string)
        and not message.fuzzy
    }
    return forms, gettext.c2py(book.plural_expr)


def translate(msgid: str, language: str | None = None) -> str:
    """``msgid`` in ``language``; English text is its own translation."""
    language = language or current_language()
    if language == "en":
        return msgid
    return _catalog(language).get(msgid, msgid)


def translate_plural(singular: str, plural: str, count: int, language: str | None = None) -> str:
    """The form of a counted message that ``count`` takes in ``language``."""
    language = language or current_language()
    english = singular if count == 1 else plural
    if language == "en":
        return english
    forms, form_of = _plurals(language)
    translated = forms.get(singular)
    if not translated:
        return english
    return translated[min(form_of(count), len(translated) - 1)]


def format_day(day: date, language: str | None = None) -> str:
    """'mar. 14 janv. 2027' / 'Tue 14 Jan 2027'."""
    language = language or current_language()
    return format_date(day, "EEE d MMM y", locale=Locale.parse(language))


def format_clock(clock: time, language: str | None = None) -> str:
    """'20 h 30' in French (as venues print it), '20:30' in English."""
    language = language or current_language()
    if language == "fr":
        return f"{clock.hour} h {clock.minute:02d}"
    return f"{clock.hour:02d}:{clock.minute:02d}"


def format_moment(moment: datetime, language: str | None = None) -> str:
    """A date and time in the venue's zone: 'mar. 14 janv. 2027, 20 h 30'."""
    language = language or current_language()
    wall = moment.astimezone(venue().tz) if moment.tzinfo else moment
    return f"{format_day(wall.date(), language)}, {format_clock(wall.time(), language)}"


class Span:
    """A period as a person reads it: a single day is written once.

    'mar. 14 janv. 2027, 14 h 00 – 18 h 00'
    """

    __slots__ = ("end", "start")

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start
        self.end = end

    def render(self, language: str) -> str:
        tz = venue().tz
        start, end = self.start.astimezone(tz), self.end.astimezone(tz)
        if start.date() == end.date():
            return (
                f"{format_day(start.date(), language)}, {format_clock(start.time(), language)}"
                f" – {format_clock(end.time(), language)}"
            )
        return f"{format_moment(start, language)} – {format_moment(end, language)}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and (self.start, self.end) == (other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.start, self.end))


class Size:
    """A number of bytes as a person reads it: '20 Mo', '512 ko' / '20 MB', '512 kB' (binary
    multiples, as file managers show them)."""

    __slots__ = ("bytes",)

    UNITS = (("digital-megabyte", 1024 * 1024), ("digital-kilobyte", 1024), ("digital-byte", 1))

    def __init__(self, count: int) -> None:
        self.bytes = count

    def render(self, language: str) -> str:
        unit, size = next((u for u in self.UNITS if self.bytes >= u[1]), self.UNITS[-1])
        return format_unit(
            self.bytes / size, unit, length="short", format="#,##0.#", locale=Locale.parse(language)
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Size) and self.bytes == other.bytes

    def __hash__(self) -> int:
        return hash(self.bytes)


class _Text(str):
    """A rendered value; ``{record:capital}`` starts it with a capital (labels are written in
    lower case to sit inside sentences: "exploitation 12" / "Exploitation 12 introuvable")."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        if spec == "capital":
            return self[:1].upper() + self[1:]
        return format(str(self), spec)


def _value(value: Any, language: str) -> Any:
    if isinstance(value, Message | Span | Size):
        return _Text(value.render(language))
    if isinstance(value, str):
        return _Text(value)
    if isinstance(value, datetime):
        return format_moment(value, language)
    if isinstance(value, date):
        return format_day(value, language)
    if isinstance(value, time):
        return format_clock(value, language)
    return value


class Message:
    """A message waiting for its reader: English ``msgid`` with named values."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def template(self, language: str) -> str:
        return translate(self.msgid, language)

    def render(self, language: str | None = None) -> str:
        language = language or current_language()
        template = self.template(language)
        values = {name: _value(value, language) for name, value in self.params.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            # A translation naming a value the code does not give: the English text still works.
            return self.template("en").format(**values)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return self.msgid == other.msgid and self.params == other.params
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)


class Counted(Message):
    """A message whose words follow a count: "au moins 1 caractère", "au moins 2 caractères"."""

    __slots__ = ("count", "plural")

    def __init__(self, singular: str, plural: str, number: int, /, **params: Any) -> None:
        super().__init__(singular, **params)
        self.plural = plural
        self.count = number

    def template(self, language: str) -> str:
        return translate_plural(self.msgid, self.plural, self.count, language)

    def __repr__(self) -> str:
        return f"Counted({self.msgid!r}, {self.plural!r}, {self.count!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Counted):
            return (self.msgid, self.count, self.params) == (other.msgid, other.count, other.params)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.msgid)


def ngettext(singular: str, plural: str, count: int, /, **params: Any) -> Message:
    """Mark a message with a count for translation; ``{count}`` is the count unless named."""
    return Counted(singular, plural, count, **{"count": count, **params})


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a constant message with a count (a validation text) for the catalog."""
    return singular, plural


def _(msgid: str, **params: Any) -> Message:
    """Mark a message for translation; rendered lazily in the reader's language."""
    return Message(msgid, **params)


def N_(msgid: str) -> str:
    """Mark a constant (a problem title) for the catalog; translate it where it is read."""
    return msgid


def render(value: str | Message, language: str | None = None) -> str:
    return value.render(language) if isinstance(value, Message) else value
