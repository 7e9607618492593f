"""Pushes never reach inside the venue's network unless a deployment allows it: checked when a
target is saved and again when connecting (a name may resolve elsewhere by then)."""

from __future__ import annotations

import pytest

from server.core.signed_post import client, post_signed, target_problem
from server.feeds.subscriptions import new_secret
from tests.feeds.receiver import Receiver

INSIDE = [
    "http://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
    "http://127.0.0.1:8000/hooks",
    "http://localhost:8000/hooks",
    "https://10.1.2.3/hooks",
    "https://172.16.0.9/hooks",
    "https://192.168.1.20/hooks",
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[fd00::5]/hooks",
    "https://[::ffff:10.0.0.1]/hooks",
    "https://0.0.0.0/hooks",
    "https://240.0.0.1/hooks",  # reserved
    "https://224.0.0.1/hooks",  # multicast
]


@pytest.mark.parametrize("url", INSIDE)
async def test_a_target_inside_the_network_is_refused_unless_allowed(url):
    problem = await target_problem(url, allow_private=False)
    assert problem is not None and "SAISON_WEBHOOK_ALLOW_PRIVATE" in str(problem)
    assert await target_problem(url, allow_private=True) is None


@pytest.mark.parametrize("url", ["https://93.184.215.14/hooks", "https://[2606:4700::1111]/h"])
async def test_a_public_address_is_accepted(url):
    assert await target_problem(url, allow_private=False) is None


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_the_connection_itself_refuses_an_address_inside_the_network(receiver, host):
    url, secret = receiver.url.replace("127.0.0.1", host), new_secret()
    receiver.secrets.append(secret)
    async with client(allow_private=False) as http:
        outcome = await post_signed(http, url, secret, "msg_1", {"a": 1}, 2)
    assert not outcome.ok and outcome.status_code is None
    assert "inside the network" in (outcome.error or "")
    assert receiver.received() == []
    async with client(allow_private=True) as http:
        outcome = await post_signed(http, url, secret, "msg_2", {"a": 1}, 2)
    assert outcome.ok and len(receiver.received()) == 1
