"""Test-suite set-up: shared expensive inputs, and how the suite runs on several workers.

``make test`` runs the suite on two processes (pytest-xdist, ``-n 2 --dist loadgroup``).
Three things here keep that cheap and correct:

* Tests that use an expensive module- or session-scoped fixture (a calibration, a grid of
  sweeps, the Lolland-Falster report's inputs) are put in one ``xdist_group`` per fixture
  owner, so the fixture is built once, by one worker, instead of once per worker.
* The slowest tests are handed out first (longest first: the last minute is then spent on
  many small tests that even out the two workers, not on one long test on one worker).
* Before the workers start, the controller compiles the engine's numba functions once, so
  the on-disk cache (``__pycache__`` beside the sources) is complete when two workers and
  their child processes start: none of them compiles, and none writes the cache at the same
  time as another (on a fresh clone every function would otherwise be compiled by each
  worker at once, and two writers of one cache index can leave it pointing at the other's
  code).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from shared_inputs import Inputs, lolland_inputs

#: Expensive fixtures scoped wider than one test, by the file that defines them, and the
#: xdist group of the tests that use them.
SHARED_FIXTURES: dict[tuple[str, str], str] = {
    ("test_calibration.py", "midterm"): "calibration-midterm",
    ("test_levers.py", "fine_grid"): "levers-fine-grid",
    ("test_plots.py", "results"): "plots",
    ("test_plots.py", "sensitivities"): "plots",
    ("test_plots.py", "calibration"): "plots",
    ("test_report.py", "inputs"): "lolland-report",
    ("test_report.py", "lolland"): "lolland-report",
    ("test_browser.py", "inputs"): "lolland-report",
    ("test_sbc.py", "worlds"): "synthetic-worlds",
}

#: Rough seconds on one quiet core, to hand out the long tests first (any test not named
#: here: 5 if marked slow, else 0). Only the order depends on these, never a result.
COST: dict[str, float] = {
    "test_notebooks.py::test_notebook_executes[03": 60,
    "group:synthetic-worlds": 100,
    "group:calibration-midterm": 40,
    "test_fuzz.py::test_scenario_mutants": 40,
    "test_cli.py::test_every_command_runs_from_the_console_script": 30,
    "test_notebooks.py::test_notebook_executes[05": 27,
    "test_explorer.py::test_the_explorer_in_chromium": 25,
    "group:lolland-report": 25,
    "test_experiments.py::test_target_interval_covers": 20,
    "test_calibration.py::test_same_seed_same_calibration": 15,
    "group:plots": 15,
    "test_notebooks.py": 12,
    "test_levers.py::test_sweep_on_dask": 12,
    "test_experiments.py::test_serial_two_workers_and_dask": 12,
    "group:levers-fine-grid": 12,
}


def _xdist_controller(config: pytest.Config) -> bool:
    """True in the process that hands out tests to xdist workers (not in a worker)."""
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


def _warm_numba_cache() -> None:
    """Compile every numba function of the fast engine into its on-disk cache, once."""
    from factory import build, target
    from labour_sim import Execution, run_experiment

    scenario = build({"targets": [target("ordinary_5", "ordinary", 5)]})
    # A whole experiment, not one replication: the summaries' tallies are compiled too.
    run_experiment(scenario, 2, 0, execution=Execution(workers=1, progress=False))


# -- a real browser (test_browser.py, test_explorer.py) ---------------------------------------
# Chromium is installed with apt-get when /usr/bin/chromium is missing (once per session;
# needs root); the tests skip, saying why, only when that install fails. Playwright drives
# the system browser (executable_path), so `playwright install` is not needed.
CHROMIUM = Path("/usr/bin/chromium")


def _install_chromium() -> str | None:
    """apt-get update and install Debian's chromium; ``None`` on success, else why not."""
    if shutil.which("apt-get") is None:
        return "no apt-get on this machine"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        return "installing it needs root (apt-get install -y chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(command)} failed: {exc}"
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return f"{' '.join(command)} exited with {proc.returncode}: {last}"
    return None


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Path of a Chromium binary, installed once per session if missing."""
    if not CHROMIUM.exists():
        problem = _install_chromium()
        if problem is not None or not CHROMIUM.exists():
            pytest.skip(f"no headless Chromium at {CHROMIUM}: {problem or 'not installed'}")
    return CHROMIUM


@pytest.fixture
def browser(chromium: Path) -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package (dev extras) is not installed"
    )
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(chromium), headless=True, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            launched.close()


def pytest_configure(config: pytest.Config) -> None:
    if _xdist_controller(config):
        _warm_numba_cache()


def _cost(item: pytest.Item, group: str | None) -> float:
    if group is not None and f"group:{group}" in COST:
        return COST[f"group:{group}"]
    name = f"{Path(item.path).name}::{item.name}"
    for key, seconds in COST.items():
        if name.startswith(key):
            return seconds
    return 5.0 if item.get_closest_marker("slow") else 0.0


def _group(item: pytest.Item) -> str | None:
    file = Path(item.path).name
    fixtures = getattr(item, "fixturenames", ())
    names = {g for (f, name), g in SHARED_FIXTURES.items() if f == file and name in fixtures}
    return min(names) if names else None


def pytest_itemcollected(item: pytest.Item) -> None:
    # Marked as each test is collected, before xdist reads the groups off the marks.
    group = _group(item)
    if group is not None:
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups = {item.nodeid: g for item in items if (g := _group(item)) is not None}
    if not hasattr(config, "workerinput"):
        return
    # Every worker sorts alike (xdist needs one order); a group's tests keep one cost and
    # their order, so a module's fixture is set up once and torn down once.
    costs = {item.nodeid: _cost(item, groups.get(item.nodeid)) for item in items}
    for item in items:
        if item.nodeid in groups:
            costs[item.nodeid] = max(
                c for n, c in costs.items() if groups.get(n) == groups[item.nodeid]
            )
    order = {item.nodeid: i for i, item in enumerate(items)}
    items.sort(key=lambda item: (-costs[item.nodeid], order[item.nodeid]))


@pytest.fixture(scope="session")
def inputs() -> Inputs:
    """The Lolland-Falster report's inputs, built once (the report tests and the browser)."""
    return lolland_inputs()
