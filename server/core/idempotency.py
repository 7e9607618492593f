"""Remembered answers for requests sent with an ``Idempotency-Key``: a retry gets the first answer.

A request claims its key (per user) by inserting a row in a transaction kept open while it is
answered: a second request with the same key waits on that row (PostgreSQL's unique index is
the lock), then finds the stored answer and replays it; if the first failed (5xx, crash) the
row goes with its transaction and the retry runs afresh. Answers are kept at least 24 hours
(``SAISON_IDEMPOTENCY_HOURS``), then purged.

Answers may carry secrets shown once (an API token, a feed address). They are sealed with
AES-GCM under a key derived from the Idempotency-Key itself, which the database never stores
(only a digest): a copy of the table does not give them away.

The claim uses its own small connection pool, so requests waiting on a key never hold the
connections the requests that answer need.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, LargeBinary, Text, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field, SQLModel

from server.db.engine import Database

PURGE_EVERY_SECONDS = 600


class IdempotentRequest(SQLModel, table=True):
    __tablename__ = "idempotent_requests"

    user_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    key_digest: bytes = Field(sa_column=Column(LargeBinary, primary_key=True))
    method: str = Field(sa_type=Text)
    path: str = Field(sa_type=Text)
    request_digest: bytes = Field(sa_type=LargeBinary)  # of method, path and body
    status: int | None = Field(default=None, sa_type=Integer)
    response: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime | None = Field(
        default=None,
        sa_column=Column(DateTime(timezone=True), server_default=text("now()"), nullable=False),
    )
    expires_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as it was sent: status, headers (latin-1 text pairs) and body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


class KeyReused(Exception):
    """The key was first used for another request (method, path or body differ)."""


class StillRunning(Exception):
    """The key's first request is somehow unfinished (only if its row lost its answer)."""


def _derive(purpose: bytes, user_id: int, key: str) -> bytes:
    return hashlib.sha256(
        b"saison idempotency " + purpose + b"\0%d\0" % user_id + key.encode()
    ).digest()


def fingerprint(method: str, path: str, body: bytes) -> bytes:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\0" + body).digest()


class Claim:
    """A key this request now answers: ``keep`` the answer, or ``drop`` the claim."""

    def __init__(self, connection: AsyncConnection, user_id: int, key: str) -> None:
        self._connection = connection
        self._user_id = user_id
        self._key = key

    async def keep(self, answer: Answer) -> None:
        sealed = _seal(self._user_id, self._key, answer)
        try:
            await self._connection.execute(
                text(
                    "UPDATE idempotent_requests SET status = :status, response = :response "
                    "WHERE user_id = :user AND key_digest = :key"
                ),
                {
                    "status": answer.status,
                    "response": sealed,
                    "user": self._user_id,
                    "key": _derive(b"lookup", self._user_id, self._key),
                },
            )
            await self._connection.commit()
        finally:
            await self._connection.close()

    async def drop(self) -> None:
        try:
            await self._connection.rollback()
        finally:
            await self._connection.close()


def _seal(user_id: int, key: str, answer: Answer) -> bytes:
    nonce = os.urandom(12)
    plain = msgspec.msgpack.encode({"h": answer.headers, "b": answer.body})
    return nonce + AESGCM(_derive(b"seal", user_id, key)).encrypt(nonce, plain, None)


def _open(user_id: int, key: str, status: int, sealed: bytes) -> Answer:
    plain = AESGCM(_derive(b"seal", user_id, key)).decrypt(sealed[:12], sealed[12:], None)
    data = msgspec.msgpack.decode(plain)
    return Answer(status, [(name, value) for name, value in data["h"]], data["b"])


class IdempotencyStore:
    def __init__(self, url: str, hours: int) -> None:
        self.db = Database(url, pool_size=4)
        self.keep_for = timedelta(hours=hours)
        self._purged_at = 0.0

    async def claim(
        self, user_id: int, key: str, method: str, path: str, body: bytes
    ) -> Claim | Answer:
        """Claim ``key`` for this request, or get the answer of the request that claimed it.

        Raises ``KeyReused`` when that request was another one.
        """
        await self.purge_if_due()
        digest = _derive(b"lookup", user_id, key)
        request = fingerprint(method, path, body)
        connection = await self.db.engine.connect()
        try:
            params = {"user": user_id, "key": digest}
            # An expired answer no longer counts: the key is free again.
            await connection.execute(
                text(
                    "DELETE FROM idempotent_requests "
                    "WHERE user_id = :user AND key_digest = :key AND expires_at < now()"
                ),
                params,
            )
            claimed = await connection.execute(
                text(
                    "INSERT INTO idempotent_requests "
                    "(user_id, key_digest, method, path, request_digest, expires_at) "
                    "VALUES (:user, :key, :method, :path, :request, now() + :keep) "
                    "ON CONFLICT DO NOTHING RETURNING 1"
                ),
                {
                    **params,
                    "method": method,
                    "path": path,
                    "request": request,
                    "keep": self.keep_for,
                },
            )
            if claimed.first() is not None:
                return Claim(connection, user_id, key)
            row = (
                await connection.execute(
                    text(
                        "SELECT method, path, request_digest, status, response "
                        "FROM idempotent_requests WHERE user_id = :user AND key_digest = :key"
                    ),
                    params,
                )
            ).first()
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        await connection.close()
        if row is None:  # claimed and dropped between our two statements: rare, try again
            return await self.claim(user_id, key, method, path, body)
        if bytes(row.request_digest) != request:
            raise KeyReused(row.method, row.path)
        if row.status is None or row.response is None:
            raise StillRunning()
        try:
            return _open(user_id, key, row.status, bytes(row.response))
        except InvalidTag as error:  # cannot happen unless the row was tampered with
            raise KeyReused(row.method, row.path) from error

    async def purge_if_due(self) -> None:
        """Forget expired answers, at most every few minutes per process."""
        now = time.monotonic()
        if now - self._purged_at < PURGE_EVERY_SECONDS:
            return
        self._purged_at = now
        await self.purge()

    async def purge(self) -> int:
        async with self.db.engine.begin() as connection:
            result: Any = await connection.execute(
                text("DELETE FROM idempotent_requests WHERE expires_at < now()")
            )
            return int(result.rowcount or 0)

    async def dispose(self) -> None:
        await self.db.dispose()
