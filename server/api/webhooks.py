"""Webhook subscriptions for administrators: records, their delivery log, replays, pings."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from pydantic import BaseModel, Field

from server.api.crud import Limit, Offset, RecordId, crud_router
from server.api.guards import access
from server.core.entities import DEFAULT_PAGE
from server.core.permissions import Level, Workspace
from server.core.unit_of_work import UnitOfWork
from server.feeds import deliveries
from server.feeds.deliveries import DeliveriesPage, DeliveryDetail, DeliveryOut
from server.feeds.subscriptions import WebhookIn, WebhookOut, WebhookService

READ = access(Workspace.ADMINISTRATION, Level.MANAGE)
WRITE = access(Workspace.ADMINISTRATION, Level.MANAGE)


class SecretOut(BaseModel):
    secret: str = Field(description="Give it to the receiver to check webhook-signature")


@get(
    "/{record_id:int}/secret",
    opt=READ,
    summary="The signing secret of a webhook (for its receiver to check signatures)",
    operation_id="read_webhook_secret",
)
async def webhook_secret(uow: UnitOfWork, record_id: RecordId) -> SecretOut:
    return {"secret": await WebhookService(uow).read_secret(record_id)}  # type: ignore[return-value]


@get(
    "/{record_id:int}/deliveries",
    opt=READ,
    summary="What was sent to a webhook, newest first, with the receiver's answers",
    operation_id="list_webhook_deliveries",
)
async def webhook_deliveries(
    uow: UnitOfWork,
    record_id: RecordId,
    status: Annotated[
        Literal["pending", "delivered", "failed"] | None,
        Parameter(description="Only pending (queued or retried), delivered or failed ones"),
    ] = None,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
) -> DeliveriesPage:
    return await deliveries.list_deliveries(uow, record_id, status, limit, offset)  # type: ignore[return-value]


@get(
    "/{record_id:int}/deliveries/{delivery_id:int}",
    opt=READ,
    summary="One delivery: its body and every attempt",
    operation_id="read_webhook_delivery",
)
async def webhook_delivery(
    uow: UnitOfWork, record_id: RecordId, delivery_id: RecordId
) -> DeliveryDetail:
    return await deliveries.read_delivery(uow, record_id, delivery_id)  # type: ignore[return-value]


@post(
    "/{record_id:int}/deliveries/{delivery_id:int}/replay",
    opt=WRITE,
    summary="Send a delivery again, after the webhook's queue (same webhook-id)",
    operation_id="replay_webhook_delivery",
    status_code=HTTP_201_CREATED,
)
async def replay_delivery(
    uow: UnitOfWork, record_id: RecordId, delivery_id: RecordId
) -> DeliveryOut:
    return await deliveries.replay(uow, record_id, delivery_id)  # type: ignore[return-value]


@post(
    "/{record_id:int}/ping",
    opt=WRITE,
    summary="Send a signed webhook.ping now and tell how the receiver answered",
    operation_id="ping_webhook",
    status_code=HTTP_200_OK,
)
async def ping_webhook(uow: UnitOfWork, record_id: RecordId) -> DeliveryDetail:
    return await deliveries.ping(uow, record_id)  # type: ignore[return-value]


def webhook_router() -> Any:
    return crud_router(
        "/webhooks",
        WebhookService,
        WebhookIn,
        WebhookOut,
        tag="Webhooks",
        extra_handlers=[
            webhook_secret,
            webhook_deliveries,
            webhook_delivery,
            replay_delivery,
            ping_webhook,
        ],
    )
