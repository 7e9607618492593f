"""Webhook subscriptions: where to POST which changes, managed by administrators.

A subscription is a record like any other (versions, If-Match, its history in the change log),
except for its secret: generated here, shown in the answer to its creation and to
``GET /webhooks/{id}/secret``, never written into the change log.
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select, update

from server.core.entities import EntityService, Filter
from server.core.errors import Invalid, NotFound
from server.core.fields import Input, Name
from server.core.i18n import N_, Message, _
from server.core.permissions import Level, Workspace
from server.core.signed_post import target_problem
from server.feeds.consumers import DurableConsumer
from server.feeds.models import WebhookDelivery, WebhookSubscription

# The one follower that turns committed changes into webhook deliveries.
WEBHOOKS = DurableConsumer("webhooks")

EVENT = re.compile(r"^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$")
Event = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=EVENT.pattern),
]
TargetUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2000)]


def new_secret() -> str:
    """A signing secret as Standard Webhooks libraries read it ("whsec_" + base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def matches(patterns: list[str], action: str) -> bool:
    """Whether a change named ``action`` (``engagement.confirmed``) is one ``patterns`` ask
    for: that name, its entity's pattern (``engagement.*``), or everything (``*``)."""
    entity = action.split(".", 1)[0]
    return any(p == "*" or p == action or p == f"{entity}.*" for p in patterns)


def url_problem(url: str, allow_http: bool) -> Message | None:
    """What is wrong with a target URL, if anything: http(s) only, https unless the server
    allows http, no credentials in it (they would end up in logs and answers)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("is not a valid address")
    del port
    if parts.scheme not in ("http", "https"):
        return _("must be an https:// (or http://) address")
    if parts.scheme == "http" and not allow_http:
        return _("must use https (SAISON_WEBHOOK_ALLOW_HTTP allows http)")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return _(
            "must not contain a user name or password: the receiver checks the signature instead"
        )
    if not parts.hostname:
        return _("must name a host")
    if any(c.isspace() for c in url):
        return _("must not contain spaces")
    return None


class WebhookIn(Input):
    name: Name
    url: TargetUrl = Field(description="Where changes are POSTed (https://…)")
    events: list[Event] = Field(
        default_factory=lambda: ["*"],
        min_length=1,
        max_length=100,
        description="Changes to send: action names (engagement.confirmed), entity patterns "
        "(engagement.*) or * for every change its owner may read",
    )
    active: bool = True


class WebhookOut(BaseModel):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime
    name: str
    url: str
    events: list[str]
    active: bool
    owner_id: int | None = Field(description="Whose permissions decide what is sent")
    failures: int = Field(description="Failed attempts in a row (reset by a delivery)")
    disabled_at: datetime | None = Field(description="When failures disabled it, if they did")
    disabled_reason: str | None
    secret: str | None = Field(
        default=None,
        description="The signing secret, in the answer to the creation only (read it again "
        "with GET /webhooks/{id}/secret)",
    )


class WebhookService(EntityService):
    model = WebhookSubscription
    entity = "webhook"
    label = N_("webhook")
    workspace = Workspace.ADMINISTRATION
    filters = {"active": Filter("active", bool)}
    search_columns = ("name", "url")
    order_by = ("name", "id")
    secret = frozenset({"secret"})

    def require(self, level: Level) -> None:
        # Webhooks send the venue's data away: the administration's managers only.
        super().require(max(level, Level.MANAGE))

    def log(
        self, action: str, record_id: int | None, before: Any, after: Any, refs: Any = None
    ) -> None:
        for payload in (before, after):
            if isinstance(payload, dict) and "secret" in payload:
                payload["secret"] = "(changed)" if action.endswith("updated") else "(set)"
        super().log(action, record_id, before, after, refs)

    async def check(self, values: dict[str, Any], current: dict[str, Any] | None) -> None:
        settings = self.uow.settings
        problem = url_problem(values["url"], settings.webhook_allow_http)
        if problem is None and (current is None or values["url"] != current["url"]):
            # A target saved before is checked again when connecting.
            problem = await target_problem(values["url"], settings.webhook_allow_private)
        if problem is not None:
            raise Invalid({"url": problem})
        values["events"] = sorted(set(values.get("events") or ["*"]))
        if current is not None and values.get("active") and not current["active"]:
            # Enabled again: failures start over (pending deliveries resume, see update).
            values.update(failures=0, disabled_at=None, disabled_reason=None)

    async def create(self, data: dict[str, Any]) -> dict[str, Any]:
        self.require(Level.WRITE)
        data = {**data, "secret": new_secret(), "owner_id": self.actor.user_id}
        row = await self.insert_row(data)
        # Following the log starts with the first subscription (at the log's end).
        await WEBHOOKS.ensure(self.session)
        await self.uow.commit()
        out = await self.present(row)
        out["secret"] = row["secret"]
        return out

    async def update(
        self, record_id: int, changes: dict[str, Any], expected_version: int | None
    ) -> dict[str, Any]:
        self.require(Level.WRITE)
        before = await self.get(record_id)
        if _retargeted(before, changes):
            # Where and what is sent are now the editor's choice: their permissions shape it
            # (else a manager without Contracts could send an administrator's fees to himself).
            changes = {**changes, "owner_id": self.actor.user_id}
        row = await self.update_row(record_id, changes, expected_version)
        if row["active"] and not before["active"]:
            d: Any = WebhookDelivery.__table__  # type: ignore[attr-defined]
            await self.session.execute(
                update(d)
                .where(d.c.subscription_id == record_id, d.c.status == "pending")
                .values(next_attempt_at=datetime.now().astimezone())
            )
        await self.uow.commit()
        return await self.present(row)

    def may_read_bodies(self, subscription: dict[str, Any]) -> bool:
        """Whether the actor may read what was sent: shaped for the owner, it may hold what
        the actor may not read (fees), so its owner and administrators only."""
        return self.actor.is_admin or subscription["owner_id"] == self.actor.user_id

    async def read_secret(self, record_id: int) -> str:
        self.require(Level.READ)
        c = self.table.c
        value = (await self.session.execute(select(c.secret).where(c.id == record_id))).scalar()
        if value is None:
            raise NotFound(self.not_found(record_id))
        return str(value)


def _retargeted(before: dict[str, Any], changes: dict[str, Any]) -> bool:
    if "url" in changes and changes["url"] != before["url"]:
        return True
    events = changes.get("events")
    return events is not None and sorted(set(events)) != sorted(before["events"])
