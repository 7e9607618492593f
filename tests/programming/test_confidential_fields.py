"""Fees and contract terms are seen only by those who may read contracts, wherever they look."""

from __future__ import annotations

import pytest

from tests.factories import paris

SECRET = {"fee", "contract_terms"}
SEE_FEES = ["admin", "programmation", "administration"]
NO_FEES = ["technique", "rp", "communication"]


async def every_view_of_the_engagement(client, engagement):
    """The engagement as one person gets it from each place the API shows it."""
    one = await client.get(f"/engagements/{engagement['id']}")
    assert one.status_code == 200
    views = [one.json()]
    for params in (
        {},
        {"status": "confirmed"},
        {"room_id": engagement["room_id"]},
        {"show_id": engagement["show_id"]},
        {"start": paris("2026-10-01", "00:00"), "end": paris("2026-10-31", "00:00")},
        {"limit": 1, "offset": 0},
    ):
        page = await client.get("/engagements", params=params)
        assert page.status_code == 200, params
        items = page.json()["items"]
        assert [e["id"] for e in items] == [engagement["id"]], params
        views.append(items[0])
    return views


async def engagement_changes(client, engagement):
    feed = (await client.get("/changes", params={"entity": "engagement"})).json()["items"]
    history = (await client.get(f"/changes/engagement/{engagement['id']}")).json()["items"]
    return feed, history


@pytest.mark.parametrize("role", SEE_FEES)
async def test_those_who_may_read_contracts_see_fees_everywhere(people, season, role):
    engagement = season["engagement"]
    for view in await every_view_of_the_engagement(people[role], engagement):
        assert view["fee"] == "8500.00"
        assert view["contract_terms"] == engagement["contract_terms"]
    feed, history = await engagement_changes(people[role], engagement)
    for changes in (feed, history):
        assert changes[0]["after"]["fee"] == "8500.00"


@pytest.mark.parametrize("role", NO_FEES)
async def test_others_never_see_fees(people, season, role):
    engagement = season["engagement"]
    for view in await every_view_of_the_engagement(people[role], engagement):
        assert SECRET.isdisjoint(view), view
        assert view["first_day"] == "2026-10-06"  # the rest is there
    feed, history = await engagement_changes(people[role], engagement)
    assert feed and history
    for change in feed + history:
        for side in ("before", "after"):
            assert SECRET.isdisjoint(change[side] or {}), change
    assert "8500" not in str(feed) and "cession" not in str(history)


async def test_a_change_of_fee_alone_is_not_news_to_those_who_may_not_see_it(people, season):
    admin, technique = people["admin"], people["technique"]
    engagement = season["engagement"]
    path = f"/engagements/{engagement['id']}"
    r = await admin.patch(path, {"fee": "9000.00"}, version=1)
    assert r.status_code == 200
    r = await admin.patch(path, {"fee": "9500.00", "notes": "Avenant signé"}, version=2)
    assert r.status_code == 200

    feed, history = await engagement_changes(technique, engagement)
    for changes in (feed, history):
        updates = [c for c in changes if c["action"] == "engagement.updated"]
        assert len(updates) == 1  # the fee-only change is not shown at all
        assert updates[0]["before"] == {"notes": None}
        assert updates[0]["after"] == {"notes": "Avenant signé"}

    feed, history = await engagement_changes(people["administration"], engagement)
    updates = [c for c in history if c["action"] == "engagement.updated"]
    assert [u["after"]["fee"] for u in updates] == ["9000.00", "9500.00"]
    assert updates[0]["before"] == {"fee": "8500.00"}


async def test_a_deleted_engagement_keeps_its_fee_hidden(people, season):
    admin = people["admin"]
    option = await admin.create(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-12-01",
            "last_day": "2026-12-02",
            "fee": "1234.00",
        },
    )
    assert (await admin.delete(f"/engagements/{option['id']}", version=1)).status_code == 204
    history = (await people["communication"].get(f"/changes/engagement/{option['id']}")).json()[
        "items"
    ]
    assert [c["action"] for c in history] == ["engagement.created", "engagement.deleted"]
    assert "fee" not in history[1]["before"] and "1234" not in str(history)


async def test_fees_are_set_by_those_who_write_programming_and_contracts(people, season):
    for role, fee in (("programmation", "9100.00"), ("administration", "9200.00")):
        engagement = await people["admin"].get(f"/engagements/{season['engagement']['id']}")
        version = engagement.json()["version"]
        r = await people[role].patch(
            f"/engagements/{season['engagement']['id']}", {"fee": fee}, version=version
        )
        # Administration writes contracts and only reads programming: fees, yes.
        assert r.status_code == 200 and r.json()["fee"] == fee


async def test_technique_may_not_set_a_fee(people, season):
    engagement = season["engagement"]
    r = await people["technique"].patch(
        f"/engagements/{engagement['id']}", {"fee": "0.00"}, version=1
    )
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    now = (await people["admin"].get(f"/engagements/{engagement['id']}")).json()
    assert now["fee"] == "8500.00" and now["version"] == 1
