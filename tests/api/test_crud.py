"""Every kind of record can be created, read, listed, changed and deleted, with its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.factories import KINDS, Kind


def same_value(sent: Any, got: Any) -> bool:
    """Equal as a person means it: instants compare as instants, whatever the offset."""
    if isinstance(sent, str) and isinstance(got, str) and "T" in sent and sent[:4].isdigit():
        return datetime.fromisoformat(sent) == datetime.fromisoformat(got)
    return bool(sent == got)


def assert_shows(record: dict[str, Any], sent: dict[str, Any]) -> None:
    for key, value in sent.items():
        assert same_value(value, record[key]), f"{key}: sent {value!r}, got {record[key]!r}"


@pytest.mark.parametrize("kind", KINDS, ids=str)
async def test_life_of_a_record(admin, season, kind: Kind):
    payload = kind.new(season)

    created = await admin.post(kind.path, payload)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["version"] == 1
    assert created.headers["etag"] == '"v1"'
    assert created.headers["location"].endswith(f"{kind.path}/{record['id']}")
    assert_shows(record, payload)

    read = await admin.get(f"{kind.path}/{record['id']}")
    assert read.status_code == 200
    assert read.headers["etag"] == '"v1"'
    assert read.json() == record

    listed = (await admin.get(kind.path, params={"limit": 1000})).json()
    assert record["id"] in [item["id"] for item in listed["items"]]
    assert listed["total"] == len(listed["items"])

    changed = await admin.patch(f"{kind.path}/{record['id']}", kind.change, version=1)
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"v2"'
    assert_shows(changed.json(), kind.change)
    again = (await admin.get(f"{kind.path}/{record['id']}")).json()
    assert again["version"] == 2
    assert_shows(again, {**payload, **kind.change})

    deleted = await admin.delete(f"{kind.path}/{record['id']}", version=2)
    assert deleted.status_code == 204, deleted.text
    assert (await admin.get(f"{kind.path}/{record['id']}")).status_code == 404
    listed = (await admin.get(kind.path, params={"limit": 1000})).json()
    assert record["id"] not in [item["id"] for item in listed["items"]]

    history = (await admin.get(f"/changes/{kind.entity}/{record['id']}")).json()["items"]
    assert [c["action"] for c in history] == [
        f"{kind.entity}.created",
        f"{kind.entity}.updated",
        f"{kind.entity}.deleted",
    ]
    assert {c["actor_id"] for c in history} == {admin.user["id"]}
    assert {c["workspace"] for c in history} == {kind.workspace}
    assert history[0]["before"] is None and history[0]["after"]["id"] == record["id"]
    field, value = next(iter(kind.change.items()))
    assert history[1]["before"] == {field: record[field]}
    assert history[1]["after"] == {field: value}
    assert history[2]["before"]["id"] == record["id"] and history[2]["after"] is None


@pytest.mark.parametrize("kind", KINDS, ids=str)
async def test_unknown_id_is_404_problem(admin, kind: Kind):
    for response in (
        await admin.get(f"{kind.path}/999999"),
        await admin.patch(f"{kind.path}/999999", kind.change, version=1),
        await admin.delete(f"{kind.path}/999999", version=1),
    ):
        assert response.status_code == 404, response.request
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 404


async def test_patch_that_changes_nothing_keeps_the_version_and_logs_nothing(admin, season):
    show = season["show"]
    before = (await admin.get("/changes", params={"since": 0})).json()["next_since"]
    r = await admin.patch(f"/shows/{show['id']}", {"title": show["title"]}, version=1)
    assert r.status_code == 200
    assert r.json()["version"] == 1
    assert (await admin.get("/changes", params={"since": before})).json()["items"] == []


async def test_patch_can_clear_an_optional_field(admin, season):
    show = season["show"]
    r = await admin.patch(f"/shows/{show['id']}", {"genre": None}, version=1)
    assert r.status_code == 200
    assert r.json()["genre"] is None
    assert (await admin.get(f"/shows/{show['id']}")).json()["genre"] is None


async def test_a_record_still_in_use_cannot_be_deleted(admin):
    venue = await admin.create("/venues", {"name": "La Fabrique"})
    room = await admin.create("/rooms", {"venue_id": venue["id"], "name": "Atelier"})
    r = await admin.delete(f"/venues/{venue['id']}", version=1)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "des salles en dépendent encore" in r.json()["detail"]
    english = await admin.delete(
        f"/venues/{venue['id']}", version=1, headers={"Accept-Language": "en"}
    )
    assert english.json()["detail"] == (
        "This venue cannot be deleted: rooms still depend on it; delete or move those first."
    )
    assert (await admin.get(f"/venues/{venue['id']}")).status_code == 200
    assert (await admin.get(f"/rooms/{room['id']}")).status_code == 200
