"""Contacts (people) and their roles at organisations."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.core.cascade import delete_dependents
from server.core.entities import EntityService, Filter
from server.core.fields import Email, Id, Input, LongText, Name, Phone
from server.core.i18n import N_
from server.core.permissions import Workspace
from server.core.records import RecordRead
from server.directory.models import Contact, ContactRole


class ContactIn(Input):
    first_name: Name
    last_name: Name
    emails: list[Email] = Field(default_factory=list, max_length=10)
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    notes: LongText | None = None


class ContactOut(ContactIn, RecordRead):
    pass


class ContactService(EntityService):
    model = Contact
    entity = "contact"
    label = N_("contact")
    workspace = Workspace.DIRECTORY
    search_columns = ("first_name", "last_name", "notes")
    order_by = ("last_name", "first_name", "id")

    async def delete_row(self, record_id: int, expected_version: int | None) -> dict[str, Any]:
        await delete_dependents(ContactRoleService(self.uow), "contact_id", record_id)
        return await super().delete_row(record_id, expected_version)


class ContactRoleIn(Input):
    contact_id: Id
    organisation_id: Id
    role: Name


class ContactRoleOut(ContactRoleIn, RecordRead):
    pass


class ContactRoleService(EntityService):
    model = ContactRole
    entity = "contact_role"
    label = N_("contact role")
    workspace = Workspace.DIRECTORY
    references = {
        "contact_id": "contact",
        "organisation_id": "organisation",
    }
    filters = {
        "contact_id": Filter("contact_id", int),
        "organisation_id": Filter("organisation_id", int),
    }
    search_columns = ("role",)
    log_refs = {"contact_id": "contact", "organisation_id": "organisation"}
