"""The OpenAPI document describes every kind of record, for those signed in."""

from __future__ import annotations

import pytest

from tests.factories import KINDS


@pytest.fixture
async def document(in_process, admin):
    r = await admin.http.get(in_process.url + "/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


async def test_the_document_is_for_signed_in_people_only(in_process, people):
    async with in_process.client() as client:
        r = await client.get("/schema/openapi.json")
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
    nobody = await people["nobody"].http.get(in_process.url + "/schema/openapi.json")
    assert nobody.status_code == 200


@pytest.mark.parametrize("kind", KINDS, ids=str)
async def test_every_kind_of_record_is_described(document, kind):
    paths = document["paths"]
    collection, item = f"/api/v1{kind.path}", f"/api/v1{kind.path}/{{record_id}}"
    assert {"get", "post"} <= set(paths[collection]), collection
    assert {"get", "patch", "delete"} <= set(paths[item]), item

    listing = paths[collection]["get"]
    names = {p["name"] for p in listing.get("parameters", [])}
    assert {"limit", "offset"} <= names

    created = resolve(
        document,
        paths[collection]["post"]["requestBody"]["content"]["application/json"]["schema"],
    )
    assert created["properties"], kind
    # Every field one may send is described; a sample of what the season sends is there.
    assert set(kind.change) <= set(created["properties"]), kind

    read = paths[item]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"id", "version"} <= set(resolve(document, read)["properties"])


async def test_filters_and_ranges_are_documented(document):
    activities = document["paths"]["/api/v1/activities"]["get"]
    names = {p["name"] for p in activities["parameters"]}
    assert {"start", "end", "room_id", "kind", "status", "show_id", "q"} <= names
    engagements = document["paths"]["/api/v1/engagements"]["get"]
    assert {"status", "show_id", "room_id"} <= {p["name"] for p in engagements["parameters"]}


async def test_accounts_and_history_are_described(document):
    paths = document["paths"]
    for path in (
        "/api/v1/auth/sign-in",
        "/api/v1/auth/tokens",
        "/api/v1/changes",
        "/api/v1/changes/{entity}/{entity_id}",
        "/api/v1/users",
        "/api/v1/teams",
        "/api/v1/permissions",
        "/api/v1/technical-sheets/{record_id}/attachments",
        "/api/v1/attachments/{record_id}/content",
    ):
        assert path in paths, path
