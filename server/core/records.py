"""What every stored record shares: an id, a version for optimistic concurrency, timestamps."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from pydantic import BaseModel, create_model
from sqlalchemy import BigInteger, ColumnElement, DateTime, Index, Integer, func, literal_column
from sqlmodel import Field, SQLModel

from server.core.fields import Input
from server.core.venue import venue

# The column ``info`` of a field only those who may read contracts see (fees, contract terms):
# declared with the column, so every outlet (answers, history, live updates) hides the same ones.
CONFIDENTIAL: dict[str, Any] = {"confidential": True}


def confidential_columns(model: type[SQLModel]) -> frozenset[str]:
    """The columns of ``model``'s table marked ``CONFIDENTIAL``."""
    table: Any = model.__table__  # type: ignore[attr-defined]
    return frozenset(c.name for c in table.columns if c.info.get("confidential"))


# The column ``info`` of a field that is a person's own data (names, emails, phones, notes about
# them): what a person's data export gathers, and what erasing them removes from the record and
# redacts from its history (``server/db/sql/0013/``). Declared with the column: no second list.
PERSONAL: dict[str, Any] = {"personal": True}


def personal_columns(model: type[SQLModel]) -> tuple[str, ...]:
    """The columns of ``model``'s table marked ``PERSONAL``, in their order."""
    table: Any = model.__table__  # type: ignore[attr-defined]
    return tuple(c.name for c in table.columns if c.info.get("personal"))


class Record(SQLModel):
    """Columns of every table; ``version`` grows by one on each change and is the ETag."""

    id: int | None = Field(default=None, primary_key=True, sa_type=BigInteger)
    version: int = Field(default=1, sa_type=Integer, sa_column_kwargs={"server_default": "1"})
    created_at: datetime | None = Field(
        default=None,
        sa_type=DateTime(timezone=True),  # type: ignore[call-overload]
        sa_column_kwargs={"server_default": func.now(), "nullable": False},
    )
    updated_at: datetime | None = Field(
        default=None,
        sa_type=DateTime(timezone=True),  # type: ignore[call-overload]
        sa_column_kwargs={"server_default": func.now(), "nullable": False},
    )


def folded(value: Any) -> ColumnElement[str]:
    """Text as people compare and sort it: lower case, without accents or ligatures
    (``saison_fold``, migration 0008; the embedded PostgreSQL has no ICU collations)."""
    return func.saison_fold(value)


def search_index(name: str, column: str) -> Index:
    """A trigram index on a column as search compares it (``saison_fold``, migration 0008):
    declared with the table so that the models and the migrations tell the same schema."""
    folded = func.saison_fold(literal_column(column)).label(column)
    return Index(name, folded, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


class RecordRead(BaseModel):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime


def jsonable(value: Any) -> Any:
    """A value as it is written into the change log and feeds (ISO dates, decimals as text).

    Instants are written in the venue's zone with their offset (``2026-10-05T09:00:00+02:00``),
    as REST records give them: whoever reads the log (changes feed, history, live updates,
    calendars) reads the times a person would.
    """
    if isinstance(value, datetime):
        return (value.astimezone(venue().tz) if value.tzinfo else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def partial_model(
    model: type[BaseModel], name: str | None = None, exclude: frozenset[str] = frozenset()
) -> type[BaseModel]:
    """The PATCH body of ``model``: the same fields and rules, each optional."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        if field_name in exclude:
            continue
        annotation = info.annotation
        copied = info._copy() if hasattr(info, "_copy") else info
        copied.default = None
        copied.default_factory = None
        fields[field_name] = (cast(Any, annotation) | None, copied)
    # The same base as every body: unknown fields and values that cannot be stored are refused
    # in a change as in a creation.
    return create_model(name or f"{model.__name__}Patch", __base__=Input, **fields)
