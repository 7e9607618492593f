"""The audit trail: who changed what, from what to what; sign-ins and permission changes too."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD


async def history(client, entity, record_id, **params):
    r = await client.get(f"/changes/{entity}/{record_id}", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_record_s_history_says_who_changed_which_fields(people, season):
    admin, prog, tech = people["admin"], people["programmation"], people["technique"]
    show = season["show"]
    await prog.patch(f"/shows/{show['id']}", {"title": "Phèdre", "duration_minutes": 95}, version=1)
    await admin.patch(f"/shows/{show['id']}", {"title": "Phèdre (création)"}, version=2)

    items = await history(tech, "show", show["id"])  # technique reads programming
    assert [(c["action"], c["actor"]) for c in items] == [
        ("show.created", "Admin"),
        ("show.updated", "Programmation"),
        ("show.updated", "Admin"),
    ]
    assert items[1]["actor_id"] == prog.user["id"]
    assert items[1]["before"] == {"duration_minutes": None}
    assert items[1]["after"] == {"duration_minutes": 95}
    assert items[2]["before"] == {"title": "Phèdre"}
    assert items[2]["after"] == {"title": "Phèdre (création)"}
    assert all(items[i]["at"] <= items[i + 1]["at"] for i in range(len(items) - 1))

    by_prog = await history(tech, "show", show["id"], actor_id=prog.user["id"])
    assert [c["seq"] for c in by_prog] == [items[1]["seq"]]
    everything_by_prog = (await admin.get("/changes", params={"actor_id": prog.user["id"]})).json()[
        "items"
    ]
    assert {c["actor_id"] for c in everything_by_prog} == {prog.user["id"]}
    assert items[1]["seq"] in [c["seq"] for c in everything_by_prog]


async def test_history_outlives_the_record(admin, season):
    contact = await admin.create("/contacts", {"first_name": "Éphémère", "last_name": "Dupont"})
    await admin.delete(f"/contacts/{contact['id']}", version=1)
    items = await history(admin, "contact", contact["id"])
    assert [c["action"] for c in items] == ["contact.created", "contact.deleted"]
    assert items[1]["before"]["first_name"] == "Éphémère"


async def test_history_is_only_for_those_who_may_read_the_workspace(people, season):
    assert (await people["nobody"].get(f"/changes/show/{season['show']['id']}")).status_code == 403
    # Communication reads programming, so sees it; nobody sees nothing of administration.
    assert await history(people["communication"], "show", season["show"]["id"])
    admin_user = people["admin"].user["id"]
    assert await history(people["communication"], "user", admin_user) == []


@pytest.fixture
async def browser(in_process):
    async with in_process.client("/api/v1") as client:
        yield client


async def test_sign_ins_and_failures_are_in_the_administration_log(people, browser):
    admin, rp = people["admin"], people["rp"]
    failed = await browser.post(
        "/auth/sign-in", json={"email": "rp@test.saison", "password": "mauvais-mot-de-passe"}
    )
    assert failed.status_code == 401
    unknown = await browser.post(
        "/auth/sign-in", json={"email": "inconnu@test.saison", "password": "peu-importe"}
    )
    assert unknown.status_code == 401
    ok = await browser.post("/auth/sign-in", json={"email": "rp@test.saison", "password": PASSWORD})
    assert ok.status_code == 200

    log = (await admin.get("/changes", params={"workspace": "administration"})).json()["items"]
    auth = [c for c in log if c["action"].startswith("auth.")]
    assert [(c["action"], c["entity_id"], c["after"]["email"]) for c in auth] == [
        ("auth.sign_in_failed", rp.user["id"], "rp@test.saison"),
        ("auth.sign_in_failed", None, "inconnu@test.saison"),
        ("auth.signed_in", rp.user["id"], "rp@test.saison"),
    ]
    assert all(c["after"]["ip"] == "127.0.0.1" for c in auth)
    assert "mauvais-mot-de-passe" not in str(log) and "peu-importe" not in str(log)
    assert auth[2]["actor_id"] == rp.user["id"]

    per_user = await history(admin, "user", rp.user["id"])
    assert [c["action"] for c in per_user][-2:] == ["auth.sign_in_failed", "auth.signed_in"]

    # Departments do not read the administration log.
    for role in ("programmation", "technique", "rp"):
        theirs = (await people[role].get("/changes")).json()["items"]
        assert not [c for c in theirs if c["workspace"] == "administration"], role


async def test_permission_and_membership_changes_are_logged(people):
    admin, technique = people["admin"], people["technique"]
    granted = await admin.post(
        "/permissions",
        {"area": "programming", "level": "write", "user_id": technique.user["id"]},
    )
    assert granted.status_code == 201
    permission = granted.json()
    changed = await admin.patch(
        f"/permissions/{permission['id']}", {"level": "read"}, version=permission["version"]
    )
    assert changed.status_code == 200
    removed = await admin.delete(f"/permissions/{permission['id']}", version=2)
    assert removed.status_code == 204

    items = await history(admin, "permission", permission["id"])
    assert [c["action"] for c in items] == [
        "permission.created",
        "permission.updated",
        "permission.deleted",
    ]
    assert {c["workspace"] for c in items} == {"administration"}
    assert items[0]["after"]["user_id"] == technique.user["id"]
    assert items[0]["after"]["level"] == "write"
    assert (items[1]["before"], items[1]["after"]) == ({"level": "write"}, {"level": "read"})
    assert {c["actor_id"] for c in items} == {admin.user["id"]}

    team_ids = [t["id"] for t in (await admin.get("/teams")).json()["items"]][:2]
    user = (await admin.get(f"/users/{technique.user['id']}")).json()
    moved = await admin.patch(
        f"/users/{user['id']}", {"team_ids": team_ids}, version=user["version"]
    )
    assert moved.status_code == 200 and sorted(moved.json()["team_ids"]) == sorted(team_ids)
    user_log = await history(admin, "user", user["id"])
    teams_change = [c for c in user_log if c["action"] == "user.teams_changed"]
    assert teams_change and teams_change[-1]["after"] == {"team_ids": sorted(team_ids)}


async def test_passwords_never_reach_the_log(people, browser):
    admin = people["admin"]
    made = await admin.post(
        "/users",
        {"email": "nouveau@test.saison", "name": "Nouveau", "password": "secret-tres-long"},
    )
    assert made.status_code == 201
    user = made.json()
    assert "password" not in user and "password_hash" not in user
    r = await admin.patch(
        f"/users/{user['id']}", {"password": "autre-secret-long"}, version=user["version"]
    )
    assert r.status_code == 200
    signed = await browser.post(
        "/auth/sign-in", json={"email": "nouveau@test.saison", "password": "autre-secret-long"}
    )
    assert signed.status_code == 200
    log = str((await admin.get("/changes")).json())
    for secret in ("secret-tres-long", "autre-secret-long", "argon2"):
        assert secret not in log
    items = await history(admin, "user", user["id"])
    assert items[0]["after"]["password"] == "(set)"
    assert items[1]["after"]["password"] == "(changed)"
