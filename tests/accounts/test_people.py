"""The people a planner can assign: names and teams for planning readers, nothing else."""

from __future__ import annotations

from tests.conftest import Api


async def test_planning_readers_see_active_names_and_teams_only(people: dict[str, Api], admin: Api):
    rp = (await admin.get(f"/users/{people['rp'].user['id']}")).json()
    closed = await admin.patch(f"/users/{rp['id']}", {"is_active": False}, rp["version"])
    assert closed.status_code == 200, closed.text

    r = await people["communication"].get("/people")  # reads the planning, not the accounts
    assert r.status_code == 200, r.text
    listed = r.json()
    names = [person["name"] for person in listed]
    assert names == sorted(names)
    assert "Rp" not in names  # a closed account is nobody to assign
    technique = next(p for p in listed if p["name"] == "Technique")
    assert technique == {
        "id": people["technique"].user["id"],
        "name": "Technique",
        "team_ids": people["technique"].user["team_ids"],
    }
    assert "email" not in r.text and "@test.saison" not in r.text
    # The accounts themselves stay the administrators'.
    assert (await people["communication"].get("/users")).status_code == 403


async def test_no_list_of_people_for_those_without_the_planning(people: dict[str, Api]):
    assert (await people["nobody"].get("/people")).status_code == 403
    assert (await people["anonymous"].get("/people")).status_code == 401


async def test_planning_readers_read_every_teams_name(people: dict[str, Api], admin: Api):
    """A team on an activity is named, not "#3", for those who are not in it."""
    r = await people["communication"].get("/team-names")
    assert r.status_code == 200, r.text
    teams = (await admin.get("/teams")).json()["items"]
    assert r.json() == [{"id": t["id"], "name": t["name"]} for t in teams]
    assert "Technique" in [t["name"] for t in r.json()]
    assert (await people["nobody"].get("/team-names")).status_code == 403
    assert (await people["anonymous"].get("/team-names")).status_code == 401
