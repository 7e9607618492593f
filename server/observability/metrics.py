"""Prometheus metrics, summed over every process of a machine.

Counters and histograms live in prometheus-client's default registry; with several
processes (``saison serve --processes N``) they write to files in ``PROMETHEUS_MULTIPROC_DIR``
(which must be set before this module is first imported: the command sets it), and
``exposition`` adds up every process's files, so whichever process answers ``/metrics`` speaks
for all of them.

Figures read from the database (the change log's head, the webhook outbox's backlog) are not
kept per process: they are computed when scraped, by an async *source* registered here
(``register_source``), so they are the same whichever process answers.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text

from server.db.engine import Database

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "saison_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "saison_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
WEBSOCKETS = Gauge(
    "saison_websocket_connections",
    "Live update websockets open (all processes).",
    multiprocess_mode="livesum",
)
# Counted by whoever delivers webhooks (`saison worker`): a delivery attempt that failed.
WEBHOOK_FAILURES = Counter(
    "saison_webhook_failures", "Webhook delivery attempts that failed.", ["reason"]
)

Source = Callable[[Database], Awaitable[float]]


async def change_log_head(db: Database) -> float:
    async with db.sessions() as session:
        return float(
            (
                await session.execute(text("SELECT coalesce(max(seq), 0) FROM change_log"))
            ).scalar_one()
        )


async def no_backlog(db: Database) -> float:
    """Until the webhook outbox registers its own source (``server.app`` does)."""
    return 0.0


# name -> (help, source); ``exposition`` awaits each one.
SOURCES: dict[str, tuple[str, Source]] = {
    "saison_change_log_head_seq": ("The change log's last sequence number.", change_log_head),
    "saison_outbox_backlog": ("Webhook deliveries waiting to be sent.", no_backlog),
}


def register_source(name: str, help_text: str, source: Source) -> None:
    """A gauge computed when metrics are read (replaces a source of the same name)."""
    SOURCES[name] = (help_text, source)


def register_outbox_backlog(source: Source) -> None:
    """The webhook outbox says how many deliveries wait (``saison_outbox_backlog``)."""
    register_source("saison_outbox_backlog", SOURCES["saison_outbox_backlog"][0], source)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def prepare_multiprocess_dir(directory: Path) -> None:
    """Before the processes start: an empty directory (files of a previous run would add to
    this one's counts), named in the environment they inherit."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_VARIABLE] = str(directory)


def process_exited(directory: Path | None) -> None:
    """This process stops: its open websockets no longer count (``livesum``)."""
    if directory is not None:
        multiprocess.mark_process_dead(os.getpid(), str(directory))


class _Values(Collector):
    def __init__(self, families: list[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> Iterator[Any]:
        yield from self.families


class _Default(Collector):
    def collect(self) -> Iterator[Any]:
        yield from DEFAULT_REGISTRY.collect()


async def exposition(db: Database, directory: Path | None) -> bytes:
    """Every metric in Prometheus's text format: this process's, or (``directory``: the
    settings' ``metrics_dir``) those of every process sharing the directory."""
    registry = CollectorRegistry(auto_describe=False)
    if directory is not None:
        multiprocess.MultiProcessCollector(registry, str(directory))
    else:
        registry.register(_Default())
    families = []
    for name, (help_text, source) in SOURCES.items():
        family = GaugeMetricFamily(name, help_text)
        family.add_metric([], await source(db))
        families.append(family)
    registry.register(_Values(families))
    return generate_latest(registry)
