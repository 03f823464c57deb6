"""Run many lever settings ("points") on common random numbers; one file per finished point.

Every point runs replications ``0 .. R-1`` with the same seed, so point ``i`` and point
``j`` share their random numbers (the same citizens, durations and luck) and differ only
by the levers. The points are the settings of the experiments' one driver
(:func:`~labour_sim.experiments.driver.run_settings`), which runs them in this process, in
local worker processes or on a Dask cluster.

When a point's last chunk arrives its replications are reduced to one summary row:

* per target: ``probability:NAME`` with its Wilson 95 % interval (``ci_low:NAME``,
  ``ci_high:NAME``) and the outcome's ``median:NAME``, ``p10:NAME``, ``p90:NAME``;
* the mean of every numeric outcome of the replications table, under the same name
  (``ordinary``, ``target:NAME`` = the mean count at the target's date, ``cost:programme``...);
  a "per" figure (``cost:per_sustained_job``...) is the mean numerator over the mean
  denominator, as in :func:`~labour_sim.experiments.results.cost_table` (none dropped);

and, on request, the per-replication values of a few columns (``keep``), which goal
seeking and the tornado's paired intervals need. With ``out`` the row is written at once
as ``chunks/point-NNNNNN.parquet`` (atomically, in a :class:`RunFolder`): a restarted run
with the same arguments runs only the points that have no file yet, and its table is
identical to an uninterrupted one, whatever the executor or the number of workers.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..errors import Problem, ScenarioError
from ..experiments.driver import run_settings, units_of
from ..experiments.execution import Execution
from ..experiments.posterior import PosteriorDraws
from ..experiments.store import RunFolder, damaged, read_parquet, write_parquet
from ..metrics import PER_FIGURES
from ..scenario import Scenario
from ..stats import quantile_summary, wilson_interval
from .space import Lever, changes_at

__all__ = ["PointRuns", "check_calibrated", "run_points", "summarise_point"]

_POINT = re.compile(r"point-\d{6}")
#: Columns of a replication row that identify it rather than measure an outcome.
IDENTIFIERS = frozenset({"scenario", "scenario_hash", "seed", "replication", "events", "particle"})


@dataclass(frozen=True, eq=False)
class PointRuns:
    """What :func:`run_points` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per point, in point order: ``point``, the lever values, ``replications``
        and the summary columns (see the module docstring).
    kept : dict of str to numpy.ndarray
        Per-replication values of each kept column, shape ``(points, replications)``.
    simulations : int
        Replications run by this call (0 when every point was already on disk).
    """

    table: pd.DataFrame
    kept: dict[str, NDArray[np.float64]]
    simulations: int


def run_points(
    scenario: Scenario,
    levers: Sequence[Lever],
    points: pd.DataFrame,
    replications: int,
    seed: int,
    *,
    keep: Sequence[str] = (),
    execution: Execution | None = None,
    description: str = "replications",
    calibration: PosteriorDraws | None = None,
) -> PointRuns:
    """Run ``replications`` replications at every point of ``points`` (common random numbers).

    Parameters
    ----------
    scenario : Scenario
        The baseline programme.
    levers : sequence of Lever
        The levers; ``points`` has one column per lever path.
    points : pandas.DataFrame
        One row per point: the lever values.
    replications : int
        Replications per point (numbers ``0 .. replications - 1`` at every point).
    seed : int
        The common seed.
    keep : sequence of str
        Replication columns whose per-replication values to keep.
    execution : Execution, optional
        Workers, executor, progress, chunk size; with ``out`` each finished point is stored
        at once and a restart resumes.
    description : str
        Label of the progress bar.
    calibration : PosteriorDraws, optional
        Run every point calibrated: replication ``r`` of every point at the same posterior
        draw (so the points still share their random numbers), the lever's value over the
        draw's. A lever may not be a calibrated parameter.
    """
    execution = execution or Execution()
    if replications < 1:
        raise ScenarioError.single("replications", "a whole number >= 1", replications)
    if calibration is not None:
        check_calibrated(scenario, [lever.path for lever in levers], calibration, seed)
    changes = [changes_at(levers, row) for row in points.to_numpy(dtype=float)]
    _check_points(scenario, changes)
    folder = None
    if execution.out is not None:
        key = run_key(scenario, levers, points, replications, seed, keep)
        if calibration is not None:
            key["calibration"] = calibration.fingerprint
        folder = RunFolder(execution.out, key, execution.overwrite)
    done = _load_points(folder, len(points), replications) if folder else {}
    units = [
        unit
        for i in range(len(points))
        if i not in done
        for unit in units_of(i, range(replications), execution.chunk_size)
    ]
    pending: dict[int, list[pd.DataFrame]] = {}
    chunks = run_settings(
        scenario, changes, units, seed, execution, description=description, draws=calibration
    )
    for chunk in chunks:
        pending.setdefault(chunk.setting, []).append(chunk.rows)
        if sum(len(rows) for rows in pending[chunk.setting]) == replications:
            rows = pd.concat(pending.pop(chunk.setting), ignore_index=True)
            done[chunk.setting] = _finish(scenario, points, chunk.setting, rows, keep, folder)
    total = sum(stop - start for _, start, stop in units)
    return _assemble(levers, points, done, keep, total)


def check_calibrated(
    scenario: Scenario, paths: Sequence[str], calibration: PosteriorDraws, seed: int
) -> None:
    """Levers must not be calibrated parameters, and the draws must apply to ``scenario``."""
    problems = [
        Problem(path, "a lever the calibration does not set", f"a parameter of {calibration.label}")
        for path in paths
        if path in calibration.paths
    ]
    if problems:
        raise ScenarioError(problems, "levers")
    scenario.with_changes(calibration.changes(scenario, seed, 0, 1)[0])  # one clear error


def _check_points(scenario: Scenario, changes: list[dict[str, float | int]]) -> None:
    """Every point must give a valid scenario; report the first few that do not."""
    problems = []
    for change in changes:
        try:
            scenario.with_changes(change)
        except ScenarioError as exc:
            where = ", ".join(f"{k}={v:g}" for k, v in change.items())
            problems.append(Problem(f"point {where}", "a valid scenario", str(exc.problems[0])))
    if problems:
        head = problems[:5]
        if len(problems) > 5:
            head.append(Problem("...", "valid points", f"{len(problems) - 5} more invalid"))
        raise ScenarioError(head, "levers")


def run_key(
    scenario: Scenario,
    levers: Sequence[Lever],
    points: pd.DataFrame,
    replications: int,
    seed: int,
    keep: Sequence[str],
) -> dict[str, Any]:
    """What identifies a run of points (a folder holding another run is refused)."""
    design = np.ascontiguousarray(points.to_numpy(dtype=float)).tobytes()
    return {
        "kind": "lever points",
        "scenario_hash": scenario.hash,
        "seed": seed,
        "replications": replications,
        "levers": [lever.path for lever in levers],
        "points": len(points),
        "design_hash": hashlib.sha256(design).hexdigest()[:16],
        "keep": list(keep),
    }


def summarise_point(rows: pd.DataFrame, targets: Sequence[str]) -> dict[str, float]:
    """One point's replications -> its summary row (see the module docstring).

    The numeric columns are converted to floats once and every figure is taken from that
    matrix: a column's mean over its finite values (:func:`_finite_means`), a "per"
    figure's numerator and denominator as pandas' ``Series.mean`` takes them
    (:func:`_skipna_mean`), so every figure is the one per-column pandas calls give, bit
    for bit, at a fraction of their cost (a point is summarised in the main process while
    the workers run the next ones).
    """
    n = len(rows)
    columns = [str(column) for column in rows.columns]
    number = np.array([kind.kind in "biuf" for kind in rows.dtypes], dtype=bool)
    numbers = [column for column, yes in zip(columns, number, strict=True) if yes]
    matrix = np.ascontiguousarray(rows.loc[:, number].to_numpy(dtype=float).T)
    values = dict(zip(numbers, matrix, strict=True))
    means = dict(zip(numbers, _finite_means(matrix), strict=True))
    out: dict[str, float] = {}
    for name in targets:
        reached = int(values[f"reached:{name}"].sum())
        low, high = wilson_interval(reached, n)
        spread = quantile_summary(values[f"target:{name}"])
        out[f"probability:{name}"] = reached / n
        out[f"ci_low:{name}"], out[f"ci_high:{name}"] = low, high
        for stat in ("median", "p10", "p90"):
            out[f"{stat}:{name}"] = spread[stat]
    for column in columns:
        if column in IDENTIFIERS or column.startswith("reached:"):
            continue
        if column in PER_FIGURES and f"{column}:n" in values:  # mean numerator / mean denominator
            den = _skipna_mean(values[f"{column}:n"])
            num = _skipna_mean(values[PER_FIGURES[column][0]])
            out[column] = num / den if den > 0 else math.nan
        elif column in means:
            out[column] = means[column]
    return out


def _finite_means(matrix: NDArray[np.float64]) -> list[float]:
    """Each row's mean over its finite values (``nan`` if none), as ``row[finite].mean()``.

    A row with only finite values is summed in place (a C-contiguous row is reduced by the
    same pairwise sum as the row alone), the others one by one.
    """
    finite = np.isfinite(matrix)
    whole = finite.all(axis=1)
    means: list[float] = (matrix.sum(axis=1) / np.float64(matrix.shape[1])).tolist()
    for k in np.flatnonzero(~whole):
        kept = matrix[k][finite[k]]
        means[k] = float(kept.mean()) if len(kept) else math.nan
    return means


def _skipna_mean(values: NDArray[np.float64]) -> float:
    """``Series.mean()`` of float values: NaN left out (as zeros in the sum), inf kept."""
    missing = np.isnan(values)
    count = len(values) - int(missing.sum())
    if count == 0:
        return math.nan
    total = np.where(missing, 0.0, values).sum() if missing.any() else values.sum()
    return float(total / np.float64(count))


def _finish(
    scenario: Scenario,
    points: pd.DataFrame,
    point: int,
    rows: pd.DataFrame,
    keep: Sequence[str],
    folder: RunFolder | None,
) -> dict[str, Any]:
    """The finished point's row (stored at once when there is a folder)."""
    rows = rows.sort_values("replication", ignore_index=True)
    summary = summarise_point(rows, [t.name for t in scenario.targets])
    record: dict[str, Any] = {"point": point}
    record.update({str(k): v for k, v in points.iloc[point].items()})
    record["replications"] = len(rows)
    record.update(summary)
    for column in keep:
        record[f"rep:{column}"] = rows[column].to_numpy(dtype=float)
    if folder is not None:
        write_parquet(folder.chunks / f"point-{point:06d}.parquet", pd.DataFrame([record]))
    return record


def _load_points(folder: RunFolder, points: int, replications: int) -> dict[int, dict[str, Any]]:
    """The finished points on disk, each checked against its file name and the run."""
    found = {}
    for path in folder.files(_POINT, (".parquet",)):
        frame = read_parquet(path)
        point = int(path.stem.removeprefix("point-"))
        problem = None
        if not {"point", "replications"} <= set(frame.columns) or len(frame) != 1:
            problem = "not one summary row of a point"
        elif int(frame["point"].iloc[0]) != point or point >= points:
            problem = f"the row of point {frame['point'].iloc[0]} (of {points})"
        elif int(frame["replications"].iloc[0]) != replications:
            problem = f"{frame['replications'].iloc[0]} replications, {replications} expected"
        if problem is not None:
            raise damaged(path, "a finished point of this run", problem)
        found[point] = {str(k): v for k, v in frame.iloc[0].items()}
    return found


def _assemble(
    levers: Sequence[Lever],
    points: pd.DataFrame,
    done: dict[int, dict[str, Any]],
    keep: Sequence[str],
    simulations: int,
) -> PointRuns:
    """The table in point order, with dtypes fixed (so a resumed run equals a fresh one)."""
    table = pd.DataFrame([done[i] for i in range(len(points))])
    kept = {
        column: np.vstack([np.asarray(v, dtype=float) for v in table[f"rep:{column}"]])
        for column in keep
    }
    table = table.drop(columns=[f"rep:{column}" for column in keep])
    whole = {lever.path for lever in levers if lever.whole}
    for column in table.columns:
        integer = column in whole or column in ("point", "replications")
        table[column] = table[column].astype(np.int64 if integer else np.float64)
    return PointRuns(table, kept, int(simulations))
