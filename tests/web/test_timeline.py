"""The season timeline in a browser: booking by selecting, moving by dragging, refusals
explained in the venue's time, readers who cannot change anything, links that keep the view.

The browser's clock is in Montréal (see conftest): every time asserted here is Paris time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from tests.web.conftest import (
    THURSDAY,
    OpenPage,
    block,
    drag,
    drag_block,
    row_middle,
    row_span,
    time_x,
    timeline_ready,
)

PARIS = ZoneInfo("Europe/Paris")
DAY = f"/planning?view=day&date={THURSDAY}"


def paris_wall(instant: str) -> str:
    return datetime.fromisoformat(instant).astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


async def open_day(open_page: OpenPage, email: str) -> Page:
    page = await open_page(email, DAY)
    await timeline_ready(page)
    await expect(page.get_by_role("heading", name="jeu. 14 janv. 2027")).to_be_visible()
    return page


async def test_blocks_show_kinds_options_and_venue_times(open_page: OpenPage, stage, people):
    page = await open_page("technique@test.saison", f"/planning?view=week&date={THURSDAY}")
    await timeline_ready(page)
    rehearsal = block(page, "Raccord lumière")
    await expect(rehearsal).to_have_class(re.compile(r"\bk-rehearsal\b.*\bsa-confirmed\b"))
    await expect(rehearsal.locator(".sa-when")).to_have_text("10 h 00 – 12 h 00")
    # The option is hatched and says its rank; its time is the venue's, not Montréal's.
    option = block(page, "Phèdre")
    await expect(option).to_have_class(re.compile(r"\bsa-option\b"))
    await expect(option.locator(".sa-rank")).to_have_text("option 1")
    await expect(option.locator(".sa-when")).to_have_text("20 h 30 – 22 h 30")
    # Rooms are rows, under their venue.
    await expect(page.locator(".ec-body .sa-venue")).to_have_text(["Théâtre de la Halle"])
    await expect(page.locator(".ec-body .sa-room")).to_have_text(["Grande salle", "Studio"])


async def test_book_by_selecting_free_time(open_page: OpenPage, stage, people, admin):
    page = await open_day(open_page, "technique@test.saison")
    y = await row_middle(page, "Studio")
    start = await time_x(page, f"{THURSDAY}T14:00:00")
    end = await time_x(page, f"{THURSDAY}T17:00:00")
    await drag(page, start + 3, y, end - 3, y)

    form = page.get_by_role("dialog", name="Réserver Studio")
    await expect(form).to_be_visible()
    await expect(form.locator(".when")).to_have_text("jeu. 14 janv. 2027, 14 h 00 – 17 h 00")
    await form.get_by_label("Type").select_option("rehearsal")
    await form.get_by_label("Intitulé").fill("Raccord son")
    await form.get_by_label("Intitulé").press("Enter")

    await expect(form).to_be_hidden()
    await expect(page.get_by_test_id("notice-success")).to_contain_text(
        "« Raccord son » réservé : Studio, jeu. 14 janv. 2027, 14 h 00 – 17 h 00."
    )
    await expect(block(page, "Raccord son")).to_be_visible()
    top, bottom = await row_span(page, "Studio")
    box = await block(page, "Raccord son").bounding_box()
    assert box and top <= box["y"] + box["height"] / 2 <= bottom

    found = (await admin.get("/activities", params={"q": "Raccord son"})).json()["items"]
    assert len(found) == 1
    booked = found[0]
    assert booked["room_id"] == stage["studio"]["id"] and booked["kind"] == "rehearsal"
    assert paris_wall(booked["starts_at"]) == "2027-01-14 14:00"
    assert paris_wall(booked["ends_at"]) == "2027-01-14 17:00"
    assert booked["team_id"] == people["technique"].user["team_ids"][0]


async def test_a_refused_booking_keeps_what_was_typed(open_page: OpenPage, stage, people, admin):
    page = await open_day(open_page, "technique@test.saison")
    y = await row_middle(page, "Studio")
    start = await time_x(page, f"{THURSDAY}T12:00:00")
    end = await time_x(page, f"{THURSDAY}T14:00:00")
    await drag(page, start + 3, y, end - 3, y)

    form = page.get_by_role("dialog", name="Réserver Studio")
    await form.get_by_label("Intitulé").fill("Filage")
    # An hour earlier: into the rehearsal that holds the Studio until noon.
    await form.get_by_label("Début").fill(f"{THURSDAY}T11:00")
    await form.get_by_label("Fin").fill(f"{THURSDAY}T13:00")
    await form.get_by_label("Notes").fill("Prévoir la régie son")
    await form.get_by_role("button", name="Réserver").click()

    await expect(form.get_by_role("alert")).to_have_text(
        "Studio : créneau déjà pris par « Répétition — Lac Gelé », "
        "jeu. 14 janv. 2027, 10 h 00 – 12 h 00."
    )
    await expect(form.get_by_label("Intitulé")).to_have_value("Filage")
    await expect(form.get_by_label("Notes")).to_have_value("Prévoir la régie son")
    await expect(block(page, "Filage")).to_have_count(0)  # the provisional block went away

    # Another time, and the same words are booked.
    await form.get_by_label("Début").fill(f"{THURSDAY}T14:00")
    await form.get_by_label("Fin").fill(f"{THURSDAY}T16:00")
    await form.get_by_role("button", name="Réserver").click()
    await expect(form).to_be_hidden()
    found = (await admin.get("/activities", params={"q": "Filage"})).json()["items"]
    assert [a["notes"] for a in found] == ["Prévoir la régie son"]


async def test_move_by_dragging_to_another_room(open_page: OpenPage, stage, people, admin):
    page = await open_day(open_page, "technique@test.saison")
    # Down to the Studio (held until noon by another rehearsal) and on to the afternoon.
    box = await block(page, "Raccord lumière").bounding_box()
    assert box
    grab = box["x"] + 12 - await time_x(page, f"{THURSDAY}T10:00:00")
    to_x = await time_x(page, f"{THURSDAY}T14:00:00") + grab
    await drag_block(page, "Raccord lumière", to_x, await row_middle(page, "Studio"))

    await expect(page.get_by_test_id("notice-success")).to_have_text(
        "« Raccord lumière » déplacé : Studio, jeu. 14 janv. 2027, 14 h 00 – 16 h 00."
    )
    moved = (await admin.get(f"/activities/{stage['mover']['id']}")).json()
    assert moved["room_id"] == stage["studio"]["id"] and moved["version"] == 2
    assert paris_wall(moved["starts_at"]) == "2027-01-14 14:00"
    assert paris_wall(moved["ends_at"]) == "2027-01-14 16:00"
    top, bottom = await row_span(page, "Studio")
    box = await block(page, "Raccord lumière").bounding_box()
    assert box and top <= box["y"] + box["height"] / 2 <= bottom


async def test_a_drag_onto_a_booked_slot_is_refused_reverted_and_explained(
    open_page: OpenPage, stage, people, admin
):
    page = await open_day(open_page, "technique@test.saison")
    await drag_block(page, "Raccord lumière", None, await row_middle(page, "Studio"))

    await expect(page.get_by_test_id("notice-error")).to_have_text(
        "Studio : créneau déjà pris par « Répétition — Lac Gelé », "
        "jeu. 14 janv. 2027, 10 h 00 – 12 h 00."
    )
    # Back where the server has it.
    top, bottom = await row_span(page, "Grande salle")
    box = await block(page, "Raccord lumière").bounding_box()
    assert box and top <= box["y"] + box["height"] / 2 <= bottom
    unchanged = (await admin.get(f"/activities/{stage['mover']['id']}")).json()
    assert unchanged["room_id"] == stage["grande"]["id"] and unchanged["version"] == 1


async def test_a_block_changed_meanwhile_is_reloaded_and_explained(
    open_page: OpenPage, stage, people, admin
):
    # A page that has not heard of the change (its live update is still on the way).
    page = await open_page("technique@test.saison", "about:blank")
    await page.route_web_socket("**/api/v1/live", lambda socket: None)
    await page.goto(DAY)
    await timeline_ready(page)
    mover = stage["mover"]
    renamed = await admin.patch(
        f"/activities/{mover['id']}", {"title": "Raccord lumière et son"}, version=1
    )
    assert renamed.status_code == 200

    later = await time_x(page, f"{THURSDAY}T15:00:00")
    await drag_block(page, "Raccord lumière", later, await row_middle(page, "Grande salle"))

    await expect(page.get_by_test_id("notice-error")).to_contain_text(
        "« Raccord lumière » a été modifié par quelqu’un d’autre entre-temps"
    )
    await expect(block(page, "Raccord lumière et son").locator(".sa-when")).to_have_text(
        "10 h 00 – 12 h 00"
    )
    current = (await admin.get(f"/activities/{mover['id']}")).json()
    assert current["version"] == 2 and paris_wall(current["starts_at"]) == "2027-01-14 10:00"


async def test_a_reader_cannot_drag_or_book(open_page: OpenPage, stage, people, admin):
    page = await open_day(open_page, "communication@test.saison")
    await expect(page.get_by_role("note")).to_have_text(
        "Lecture seule : vous pouvez consulter le planning sans le modifier."
    )
    writes: list[str] = []
    page.on("request", lambda r: r.method != "GET" and writes.append(f"{r.method} {r.url}"))

    await drag_block(page, "Raccord lumière", None, await row_middle(page, "Studio"))
    y = await row_middle(page, "Studio")
    await drag(
        page,
        await time_x(page, f"{THURSDAY}T14:00:00") + 3,
        y,
        await time_x(page, f"{THURSDAY}T16:00:00") - 3,
        y,
    )
    await page.wait_for_timeout(300)

    await expect(page.get_by_role("dialog")).to_have_count(0)
    top, bottom = await row_span(page, "Grande salle")
    box = await block(page, "Raccord lumière").bounding_box()
    assert box and top <= box["y"] + box["height"] / 2 <= bottom
    assert writes == []
    assert (await admin.get(f"/activities/{stage['mover']['id']}")).json()["version"] == 1


async def test_the_address_keeps_view_date_and_filters(open_page: OpenPage, stage, people):
    studio = stage["studio"]["id"]
    page = await open_page(
        "technique@test.saison", f"/planning?view=week&date={THURSDAY}&kinds=rehearsal"
    )
    await timeline_ready(page)
    await expect(page.get_by_role("button", name="Semaine")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(block(page, "Raccord lumière")).to_be_visible()
    await expect(block(page, "Phèdre")).to_have_count(0)  # a performance, filtered out

    await page.get_by_role("button", name="Mois").click()
    await expect(page.get_by_role("heading", name="Janvier 2027")).to_be_visible()
    assert (
        "view=month" in page.url
        and f"date={THURSDAY}" in page.url
        and "kinds=rehearsal" in page.url
    )

    await page.get_by_text("Salles", exact=True).click()
    await page.get_by_role("checkbox", name="Studio").check()
    await page.get_by_role("checkbox", name="Options seulement").check()
    await expect(page).to_have_url(re.compile(rf"rooms={studio}.*options=1"))

    # The link shows a colleague the same thing.
    await page.reload()
    await timeline_ready(page)
    await expect(page.get_by_role("button", name="Mois")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_role("checkbox", name="Options seulement")).to_be_checked()
    await expect(page.locator(".ec-body .sa-room")).to_have_text(["Studio"])

    await page.go_back()
    await expect(
        page.get_by_role("heading", name="Semaine du 11 janv. au dim. 17 janv. 2027")
    ).to_be_visible()


async def test_the_season_at_a_glance_opens_a_week(open_page: OpenPage, stage, people):
    # Programmers land on the whole season.
    page = await open_page("programmation@test.saison", f"/planning?date={THURSDAY}")
    await expect(page.get_by_role("heading", name="Saison 2026–2027")).to_be_visible()
    assert "view=season" in page.url
    grande = page.locator(f'svg[data-room="{stage["grande"]["id"]}"]')
    await expect(grande.locator('g.day[data-day="2027-01-14"] rect.used')).to_have_count(1)
    await expect(grande.locator('g.day[data-day="2027-01-15"] rect.option')).to_have_count(1)
    await expect(grande.locator('g.day[data-day="2027-01-15"] title')).to_contain_text("option 1")

    await grande.locator('g.day[data-day="2027-01-14"]').click()
    await expect(
        page.get_by_role("heading", name="Semaine du 11 janv. au dim. 17 janv. 2027")
    ).to_be_visible()
    assert "view=week" in page.url


async def test_only_the_visible_window_is_loaded_and_revalidated(
    open_page: OpenPage, stage, people
):
    page = await open_page("technique@test.saison", f"/planning?view=week&date={THURSDAY}")
    await timeline_ready(page)
    asked: list[tuple[str, int, str | None]] = []

    def seen(response) -> None:
        if "/api/v1/timeline" in response.url:
            asked.append(
                (response.url, response.status, response.request.headers.get("if-none-match"))
            )

    page.on("response", seen)

    def timeline_of(week: str) -> Callable[[Any], bool]:
        return lambda response: f"/api/v1/timeline?start={week}" in response.url

    # The heading follows the address at once and the blocks shown stay while the next window
    # loads: wait for each answer, not only for what is on screen (a busy machine is slow).
    async with page.expect_response(timeline_of("2027-01-18")):
        await page.get_by_role("button", name="Suivant").click()
    await expect(
        page.get_by_role("heading", name=re.compile("Semaine du 18 janv."))
    ).to_be_visible()
    async with page.expect_response(timeline_of("2027-01-11")):
        await page.get_by_role("button", name="Précédent").click()
    await expect(
        page.get_by_role("heading", name=re.compile("Semaine du 11 janv."))
    ).to_be_visible()
    await expect(block(page, "Raccord lumière")).to_be_visible()

    assert [(url.split("?")[1], status) for url, status, _ in asked] == [
        ("start=2027-01-18&end=2027-01-25", 200),
        ("start=2027-01-11&end=2027-01-18", 304),  # nothing changed: nothing sent again
    ]
    assert asked[1][2]  # asked with the ETag of the first answer


async def test_filters_by_show_team_and_mine(open_page: OpenPage, stage, people, admin):
    technique = people["technique"].user
    team = technique["team_ids"][0]
    for title, hours, extra in (
        ("Service équipe technique", ("14", "16"), {"team_id": team}),
        ("Service confié à Technique", ("16", "18"), {"assignee_ids": [technique["id"]]}),
    ):
        await admin.create(
            "/activities",
            {
                "kind": "technical_service",
                "title": title,
                "room_id": stage["grande"]["id"],
                "starts_at": f"{THURSDAY}T{hours[0]}:00:00+01:00",
                "ends_at": f"{THURSDAY}T{hours[1]}:00:00+01:00",
                **extra,
            },
        )
    page = await open_page("technique@test.saison", f"/planning?view=week&date={THURSDAY}&mine=1")
    await timeline_ready(page)
    titles = page.locator(".ec-event.sa-block .sa-title")
    await expect(titles).to_have_text(
        ["Service équipe technique", "Service confié à Technique"], timeout=5000
    )

    await page.get_by_role("checkbox", name="Mon planning").uncheck()
    await page.get_by_text("Spectacles", exact=True).click()
    await page.get_by_role("checkbox", name="Phèdre").check()
    await expect(page).to_have_url(re.compile(rf"shows={stage['show']['id']}"))
    await expect(titles).to_have_text(["Phèdre"])


async def test_resize_by_dragging_the_end(open_page: OpenPage, stage, people, admin):
    page = await open_day(open_page, "technique@test.saison")
    rehearsal = block(page, "Raccord lumière")
    await rehearsal.hover()
    handle = await rehearsal.locator(".ec-resizer").bounding_box()
    assert handle
    y = handle["y"] + handle["height"] / 2
    end = await time_x(page, f"{THURSDAY}T13:00:00") - 3  # in the quarter ending at 13 h
    await drag(page, handle["x"] + handle["width"] / 2, y, end, y)

    await expect(page.get_by_test_id("notice-success")).to_have_text(
        "« Raccord lumière » : jeu. 14 janv. 2027, 10 h 00 – 13 h 00."
    )
    longer = (await admin.get(f"/activities/{stage['mover']['id']}")).json()
    assert paris_wall(longer["ends_at"]) == "2027-01-14 13:00"
