"""Coverage in a few lines at the end of a run: one line per area of the code, then the total.

pytest-cov measures (``--cov`` in pyproject.toml, server processes included through
coverage's ``patch = ["subprocess"]``) and writes ``.coverage``; its own file-by-file table is
turned off (``--cov-report=``) so that CI's log stays readable. The lines here are read from
that file: ``coverage report -m --skip-covered`` (or ``coverage html``) afterwards tells line by
line what no test ran.

A test marked ``unmeasured`` runs with coverage paused in the test's own process: what it
exercises runs in a server process, and tracing the test's own work (schemathesis generating
thousands of requests) only cost time. pytest-cov's ``no_cover`` pauses only its own
measurement; in a pytest-xdist worker, coverage's start-up measurement (``patch =
["subprocess"]``) then takes over, so both are paused here. Measuring starts again in the test's
thread and in threads started later; threads that already ran (the documents' compiler pool)
stay unmeasured for the rest of that process, so a few lines only ever run there may be counted
as missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator
from pathlib import Path

import coverage
import pytest

ROOT = Path(__file__).resolve().parent.parent


def area(path: Path) -> str:
    """``server/accounts/x.py`` → ``server/accounts``; top-level modules stay with their package."""
    parts = path.relative_to(ROOT).parts
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def summary(cov: coverage.Coverage) -> list[str]:
    """Statements and missed ones per area, every file of the measured packages counted (one
    no test imports too, as missed entirely)."""
    statements: dict[str, int] = defaultdict(int)
    missing: dict[str, int] = defaultdict(int)
    for package in cov.config.source or ():
        for source in sorted((ROOT / package).rglob("*.py")):
            _, lines, _, missed, _ = cov.analysis2(str(source))
            statements[area(source)] += len(lines)
            missing[area(source)] += len(missed)
    statements["TOTAL"], missing["TOTAL"] = sum(statements.values()), sum(missing.values())
    width = max(map(len, statements))
    lines = [f"{'area':<{width}}  statements  missed  covered"]
    for name in [*sorted(statements.keys() - {"TOTAL"}), "TOTAL"]:
        if statements[name]:
            covered = 100 * (1 - missing[name] / statements[name])
            lines.append(
                f"{name:<{width}}  {statements[name]:>10}  {missing[name]:>6}  {covered:6.1f}%"
            )
    return lines


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "unmeasured: coverage paused in the test process (a server process works)"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    if item.get_closest_marker("unmeasured") is None:
        return (yield)
    paused = []
    try:
        while (measuring := coverage.Coverage.current()) is not None:
            measuring.stop()  # the one started before it, if any, takes over: stopped in turn
            paused.append(measuring)
        return (yield)
    finally:
        for measuring in reversed(paused):
            measuring.start()


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """After pytest-cov has combined what every process measured (at the session's end)."""
    plugin = config.pluginmanager.get_plugin("_cov")
    controller = getattr(plugin, "cov_controller", None)
    if controller is None or getattr(config, "workerinput", None) is not None:
        return  # coverage off (--no-cov), or a worker of pytest-xdist
    terminalreporter.write_sep("-", "coverage (coverage report -m --skip-covered: line by line)")
    for line in summary(controller.cov):
        terminalreporter.write_line(line)
