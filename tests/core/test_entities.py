"""What every domain service does when it writes a row."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from server.core.permissions import SYSTEM
from server.core.unit_of_work import unit_of_work
from server.directory.organisations import OrganisationService


async def test_a_value_for_no_column_is_refused_not_dropped(db):
    """Rows go to the database as parameters of one statement, where a misspelt field would
    otherwise be left out without a word and the row saved without it."""
    with pytest.raises(TypeError, match="nmae"):
        async with unit_of_work(db, SYSTEM) as uow:
            await OrganisationService(uow).insert_row({"name": "Compagnie Éclat", "nmae": "x"})
    async with db.session() as session:
        assert (await session.execute(text("SELECT count(*) FROM organisations"))).scalar() == 0
