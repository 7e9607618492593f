"""What the documents need, kept by the departments whose part it is, with history.

The run of an engagement (room configuration, the company's people, the venue's host,
hospitality) is kept by those who plan the days; its contract (state and dates, fee, VAT,
costs, authors' rights) by those who may write contracts, and only they and the readers of
contracts ever see it. Both through the engagement's own PATCH, each changing its part alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from server.core.venue import venue

# The venue's today (the server dates a contract sent in the venue's zone: at 00:30 in Paris
# it is already tomorrow there while still today in UTC).
TODAY = datetime.now(venue().tz).date()
IN_TWO_DAYS = (TODAY + timedelta(days=2)).isoformat()
CONTRACT = {
    "contract_status",
    "contract_sent_on",
    "contract_signed_on",
    "vat_rate",
    "travel_costs",
    "accommodation_costs",
    "meal_costs",
    "authors_rights",
    "fee",
    "contract_terms",
}


@pytest.fixture
async def people_of_the_run(admin, season):
    company = season["organisation"]
    tour = await admin.create(
        "/contacts",
        {"first_name": "Cédric", "last_name": "Ménard", "phones": ["06 12 34 56 78"]},
    )
    host = await admin.create("/contacts", {"first_name": "Zoé", "last_name": "Lemaître"})
    await admin.create(
        "/contact-roles",
        {"contact_id": tour["id"], "organisation_id": company["id"], "role": "Tour manager"},
    )
    return {"tour": tour, "host": host}


async def test_the_planning_keeps_the_run_with_history(people, season, people_of_the_run):
    technique = people["technique"]
    engagement = season["engagement"]
    path = f"/engagements/{engagement['id']}"
    body = {
        "room_configuration_id": season["room_configuration"]["id"],
        "tour_manager_id": people_of_the_run["tour"]["id"],
        "host_contact_id": people_of_the_run["host"]["id"],
        "party_size": 9,
        "meals": "Un végétarien, un sans gluten",
        "dressing_rooms": "Loges 1 et 2",
        "accommodation": "Hôtel de la Loire, 5 chambres",
        "travel": "Train le 4 à 18 h 12",
    }
    r = await technique.patch(path, body, version=engagement["version"])
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == f'"v{engagement["version"] + 1}"'
    shown = r.json()
    assert {k: shown[k] for k in body} == body
    assert CONTRACT.isdisjoint(shown)  # technique reads no contract

    history = (await technique.get(f"/changes/engagement/{engagement['id']}")).json()["items"]
    last = history[-1]
    assert last["action"] == "engagement.updated" and last["actor"] == "Technique"
    assert last["after"]["meals"] == "Un végétarien, un sans gluten"
    assert last["before"]["meals"] is None


async def test_the_run_refuses_what_does_not_fit_field_by_field(people, season, admin):
    technique = people["technique"]
    engagement = season["engagement"]
    path = f"/engagements/{engagement['id']}"
    studio_layout = await admin.create(
        "/room-configurations", {"room_id": season["studio"]["id"], "name": "Quadri-frontal"}
    )
    r = await technique.patch(
        path,
        {"room_configuration_id": studio_layout["id"], "tour_manager_id": 9999},
        version=engagement["version"],
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert "room_configuration_id" in fields
    r = await technique.patch(path, {"tour_manager_id": 9999}, version=engagement["version"])
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["tour_manager_id"]
    r = await technique.patch(path, {"party_size": -1}, version=engagement["version"])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "party_size"
    r = await technique.patch(path, {"fee": "1.00"}, version=engagement["version"])
    assert r.status_code == 403  # the fee is the contract's, not the run's
    r = await technique.patch(path, {"meals": "x", "notes": "y"}, version=engagement["version"])
    assert r.status_code == 403  # nor the programming's notes
    assert (await technique.patch(path, {"meals": "x"})).status_code == 428
    assert (await technique.patch(path, {"meals": "x"}, version=99)).status_code == 412
    assert (await people["communication"].patch(path, {"meals": "x"}, version=1)).status_code == 403


async def test_a_layout_stays_with_its_room(people, season, admin):
    programmation = people["programmation"]
    option = await admin.create(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["room"]["id"],
            "first_day": "2027-01-10",
            "last_day": "2027-01-11",
            "room_configuration_id": season["room_configuration"]["id"],
        },
    )
    r = await programmation.patch(
        f"/engagements/{option['id']}",
        {"room_id": season["studio"]["id"]},
        version=option["version"],
    )
    assert r.status_code == 200, r.text
    assert r.json()["room_configuration_id"] is None


async def test_administration_keeps_the_contract(people, season):
    administration = people["administration"]
    engagement = season["engagement"]
    path = f"/engagements/{engagement['id']}"
    assert engagement["contract_status"] == "draft"
    r = await administration.patch(
        path,
        {
            "contract_status": "sent",
            "vat_rate": "5.5",
            "travel_costs": "850.00",
            "authors_rights": "SACD à la charge de l'organisateur",
        },
        version=engagement["version"],
    )
    assert r.status_code == 200, r.text
    sent = r.json()
    # Sent today (the venue's) unless said otherwise.
    assert sent["contract_sent_on"] == datetime.now(venue().tz).date().isoformat()
    assert sent["vat_rate"] == "5.50" and sent["travel_costs"] == "850.00"
    signed_on = TODAY.isoformat()
    body = {"contract_status": "signed", "contract_signed_on": signed_on}
    r = await administration.patch(path, body, version=sent["version"])
    assert r.status_code == 200, r.text
    assert r.json()["contract_signed_on"] == signed_on
    # Administration may not change the programming itself, nor the run.
    version = r.json()["version"]
    for body in ({"notes": "x"}, {"meals": "x"}):
        r = await administration.patch(path, body, version=version)
        assert r.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"contract_sent_on": (TODAY - timedelta(days=3)).isoformat()}, "contract_sent_on"),
        (
            {"contract_status": "sent", "contract_sent_on": IN_TWO_DAYS},
            "contract_sent_on",
        ),
        (
            {
                "contract_status": "signed",
                "contract_sent_on": (TODAY - timedelta(days=2)).isoformat(),
                "contract_signed_on": (TODAY - timedelta(days=5)).isoformat(),
            },
            "contract_signed_on",
        ),
        (
            {"contract_status": "sent", "contract_signed_on": TODAY.isoformat()},
            "contract_signed_on",
        ),
        ({"contract_status": None}, "contract_status"),
        ({"vat_rate": "120"}, "vat_rate"),
        ({"meal_costs": "-3"}, "meal_costs"),
    ],
)
async def test_a_contract_that_does_not_hold_together_is_refused(people, season, body, field):
    engagement = season["engagement"]
    r = await people["administration"].patch(
        f"/engagements/{engagement['id']}", body, version=engagement["version"]
    )
    assert r.status_code == 422, r.text
    assert field in {e["field"] for e in r.json()["errors"]}


async def test_only_readers_of_contracts_see_or_change_them(people, season, admin):
    engagement = season["engagement"]
    path = f"/engagements/{engagement['id']}"
    r = await admin.patch(path, {"contract_status": "sent"}, version=engagement["version"])
    assert r.status_code == 200
    technique = people["technique"]
    r = await technique.patch(path, {"vat_rate": "5.5"}, version=2)
    assert r.status_code == 403
    assert CONTRACT.isdisjoint((await technique.get(path)).json())
    history = (await technique.get(f"/changes/engagement/{engagement['id']}")).json()["items"]
    assert [c["action"] for c in history] == ["engagement.created"]  # the contract's step hidden
    assert "contract_status" not in str(history)
    r = await technique.get("/engagements", params={"contract_status": "sent"})
    assert r.status_code == 403
    r = await people["administration"].get("/engagements", params={"contract_status": "sent"})
    assert [e["id"] for e in r.json()["items"]] == [engagement["id"]]
