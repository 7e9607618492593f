"""API tokens and app passwords: shown once, scoped, never more than their owner, revocable."""

from __future__ import annotations

from tests.conftest import Api, Served, token_for


def bearer(in_process: Served, secret: str) -> Api:
    return Api(in_process, secret)


async def test_a_token_is_shown_once_and_works(signed_in, in_process, season):
    me = await signed_in("programmation")
    r = await me.post(
        "/auth/tokens", json={"name": "Script billetterie", "scopes": {"programming": "write"}}
    )
    assert r.status_code == 201, r.text
    token = r.json()
    assert token["secret"].startswith(token["prefix"] + "_")
    assert token["kind"] == "api" and token["scopes"] == {"programming": "write"}

    listed = (await me.get("/auth/tokens")).json()
    mine = next(t for t in listed if t["id"] == token["id"])
    assert "secret" not in mine and token["secret"] not in (await me.get("/auth/tokens")).text
    assert mine["last_used_at"] is None

    api = bearer(in_process, token["secret"])
    try:
        made = await api.post("/shows", {"title": "Créé par un script"})
        assert made.status_code == 201
        me_by_token = (await api.get("/auth/me")).json()
        assert me_by_token["email"] == "programmation@test.saison"
        assert me_by_token["csrf_token"] is None
    finally:
        await api.close()
    used = next(t for t in (await me.get("/auth/tokens")).json() if t["id"] == token["id"])
    assert used["last_used_at"] is not None


async def test_a_read_only_token_cannot_write(signed_in, in_process, season, admin):
    me = await signed_in("programmation")
    secret = (
        await me.post("/auth/tokens", json={"name": "Lecture", "scopes": {"programming": "read"}})
    ).json()["secret"]
    api = bearer(in_process, secret)
    try:
        assert (await api.get("/shows")).status_code == 200
        assert (await api.get(f"/engagements/{season['engagement']['id']}")).status_code == 200
        denied = await api.post("/shows", {"title": "Refusé"})
        assert denied.status_code == 403
        assert denied.headers["content-type"].startswith("application/problem+json")
        show = season["show"]
        assert (
            await api.patch(f"/shows/{show['id']}", {"title": "X"}, version=1)
        ).status_code == 403
        assert (await api.delete(f"/shows/{show['id']}", version=1)).status_code == 403
        # Workspaces the token was not given are closed, even if its owner may use them.
        assert (await api.get("/organisations")).status_code == 403
        # Fees need the contracts scope, which this token does not have.
        engagement = (await api.get(f"/engagements/{season['engagement']['id']}")).json()
        assert "fee" not in engagement
    finally:
        await api.close()
    assert (await admin.get("/shows", params={"q": "Refusé"})).json()["total"] == 0
    assert (await admin.get(f"/shows/{season['show']['id']}")).json()["version"] == 1


async def test_a_token_cannot_have_more_than_its_owner(signed_in):
    me = await signed_in("communication")
    r = await me.post("/auth/tokens", json={"name": "Trop", "scopes": {"programming": "write"}})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["scopes.programming"]
    unknown = await me.post("/auth/tokens", json={"name": "X", "scopes": {"billetterie": "read"}})
    assert unknown.status_code == 422
    level = await me.post("/auth/tokens", json={"name": "X", "scopes": {"directory": "tout"}})
    assert level.status_code == 422
    assert [t["name"] for t in (await me.get("/auth/tokens")).json()] == ["tests"]


async def test_a_token_follows_its_owner_losing_rights(signed_in, in_process, admin):
    me = await signed_in("programmation")
    secret = (
        await me.post("/auth/tokens", json={"name": "Script", "scopes": {"programming": "write"}})
    ).json()["secret"]
    user_id = (await me.get("/auth/me")).json()["user_id"]
    r = await admin.post(
        "/permissions", {"area": "programming", "level": "read", "user_id": user_id}
    )
    assert r.status_code == 201
    api = bearer(in_process, secret)
    try:
        assert (await api.get("/shows")).status_code == 200
        assert (await api.post("/shows", {"title": "Plus le droit"})).status_code == 403
    finally:
        await api.close()


async def test_a_revoked_token_is_refused(signed_in, in_process, admin):
    me = await signed_in("technique")
    token = (
        await me.post("/auth/tokens", json={"name": "Régie", "scopes": {"technical": "read"}})
    ).json()
    api = bearer(in_process, token["secret"])
    try:
        assert (await api.get("/venues")).status_code == 200
        revoked = await me.delete(f"/auth/tokens/{token['id']}")
        assert revoked.status_code in (200, 204)
        refused = await api.get("/venues")
        assert refused.status_code == 401
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "bearer" in refused.headers["www-authenticate"].lower()
    finally:
        await api.close()
    listed = next(t for t in (await me.get("/auth/tokens")).json() if t["id"] == token["id"])
    assert listed["revoked_at"] is not None
    history = (await admin.get("/changes", params={"entity": "token"})).json()["items"]
    assert [c["action"] for c in history if c["entity_id"] == token["id"]] == [
        "api.created",
        "api.revoked",
    ]
    assert token["secret"] not in str(history)


async def test_nobody_else_can_revoke_my_token(signed_in):
    mine = await signed_in("technique")
    token = (await mine.post("/auth/tokens", json={"name": "Régie"})).json()
    other = await signed_in("rp")
    assert (await other.delete(f"/auth/tokens/{token['id']}")).status_code == 404
    assert token["id"] not in [t["id"] for t in (await other.get("/auth/tokens")).json()]
    still = next(t for t in (await mine.get("/auth/tokens")).json() if t["id"] == token["id"])
    assert still["revoked_at"] is None


async def test_app_passwords_are_their_own_kind(signed_in, in_process):
    me = await signed_in("communication")
    r = await me.post(
        "/auth/tokens",
        json={
            "name": "Agenda du téléphone",
            "kind": "app_password",
            "scopes": {"planning": "read"},
        },
    )
    assert r.status_code == 201
    app_password = r.json()
    assert app_password["kind"] == "app_password"
    assert app_password["prefix"].startswith("sap_")
    assert app_password["secret"].startswith(app_password["prefix"])
    listed = (await me.get("/auth/tokens")).json()
    assert [t["kind"] for t in listed if t["id"] == app_password["id"]] == ["app_password"]
    bad = await me.post("/auth/tokens", json={"name": "X", "kind": "master_key"})
    assert bad.status_code == 422


async def test_tokens_are_made_from_a_signed_in_session_not_from_a_token(people):
    r = await people["programmation"].post("/auth/tokens", {"name": "Jeton de jeton"})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_malformed_and_unknown_tokens_are_401(in_process, people):
    for header in ("Bearer", "Basic dXNlcjpwYXNz", "Bearer sai_0123456789ab_faux", "Bearer x"):
        async with in_process.client("/api/v1") as client:
            r = await client.get("/auth/me", headers={"Authorization": header})
            assert r.status_code == 401, header
            assert r.headers["content-type"].startswith("application/problem+json")


async def test_every_token_secret_is_recognised(db, in_process, people):
    """Secrets are random text that may itself contain '_' (the prefix separator)."""
    user_id = people["communication"].user["id"]
    secrets = [await token_for(db, user_id, {"directory": "read"}) for _ in range(24)]
    assert any("_" in secret.split("_", 2)[2] for secret in secrets)
    for secret in secrets:
        api = bearer(in_process, secret)
        try:
            assert (await api.get("/organisations")).status_code == 200, secret
        finally:
            await api.close()


async def test_a_token_made_as_the_readme_says_acts_with_its_owners_levels(
    signed_in, in_process, season, admin
):
    """No scopes: the owner's own levels, resolved at each request (not copied at creation)."""
    me = await signed_in("programmation")
    r = await me.post("/auth/tokens", json={"name": "Script billetterie"})
    assert r.status_code == 201, r.text
    token = r.json()
    assert token["scopes"] == {}
    api = bearer(in_process, token["secret"])
    try:
        # It reads and writes what its owner does, fees included.
        engagement = await api.get(f"/engagements/{season['engagement']['id']}")
        assert engagement.status_code == 200 and engagement.json()["fee"] == "8500.00"
        assert (await api.get("/organisations")).status_code == 200
        assert (await api.post("/shows", {"title": "Créé par un script"})).status_code == 201
        # The owner leaves the Programmation team: the token loses it at once.
        owner = (await me.get("/auth/me")).json()
        user = (await admin.get(f"/users/{owner['user_id']}")).json()
        r = await admin.patch(f"/users/{user['id']}", {"team_ids": []}, version=user["version"])
        assert r.status_code == 200, r.text
        assert (await api.get("/shows")).status_code == 403
        assert (await api.post("/shows", {"title": "Plus le droit"})).status_code == 403
        assert (await api.get(f"/engagements/{season['engagement']['id']}")).status_code == 403
    finally:
        await api.close()
