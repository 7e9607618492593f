"""What the administration page relies on: everyone's tokens for administrators, the settings
as the server runs with them, kinds a venue names and paints, and teams as part of a person's
version (so that two administrators moving the same person cannot undo each other)."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.settings import HIDDEN, SHOWN, Settings, describe, variable
from tests.conftest import token_for


async def test_administrators_see_and_revoke_everyone_s_tokens(db, people, signed_in):
    admin, technique = people["admin"], people["technique"]
    session = await signed_in("technique")
    made = await session.post(
        "/auth/tokens", json={"name": "iPhone de Tech", "kind": "app_password"}
    )
    assert made.status_code == 201, made.text
    phone = made.json()

    listed = await admin.get("/tokens", params={"user_id": technique.user["id"]})
    assert listed.status_code == 200, listed.text
    theirs = {t["name"]: t for t in listed.json()}
    assert set(theirs) == {"tests", "iPhone de Tech"}  # the fixture's token and the phone
    assert theirs["iPhone de Tech"]["user_email"] == "technique@test.saison"
    assert theirs["iPhone de Tech"]["user_name"] == "Technique"
    assert theirs["iPhone de Tech"]["kind"] == "app_password"
    assert phone["secret"] not in listed.text and "token_hash" not in listed.text
    everyone = {t["user_email"] for t in (await admin.get("/tokens")).json()}
    assert {"admin@test.saison", "technique@test.saison", "nobody@test.saison"} <= everyone

    # Revoked from the administration: the phone stops at once, and leaves the default list.
    assert (await admin.delete(f"/auth/tokens/{phone['id']}")).status_code == 204
    names = [
        t["name"]
        for t in (await admin.get("/tokens", params={"user_id": technique.user["id"]})).json()
    ]
    assert names == ["tests"]
    with_revoked = (
        await admin.get(
            "/tokens", params={"user_id": technique.user["id"], "include_revoked": "true"}
        )
    ).json()
    revoked = next(t for t in with_revoked if t["id"] == phone["id"])
    assert revoked["revoked_at"] is not None


async def test_only_those_who_manage_accounts_list_tokens(admin, people):
    # Reading the administration is not enough to see others' credentials.
    await admin.create(
        "/permissions",
        {"area": "administration", "level": "read", "user_id": people["rp"].user["id"]},
    )
    rp = people["rp"]
    refused = await rp.get("/tokens")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    for role in ("programmation", "technique", "nobody"):
        assert (await people[role].get("/tokens")).status_code == 403, role


async def test_settings_are_shown_with_where_they_are_set(admin, people):
    r = await admin.get("/settings")
    assert r.status_code == 200, r.text
    settings = {s["key"]: s for s in r.json()}
    assert settings["timezone"] == {
        "key": "timezone",
        "value": "Europe/Paris",
        "default": "Europe/Paris",
        "environment": "SAISON_TIMEZONE",
    }
    assert settings["confirm_competitors"]["value"] in {"block", "release"}
    assert settings["max_attachment_bytes"]["environment"] == "SAISON_MAX_ATTACHMENT_BYTES"
    # The database is named by its variable (the in-process test app is handed its database).
    assert settings["database_url"]["environment"] == "DATABASE_URL"
    # Readers of the administration read them; others do not.
    await admin.create(
        "/permissions",
        {"area": "administration", "level": "read", "user_id": people["rp"].user["id"]},
    )
    assert (await people["rp"].get("/settings")).status_code == 200
    for role in ("programmation", "technique", "nobody"):
        assert (await people[role].get("/settings")).status_code == 403, role


SAMPLES = {
    "timezone": ("America/Montreal", "America/Montreal"),
    "language": ("en", "en"),
    "venue_name": ("Le Quai", "Le Quai"),
    "venue_logo": ("/srv/logo.png", Path("/srv/logo.png")),
    "public_url": ("https://saison.example.org", "https://saison.example.org"),
    "confirm_competitors": ("release", "release"),
    "calendar_room_kind": ("rehearsal", "rehearsal"),
    "max_attachment_bytes": ("1234", 1234),
    "session_days": ("3", 3),
    "secure_cookies": ("true", True),
    "sign_in_attempts": ("7", 7),
    "sign_in_window_seconds": ("60", 60),
    "sign_in_first_delay": ("0.5", 0.5),
    "sign_in_max_delay": ("9", 9),
    "trusted_proxies": ("10.0.0.1, 10.0.0.2", ("10.0.0.1", "10.0.0.2")),
    "idempotency_hours": ("48", 48),
    "admin_email": ("chef@example.org", "chef@example.org"),
    "data_dir": ("/srv/saison", Path("/srv/saison")),
    "database_url": ("postgresql://a@b/c", "postgresql://a@b/c"),
    "redis_url": ("redis://r:6379/2", "redis://r:6379/2"),
    "db_pool_size": ("4", 4),
    "host": ("0.0.0.0", "0.0.0.0"),
    "port": ("8080", 8080),
    "processes": ("3", 3),
    "typst_templates": ("/srv/templates", Path("/srv/templates")),
    "web_dist": ("/srv/web", Path("/srv/web")),
    "debug": ("true", True),
    "worker": ("Separate", "separate"),
    "webhook_timeout_seconds": ("2.5", 2.5),
    "webhook_retry_seconds": ("30", 30.0),
    "webhook_retry_max_seconds": ("600", 600.0),
    "webhook_max_failures": ("5", 5),
    "webhook_allow_http": ("1", True),
    "webhook_allow_private": ("1", True),
    "log_format": ("JSON", "json"),
    "log_level": ("warning", "warning"),
    "metrics_dir": ("/run/saison-metrics", Path("/run/saison-metrics")),
}


@pytest.mark.parametrize("name", SHOWN)
def test_each_variable_shown_really_sets_its_setting(name, monkeypatch):
    """The page tells administrators which variable to change: it must be the one read."""
    raw, expected = SAMPLES[name]
    monkeypatch.setenv(variable(name), raw)
    assert getattr(Settings.from_env(), name) == expected


def test_every_setting_is_shown_and_no_password_is():
    # A new setting is shown, or hidden on purpose (a secret, a switch for tests).
    assert set(Settings.model_fields) == set(SHOWN) | HIDDEN and not set(SHOWN) & HIDDEN
    assert {"admin_password", "password"} <= HIDDEN
    settings = Settings.model_construct(
        database_url="postgresql://saison:s3cret@db.local:5432/saison",
        redis_url="redis://:r3dis@cache.local:6379/0",
        admin_password="tres-secret",
    )
    values = {s["key"]: s["value"] for s in describe(settings)}
    assert values["database_url"] == "postgresql://saison:***@db.local:5432/saison"
    assert values["redis_url"] == "redis://***@cache.local:6379/0"
    assert "s3cret" not in str(values) and "r3dis" not in str(values)
    assert "tres-secret" not in str(describe(settings))


async def test_a_kind_s_names_and_colour_are_the_venue_s(people, admin):
    tech = people["technique"]  # manages the general planning
    r = await tech.patch(
        "/activity-kinds/meeting",
        {
            "colour": "#1A7F5A",
            "label_fr": "Réunion de production",
            "label_en": "Production meeting",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "kind": "meeting",
        "blocks_room": False,
        "label_fr": "Réunion de production",
        "label_en": "Production meeting",
        "colour": "#1a7f5a",
    }
    kinds = {k["kind"]: k for k in (await people["communication"].get("/activity-kinds")).json()}
    assert kinds["meeting"]["colour"] == "#1a7f5a"
    assert kinds["performance"]["colour"] == "#b5375a"  # shipped colours stay

    bad = await tech.patch("/activity-kinds/meeting", {"colour": "vert"})
    assert bad.status_code == 422 and "colour" in bad.text
    empty = await tech.patch("/activity-kinds/meeting", {"label_fr": "  "})
    assert empty.status_code == 422
    assert (
        await people["rp"].patch("/activity-kinds/meeting", {"colour": "#000000"})
    ).status_code == 403

    log = (
        await admin.get("/changes", params={"workspace": "planning", "entity": "activity_kind"})
    ).json()["items"]
    assert log[-1]["before"] == {
        "kind": "meeting",
        "label_fr": "Réunion",
        "label_en": "Meeting",
        "colour": "#6f7782",
    }
    assert log[-1]["after"]["colour"] == "#1a7f5a"


async def test_kinds_come_back_as_shipped_for_the_next_test(people):
    kinds = {k["kind"]: k for k in (await people["technique"].get("/activity-kinds")).json()}
    assert kinds["meeting"]["label_fr"] == "Réunion" and kinds["meeting"]["colour"] == "#6f7782"


async def test_a_change_of_teams_is_a_new_version_of_the_person(admin, people):
    teams = {t["name"]: t["id"] for t in (await admin.get("/teams")).json()["items"]}
    person = (await admin.get(f"/users/{people['rp'].user['id']}")).json()
    moved = await admin.patch(
        f"/users/{person['id']}",
        {"team_ids": [*person["team_ids"], teams["Communication"]]},
        version=person["version"],
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["version"] == person["version"] + 1
    assert moved.headers["etag"] == f'"v{person["version"] + 1}"'
    # A second administrator, still on the old version, is told instead of undoing it.
    stale = await admin.patch(
        f"/users/{person['id']}", {"team_ids": person["team_ids"]}, version=person["version"]
    )
    assert stale.status_code == 412
    # Name and teams at once: one new version, not two.
    both = await admin.patch(
        f"/users/{person['id']}",
        {"name": "Relations publiques", "team_ids": person["team_ids"]},
        version=moved.json()["version"],
    )
    assert both.status_code == 200 and both.json()["version"] == person["version"] + 2
    assert both.json()["team_ids"] == person["team_ids"]


async def test_token_list_answers_for_a_person_without_tokens(admin, db):
    made = await admin.create("/users", {"email": "nouvelle@test.saison", "name": "Nouvelle"})
    assert (await admin.get("/tokens", params={"user_id": made["id"]})).json() == []
    await token_for(db, made["id"])
    assert [
        t["name"] for t in (await admin.get("/tokens", params={"user_id": made["id"]})).json()
    ] == ["tests"]
