"""The parts of an engagement other departments keep: its run (hospitality) and its contract.

``PATCH /engagements/{id}`` changes everything for those who may write the programming; these
two let the planning (the run) and the administration (the contract) keep their part without
that right. Same versions (If-Match), same history, same 422 field by field.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, patch

from server.accounts.permissions import Level, Workspace
from server.api.crud import record_response, resolve_version
from server.api.guards import access
from server.core.unit_of_work import UnitOfWork
from server.programming import contracts, hospitality
from server.programming.contracts import ContractFields
from server.programming.engagements import EngagementOut, EngagementService
from server.programming.hospitality import HospitalityFields


class HospitalityPatch(HospitalityFields):
    version: int | None = None


class ContractPatch(ContractFields):
    version: int | None = None


@patch(
    "/{record_id:int}/hospitality",
    opt=access(Workspace.PLANNING, Level.WRITE),
    summary="Change the run of an engagement: room configuration, contacts, hospitality "
    "(send If-Match)",
    operation_id="update_engagement_hospitality",
)
async def update_hospitality(
    request: Request[Any, Any, Any], uow: UnitOfWork, record_id: int, data: HospitalityPatch
) -> EngagementOut:
    changes = data.model_dump(exclude_unset=True)
    service = EngagementService(uow)
    current = await service.get(record_id)
    version = resolve_version(request, changes.pop("version", None), current["version"])
    row = await hospitality.update(service, record_id, changes, version)
    return record_response(row)  # type: ignore[return-value]


@patch(
    "/{record_id:int}/contract",
    opt=access(Workspace.CONTRACTS, Level.WRITE),
    summary="Change the contract of an engagement: state, dates, fee, VAT, costs, authors' "
    "rights (send If-Match)",
    operation_id="update_engagement_contract",
)
async def update_contract(
    request: Request[Any, Any, Any], uow: UnitOfWork, record_id: int, data: ContractPatch
) -> EngagementOut:
    changes = data.model_dump(exclude_unset=True)
    service = EngagementService(uow)
    current = await service.get(record_id)
    version = resolve_version(request, changes.pop("version", None), current["version"])
    row = await contracts.update(service, record_id, changes, version)
    return record_response(row)  # type: ignore[return-value]


def engagement_part_routers() -> list[Router]:
    return [
        Router(
            path="/engagements",
            route_handlers=[update_hospitality, update_contract],
            tags=["Programming"],
        )
    ]
