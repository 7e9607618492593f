"""Organisations, contacts and their roles; removing one removes its roles, on the record."""

from __future__ import annotations


async def roles_of(admin, **params):
    return (await admin.get("/contact-roles", params=params)).json()["items"]


async def test_roles_link_people_to_organisations(admin, season):
    contact, org = season["contact"], season["organisation"]
    other = await admin.create("/organisations", {"name": "Bureau Production", "kind": "agency"})
    await admin.create(
        "/contact-roles",
        {"contact_id": contact["id"], "organisation_id": other["id"], "role": "Agente"},
    )
    assert [r["role"] for r in await roles_of(admin, contact_id=contact["id"])] == [
        "Chargée de diffusion",
        "Agente",
    ]
    assert [r["contact_id"] for r in await roles_of(admin, organisation_id=org["id"])] == [
        contact["id"]
    ]
    agencies = (await admin.get("/organisations", params={"kind": "agency"})).json()["items"]
    assert [o["name"] for o in agencies] == ["Bureau Production"]


async def test_contacts_are_found_by_name(admin, season):
    await admin.create("/contacts", {"first_name": "Hugo", "last_name": "Bernard"})
    found = (await admin.get("/contacts", params={"q": "martin"})).json()["items"]
    assert [c["first_name"] for c in found] == ["Léa"]
    assert found[0]["emails"] == ["lea@eclat.fr"]


async def test_deleting_a_contact_removes_their_roles_with_a_trace(admin, season):
    contact, role = season["contact"], season["contact_role"]
    start = (await admin.get("/changes")).json()["next_since"]
    assert (await admin.delete(f"/contacts/{contact['id']}", version=1)).status_code == 204

    assert (await admin.get(f"/contact-roles/{role['id']}")).status_code == 404
    feed = (await admin.get("/changes", params={"since": start})).json()["items"]
    assert [(c["action"], c["entity_id"]) for c in feed] == [
        ("contact_role.deleted", role["id"]),
        ("contact.deleted", contact["id"]),
    ]
    assert feed[0]["before"]["role"] == "Chargée de diffusion"


async def test_deleting_an_organisation_removes_its_roles_with_a_trace(admin):
    org = await admin.create("/organisations", {"name": "Compagnie Dissoute"})
    contact = await admin.create("/contacts", {"first_name": "Ana", "last_name": "Lopez"})
    role = await admin.create(
        "/contact-roles",
        {"contact_id": contact["id"], "organisation_id": org["id"], "role": "Administratrice"},
    )
    assert (await admin.delete(f"/organisations/{org['id']}", version=1)).status_code == 204
    history = (await admin.get(f"/changes/contact_role/{role['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["contact_role.created", "contact_role.deleted"]
    assert (await admin.get(f"/contacts/{contact['id']}")).status_code == 200


async def test_an_organisation_with_shows_is_kept_with_its_roles(admin, season):
    org, role = season["organisation"], season["contact_role"]
    r = await admin.delete(f"/organisations/{org['id']}", version=1)
    assert r.status_code == 409
    assert (await admin.get(f"/contact-roles/{role['id']}")).status_code == 200
    history = (await admin.get(f"/changes/contact_role/{role['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["contact_role.created"]


async def test_a_stale_deletion_takes_nothing_with_it(admin, season):
    contact, role = season["contact"], season["contact_role"]
    r = await admin.delete(f"/contacts/{contact['id']}", version=7)
    assert r.status_code == 412
    assert (await admin.get(f"/contact-roles/{role['id']}")).status_code == 200
