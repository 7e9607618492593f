"""The OpenAPI description tells the truth: schemathesis over every operation of a running server.

Every operation the document describes is called with examples generated from it (boundary
values, wrong types, NUL bytes, huge numbers, unexpected methods, random bodies), as a signed-in
administrator on a small season. Any answer must be one the document declares: no server error,
a declared status code, content type and headers, a body matching its schema, and a 405 that
says which methods the address takes. Generation is derandomized with a fixed seed and bounded
per operation, so a run is repeatable.

The operations are shared out in four parts, each a test of its own on a season of its own
(``test_every_operation_answers_as_described_part_1``…), so that pytest-xdist runs them side by
side.

What is not called, and why:
- the live updates websocket (``/api/v1/live``): OpenAPI does not describe websockets (it is
  tested in tests/realtime/);
- CalDAV (``/dav/``): WebDAV methods and XML bodies are outside OpenAPI (tests/calendar_bridge/);
- inputs that would revoke or disable the administrator's own access (deleting its own token,
  deactivating or deleting itself): the operations are still called, with other ids; ending the
  run's own credential would leave every later operation answering only 401.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis.transport.requests import ManagedCookiesSession

from server.processes import spawn_server
from tests.conftest import Api

# Every check schemathesis has, except where noted.
CHECKS: dict[str, Any] = {
    "enabled": True,
    # "Valid data is accepted": a request the document allows may still be refused by a rule
    # no schema can state (a room already booked: 409; ends before it starts: 422; an old or
    # missing version: 412, 428). A conditional read may answer 304 (If-None-Match: * on a
    # public feed that exists). What is checked is that it is never refused as unreadable,
    # too large, of the wrong type or method (400, 405, 413, 415) nor fails.
    "positive_data_acceptance": {
        "expected-statuses": ["2XX", 304, 401, 403, 404, 409, 412, 422, 428, 429]
    },
}
MAX_EXAMPLES = 3  # random examples per operation, after the boundary ("coverage") cases
SEED = 20261130
PARTS = 4


@pytest.fixture(autouse=True)
def _requests_with_urllib3_future(monkeypatch: pytest.MonkeyPatch) -> None:
    """caldav brings urllib3-future, which takes the place of the ``urllib3`` package that
    requests uses. schemathesis counts a session's open connections (to resend a request a
    server dropped on a reused connection) through an attribute only urllib3 has, and fails
    on every request; counting nothing keeps the resend and drops only that bookkeeping."""
    import schemathesis.transport.requests as transport

    monkeypatch.setattr(transport, "_count_opened_connections", lambda session: 0)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """schemathesis (4.32) names each operation's part of the test through ``_nodeid``, which
    pytest 9.2 no longer has: give it one to read and write (pytest keeps its own id apart)."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


@pytest.fixture
def connections() -> Iterator[requests.Session]:
    """One session for every call, so its connections stay open from one call to the next
    (schemathesis otherwise opens a session, a connection and, with urllib3-future, a thread
    per call: most of the run's time). It sends only each case's headers, as schemathesis'
    own session does, and forgets the cookies a response set before the next call."""
    session = ManagedCookiesSession()
    session.headers = CaseInsensitiveDict()
    yield session
    session.close()


@pytest.fixture
async def own_access(admin: Api, season: Any) -> AsyncIterator[dict[str, Any]]:
    """The administrator's token (made as the README says) and what must not end it.

    At the end the token must still work: had the run revoked it, every later operation would
    have been answered 401 (a declared answer) and proven nothing.
    """
    tokens = (await admin.get("/auth/tokens")).json()
    assert admin.user is not None
    yield {
        "headers": {"Authorization": admin.http.headers["Authorization"]},
        "user_id": admin.user["id"],
        "token_ids": {token["id"] for token in tokens},
    }
    me = await admin.get("/auth/me")
    assert me.status_code == 200, f"the run lost its own access: {me.text}"
    assert me.json()["is_admin"], me.text


def part_of(method: str, path: str) -> int:
    """The part an operation belongs to: the same in every run and every process."""
    return zlib.crc32(f"{method.upper()} {path}".encode()) % PARTS


@pytest.fixture(scope="session")
def unmeasured_server(database_url: str) -> Iterator[str]:
    """A server process of the run's database that coverage does not measure: its thousands
    of generated requests ran no line the other tests do not (1 December: the run missed
    2,239 statements of 15,490 without measuring them, 2,234 to 2,243 with), and measuring
    them cost seconds of each part."""
    server = spawn_server(database_url, measured=False).ready()
    yield server.url
    server.stop()


@pytest.fixture
def api_schema(unmeasured_server: str, own_access: dict[str, Any]) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": dict(own_access["headers"]),
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "checks": CHECKS,
        }
    )
    return schemathesis.openapi.from_url(
        unmeasured_server + "/schema/openapi.json",
        config=config,
        headers=dict(own_access["headers"]),
    )


schema = schemathesis.pytest.from_fixture("api_schema")


def ends_own_access(case: schemathesis.Case, own: dict[str, Any]) -> bool:
    """Whether this call would revoke or disable the credential the run itself uses."""
    params = case.path_parameters or {}
    if case.path == "/api/v1/auth/tokens/{token_id}":
        return params.get("token_id") in own["token_ids"]
    if case.path == "/api/v1/users/{record_id}" and case.method.upper() in ("PATCH", "DELETE"):
        return params.get("record_id") == own["user_id"]
    return False


def operations_of_part(part: int) -> Any:
    """A test of every operation of one part (``part_of``)."""

    def test(
        case: schemathesis.Case,
        own_access: dict[str, Any],
        connections: requests.Session,
    ) -> None:
        if ends_own_access(case, own_access):
            return
        case.call_and_validate(session=connections, headers=dict(own_access["headers"]), timeout=30)

    in_part = schema.include(lambda ctx: part_of(ctx.operation.method, ctx.operation.path) == part)
    return pytest.mark.unmeasured(in_part.parametrize()(test))


test_every_operation_answers_as_described_part_1 = operations_of_part(0)
test_every_operation_answers_as_described_part_2 = operations_of_part(1)
test_every_operation_answers_as_described_part_3 = operations_of_part(2)
test_every_operation_answers_as_described_part_4 = operations_of_part(3)
