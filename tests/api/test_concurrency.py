"""Optimistic concurrency: ETags, If-None-Match, If-Match (or the body's version), 412 and 428."""

from __future__ import annotations

import asyncio

import pytest


@pytest.fixture
async def show(admin, season):
    return season["show"]


def is_problem(response, status):
    return (
        response.status_code == status
        and response.headers["content-type"].startswith("application/problem+json")
        and response.json()["status"] == status
    )


async def unchanged(admin, show):
    now = (await admin.get(f"/shows/{show['id']}")).json()
    return now["version"] == show["version"] and now["title"] == show["title"]


async def last_seq(admin):
    return (await admin.get("/changes", params={"since": 0, "limit": 5000})).json()["next_since"]


async def test_if_none_match_gives_304_until_the_record_changes(admin, show):
    path = f"/shows/{show['id']}"
    cached = await admin.get(path, headers={"If-None-Match": '"v1"'})
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached.headers["etag"] == '"v1"'

    await admin.patch(path, {"title": "Phèdre (reprise)"}, version=1)
    fresh = await admin.get(path, headers={"If-None-Match": '"v1"'})
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"v2"'
    assert fresh.json()["title"] == "Phèdre (reprise)"


async def test_weak_and_listed_etags_are_understood(admin, show):
    path = f"/shows/{show['id']}"
    assert (await admin.get(path, headers={"If-None-Match": 'W/"v1"'})).status_code == 304
    assert (await admin.get(path, headers={"If-None-Match": '"v7", "v1"'})).status_code == 304


async def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(admin, show):
    path = f"/shows/{show['id']}"
    assert (await admin.patch(path, {"genre": "tragédie"}, version=1)).status_code == 200
    seq = await last_seq(admin)

    stale = await admin.patch(path, {"title": "Écrasé"}, version=1)
    assert is_problem(stale, 412)
    assert stale.json()["current_version"] == 2
    now = (await admin.get(path)).json()
    assert now["title"] == "Phèdre" and now["version"] == 2
    assert await last_seq(admin) == seq


async def test_patch_without_precondition_is_428(admin, show):
    seq = await last_seq(admin)
    r = await admin.patch(f"/shows/{show['id']}", {"title": "Sans précondition"})
    assert is_problem(r, 428)
    assert "If-Match" in r.json()["detail"]
    assert await unchanged(admin, show)
    assert await last_seq(admin) == seq


async def test_the_version_in_the_body_stands_for_if_match(admin, show):
    path = f"/shows/{show['id']}"
    stale = await admin.patch(path, {"title": "Vieux", "version": 0})
    assert is_problem(stale, 412)
    assert await unchanged(admin, show)

    ok = await admin.patch(path, {"title": "Nouveau", "version": 1})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2 and ok.headers["etag"] == '"v2"'


async def test_if_match_and_body_version_must_agree(admin, show):
    r = await admin.patch(f"/shows/{show['id']}", {"title": "X", "version": 3}, version=1)
    assert is_problem(r, 412)
    assert await unchanged(admin, show)


async def test_if_match_star_means_whatever_is_current(admin, show):
    r = await admin.patch(
        f"/shows/{show['id']}", {"title": "Quoi qu'il en soit"}, headers={"If-Match": "*"}
    )
    assert r.status_code == 200 and r.json()["version"] == 2


async def test_if_match_that_names_no_version_is_refused(admin, show):
    r = await admin.patch(f"/shows/{show['id']}", {"title": "X"}, headers={"If-Match": '"abc"'})
    assert is_problem(r, 412)
    assert await unchanged(admin, show)


async def test_delete_needs_the_current_version(admin):
    show = await admin.create("/shows", {"title": "Bérénice"})
    path = f"/shows/{show['id']}"
    missing = await admin.delete(path)
    assert is_problem(missing, 428)
    stale = await admin.delete(path, version=5)
    assert is_problem(stale, 412)
    assert await unchanged(admin, show)

    by_query = await admin.delete(path, params={"version": 1})
    assert by_query.status_code == 204
    assert (await admin.get(path)).status_code == 404


async def test_of_two_simultaneous_edits_exactly_one_wins(admin, people, show):
    path = f"/shows/{show['id']}"
    first, second = await asyncio.gather(
        admin.patch(path, {"title": "Version de l'admin"}, version=1),
        people["programmation"].patch(path, {"title": "Version de la programmation"}, version=1),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 412]
    winner = first if first.status_code == 200 else second
    now = (await admin.get(path)).json()
    assert now["version"] == 2
    assert now["title"] == winner.json()["title"]
    history = (await admin.get(f"/changes/show/{show['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["show.created", "show.updated"]
