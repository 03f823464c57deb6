"""Scores against what happened next: forecast intervals, PIT, coverage and CRPS.

A calibration forecasts what a later report will say; once the report is published,
:meth:`Calibration.score <labour_sim.calibration.Calibration.score>` sets each new figure
against its forecast. Only observations dated after the calibration's last one are scored:
an earlier figure was either used by the calibration or could have been, and scoring it
would not test a forecast.

What is forecast is the *report*, not the model's count: as in the calibration's
likelihood (:mod:`.abc_smc`), a reported value is the model's value in one replication
plus a normal error with the observation's own sd. The predictive distribution of a report
is therefore the equal-weight mixture of ``N(x_i, sd^2)`` over the posterior predictive
draws ``x_i``:

* **Intervals** (50, 80, 95 %): central quantiles of that mixture (the same as the
  posterior predictive check's ``report`` interval).
* **PIT**: the mixture's CDF at the observed value, ``mean_i Phi((y - x_i) / sd)``. The
  mixture is continuous, so the PIT is exact and needs no randomisation even though the
  model's counts are whole numbers; as ``sd -> 0`` it tends to the *mid-PIT* of the
  discrete draws, ``P(X < y) + P(X = y) / 2`` (a tie contributes ``Phi(0) = 1/2``), which
  is what :func:`pit` returns for ``sd = 0``. The mid-PIT is chosen over the randomised PIT
  because it is deterministic: the same calibration and report always give the same score.
  Under a calibrated forecast the PIT is uniform on (0, 1).
* **CRPS**: the sample estimator ``E|X - y| - E|X - X'| / 2`` over report draws
  ``x_i + sd * z_i`` (``z_i`` standard normal, seeded from the calibration's seed and the
  observation's position: the same score every time), computed from the sorted draws in
  ``O(n log n)`` (:func:`crps`). It is in the value's unit (citizens, companies or a share),
  so the mean over observations of different kinds mixes units: compare means of the same
  kind of observation.
* **Coverage**: the share of scored observations inside each central interval; for a
  calibrated forecast about 50, 80 and 95 % (with few observations, a rough check).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize
from scipy import stats as sps

from ..display import lines_html, lines_text
from ..errors import Problem, ScenarioError
from ..experiments.store import read_json, read_table, reading, write_json, write_table
from .observations import Observations, parse_observations

__all__ = [
    "LEVELS",
    "Score",
    "check_after",
    "crps",
    "interval",
    "pit",
    "score_table",
    "split_last",
]

#: Central forecast intervals reported and checked for coverage.
LEVELS = (0.5, 0.8, 0.95)
#: Spawn-key tag of the reporting-error draws behind the CRPS (distinct from other tags).
_REPORT_ERRORS = 0x5C0


def pit(draws: ArrayLike, observed: float, sd: float = 0.0) -> float:
    """Where ``observed`` falls in the predictive distribution of a report (0 to 1).

    Parameters
    ----------
    draws : array_like
        The model's values in the posterior predictive draws (value's unit).
    observed : float
        The reported value.
    sd : float, default 0
        The report's error sd (value's unit). With ``sd > 0``, the CDF of the mixture of
        ``N(draw, sd^2)`` at ``observed``; with ``sd = 0``, the mid-PIT of the draws,
        ``P(X < y) + P(X = y) / 2``.
    """
    x = np.asarray(draws, dtype=float)
    if sd > 0:
        return float(np.mean(sps.norm.cdf((observed - x) / sd)))
    return float(np.mean(x < observed) + 0.5 * np.mean(x == observed))


def interval(draws: ArrayLike, level: float, sd: float = 0.0) -> tuple[float, float]:
    """Central interval holding ``level`` of the report's predictive distribution.

    With ``sd > 0`` the quantiles of the mixture of ``N(draw, sd^2)``; with ``sd = 0``
    the empirical quantiles of the draws (``numpy.quantile``, linear interpolation).
    """
    x = np.asarray(draws, dtype=float)
    tail = (1 - level) / 2
    if sd <= 0:
        low, high = np.quantile(x, [tail, 1 - tail])
        return float(low), float(high)

    def below(v: float, p: float) -> float:
        return float(np.mean(sps.norm.cdf((v - x) / sd))) - p

    lo, hi = float(x.min()) - 10 * sd, float(x.max()) + 10 * sd
    return (
        float(optimize.brentq(below, lo, hi, args=(tail,), xtol=1e-12 * max(1.0, abs(hi)))),
        float(optimize.brentq(below, lo, hi, args=(1 - tail,), xtol=1e-12 * max(1.0, abs(hi)))),
    )


def crps(draws: ArrayLike, observed: float) -> float:
    """Sample CRPS ``E|X - y| - E|X - X'| / 2`` of the draws at ``observed`` (value's unit).

    ``E|X - X'|`` is the mean over all ``n^2`` ordered pairs (the CRPS of the draws'
    empirical distribution), from the sorted draws: ``sum_i (2i - n - 1) x_(i) * 2 / n^2``
    for ``i = 1..n``, so ``O(n log n)`` rather than ``O(n^2)``. Lower is better; 0 only for
    draws all equal to ``observed``.
    """
    x = np.sort(np.asarray(draws, dtype=float))
    n = len(x)
    if n == 0:
        return math.nan
    rank = np.arange(1, n + 1, dtype=float)
    spread = 2.0 * float(np.sum((2 * rank - n - 1) * x)) / n**2
    return float(np.mean(np.abs(x - observed))) - 0.5 * spread


def report_draws(draws: ArrayLike, sd: float, seed: int, position: int) -> NDArray[np.float64]:
    """``draws`` plus the report's normal error (sd), seeded by ``seed`` and ``position``."""
    x = np.asarray(draws, dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_REPORT_ERRORS, position)))
    return x + sd * rng.standard_normal(len(x))


def check_after(observations: Observations, last: dt.date, origin: str | None = None) -> None:
    """Raise a ScenarioError naming every observation not dated after ``last``."""
    problems = [
        Problem(
            f"observations.{o.name}.date",
            f"a date after the calibration's last observation ({last}): earlier figures were "
            "or could have been calibrated to, so they do not test a forecast",
            str(o.date),
        )
        for o in observations
        if not o.date > last
    ]
    if problems:
        raise ScenarioError(problems, origin or observations.origin)


def score_table(
    observations: Observations, draws: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per observation: intervals, PIT, membership, CRPS; and the summary over them.

    ``draws`` has one column per observation name: the model's value in each posterior
    predictive draw. Returns the per-observation table and a one-row summary (``scored``,
    ``coverage_50``, ``coverage_80``, ``coverage_95``, ``mean_crps``).
    """
    rows = []
    for position, o in enumerate(observations):
        x = draws[o.name].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        sd = o.scale
        row: dict[str, Any] = {
            "observation": o.name,
            "metric": o.metric,
            "share_of": o.share_of or "",
            "date": o.date.isoformat(),
            "observed": o.value,
            "sd": sd,
            "draws": len(x),
            "median": interval(x, 0.0, sd)[0] if len(x) else math.nan,
        }
        for level in LEVELS:
            low, high = interval(x, level, sd) if len(x) else (math.nan, math.nan)
            tag = f"{level * 100:g}"
            row[f"low_{tag}"], row[f"high_{tag}"] = low, high
            row[f"in_{tag}"] = bool(low <= o.value <= high)
        row["pit"] = pit(x, o.value, sd) if len(x) else math.nan
        row["crps"] = crps(report_draws(x, sd, seed, position), o.value)
        rows.append(row)
    table = pd.DataFrame(rows)
    summary: dict[str, float] = {"scored": len(table)}
    for level in LEVELS:
        tag = f"{level * 100:g}"
        summary[f"coverage_{tag}"] = float(table[f"in_{tag}"].mean()) if len(table) else math.nan
    summary["mean_crps"] = float(table["crps"].mean()) if len(table) else math.nan
    return table, pd.DataFrame([summary])


@dataclass(frozen=True, eq=False)
class Score:
    """Observations after a calibration against its forecasts (see the module docstring).

    Attributes
    ----------
    observations : Observations
        What was scored (all dated after the calibration's last observation).
    table : pandas.DataFrame
        Per observation: ``observed``, ``sd``, ``draws``, ``median``, ``low_50`` /
        ``high_50`` (and 80, 95), ``in_50`` (and 80, 95), ``pit``, ``crps``.
    summary : pandas.DataFrame
        One row: ``scored``, ``coverage_50``, ``coverage_80``, ``coverage_95``,
        ``mean_crps``.
    draws : pandas.DataFrame
        The posterior predictive draws: ``draw``, ``particle``, parameter values, and each
        observation's simulated value.
    metadata : dict
        The calibration scored, its last observation date, seed, draws.
    """

    observations: Observations
    table: pd.DataFrame
    summary: pd.DataFrame
    draws: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def coverage(self) -> dict[float, float]:
        """Share of scored observations inside each central interval, by level."""
        return {level: float(self.summary[f"coverage_{level * 100:g}"].iloc[0]) for level in LEVELS}

    @property
    def mean_crps(self) -> float:
        """Mean CRPS over the scored observations (value's units; see the module docstring)."""
        return float(self.summary["mean_crps"].iloc[0])

    def __repr__(self) -> str:
        return lines_text("Score", self.lines())

    def _repr_html_(self) -> str:
        return lines_html("Score", self.lines())

    def lines(self) -> list[str]:
        """The score in plain words: one line per observation, then coverage and mean CRPS."""
        m = self.metadata
        out = [
            f"Score of the calibration to {m.get('calibration', '?')} (last observation "
            f"{m.get('last_observation', '?')}) against {self.observations.name}",
            f"  {len(self.draws)} posterior predictive draws; each report = model value + "
            "its normal error (sd)",
            f"  {'observation':24s} {'date':10s} {'observed':>9s} {'median':>9s} "
            f"{'50 % interval':>19s} {'95 % interval':>19s} {'PIT':>5s} {'CRPS':>9s}",
        ]
        for _, r in self.table.iterrows():
            inside = "".join("*" if r[f"in_{level * 100:g}"] else "-" for level in LEVELS)
            out.append(
                f"  {str(r['observation'])[:24]:24s} {r['date']:10s} {r['observed']:9.4g} "
                f"{r['median']:9.4g} {f'{r.low_50:.4g} - {r.high_50:.4g}':>19s} "
                f"{f'{r.low_95:.4g} - {r.high_95:.4g}':>19s} {r['pit']:5.2f} {r['crps']:9.4g}"
                f"  inside 50/80/95: {inside}"
            )
        cover = ", ".join(f"{level:.0%}: {value:.0%}" for level, value in self.coverage.items())
        out.append(
            f"Coverage over {len(self.table)} observations ({cover}); mean CRPS "
            f"{self.mean_crps:.4g} (value's units)"
        )
        return out

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write the score's tables and ``score.json`` (last), each file atomically.

        Files: ``score.parquet``, ``score_summary.parquet``, ``score_draws.parquet`` (or
        ``.csv``, ``.xlsx``: ``format``) and ``score.json`` (metadata and the observations
        scored).
        """
        root = Path(folder)
        write_table(root, "score", self.table, format)
        write_table(root, "score_summary", self.summary, format)
        write_table(root, "score_draws", self.draws, format)
        write_json(
            root / "score.json",
            {**self.metadata, "observations_data": self.observations.to_dict(),
             "observations_file": self.observations.origin},
        )  # fmt: skip
        return root

    @classmethod
    def load(cls, folder: str | Path) -> Score:
        """Read a score written by :meth:`save`."""
        root = Path(folder)
        with reading(root, "a folder written by labour-sim score"):
            meta = read_json(root / "score.json")
            obs = parse_observations(
                meta.pop("observations_data"), meta.pop("observations_file", None), from_json=True
            )
            return cls(
                obs,
                read_table(root, "score"),
                read_table(root, "score_summary"),
                read_table(root, "score_draws"),
                meta,
            )


def split_last(observations: Observations) -> tuple[Observations, Observations]:
    """The observations before the last date, and those at it (leave-future-out)."""
    last = observations.last_date
    early = tuple(o for o in observations if o.date < last)
    if not early:
        raise ScenarioError.single(
            "hold_out_last",
            "observations at two dates or more (the last date is held out, the earlier ones "
            "are calibrated to)",
            f"every observation dated {last}",
            observations.origin,
        )
    held = tuple(o for o in observations if o.date == last)
    return (
        _subset(observations, early, f"before {last}"),
        _subset(observations, held, f"held out: {last}"),
    )


def _subset(obs: Observations, items: Sequence[Any], what: str) -> Observations:
    return Observations(
        f"{obs.name} ({what})", obs.description, dict(obs.sources), tuple(items), obs.origin,
        obs.text,
    )  # fmt: skip
