"""Tests that share a costly start run in the same process of pytest-xdist.

A session fixture starts once in each process that needs it: the demo season (a few seconds to
load), Redis and the two servers behind the proxy (three processes). Tests using one of
``SHARED`` are sent to one process as a group, so it starts once a run instead of once in each.

pytest-xdist's own ``--dist loadgroup`` would do this from ``xdist_group`` marks, but it renames
tests through ``item._nodeid``, which pytest 9.2 no longer reads: the marks are silently lost.
Here each process of pytest-xdist writes down the groups of the tests it collected, and the
scheduler (pytest-xdist's ``loadscope``, the groups as scopes) reads them before it shares out
the tests. Without pytest-xdist (``-n 0``) nothing changes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

SHARED = {  # fixture → group
    "demo": "demo",  # the demo season, loaded
    "redis_server": "redis",  # a Redis of the run's own, and the servers behind the proxy
}
GROUPS_DIR = "SAISON_TEST_GROUPS"  # where processes write their groups (set by the main one)


def group_of(item: pytest.Item) -> str | None:
    fixtures = set(getattr(item, "fixturenames", ()))
    return next((group for fixture, group in SHARED.items() if fixture in fixtures), None)


MADE = pytest.StashKey[str]()  # the directory this (main) process made


def pytest_configure(config: pytest.Config) -> None:
    distributed = config.pluginmanager.has_plugin("xdist") and config.getvalue("dist") != "no"
    if getattr(config, "workerinput", None) is None and distributed:
        os.environ[GROUPS_DIR] = config.stash[MADE] = tempfile.mkdtemp(prefix="saison-groups-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if MADE in config.stash:
        shutil.rmtree(config.stash[MADE], ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    worker = getattr(config, "workerinput", None)
    if worker is None or GROUPS_DIR not in os.environ:
        return
    groups = {item.nodeid: group for item in items if (group := group_of(item))}
    path = Path(os.environ[GROUPS_DIR]) / f"{worker['workerid']}.json"
    path.write_text(json.dumps(groups))  # before this process sends its collection


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "load":
        return None  # another mode was asked for explicitly
    from xdist.scheduler import LoadScopeScheduling

    class Grouped(LoadScopeScheduling):
        """``loadscope`` where a scope is a group, or else a single test (as ``load``)."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:  # every process has sent its collection by now
                self.groups = {}
                for written in Path(os.environ[GROUPS_DIR]).glob("*.json"):
                    self.groups.update(json.loads(written.read_text()))
            return self.groups.get(nodeid, nodeid)

        def remove_node(self, node: Any) -> str | None:
            """As ``load`` does, a test that took its process down is reported, not run again
            (``loadscope`` would give it to the next process, and crash that one too)."""
            workload = self.assigned_work[node]
            pending = (n for unit in workload.values() for n, done in unit.items() if not done)
            crashed = next(pending, None)
            for unit in workload.values():
                if crashed in unit:
                    unit[crashed] = True
            super().remove_node(node)
            return crashed

    return Grouped(config, log)
