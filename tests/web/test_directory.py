"""The directory in the browser: organisations, contacts and their roles, places.

Issue 12's "create a company and a contact": everything through the pages, as a programmer
would, then checked against the API; and a reader sees the same pages without a write control.
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.conftest import Api
from tests.web.conftest import OpenPage

WRITER = "programmation@test.saison"  # directory: write
READER = "communication@test.saison"  # directory: read


def field(within: Page | Locator, label: str) -> Locator:
    """An input by its whole label (a required field's label ends with "*")."""
    return within.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


async def create_from_list(page: Page, values: dict[str, str]) -> None:
    await page.get_by_role("button", name="Nouveau").click()
    form = page.get_by_role("form", name="Nouveau")
    for label, value in values.items():
        await field(form, label).fill(value)
    await form.get_by_role("button", name="Créer").click()


async def test_a_company_and_a_contact_are_created_and_given_a_role(
    open_page: OpenPage, admin: Api
):
    page = await open_page(WRITER, "/annuaire/structures")
    await expect(page.get_by_role("heading", name="Structures", level=1)).to_be_visible()
    await create_from_list(
        page, {"Nom": "Compagnie du Lac Gelé", "E-mail": "contact@lacgele.fr", "Ville": "Lyon"}
    )
    await expect(page.get_by_role("heading", name="Compagnie du Lac Gelé", level=1)).to_be_visible()
    await expect(page.get_by_text("« Compagnie du Lac Gelé » a été créé.")).to_be_visible()
    details = page.get_by_role("region", name="Fiche")
    await expect(details.get_by_text("Compagnie", exact=True)).to_be_visible()  # the default kind
    company = (await admin.get("/organisations", params={"q": "Lac Gelé"})).json()["items"][0]
    assert company["kind"] == "company"
    assert company["email"] == "contact@lacgele.fr"

    # The workspace's tabs lead to the contacts.
    tabs = page.get_by_role("navigation", name="Annuaire")
    await expect(tabs.get_by_role("link")).to_have_text(["Structures", "Contacts", "Lieux"])
    await tabs.get_by_role("link", name="Contacts").click()
    await expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_visible()
    await create_from_list(
        page,
        {
            "Prénom": "Léa",
            "Nom": "Martin",
            "E-mails": "lea.martin@lacgele.fr\nlea@example.org",
            "Téléphones": "06 12 34 56 78",
        },
    )
    await expect(page.get_by_role("heading", name="Léa Martin", level=1)).to_be_visible()
    details = page.get_by_role("region", name="Fiche")
    await expect(details.get_by_role("link", name="lea.martin@lacgele.fr")).to_have_attribute(
        "href", "mailto:lea.martin@lacgele.fr"
    )
    await expect(details.get_by_role("link", name="lea@example.org")).to_be_visible()
    await expect(details.get_by_role("link", name="06 12 34 56 78")).to_have_attribute(
        "href", "tel:0612345678"
    )
    contact = (await admin.get("/contacts", params={"q": "Martin"})).json()["items"][0]
    assert contact["emails"] == ["lea.martin@lacgele.fr", "lea@example.org"]
    assert contact["phones"] == ["06 12 34 56 78"]

    # A role in the company, given from the contact's page.
    roles = page.get_by_role("region", name="Rôles dans les structures")
    await expect(roles.get_by_text("Cette personne n’a aucun rôle")).to_be_visible()
    form = roles.get_by_role("form", name="Nouveau rôle")
    await form.get_by_label("Rôle").fill("Régisseur général")
    await form.get_by_label("Structure").select_option(label="Compagnie du Lac Gelé")
    await form.get_by_label("Rôle").press("Enter")  # Enter adds
    await expect(roles.get_by_role("listitem")).to_have_text(
        ["Régisseur général — Compagnie du Lac Gelé Retirer"]
    )
    [role] = (await admin.get("/contact-roles", params={"contact_id": contact["id"]})).json()[
        "items"
    ]
    assert (role["organisation_id"], role["role"]) == (company["id"], "Régisseur général")

    # The company's page shows the person, with their role and a phone to call.
    await roles.get_by_role("link", name="Compagnie du Lac Gelé").click()
    await expect(page.get_by_role("heading", name="Compagnie du Lac Gelé", level=1)).to_be_visible()
    people = page.get_by_role("region", name="Personnes")
    await expect(people.get_by_role("link", name="Léa Martin")).to_have_attribute(
        "href", f"/annuaire/contacts/{contact['id']}"
    )
    await expect(people.get_by_role("listitem").filter(has_text="Léa Martin")).to_contain_text(
        "Léa Martin — Régisseur général"
    )
    await expect(people.get_by_role("link", name="06 12 34 56 78")).to_have_attribute(
        "href", "tel:0612345678"
    )

    # Someone else is added from the company's page.
    await admin.create("/contacts", {"first_name": "Paul", "last_name": "Durand"})
    await page.reload()
    form = people.get_by_role("form", name="Rattacher une personne")
    await form.get_by_label("Rôle").fill("Chargé de diffusion")
    await form.get_by_label("Personne").select_option(label="Durand Paul")
    await form.get_by_role("button", name="Ajouter la personne").click()
    await expect(people.get_by_role("listitem").filter(has_text="Paul Durand")).to_contain_text(
        "Paul Durand — Chargé de diffusion"
    )

    # Removing a role takes a second click.
    remove = people.get_by_role(
        "button", name="Retirer le rôle « Régisseur général » de Léa Martin"
    )
    await remove.click()
    await expect(people.get_by_role("link", name="Léa Martin")).to_be_visible()
    await people.get_by_role("button", name="Confirmer le retrait").click()
    await expect(page.get_by_text("Le rôle « Régisseur général » a été retiré.")).to_be_visible()
    await expect(people.get_by_role("link", name="Léa Martin")).to_be_hidden()
    left = (await admin.get("/contact-roles", params={"organisation_id": company["id"]})).json()
    assert [r["role"] for r in left["items"]] == ["Chargé de diffusion"]


async def test_a_role_refused_by_the_server_keeps_what_was_typed(open_page: OpenPage, admin: Api):
    contact = await admin.create("/contacts", {"first_name": "Inès", "last_name": "Roux"})
    page = await open_page(WRITER, f"/annuaire/contacts/{contact['id']}")
    form = page.get_by_role("form", name="Nouveau rôle")
    await form.get_by_label("Rôle").fill("Administratrice")
    await form.get_by_role("button", name="Ajouter le rôle").click()  # no organisation chosen
    await expect(form.locator("#new-role-contact-organisation_id-error")).to_be_visible()
    await expect(form.get_by_label("Rôle")).to_have_value("Administratrice")
    assert (await admin.get("/contact-roles")).json()["total"] == 0


async def test_a_place_linked_to_our_venue_shows_the_venue_and_a_new_place_is_typed(
    open_page: OpenPage, admin: Api
):
    venue = await admin.create(
        "/venues", {"name": "Théâtre de la Halle", "address": "2 place du Marché", "city": "Lyon"}
    )
    linked = await admin.create("/places", {"venue_id": venue["id"]})
    page = await open_page(WRITER, "/annuaire/lieux")
    row = page.get_by_role("row", name="Théâtre de la Halle")
    await expect(row.get_by_role("cell").nth(1)).to_have_text("Lyon")

    await create_from_list(page, {"Nom": "Salle des fêtes de Vaulx", "Ville": "Vaulx-en-Velin"})
    await expect(
        page.get_by_role("heading", name="Salle des fêtes de Vaulx", level=1)
    ).to_be_visible()
    assert (await admin.get("/places", params={"q": "Vaulx"})).json()["total"] == 1

    await page.goto(f"/annuaire/lieux/{linked['id']}")
    await expect(page.get_by_role("heading", name="Théâtre de la Halle", level=1)).to_be_visible()
    details = page.get_by_role("region", name="Fiche")
    await expect(details.get_by_role("link", name="Théâtre de la Halle")).to_have_attribute(
        "href", f"/technique/lieux/{venue['id']}"
    )
    # Its name and address come from Technical: not offered for editing here.
    await page.get_by_role("button", name="Modifier").click()
    await expect(details.get_by_label("Notes")).to_be_editable()
    await expect(details.get_by_label("Ville")).to_have_count(0)


async def test_a_reader_sees_the_directory_without_any_write_control(
    open_page: OpenPage, season: dict
):
    contact, company = season["contact"], season["organisation"]
    page = await open_page(READER, f"/annuaire/contacts/{contact['id']}")
    await expect(page.get_by_role("heading", name="Léa Martin", level=1)).to_be_visible()
    roles = page.get_by_role("region", name="Rôles dans les structures")
    await expect(roles.get_by_role("link", name="Compagnie Éclat")).to_be_visible()
    await expect(page.get_by_role("link", name="lea@eclat.fr")).to_be_visible()
    await expect(page.get_by_role("region", name="Historique")).to_be_visible()

    for path in (
        f"/annuaire/structures/{company['id']}",
        f"/annuaire/contacts/{contact['id']}",
        f"/annuaire/lieux/{season['place']['id']}",
        "/annuaire/structures",
        "/annuaire/contacts",
        "/annuaire/lieux",
    ):
        await page.goto(path)
        await expect(page.locator("main h1")).to_be_visible()
        main = page.locator("main")
        await expect(main.get_by_role("button")).to_have_count(0)
        await expect(
            main.locator("form, input:not([type=search]), select, textarea")
        ).to_have_count(0)


async def test_organisations_are_listed_in_the_order_a_french_reader_expects(
    open_page: OpenPage, admin: Api
):
    for name in ("Compagnie Sémaphore", "compagnie Abricot", "Compagnie du Hérisson"):
        await admin.create("/organisations", {"name": name})
    page = await open_page(READER, "/annuaire/structures")
    first_cells = page.locator("tbody tr").locator("td:first-child")
    await expect(first_cells).to_have_text(
        ["compagnie Abricot", "Compagnie du Hérisson", "Compagnie Sémaphore"]
    )
