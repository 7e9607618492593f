"""The demo season: rich enough to try every screen, loaded once, and everyone can sign in."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from server.accounts import signin
from server.accounts.permissions import SYSTEM, Level, Workspace
from server.core.unit_of_work import unit_of_work
from server.db.engine import Database
from server.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from server.settings import Settings


async def scalar(db: Database, sql: str) -> Any:
    async with db.sessions() as session:
        return (await session.execute(text(sql))).scalar_one()


async def season_counts(db: Database) -> dict[str, int]:
    tables = ("shows", "engagements", "activities", "organisations", "contacts", "change_log")
    return {t: await scalar(db, f"SELECT count(*) FROM {t}") for t in tables}


async def test_demo_season_is_rich_logged_and_loaded_once(db: Database) -> None:
    summary = await load_demo(db, progress=False)
    assert DEMO_PASSWORD in summary and "technique@demo.saison" in summary

    assert await scalar(db, "SELECT count(*) FROM shows") >= 35
    assert await scalar(db, "SELECT count(*) FROM engagements") >= 70
    assert await scalar(db, "SELECT count(*) FROM engagements WHERE status = 'option'") >= 10
    ranks = await scalar(db, "SELECT count(DISTINCT option_rank) FROM engagements")
    assert ranks >= 2  # some options compete for the same room and days
    assert await scalar(db, "SELECT count(*) FROM engagements WHERE status = 'cancelled'") >= 1
    kind = "FROM activities WHERE kind"
    assert await scalar(db, f"SELECT count(*) {kind} = 'performance'") >= 250
    assert await scalar(db, f"SELECT count(*) {kind} <> 'performance'") >= 350
    assert await scalar(db, f"SELECT count(DISTINCT kind) {kind} <> 'performance'") == 8
    assert await scalar(db, "SELECT count(*) FROM organisations") >= 25
    assert await scalar(db, "SELECT count(*) FROM contacts") >= 35
    assert await scalar(db, "SELECT count(*) FROM rooms") == 5
    assert await scalar(db, "SELECT count(*) FROM places WHERE venue_id IS NOT NULL") == 2
    # French text survives the round trip.
    assert await scalar(db, "SELECT count(*) FROM shows WHERE title ~ '[éèêàçôÉÎ]'") >= 5
    assert await scalar(db, "SELECT count(*) FROM rooms WHERE name = 'Salle Gérard-Philipe'") == 1
    # Confirmed activities never share a room at the same time (a constraint will insist).
    clashes = await scalar(db, """
        SELECT count(*) FROM activities a JOIN activities b
          ON a.room_id = b.room_id AND a.id < b.id
         AND a.status = 'confirmed' AND b.status = 'confirmed'
         AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at""")
    assert clashes == 0
    # Every row came through a service: each show and performance has its history entry.
    assert await scalar(db, "SELECT count(*) FROM change_log WHERE entity = 'show'") == (
        await scalar(db, "SELECT count(*) FROM shows"))
    assert await scalar(db, "SELECT count(*) FROM change_log WHERE entity = 'performance'") == (
        await scalar(db, f"SELECT count(*) {kind} = 'performance'"))

    # Each demo account signs in with the shared password and gets its team's rights.
    for email, _name, team in DEMO_USERS:
        async with unit_of_work(db, SYSTEM) as uow:
            who, _ = await signin.sign_in(uow, Settings(), email, DEMO_PASSWORD, "127.0.0.1")
        assert who.email == email
        assert who.is_admin == (team is None)
        if team == "Technique":
            assert who.can(Workspace.TECHNICAL, Level.MANAGE)
            assert not who.can_read_fees

    before = await season_counts(db)
    again = await load_demo(db, progress=False)
    assert "already" in again
    assert await season_counts(db) == before
    with pytest.raises(ValueError, match="already has a season"):
        await load_demo(db, replace=True, progress=False)
    assert await season_counts(db) == before
