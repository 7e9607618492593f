"""Places: one of our venues is linked, never copied, so the directory shows it as it is now."""

from __future__ import annotations


async def test_a_linked_place_shows_the_venue_s_name_and_address(admin, season):
    place, venue = season["place"], season["venue"]
    assert place["venue_id"] == venue["id"]
    for field in ("name", "address", "city", "postcode", "country"):
        assert place[field] == venue[field], field


async def test_a_linked_place_follows_the_venue_live(admin, season):
    place, venue = season["place"], season["venue"]
    r = await admin.patch(
        f"/venues/{venue['id']}",
        {"name": "Théâtre de la Croix-Rousse", "address": "Place Joannès Ambre"},
        version=venue["version"],
    )
    assert r.status_code == 200

    now = (await admin.get(f"/places/{place['id']}")).json()
    assert now["name"] == "Théâtre de la Croix-Rousse"
    assert now["address"] == "Place Joannès Ambre"
    assert now["city"] == "Lyon"
    listed = (await admin.get("/places", params={"venue_id": venue["id"]})).json()["items"]
    assert [p["name"] for p in listed] == ["Théâtre de la Croix-Rousse"]


async def test_a_linked_place_is_found_by_what_it_shows(admin, season):
    await admin.create("/places", {"name": "Salle des fêtes", "city": "Villeurbanne"})
    found = (await admin.get("/places", params={"q": "halle"})).json()
    assert [p["id"] for p in found["items"]] == [season["place"]["id"]]
    assert found["total"] == 1
    by_city = (await admin.get("/places", params={"q": "lyon"})).json()
    assert [p["id"] for p in by_city["items"]] == [season["place"]["id"]]
    own = (await admin.get("/places", params={"q": "fêtes"})).json()
    assert [p["name"] for p in own["items"]] == ["Salle des fêtes"]


async def test_what_comes_from_the_venue_cannot_be_typed_again(admin, season):
    venue = await admin.create("/venues", {"name": "La Fabrique", "city": "Vénissieux"})
    r = await admin.post(
        "/places", {"venue_id": venue["id"], "name": "Fabrique (copie)", "city": "Lyon"}
    )
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"name", "city"}
    place = season["place"]
    r = await admin.patch(f"/places/{place['id']}", {"address": "ailleurs"}, version=1)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["address"]


async def test_a_venue_is_linked_by_one_place_only(admin, season):
    r = await admin.post("/places", {"venue_id": season["venue"]["id"]})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await admin.get("/places")).json()["total"] == 1


async def test_unlinking_a_place_needs_a_name_of_its_own(admin, season):
    place = season["place"]
    r = await admin.patch(f"/places/{place['id']}", {"venue_id": None}, version=1)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["name"]
    r = await admin.patch(
        f"/places/{place['id']}", {"venue_id": None, "name": "Ancienne Halle"}, version=1
    )
    assert r.status_code == 200
    assert r.json()["name"] == "Ancienne Halle" and r.json()["address"] is None


async def test_a_linked_venue_cannot_be_deleted(admin, season):
    venue = await admin.create("/venues", {"name": "La Fabrique"})
    await admin.create("/places", {"venue_id": venue["id"]})
    r = await admin.delete(f"/venues/{venue['id']}", version=1)
    assert r.status_code == 409
    assert "des lieux en dépendent encore" in r.json()["detail"]
    assert (await admin.get(f"/venues/{venue['id']}")).status_code == 200


async def test_a_cached_linked_place_is_refreshed_when_the_venue_changes(admin, season):
    place, venue = season["place"], season["venue"]
    first = await admin.get(f"/places/{place['id']}")
    tag = first.headers["etag"]
    await admin.patch(f"/venues/{venue['id']}", {"name": "Nouveau nom"}, version=1)
    again = await admin.get(f"/places/{place['id']}", headers={"If-None-Match": tag})
    assert again.status_code == 200
    assert again.json()["name"] == "Nouveau nom"
