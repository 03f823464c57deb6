"""Run an experiment: many replications, in parallel, resumable, to a chosen precision.

Replications are grouped in fixed chunks (``chunk_size`` consecutive replication numbers),
so the work, the files on disk and the final tables do not depend on the number of workers
or the executor. With ``out`` every finished chunk is stored at once; a run started again
with the same arguments reuses them and only runs what is missing.

With ``calibration`` the experiment is a posterior predictive run: replication ``r`` runs at
its own draw from the calibration's posterior (resampled by weight from a stream of the
seed, with the future drift of hiring the draws carry; see :mod:`.posterior`), and the
metadata says what it was calibrated to. Without it the metadata says the run is
uncalibrated: the scenario's numbers as written.

With ``precision`` the experiment grows in whole chunks until the Wilson 95 % interval of
every target probability has a half-width of at most ``precision`` (or ``max_replications``
is reached, which the metadata then says).
"""

from __future__ import annotations

import datetime as dt
import math
import platform
from functools import partial
from importlib import metadata as importlib_metadata
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Problem, ScenarioError
from ..replication import SERIES
from ..replication.costs import savings_horizon_date
from ..scenario import Scenario, scenario_cautions
from ..stats import wilson_interval
from ..streams import check_seed
from .driver import run_settings, units_of
from .execution import Execution
from .posterior import HasPosteriorDraws, PosteriorDraws, as_posterior_draws
from .results import Results, band_table, cost_table, target_table
from .store import RunFolder
from .worker import Chunk

__all__ = ["DEFAULT_SEED", "run_experiment"]

DEFAULT_SEED = 20180101
#: Replications of a run given neither ``replications`` nor ``precision``.
DEFAULT_REPLICATIONS = 1000
_Z95 = 1.959963984540054


def run_experiment(
    scenario: Scenario,
    replications: int | None = None,
    seed: int = DEFAULT_SEED,
    *,
    precision: float | None = None,
    max_replications: int = 100_000,
    band_replications: int = 1000,
    execution: Execution | None = None,
    calibration: PosteriorDraws | HasPosteriorDraws | None = None,
) -> Results:
    """Run ``replications`` replications of ``scenario`` and aggregate them.

    Parameters
    ----------
    scenario : Scenario
        The programme.
    replications : int, optional
        Number of replications (default 1000); not with ``precision``, which sets it.
    seed : int
        Seed of the run (a whole number >= 0); replication ``r`` uses streams ``(seed, r,
        stream)``.
    precision : float, optional
        Run until every target probability's 95 % interval half-width is at most this.
    max_replications : int, default 100000
        Upper bound in precision mode.
    band_replications : int, default 1000
        Weekly quantile bands use the first this-many replications (keeps memory flat).
    execution : Execution, optional
        Workers, executor, progress, chunk size and the result folder (``out``: chunk files
        and the final tables, see :meth:`Results.save`; started again with the same
        arguments, the run reuses finished chunks). Default: :class:`Execution()`.
    calibration : Calibration or PosteriorDraws, optional
        Run the posterior predictive: each replication at its own posterior draw over
        ``scenario`` (usually the scenario the calibration was made on). The rows record
        each replication's ``particle`` and ``parameter:PATH`` values; ``metadata
        ["calibration"]`` what it was calibrated to and what the intervals include.

    Returns
    -------
    Results
        Per-replication outcomes, weekly bands, target probabilities and metadata.

    Raises
    ------
    ScenarioError
        If ``scenario`` is not a :class:`Scenario`, an argument is out of range or not a
        whole number where one is needed, or both ``replications`` and ``precision`` are
        given.
    """
    _check_arguments(scenario, replications, seed, precision, max_replications)
    replications = DEFAULT_REPLICATIONS if replications is None else replications
    execution = execution or Execution()
    chunk_size = execution.chunk_size
    draws = as_posterior_draws(calibration) if calibration is not None else None
    if draws is not None:  # a path the scenario lacks: one clear error before any run
        scenario.with_changes(draws.changes(scenario, seed, 0, 1)[0])
    started = dt.datetime.now(dt.UTC)
    key = {
        "scenario_hash": scenario.hash, "seed": seed, "chunk_size": chunk_size,
        "band_replications": band_replications, "replications": replications,
        "precision": precision, "max_replications": max_replications,
    }  # fmt: skip
    if draws is not None:
        key["calibration"] = draws.fingerprint
    out = execution.out
    folder = RunFolder(out, key, execution.overwrite) if out is not None else None
    check = partial(_check_chunk, scenario, seed, chunk_size, band_replications)
    done = {chunk.start: chunk for chunk in folder.load(check)} if folder else {}
    n = replications if precision is None else _round_up(min(200, max_replications), chunk_size)
    history: list[tuple[int, float]] = []  # precision mode: (replications, half-width) checks
    workers = execution.workers
    while True:
        missing = [u for u in units_of(0, range(n), chunk_size) if u[1] not in done]
        if workers is None:
            workers = execution.workers_for(len(missing))
        runs = run_settings(
            scenario, [{}], missing, seed, execution.replace(workers=workers),
            keep_weekly=band_replications, draws=draws,
        )  # fmt: skip
        for chunk in runs:
            done[chunk.start] = chunk
            if folder is not None:
                folder.save(chunk)
        if precision is None:
            break
        width = _half_width(scenario, _rows(done, n))
        history.append((n, width))
        if width <= precision or n >= max_replications:
            break
        n = _next_size(scenario, _rows(done, n), precision, n, max_replications, chunk_size)
    results = _results(scenario, seed, done, n, started, execution.replace(workers=workers))
    results.metadata["calibration"] = draws.metadata(results.n, seed) if draws is not None else None
    if precision is not None:
        results.metadata["precision"] = {
            "requested_half_width": precision,
            "reached_half_width": history[-1][1],
            "max_replications": max_replications,
            "stopped_because": "precision reached"
            if history[-1][1] <= precision
            else "max replications reached",
            "checks": [{"replications": k, "half_width": w} for k, w in history],
        }
    if out is not None:
        results.save(out, execution.table_format)
    return results


def _check_chunk(
    scenario: Scenario, seed: int, chunk_size: int, keep_weekly: int, chunk: Chunk
) -> str | None:
    """What is wrong with a stored chunk of this run, or ``None``."""
    start, stop, rows = chunk.start, chunk.stop, chunk.rows
    if start % chunk_size or not 0 < stop - start <= chunk_size:
        return f"replications {start}-{stop} are not a chunk of {chunk_size}"
    if len(rows) != stop - start:
        return f"{len(rows)} rows for replications {start}-{stop - 1}"
    for column in ("replication", "seed", "scenario_hash"):
        if column not in rows:
            return f"no {column!r} column"
    if rows["replication"].tolist() != list(range(start, stop)):
        return f"not the replications {start}-{stop - 1} in order"
    if set(rows["seed"].tolist()) != {seed} or set(rows["scenario_hash"]) != {scenario.hash}:
        return f"rows of another run (seed {seed} and scenario {scenario.hash} expected)"
    kept = max(0, min(stop, keep_weekly) - start)
    weeks = math.floor(scenario.horizon_weeks) + 1
    shape = None if chunk.weekly is None else chunk.weekly.shape
    if kept and shape != (kept, weeks, len(SERIES)):
        return f"weekly counts of shape {shape}, expected {(kept, weeks, len(SERIES))}"
    return None


def _check_arguments(
    scenario: object, replications: object, seed: object, precision: object, most: object
) -> None:
    """Refuse arguments a user got wrong, each by name, before anything runs."""
    if not isinstance(scenario, Scenario):
        raise ScenarioError.single(
            "scenario", "a Scenario (from labour_sim.load_scenario)", scenario
        )
    if replications is not None and precision is not None:
        given = f"replications={replications!r} and precision={precision!r}"
        raise ScenarioError(
            [Problem("replications", "one of replications or precision, not both", given)]
        )
    if replications is not None and not _whole(replications, 1):
        raise ScenarioError.single("replications", "a whole number >= 1", replications)
    check_seed(seed)
    if precision is not None and (
        isinstance(precision, bool)
        or not isinstance(precision, Real)
        or not 0 < float(precision) < 0.5
    ):
        raise ScenarioError.single("precision", "a half-width between 0 and 0.5", precision)
    if not _whole(most, 1):
        raise ScenarioError.single("max_replications", "a whole number >= 1", most)


def _whole(value: object, minimum: int) -> bool:
    """Whether ``value`` is a whole number of at least ``minimum`` (a bool is not one)."""
    return not isinstance(value, bool) and isinstance(value, Integral) and int(value) >= minimum


def _round_up(n: int, size: int) -> int:
    return max(size, math.ceil(n / size) * size)


def _rows(done: dict[int, Chunk], n: int) -> pd.DataFrame:
    frames = [done[start].rows for start in sorted(done) if start < n]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _half_width(scenario: Scenario, rows: pd.DataFrame) -> float:
    """Largest half-width of the targets' Wilson intervals (0 without targets)."""
    widths = [0.0]
    for t in scenario.targets:
        low, high = wilson_interval(int(rows[f"reached:{t.name}"].sum()), len(rows))
        widths.append((high - low) / 2)
    return max(widths)


def _next_size(
    scenario: Scenario, rows: pd.DataFrame, eps: float, n: int, most: int, chunk: int
) -> int:
    """Replications the worst target needs for half-width ``eps`` (at least one chunk more)."""
    needed = n
    for t in scenario.targets:
        p = float(rows[f"reached:{t.name}"].mean())
        p = min(max(p, 1 / n), 1 - 1 / n)  # avoid asking for nothing at p = 0 or 1
        needed = max(needed, math.ceil(1.1 * _Z95**2 * p * (1 - p) / eps**2))
    return min(_round_up(max(needed, n + chunk), chunk), _round_up(most, chunk))


def _results(
    scenario: Scenario,
    seed: int,
    done: dict[int, Chunk],
    n: int,
    started: dt.datetime,
    execution: Execution,
) -> Results:
    rows = _rows(done, n)
    weekly = [done[s].weekly for s in sorted(done) if s < n and done[s].weekly is not None]
    stacked = np.concatenate(weekly) if weekly else np.empty((0, 0, 0), dtype=np.int32)  # type: ignore[arg-type]
    targets = target_table(scenario, rows)
    meta: dict[str, Any] = {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "scenario_file": scenario.origin,
        "scenario_text": scenario.text,
        "seed": seed,
        "replications": len(rows),
        "band_replications": int(stacked.shape[0]),
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "workers": execution.workers,
        "executor": "dask" if execution.executor is not None else "local",
        "engine": execution.engine,
        "versions": versions(),
        "grant_dkk": scenario.budget.grant_dkk.value if scenario.budget.grant_dkk else None,
        "end_date": scenario.period.end.isoformat(),
        "savings_horizon_date": savings_horizon_date(scenario).isoformat(),
        "cautions": scenario_cautions(scenario),
    }
    bands = band_table(scenario.period.start, stacked)
    return Results(rows, bands, targets, cost_table(rows), meta)


def versions() -> dict[str, str]:
    """Versions of Python, labour_sim and the libraries that shape its numbers."""
    out = {"python": platform.python_version()}
    for name in ("labour_sim", "numpy", "scipy", "simpy", "pandas", "pydantic"):
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out
