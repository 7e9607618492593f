"""A contact's data on request (GDPR): exported whole, erased from the record and its history.

The history is append-only; erasure goes through the one audited database function the log
lets through (server/db/sql/0013/), which empties the personal fields and nothing else.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import asyncpg
import pytest

from server.audit.personal_data import contact_personal_fields
from tests.conftest import ROOT
from tests.feeds.conftest import subscribe

EMAIL, PHONE, NEW_PHONE = "lea.martin@eclat.fr", "06 12 34 56 78", "07 98 76 54 32"


async def a_contact(admin) -> dict:
    contact = await admin.create(
        "/contacts",
        {
            "first_name": "Léa",
            "last_name": "Martin",
            "emails": [EMAIL],
            "phones": [PHONE],
            "notes": "Allergique aux arachides",
        },
    )
    changed = await admin.patch(
        f"/contacts/{contact['id']}", {"phones": [NEW_PHONE]}, version=contact["version"]
    )
    assert changed.status_code == 200, changed.text
    return changed.json()


def mentions_person(payload: object) -> bool:
    text = json.dumps(payload, ensure_ascii=False)
    return any(value in text for value in (EMAIL, PHONE, NEW_PHONE, "Martin", "arachides"))


async def test_a_deleted_contacts_email_and_phone_leave_its_history_once_erased(admin):
    contact = await a_contact(admin)
    assert (await admin.delete(f"/contacts/{contact['id']}", version=2)).status_code == 204
    # The defect as a new user met it: deleted, yet its email and phone stay readable.
    history = (await admin.get(f"/changes/contact/{contact['id']}")).json()["items"]
    assert mentions_person(history)
    seqs = [c["seq"] for c in history]

    erased = await admin.post(f"/contacts/{contact['id']}/erase")
    assert erased.status_code == 200, erased.text
    assert erased.json()["redacted_changes"] == 3

    after = (await admin.get(f"/changes/contact/{contact['id']}")).json()["items"]
    assert not mentions_person(after)
    # The same entries at the same places (feeds and sync tokens follow seqs), and one more:
    # who erased, and when.
    assert [c["seq"] for c in after[:-1]] == seqs
    assert [c["action"] for c in after] == [
        "contact.created",
        "contact.updated",
        "contact.deleted",
        "contact.erased",
    ]
    assert after[-1]["actor"] == "Admin" and after[-1]["actor_id"] == admin.user["id"]
    created = after[0]["after"]
    assert created["emails"] is None and created["first_name"] is None
    assert created["id"] == contact["id"] and created["version"] == 1  # the rest stays


async def test_a_contact_is_exported_then_anonymised_where_records_still_name_it(admin, season):
    contact = await a_contact(admin)
    role = await admin.create(
        "/contact-roles",
        {
            "contact_id": contact["id"],
            "organisation_id": season["organisation"]["id"],
            "role": "Régisseuse",
        },
    )
    engagement = season["engagement"]
    named = await admin.patch(
        f"/engagements/{engagement['id']}",
        {"tour_manager_id": contact["id"]},
        version=engagement["version"],
    )
    assert named.status_code == 200, named.text

    export = (await admin.get(f"/contacts/{contact['id']}/personal-data")).json()
    assert export["contact"]["emails"] == [EMAIL]
    assert [(r["role"], r["organisation_name"]) for r in export["roles"]] == [
        ("Régisseuse", season["organisation"]["name"])
    ]
    assert [(e["id"], e["as"]) for e in export["engagements"]] == [
        (engagement["id"], ["tour_manager"])
    ]
    assert [c["action"] for c in export["changes"]] == [
        "contact.created",
        "contact.updated",
        "contact_role.created",
    ]
    assert set(export["personal_fields"]) == {
        "first_name",
        "last_name",
        "emails",
        "phones",
        "notes",
    }

    assert (await admin.post(f"/contacts/{contact['id']}/erase")).status_code == 200
    record = (await admin.get(f"/contacts/{contact['id']}")).json()
    assert (record["first_name"], record["last_name"]) == ("—", "Contact effacé")
    assert record["emails"] == [] and record["phones"] == [] and record["notes"] is None
    # The engagement still names its tour manager, now anonymous; the role is gone, on record.
    assert (await admin.get(f"/engagements/{engagement['id']}")).json()["tour_manager_id"] == (
        contact["id"]
    )
    assert (await admin.get(f"/contact-roles/{role['id']}")).status_code == 404
    again = (await admin.get(f"/contacts/{contact['id']}/personal-data")).json()
    assert not mentions_person(again)
    assert [c["action"] for c in again["changes"]][-2:] == [
        "contact_role.deleted",
        "contact.erased",
    ]


async def test_only_directory_managers_and_administrators_erase(people, season):
    contact = season["contact"]
    for role in ("rp", "administration", "communication"):  # directory write or read
        refused = await people[role].post(f"/contacts/{contact['id']}/erase")
        assert refused.status_code == 403, (role, refused.text)
    assert (
        await people["nobody"].get(f"/contacts/{contact['id']}/personal-data")
    ).status_code == 403
    assert (await people["admin"].post("/contacts/999999/erase")).status_code == 404


async def test_the_log_stays_append_only_and_erasure_touches_only_that_persons_fields(
    admin, database_url
):
    contact = await a_contact(admin)
    other = await admin.create(
        "/contacts", {"first_name": "Hugo", "last_name": "Bernard", "emails": ["hugo@x.fr"]}
    )
    connection = await asyncpg.connect(database_url)
    try:
        log = "SELECT seq, at, actor, action, before, after, refs FROM change_log ORDER BY seq"
        before = [dict(r) for r in await connection.fetch(log)]
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("UPDATE change_log SET after = NULL")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("DELETE FROM change_log")
        # Pretending to be the erasing function without its audit entry changes nothing.
        forged = json.dumps(
            {"entity": "contact", "entity_id": contact["id"], "keys": ["emails"], "audit": 10**9}
        )
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with connection.transaction():
                await connection.execute("SELECT set_config('saison.erasing', $1, true)", forged)
                await connection.execute(
                    "UPDATE change_log SET after = after || '{\"emails\": null}' "
                    "WHERE entity = 'contact' AND entity_id = $1",
                    contact["id"],
                )
        # The function itself: only the named keys of the named record's entries.
        async with connection.transaction():
            audit = await connection.fetchrow(
                "SELECT * FROM saison_erase_personal('contact', $1, ARRAY['emails'], NULL, "
                "'test', 'directory', NULL, NULL, NULL, 7246853101)",
                contact["id"],
            )
        after = [dict(r) for r in await connection.fetch(log)]
    finally:
        await connection.close()
    assert audit["redacted"] == 1
    assert len(after) == len(before) + 1 and after[-1]["action"] == "contact.erased"
    for old, new in zip(before, after, strict=False):
        if old["action"] == "contact.created" and json.loads(old["after"])["id"] == contact["id"]:
            expected = {**json.loads(old["after"]), "emails": None}
            assert json.loads(new["after"]) == expected  # the phones are still there
        else:
            assert new == old, old
    assert (await admin.get(f"/contacts/{other['id']}")).json()["emails"] == ["hugo@x.fr"]


async def test_erasure_reaches_queued_webhooks_and_replayed_answers(
    admin, database_url, receiver, hooks
):
    """Pending deliveries are still sent after the erasure and replays send them again; a
    retried POST gives back its stored answer: none may carry the person any longer."""
    await subscribe(admin, receiver, ["contact.*"])
    created = await admin.post(
        "/contacts",
        {"first_name": "Léa", "last_name": "Martin", "emails": [EMAIL], "phones": [PHONE]},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert created.status_code == 201, created.text
    contact = created.json()
    other = await admin.create("/contacts", {"first_name": "Hugo", "last_name": "Bernard"})
    await hooks.fan_out()  # queued, not sent yet (nobody ran the sender)
    connection = await asyncpg.connect(database_url)
    try:
        payloads = "SELECT payload FROM webhook_deliveries ORDER BY id"
        # Stored answers are sealed: which requests they answer is what can be seen.
        replays = "SELECT path FROM idempotent_requests"
        queued = [json.loads(r["payload"]) for r in await connection.fetch(payloads)]
        assert mentions_person(queued)
        assert [r[0] for r in await connection.fetch(replays)] == ["/api/v1/contacts"]

        assert (await admin.post(f"/contacts/{contact['id']}/erase")).status_code == 200

        queued = [json.loads(r["payload"]) for r in await connection.fetch(payloads)]
        stored = [r[0] for r in await connection.fetch(replays)]
    finally:
        await connection.close()
    assert queued and not mentions_person(queued)
    assert stored == []
    # Someone else's queued change is left as it was.
    assert any("Bernard" in json.dumps(p) for p in queued)
    assert (await admin.get(f"/contacts/{other['id']}")).json()["last_name"] == "Bernard"


async def test_only_a_contacts_personal_fields_can_be_erased_from_the_history(
    admin, season, database_url
):
    """The erasing function is callable by anyone connected: it must not rewrite a fee, nor
    a contact's other fields."""
    engagement = season["engagement"]
    fee = await admin.patch(
        f"/engagements/{engagement['id']}", {"fee": "8500"}, version=engagement["version"]
    )
    assert fee.status_code == 200, fee.text
    contact = await a_contact(admin)
    connection = await asyncpg.connect(database_url)
    try:
        log = "SELECT seq, before, after FROM change_log ORDER BY seq"
        before = [dict(r) for r in await connection.fetch(log)]
        forgeries = [
            ("engagement", engagement["id"], ["fee"]),
            ("contact", contact["id"], ["emails", "version"]),
        ]
        for entity, entity_id, keys in forgeries:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with connection.transaction():
                    await connection.fetchrow(
                        "SELECT * FROM saison_erase_personal($1, $2, $3, NULL, 'test', "
                        "'directory', NULL, NULL, NULL, 7246853101)",
                        entity,
                        entity_id,
                        keys,
                    )
        after = [dict(r) for r in await connection.fetch(log)]
    finally:
        await connection.close()
    assert after == before
    history = (await admin.get(f"/changes/engagement/{engagement['id']}")).json()["items"]
    assert history[-1]["after"]["fee"] in ("8500", "8500.00", 8500)


async def test_the_history_guard_knows_every_personal_field_of_a_contact():
    """The database's guard lists the fields it lets erasure empty; a field newly marked
    PERSONAL must be added there too, or its erasure would be refused."""
    sql = (Path(ROOT) / "server/db/sql/0013/2_change_log_is_append_only.sql").read_text()
    allowed = re.search(r"<@ ARRAY\[([^\]]*)\]", sql)
    assert allowed is not None
    assert re.findall(r"'(\w+)'", allowed.group(1)) == list(contact_personal_fields())
