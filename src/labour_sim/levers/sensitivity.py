"""Which levers matter: Morris screening, Sobol indices and a one-at-a-time tornado.

Each method is a designed sweep (:func:`.sweep.run_design`, so it runs in parallel or on
Dask and resumes from ``out/sweep``) followed by an analysis of any outcome of the sweep
table: a target's probability (give the target's name), a milestone count (``ordinary``),
a cost (``cost:per_sustained_job``), or anything else a replication reports (its mean over
the replications at each setting). All settings share their random numbers, so the
indices measure the levers, not the luck of each setting.

* :func:`morris`: SALib's Morris elementary effects on ``trajectories`` one-at-a-time
  paths through a ``levels``-level grid of the levers' ranges (``trajectories x (k + 1)``
  settings). ``mu_star`` is the mean absolute elementary effect: a step's change of the
  outcome divided by the step as a share of the lever's range (SALib's effects on the unit
  cube), so the change over the whole range were the effect linear; with a bootstrap 95 %
  interval; ``sigma`` shows interactions or non-linearity. Cheap: screen many levers first.
* :func:`sobol`: SALib's Saltelli sample (``samples x (k + 2)`` settings, ``samples`` a power
  of 2) and Sobol first-order (``S1``) and total (``ST``) indices with bootstrap 95 %
  intervals: the share of the outcome's variance over the lever ranges due to a lever
  alone, and to a lever with all its interactions.
* :func:`tornado`: each lever at its low and its high value, the others at the scenario's
  values (``2k + 1`` settings); the swing (outcome at high minus at low) with a paired
  95 % interval from the per-replication differences on common random numbers.

All randomness of the designs and bootstraps comes from
:func:`.space.design_generator` (seeded from the run's seed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from ..display import lines_html, lines_text
from ..errors import ScenarioError
from ..experiments import DEFAULT_SEED, Execution
from ..experiments.posterior import Calibrated
from ..experiments.results import basis_words
from ..experiments.store import read_json, read_table, reading, write_json, write_table
from ..metrics import COST_LABELS, METRIC_LABELS, PER_FIGURES
from ..scenario import Scenario
from ..stats import mean_interval, ratio_difference_interval
from .space import (
    Design,
    Lever,
    LeverSpec,
    design_generator,
    parse_levers,
    scaled_design,
    typed_table,
)
from .sweep import Sweep, outcome_columns, replication_columns, run_design

__all__ = ["Sensitivity", "morris", "sobol", "tornado"]

#: Bootstrap resamples behind the intervals of Morris and Sobol indices.
BOOTSTRAP_RESAMPLES = 1000
_LEVEL = 0.95


@dataclass(frozen=True, eq=False)
class Sensitivity:
    """Sensitivity indices of outcomes to levers, and the sweep they come from.

    Attributes
    ----------
    method : {'morris', 'sobol', 'tornado'}
        How the indices were computed.
    outcomes : tuple of str
        The outcomes analysed.
    table : pandas.DataFrame
        One row per outcome and lever, with ``rank`` (1 = most influential). Morris:
        ``mu, mu_star, mu_star_low, mu_star_high, sigma``; Sobol: ``S1, S1_low, S1_high,
        ST, ST_low, ST_high``; tornado: ``low, high, baseline, at_low, at_high,
        at_baseline, swing, swing_low, swing_high``.
    sweep : Sweep
        The designed sweep (its table holds every outcome at every setting).
    metadata : dict
        Method settings, seed and replications.
    """

    method: str
    outcomes: tuple[str, ...]
    table: pd.DataFrame
    sweep: Sweep
    metadata: dict[str, Any] = field(default_factory=dict)

    def ranking(self, outcome: str | None = None) -> list[str]:
        """Levers from most to least influential on ``outcome`` (default: the first)."""
        rows = self.table[self.table["outcome"] == (outcome or self.outcomes[0])]
        return list(rows.sort_values("rank")["lever"])

    def __repr__(self) -> str:
        return lines_text("Sensitivity", self.lines())

    def _repr_html_(self) -> str:
        return lines_html("Sensitivity", self.lines())

    def lines(self) -> list[str]:
        """The indices in plain words, most influential lever first."""
        meta = self.metadata
        out = [
            f"{_METHOD_NAMES[self.method]}: {meta.get('points')} settings x "
            f"{meta.get('replications')} replications on common random numbers "
            f"(seed {meta.get('seed')})",
            f"  {basis_words(meta.get('calibration'))}",
        ]
        for outcome in self.outcomes:
            out.append(f"{_label(outcome, self.sweep.targets)}:")
            rows = self.table[self.table["outcome"] == outcome].sort_values("rank")
            for _, row in rows.iterrows():
                out.append(f"  {int(row['rank'])}. {row['lever']}: {self._words(row, outcome)}")
        return out

    def _words(self, row: pd.Series, outcome: str) -> str:
        probability = outcome.removeprefix("probability:") in self.sweep.targets

        def level(x: float) -> str:
            return f"{x:.0%}" if probability else _number(x)

        def change(x: float, sign: str = "") -> str:
            return f"{100 * x:{sign}.1f} %-pts" if probability else _number(x, sign)

        if self.method == "morris":
            return (
                f"mean |effect| per whole range {change(row['mu_star'])} [{change(row['mu_star_low'])}, "
                f"{change(row['mu_star_high'])}], sigma {change(row['sigma'])}"
            )
        if self.method == "sobol":
            return (
                f"total index {row['ST']:.2f} [{row['ST_low']:.2f}, {row['ST_high']:.2f}], "
                f"first order {row['S1']:.2f} [{row['S1_low']:.2f}, {row['S1_high']:.2f}]"
            )
        return (
            f"{row['low']:g} -> {row['high']:g} moves it {level(row['at_low'])} -> "
            f"{level(row['at_high'])} (swing {change(row['swing'], '+')} "
            f"[{change(row['swing_low'], '+')}, {change(row['swing_high'], '+')}])"
        )

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write ``indices.parquet`` (or ``.csv``, ``.xlsx``), ``metadata.json`` and ``sweep/``."""
        root = Path(folder)
        self.sweep.save(root / "sweep", format)
        write_table(root, "indices", self.table, format)
        write_json(root / "metadata.json", {**self.metadata, "outcomes": list(self.outcomes)})
        return root

    @classmethod
    def load(cls, folder: str | Path) -> Sensitivity:
        """Read what :meth:`save` wrote."""
        root = Path(folder)
        with reading(root, "a folder written by a sensitivity analysis"):
            metadata = read_json(root / "metadata.json")
            return cls(
                str(metadata["method"]),
                tuple(metadata["outcomes"]),
                read_table(root, "indices"),
                Sweep.load(root / "sweep"),
                metadata,
            )


_METHOD_NAMES = {
    "morris": "Morris screening",
    "sobol": "Sobol indices",
    "tornado": "One-at-a-time tornado",
}


def morris(
    scenario: Scenario,
    levers: Mapping[str, LeverSpec],
    outcomes: str | Sequence[str] | None = None,
    *,
    trajectories: int = 10,
    levels: int = 4,
    replications: int = 100,
    seed: int = DEFAULT_SEED,
    execution: Execution | None = None,
    calibration: Calibrated = None,
) -> Sensitivity:
    """Morris elementary-effects screening of ``outcomes`` over the levers' ranges.

    Parameters
    ----------
    scenario : Scenario
        The baseline programme.
    levers : mapping
        ``{path: (low, high) | Range | [values]}`` (see :mod:`.space`).
    outcomes : str or sequence of str, optional
        Target names (their probability) or replication outcomes; default every target.
    trajectories : int, default 10
        Morris trajectories (``trajectories x (levers + 1)`` settings).
    levels : int, default 4
        Levels of the Morris grid.
    replications : int, default 100
        Replications per setting.
    seed : int
        Common seed of the settings; also seeds the design and the bootstrap.
    execution : Execution, optional
        How the settings run; ``out`` is the result folder (resumable: the sweep's points
        are stored in ``out/sweep``).
    calibration : Calibration or PosteriorDraws, optional
        Run every setting on the calibrated model (see :func:`.sweep.sweep`); no lever may
        be a calibrated parameter.
    """
    if trajectories < 2 or levels < 2:
        raise ScenarioError.single(
            "trajectories/levels", "whole numbers >= 2", (trajectories, levels)
        )
    parsed, names = _prepare(scenario, levers, outcomes, seed)
    problem = _problem(parsed)
    unit = morris_sample.sample(
        problem, trajectories, num_levels=levels, seed=design_generator(seed, Design.MORRIS)
    )
    result = _run(
        scenario, parsed, unit, "Morris trajectories", replications, seed, execution, calibration
    )
    rows = []
    for outcome in names:
        y = _outcome(result, outcome)
        found = morris_analyze.analyze(
            problem, unit, y, num_resamples=BOOTSTRAP_RESAMPLES, conf_level=_LEVEL,
            num_levels=levels, seed=design_generator(seed, Design.MORRIS_BOOTSTRAP),
        )  # fmt: skip
        for j, lever in enumerate(parsed):
            mu_star, conf = float(found["mu_star"][j]), float(found["mu_star_conf"][j])
            row = {
                "outcome": outcome, "lever": lever.path, "mu": float(found["mu"][j]),
                "mu_star": mu_star, "mu_star_low": max(mu_star - conf, 0.0),
                "mu_star_high": mu_star + conf, "sigma": float(found["sigma"][j]),
            }  # fmt: skip
            rows.append(row)
    table = pd.DataFrame(rows)
    settings = {"trajectories": trajectories, "levels": levels}
    return _finish("morris", names, table, table["mu_star"], result, settings, execution)


def sobol(
    scenario: Scenario,
    levers: Mapping[str, LeverSpec],
    outcomes: str | Sequence[str] | None = None,
    *,
    samples: int = 64,
    replications: int = 100,
    seed: int = DEFAULT_SEED,
    execution: Execution | None = None,
    calibration: Calibrated = None,
) -> Sensitivity:
    """Sobol first-order and total indices of ``outcomes``, with bootstrap intervals.

    Parameters
    ----------
    samples : int, default 64
        Base sample size ``N`` (rounded up to a power of 2); ``N x (levers + 2)`` settings.
    replications : int, default 100
        Replications per setting.

    Other parameters are as in :func:`morris`.
    """
    if samples < 2:
        raise ScenarioError.single("samples", "a whole number >= 2", samples)
    parsed, names = _prepare(scenario, levers, outcomes, seed)
    base = 1 << math.ceil(math.log2(samples))
    problem = _problem(parsed)
    unit = sobol_sample.sample(
        problem, base, calc_second_order=False, seed=design_generator(seed, Design.SOBOL)
    )
    result = _run(
        scenario, parsed, unit, "Saltelli sample", replications, seed, execution, calibration
    )
    rows = []
    for outcome in names:
        y = _outcome(result, outcome)
        indices = _sobol_indices(problem, y, seed)
        for j, lever in enumerate(parsed):
            row: dict[str, Any] = {"outcome": outcome, "lever": lever.path}
            for name in ("S1", "ST"):
                value, conf = indices[name][j], indices[f"{name}_conf"][j]
                row.update({name: value, f"{name}_low": value - conf, f"{name}_high": value + conf})
            rows.append(row)
    table = pd.DataFrame(rows)
    return _finish("sobol", names, table, table["ST"], result, {"samples": base}, execution)


def _sobol_indices(problem: dict[str, Any], y: NDArray[np.float64], seed: int) -> dict[str, Any]:
    """SALib's first-order and total indices; ``nan`` when the outcome does not vary."""
    k = problem["num_vars"]
    if not np.ptp(y) > 0:
        nan = np.full(k, math.nan)
        return {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
    found = sobol_analyze.analyze(
        problem, y, calc_second_order=False, num_resamples=BOOTSTRAP_RESAMPLES,
        conf_level=_LEVEL, seed=design_generator(seed, Design.SOBOL_BOOTSTRAP),
    )  # fmt: skip
    return {key: np.asarray(found[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")}


def tornado(
    scenario: Scenario,
    levers: Mapping[str, LeverSpec],
    outcomes: str | Sequence[str] | None = None,
    *,
    replications: int = 200,
    seed: int = DEFAULT_SEED,
    execution: Execution | None = None,
    calibration: Calibrated = None,
) -> Sensitivity:
    """Each lever from its low to its high value, the others at the scenario's values.

    The swing of each outcome (at high minus at low) has a paired 95 % interval from the
    per-replication differences (common random numbers); for a "per" figure (a ratio of
    means at each end), from the per-replication numerators and denominators by the delta
    method (:func:`~labour_sim.stats.ratio_difference_interval`). Other parameters are as in
    :func:`morris`.
    """
    parsed, names = _prepare(scenario, levers, outcomes, seed)
    k = len(parsed)
    values = np.tile([lever.baseline for lever in parsed], (2 * k + 1, 1))
    for j, lever in enumerate(parsed):
        values[1 + 2 * j, j], values[2 + 2 * j, j] = lever.low, lever.high
    columns = [outcome_columns(n, [t.name for t in scenario.targets], [n])[1] for n in names]
    # A "per" figure is the mean numerator over the mean denominator at each end: its
    # swing is the difference of the two, from both per replication (not their ratios).
    parts = [(PER_FIGURES[c][0], f"{c}:n") for c in columns if c in PER_FIGURES]
    keep = list(dict.fromkeys([*columns, *(x for pair in parts for x in pair)]))
    result = run_design(
        scenario, parsed, typed_table(parsed, values), "one at a time", replications, seed,
        keep=keep, execution=_sweep_folder(execution), calibration=calibration,
    )  # fmt: skip
    rows = []
    for outcome, column in zip(names, columns, strict=True):
        y = _outcome(result, outcome)
        per_rep = result.kept[column]
        for j, lever in enumerate(parsed):
            low, high = 1 + 2 * j, 2 + 2 * j
            if column in PER_FIGURES:
                num, den = result.kept[PER_FIGURES[column][0]], result.kept[f"{column}:n"]
                swing, swing_low, swing_high = ratio_difference_interval(
                    num[high], den[high], num[low], den[low], _LEVEL
                )
            else:
                diff = per_rep[high] - per_rep[low]
                swing, swing_low, swing_high = mean_interval(diff[np.isfinite(diff)], _LEVEL)
            row = {
                "outcome": outcome, "lever": lever.path, "low": lever.low,
                "high": lever.high, "baseline": lever.baseline, "at_low": y[low],
                "at_high": y[high], "at_baseline": y[0], "swing": swing,
                "swing_low": swing_low, "swing_high": swing_high,
            }  # fmt: skip
            rows.append(row)
    table = pd.DataFrame(rows)
    return _finish("tornado", names, table, table["swing"].abs(), result, {}, execution)


def _prepare(
    scenario: Scenario,
    levers: Mapping[str, LeverSpec],
    outcomes: str | Sequence[str] | None,
    seed: int,
) -> tuple[tuple[Lever, ...], tuple[str, ...]]:
    parsed = parse_levers(scenario, levers)
    targets = [t.name for t in scenario.targets]
    if outcomes is None:
        names: tuple[str, ...] = tuple(targets)
    else:
        names = (outcomes,) if isinstance(outcomes, str) else tuple(outcomes)
    if not names:
        raise ScenarioError.single("outcomes", "a target name or a replication outcome", None)
    columns = replication_columns(scenario, seed)
    for name in names:
        outcome_columns(name, targets, columns)  # a clear error for an unknown outcome
    return parsed, names


def _problem(levers: Sequence[Lever]) -> dict[str, Any]:
    """SALib's problem on the unit cube (each lever maps it to its range or values)."""
    return {
        "num_vars": len(levers),
        "names": [lever.path for lever in levers],
        "bounds": [[0.0, 1.0]] * len(levers),
    }


def _run(
    scenario: Scenario,
    levers: tuple[Lever, ...],
    unit: NDArray[np.float64],
    label: str,
    replications: int,
    seed: int,
    execution: Execution | None,
    calibration: Calibrated,
) -> Sweep:
    design = scaled_design(levers, np.asarray(unit, dtype=float))
    return run_design(
        scenario, levers, design, label, replications, seed, execution=_sweep_folder(execution),
        calibration=calibration,
    )  # fmt: skip


def _sweep_folder(execution: Execution | None) -> Execution:
    """The execution of a sensitivity analysis' sweep: its points go to ``out/sweep``."""
    return (execution or Execution()).folder("sweep")


def _outcome(result: Sweep, outcome: str) -> NDArray[np.float64]:
    y = result.outcome(outcome).to_numpy(dtype=float)
    if not np.isfinite(y).all():
        raise ScenarioError.single(
            "outcome", "an outcome with a finite mean at every setting", f"{outcome} (nan)"
        )
    return y


def _finish(
    method: str,
    outcomes: tuple[str, ...],
    table: pd.DataFrame,
    size: pd.Series,
    result: Sweep,
    settings: dict[str, Any],
    execution: Execution | None,
) -> Sensitivity:
    """Rank the levers by ``size`` within each outcome (largest first; nan last)."""
    table["rank"] = (
        size.fillna(-1.0)
        .groupby(table["outcome"])
        .rank(ascending=False, method="first")
        .astype(np.int64)
    )
    meta = result.metadata
    metadata = {
        "method": method, "scenario": meta["scenario"], "scenario_hash": meta["scenario_hash"],
        "seed": meta["seed"], "replications": meta["replications"], "points": meta["points"],
        "levers": meta["levers"], "calibration": meta.get("calibration"), **settings,
    }  # fmt: skip
    found = Sensitivity(method, outcomes, table, result, metadata)
    if execution is not None and execution.out is not None:
        found.save(execution.out, execution.table_format)
    return found


def _label(outcome: str, targets: Sequence[str]) -> str:
    bare = outcome.removeprefix("probability:")
    if bare in targets:
        return f"probability of reaching {bare}"
    return METRIC_LABELS.get(outcome, COST_LABELS.get(outcome, outcome))


def _number(x: float, sign: str = "") -> str:
    """Whole numbers with thousands separators; small values with 3 significant digits."""
    return f"{x:{sign},.0f}" if abs(x) >= 100 else f"{x:{sign}.3g}"
