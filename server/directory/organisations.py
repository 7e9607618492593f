"""Organisations: companies, producers, agencies, partner venues we deal with."""

from __future__ import annotations

from typing import Any

from server.core.cascade import delete_dependents
from server.core.entities import EntityService, Filter
from server.core.fields import Email, Input, LongText, Name, Phone, Short, Url
from server.core.i18n import N_
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.directory.contacts import ContactRoleService
from server.directory.models import Organisation, OrganisationKind


class OrganisationIn(Input):
    name: Name
    kind: OrganisationKind = OrganisationKind.COMPANY
    email: Email | None = None
    phone: Phone | None = None
    website: Url | None = None
    address: LongText | None = None
    postcode: Short | None = None
    city: Short | None = None
    country: Short | None = "FR"
    siret: Short | None = None
    ape_code: Short | None = None
    vat_number: Short | None = None
    licence_numbers: Short | None = None
    notes: LongText | None = None


class OrganisationOut(OrganisationIn, RecordRead):
    pass


class OrganisationService(EntityService):
    model = Organisation
    entity = "organisation"
    label = N_("organisation")
    workspace = Workspace.DIRECTORY
    filters = {"kind": Filter("kind", OrganisationKind)}
    search_columns = ("name", "city", "email")
    order_by = ("name", "id")

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        await delete_dependents(ContactRoleService(self.uow), "organisation_id", record_id)
        return await super().delete_row(record_id, expected_version)
