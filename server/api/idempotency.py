"""``Idempotency-Key`` on every POST of the API: a retry or a double click gets the first answer.

Clients (the browser app, integrations, scripts on a flaky network) send a fresh random key
with each creating request and the same key when they retry it. For a signed-in person:

- same key, same request (method, path, body) → the first answer, replayed as it was sent, with
  ``Idempotent-Replayed: true``; while the first is still running, the retry waits for it;
- same key, another request → 422;
- keys are per person and remembered at least 24 hours (see server/core/idempotency.py).

Answers of 5xx are not kept (the retry runs again). Requests without the header are untouched.
"""

from __future__ import annotations

import gzip
from typing import Any

import msgspec
from litestar.types import ASGIApp, Receive, Scope, Send

from server.api.problems import PROBLEM_JSON, TYPE_BASE
from server.core.i18n import N_, Message, _, negotiate, translate
from server.core.idempotency import Answer, Claim, IdempotencyStore, KeyReused, StillRunning
from server.core.permissions import Principal

HEADER = b"idempotency-key"
REPLAYED = (b"idempotent-replayed", b"true")
MAX_KEY = 255


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw_key = headers.get(HEADER)
        user = scope.get("user")
        if raw_key is None or not isinstance(user, Principal) or user.user_id is None:
            await self.app(scope, receive, send)
            return
        language = negotiate(headers.get(b"accept-language", b"").decode("latin-1") or None)
        key = raw_key.decode("latin-1").strip().strip('"')
        if not key or len(key) > MAX_KEY or not key.isprintable():
            await _problem(
                send,
                422,
                N_("Invalid input"),
                _("Idempotency-Key must be 1 to 255 printable characters (a UUID is best)."),
                language,
                "invalid-input",
            )
            return
        body = await _read_body(receive)
        path = scope["path"] + (
            "?" + scope["query_string"].decode() if scope["query_string"] else ""
        )
        store: IdempotencyStore = scope["app"].state.idempotency
        try:
            outcome = await store.claim(user.user_id, key, "POST", path, body)
        except KeyReused:
            await _problem(
                send,
                422,
                N_("Invalid input"),
                _(
                    "This Idempotency-Key was already used for another request; "
                    "send a new key for a new request."
                ),
                language,
                "idempotency-key-reused",
            )
            return
        except StillRunning:
            await _problem(
                send,
                409,
                N_("Conflict"),
                _("A request with this Idempotency-Key is still being answered; try again."),
                language,
                "idempotency-key-in-use",
            )
            return
        if isinstance(outcome, Answer):
            await _replay(outcome, headers.get(b"accept-encoding", b""), send)
            return
        await _answer(self.app, scope, body, send, outcome)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message: Any = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _answer(app: ASGIApp, scope: Scope, body: bytes, send: Send, claim: Claim) -> None:
    """Run the request, keep its answer under the key, then send it."""
    sent = False

    async def replay_body() -> Any:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    messages: list[Any] = []

    async def capture(message: Any) -> None:
        messages.append(message)

    try:
        await app(scope, replay_body, capture)
    except BaseException:
        await claim.drop()
        raise
    start = next((m for m in messages if m["type"] == "http.response.start"), None)
    if start is None or start["status"] >= 500:
        await claim.drop()
    else:
        await claim.keep(
            Answer(
                start["status"],
                [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])],
                b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body"),
            )
        )
    for message in messages:
        await send(message)


async def _replay(answer: Answer, accept_encoding: bytes, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
    body = answer.body
    encoding = dict(headers).get(b"content-encoding", b"")
    if encoding == b"gzip" and b"gzip" not in accept_encoding:
        body = gzip.decompress(body)
        headers = [(k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")]
        headers.append((b"content-length", str(len(body)).encode()))
    await send(
        {"type": "http.response.start", "status": answer.status, "headers": [*headers, REPLAYED]}
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _problem(
    send: Send, status: int, title: str, detail: Message, language: str, kind: str
) -> None:
    body = msgspec.json.encode(
        {
            "type": TYPE_BASE + kind,
            "title": translate(title, language),
            "status": status,
            "detail": detail.render(language),
        }
    )
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
