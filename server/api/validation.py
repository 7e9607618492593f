"""What is wrong with a field, in the reader's words: Litestar's and pydantic's input errors.

Bodies are validated by pydantic, whose errors carry a stable ``type`` code (``missing``,
``string_too_long``…) and its limits (``ctx``); query and path parameters by msgspec, whose
errors are short English sentences of a few fixed shapes. Both are read here into one
vocabulary of codes, each with its English text and French translation in the catalog, so a
venue's staff read "200 caractères au plus" rather than "String should have at most 200
characters". A code Saison does not know keeps the library's English text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from server.core.i18n import N_, Message, N_plural, ngettext, render

# pydantic error type → English msgid (placeholders from the error's ctx).
TEXTS: dict[str, str] = {
    "missing": N_("required"),
    "extra_forbidden": N_("unknown field"),
    "string_type": N_("must be text"),
    "string_not_empty": N_("must not be empty"),
    "string_pattern_mismatch": N_("is not in the expected form"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "decimal_type": N_("must be a number"),
    "decimal_parsing": N_("must be a number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "greater_than": N_("must be greater than {gt}"),
    "greater_than_equal": N_("must be at least {ge}"),
    "less_than": N_("must be less than {lt}"),
    "less_than_equal": N_("must be at most {le}"),
    "multiple_of": N_("must be a multiple of {multiple_of}"),
    "datetime_type": N_("must be a date and time, e.g. 2026-10-06T20:30"),
    "datetime_parsing": N_("must be a date and time, e.g. 2026-10-06T20:30"),
    "datetime_from_date_parsing": N_("must be a date and time, e.g. 2026-10-06T20:30"),
    "date_type": N_("must be a day, e.g. 2026-10-06"),
    "date_parsing": N_("must be a day, e.g. 2026-10-06"),
    "date_from_datetime_parsing": N_("must be a day, e.g. 2026-10-06"),
    "date_from_datetime_inexact": N_("must be a day, e.g. 2026-10-06"),
    "time_type": N_("must be a time of day, e.g. 20:30"),
    "time_parsing": N_("must be a time of day, e.g. 20:30"),
    "enum": N_("must be one of: {expected}"),
    "literal_error": N_("must be one of: {expected}"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "model_attributes_type": N_("must be an object"),
    "json_invalid": N_("is not valid JSON"),
    "invalid_key": N_("is not a valid key"),
    "unknown_value": N_("is not one of the allowed values"),
}

# pydantic error type → (the limit in its ctx that counts, English singular and plural).
COUNTED: dict[str, tuple[str, tuple[str, str]]] = {
    "string_too_short": (
        "min_length",
        N_plural(
            "must have at least {min_length} character",
            "must have at least {min_length} characters",
        ),
    ),
    "string_too_long": (
        "max_length",
        N_plural(
            "must have at most {max_length} character", "must have at most {max_length} characters"
        ),
    ),
    "decimal_max_digits": (
        "max_digits",
        N_plural("must have at most {max_digits} digit", "must have at most {max_digits} digits"),
    ),
    "decimal_max_places": (
        "decimal_places",
        N_plural(
            "must have at most {decimal_places} decimal",
            "must have at most {decimal_places} decimals",
        ),
    ),
    "decimal_whole_digits": (
        "whole_digits",
        N_plural(
            "must have at most {whole_digits} digit before the point",
            "must have at most {whole_digits} digits before the point",
        ),
    ),
    "too_short": (
        "min_length",
        N_plural("must have at least {min_length} item", "must have at least {min_length} items"),
    ),
    "too_long": (
        "max_length",
        N_plural("must have at most {max_length} item", "must have at most {max_length} items"),
    ),
}

# msgspec's sentences for query and path parameters → (pydantic-style code, ctx).
_MSGSPEC: list[tuple[re.Pattern[str], str, str | None]] = [
    (re.compile(r"^Expected `(?:int)`, got `\w+`"), "int_parsing", None),
    (re.compile(r"^Expected `(?:float|decimal|number)`, got `\w+`"), "float_parsing", None),
    (re.compile(r"^Expected `bool`, got `\w+`"), "bool_parsing", None),
    (re.compile(r"^Expected `array`, got `\w+`"), "list_type", None),
    (re.compile(r"^Expected `object`, got `\w+`"), "dict_type", None),
    (re.compile(r"^Expected `str`, got `\w+`"), "string_type", None),
    (re.compile(r"^Expected `\w+` >= (\S+)$"), "greater_than_equal", "ge"),
    (re.compile(r"^Expected `\w+` > (\S+)$"), "greater_than", "gt"),
    (re.compile(r"^Expected `\w+` <= (\S+)$"), "less_than_equal", "le"),
    (re.compile(r"^Expected `\w+` < (\S+)$"), "less_than", "lt"),
    (re.compile(r"^Expected `str` of length <= (\d+)$"), "string_too_long", "max_length"),
    (re.compile(r"^Expected `str` of length >= (\d+)$"), "string_too_short", "min_length"),
    (re.compile(r"^Expected `array` of length <= (\d+)$"), "too_long", "max_length"),
    (re.compile(r"^Expected `array` of length >= (\d+)$"), "too_short", "min_length"),
    (re.compile(r"^Invalid RFC3339 encoded datetime"), "datetime_parsing", None),
    (re.compile(r"^Invalid RFC3339 encoded date$|^Invalid ISO8601 date"), "date_parsing", None),
    (re.compile(r"^Invalid RFC3339 encoded time|^Invalid ISO8601 time"), "time_parsing", None),
    (re.compile(r"^Invalid enum value"), "unknown_value", None),
    (re.compile(r"^Object missing required field"), "missing", None),
    (re.compile(r"^Missing required"), "missing", None),
]


def _expected(text: str) -> str:
    """pydantic's "'option', 'confirmed' or 'cancelled'" as a plain list of values."""
    values = re.split(r", | or ", text)
    return ", ".join(v.strip().strip("'") for v in values if v.strip())


def message_for(code: str, ctx: Mapping[str, Any] | None, english: str) -> str:
    """One error as the reader reads it; ``english`` (the library's text) if unknown."""
    ctx = dict(ctx or {})
    if code in ("value_error", "assertion_error"):
        # Our validators raise ValueError(_(…)): render the message, in the reader's language.
        error = ctx.get("error")
        cause = error.args[0] if isinstance(error, Exception) and error.args else None
        if isinstance(cause, Message):
            return render(cause)
        return re.sub(r"^(Value|Assertion) error, ", "", english)
    if code == "string_too_short" and ctx.get("min_length") == 1:
        code = "string_not_empty"
    # msgspec's limits are read from its sentence, as text: a count for the plural forms.
    ctx = {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in ctx.items()}
    if code in ("enum", "literal_error") and isinstance(ctx.get("expected"), str):
        ctx["expected"] = _expected(ctx["expected"])
    values = {k: v if isinstance(v, int | float) else str(v) for k, v in ctx.items()}
    if code in COUNTED:
        limit, (singular, plural) = COUNTED[code]
        count = values.get(limit)
        return ngettext(singular, plural, count if isinstance(count, int) else 2, **values).render()
    text = TEXTS.get(code)
    if text is None:
        return english
    return Message(text, **values).render()


def pydantic_message(error: Mapping[str, Any]) -> str:
    return message_for(str(error.get("type", "")), error.get("ctx"), str(error.get("msg", "")))


def msgspec_message(english: str) -> str:
    for pattern, code, name in _MSGSPEC:
        found = pattern.search(english)
        if found:
            ctx = {name: found.group(1)} if name else {}
            return message_for(code, ctx, english)
    return english


def field_of(location: Any) -> str:
    """A pydantic location (``('targets', 0, 'room_id')``) as a field name: targets.0.room_id."""
    if isinstance(location, list | tuple):
        return ".".join(str(part) for part in location)
    text = str(location or "")
    return text[2:] if text.startswith("$.") else text
