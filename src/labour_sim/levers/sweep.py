"""Sweeps: every target's probability, outcome interval and cost at many lever settings.

:func:`sweep` runs a full grid or a Latin hypercube of any dotted scenario paths, every
point on the same seed (common random numbers: the points differ only by their levers),
in parallel or on Dask, resumable with ``out`` (see :mod:`.points`). The result,
:class:`Sweep`, is a tidy table with one row per point:

* ``point`` and one column per lever (its value at the point), ``lever_cost`` (DKK, the sum
  of each lever's cost per unit times its value) when levers have costs, ``replications``;
* per target: ``probability:NAME``, ``ci_low:NAME``, ``ci_high:NAME`` (Wilson 95 %) and
  the outcome's ``median:NAME``, ``p10:NAME``, ``p90:NAME``;
* the mean of every outcome of a replication under its own name: milestone counts
  (``ordinary``, ``employed_26w``...), ``target:NAME``, waits and utilisation, and every
  cost (``cost:programme``, ``cost:per_sustained_job``..., DKK).

A result folder holds ``chunks/point-*.parquet`` (one per finished point), then
``sweep.parquet`` and ``metadata.json`` (scenario text and hash, seed, levers, design,
versions, times). :meth:`Sweep.where` describes where a target is met
(:mod:`.region`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..display import lines_html, lines_text
from ..errors import ScenarioError
from ..experiments import DEFAULT_SEED, Execution
from ..experiments.experiment import versions
from ..experiments.posterior import Calibrated, as_posterior_draws
from ..experiments.results import basis_words
from ..experiments.store import (
    read_json,
    read_table,
    reading,
    table_exists,
    write_json,
    write_table,
)
from ..replication import run_replication, summarise
from ..scenario import Scenario, target_spec
from ..stats import percent
from .points import IDENTIFIERS, run_points
from .region import Region, describe_region
from .space import Lever, LeverSpec, grid_design, latin_hypercube, parse_levers

__all__ = ["Sweep", "outcome_columns", "run_design", "sweep"]


@dataclass(frozen=True, eq=False)
class Sweep:
    """A sweep's table (one row per point) and what produced it.

    Attributes
    ----------
    levers : tuple of Lever
        The levers, in column order.
    table : pandas.DataFrame
        One row per point; see the module docstring for the columns.
    metadata : dict
        Scenario, seed, replications, design, versions and times.
    kept : dict of str to numpy.ndarray
        Per-replication values of kept columns, shape ``(points, replications)``.
    """

    levers: tuple[Lever, ...]
    table: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    @property
    def paths(self) -> list[str]:
        """The levers' dotted paths."""
        return [lever.path for lever in self.levers]

    @property
    def targets(self) -> list[str]:
        """Names of the scenario's targets."""
        return list(self.metadata.get("targets", []))

    def outcome(self, name: str) -> pd.Series:
        """An outcome per point: a target's name gives its probability, else a column mean."""
        column, _ = outcome_columns(name, self.targets, self.outcome_names)
        return self.table[column]

    @property
    def outcome_names(self) -> list[str]:
        """Columns of the table that are outcomes (not the point, levers or their cost)."""
        skip = {"point", "replications", "lever_cost", *self.paths}
        return [c for c in self.table.columns if c not in skip]

    def where(self, target: str, probability: float = 0.8) -> Region:
        """Where ``target`` is reached with at least ``probability`` (see :mod:`.region`)."""
        return describe_region(self, target, probability)

    def __repr__(self) -> str:
        return lines_text("Sweep", self.lines())

    def _repr_html_(self) -> str:
        return lines_html("Sweep", self.lines())

    def lines(self) -> list[str]:
        """A short account: size, and each target's best point."""
        meta = self.metadata
        out = [
            f"{meta.get('scenario', 'scenario')}: {len(self.table)} lever settings "
            f"({meta.get('design', 'design')}) x {meta.get('replications')} replications "
            f"on common random numbers (seed {meta.get('seed')})"
        ]
        out.append(f"  {basis_words(meta.get('calibration'))}")
        for name in self.targets:
            p = self.table[f"probability:{name}"]
            if p.min() == p.max():
                out.append(f"  {name}: probability {percent(p.min())} at every setting")
                continue
            best = self.table.iloc[int(np.argmax(p.to_numpy()))]
            setting = ", ".join(f"{path}={best[path]:.4g}" for path in self.paths)
            out.append(
                f"  {name}: probability {percent(p.min())} to {percent(p.max())}; "
                f"highest at {setting}"
            )
        return out

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write ``sweep.parquet``, ``metadata.json`` and any kept per-replication values.

        Kept values go to ``kept.parquet``: one row per point and replication. ``format``
        (``parquet``, ``csv`` or ``xlsx``) is the tables' format.
        """
        root = Path(folder)
        write_table(root, "sweep", self.table, format)
        if self.kept:
            write_table(root, "kept", _long(self.kept), format)
        write_json(root / "metadata.json", self.metadata)
        return root

    @classmethod
    def load(cls, folder: str | Path) -> Sweep:
        """Read a sweep written by :meth:`save`."""
        root = Path(folder)
        with reading(root, "a folder written by a sweep"):
            metadata = read_json(root / "metadata.json")
            levers = tuple(Lever.from_dict(item) for item in metadata["levers"])
            kept: dict[str, NDArray[np.float64]] = {}
            if table_exists(root, "kept"):
                long = read_table(root, "kept")
                shape = (long["point"].nunique(), long["replication"].nunique())
                for column in long.columns.drop(["point", "replication"]):
                    kept[str(column)] = long[column].to_numpy(dtype=np.float64).reshape(shape)
            return cls(levers, read_table(root, "sweep"), metadata, kept)


def _long(kept: Mapping[str, NDArray[np.float64]]) -> pd.DataFrame:
    """Kept values ``(points, replications)`` as a long table, points then replications."""
    points, reps = next(iter(kept.values())).shape
    table = pd.DataFrame(
        {
            "point": np.repeat(np.arange(points), reps),
            "replication": np.tile(np.arange(reps), points),
        }
    )
    for column, values in kept.items():
        table[column] = values.reshape(-1)
    return table


def sweep(
    scenario: Scenario,
    levers: Mapping[str, LeverSpec],
    *,
    samples: int | None = None,
    levels: int = 5,
    replications: int = 200,
    seed: int = DEFAULT_SEED,
    execution: Execution | None = None,
    calibration: Calibrated = None,
) -> Sweep:
    """Run the scenario at many lever settings on common random numbers.

    Parameters
    ----------
    scenario : Scenario
        The baseline programme.
    levers : mapping
        ``{path: (low, high) | (low, high, cost) | Range | [values] | Values}``; see
        :mod:`.space`.
    samples : int, optional
        Run a Latin hypercube of this many points; by default the full grid.
    levels : int, default 5
        Grid values of each lever given as a range without a step.
    replications : int, default 200
        Replications per point (the same replication numbers at every point).
    seed : int
        The common seed (also seeds the Latin hypercube).
    execution : Execution, optional
        How the points run; with ``out`` (the result folder) a restarted sweep with the
        same arguments skips finished points.
    calibration : Calibration or PosteriorDraws, optional
        Run every point on the calibrated model: replication ``r`` at its posterior draw,
        the same draw at every point (see :func:`.points.run_points`). No lever may be a
        calibrated parameter.

    Returns
    -------
    Sweep
    """
    parsed = parse_levers(scenario, levers)
    if samples is None:
        if levels < 2:
            raise ScenarioError.single("levels", "a whole number >= 2", levels)
        design, label = grid_design(parsed, levels), "full grid"
    else:
        design, label = latin_hypercube(parsed, samples, seed), "Latin hypercube"
    return run_design(
        scenario, parsed, design, label, replications, seed, execution=execution,
        calibration=calibration,
    )  # fmt: skip


def run_design(
    scenario: Scenario,
    levers: Sequence[Lever],
    design: pd.DataFrame,
    label: str,
    replications: int,
    seed: int,
    *,
    keep: Sequence[str] = (),
    execution: Execution | None = None,
    calibration: Calibrated = None,
) -> Sweep:
    """Run the points of ``design`` (see :func:`.points.run_points`) and make a :class:`Sweep`.

    With ``execution.out`` the points are stored as they finish and the sweep is saved there.
    With ``calibration`` every point runs calibrated (its metadata says to what).
    """
    started = dt.datetime.now(dt.UTC)
    execution = execution or Execution()
    draws = as_posterior_draws(calibration) if calibration is not None else None
    runs = run_points(
        scenario, levers, design, replications, seed, keep=keep, execution=execution,
        calibration=draws,
    )  # fmt: skip
    table = runs.table
    if any(lever.cost > 0 for lever in levers):
        cost = sum(lever.cost * table[lever.path].to_numpy(dtype=float) for lever in levers)
        table.insert(1 + len(levers), "lever_cost", cost)
    metadata = {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "scenario_file": scenario.origin,
        "scenario_text": scenario.text,
        "targets": [t.name for t in scenario.targets],
        "target_specs": {t.name: target_spec(t) for t in scenario.targets},
        "levers": [lever.as_dict() for lever in levers],
        "design": label,
        "points": len(table),
        "replications": replications,
        "seed": seed,
        "simulations": runs.simulations,
        "calibration": draws.metadata(replications, seed) if draws is not None else None,
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "versions": versions(),
    }
    result = Sweep(tuple(levers), table, metadata, runs.kept)
    if execution.out is not None:
        result.save(execution.out, execution.table_format)
    return result


def outcome_columns(name: str, targets: Sequence[str], columns: Any) -> tuple[str, str]:
    """``(table column, replication column)`` of an outcome.

    A target's name (or ``probability:NAME``) is the probability of reaching it (the mean
    of ``reached:NAME``); any other name is the mean of that replication column
    (``ordinary``, ``target:NAME``, ``cost:per_sustained_job``...), which must be one of
    ``columns``.
    """
    bare = name.removeprefix("probability:").removeprefix("reached:")
    if bare in targets:
        return f"probability:{bare}", f"reached:{bare}"
    if name in columns and not name.startswith(_SUMMARY_PREFIXES):
        return name, name
    examples = [*targets, "ordinary", "employed_26w", "cost:per_sustained_job"]
    raise ScenarioError.single(
        "outcome", f"a target name or a replication outcome, e.g. {', '.join(examples)}", name
    )


_SUMMARY_PREFIXES = ("ci_low:", "ci_high:", "median:", "p10:", "p90:")


def replication_columns(scenario: Scenario, seed: int) -> list[str]:
    """Numeric outcome columns a replication of ``scenario`` reports (one quick replication)."""
    row = summarise(scenario, run_replication(scenario, seed, 0))
    return [
        k
        for k, v in row.items()
        if k not in IDENTIFIERS and isinstance(v, int | float | bool | np.number | np.bool_)
    ]
