"""Organisations: companies, producers, agencies, partner venues we deal with."""

from __future__ import annotations

from server.accounts.permissions import Workspace
from server.core.entities import EntityService, Filter
from server.core.fields import Email, Input, LongText, Name, Phone, Short, Url
from server.core.records import RecordRead
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
    label = "organisation"
    workspace = Workspace.DIRECTORY
    filters = {"kind": Filter("kind", OrganisationKind)}
    search_columns = ("name", "city", "email")
    order_by = ("name", "id")
