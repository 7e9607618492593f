async def test_health_and_crud(admin):
    org = await admin.create("/organisations", {"name": "Compagnie Éclat", "kind": "company"})
    assert org["version"] == 1
    r = await admin.get(f"/organisations/{org['id']}")
    assert r.status_code == 200 and r.headers["etag"] == '"v1"'
