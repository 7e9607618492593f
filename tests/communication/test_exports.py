"""The public feeds: published confirmed performances only, public fields only, cacheable."""

from __future__ import annotations

import json

from icalendar import Calendar

FEEDS = ("/public/events.jsonld", "/public/openagenda.json", "/public/events.ics")
# What the season's people and contract hold: none of it may reach the public.
SECRETS = (
    "lea@eclat.fr",
    "diffusion@eclat.fr",
    "06 12 34 56 78",
    "+33 4 76 00 11 22",
    "8500",
    "Contrat de cession",
    "note interne",
    "Léa",
    "Martin",
)


async def test_json_ld_lists_published_confirmed_performances_as_schema_org_events(
    public, in_process
):
    async with in_process.client() as anonymous:
        r = await anonymous.get("/public/events.jsonld")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/ld+json")
    document = json.loads(r.content)
    assert document["@context"] == "https://schema.org"
    events = document["@graph"]
    # The option, the draft and the performance cancelled in the planning only are not there.
    assert [(e["name"], e["startDate"]) for e in events] == [
        ("Phèdre", "2026-10-06T20:00:00+02:00"),
        ("Phèdre", "2026-10-07T20:00:00+02:00"),
    ]
    first, cancelled = events
    assert first["@type"] == "TheaterEvent"
    assert first["endDate"] == "2026-10-06T22:00:00+02:00"
    assert first["eventStatus"] == "https://schema.org/EventScheduled"
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert first["location"]["@type"] == "Place"
    assert first["location"]["name"] == "Grande salle, Théâtre de la Halle"
    assert first["location"]["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "2 place du Marché",
        "addressLocality": "Lyon",
        "addressCountry": "FR",
    }
    assert first["performer"] == {"@type": "PerformingGroup", "name": "Compagnie Éclat"}
    assert first["organizer"]["@type"] == "Organization" and first["organizer"]["name"]
    assert first["description"].startswith("Racine")
    assert first["inLanguage"] == "fr"
    assert [(o["name"], o["price"], o["priceCurrency"], o["url"]) for o in first["offers"]] == [
        ("Plein tarif", "22.00", "EUR", "https://billetterie.example.org/phedre"),
        ("Réduit", "15.00", "EUR", "https://billetterie.example.org/phedre"),
    ]
    for secret in SECRETS:
        assert secret not in r.text, secret

    async with in_process.client() as anonymous:
        english = json.loads((await anonymous.get("/public/events.jsonld?language=en")).content)
    assert english["@graph"][0]["name"] == "Phaedra"
    assert english["@graph"][0]["description"].startswith("Racine's")


async def test_openagenda_export_has_its_shape_and_offsets(public, in_process):
    async with in_process.client() as anonymous:
        r = await anonymous.get("/public/openagenda.json")
    assert r.status_code == 200
    document = r.json()
    assert document["total"] == 1
    (event,) = document["events"]
    assert event["uid"]
    assert event["title"] == {"fr": "Phèdre", "en": "Phaedra"}
    assert event["description"]["fr"].startswith("Racine")
    assert event["longDescription"]["fr"].startswith("Phèdre aime")
    assert event["keywords"] == {"fr": ["théâtre", "classique"]}
    assert event["registration"] == [
        {"type": "link", "value": "https://billetterie.example.org/phedre"}
    ]
    # Audio description is for visually impaired people, a wheelchair for motor impairment.
    assert event["accessibility"]["vi"] is True and event["accessibility"]["mi"] is True
    assert event["accessibility"]["hi"] is False
    assert event["age"] == {"min": 14, "max": None}
    assert event["attendanceMode"] == 1
    assert event["timezone"] == "Europe/Paris"
    assert event["status"] == 1
    assert event["location"]["city"] == "Lyon"
    # The cancelled performance is not a timing; times carry the venue's offset.
    assert event["timings"] == [
        {"begin": "2026-10-06T20:00:00+0200", "end": "2026-10-06T22:00:00+0200"}
    ]
    for secret in SECRETS:
        assert secret not in r.text, secret


async def test_public_ics_parses_and_carries_public_fields_only(public, in_process):
    async with in_process.client() as anonymous:
        r = await anonymous.get("/public/events.ics", params={"nocache": "123"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(r.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Phèdre — Compagnie Éclat"] * 2
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    start = events[0].decoded("DTSTART")
    assert start.isoformat() == "2026-10-06T20:00:00+02:00"
    assert str(events[0]["DTSTART"].params["TZID"]) == "Europe/Paris"
    assert "Grande salle" in str(events[0]["LOCATION"])
    assert str(events[0]["URL"]) == "https://billetterie.example.org/phedre"
    assert list(calendar.walk("VTIMEZONE"))
    text = r.content.decode().replace("\r\n ", "")
    for secret in SECRETS:
        assert secret not in text, secret


async def test_feeds_revalidate_and_change_when_published_content_does(public, people, in_process):
    com = people["communication"]
    async with in_process.client() as anonymous:
        for path in FEEDS:
            r = await anonymous.get(path)
            etag, modified = r.headers["etag"], r.headers["last-modified"]
            assert "max-age" in r.headers["cache-control"]
            again = await anonymous.get(path, headers={"If-None-Match": etag})
            assert again.status_code == 304 and again.content == b""
            since = await anonymous.get(path, headers={"If-Modified-Since": modified})
            assert since.status_code == 304

        before = {path: (await anonymous.get(path)).headers["etag"] for path in FEEDS}
        publication = public["publication"]
        r = await com.patch(
            f"/show-publications/{publication['id']}",
            {"title_fr": "Phèdre, reprise"},
            publication["version"],
        )
        assert r.status_code == 200
        for path in FEEDS:
            r = await anonymous.get(path, headers={"If-None-Match": before[path]})
            assert r.status_code == 200 and "reprise" in r.content.decode().replace("\r\n ", "")

        # Unpublished: the show leaves every feed.
        r = await com.patch(
            f"/show-publications/{publication['id']}",
            {"published": False},
            publication["version"] + 1,
        )
        assert r.status_code == 200, r.text
        document = json.loads((await anonymous.get("/public/events.jsonld")).content)
        assert document["@graph"] == []
        assert (await anonymous.get("/public/openagenda.json")).json()["events"] == []
