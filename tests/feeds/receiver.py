"""A webhook receiver as an integrator writes one: a real HTTP server on loopback (its own
thread), checking signatures with ``standardwebhooks`` and applying each message once (by its
``webhook-id``), whatever the number of times it arrives."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Arrival:
    message_id: str
    body: dict[str, Any]
    verified: bool
    status: int


class Receiver:
    """Answers 200 unless told otherwise: ``answers`` is consumed one per request (a status
    code, or "hang": no answer until the sender gives up)."""

    def __init__(self) -> None:
        self.secrets: list[str] = []  # of the subscriptions that post here
        self.arrivals: list[Arrival] = []
        self.applied: dict[str, dict[str, Any]] = {}  # webhook-id -> body: the effect, once
        self.answers: deque[int | str] = deque()
        self.always: int = 200
        self.hang_seconds = 3.0
        # From this request on (counted from 0), hold each until ``released`` is set.
        self.hold_after: int | None = None
        self.released = threading.Event()
        self.seen = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.handle(self, body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # Polling for shutdown every 20 ms: the default half second was every test's teardown.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/saison"

    def handle(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        with self.lock:
            number, self.seen = self.seen, self.seen + 1
        if self.hold_after is not None and number >= self.hold_after:
            self.released.wait(60)
        with self.lock:
            answer = self.answers.popleft() if self.answers else self.always
        headers = {k: v for k, v in request.headers.items()}
        data, verified = json.loads(body), False
        for secret in self.secrets:
            try:
                data, verified = Webhook(secret).verify(body, headers), True
                break
            except WebhookVerificationError:
                continue
        if not verified:
            answer = 401
        message_id = headers.get("webhook-id", "")
        status = 0 if answer == "hang" else int(answer)  # 0: took too long, did nothing
        with self.lock:
            self.arrivals.append(Arrival(message_id, data, verified, status))
            if verified and 200 <= status < 300:
                self.applied.setdefault(message_id, data)  # a duplicate changes nothing
        if answer == "hang":
            time.sleep(self.hang_seconds)
        try:
            request.send_response(status or 200)
            request.send_header("content-length", "0")
            request.end_headers()
        except OSError:
            pass  # the sender gave up waiting

    def received(self) -> list[Arrival]:
        with self.lock:
            return list(self.arrivals)

    def effects(self) -> list[dict[str, Any]]:
        """What the receiver did, in the order it did it."""
        with self.lock:
            return list(self.applied.values())

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()
