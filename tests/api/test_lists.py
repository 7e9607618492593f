"""Lists: pagination with a total, text search, date-range overlap and per-record filters."""

from __future__ import annotations

import pytest

from tests.factories import paris


def ids(page):
    return [item["id"] for item in page["items"]]


async def test_pages_cover_everything_once_with_the_total(admin):
    made = [await admin.create("/organisations", {"name": f"Compagnie {i:02d}"}) for i in range(23)]
    seen = []
    for offset in (0, 10, 20):
        page = (await admin.get("/organisations", params={"limit": 10, "offset": offset})).json()
        assert page["total"] == 23
        assert page["limit"] == 10 and page["offset"] == offset
        seen += ids(page)
    assert len(seen) == 23
    assert sorted(seen) == sorted(o["id"] for o in made)
    names = [o["name"] for o in made]
    everything = (await admin.get("/organisations")).json()
    assert [o["name"] for o in everything["items"]] == sorted(names)  # ordered by name
    past_the_end = (await admin.get("/organisations", params={"offset": 50})).json()
    assert past_the_end["items"] == [] and past_the_end["total"] == 23


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 10_001}, "limit"),
        ({"limit": "dix"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"start": "hier"}, "start"),
        ({"end": "2026-02-30T10:00:00"}, "end"),
        ({"room_id": "grande-salle"}, "room_id"),
        ({"kind": "apéro"}, "kind"),
        ({"start": "2026-10-06T00:00:00+02:00", "end": "2026-10-05T00:00:00+02:00"}, "end"),
    ],
)
async def test_bad_list_parameters_are_422(admin, params, field):
    r = await admin.get("/activities", params=params)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]


async def test_the_largest_page_is_allowed(admin):
    assert (await admin.get("/activities", params={"limit": 10_000})).status_code == 200


async def test_text_search_ignores_case_and_accents_of_wildcards(admin):
    await admin.create("/organisations", {"name": "Compagnie Éclat", "city": "Grenoble"})
    await admin.create("/organisations", {"name": "Les Tréteaux", "city": "Lyon"})
    await admin.create("/organisations", {"name": "100% Danse", "city": "Lille"})

    def names(page):
        return sorted(o["name"] for o in page["items"])

    found = (await admin.get("/organisations", params={"q": "éclat"})).json()
    assert names(found) == ["Compagnie Éclat"]
    by_city = (await admin.get("/organisations", params={"q": "LYON"})).json()
    assert names(by_city) == ["Les Tréteaux"]
    percent = (await admin.get("/organisations", params={"q": "%"})).json()
    assert names(percent) == ["100% Danse"]  # a literal %, not "anything"
    underscore = (await admin.get("/organisations", params={"q": "_"})).json()
    assert underscore["total"] == 0
    too_long = await admin.get("/organisations", params={"q": "x" * 201})
    assert too_long.status_code == 422


@pytest.fixture
async def day(admin, season):
    """Four activities on 12 October around the afternoon, in two rooms."""
    room, studio = season["room"], season["studio"]

    async def make(kind, title, room_id, start, end, **extra):
        return await admin.create(
            "/activities",
            {
                "kind": kind,
                "title": title,
                "room_id": room_id,
                "starts_at": paris("2026-10-12", start),
                "ends_at": paris("2026-10-12", end),
                **extra,
            },
        )

    return {
        "morning": await make("get_in", "Montage", room["id"], "08:00", "12:00"),
        "across": await make("rehearsal", "Répétition", room["id"], "13:00", "16:00"),
        "studio": await make(
            "meeting", "Réunion", studio["id"], "14:30", "15:00", status="tentative"
        ),
        "evening": await make(
            "technical_service",
            "Service",
            studio["id"],
            "18:00",
            "23:00",
            show_id=season["show"]["id"],
        ),
    }


async def test_date_range_returns_what_overlaps_it(admin, day):
    window = {"start": paris("2026-10-12", "14:00"), "end": paris("2026-10-12", "18:00")}
    page = (await admin.get("/activities", params=window)).json()
    assert sorted(ids(page)) == sorted([day["across"]["id"], day["studio"]["id"]])
    assert page["total"] == 2


async def test_date_range_is_half_open(admin, day):
    """Something ending exactly when the window starts is not in it, nor one starting at its end."""
    window = {"start": paris("2026-10-12", "12:00"), "end": paris("2026-10-12", "13:00")}
    assert (await admin.get("/activities", params=window)).json()["items"] == []


async def test_date_range_with_one_bound(admin, day, season):
    after = (await admin.get("/activities", params={"start": paris("2026-10-12", "17:00")})).json()
    assert ids(after) == [day["evening"]["id"]]
    before = (await admin.get("/activities", params={"end": paris("2026-10-12", "09:00")})).json()
    assert ids(before) == [
        season["activity"]["id"],
        season["performance"]["id"],
        day["morning"]["id"],
    ]


async def test_times_without_offset_are_the_venue_s_local_time(admin, day):
    page = (
        await admin.get(
            "/activities", params={"start": "2026-10-12T14:00:00", "end": "2026-10-12T18:00:00"}
        )
    ).json()
    assert page["total"] == 2
    mixed = await admin.get(
        "/activities",
        params={"start": "2026-10-12T14:00:00", "end": paris("2026-10-12", "18:00")},
    )
    assert mixed.status_code == 200 and mixed.json()["total"] == 2


async def test_filters_by_room_kind_status_and_show(admin, season, day):
    async def listed(**params):
        return sorted(ids((await admin.get("/activities", params=params)).json()))

    window = {"start": paris("2026-10-12", "00:00"), "end": paris("2026-10-13", "00:00")}
    assert await listed(room_id=season["studio"]["id"], **window) == sorted(
        [day["studio"]["id"], day["evening"]["id"]]
    )
    assert await listed(kind="rehearsal") == [day["across"]["id"]]
    assert await listed(status="tentative") == [day["studio"]["id"]]
    assert await listed(show_id=season["show"]["id"], **window) == [day["evening"]["id"]]
    assert await listed(kind="performance") == [season["performance"]["id"]]
    assert await listed(room_id=season["room"]["id"], kind="get_in") == sorted(
        [season["activity"]["id"], day["morning"]["id"]]
    )
    assert await listed(q="répét") == [day["across"]["id"]]
    assert await listed(room_id=987654) == []


async def test_engagements_filter_by_status_show_and_room(admin, season):
    option = await admin.create(
        "/engagements",
        {
            "show_id": season["show"]["id"],
            "room_id": season["studio"]["id"],
            "first_day": "2026-12-01",
            "last_day": "2026-12-03",
        },
    )

    async def listed(**params):
        return sorted(ids((await admin.get("/engagements", params=params)).json()))

    assert await listed(status="option") == [option["id"]]
    assert await listed(status="confirmed") == [season["engagement"]["id"]]
    assert await listed(room_id=season["studio"]["id"]) == [option["id"]]
    assert await listed(show_id=season["show"]["id"]) == sorted(
        [option["id"], season["engagement"]["id"]]
    )


async def test_engagements_in_a_date_range(admin, season):
    """The season's engagement runs 6–8 October (whole days)."""

    async def total(start, end):
        params = {"start": paris(*start), "end": paris(*end)}
        return (await admin.get("/engagements", params=params)).json()["total"]

    assert await total(("2026-10-01", "00:00"), ("2026-10-06", "00:00")) == 0
    assert await total(("2026-10-07", "00:00"), ("2026-10-08", "00:00")) == 1
    assert await total(("2026-10-09", "00:00"), ("2026-10-10", "00:00")) == 0


async def test_an_engagement_is_in_a_window_that_starts_during_its_last_day(admin, season):
    params = {"start": paris("2026-10-08", "12:00"), "end": paris("2026-10-09", "00:00")}
    page = (await admin.get("/engagements", params=params)).json()
    assert ids(page) == [season["engagement"]["id"]]


async def test_a_plain_day_is_a_bound_on_every_list_as_on_the_timeline(admin, day, season):
    """``start=2026-10-12`` means that day's midnight in the venue's zone."""
    page = (
        await admin.get("/activities", params={"start": "2026-10-12", "end": "2026-10-13"})
    ).json()
    assert sorted(ids(page)) == sorted(a["id"] for a in day.values())
    timeline = await admin.get("/timeline", params={"start": "2026-10-12", "end": "2026-10-13"})
    assert sorted(a["id"] for a in timeline.json()["activities"]) == sorted(ids(page))
    engagements = await admin.get("/engagements", params={"start": "2026-10-08"})
    assert ids(engagements.json()) == [season["engagement"]["id"]]
    performances = await admin.get(
        "/performances", params={"start": "2026-10-06", "end": "2026-10-07"}
    )
    assert ids(performances.json()) == [season["performance"]["id"]]
    changes = await admin.get("/changes", params={"start": "2020-01-01", "end": "2100-01-01"})
    assert changes.status_code == 200 and changes.json()["items"]


async def test_every_list_with_bounds_takes_a_plain_day(admin, in_process):
    document = (await admin.http.get(in_process.url + "/schema/openapi.json")).json()
    lists = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations and "{" not in path
        and {"start", "end"} <= {p["name"] for p in operations["get"].get("parameters", [])}
    ]  # fmt: skip
    assert len(lists) >= 5, lists
    for path in lists:
        r = await admin.get(
            path.removeprefix("/api/v1"), params={"start": "2026-10-06", "end": "2026-10-07"}
        )
        assert r.status_code == 200, (path, r.text)


async def test_updated_since_lists_what_was_created_or_changed_since(admin, season):
    assert (await admin.get("/shows")).json()["total"] == 1
    made = await admin.create("/shows", {"title": "Bérénice"})
    show = season["show"]
    await admin.patch(f"/shows/{show['id']}", {"genre": "tragédie"}, version=show["version"])
    cutoff = made["created_at"]
    changed = (await admin.get("/shows", params={"updated_since": cutoff})).json()
    assert sorted(ids(changed)) == sorted([made["id"], show["id"]])
    assert changed["total"] == 2
    untouched = (await admin.get("/contacts", params={"updated_since": cutoff})).json()
    assert untouched["items"] == [] and untouched["total"] == 0
    # A day works too, and a time without offset is the venue's.
    assert (await admin.get("/shows", params={"updated_since": "2000-01-01"})).json()["total"] == 2
    future = await admin.get("/shows", params={"updated_since": "2100-01-01T00:00"})
    assert future.json()["total"] == 0
    bad = await admin.get("/shows", params={"updated_since": "hier"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "updated_since"


async def test_every_record_list_takes_updated_since(admin, in_process):
    document = (await admin.http.get(in_process.url + "/schema/openapi.json")).json()
    lists = [
        (path, operation["get"])
        for path, operation in document["paths"].items()
        if "get" in operation and "{" not in path and path != "/api/v1/changes"
        and {"limit", "offset"} <= {p["name"] for p in operation["get"].get("parameters", [])}
    ]  # fmt: skip
    assert len(lists) >= 15
    for path, operation in lists:
        names = {p["name"] for p in operation.get("parameters", [])}
        assert "updated_since" in names, path


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/activities", {"updated_sinse": "2026-10-01"}),
        ("/engagements", {"show": "1"}),
        ("/shows", {"limit": "5", "sort": "title"}),
        ("/changes", {"changed_since": "2026-10-01"}),
        ("/timeline", {"start": "2026-10-06", "end": "2026-10-07", "room": "1"}),
        ("/auth/me", {"x": "1"}),
    ],
)
async def test_an_unknown_query_parameter_is_named_not_ignored(admin, path, params):
    r = await admin.get(path, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    known = {"limit", "start", "end"}
    assert [e["field"] for e in r.json()["errors"]] == [k for k in params if k not in known]


@pytest.mark.parametrize(
    ("path", "field", "made", "expected"),
    [
        (
            "/organisations",
            "name",
            ["Compagnie Sémaphore", "compagnie Abricot", "Compagnie du Hérisson"],
            ["compagnie Abricot", "Compagnie du Hérisson", "Compagnie Sémaphore"],
        ),
        ("/venues", "name", ["Zénith", "Éclat", "arche"], ["arche", "Éclat", "Zénith"]),
        ("/shows", "title", ["Zoé", "Étoiles", "amours"], ["amours", "Étoiles", "Zoé"]),
        ("/places", "name", ["Zola", "Église", "atelier"], ["atelier", "Église", "Zola"]),
    ],
)
async def test_names_are_sorted_as_french_readers_expect(admin, path, field, made, expected):
    """Accents and case do not decide the order ("du Hérisson" before "Sémaphore")."""
    for name in made:
        await admin.create(path, {field: name})
    listed = [item[field] for item in (await admin.get(path)).json()["items"]]
    assert [name for name in listed if name in made] == expected


async def test_contacts_are_sorted_by_last_name_as_french_readers_expect(admin):
    for first, last in [("Zoé", "Durand"), ("Léa", "Émery"), ("Marc", "dupont"), ("Ana", "Martin")]:
        await admin.create("/contacts", {"first_name": first, "last_name": last})
    listed = [c["last_name"] for c in (await admin.get("/contacts")).json()["items"]]
    assert listed == ["dupont", "Durand", "Émery", "Martin"]
