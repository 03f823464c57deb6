"""Posterior predictive draws and forecasts: parameter uncertainty included.

A draw picks a posterior particle (weighted resampling); draw ``i`` always uses particle
``index[i]``. What it runs depends on what the draw is for:

* **Forecasts and scores continue the particle's own simulation.** ABC accepted each
  particle together with one simulated programme whose reports matched the observations
  (the accepted pairs are a sample of the joint posterior of the values and of the
  programme's path). A forecast draw reruns that simulation (the calibration's seed and
  the particle's replication, :func:`path_replications`) over the whole horizon: up to the
  last observation it is the accepted run exactly (the model does not look ahead), after
  it the programme goes on. So the forecast conditions on what the observations say about
  the programme's own path, not only on its parameters; fresh replications would re-run
  the observed past as if it were unknown and give intervals too wide after the last
  observation (``tests/test_sbc.py`` measured 67 of 100 synthetic truths inside the 50 %
  interval). Forecasts at two dates are two readings of one set of runs; draws of the
  same particle share its path and differ only in their future drift.
* **The predictive check and point-estimate forecasts use fresh replications** (draw
  ``i`` on replication ``i``): the check asks whether new programmes at the posterior
  values reproduce the reports (the accepted runs match them by construction), and the
  point estimate has no accepted run of its own.

What has not been observed yet includes how conditions will move: with ``drift`` (the
standard deviation of the yearly log change of hiring, :data:`DEFAULT_DRIFT` by default)
each draw's hiring probabilities follow a trend from the last observation date on, its
yearly log change drawn from a normal with that standard deviation (its own stream, one
number per draw). :func:`spread_sources` splits a forecast's variance into Monte Carlo
noise, parameter uncertainty and future conditions by running the same draws three ways.

How a draw picks its particle and drift, and the changes it runs at, live in
:mod:`labour_sim.experiments.posterior`, which calibrated experiments
(``run_experiment(..., calibration=...)``) share: replication ``r`` of such a run on the
calibration's seed is forecast draw ``r``.

:class:`Forecast` reports the distribution of each metric at the date (mean, median, 80 %
and 95 % intervals) and each scenario target's probability with a Wilson 95 % interval.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..display import Table, as_html, as_text
from ..errors import Problem, ScenarioError
from ..experiments import Execution
from ..experiments.executors import map_chunks
from ..experiments.posterior import draw_changes, drift_condition, drift_draws, particle_draws
from ..experiments.store import write_json, write_table
from ..experiments.worker import Chunk
from ..metrics import ALL_METRICS, METRIC_LABELS
from ..replication import run_replication
from ..scenario import Scenario
from ..stats import probability_words, quantile_summary, wilson_interval
from .observations import Observations
from .priors import Parameter
from .simulate import simulation_replication

__all__ = [
    "DEFAULT_DRIFT",
    "Forecast",
    "Reading",
    "drift_condition",
    "drift_draws",
    "particle_draws",
    "path_replications",
    "run_draws",
    "spread_sources",
]

#: Standard deviation of the yearly log change of hiring after the last observation. An
#: assumption, not a measured figure (range 0.05 to 0.3): no source for the year-to-year
#: movement of these transition rates was found. For scale, the base scenario's sourced
#: unemployment series moved from 3.7 % to 5.6 % within three months in 2020, which with its
#: elasticity of -0.5 is a log change of hiring of about 0.2.
DEFAULT_DRIFT = 0.1
DRIFT_RANGE = (0.05, 0.3)


def path_replications(parameters: tuple[Parameter, ...], values: NDArray[np.float64]) -> list[int]:
    """The replication of each row's ABC simulation (see the module docstring).

    Row ``i`` of ``values`` holds a particle's values in the order of ``parameters``; the
    calibration simulated it on :func:`~.simulate.simulation_replication` of those values.
    """
    keys = [p.key for p in parameters]
    return [simulation_replication(dict(zip(keys, map(float, row), strict=True))) for row in values]


@dataclass(frozen=True)
class Reading:
    """What to read from each draw's replication."""

    date: dt.date | None
    metrics: tuple[str, ...]
    observations: Observations | None
    targets: bool


class Settable(Protocol):
    """What :func:`run_draws` needs of a parameter: its path and whether it is whole."""

    @property
    def path(self) -> str:
        """Dotted scenario path."""
        ...

    @property
    def integer(self) -> bool:
        """Whether values are rounded to whole numbers."""
        ...


def run_draws(
    scenario: Scenario,
    parameters: Sequence[Settable],
    values: NDArray[np.float64],
    seed: int,
    reading: Reading,
    *,
    execution: Execution | None = None,
    description: str = "posterior draws",
    drift: tuple[dt.date, NDArray[np.float64], float] | None = None,
    replications: list[int] | None = None,
) -> pd.DataFrame:
    """Run draw ``i`` at parameter row ``values[i]``; one row per draw.

    Draw ``i`` runs on ``replications[i]`` of ``seed`` (a particle's own simulation, see
    :func:`path_replications`), or on replication ``i`` if not given. ``execution`` says
    where (its ``out`` is not used); ``description`` labels the progress bar; ``drift`` is
    ``(start, log changes per draw, sd)``: each draw's hiring then follows its own trend
    from ``start`` (see :func:`drift_condition`).
    """
    execution = execution or Execution()
    n, size = len(values), execution.chunk_size
    chunks = [(start, min(start + size, n)) for start in range(0, n, size)]
    reps = list(range(n)) if replications is None else list(replications)
    task = partial(
        _draw_chunk, scenario, parameters, values, seed, reading, execution.engine, drift, reps
    )
    runs = map_chunks(task, chunks, execution, description=description)
    done = {c.start: c.rows for c in runs}
    return pd.concat([done[s] for s in sorted(done)], ignore_index=True)


def _draw_chunk(
    scenario: Scenario,
    parameters: Sequence[Settable],
    values: NDArray[np.float64],
    seed: int,
    reading: Reading,
    engine: str,
    drift: tuple[dt.date, NDArray[np.float64], float] | None,
    replications: list[int],
    start: int,
    stop: int,
) -> Chunk:
    rows = []
    paths = [p.path for p in parameters]
    whole = [p.integer for p in parameters]
    for i in range(start, stop):
        move = None if drift is None else (drift[0], float(drift[1][i]), drift[2])
        changes = draw_changes(scenario, paths, whole, values[i], move)
        row: dict[str, Any] = {"draw": i, **{path: changes[path] for path in paths}}
        if move is not None:
            row["drift_per_year"] = move[1]
        result = run_replication(scenario.with_changes(changes), seed, replications[i], engine)
        if reading.observations is not None:
            row.update({o.name: o.simulated(result) for o in reading.observations})
        if reading.date is not None:
            row.update({m: float(result.outcome(m, reading.date)) for m in reading.metrics})
        if reading.targets:
            for t in scenario.targets:
                row[f"target:{t.name}"] = float(result.outcome(t.metric, t.date))
        rows.append(row)
    return Chunk(start, stop, pd.DataFrame(rows), None)


@dataclass(frozen=True, eq=False)
class Forecast:
    """Posterior predictive distribution of metrics at a date, and target probabilities.

    Attributes
    ----------
    date : datetime.date
        When the metrics are read.
    table : pandas.DataFrame
        Per metric: ``metric, label, date, draws, mean, median, p10, p90, p2_5, p97_5``.
    targets : pandas.DataFrame
        Per scenario target (at its own date): ``probability`` with Wilson 95 % interval
        ``ci_low, ci_high``, and the outcome's mean, median and 80 % / 95 % intervals.
    draws : pandas.DataFrame
        One row per draw: the parameter values used and every reading.
    metadata : dict
        Seed, draws, whether parameter uncertainty is included, the calibration it used.
    """

    date: dt.date
    table: pd.DataFrame
    targets: pd.DataFrame
    draws: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def metric(self, name: str) -> pd.Series:
        """The row of metric ``name``."""
        rows = self.table[self.table["metric"] == name]
        if rows.empty:
            raise KeyError(f"no metric {name!r}; metrics: {list(self.table['metric'])}")
        return rows.iloc[0]

    def target(self, name: str) -> pd.Series:
        """The row of target ``name``."""
        rows = self.targets[self.targets["target"] == name]
        if rows.empty:
            raise KeyError(f"no target {name!r}; targets: {list(self.targets['target'])}")
        return rows.iloc[0]

    def lines(self) -> list[str]:
        """The forecast in plain words: one line per metric, then one per target."""
        kind = (
            "parameter uncertainty included"
            if self.metadata.get("parameter_uncertainty", True)
            else "point estimate only"
        )
        drift = float(self.metadata.get("drift_sd_per_year", 0.0))
        if drift:
            kind += (
                f", future drift of hiring (sd {drift:g} a year in log) from "
                f"{self.metadata.get('drift_from', '?')}"
            )
        labels = [str(x).split(" (")[0] for x in self.table["label"]]  # the words before notes
        w = max(map(len, labels), default=0)
        out = [
            f"Forecast by {self.date} ({len(self.draws)} posterior draws, {kind})",
            f"  {'':{w}s} {'mean':>7s} {'median':>7s} {'80 % interval':>15s} {'95 % interval':>15s}",
        ]
        for label, (_, r) in zip(labels, self.table.iterrows(), strict=True):
            out.append(
                f"  {label:{w}s} {r['mean']:7.0f} {r['median']:7.0f} "
                f"{f'{r.p10:.0f} - {r.p90:.0f}':>15s} {f'{r.p2_5:.0f} - {r.p97_5:.0f}':>15s}"
            )
        if not self.targets.empty:
            out.append("Targets (each at its own date; Wilson 95 % interval)")
        for _, r in self.targets.iterrows():
            label = METRIC_LABELS.get(str(r["metric"]), str(r["metric"])).removeprefix("citizens ")
            out.append(
                f"  {r['threshold']:,.0f} {label} by {r['date']}: {r['probability']:.0%} likely "
                f"[{r['ci_low']:.0%}-{r['ci_high']:.0%}]; median {r['median']:,.0f} "
                f"(80 % interval {r['p10']:,.0f}-{r['p90']:,.0f})"
            )
        return out

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        uncertainty = self.metadata.get("parameter_uncertainty", True)
        title = (
            f"Forecast by {self.date}: {len(self.draws):,} posterior draws "
            f"({'parameter uncertainty included' if uncertainty else 'point estimate only'})"
        )
        metrics = Table(
            ("metric", "mean", "median", "80 % interval", "95 % interval"),
            tuple(
                (
                    str(r["label"]),
                    f"{r['mean']:,.0f}",
                    f"{r['median']:,.0f}",
                    f"{r['p10']:,.0f} to {r['p90']:,.0f}",
                    f"{r['p2_5']:,.0f} to {r['p97_5']:,.0f}",
                )
                for _, r in self.table.iterrows()
            ),
        )
        targets = Table(
            ("target", "by", "probability [95 % interval]", "median"),
            tuple(
                (
                    str(r["target"]),
                    str(r["date"]),
                    probability_words(r["probability"], r["ci_low"], r["ci_high"]),
                    f"{r['median']:,.0f}",
                )
                for _, r in self.targets.iterrows()
            ),
            caption="targets (each at its own date)",
        )
        return title, [], [metrics, *([targets] if len(self.targets) else [])]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write the tables (``parquet``, ``csv`` or ``xlsx``) and ``forecast.json``, atomically."""
        root = Path(folder)
        write_table(root, "forecast", self.table, format)
        write_table(root, "forecast_targets", self.targets, format)
        write_table(root, "forecast_draws", self.draws, format)
        write_json(root / "forecast.json", {**self.metadata, "date": self.date.isoformat()})
        return root


def forecast_tables(
    scenario: Scenario, draws: pd.DataFrame, date: dt.date, metrics: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The metric table and the target table of a forecast from its draws."""
    rows = [
        {"metric": m, "label": METRIC_LABELS[m], "date": date.isoformat(), "draws": len(draws),
         **quantile_summary(draws[m])}
        for m in metrics
    ]  # fmt: skip
    targets = []
    for t in scenario.targets:
        outcome = draws[f"target:{t.name}"].to_numpy(dtype=float)
        reached = int(np.count_nonzero(outcome >= t.threshold.value))
        low, high = wilson_interval(reached, len(outcome))
        targets.append(
            {
                "target": t.name,
                "metric": t.metric,
                "threshold": t.threshold.value,
                "date": t.date.isoformat(),
                "draws": len(outcome),
                "reached": reached,
                "probability": reached / len(outcome) if len(outcome) else np.nan,
                "ci_low": low,
                "ci_high": high,
                **quantile_summary(outcome),
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(targets)


def check_forecast_request(
    scenario: Scenario, metrics: tuple[str, ...], date: dt.date, draws: int
) -> None:
    """Raise a ScenarioError for unknown metrics, a date outside the run, or no draws."""
    problems = []
    unknown = [m for m in metrics if m not in ALL_METRICS]
    if unknown:
        expected = f"metrics the model produces, among {list(ALL_METRICS)}"
        problems.append(Problem("metrics", expected, ", ".join(unknown)))
    start = scenario.period.start
    last = start + dt.timedelta(days=int(scenario.horizon_weeks * 7))
    if not start <= date <= last:
        expected = f"a date within the simulated period {start}..{last}"
        problems.append(Problem("date", expected, str(date)))
    if draws < 1:
        problems.append(Problem("draws", "a whole number >= 1", str(draws)))
    if problems:
        raise ScenarioError(problems, "forecast")


def spread_sources(
    point: pd.DataFrame, parameters: pd.DataFrame, future: pd.DataFrame, metrics: tuple[str, ...]
) -> pd.DataFrame:
    """A forecast's variance split into its sources, from one set of draws run three ways.

    ``point`` ran every draw at the point estimate without drift (its variance is Monte
    Carlo noise: the programme's own randomness, from the start); ``parameters`` at
    posterior draws without drift; ``future`` at posterior draws with drift, these two on
    the particles' own simulations (common random numbers between them). The increments of
    variance are parameter uncertainty and future conditions (law of total variance); each
    is an estimate from the draws, floored at 0 when noise makes it negative. The point run
    does not condition on the observed path, so where the observations pin the path its
    noise is larger than the forecast's, and the parameter part is understated.

    Returns
    -------
    pandas.DataFrame
        Per metric: ``sd`` (of the full forecast), the variance of each source (``var_noise``,
        ``var_parameters``, ``var_future``) and its share of their sum.
    """
    rows = []
    for m in metrics:
        noise = float(np.var(point[m], ddof=1))
        with_params = float(np.var(parameters[m], ddof=1))
        full = float(np.var(future[m], ddof=1))
        parts = {
            "noise": noise,
            "parameters": max(with_params - noise, 0.0),
            "future": max(full - with_params, 0.0),
        }
        total = sum(parts.values())
        row: dict[str, Any] = {"metric": m, "label": METRIC_LABELS[m], "sd": full**0.5}
        for name, v in parts.items():
            row[f"var_{name}"] = v
            row[f"share_{name}"] = v / total if total > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
