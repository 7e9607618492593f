"""Dates, times and amounts as a venue prints them, made in Python for the templates.

Typst knows nothing of French conventions (a narrow space before thousands, "20 h 30", "lun.
5 oct. 2026"), so every label is written here with Babel, in the document's language, and the
templates print them as they are; raw values travel beside them for templates that compute.
The days and times are the venue's (``SAISON_TIMEZONE``), never UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_interval
from babel.numbers import format_currency, format_decimal, format_percent

from server.core.i18n import format_clock, format_day
from server.core.venue import venue

# English documents follow British usage: day before month, 24-hour clock.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale(language: str) -> str:
    return LOCALES.get(language, "fr_FR")


def day(value: date, language: str) -> str:
    """'lun. 5 oct. 2026' / 'Mon 5 Oct 2026'."""
    return format_day(value, language)


def first_of_month(text: str, value: date, language: str) -> str:
    """French writes the first of the month '1er': 'jeudi 1er octobre 2026'."""
    if language != "fr" or value.day != 1:
        return text
    return text.replace(" 1 ", " 1er ", 1) if " 1 " in text else "1er" + text[1:]


def long_day(value: date, language: str) -> str:
    """'lundi 5 octobre 2026', 'jeudi 1er octobre 2026' / 'Monday 5 October 2026'."""
    return first_of_month(
        format_date(value, "EEEE d MMMM y", locale=locale(language)), value, language
    )


def heading_day(value: date, language: str) -> str:
    """'Lundi 5 octobre 2026' / 'Monday 5 October 2026' (a day's heading)."""
    text = long_day(value, language)
    return text[:1].upper() + text[1:]


def legal_day(value: date, language: str) -> str:
    """'5 octobre 2026', '1er juillet 2026' / '5 October 2026' (contracts)."""
    return first_of_month(format_date(value, "d MMMM y", locale=locale(language)), value, language)


def month(value: date, language: str) -> str:
    """'octobre 2026' / 'October 2026'."""
    return format_date(value, "LLLL y", locale=locale(language))


def short_month(value: date, language: str) -> str:
    """'oct.' / 'Oct' (chart axes)."""
    return format_date(value, "LLL", locale=locale(language))


def days(first: date, last: date, language: str) -> str:
    """A run of days, each part written once: 'lun. 5 – jeu. 8 oct. 2026'."""
    if first == last:
        return day(first, language)
    return format_interval(first, last, "yMMMEd", locale=locale(language))


def period(first: date, last: date, language: str) -> dict[str, Any]:
    """A report's period as its templates show it: the run of days, and its ends as contracts
    write them ('du 1er septembre 2026 au …')."""
    return {
        "start": first,
        "end": last,
        "label": days(first, last, language),
        "from": legal_day(first, language),
        "to": legal_day(last, language),
    }


def clock(value: time | datetime, language: str) -> str:
    """'20 h 30' / '20:30', in the venue's zone for an instant."""
    if isinstance(value, datetime):
        value = value.astimezone(venue().tz).time()
    return format_clock(value, language)


def moment(value: datetime, language: str) -> str:
    """'lun. 5 oct. 2026, 20 h 30'."""
    wall = value.astimezone(venue().tz)
    return f"{day(wall.date(), language)}, {clock(wall.time(), language)}"


def duration(minutes: int | None, language: str) -> str | None:
    """'1 h 30' / '1 h 30 min'; '45 min'."""
    if not minutes:
        return None
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest:02d}" if language == "fr" else f"{hours} h {rest:02d} min"


def hours(value: float, language: str) -> str:
    """'12,5 h' / '12.5 h'."""
    return f"{format_decimal(round(value, 1), locale=locale(language))} h"


def amount(value: Decimal | None, language: str) -> str | None:
    """'12 500,00 €' / '€12,500.00'."""
    if value is None:
        return None
    return format_currency(value, "EUR", locale=locale(language))


def rate(value: Decimal | float | None, language: str) -> str | None:
    """A rate given in percent (5.5): '5,5 %' / '5.5%'."""
    if value is None:
        return None
    return format_percent(
        Decimal(str(value)) / 100, locale=locale(language), decimal_quantization=False
    )


def share(part: float, whole: float, language: str) -> str:
    """'42 %' of a whole (occupancy)."""
    return format_percent(part / whole if whole else 0, locale=locale(language))


def number(value: int, language: str) -> str:
    return format_decimal(value, locale=locale(language))


def siret(value: str | None) -> str | None:
    """A SIRET as papers print it: 419 512 347 00028 (SIREN in threes, then the NIC)."""
    if not value or len(value) != 14:
        return value
    return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}"
