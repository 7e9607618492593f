"""One signed POST, as Standard Webhooks describes it: the one way Saison pushes to others
(webhooks in ``server.feeds``, connectors' files in ``server.connectors``).

``webhook-id`` names the message (the same on every attempt and replay, so a receiver drops
what it already has), ``webhook-timestamp`` is when this attempt was signed (receivers refuse
old ones), ``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of id.timestamp.body>`` made with
the subscription's secret by the ``standardwebhooks`` package.

Targets are checked against the venue's own network: an address that is loopback, private,
link-local (the cloud metadata service at 169.254.169.254), reserved or multicast is refused
unless ``SAISON_WEBHOOK_ALLOW_PRIVATE`` allows it, when a target is saved (``target_problem``)
and again when connecting (``client``), since a name may resolve elsewhere by then.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
import msgspec
from standardwebhooks.webhooks import Webhook

from server.core.i18n import Message, _

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


class PrivateAddress(OSError):
    """A target that resolves inside the network, refused by the connection itself."""


def is_private(address: str) -> bool:
    """Whether ``address`` (an IP) is one a push must not reach: anything not global
    (loopback, private, link-local, reserved, shared…) or multicast."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


async def addresses(host: str, port: int) -> list[str]:
    """The IP addresses ``host`` stands for (itself if it is one)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


async def target_problem(url: str, allow_private: bool) -> Message | None:
    """What is wrong with where ``url`` leads, if anything: an address inside the network.

    A name that does not resolve now is accepted (the connection checks again)."""
    if allow_private:
        return None
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    try:
        found = await addresses(parts.hostname, parts.port or 443)
    except OSError:
        return None
    if any(is_private(a) for a in found):
        return _(
            "must not lead inside the network (loopback, private or link-local address: "
            "SAISON_WEBHOOK_ALLOW_PRIVATE allows it)"
        )
    return None


class _PublicOnly(httpcore.AsyncNetworkBackend):
    """Connects to the address it checked: a name resolved again between the check and the
    connection (DNS rebinding) cannot lead inside the network. TLS still verifies the name."""

    def __init__(self) -> None:
        self.backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        async with asyncio.timeout(timeout):
            found = await addresses(host, port)
        if not found or any(is_private(a) for a in found):
            raise PrivateAddress(f"{host} resolves inside the network ({', '.join(found)})")
        failure: OSError | httpcore.ConnectError | None = None
        for address in found:
            try:
                return await self.backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (OSError, httpcore.ConnectError) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise PrivateAddress("no local sockets")

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


def client(allow_private: bool, **options: Any) -> httpx.AsyncClient:
    """An HTTP client for pushes: one that reaches only public addresses unless
    ``allow_private`` (then without a proxy from the environment: it would connect for us).
    """
    if allow_private:
        return httpx.AsyncClient(**options)
    transport = httpx.AsyncHTTPTransport()
    # httpx builds its pool without a way to give it a network backend: this one is the same
    # pool (as httpx makes it for these arguments) with the checking backend.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_PublicOnly(),
    )
    return httpx.AsyncClient(transport=transport, trust_env=False, **options)


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
