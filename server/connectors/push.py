"""Pushing a connector's file: one signed POST, Standard Webhooks style.

Sent by ``server.core.signed_post``, as webhooks are (``server.feeds``). The body is a JSON envelope
``{"type": "connector.output", "timestamp", "data": {connector_id, name, format, filename,
content_type, encoding, content}}``: the file's text (``utf-8``) or, for XLSX, its bytes in
``base64``. Signed with the connector's secret (headers ``webhook-id``, ``webhook-timestamp``,
``webhook-signature``), so a receiver verifies it with any Standard Webhooks library.
"""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec

from server.connectors.formats import Output
from server.core.errors import DomainError
from server.core.i18n import N_, _
from server.core.signed_post import client, post_signed

TIMEOUT = 15.0


class PushFailed(DomainError):
    """The receiver could not be reached, or did not accept the file."""

    status = 502
    title = N_("The push was not accepted")


def envelope(row: dict[str, Any], output: Output, moment: datetime) -> bytes:
    binary = row["output"] == "xlsx"
    return msgspec.json.encode(
        {
            "type": "connector.output",
            "timestamp": moment.isoformat().replace("+00:00", "Z"),
            "data": {
                "connector_id": row["id"],
                "name": row["name"],
                "format": row["output"],
                "filename": output.filename,
                "content_type": output.content_type,
                "rows": output.rows,
                "encoding": "base64" if binary else "utf-8",
                "content": (
                    base64.b64encode(output.content).decode()
                    if binary
                    else output.content.decode("utf-8")
                ),
            },
        }
    )


async def push(row: dict[str, Any], output: Output, allow_private: bool) -> str:
    """POST the file to the connector's address; the status to record (``delivered 200``).

    Raises ``PushFailed`` on a refusal (an answer other than 2xx) or a network failure
    (an address inside the network, unless ``allow_private``, is one).
    """
    url, secret = row.get("push_url"), row.get("push_secret")
    if not url or not secret:
        return "produced"
    moment = datetime.now(UTC).replace(microsecond=0)
    body = envelope(row, output, moment).decode()
    async with client(allow_private) as http:
        outcome = await post_signed(
            http,
            url,
            secret,
            f"msg_{uuid.uuid4().hex}",
            body,
            TIMEOUT,
            at=moment,
            user_agent="Saison connectors",
        )
    if outcome.status_code is None:
        raise PushFailed(_("The receiver could not be reached ({reason}).", reason=outcome.error))
    if not outcome.ok:
        raise PushFailed(_("The receiver answered {status}.", status=outcome.status_code))
    return f"delivered {outcome.status_code}"
