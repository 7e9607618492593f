"""Screens and writes meet in a server process: live updates travel over real websockets, which
only a process serving them has."""

from __future__ import annotations

import pytest

from tests.conftest import Served


@pytest.fixture
def served(server_url: str) -> Served:
    return Served(server_url)
