"""The seed workflow end to end: option → duplicate → confirm → generate → technique → move."""

from datetime import date, timedelta

import pytest


@pytest.fixture
async def season(admin):
    venue = await admin.create("/venues", {"name": "Théâtre de la Halle aux Grains"})
    grande = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Grande salle", "capacity": 650}
    )
    studio = await admin.create(
        "/rooms", {"venue_id": venue["id"], "name": "Studio", "capacity": 80}
    )
    company = await admin.create("/organisations", {"name": "Compagnie des Écumes"})
    phedre = await admin.create(
        "/shows", {"title": "Phèdre", "company_id": company["id"], "duration_minutes": 110}
    )
    cirque = await admin.create("/shows", {"title": "Cirque Éphémère", "duration_minutes": 75})
    return {"grande": grande, "studio": studio, "phedre": phedre, "cirque": cirque}


def option(show, room, first, last, **extra):
    return {
        "show_id": show["id"],
        "room_id": room["id"],
        "first_day": first,
        "last_day": last,
        **extra,
    }


async def test_options_are_ranked_per_room_and_period(people, season):
    prog = people["programmation"]
    s = season
    first = await prog.create(
        "/engagements", option(s["phedre"], s["grande"], "2027-03-09", "2027-03-13")
    )
    second = await prog.create(
        "/engagements", option(s["cirque"], s["grande"], "2027-03-10", "2027-03-12")
    )
    elsewhere = await prog.create(
        "/engagements", option(s["cirque"], s["studio"], "2027-03-10", "2027-03-12")
    )
    assert (first["option_rank"], second["option_rank"], elsewhere["option_rank"]) == (1, 2, 1)
    r = await prog.get(
        "/engagements/competing",
        params={"room_id": s["grande"]["id"], "first_day": "2027-03-01", "last_day": "2027-03-31"},
    )
    assert [e["id"] for e in r.json()] == [first["id"], second["id"]]


async def test_the_whole_flow(people, season):
    prog, tech, comm = people["programmation"], people["technique"], people["communication"]
    s = season
    # 1. Pencil an option, then duplicate it to other dates and another room in one call.
    opt = await prog.create(
        "/engagements",
        option(
            s["phedre"],
            s["grande"],
            "2027-03-09",
            "2027-03-13",
            fee="12000.00",
            option_expires_on="2027-01-15",
        ),
    )
    r = await prog.post(
        f"/engagements/{opt['id']}/duplicate",
        {
            "targets": [
                {"first_day": "2027-04-06", "last_day": "2027-04-10"},
                {"room_id": s["studio"]["id"]},
            ]
        },
    )
    assert r.status_code == 201, r.text
    copies = r.json()
    assert [c["status"] for c in copies] == ["option", "option"]
    assert copies[1]["room_id"] == s["studio"]["id"] and copies[1]["fee"] == "12000.00"
    # A competing option of another show, ranked behind ours on the grande salle in March.
    rival = await prog.create(
        "/engagements", option(s["cirque"], s["grande"], "2027-03-11", "2027-03-12")
    )
    assert rival["option_rank"] == 2

    # 2. Generate the performances of our option (tentative: options never block the room).
    r = await prog.post(
        f"/engagements/{opt['id']}/performances",
        {
            "weekdays": ["tue", "wed", "thu", "fri", "sat"],
            "times": {"sat": ["18:00"]},
            "days_off": ["2027-03-11"],
            "dry_run": True,
        },
    )
    assert r.status_code == 200, r.text
    preview = r.json()
    assert len(preview["performances"]) == 4 and preview["created"] == []
    assert (await prog.get("/performances", params={"engagement_id": opt["id"]})).json()[
        "total"
    ] == 0
    preview["performances"][3]["starts_at"].startswith("2027-03-13T18:00:00+01:00")
    r = await prog.post(
        f"/engagements/{opt['id']}/performances",
        {
            "weekdays": ["tue", "wed", "thu", "fri", "sat"],
            "times": {"sat": ["18:00"]},
            "days_off": ["2027-03-11"],
            "dry_run": False,
        },
    )
    assert r.status_code == 200, r.text
    performances = r.json()["performances"]
    assert [p["status"] for p in performances] == ["tentative"] * 4
    assert performances[0]["starts_at"] == "2027-03-09T20:00:00+01:00"
    assert performances[0]["ends_at"] == "2027-03-09T21:50:00+01:00"  # the show's 110 minutes

    # 3. The technical team places its activities from templates, without Programming rights.
    templates = (await tech.get("/activity-templates")).json()["items"]
    by_name = {t["name"]: t["id"] for t in templates}
    wanted = [
        by_name["Montage la veille"],
        by_name["Service de jeu"],
        by_name["Démontage après la dernière"],
    ]
    r = await tech.post(
        f"/engagements/{opt['id']}/technical-activities", {"template_ids": wanted, "dry_run": False}
    )
    assert r.status_code == 200, r.text
    technical = r.json()["activities"]
    assert len(technical) == 1 + 4 + 1
    get_in = next(a for a in technical if a["kind"] == "get_in")
    assert get_in["starts_at"] == "2027-03-08T09:00:00+01:00" and get_in["status"] == "tentative"
    assert (
        await tech.patch(f"/engagements/{opt['id']}", {"notes": "x"}, version=1)
    ).status_code == 403

    # Someone else confirms a private hire on the Monday evening in the grande salle.
    await tech.create(
        "/activities",
        {
            "kind": "private_hire",
            "title": "Location Banque Populaire",
            "room_id": s["grande"]["id"],
            "starts_at": "2027-03-08T19:00:00+01:00",
            "ends_at": "2027-03-08T23:00:00+01:00",
        },
    )

    # 4. Preview the confirmation: what it releases, which ranks move, what would conflict.
    r = await prog.get(f"/engagements/{opt['id']}/confirmation")
    assert r.status_code == 200, r.text
    plan = r.json()
    assert sorted(e["id"] for e in plan["released"]) == sorted(c["id"] for c in copies)
    assert plan["promoted"] == [
        {"engagement": plan["promoted"][0]["engagement"], "from_rank": 2, "to_rank": 1}
    ]
    assert plan["promoted"][0]["engagement"]["id"] == rival["id"]
    assert [b["engagement"]["id"] for b in plan["blocked"]] == [rival["id"]]
    assert plan["activities_confirmed"] == 10
    assert plan["conflicts"] == []  # the get-in ends at 18:00, the hire starts at 19:00

    # 5. Confirm: one transaction.
    current = (await prog.get(f"/engagements/{opt['id']}")).json()
    stale = await prog.post(f"/engagements/{opt['id']}/confirm", headers={"If-Match": '"v999"'})
    assert stale.status_code == 412
    r = await prog.post(
        f"/engagements/{opt['id']}/confirm", headers={"If-Match": f'"v{current["version"]}"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed" and r.json()["option_rank"] is None
    for copy in copies:
        assert (await prog.get(f"/engagements/{copy['id']}")).json()["status"] == "cancelled"
    behind = (await prog.get(f"/engagements/{rival['id']}")).json()
    assert behind["option_rank"] == 1 and behind["blocked_by_id"] == opt["id"]
    statuses = {
        a["status"]
        for a in (await tech.get("/activities", params={"engagement_id": opt["id"]})).json()[
            "items"
        ]
    }
    assert statuses == {"confirmed"}
    # Confirmed work now blocks the room.
    r = await tech.post(
        "/activities",
        {
            "kind": "rehearsal",
            "title": "Répétition",
            "room_id": s["grande"]["id"],
            "starts_at": "2027-03-09T19:00:00+01:00",
            "ends_at": "2027-03-09T20:30:00+01:00",
        },
    )
    assert r.status_code == 409 and "Phèdre" in r.json()["detail"]

    # 6. Move the whole engagement by a week: previewed, then done, everything follows.
    r = await prog.post(f"/engagements/{opt['id']}/move", {"days": 7, "dry_run": True})
    assert r.status_code == 200 and r.json()["conflicts"] == [] and r.json()["moved"] is False
    current = (await prog.get(f"/engagements/{opt['id']}")).json()
    r = await prog.post(
        f"/engagements/{opt['id']}/move",
        {"days": 7, "dry_run": False},
        headers={"If-Match": f'"v{current["version"]}"'},
    )
    assert r.status_code == 200, r.text
    moved = (await prog.get(f"/engagements/{opt['id']}")).json()
    assert (moved["first_day"], moved["last_day"]) == ("2027-03-16", "2027-03-20")
    items = (await tech.get("/activities", params={"engagement_id": opt["id"]})).json()["items"]
    assert items[0]["kind"] == "get_in" and items[0]["starts_at"] == "2027-03-15T09:00:00+01:00"
    assert [i["starts_at"][:10] for i in items if i["kind"] == "performance"] == [
        "2027-03-16",
        "2027-03-17",
        "2027-03-19",
        "2027-03-20",
    ]

    # History tells who confirmed what; communication does not see the fee anywhere.
    changes = (
        await prog.get("/changes", params={"entity": "engagement", "entity_id": opt["id"]})
    ).json()
    actions = [c["action"] for c in changes["items"]]
    assert "engagement.confirmed" in actions and "engagement.moved" in actions
    confirmed = next(c for c in changes["items"] if c["action"] == "engagement.confirmed")
    assert confirmed["actor"] == "Programmation"
    released = (
        await prog.get("/changes", params={"entity": "engagement", "entity_id": copies[0]["id"]})
    ).json()
    assert "engagement.released" in [c["action"] for c in released["items"]]
    assert "fee" not in (await comm.get(f"/engagements/{opt['id']}")).json()


async def test_moving_into_a_busy_slot_is_reported_before_anything_changes(people, season):
    prog, tech = people["programmation"], people["technique"]
    s = season
    eng = await prog.create(
        "/engagements",
        option(s["cirque"], s["studio"], "2027-02-02", "2027-02-03", status="confirmed"),
    )
    r = await prog.post(f"/engagements/{eng['id']}/performances", {"dry_run": False})
    assert r.status_code == 200, r.text
    busy = await tech.create(
        "/activities",
        {
            "kind": "technical_service",
            "title": "Service Tartuffe",
            "room_id": s["grande"]["id"],
            "starts_at": "2027-02-03T18:00:00+01:00",
            "ends_at": "2027-02-03T23:00:00+01:00",
        },
    )
    r = await prog.post(
        f"/engagements/{eng['id']}/move", {"room_id": s["grande"]["id"], "dry_run": True}
    )
    assert r.status_code == 200
    conflicts = r.json()["conflicts"]
    assert [c["with"]["activity_id"] for c in conflicts] == [busy["id"]]
    r = await prog.post(
        f"/engagements/{eng['id']}/move",
        {"room_id": s["grande"]["id"], "dry_run": False},
        headers={"If-Match": '"v1"'},
    )
    assert r.status_code == 409
    perfs = (await prog.get("/performances", params={"engagement_id": eng["id"]})).json()["items"]
    assert {p["room_id"] for p in perfs} == {s["studio"]["id"]}
    assert (await prog.get(f"/engagements/{eng['id']}")).json()["room_id"] == s["studio"]["id"]


async def test_a_performance_moves_with_its_services(people, season):
    prog, tech = people["programmation"], people["technique"]
    s = season
    eng = await prog.create(
        "/engagements",
        option(s["phedre"], s["studio"], "2027-05-04", "2027-05-04", status="confirmed"),
    )
    perf = (await prog.post(f"/engagements/{eng['id']}/performances", {"dry_run": False})).json()[
        "performances"
    ][0]
    templates = {
        t["name"]: t["id"] for t in (await tech.get("/activity-templates")).json()["items"]
    }
    await tech.post(
        f"/engagements/{eng['id']}/technical-activities",
        {"template_ids": [templates["Service de jeu"]], "dry_run": False},
    )
    r = await prog.post(
        f"/performances/{perf['id']}/move",
        {"starts_at": "2027-05-04T15:00:00+02:00", "dry_run": False},
        headers={"If-Match": f'"v{perf["version"]}"'},
    )
    assert r.status_code == 200, r.text
    service = (await tech.get("/activities", params={"kind": "technical_service"})).json()["items"][
        0
    ]
    assert service["starts_at"] == "2027-05-04T13:00:00+02:00"  # still two hours before


async def test_changing_an_engagement_with_performances_requires_a_move(people, season):
    prog = people["programmation"]
    s = season
    eng = await prog.create(
        "/engagements", option(s["phedre"], s["studio"], "2027-05-04", "2027-05-05")
    )
    await prog.post(f"/engagements/{eng['id']}/performances", {"dry_run": False})
    r = await prog.patch(
        f"/engagements/{eng['id']}", {"first_day": "2027-05-03"}, version=eng["version"]
    )
    assert r.status_code == 409 and "/move" in r.json()["detail"]
    r = await prog.patch(
        f"/engagements/{eng['id']}", {"status": "confirmed"}, version=eng["version"]
    )
    assert (
        r.status_code == 422
        or (await prog.get(f"/engagements/{eng['id']}")).json()["status"] == "option"
    )


async def test_releasing_the_first_option_promotes_the_second(people, season):
    prog = people["programmation"]
    s = season
    first = await prog.create(
        "/engagements", option(s["phedre"], s["grande"], "2027-01-05", "2027-01-09")
    )
    second = await prog.create(
        "/engagements", option(s["cirque"], s["grande"], "2027-01-06", "2027-01-07")
    )
    r = await prog.post(f"/engagements/{first['id']}/release", {"version": first["version"]})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert (await prog.get(f"/engagements/{second['id']}")).json()["option_rank"] == 1


async def test_expiring_options_are_listed(people, season):
    prog = people["programmation"]
    s = season
    today = date.today()
    expired = await prog.create(
        "/engagements",
        option(
            s["phedre"],
            s["grande"],
            "2027-01-05",
            "2027-01-09",
            option_expires_on=str(today - timedelta(days=1)),
        ),
    )
    soon = await prog.create(
        "/engagements",
        option(
            s["cirque"],
            s["studio"],
            "2027-01-05",
            "2027-01-09",
            option_expires_on=str(today + timedelta(days=5)),
        ),
    )
    await prog.create(
        "/engagements",
        option(
            s["cirque"],
            s["grande"],
            "2027-02-05",
            "2027-02-09",
            option_expires_on=str(today + timedelta(days=60)),
        ),
    )
    listed = (await prog.get("/engagements/expiring", params={"within_days": 14})).json()
    assert [(e["id"], e["expired"]) for e in listed] == [(expired["id"], True), (soon["id"], False)]


async def test_confirming_into_a_booked_room_is_refused_whole(people, season):
    prog, tech = people["programmation"], people["technique"]
    s = season
    opt = await prog.create(
        "/engagements", option(s["phedre"], s["studio"], "2027-06-01", "2027-06-01")
    )
    sibling = await prog.create(
        "/engagements", option(s["phedre"], s["grande"], "2027-06-08", "2027-06-08")
    )
    await prog.post(f"/engagements/{opt['id']}/performances", {"dry_run": False})
    await tech.create(
        "/activities",
        {
            "kind": "maintenance",
            "title": "Entretien",
            "room_id": s["studio"]["id"],
            "starts_at": "2027-06-01T08:00:00+02:00",
            "ends_at": "2027-06-01T23:00:00+02:00",
        },
    )
    hire = await tech.create(
        "/activities",
        {
            "kind": "private_hire",
            "title": "Gala",
            "room_id": s["studio"]["id"],
            "starts_at": "2027-06-01T19:00:00+02:00",
            "ends_at": "2027-06-01T23:00:00+02:00",
        },
    )
    plan = (await prog.get(f"/engagements/{opt['id']}/confirmation")).json()
    assert [c["with"]["activity_id"] for c in plan["conflicts"]] == [hire["id"]]
    r = await prog.post(f"/engagements/{opt['id']}/confirm", {"version": opt["version"]})
    assert r.status_code == 409 and "Gala" in r.json()["detail"]
    assert (await prog.get(f"/engagements/{opt['id']}")).json()["status"] == "option"
    assert (await prog.get(f"/engagements/{sibling['id']}")).json()["status"] == "option"


async def test_only_administrators_delete_an_engagement_others_cancel_it(people, season):
    """Deleting erases a run from the season; programmers cancel it (it stays, with its history)."""
    prog, admin = people["programmation"], people["admin"]
    engagement = await prog.create(
        "/engagements", option(season["phedre"], season["grande"], "2027-03-09", "2027-03-13")
    )
    r = await prog.delete(f"/engagements/{engagement['id']}", engagement["version"])
    assert r.status_code == 403, r.text
    assert "administrat" in r.json()["detail"]
    assert (await prog.get(f"/engagements/{engagement['id']}")).status_code == 200
    r = await admin.delete(f"/engagements/{engagement['id']}", engagement["version"])
    assert r.status_code == 204, r.text
    assert (await prog.get(f"/engagements/{engagement['id']}")).status_code == 404
