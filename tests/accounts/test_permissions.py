"""What each department may see and change, per workspace; per-person overrides; 401 and 403."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import PASSWORD, paris

_unique = count(1)

# workspace -> (list path, how to make a new record there from the season)
WORKSPACES: dict[str, tuple[str, Any]] = {
    "directory": ("/organisations", lambda s, n: {"name": f"Compagnie {n}"}),
    "technical": ("/rooms", lambda s, n: {"venue_id": s["venue"]["id"], "name": f"Salle {n}"}),
    "programming": ("/shows", lambda s, n: {"title": f"Spectacle {n}"}),
    "planning": (
        "/activities",
        lambda s, n: {
            "kind": "meeting",
            "title": f"Réunion {n}",
            "starts_at": paris("2026-10-20", "10:00"),
            "ends_at": paris("2026-10-20", "11:00"),
        },
    ),
    "communication": (
        "/show-publications",
        lambda s, n: {"show_id": s["show"]["id"], "title_fr": f"Titre public {n}"},
    ),
    "administration": ("/teams", lambda s, n: {"name": f"Équipe {n}"}),
}

# role -> workspaces it may read, and those it may write (the default teams, README table)
MAY = {
    "admin": (set(WORKSPACES), set(WORKSPACES)),
    "programmation": (
        {"directory", "technical", "programming", "planning", "communication"},
        {"directory", "programming", "planning"},
    ),
    "administration": (
        {"directory", "technical", "programming", "planning", "communication"},
        {"directory"},
    ),
    "technique": (
        {"directory", "technical", "programming", "planning"},
        {"technical", "planning"},
    ),
    "rp": (
        {"directory", "technical", "programming", "planning", "communication"},
        {"directory", "planning"},
    ),
    "communication": (
        {"directory", "technical", "programming", "planning", "communication"},
        {"communication"},
    ),
    "nobody": (set(), set()),
}

CASES = [(role, area) for role in MAY for area in WORKSPACES]


def is_problem(response, status: int) -> bool:
    return response.status_code == status and response.headers["content-type"].startswith(
        "application/problem+json"
    )


@pytest.mark.parametrize(("role", "area"), CASES, ids=[f"{r}-{a}" for r, a in CASES])
async def test_each_role_reads_and_writes_exactly_what_it_should(people, season, role, area):
    client, admin = people[role], people["admin"]
    path, make = WORKSPACES[area]
    may_read, may_write = (area in allowed for allowed in MAY[role])

    listed = await client.get(path)
    if may_read:
        assert listed.status_code == 200, listed.text
    else:
        assert is_problem(listed, 403), listed.text

    total = (await admin.get(path)).json()["total"]
    created = await client.post(path, make(season, next(_unique)))
    if may_write:
        assert created.status_code == 201, created.text
        assert (await admin.get(path)).json()["total"] == total + 1
    else:
        assert is_problem(created, 403), created.text
        assert (await admin.get(path)).json()["total"] == total


# workspace -> (path, season record, a change) for existing records
EXISTING = {
    "directory": ("/organisations", "organisation", {"name": "Renommée"}),
    "technical": ("/venues", "venue", {"name": "Renommé"}),
    "programming": ("/shows", "show", {"title": "Renommé"}),
    "planning": ("/activities", "activity", {"title": "Renommée"}),
}


@pytest.mark.parametrize("role", ["communication", "nobody", "administration", "rp"])
async def test_changes_and_deletions_without_the_right_are_403_and_change_nothing(
    people, season, role
):
    client, admin = people[role], people["admin"]
    for area, (path, key, change) in EXISTING.items():
        if area in MAY[role][1]:
            continue
        record = season[key]
        url = f"{path}/{record['id']}"
        assert is_problem(await client.patch(url, change, version=record["version"]), 403), url
        assert is_problem(await client.delete(url, version=record["version"]), 403), url
        assert is_problem(await client.patch(url, change), 403), url  # 403 before 428
        assert (await admin.get(url)).json() == record


async def test_nobody_cannot_read_any_record_or_the_feed(people, season):
    nobody = people["nobody"]
    for key, path in [
        ("organisation", "/organisations"),
        ("contact", "/contacts"),
        ("venue", "/venues"),
        ("room", "/rooms"),
        ("show", "/shows"),
        ("engagement", "/engagements"),
        ("performance", "/performances"),
        ("activity", "/activities"),
    ]:
        assert is_problem(await nobody.get(f"{path}/{season[key]['id']}"), 403), path
    assert is_problem(await nobody.get("/changes"), 403)
    assert is_problem(await nobody.get(f"/changes/show/{season['show']['id']}"), 403)
    me = await nobody.get("/auth/me")
    assert me.status_code == 200
    assert set(me.json()["levels"].values()) == {"none"}


async def test_without_credentials_everything_is_401(people, season):
    anonymous = people["anonymous"]
    for response in (
        await anonymous.get("/organisations"),
        await anonymous.get(f"/shows/{season['show']['id']}"),
        await anonymous.post("/shows", {"title": "Anonyme"}),
        await anonymous.patch(f"/shows/{season['show']['id']}", {"title": "X"}, version=1),
        await anonymous.delete(f"/shows/{season['show']['id']}", version=1),
        await anonymous.get("/changes"),
        await anonymous.get("/auth/me"),
    ):
        assert is_problem(response, 401), response.request
        assert response.json()["status"] == 401
        assert "bearer" in response.headers["www-authenticate"].lower()
    assert (await people["admin"].get(f"/shows/{season['show']['id']}")).json()["version"] == 1


async def signed_in(in_process, person: Api) -> Api:
    """``person`` signed in with their password: a session follows their rights as they change.

    (The ``people`` clients use tokens scoped to what each person had when they were made,
    and a token never grows.)
    """
    client = Api(in_process, None, person.user)
    r = await client.post("/auth/sign-in", {"email": person.user["email"], "password": PASSWORD})
    assert r.status_code == 200, r.text
    client.http.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


async def grant(admin, role_client, area: str, level: str) -> dict[str, Any]:
    r = await admin.post(
        "/permissions", {"area": area, "level": level, "user_id": role_client.user["id"]}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_personal_permission_beats_the_team_downwards(people, season):
    admin, technique = people["admin"], people["technique"]
    room = {"venue_id": season["venue"]["id"], "name": "Foyer"}
    override = await grant(admin, technique, "technical", "read")

    assert (await technique.get("/rooms")).status_code == 200
    assert is_problem(await technique.post("/rooms", room), 403)
    assert (await technique.get("/auth/me")).json()["levels"]["technical"] == "read"
    assert (
        await technique.post("/activities", WORKSPACES["planning"][1](season, 1))
    ).status_code == 201  # the rest of the team's rights still hold

    # Removing the override gives the team's level back.
    r = await admin.delete(f"/permissions/{override['id']}", version=override["version"])
    assert r.status_code == 204
    assert (await technique.post("/rooms", room)).status_code == 201


async def test_a_personal_permission_beats_the_team_upwards_but_not_for_fees(
    in_process, people, season
):
    admin = people["admin"]
    technique = await signed_in(in_process, people["technique"])
    await grant(admin, technique, "programming", "write")
    engagement = season["engagement"]

    show = await technique.post("/shows", {"title": "Spectacle de la technique"})
    assert show.status_code == 201

    notes = await technique.patch(
        f"/engagements/{engagement['id']}", {"notes": "Montage la veille"}, version=1
    )
    assert notes.status_code == 200
    assert "fee" not in notes.json() and "contract_terms" not in notes.json()

    fee = await technique.patch(f"/engagements/{engagement['id']}", {"fee": "1.00"}, version=2)
    assert is_problem(fee, 403)
    assert "contrats" in fee.json()["detail"]
    terms = await technique.patch(
        f"/engagements/{engagement['id']}", {"contract_terms": "Gratuit"}, version=2
    )
    assert is_problem(terms, 403)
    with_fee = await technique.post(
        "/engagements",
        {
            "show_id": show.json()["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-12-01",
            "last_day": "2026-12-02",
            "fee": "100",
        },
    )
    assert is_problem(with_fee, 403)

    now = (await admin.get(f"/engagements/{engagement['id']}")).json()
    assert now["fee"] == "8500.00" and now["contract_terms"] == engagement["contract_terms"]
    assert now["version"] == 2
    assert (await admin.get("/engagements")).json()["total"] == 1
    await technique.close()


async def test_a_personal_none_closes_a_workspace_the_team_opens(people):
    admin, rp = people["admin"], people["rp"]
    await grant(admin, rp, "directory", "none")
    assert is_problem(await rp.get("/organisations"), 403)
    assert (await rp.get("/shows")).status_code == 200


async def test_changing_a_team_s_permission_changes_what_its_members_may_do(db, in_process, people):
    admin = people["admin"]
    communication = await signed_in(in_process, people["communication"])
    team_id = communication.user["team_ids"][0]
    permission = (
        await admin.get("/permissions", params={"team_id": team_id, "area": "directory"})
    ).json()["items"][0]
    assert is_problem(await communication.post("/organisations", {"name": "Presse"}), 403)

    r = await admin.patch(
        f"/permissions/{permission['id']}", {"level": "write"}, version=permission["version"]
    )
    assert r.status_code == 200
    assert (await communication.post("/organisations", {"name": "Presse"})).status_code == 201
    await communication.close()


async def test_only_administrators_manage_accounts(people):
    programmation = people["programmation"]
    attempt = await programmation.post(
        "/permissions",
        {"area": "contracts", "level": "manage", "user_id": programmation.user["id"]},
    )
    assert is_problem(attempt, 403)
    assert is_problem(await programmation.get("/users"), 403)
    assert is_problem(
        await programmation.post("/users", {"email": "moi@test.saison", "name": "Moi"}), 403
    )
    assert (await programmation.get("/auth/me")).json()["levels"]["contracts"] == "write"


async def test_a_permission_names_exactly_one_team_or_person(people):
    admin = people["admin"]
    team_id = people["technique"].user["team_ids"][0]
    both = await admin.post(
        "/permissions",
        {
            "area": "directory",
            "level": "read",
            "team_id": team_id,
            "user_id": people["nobody"].user["id"],
        },
    )
    assert both.status_code == 422
    neither = await admin.post("/permissions", {"area": "directory", "level": "read"})
    assert neither.status_code == 422
    bad_level = await admin.post(
        "/permissions", {"area": "directory", "level": "admin", "team_id": team_id}
    )
    assert bad_level.status_code == 422
