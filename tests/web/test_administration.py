"""The administration page, as an administrator uses it: people, teams, levels, tokens, kinds,
settings; and as everyone else meets it: no link, and a refusal if the address is typed."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from tests.conftest import Api


async def section(page: Page, name: str) -> None:
    await (
        page.get_by_role("navigation", name="Rubriques de l’administration")
        .get_by_role("link", name=name)
        .click()
    )


async def sign_in(server_url: str, email: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=server_url + "/api/v1", timeout=30)
    r = await client.post("/auth/sign-in", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


async def test_a_new_person_s_team_gets_write_on_the_directory_at_once(
    open_page, admin: Api, server_url
):
    page = await open_page("admin@test.saison", "/planning")
    await page.get_by_role("link", name="Administration").click()
    await expect(page).to_have_url(re.compile(r"/administration$"))
    await expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()

    # A new team, with no level anywhere yet.
    await section(page, "Équipes")
    await page.get_by_role("button", name="Créer une équipe").click()
    form = page.get_by_role("form", name="Créer une équipe")
    await form.get_by_label("Nom").fill("Billetterie")
    await form.get_by_label("Description").fill("Accueil et billetterie")
    await form.get_by_role("button", name="Créer l’équipe").click()
    await expect(page.get_by_role("heading", name="Billetterie", level=3)).to_be_visible()

    # A new person in that team: the first password is shown once, with a copy button.
    await section(page, "Personnes")
    await page.get_by_role("button", name="Ajouter une personne").click()
    form = page.get_by_role("form", name="Ajouter une personne")
    await form.get_by_label("Nom").fill("Léa Martin")
    await form.get_by_label("Adresse e-mail").fill("lea@test.saison")
    await form.get_by_label("Billetterie").check()
    await form.get_by_role("button", name="Créer la personne").click()
    shown = page.get_by_role("region", name="Mot de passe de Léa Martin")
    await expect(shown).to_be_visible()
    await expect(shown.get_by_role("button", name="Copier")).to_be_visible()
    password = (await shown.get_by_test_id("once-secret").inner_text()).strip()
    assert len(password) == 16
    row = page.get_by_role("row", name=re.compile("Léa Martin"))
    await expect(row).to_contain_text("lea@test.saison")
    await expect(row).to_contain_text("Billetterie")
    await shown.get_by_role("button", name="C’est noté, masquer").click()
    await expect(page.get_by_test_id("once-secret")).to_have_count(0)

    # She signs in with it, and may not read the directory yet.
    lea = await sign_in(server_url, "lea@test.saison", password)
    try:
        assert (await lea.get("/auth/me")).json()["levels"]["directory"] == "none"
        assert (await lea.get("/organisations")).status_code == 403

        # Her team gets write on the directory, in the matrix.
        await section(page, "Droits par espace")
        cell = page.get_by_role("combobox", name="Billetterie — Annuaire")
        await cell.select_option("write")
        await expect(page.get_by_text("Billetterie : écriture sur Annuaire.")).to_be_visible()
        # Her own row says where her level comes from.
        await expect(page.get_by_role("combobox", name="Léa Martin — Annuaire")).to_have_value(
            "inherit"
        )
        await expect(
            page.get_by_role("combobox", name="Léa Martin — Annuaire").locator("option:checked")
        ).to_have_text("équipes : écriture")

        # Her open session has it at once, and the server holds it as the matrix shows.
        me = (await lea.get("/auth/me")).json()
        assert me["levels"]["directory"] == "write"
        assert (await lea.post("/organisations", json={"name": "Cie du Lac"})).status_code == 201
        grants = (await admin.get("/permissions", params={"area": "directory"})).json()["items"]
        team = next(
            t for t in (await admin.get("/teams")).json()["items"] if t["name"] == "Billetterie"
        )
        assert [(g["team_id"], g["level"]) for g in grants if g["team_id"] == team["id"]] == [
            (team["id"], "write")
        ]
        await page.reload()
        await expect(page.get_by_role("combobox", name="Billetterie — Annuaire")).to_have_value(
            "write"
        )

        # A personal level beats the team's, downwards too.
        await page.get_by_role("combobox", name="Léa Martin — Annuaire").select_option("read")
        await expect(page.get_by_text("Léa Martin : lecture sur Annuaire.")).to_be_visible()
        assert (await lea.get("/auth/me")).json()["levels"]["directory"] == "read"
    finally:
        await lea.aclose()


async def test_editing_a_person_after_someone_else_did_shows_what_changed(
    open_page, admin: Api, people, server_url
):
    rp = people["rp"].user
    page = await open_page("admin@test.saison", "/administration?section=people")
    await page.get_by_role("button", name="Modifier Rp").click()
    form = page.get_by_role("form", name="Modifier Rp")
    await form.get_by_label("Nom").fill("Relations publiques")

    # Meanwhile another administrator changes the email.
    current = (await admin.get(f"/users/{rp['id']}")).json()
    r = await admin.patch(
        f"/users/{rp['id']}", {"email": "presse@test.saison"}, version=current["version"]
    )
    assert r.status_code == 200

    await form.get_by_label("Nom").press("Enter")
    # The shared 412 screen: mine next to theirs, and what they changed that I did not touch.
    dialog = page.get_by_role(
        "dialog", name="Quelqu’un a modifié cette fiche en même temps que vous"
    )
    await expect(dialog.get_by_text("Admin a enregistré ses changements")).to_be_visible()
    await expect(dialog.get_by_role("row", name="Nom")).to_contain_text("Relations publiques")
    await expect(
        dialog.get_by_text("Adresse e-mail : rp@test.saison → presse@test.saison")
    ).to_be_visible()
    await dialog.get_by_role("button", name="Garder mes modifications").click()
    await expect(dialog).to_be_hidden()
    row = page.get_by_role("row", name=re.compile("Relations publiques"))
    await expect(row).to_contain_text("presse@test.saison")
    saved = (await admin.get(f"/users/{rp['id']}")).json()
    # Mine (the name) on top of theirs (the email): neither is lost.
    assert (saved["name"], saved["email"]) == ("Relations publiques", "presse@test.saison")

    # Esc leaves an edit without saving.
    await page.get_by_role("button", name="Modifier Relations publiques").click()
    form = page.get_by_role("form", name="Modifier Relations publiques")
    await form.get_by_label("Nom").fill("Autre nom")
    await form.get_by_label("Nom").press("Escape")
    await expect(page.get_by_role("form", name="Modifier Relations publiques")).to_have_count(0)
    assert (await admin.get(f"/users/{rp['id']}")).json()["name"] == "Relations publiques"


async def test_a_deactivated_person_is_signed_out_everywhere(open_page, admin: Api, people):
    technique = people["technique"]
    assert (await technique.get("/auth/me")).status_code == 200
    page = await open_page("admin@test.saison", "/administration?section=people")
    await page.get_by_role("button", name="Désactiver Technique").click()
    await (
        page.get_by_role("group", name="Désactiver Technique")
        .get_by_role("button", name="Désactiver")
        .click()
    )
    await expect(page.get_by_text("Technique est désactivé·e")).to_be_visible()
    # Their token stops working at once; the list hides them until asked.
    assert (await technique.get("/auth/me")).status_code == 401
    await expect(page.get_by_role("row", name=re.compile("^Technique"))).to_have_count(0)
    await page.get_by_label("Montrer les personnes désactivées").check()
    row = page.get_by_role("row", name=re.compile("^Technique"))
    await expect(row).to_contain_text("désactivée")
    await row.get_by_role("button", name="Réactiver Technique").click()
    await expect(page.get_by_text("Technique peut à nouveau se connecter.")).to_be_visible()
    assert (await technique.get("/auth/me")).status_code == 200


async def test_members_are_added_and_removed_from_a_team(open_page, admin: Api, people):
    page = await open_page("admin@test.saison", "/administration?section=teams")
    await page.get_by_text("Membres de Communication").click()
    await page.get_by_label("Personne à ajouter à Communication").select_option(label="Rp")
    await page.get_by_role("button", name="Ajouter", exact=True).click()
    await expect(page.get_by_text("Rp fait maintenant partie de Communication.")).to_be_visible()
    members = page.get_by_role("list", name="Membres de Communication")
    await expect(members).to_contain_text("Rp")
    teams = {t["id"]: t["name"] for t in (await admin.get("/teams")).json()["items"]}
    rp = (await admin.get(f"/users/{people['rp'].user['id']}")).json()
    assert sorted(teams[i] for i in rp["team_ids"]) == ["Communication", "Relations publiques"]

    await members.get_by_role("button", name="Retirer Rp de Communication").click()
    await expect(page.get_by_text("Rp ne fait plus partie de Communication.")).to_be_visible()
    rp = (await admin.get(f"/users/{people['rp'].user['id']}")).json()
    assert [teams[i] for i in rp["team_ids"]] == ["Relations publiques"]

    # Renamed in place.
    await page.get_by_role("button", name="Renommer Communication").click()
    form = page.get_by_role("form", name="Renommer Communication")
    await form.get_by_label("Nom").fill("Communication et presse")
    await form.get_by_label("Nom").press("Enter")
    await expect(page.get_by_role("heading", name="Communication et presse")).to_be_visible()
    assert "Communication et presse" in {
        t["name"] for t in (await admin.get("/teams")).json()["items"]
    }


async def test_a_kind_becomes_blocking_and_takes_a_colour(open_page, admin: Api):
    page = await open_page("admin@test.saison", "/administration?section=kinds")
    meeting = page.get_by_role("form", name="Réunion")
    await meeting.get_by_label("« Réunion » occupe la salle").check()
    await meeting.get_by_label("Couleur de « Réunion »").fill("#1a7f5a")
    await meeting.get_by_label("Nom en français — Réunion").fill("Réunion de production")
    await meeting.get_by_role("button", name="Enregistrer « Réunion »").click()
    await expect(page.get_by_text("Type « Réunion de production » enregistré.")).to_be_visible()
    kinds = {k["kind"]: k for k in (await admin.get("/activity-kinds")).json()}
    assert kinds["meeting"]["blocks_room"] is True
    assert kinds["meeting"]["colour"] == "#1a7f5a"
    assert kinds["meeting"]["label_fr"] == "Réunion de production"

    # The planning paints meetings with it, and writes on them in a readable ink.
    await page.goto("/planning")
    await page.locator("style#saison-kind-colours").wait_for(state="attached")
    painted = await page.evaluate(
        """() => {
            const probe = document.createElement('div');
            probe.className = 'k-meeting';
            document.body.append(probe);
            const style = getComputedStyle(probe);
            const value = (name) => style.getPropertyValue(name).trim();
            const out = [value('--kind'), value('--kind-ink')];
            probe.remove();
            return out;
        }"""
    )
    assert painted == ["#1a7f5a", "#ffffff"]


async def test_a_token_s_secret_is_shown_once_and_it_can_be_revoked(
    open_page, admin: Api, server_url
):
    page = await open_page("admin@test.saison", "/administration?section=tokens")
    await page.get_by_label("Nom du jeton").fill("Export billetterie")
    await page.get_by_label("Restreindre par espace").check()
    await page.get_by_label("Droit du jeton sur Programmation").select_option("read")
    await page.get_by_role("button", name="Créer le jeton").click()
    fresh = page.get_by_role("region", name="Jeton « Export billetterie »")
    await expect(fresh).to_contain_text("il ne sera plus jamais affiché")
    secret = (await fresh.get_by_test_id("once-secret").inner_text()).strip()

    async with httpx.AsyncClient(
        base_url=server_url + "/api/v1", headers={"Authorization": f"Bearer {secret}"}
    ) as script:
        assert (await script.get("/shows")).status_code == 200
        assert (await script.post("/shows", json={"title": "Non"})).status_code == 403

        # Listed among everyone's, without its secret; gone from the page once reloaded.
        await page.reload()
        await expect(page.get_by_test_id("once-secret")).to_have_count(0)
        assert secret not in await page.content()
        everyone = page.get_by_role("table", name="Jetons et mots de passe d’application de tous")
        row = everyone.get_by_role("row", name=re.compile("Export billetterie"))
        await expect(row).to_contain_text("Programmation : lecture")
        await row.get_by_role("button", name="Révoquer « Export billetterie » de Admin").click()
        await row.get_by_role("button", name="Confirmer").click()
        await expect(
            page.get_by_text("Le jeton « Export billetterie » est révoqué")
        ).to_be_visible()
        assert (await script.get("/shows")).status_code == 401


async def test_settings_are_shown_with_their_variables(open_page, people):
    page = await open_page("admin@test.saison", "/administration?section=settings")
    zone = page.locator("tr[data-setting=timezone]")
    await expect(zone).to_contain_text("Fuseau horaire du lieu")
    await expect(zone).to_contain_text("Europe/Paris")
    await expect(zone).to_contain_text("SAISON_TIMEZONE")
    await expect(page.locator("tr[data-setting=max_attachment_bytes]")).to_contain_text("20 Mo")
    # Durations read as durations, whole seconds without a decimal point.
    first_wait = page.locator("tr[data-setting=sign_in_first_delay] .value")
    await expect(first_wait).to_have_text("1 s")
    await expect(page.locator("tr[data-setting=webhook_timeout_seconds]")).to_contain_text("10 s")
    await expect(page.locator("tr[data-setting=confirm_competitors]")).to_contain_text(
        "SAISON_CONFIRM_COMPETITORS"
    )


async def test_people_who_do_not_manage_accounts_get_no_link_and_a_refusal(
    open_page, admin, people
):
    page = await open_page("technique@test.saison", "/planning")
    nav = page.get_by_role("navigation", name="Saison")
    await expect(nav.get_by_role("link", name="Mes calendriers")).to_be_visible()
    await expect(nav.get_by_role("link", name="Administration")).to_have_count(0)
    await page.goto("/administration")
    await expect(page.get_by_role("alert")).to_contain_text(
        "Vous n’avez pas accès à l’administration"
    )
    await expect(page.get_by_role("table")).to_have_count(0)

    # Someone who may read the administration sees it without any control to change it.
    await admin.create(
        "/permissions",
        {"area": "administration", "level": "read", "user_id": people["rp"].user["id"]},
    )
    reader = await open_page("rp@test.saison", "/administration")
    await expect(reader.get_by_text("Lecture seule")).to_be_visible()
    await expect(reader.get_by_role("row", name=re.compile("Technique"))).to_be_visible()
    await expect(reader.get_by_role("button", name="Ajouter une personne")).to_have_count(0)
    await expect(reader.get_by_role("button", name=re.compile("^Modifier"))).to_have_count(0)
    nav = reader.get_by_role("navigation", name="Saison")
    await expect(nav.get_by_role("link", name="Administration")).to_have_count(0)


async def test_an_administrator_edits_the_organisation_and_is_told_a_siret_is_wrong(
    open_page, admin: Api
):
    page = await open_page("admin@test.saison", "/administration")
    await section(page, "Organisation")
    await expect(page.get_by_role("heading", name="Organisation sans nom", level=1)).to_be_visible()
    await page.get_by_role("button", name="Modifier").click()
    await page.get_by_label("Nom", exact=True).fill("Théâtre des Quatre Vents")
    await page.get_by_label("SIRET").fill("123 456 789 00012")
    await page.get_by_label("Licence d’entrepreneur de spectacles, catégorie 1").fill(
        "PLATESV-R-2021-000123"
    )
    await page.get_by_role("button", name="Enregistrer").click()
    # The wrong number is named under its own field, in French; the rest stays as typed.
    error = page.locator("#organisation_settings-siret-error")
    await expect(error).to_contain_text("chiffre de contrôle")
    await expect(page.get_by_label("SIRET")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Nom", exact=True)).to_have_value("Théâtre des Quatre Vents")
    assert (await admin.get("/organisation")).json()["name"] is None  # nothing half-saved

    await page.get_by_label("SIRET").fill("123 456 782 00002")
    await page.get_by_role("button", name="Enregistrer").click()
    await expect(page.get_by_text("Modifications enregistrées.")).to_be_visible()
    await expect(
        page.get_by_role("heading", name="Théâtre des Quatre Vents", level=1)
    ).to_be_visible()
    await expect(
        page.get_by_role("region", name="Fiche").get_by_text("12345678200002")
    ).to_be_visible()
    # The history says who changed what.
    await expect(
        page.get_by_role("region", name="Historique").get_by_text("12345678200002")
    ).to_be_visible()
    saved = (await admin.get("/organisation")).json()
    assert saved["siret"] == "12345678200002"
    assert saved["licence_1"] == "PLATESV-R-2021-000123"
    # The server's other settings are still shown, read-only.
    await section(page, "Réglages du lieu")
    await expect(page.get_by_text("SAISON_TIMEZONE")).to_be_visible()
