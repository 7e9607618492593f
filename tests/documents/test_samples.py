"""The sample data a venue's template is checked against has the shape of the real data, so a
template that compiles against the sample compiles against the season."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.documents.documents import Documents, Target
from server.documents.kinds import DocumentKind
from server.documents.samples import sample


def shape(value: Any, path: str = "") -> set[str]:
    """Every key path of ``value`` (lists by their first item)."""
    if isinstance(value, dict):
        out = {f"{path}.{k}" for k in value}
        for k, v in value.items():
            out |= shape(v, f"{path}.{k}")
        return out
    if isinstance(value, list) and value:
        return shape(value[0], f"{path}[]")
    return set()


@pytest.mark.parametrize("kind", list(DocumentKind))
@pytest.mark.parametrize("language", ["fr", "en"])
async def test_sample_and_real_data_have_the_same_keys(db, run, kind, language):
    target = (
        Target(start=date(2026, 10, 1), end=date(2026, 10, 31))
        if kind is DocumentKind.ACTIVITY_REPORT
        else Target(
            engagement_id=run["engagement"]["id"],
            day=date(2026, 10, 5) if kind is DocumentKind.ROAD_SHEET else None,
        )
    )
    async with unit_of_work(db, SYSTEM) as uow:
        _name, real = await Documents(uow, language).data(kind, target)
    assert shape(sample(kind, language)) == shape(real)
