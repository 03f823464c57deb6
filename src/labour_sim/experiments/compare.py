"""Paired comparison of two scenarios on common random numbers.

Both scenarios run with the same seed, so replication ``r`` of each uses the same streams:
the same citizens with the same readiness, the same durations and the same luck. The
difference ``b - a`` per replication then carries only the effect of the change, and its
interval is much narrower than the one two independent runs would give.

How much narrower is reported for every outcome: the *independent* interval is the Welch
interval of the two samples treated as unpaired, which is what two independent runs of the
same size would give (their variance is ``var_a / n + var_b / n``; pairing subtracts twice
the covariance that common random numbers create). ``narrowing`` is the paired half-width
divided by the independent one (0.2 means the paired interval is five times narrower).

Costs are outcomes like any other (``cost:...`` columns), so their paired differences are in
the same table; :meth:`Comparison.incremental_cost` gives the extra programme cost per extra
job held 26 weeks (:class:`IncrementalCost`, which says it in words whatever the signs: a
saving per job forgone when B costs less and gives fewer jobs).

The two sides may be two programmes with different periods: each is counted at its own end
date, and a label then names both dates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..display import Table, as_html, as_text
from ..metrics import COST_LABELS, METRIC_LABELS, NET_PUBLIC_BASIS, PER_FIGURES
from ..scenario import Scenario, differences
from ..stats import ratio_difference_interval, ratio_interval
from .execution import Execution
from .experiment import DEFAULT_SEED, run_experiment
from .results import Results
from .store import write_table

__all__ = ["Comparison", "IncrementalCost", "compare", "paired_differences"]

#: Outcomes a comparison shows first (its targets follow).
SHOWN_OUTCOMES = ("ordinary", "attached", "employed_26w", "cost:programme", "cost:net_public")
#: Columns of the replications table that identify a replication rather than measure it.
_IDENTIFIERS = frozenset({"scenario", "scenario_hash", "seed", "replication", "events"})
#: Changes of B the summary lists (all are in ``Comparison.changes``).
_CHANGES_SHOWN = 8
#: The effect :meth:`Comparison.incremental_cost` divides by by default, and its words.
_SUSTAINED = "effect:sustained@savings"
_SUSTAINED_WORDS = ("job held 26 weeks", "jobs held 26 weeks", "against business as usual")


@dataclass(frozen=True)
class IncrementalCost:
    """Extra ``cost`` per extra unit of ``effect``, B against A, with its interval.

    Attributes
    ----------
    ratio, low, high : float
        ``cost_difference / effect_difference`` (DKK per unit) and its delta-method interval
        at ``level``; ``nan`` when the effect does not change on average.
    cost_difference, effect_difference : float
        Mean paired differences B - A: DKK, and units of the effect (citizens).
    cost, effect : str
        The columns divided (``cost:programme``, ``effect:sustained@savings``).
    date : str
        The date the effect is counted by (B's; both dates when A's differs).
    level : float
        Of the interval.
    """

    ratio: float
    low: float
    high: float
    cost_difference: float
    effect_difference: float
    cost: str
    effect: str
    date: str
    level: float

    def line(self) -> str:
        """The figure in words, with its numerator and denominator, whatever their signs."""
        one, many, against = (
            _SUSTAINED_WORDS if self.effect == _SUSTAINED else (self.effect, self.effect, "")
        )
        what = COST_LABELS.get(self.cost, self.cost).split(" (")[0]
        dc, de = self.cost_difference, self.effect_difference
        parts = f"{dc:+,.0f} DKK / {de:+,.1f} {many}"
        note = f" ({many} counted {against})" if against else ""
        pct = f"{self.level:.0%}"
        if not math.isfinite(self.ratio):
            return f"{what} per {one}: not defined (the {many} do not change on average)"
        if de > 0 and dc >= 0:
            return (
                f"extra {what} per extra {one} by {self.date}{note}: {self.ratio:,.0f} DKK "
                f"[{pct}: {self.low:,.0f}, {self.high:,.0f}] = {parts}"
            )
        if de > 0:  # more for less
            return (
                f"B gives more {many} for less: {what} saved per extra {one} by {self.date}"
                f"{note}: {-self.ratio:,.0f} DKK [{pct}: {-self.high:,.0f}, {-self.low:,.0f}] "
                f"= {parts}"
            )
        if dc <= 0:  # fewer for less
            return (
                f"B gives fewer {many} for less: {what} saved per {one} forgone by {self.date}"
                f"{note}: {self.ratio:,.0f} DKK [{pct}: {self.low:,.0f}, {self.high:,.0f}] "
                f"= {parts}"
            )
        return (
            f"B gives fewer {many} for more, by {self.date}{note}: {parts} (A is better on "
            "both: no trade-off to price)"
        )


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two experiments on common random numbers and their paired differences.

    Attributes
    ----------
    a, b : Results
        The two experiments (same seed, same replication numbers).
    differences : pandas.DataFrame
        One row per outcome: ``outcome, mean_a, mean_b, difference, ci_low, ci_high,
        independent_low, independent_high, narrowing`` (95 % intervals; ``difference`` is
        the mean of ``b - a``).
    changes : tuple of str
        What B changes from A (``"staff.mentors: 20 -> 40"``, see
        :func:`~labour_sim.scenario.differences`), as :func:`compare` found them; empty
        when not known.
    """

    a: Results
    b: Results
    differences: pd.DataFrame
    changes: tuple[str, ...] = ()

    def difference(self, outcome: str) -> pd.Series:
        """The differences-table row of ``outcome``."""
        rows = self.differences[self.differences["outcome"] == outcome]
        if rows.empty:
            raise KeyError(f"no outcome {outcome!r}; see Comparison.differences['outcome']")
        return rows.iloc[0]

    def lines(self, outcomes: tuple[str, ...] | None = None) -> list[str]:
        """The differences in plain words, one outcome a line.

        ``outcomes`` are names of :attr:`differences`' ``outcome`` column; by default the
        main counts and costs (:data:`SHOWN_OUTCOMES`) and each target's count.
        """
        if outcomes is None:
            targets_shown = tuple(f"target:{t}" for t in self.a.targets.get("target", ()))
            outcomes = (*SHOWN_OUTCOMES, *targets_shown)
        table = self.differences[self.differences["outcome"].isin(outcomes)]
        targets = self.a.targets.set_index("target") if len(self.a.targets) else None
        ends = self._ends()
        out = []
        for _, row in table.iterrows():
            name = str(row["outcome"])
            label = _label(name, ends)
            if name.startswith("target:") and targets is not None:  # a count, on its date
                t = targets.loc[name.removeprefix("target:")]
                metric = METRIC_LABELS.get(str(t["metric"]), str(t["metric"])).split(" (")[0]
                label = f"{metric} by {t['date']} (target {name.removeprefix('target:')})"
            out.append(
                f"{label}: {_number(row['mean_a'])} -> {_number(row['mean_b'])}, "
                f"difference {_number(row['difference'], '+')} "
                f"[{_number(row['ci_low'], '+')}, {_number(row['ci_high'], '+')}]; "
                f"{_narrowing_words(float(row['narrowing']))}"
            )
        return out

    def incremental_cost(
        self, cost: str = "cost:programme", effect: str = _SUSTAINED, level: float = 0.95
    ) -> IncrementalCost:
        """Extra ``cost`` per extra unit of ``effect`` (B against A), with a delta-method interval.

        The ratio is the mean paired cost difference over the mean paired effect difference
        (``nan`` when the effect does not change on average). The default effect is the
        headline's denominator: additional citizens in a job held 26 weeks by the savings
        horizon (programme minus business as usual). ``.line()`` says it in words.
        """
        a = self.a.replications.sort_values("replication")
        b = self.b.replications.sort_values("replication")
        dc = b[cost].to_numpy(dtype=float) - a[cost].to_numpy(dtype=float)
        de = b[effect].to_numpy(dtype=float) - a[effect].to_numpy(dtype=float)
        n, mean_c, mean_e = len(dc), float(dc.mean()), float(de.mean())
        horizons = self._ends("savings_horizon_date")
        if n < 2 or mean_e == 0:
            ratio = half = math.nan
        else:
            ratio = mean_c / mean_e
            cov = np.cov(dc, de, ddof=1)
            var = (cov[0, 0] - 2 * ratio * cov[0, 1] + ratio**2 * cov[1, 1]) / (n * mean_e**2)
            half = _t_half_width(max(var, 0.0), n - 1, level)
        return IncrementalCost(
            ratio, ratio - half, ratio + half, mean_c, mean_e, cost, effect,
            _dates(horizons) or "the savings horizon", level,
        )  # fmt: skip

    def _ends(self, key: str = "end_date") -> tuple[str | None, str | None]:
        """``metadata[key]`` of A and of B (their end dates, by default)."""
        return self.a.metadata.get(key), self.b.metadata.get(key)

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        a, b = self.a.metadata, self.b.metadata
        name_a, name_b = str(a.get("scenario")), str(b.get("scenario"))
        one_programme = name_b == name_a  # B a what-if of A: say what it changes
        if one_programme:
            name_a, name_b = f"A ({name_a})", f"B ({name_b}, changed)"
        title = (
            f"Comparison: {name_b} against {name_a}, {self.a.n:,} paired replications "
            f"(seed {a.get('seed')})"
        )
        present = set(self.differences["outcome"])
        rows = []
        for outcome in (o for o in SHOWN_OUTCOMES if o in present):
            r = self.difference(outcome)
            if outcome.startswith("cost:") and r["mean_a"] == r["mean_b"] == 0:
                continue  # a scenario without costs
            rows.append((_label(outcome, self._ends()), *_cells(r, _number)))
        for outcome in sorted(o for o in present if str(o).startswith("reached:")):
            r = self.difference(outcome)
            rows.append(
                (f"chance of reaching {outcome.removeprefix('reached:')}", *_cells(r, _points))
            )
        table = Table(("outcome (mean)", "A", "B", "B - A [95 % interval]"), tuple(rows))
        shown = self.changes if one_programme else ()
        lines = [f"B changes {change}" for change in shown[:_CHANGES_SHOWN]]
        if len(shown) > _CHANGES_SHOWN:
            lines.append(f"... and {len(shown) - _CHANGES_SHOWN} more (.changes)")
        lines.append("paired on common random numbers; .differences has every outcome")
        return title, lines, [table]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write ``a/``, ``b/`` (see :meth:`Results.save`) and the ``differences`` table."""
        root = Path(folder)
        self.a.save(root / "a", format)
        self.b.save(root / "b", format)
        write_table(root, "differences", self.differences, format)
        return root


def compare(
    scenario_a: Scenario,
    scenario_b: Scenario,
    replications: int = 1000,
    seed: int = DEFAULT_SEED,
    *,
    execution: Execution | None = None,
) -> Comparison:
    """Run two scenarios on common random numbers and compare every outcome, paired.

    Parameters
    ----------
    scenario_a, scenario_b : Scenario
        The baseline and the alternative (often ``a.with_changes({...})``).
    replications : int, default 1000
        Replications of each.
    seed : int
        The common seed.
    execution : Execution, optional
        How both experiments run; with ``out`` they are stored in ``out/a`` and ``out/b``
        (resumable) and the differences in ``out/differences.parquet`` (or ``.csv``,
        ``.xlsx``: ``execution.table_format``).

    Returns
    -------
    Comparison
        Both results and the paired differences ``b - a`` with 95 % intervals.
    """
    execution = execution or Execution()
    a = run_experiment(scenario_a, replications, seed, execution=execution.folder("a"))
    b = run_experiment(scenario_b, replications, seed, execution=execution.folder("b"))
    changes = tuple(differences(*(s.model_dump(mode="json") for s in (scenario_a, scenario_b))))
    comparison = Comparison(a, b, paired_differences(a.replications, b.replications), changes)
    if execution.out is not None:
        write_table(execution.out, "differences", comparison.differences, execution.table_format)
    return comparison


def paired_differences(a: pd.DataFrame, b: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Paired (common random numbers) and independent intervals of ``b - a`` per outcome.

    ``a`` and ``b`` are replications tables with the same replication numbers; only the
    outcome columns both share are compared. A "per" figure is compared as everywhere else
    it is shown, the mean numerator over the mean denominator in each, its difference's
    intervals by the delta method (:func:`~labour_sim.stats.ratio_difference_interval`).
    """
    a = a.sort_values("replication", ignore_index=True)
    b = b.sort_values("replication", ignore_index=True)
    if not np.array_equal(a["replication"].to_numpy(), b["replication"].to_numpy()):
        raise ValueError("paired comparison needs the same replication numbers in a and b")
    columns = [
        c
        for c in a.columns
        if c in b.columns and c not in _IDENTIFIERS and pd.api.types.is_numeric_dtype(a[c])
    ]
    rows = []
    for column in columns:
        if column in PER_FIGURES and f"{column}:n" in columns:
            rows.append(_ratio_row(a, b, column, level))
            continue
        x = a[column].to_numpy(dtype=float)
        y = b[column].to_numpy(dtype=float)
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
        diff = y - x
        n = len(diff)
        if n == 0:
            continue  # not measured in these scenarios (e.g. utilisation of unlimited staff)
        paired = _t_half_width(diff.var(ddof=1) / n if n > 1 else math.nan, n - 1, level)
        var_a = x.var(ddof=1) / n if n > 1 else math.nan
        var_b = y.var(ddof=1) / n if n > 1 else math.nan
        independent = _t_half_width(var_a + var_b, _welch_df(var_a, var_b, n), level)
        mean = float(diff.mean())
        rows.append(
            {
                "outcome": column,
                "replications": n,
                "mean_a": float(x.mean()),
                "mean_b": float(y.mean()),
                "difference": mean,
                "ci_low": mean - paired,
                "ci_high": mean + paired,
                "independent_low": mean - independent,
                "independent_high": mean + independent,
                "narrowing": paired / independent if independent > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows)


def _ratio_row(a: pd.DataFrame, b: pd.DataFrame, figure: str, level: float) -> dict[str, Any]:
    """:func:`paired_differences`' row of a "per" figure (a ratio of means in each run)."""
    num, den = PER_FIGURES[figure][0], f"{figure}:n"
    diff, low, high = ratio_difference_interval(b[num], b[den], a[num], a[den], level)
    (ra, la, ha), (rb, lb, hb) = (ratio_interval(t[num], t[den], level) for t in (a, b))
    paired, independent = (high - low) / 2, math.hypot((ha - la) / 2, (hb - lb) / 2)
    return {
        "outcome": figure, "replications": len(a), "mean_a": ra, "mean_b": rb,
        "difference": diff, "ci_low": low, "ci_high": high,
        "independent_low": diff - independent, "independent_high": diff + independent,
        "narrowing": paired / independent if independent > 0 else math.nan,
    }  # fmt: skip


def _dates(dates: tuple[str | None, str | None]) -> str | None:
    """One date, or A's and B's when they differ (``None`` when neither is known)."""
    a, b = dates
    if a == b or b is None:
        return a
    return b if a is None else f"{a} (A), {b} (B)"


def _label(outcome: str, ends: tuple[str | None, str | None]) -> str:
    """An outcome's short label with its date (by, or on, the end) or its unit (DKK).

    The replications table counts every metric at the end date: a cumulative one *by* it, a
    point-in-time one *on* it (its "on the date" would otherwise be cut with the parentheses).
    Two programmes with different ends are each counted at their own: both dates are named.
    """
    if outcome in METRIC_LABELS:
        full = METRIC_LABELS[outcome]
        point = full.endswith(" on the date")
        short = full.split(" (")[0].removesuffix(" on the date")
        end = _dates(ends)
        if end is None:
            return short + (" on the date" if point else "")
        return f"{short} {'on' if point else 'by'} {end}"
    if outcome in COST_LABELS:
        return f"{_COST_WORDS.get(outcome, COST_LABELS[outcome].split(' (')[0])} (DKK)"
    return outcome


#: Costs whose label alone could be read as another figure of the same name.
_COST_WORDS = {
    # not the business case's net, which is against business as usual and discounted
    "cost:net_public": f"net public cost {NET_PUBLIC_BASIS}",
}


def _cells(row: pd.Series, number: Callable[[float, str], str]) -> tuple[str, str, str]:
    """Mean of A, mean of B, and the paired difference with its interval."""
    return (
        number(row["mean_a"], ""),
        number(row["mean_b"], ""),
        f"{number(row['difference'], '+')} "
        f"[{number(row['ci_low'], '+')}, {number(row['ci_high'], '+')}]",
    )


def _points(x: float, sign: str = "") -> str:
    """A probability (or a difference of two) in percent (points)."""
    return f"{100 * x:{sign}.1f} %"


def _number(x: float, sign: str = "") -> str:
    """Whole numbers with thousands separators; small values with 3 significant digits."""
    return f"{x:{sign},.0f}" if abs(x) >= 100 else f"{x:{sign}.3g}"


def _narrowing_words(narrowing: float) -> str:
    if not math.isfinite(narrowing):
        return "no variation in either run"
    if narrowing == 0:
        return "identical in every replication"
    return f"interval {1 / narrowing:.1f}x narrower than independent runs"


def _t_half_width(variance_of_mean: float, df: float, level: float) -> float:
    if not math.isfinite(variance_of_mean) or variance_of_mean <= 0 or not df > 0:
        return 0.0 if variance_of_mean == 0 else math.nan
    return float(sps.t.ppf(0.5 + level / 2, df)) * math.sqrt(variance_of_mean)


def _welch_df(var_a: float, var_b: float, n: int) -> float:
    """Welch-Satterthwaite degrees of freedom for two samples of size ``n``."""
    total = var_a + var_b
    if not total > 0:
        return math.nan
    return float(total**2 / ((var_a**2 + var_b**2) / (n - 1)))
