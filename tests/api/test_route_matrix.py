"""Every route of the live OpenAPI document, called anonymously and by someone with no team.

The walk reads the document the server publishes, so a route added tomorrow is covered without
touching this file: if it forgets its guard, the anonymous call will not get 401 or the call
without a team will not get 403, and this fails. Nothing may answer 5xx, whoever calls.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.communication.conftest import poster
from tests.conftest import token_for
from tests.factories import paris

# Routes anyone may call.
# The ICS feed is public: the secret in its URL is the credential.
# The public feeds are for websites and agendas that cannot sign in; they carry published
# confirmed performances and public fields only (tests/communication/test_exports.py), and an
# image answers only once its show is published (or to those who read communication).
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/health/live"),
    ("GET", "/health/ready"),
    ("POST", "/api/v1/auth/sign-in"),
    ("GET", "/ics/{name}"),
    ("GET", "/public/events.jsonld"),
    ("GET", "/public/openagenda.json"),
    ("GET", "/public/events.ics"),
    ("GET", "/public/images/{image_id}/{name}"),
}
# Routes for anyone signed in, whatever their teams: about themselves, or filtered per reader.
# Connectors are listed and downloaded by whoever reads their workspace (the service filters).
SIGNED_IN_ONLY = (
    "/api/v1/auth/",
    "/api/v1/changes",
    "/api/v1/calendar",
    "/api/v1/connectors",
    "/api/v1/imports/kinds",
)
# The organisation's name, zone and logo are on every screen (changing them is another matter).
SIGNED_IN_READS = {("GET", "/api/v1/organisation"), ("GET", "/api/v1/organisation/logo")}
METHODS = ("get", "post", "put", "patch", "delete")

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
async def world(db, admin, people, season) -> dict[str, Any]:
    """Ids of existing records, by the collection that names them in paths."""
    sheet = season["technical_sheet"]
    upload = await admin.http.post(
        f"/technical-sheets/{sheet['id']}/attachments",
        files={"file": ("plan.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201
    link = await admin.create(
        "/room-links", {"room_id": season["room"]["id"], "other_room_id": season["studio"]["id"]}
    )
    teams = (await admin.get("/teams")).json()["items"]
    permissions = (await admin.get("/permissions")).json()["items"]
    # A spare token of their own, for the walk to revoke instead of the one it runs on.
    await token_for(db, people["nobody"].user["id"], {})
    spare = (await people["nobody"].get("/auth/tokens")).json()[-1]
    connector = await admin.create(
        "/connectors",
        {"name": "Billetterie", "entity": "performances", "fields": [{"column": "Début",
         "source": "starts_at"}]},
    )  # fmt: skip
    # A webhook to a closed port, and the delivery its ping leaves in its log.
    webhook = await admin.create(
        "/webhooks", {"name": "Billetterie", "url": "http://127.0.0.1:9/hooks", "events": ["*"]}
    )
    ping = await admin.post(f"/webhooks/{webhook['id']}/ping")
    assert ping.status_code == 200, ping.text
    publication = await admin.create(
        "/show-publications", {"show_id": season["show"]["id"], "published": True}
    )
    performance_publication = await admin.create(
        "/performance-publications", {"performance_id": season["performance"]["id"]}
    )
    image = await admin.http.post(
        f"/show-publications/{publication['id']}/image",
        files={"file": ("affiche.png", poster(40, 60), "image/png")},
    )
    assert image.status_code == 200, image.text
    return {
        "organisations": season["organisation"]["id"],
        "contacts": season["contact"]["id"],
        "contact-roles": season["contact_role"]["id"],
        "places": season["place"]["id"],
        "venues": season["venue"]["id"],
        "rooms": season["room"]["id"],
        "room-configurations": season["room_configuration"]["id"],
        "room-links": link["id"],
        "technical-sheets": sheet["id"],
        "attachments": upload.json()["id"],
        "shows": season["show"]["id"],
        "engagements": season["engagement"]["id"],
        "performances": season["performance"]["id"],
        "activities": season["activity"]["id"],
        "users": people["technique"].user["id"],
        "teams": teams[0]["id"],
        "permissions": permissions[0]["id"],
        "tokens": spare["id"],
        "activity-kinds": "meeting",
        "changes": "show",
        "show": season["show"]["id"],
        "road-sheets": season["engagement"]["id"],
        "welcome-sheets": season["engagement"]["id"],
        "contracts": season["engagement"]["id"],
        "connectors": connector["id"],
        "webhooks": webhook["id"],
        "deliveries": ping.json()["id"],
        "show-publications": publication["id"],
        "performance-publications": performance_publication["id"],
        "public-images": image.json()["image_id"],
        "images": image.json()["image_id"],
    }


def concrete(path: str, world: dict[str, Any]) -> str:
    """The path with each {parameter} replaced by the record its collection names (or 1)."""
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if re.fullmatch(r"\{\w+\}", segment):
            segments[i] = str(world.get(segments[i - 1], 1))
    return "/".join(segments)


def sample(parameter: dict[str, Any], world: dict[str, Any]) -> str:
    """A plausible value for a required query parameter, from its schema."""
    schema = parameter.get("schema", {})
    for option in schema.get("oneOf", schema.get("anyOf", [schema])):
        if option.get("format") == "date":
            return "2026-10-06"
        if option.get("format") == "date-time":
            return paris("2026-10-06", "00:00")
        if option.get("type") == "integer":
            return str(world.get(parameter["name"].removesuffix("_id") + "s", 1))
    return "1"


def routes(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                found.append((method.upper(), path, operation))
    return found


async def call(client, method, path, operation, world) -> Any:
    url = concrete(path, world).removeprefix("/api/v1")
    params = {
        p["name"]: sample(p, world)
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    if not path.startswith("/api/v1"):
        return await client.http.request(method, str(client.http.base_url.join("/")) + path[1:])
    if method in {"POST", "PUT", "PATCH"}:
        return await client.http.request(method, url, params=params, json={})
    return await client.http.request(method, url, params=params)


@pytest.fixture
async def document(in_process, admin) -> dict[str, Any]:
    r = await admin.http.get(in_process.url + "/schema/openapi.json")
    assert r.status_code == 200
    document = r.json()
    assert len(routes(document)) > 80  # the whole API, not a stub
    return document


def is_problem(response) -> bool:
    return response.headers.get("content-type", "").startswith("application/problem+json")


async def test_without_credentials_only_public_routes_answer(people, world, document):
    wrong = []
    for method, path, operation in routes(document):
        r = await call(people["anonymous"], method, path, operation, world)
        if r.status_code >= 500:
            wrong.append(f"{method} {path}: {r.status_code}")
        elif (method, path) in PUBLIC:
            if r.status_code == 401:
                wrong.append(f"{method} {path}: public, yet 401")
        elif r.status_code != 401 or not is_problem(r):
            wrong.append(f"{method} {path}: {r.status_code}, expected 401 problem")
    assert not wrong, "\n".join(wrong)


async def test_someone_with_no_team_is_refused_every_workspace(people, world, document, admin):
    before = (await admin.get("/changes", params={"limit": 5000})).json()["next_since"]
    wrong = []
    for method, path, operation in routes(document):
        r = await call(people["nobody"], method, path, operation, world)
        if r.status_code >= 500:
            wrong.append(f"{method} {path}: {r.status_code}")
        elif (
            (method, path) in PUBLIC
            or path.startswith(SIGNED_IN_ONLY)
            or (method, path) in SIGNED_IN_READS
        ):
            if r.status_code == 401:
                wrong.append(f"{method} {path}: signed in, yet 401")
        elif r.status_code != 403 or not is_problem(r):
            wrong.append(f"{method} {path}: {r.status_code}, expected 403 problem")
    assert not wrong, "\n".join(wrong)
    # Nothing of the season was touched (their own sign-out or token is theirs to change).
    after = (await admin.get("/changes", params={"since": before})).json()["items"]
    assert [c for c in after if c["workspace"] != "administration"] == []


@pytest.mark.parametrize("role", ["communication", "admin"])
async def test_no_route_fails_on_the_server_whoever_calls(people, world, document, role):
    """Empty bodies, existing records, missing preconditions: a 4xx at worst, never a 5xx."""
    wrong = []
    for method, path, operation in routes(document):
        if path in ("/api/v1/auth/sign-out", "/api/v1/auth/tokens/{token_id}"):
            continue  # would end the session this walk runs on
        r = await call(people[role], method, path, operation, world)
        if r.status_code >= 500:
            wrong.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
        elif r.status_code >= 400 and not is_problem(r):
            wrong.append(f"{method} {path}: {r.status_code} without problem details")
    assert not wrong, "\n".join(wrong)


# PATCH /engagements/{id} by role: (fee and contract terms, notes, fee with notes); and whether
# the engagement they read shows its fee. The Administration team reads programming and writes
# contracts (README): it changes fees and contract terms, nothing else of the engagement.
ENGAGEMENT_PATCHES = {
    "admin": (200, 200, 200, True),
    "programmation": (200, 200, 200, True),
    "administration": (200, 403, 403, True),
    "technique": (403, 403, 403, False),
    "rp": (403, 403, 403, False),
    "communication": (403, 403, 403, False),
    "nobody": (403, 403, 403, None),
}


@pytest.mark.parametrize("role", list(ENGAGEMENT_PATCHES))
async def test_fees_are_changed_by_those_who_write_contracts(people, season, admin, role):
    fees, notes, both, sees_fee = ENGAGEMENT_PATCHES[role]
    client, path = people[role], f"/engagements/{season['engagement']['id']}"

    async def version() -> int:
        return int((await admin.get(path)).json()["version"])

    r = await client.patch(
        path, {"fee": "9100.00", "contract_terms": "Avenant n° 1"}, version=await version()
    )
    assert r.status_code == fees, r.text
    if fees == 200:
        assert r.json()["fee"] == "9100.00" and r.json()["contract_terms"] == "Avenant n° 1"
    r = await client.patch(path, {"notes": "Accueil à 14 h"}, version=await version())
    assert r.status_code == notes, r.text
    r = await client.patch(path, {"fee": "1.00", "notes": "X"}, version=await version())
    assert r.status_code == both, r.text
    # Administration may not change the show's title either (programming write).
    title = await client.patch(
        f"/shows/{season['show']['id']}", {"title": "Autre titre"}, version=1
    )
    assert title.status_code == (200 if notes == 200 else 403)
    read = await client.get(path)
    if sees_fee is None:
        assert read.status_code == 403
    else:
        assert read.status_code == 200 and ("fee" in read.json()) is sees_fee
    for response in (r, read):
        if response.status_code >= 400:
            assert is_problem(response)


async def test_every_get_names_a_query_parameter_it_does_not_take(admin, world, document):
    """Integrators believed ``updated_since`` filtered a list that ignored it: no silent filters."""
    wrong = []
    for method, path, operation in routes(document):
        if method != "GET" or not path.startswith("/api/v1"):
            continue
        params = {
            p["name"]: sample(p, world)
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        url = concrete(path, world).removeprefix("/api/v1")
        r = await admin.http.get(url, params={**params, "filtre_inconnu": "1"})
        fields = [e.get("field") for e in r.json().get("errors", [])] if is_problem(r) else []
        if r.status_code != 422 or fields != ["filtre_inconnu"]:
            wrong.append(f"GET {path}: {r.status_code} {r.text[:120]}")
    assert not wrong, "\n".join(wrong)


# GET /search by role: whether it answers, and whether contract terms are searched for them.
# Every default team reads the four workspaces (so finds Phèdre's show, engagement and
# activities); only those who read contracts find the engagement by its contract terms.
SEARCH_BY_ROLE = {
    "admin": (200, True),
    "programmation": (200, True),
    "administration": (200, True),
    "technique": (200, False),
    "rp": (200, False),
    "communication": (200, False),
    "nobody": (403, None),
}


@pytest.mark.parametrize("role", list(SEARCH_BY_ROLE))
async def test_search_finds_what_each_role_may_read(people, season, role):
    status, finds_terms = SEARCH_BY_ROLE[role]
    client = people[role]
    r = await client.get("/search", params={"q": "phedre"})
    assert r.status_code == status, r.text
    if status != 200:
        assert is_problem(r)
        return
    assert [g["kind"] for g in r.json()["groups"]] == ["show", "engagement", "activity"]
    assert "fee" not in r.text and "8500" not in r.text
    terms = (await client.get("/search", params={"q": "cession"})).json()["groups"]
    found = [i["id"] for g in terms if g["kind"] == "engagement" for i in g["items"]]
    assert found == ([season["engagement"]["id"]] if finds_terms else [])
