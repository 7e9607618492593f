"""One signed POST, as Standard Webhooks describes it: the one way Saison pushes to others
(webhooks in ``server.feeds``, connectors' files in ``server.connectors``).

``webhook-id`` names the message (the same on every attempt and replay, so a receiver drops
what it already has), ``webhook-timestamp`` is when this attempt was signed (receivers refuse
old ones), ``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of id.timestamp.body>`` made with
the subscription's secret by the ``standardwebhooks`` package.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import msgspec
from standardwebhooks.webhooks import Webhook

USER_AGENT = "Saison-Webhooks/1"
MAX_ERROR = 500
_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: a status code, or the reason there was none."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(
    secret: str, message_id: str, body: str, at: datetime | None = None
) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body`` (and its content type)."""
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }


def encode(payload: Any) -> str:
    return _encode(payload).decode()


async def post_signed(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    message_id: str,
    payload: Any,
    seconds: float,
    *,
    at: datetime | None = None,
    user_agent: str = USER_AGENT,
) -> Outcome:
    """POST ``payload`` (JSON) to ``url``, signed; never raises for the receiver's faults.

    Redirects are not followed (a target that moved is a failure the administrator sees), and
    the whole exchange is bounded by ``seconds``.
    """
    body = payload if isinstance(payload, str) else encode(payload)
    headers = signed_headers(secret, message_id, body, at) | {"user-agent": user_agent}
    started = time.monotonic()
    try:
        response = await client.post(
            url, content=body.encode(), headers=headers, timeout=seconds, follow_redirects=False
        )
        error = None if response.is_success else f"HTTP {response.status_code}"
        return Outcome(response.status_code, error, _ms(started))
    except httpx.TimeoutException:
        return Outcome(None, f"no answer within {seconds:g} s", _ms(started))
    except Exception as failure:  # refused, reset, unreadable address…: the receiver's side
        return Outcome(None, _reason(failure), _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _reason(failure: Exception) -> str:
    text = str(failure).strip() or type(failure).__name__
    return f"{type(failure).__name__}: {text}"[:MAX_ERROR]
