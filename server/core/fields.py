"""Field types shared by input schemas, so limits and messages are the same everywhere.

Whatever a body carries must fit where it goes: PostgreSQL text cannot hold a NUL character,
its ``bigint`` ends at 2^63 − 1 and its ``integer`` at 2^31 − 1, and the venue's calendar
holds the years :data:`~server.core.localtime.FIRST_YEAR`–:data:`~server.core.localtime.
LAST_YEAR`. :class:`Input`, the base of every request body, refuses anything else field by
field, so no schema has to remember it.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, Union, cast, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from server.core.i18n import N_, Message
from server.core.localtime import out_of_range, range_message

MAX_BIGINT = 2**63 - 1  # PostgreSQL bigint: ids, sequence numbers
MIN_BIGINT = -(2**63)
MAX_INTEGER = 2**31 - 1  # PostgreSQL integer: versions, capacities, minutes

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[0-9+().\s-]{3,40}$")
]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://\S+$")
]
Id = Annotated[int, Field(ge=1, le=MAX_BIGINT)]
Version = Annotated[int, Field(ge=0, le=MAX_INTEGER, description="The version you read")]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

NUL_MESSAGE = N_("must not contain the NUL character")


def unstorable(value: Any) -> Message | None:
    """What makes a value sent in a body impossible to store, or None.

    Looks inside lists and objects (a list of emails, a map of times). Bodies are at most a few
    levels deep (see ``server.api.bodies``), so the walk is short.
    """
    if isinstance(value, str):
        return Message(NUL_MESSAGE) if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if value > MAX_BIGINT:
            return Message(N_("must be at most {le}"), le=MAX_BIGINT)
        if value < MIN_BIGINT:
            return Message(N_("must be at least {ge}"), ge=MIN_BIGINT)
        return None
    if isinstance(value, date):
        return range_message() if out_of_range(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = unstorable(key) or unstorable(item)
            if problem:
                return problem
        return None
    if isinstance(value, list | tuple):
        for item in value:
            problem = unstorable(item)
            if problem:
                return problem
    return None


@cache
def _plain_type(annotation: Any) -> Any:
    """``bool`` for ``bool | None``, ``int`` for ``Annotated[int, …] | None``; else None."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [_plain_type(a) for a in get_args(annotation) if a is not type(None)]
        return kinds[0] if len(kinds) == 1 else None
    return annotation if annotation in (bool, int) else None


def _wrong_json_type(expected: Any, value: Any) -> Message | None:
    """JSON's ``true`` is not the number 1, nor is ``0`` false: pydantic would convert them
    (a ``"version": false`` read as version 0); the document says which type each field is."""
    if expected is bool and not isinstance(value, bool) and value is not None:
        return Message(N_("must be true or false"))
    if expected is int and isinstance(value, bool):
        return Message(N_("must be a whole number"))
    return None


class Input(BaseModel):
    """Base of request bodies: an unknown or misspelt field is an error, never silently dropped,
    and no field may carry what cannot be stored (NUL, numbers past bigint, far-off years) nor
    a value of another JSON type than its own (``true`` for a number)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _storable_as_sent(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        problem = unstorable(value) or (
            _wrong_json_type(_plain_type(cast(Any, field.annotation)), value) if field else None
        )
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _in_the_calendar(cls, value: Any) -> Any:
        # Days and instants arrive as text: their year is known once they are read.
        if isinstance(value, date) or (isinstance(value, list | tuple | Mapping) and value):
            problem = unstorable(value)
            if problem is not None:
                raise ValueError(problem)
        return value
