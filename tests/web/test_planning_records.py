"""An activity's page in a browser: opened from the timeline, changed in place (the timeline then
shows it), a room clash said with its holder, people assigned (and then found in their own
calendar), a repeating activity's rule in words; and record pages that follow others' changes
live, without a reload, keeping the form of whoever is editing.

The browser's clock is in Montréal (see conftest): every time asserted here is Paris time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from tests.calendar_bridge.conftest import events_of
from tests.conftest import Api
from tests.web.conftest import THURSDAY, OpenPage, block, timeline_ready, winter

PARIS = ZoneInfo("Europe/Paris")


def activity_page(activity: dict[str, Any]) -> str:
    return f"/planning/activites/{activity['id']}"


def clock_now() -> re.Pattern[str]:
    """The time said for a change made just now: "14 h 05" in Paris (or the minute before)."""
    now = datetime.now(PARIS)
    before = now - timedelta(minutes=1)
    return re.compile(rf"à ({before.hour} h {before.minute:02d}|{now.hour} h {now.minute:02d})$")


async def summaries(server_url: str, feed_url: str) -> set[str]:
    async with httpx.AsyncClient(base_url=server_url) as http:
        served = await http.get("/ics/" + feed_url.split("/ics/", 1)[1])
    assert served.status_code == 200, served.text
    return {str(event["SUMMARY"]) for event in events_of(served.content)}


async def test_an_activity_opened_from_the_timeline_is_changed_in_place(
    open_page: OpenPage, stage, admin: Api
):
    mover = stage["mover"]
    page = await open_page("technique@test.saison", f"/planning?view=week&date={THURSDAY}")
    await timeline_ready(page)

    # A block of an engagement links to the engagement's page too.
    await block(page, "Phèdre").click()
    details = page.get_by_role("dialog", name="Phèdre")
    await expect(details.get_by_role("link", name="Ouvrir l’exploitation")).to_have_attribute(
        "href", f"/programmation/exploitations/{stage['option']['id']}"
    )
    await details.get_by_role("button", name="Fermer").click()

    await block(page, "Raccord lumière").click()
    details = page.get_by_role("dialog", name="Raccord lumière")
    await expect(details.get_by_role("link", name="Ouvrir l’exploitation")).to_have_count(0)
    await details.get_by_role("link", name="Ouvrir la fiche").click()
    await expect(page).to_have_url(re.compile(rf"/planning/activites/{mover['id']}$"))
    await expect(page.get_by_role("heading", name="Raccord lumière", level=1)).to_be_visible()
    card = page.get_by_role("region", name="Fiche")
    await expect(card).to_contain_text("Répétition")
    await expect(card).to_contain_text("Grande salle")
    await expect(card).to_contain_text("jeu. 14 janv. 2027, 12 h 00")  # its end, Paris time
    # Still the planning in the top bar, listed once.
    bar = page.get_by_role("navigation", name="Saison")
    await expect(bar.get_by_role("link", name="Planning", exact=True)).to_have_count(1)
    await expect(bar.get_by_role("link", name="Planning", exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    # Into the Studio, which the other rehearsal holds: refused, said as the timeline says it,
    # and what was typed stays.
    await page.get_by_role("button", name="Modifier").click()
    await page.get_by_label("Salle", exact=True).select_option(label="Studio")
    await page.get_by_label("Fin").fill(f"{THURSDAY}T13:00")
    await page.get_by_label("Fin").press("Enter")
    form = page.locator("form")
    await expect(form.get_by_role("alert")).to_have_text(
        "Studio : créneau déjà pris par « Répétition — Lac Gelé », "
        "jeu. 14 janv. 2027, 10 h 00 – 12 h 00."
    )
    await expect(page.get_by_label("Fin")).to_have_value(f"{THURSDAY}T13:00")
    assert (await admin.get(f"/activities/{mover['id']}")).json()["version"] == mover["version"]

    # Its own room, one hour later: saved.
    await page.get_by_label("Salle", exact=True).select_option(label="Grande salle")
    await page.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_text("Modifications enregistrées.")).to_be_visible()
    await expect(card).to_contain_text("jeu. 14 janv. 2027, 13 h 00")
    saved = (await admin.get(f"/activities/{mover['id']}")).json()
    assert saved["ends_at"] == winter(THURSDAY, "13:00")
    assert saved["room_id"] == stage["grande"]["id"]

    # The timeline shows the new end.
    await page.get_by_role("link", name="Voir dans le planning").click()
    await timeline_ready(page)
    await expect(block(page, "Raccord lumière").locator(".sa-when")).to_have_text(
        "10 h 00 – 13 h 00"
    )


async def test_a_person_assigned_on_the_page_finds_it_in_their_own_calendar(
    open_page: OpenPage, stage, people: dict[str, Api], admin: Api, signed_in, server_url: str
):
    mover = stage["mover"]
    technique = people["technique"].user
    me = await signed_in("technique")
    feed = await me.post("/calendar-feeds", json={"scope": "mine"})
    assert feed.status_code == 201, feed.text
    feed_url = feed.json()["url"]
    assert "Raccord lumière" not in await summaries(server_url, feed_url)

    # A programmer (who cannot read the accounts) assigns the technician by name.
    page = await open_page("programmation@test.saison", activity_page(mover))
    assigned = page.get_by_role("region", name="Personnes affectées")
    await expect(assigned.get_by_text("Personne n’est affecté à cette activité.")).to_be_visible()
    await assigned.get_by_label("Ajouter une personne").select_option(label="Technique")
    await assigned.get_by_role("button", name="Ajouter", exact=True).click()
    await expect(page.get_by_text("Technique est affecté·e à « Raccord lumière ».")).to_be_visible()
    remove = assigned.get_by_role("button", name="Retirer Technique de l’activité")
    await expect(remove).to_be_visible()
    assert (await admin.get(f"/activities/{mover['id']}")).json()["assignee_ids"] == [
        technique["id"]
    ]
    history = page.get_by_role("region", name="Historique")
    await expect(history).to_contain_text("Personnes affectées : — → Technique")

    # "Mon planning": the technician's subscription has it, and their API list too.
    assert "Raccord lumière" in await summaries(server_url, feed_url)

    # Removed again: gone from their calendar.
    await remove.click()
    await expect(assigned.get_by_text("Personne n’est affecté à cette activité.")).to_be_visible()
    assert (await admin.get(f"/activities/{mover['id']}")).json()["assignee_ids"] == []
    assert "Raccord lumière" not in await summaries(server_url, feed_url)


async def test_a_repeating_activity_says_its_rule_and_deletes_one_occurrence(
    open_page: OpenPage, stage, admin: Api
):
    made = await admin.post(
        "/recurring-activities",
        {
            "kind": "meeting",
            "title": "Réunion de production",
            "room_id": stage["studio"]["id"],
            "starts_at": "2027-01-11T09:30:00",
            "ends_at": "2027-01-11T10:30:00",
            "rule": "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270131",
        },
    )
    assert made.status_code == 201, made.text
    series = made.json()
    occurrences = (
        await admin.get("/activities", params={"series_id": series["id"], "limit": 100})
    ).json()["items"]
    assert len(occurrences) == 6
    thursday = next(o for o in occurrences if o["starts_at"].startswith(THURSDAY))

    page = await open_page("technique@test.saison", activity_page(thursday))
    rule = page.get_by_role("region", name="Activité répétée")
    await expect(rule.get_by_test_id("series-rule")).to_have_text(
        "Chaque semaine le lundi et jeudi, de 9 h 30 à 10 h 30, jusqu’au dim. 31 janv. 2027"
    )
    # Only this occurrence, with a second click; the others stay.
    await expect(page.get_by_role("button", name="Supprimer", exact=True)).to_have_count(0)
    once = page.get_by_role("button", name="Supprimer cette occurrence seulement")
    await once.click()
    await page.get_by_role(
        "button", name="Cliquez encore : supprimer l’occurrence du jeu. 14 janv. 2027"
    ).click()
    await expect(
        page.get_by_text("L’occurrence du jeu. 14 janv. 2027 a été supprimée ; les autres restent.")
    ).to_be_visible()
    await timeline_ready(page)
    left = (
        await admin.get("/activities", params={"series_id": series["id"], "limit": 100})
    ).json()["items"]
    assert len(left) == 5 and thursday["id"] not in {o["id"] for o in left}


async def edit_notes(page: Page, text: str) -> None:
    await page.get_by_role("button", name="Modifier").click()
    await page.get_by_label("Notes", exact=True).fill(text)


async def test_a_record_page_follows_changes_by_others_and_keeps_a_form_being_filled(
    open_page: OpenPage, stage, admin: Api
):
    mover = stage["mover"]
    watcher = await open_page("programmation@test.saison", activity_page(mover))
    other = await open_page("technique@test.saison", activity_page(mover))
    for page in (watcher, other):
        await expect(page.get_by_role("heading", name="Raccord lumière", level=1)).to_be_visible()
    # Each sees the other on the record (the socket follows it).
    await expect(
        watcher.get_by_test_id("colleagues").get_by_label("Technique regarde cette fiche")
    ).to_be_visible()
    await expect(
        other.get_by_test_id("colleagues").get_by_label("Programmation regarde cette fiche")
    ).to_be_visible()
    navigations: list[str] = []
    watcher.on("framenavigated", lambda frame: navigations.append(frame.url))

    # Someone changes it through the API: the page shows it, says who and when, no reload.
    changed = await admin.patch(
        f"/activities/{mover['id']}",
        {"title": "Raccord lumière et son", "ends_at": winter(THURSDAY, "12:30")},
        mover["version"],
    )
    assert changed.status_code == 200, changed.text
    card = watcher.get_by_role("region", name="Fiche")
    # What changed is highlighted (title and end), briefly.
    await expect(card.locator(".flash")).to_have_count(2)
    await expect(card.locator(".flash")).to_have_count(0)
    await expect(
        watcher.get_by_role("heading", name="Raccord lumière et son", level=1)
    ).to_be_visible()
    await expect(card).to_contain_text("jeu. 14 janv. 2027, 12 h 30")
    notice = watcher.get_by_test_id("record-changed")
    await expect(notice).to_have_text(re.compile(r"^Modifié par Admin à \d{1,2} h \d\d$"))
    await expect(notice).to_have_text(clock_now())
    await expect(watcher.get_by_role("region", name="Historique")).to_contain_text(
        "Intitulé : Raccord lumière → Raccord lumière et son"
    )
    assert navigations == []

    # While the programmer edits, the technician sees it; a change by someone else leaves the
    # form as typed and says so; saving then meets the 412 screen.
    await edit_notes(watcher, "Prévoir la console son")
    await expect(
        other.get_by_test_id("colleagues").get_by_label("Programmation modifie cette fiche")
    ).to_be_visible()
    current = changed.json()
    again = await admin.patch(
        f"/activities/{mover['id']}", {"title": "Raccord technique"}, current["version"]
    )
    assert again.status_code == 200, again.text
    await expect(other.get_by_role("heading", name="Raccord technique", level=1)).to_be_visible()
    banner = watcher.get_by_test_id("record-stale")
    await expect(banner).to_contain_text("Admin vient de modifier cette fiche")
    await expect(watcher.get_by_label("Notes", exact=True)).to_have_value("Prévoir la console son")
    await expect(
        watcher.get_by_role("heading", name="Raccord lumière et son", level=1)
    ).to_be_visible()
    await watcher.get_by_role("button", name="Enregistrer").click()
    dialog = watcher.get_by_role(
        "dialog", name="Quelqu’un a modifié cette fiche en même temps que vous"
    )
    await expect(dialog).to_be_visible()
    await expect(
        dialog.get_by_text("Intitulé : Raccord lumière et son → Raccord technique")
    ).to_be_visible()
    await dialog.get_by_role("button", name="Garder mes modifications").click()
    await expect(dialog).to_be_hidden()
    await expect(banner).to_have_count(0)
    saved = (await admin.get(f"/activities/{mover['id']}")).json()
    assert saved["title"] == "Raccord technique" and saved["notes"] == "Prévoir la console son"
    # The technician's page followed the programmer's save too, named.
    await expect(other.get_by_test_id("record-changed")).to_contain_text(
        "Modifié par Programmation"
    )
    await expect(other.get_by_role("region", name="Fiche")).to_contain_text(
        "Prévoir la console son"
    )
    assert navigations == []


async def test_a_deleted_record_says_who_deleted_it(open_page: OpenPage, stage, admin: Api):
    mover = stage["mover"]
    page = await open_page("programmation@test.saison", activity_page(mover))
    await expect(page.get_by_role("heading", name="Raccord lumière", level=1)).to_be_visible()
    await expect(page.get_by_role("button", name="Modifier")).to_be_visible()
    other = await open_page("technique@test.saison", activity_page(mover))
    await expect(
        other.get_by_test_id("colleagues").get_by_label("Programmation regarde cette fiche")
    ).to_be_visible()
    assert (await admin.delete(f"/activities/{mover['id']}", mover["version"])).status_code == 204
    await expect(
        page.get_by_role("alert").filter(has_text="Cette fiche a été supprimée par Admin à")
    ).to_be_visible()
    await expect(page.get_by_role("button", name="Modifier")).to_have_count(0)


async def test_the_day_view_opens_an_activity_and_its_engagement(open_page: OpenPage, stage):
    page = await open_page("technique@test.saison", "/jour/2027-01-15")
    performance = page.get_by_test_id("day-entry").filter(has_text="Phèdre")
    await performance.get_by_text("Phèdre").first.click()
    await expect(performance.get_by_role("link", name="Ouvrir l’exploitation")).to_have_attribute(
        "href", f"/programmation/exploitations/{stage['option']['id']}"
    )
    await page.goto(f"/jour/{THURSDAY}")
    rehearsal = page.get_by_test_id("day-entry").filter(has_text="Raccord lumière")
    await rehearsal.get_by_text("Raccord lumière").click()
    await expect(rehearsal.get_by_role("link", name="Ouvrir l’exploitation")).to_have_count(0)
    await rehearsal.get_by_role("link", name="Ouvrir la fiche").click()
    await expect(page).to_have_url(re.compile(rf"/planning/activites/{stage['mover']['id']}$"))
    await expect(page.get_by_role("heading", name="Raccord lumière", level=1)).to_be_visible()


async def test_an_activitys_team_is_named_for_those_outside_it(
    open_page: OpenPage, stage, admin: Api
):
    """A programmer (not in the technical team, not an administrator) reads its name, not "#3"."""
    mover = stage["mover"]
    teams = (await admin.get("/teams")).json()["items"]
    technique = next(team for team in teams if team["name"] == "Technique")
    changed = await admin.patch(
        f"/activities/{mover['id']}", {"team_id": technique["id"]}, mover["version"]
    )
    assert changed.status_code == 200, changed.text

    page = await open_page("programmation@test.saison", activity_page(mover))
    team = page.locator("dl > div").filter(has=page.locator("dt", has_text="Équipe"))
    await expect(team.locator("dd")).to_have_text("Technique")
