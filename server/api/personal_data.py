"""A contact's data on their request (GDPR): the export and the erasure. Thin: the rules are
in ``server.audit.personal_data``."""

from __future__ import annotations

from typing import Any

from litestar import Router, get, post

from server.api.guards import access
from server.audit.personal_data import PersonalData
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork


@get(
    "/{contact_id:int}/personal-data",
    opt=access(Workspace.DIRECTORY, Level.READ),
    summary="Everything held about a contact: the record, roles, engagements, its history",
    operation_id="contact_personal_data",
)
async def personal_data(uow: UnitOfWork, contact_id: int) -> dict[str, Any]:
    return await PersonalData(uow).export_contact(contact_id)


@post(
    "/{contact_id:int}/erase",
    # Directory managers or administrators (the service checks which): the guard lets readers
    # of the directory reach the service, which says why the others may not.
    opt=access(Workspace.DIRECTORY, Level.READ),
    summary="Erase a contact's personal data, from the record and its history (audited)",
    operation_id="erase_contact",
    status_code=200,
)
async def erase(uow: UnitOfWork, contact_id: int) -> dict[str, Any]:
    return await PersonalData(uow).erase_contact(contact_id)


def personal_data_routers() -> list[Router]:
    return [Router(path="/contacts", route_handlers=[personal_data, erase], tags=["Directory"])]
