"""Results of an experiment: three tidy tables, their metadata, and plain-words verdicts.

* ``replications``: one row per replication (every metric at the end date, each target's
  outcome at its date and whether it was reached, waits, queues, utilisation), each row with
  scenario name, scenario hash, seed and replication number;
* ``bands``: weekly quantiles (5 to 95 %) of every state count and milestone count;
* ``targets``: per target, the probability of reaching it with a Wilson 95 % interval, the
  outcome's mean, median, 80 % and 95 % intervals, and the mean programme cost per job
  held 26 weeks;
* ``costs``: per cost item (DKK), the mean with its 95 % interval and the median, 80 % and
  95 % intervals across replications; the row ``cost:within_grant`` is the probability that
  the programme cost stays within the grant (Wilson interval).

``Results.save`` writes the tables (Parquet, CSV or Excel) and a self-describing
``metadata.json`` (scenario text and hash, seed, replications, versions, times);
``Results.load`` reads them back, in whichever format they were written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..display import Table, as_html, as_text
from ..metrics import COST_LABELS, METRIC_LABELS, PER_FIGURES, PROGRAMME_ITEMS
from ..replication import SERIES
from ..scenario import Scenario
from ..stats import (
    BAND_QUANTILES,
    mean_interval,
    probability_words,
    quantile_summary,
    ratio_interval,
    wilson_interval,
)
from .store import read_json, read_table, reading, write_json, write_table

__all__ = ["Results", "band_table", "basis_words", "cost_table", "target_table"]

_TABLES = ("replications", "bands", "targets", "costs")


@dataclass(frozen=True, eq=False)
class Results:
    """What an experiment found; see the module docstring for the tables."""

    replications: pd.DataFrame
    bands: pd.DataFrame
    targets: pd.DataFrame
    costs: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of replications."""
        return len(self.replications)

    def target(self, name: str) -> pd.Series:
        """The targets-table row of target ``name``."""
        rows = self.targets[self.targets["target"] == name]
        if rows.empty:
            raise KeyError(f"no target {name!r}; targets: {list(self.targets['target'])}")
        return rows.iloc[0]

    @property
    def calibrated(self) -> bool:
        """Whether the run is a posterior predictive run of a calibration."""
        return bool(self.metadata.get("calibration"))

    def calibrated_values(self) -> dict[str, tuple[float, float, float]]:
        """Per calibrated path, the median, 5 % and 95 % of the draws the replications ran at.

        Empty for an uncalibrated run (its numbers are the scenario's as written).
        """
        rows = self.replications
        out = {}
        for column in rows.columns:
            if column.startswith("parameter:"):
                x = rows[column].astype(float)
                low, mid, high = (float(v) for v in x.quantile([0.05, 0.5, 0.95]))
                out[column.removeprefix("parameter:")] = (mid, low, high)
        return out

    def basis(self) -> str:
        """What the numbers rest on, in one sentence: calibrated to what, or uncalibrated."""
        return basis_words(self.metadata.get("calibration"))

    def verdicts(self) -> list[str]:
        """Each target in plain words, e.g. '550 employed ... by 2021-12-31: 3 % likely [2-5 %]'."""
        return [verdict_line(row) for _, row in self.targets.iterrows()]

    def cost(self, item: str) -> pd.Series:
        """The costs-table row of ``item`` (e.g. ``cost:programme``)."""
        rows = self.costs[self.costs["item"] == item]
        if rows.empty:
            raise KeyError(f"no cost item {item!r}; items: {list(self.costs['item'])}")
        return rows.iloc[0]

    def cost_lines(self) -> list[str]:
        """The main costs in plain words (mio DKK), with the chance of staying in the grant."""
        if self.costs.empty or not self.costs["mean"].abs().sum() > 0:
            return []
        lines = []
        for item in _COST_SUMMARY:
            row = self.cost(item)
            if item in PER_FIGURES and "zero_share" in row and np.isfinite(row["zero_share"]):
                lines.append(self.per_line(item))
                continue
            if not np.isfinite(row["mean"]):
                continue
            # The net public cost is shown as its sum, from the lines above, in their unit.
            parts = [self.cost(i) for i in _NET_PUBLIC] if item == "cost:net_public" else []
            size = max(abs(row["mean"]), abs(row["p10"]), abs(row["p90"]),
                       *(abs(x["mean"]) for x in parts))  # fmt: skip
            scale, unit = (1e6, "mio DKK") if size >= 1e6 else (1e3, "k DKK")
            terms = " - ".join(f"{x['mean'] / scale:,.1f} {x['label']}" for x in parts)
            terms = f" = {terms}" if terms else ""
            lines.append(
                f"{row['label']}: {row['mean'] / scale:,.1f} {unit}{terms} "
                f"(80 % interval {row['p10'] / scale:,.1f} to {row['p90'] / scale:,.1f}; "
                f"counted to {self._counted_to(item)})"
            )
        grant = self.metadata.get("grant_dkk")
        row = self.cost("cost:within_grant")
        if grant is not None and np.isfinite(row["mean"]):
            lines.append(
                f"programme cost within the grant of {grant / 1e6:,.1f} mio DKK: "
                f"{probability_words(row['mean'], row['ci_low'], row['ci_high'])}"
            )
        return lines

    def _summary(self) -> tuple[str, list[str], list[Table]]:
        meta = self.metadata
        title = f"Results: {meta.get('scenario', 'a scenario')}, {self.n:,} replications (seed {meta.get('seed')})"
        targets = Table(
            ("target", "probability [95 % interval]", "median", "80 % interval"),
            tuple(
                (
                    str(r["target"]),
                    probability_words(r["probability"], r["ci_low"], r["ci_high"]),
                    f"{r['median']:,.0f}",
                    f"{r['p10']:,.0f} to {r['p90']:,.0f}",
                )
                for _, r in self.targets.iterrows()
            ),
            caption="targets (each at its own date)",
        )
        main = tuple(f"{COST_LABELS[item]}:" for item in ("cost:programme", "cost:net_public"))
        lines = [f"caution: {c}" for c in meta.get("cautions") or ()]
        lines += [line for line in self.cost_lines() if line.startswith(main)]
        lines.append(
            f"tables: replications ({self.n:,} rows), bands ({len(self.bands):,} rows), "
            f"targets ({len(self.targets)}), costs ({len(self.costs)}); verdicts(), cost_lines()"
        )
        return title, lines, [targets]

    def __repr__(self) -> str:
        return as_text(*self._summary())

    def _repr_html_(self) -> str:
        return as_html(*self._summary())

    def effect_lines(self) -> list[str]:
        """The programme against business as usual at the end, paired: mean [95 % interval].

        Both arms of a replication share its random numbers, so each replication gives one
        paired difference; the interval is the t interval of their mean.
        """
        r = self.replications
        if "effect:into_work" not in r or not len(r):
            return []
        end = self.metadata.get("end_date", "the end")
        words = {
            "into_work": f"citizens into paid work by {end}",
            "self_support_weeks": f"weeks off benefit (work, flexjob, education) by {end}",
            "sustained": f"citizens in a job held 26 weeks by {end}",
        }
        out = []
        for m, label in words.items():
            mean, low, high = mean_interval(r[f"effect:{m}"])
            out.append(
                f"additional {label}: {mean:+,.1f} [{low:+,.1f}, {high:+,.1f}] "
                f"(programme {r[f'programme:{m}'].mean():,.1f}, business as usual "
                f"{r[f'usual:{m}'].mean():,.1f})"
            )
        dead, low, high = ratio_interval(r["usual:into_work"], r["programme:into_work"])
        if np.isfinite(dead):
            out.append(
                f"deadweight: {dead:.0%} [{low:.0%}, {high:.0%}] of the programme's hires by "
                f"{end} would have found work anyway (business-as-usual / programme hires)"
            )
        return out

    def _counted_to(self, item: str) -> str:
        """The date a cost is counted to.

        The programme's own cost (and caseworkers) to its end; benefits and subsidies, and
        the totals holding them, to the savings horizon.
        """
        if item in _TO_THE_END:
            return str(self.metadata.get("end_date", "the end"))
        return str(self.metadata.get("savings_horizon_date", "the horizon"))

    def _per_dates(self, item: str) -> tuple[str, str]:
        """The dates of a "per" figure's numerator (counted to) and denominator (counted by)."""
        numerator, _, when = PER_FIGURES[item]
        by = ("end_date", "the end") if when == "end" else ("savings_horizon_date", "the horizon")
        return self._counted_to(numerator), str(self.metadata.get(*by))

    def per_label(self, item: str) -> str:
        """A "per" figure's label with what it divides, and when: for a table row."""
        numerator, what, _ = PER_FIGURES[item]
        until, date = self._per_dates(item)
        name = "programme cost" if numerator == "cost:programme" else COST_LABELS[numerator]
        return f"{COST_LABELS[item]} ({name} to {until} / {what} by {date})"

    def per_line(self, item: str) -> str:
        """A "per" figure in words: the figure, its numerator and denominator, their dates."""
        row = self.cost(item)
        numerator, what, _ = PER_FIGURES[item]
        end, date = self._per_dates(item)
        num_label = COST_LABELS.get(numerator, numerator)
        value = f"{row['mean']:,.0f} DKK" if np.isfinite(row["mean"]) else "not defined"
        text = (
            f"{row['label']}: {value} = {row['numerator']:,.0f} DKK {num_label} (to {end}) / "
            f"{row['denominator']:,.1f} {what} (by {date}), means over {self.n:,} replications"
        )
        if row["zero_share"] > 0:
            text += f"; none in {row['zero_share']:.0%} of runs"
        return text

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write the tables and ``metadata.json`` into ``folder``, atomically.

        Parameters
        ----------
        folder : str or Path
            Created if missing.
        format : {"parquet", "csv", "xlsx"}, default "parquet"
            One file per table (``replications.csv`` ...). Parquet keeps every type; CSV
            and Excel open in other tools and load back with the same values.
        """
        root = Path(folder)
        for name in _TABLES:
            write_table(root, name, getattr(self, name), format)
        write_json(root / "metadata.json", self.metadata)
        return root

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        """Read results written by :meth:`save` (in any of its formats)."""
        root = Path(folder)
        with reading(root, "a folder written by labour-sim run --out"):
            tables = {name: read_table(root, name) for name in _TABLES}
            metadata = read_json(root / "metadata.json")
            return cls(metadata=metadata, **tables)


def basis_words(calibration: dict[str, Any] | None) -> str:
    """A run's basis in words, from its ``metadata["calibration"]`` (``None``: uncalibrated)."""
    if not calibration:
        return (
            "uncalibrated: the scenario's numbers as written; the intervals include "
            "Monte Carlo noise only (the programme's own randomness)"
        )
    dates = ", ".join(calibration.get("observation_dates") or []) or "?"
    names = ", ".join(calibration.get("observation_names") or []) or "?"
    include = list(calibration.get("intervals_include") or [])
    listed = ", ".join(include[:-1]) + (" and " if len(include) > 1 else "") + include[-1]
    drift = "" if calibration.get("drift_from") else "; future drift of conditions not included"
    missed = ", ".join(calibration.get("not_reproduced") or [])
    if missed:
        drift += (
            f"; the calibrated model does not reproduce {missed} (outside its posterior "
            "predictive 95 % interval): read the answer with that in mind"
        )
    return (
        f"calibrated to {calibration.get('observations', '?')}: {names}, dated {dates} "
        f"(calibration '{calibration.get('label', '?')}'); each replication runs at its own "
        f"draw from the posterior, so the intervals include {listed}{drift}"
    )


def verdict_line(row: pd.Series) -> str:
    """One target's verdict in plain words."""
    label = METRIC_LABELS.get(str(row["metric"]), str(row["metric"])).removeprefix("citizens ")
    return (
        f"{row['threshold']:,.0f} {label} by {row['date']}: "
        f"{probability_words(row['probability'], row['ci_low'], row['ci_high'])}; "
        f"median {row['median']:,.0f} (80 % interval {row['p10']:,.0f}-{row['p90']:,.0f})"
    )


def target_table(scenario: Scenario, replications: pd.DataFrame) -> pd.DataFrame:
    """Probability of each target (Wilson 95 % interval) and its outcome's distribution."""
    rows = []
    n = len(replications)
    for t in scenario.targets:
        reached = int(replications[f"reached:{t.name}"].sum()) if n else 0
        low, high = wilson_interval(reached, n)
        rows.append(
            {
                "target": t.name,
                "metric": t.metric,
                "threshold": t.threshold.value,
                "date": t.date.isoformat(),
                "description": t.description,
                "replications": n,
                "reached": reached,
                "probability": reached / n if n else np.nan,
                "ci_low": low,
                "ci_high": high,
                **quantile_summary(replications[f"target:{t.name}"] if n else []),
                "cost_per_sustained_job": _ratio_of_means(replications, "cost:per_sustained_job"),
            }
        )
    return pd.DataFrame(rows)


#: Net public cost = public cost - benefits paid - benefits saved (see replication.costs).
_NET_PUBLIC = ("cost:public", "cost:benefits_paid", "saving:benefits")
_COST_SUMMARY = (
    "cost:per_additional_sustained_job",
    "cost:programme",
    *_NET_PUBLIC,
    "cost:net_public",
    "cost:per_participant",
    "cost:per_hired",
    "cost:per_ordinary",
    "cost:per_sustained_job",
    "cost:net_public_per_sustained_job",
)
#: Costs counted over the programme period only (to its end): its own items and caseworkers.
_TO_THE_END = frozenset((*PROGRAMME_ITEMS, "cost:programme", "cost:caseworker"))


def cost_table(replications: pd.DataFrame) -> pd.DataFrame:
    """Mean (95 % interval of the mean) and spread of every cost; P(within the grant).

    A "per" figure (:data:`~labour_sim.metrics.PER_FIGURES`) is the mean numerator over the
    mean denominator (columns ``numerator`` and ``denominator``, so the division can be
    checked), with a delta-method interval; ``zero_share`` is the share of replications
    whose denominator is 0 (none dropped); its spread is that of the replications with a
    positive denominator.
    """
    rows = []
    for item, label in COST_LABELS.items():
        values = replications[item] if item in replications else pd.Series(dtype=float)
        extra: dict[str, float] = {}
        count = f"{item}:n"
        if item in PER_FIGURES and count in replications and len(replications):
            num = replications[PER_FIGURES[item][0]].to_numpy(dtype=float)
            den = replications[count].to_numpy(dtype=float)
            mean, low, high = ratio_interval(num, den)
            spread = quantile_summary(values[den > 0])
            extra = {
                "numerator": float(num.mean()),
                "denominator": float(den.mean()),
                "zero_share": float(np.mean(den <= 0)),
            }
        else:
            mean, low, high = mean_interval(values)
            spread = quantile_summary(values)
        rows.append(
            {
                "item": item, "label": label, **spread, "mean": mean, "ci_low": low,
                "ci_high": high, **extra,
            }
        )  # fmt: skip
    within = replications.get("cost:within_grant", pd.Series(dtype=float)).dropna()
    low, high = wilson_interval(int(within.astype(bool).sum()), len(within))
    rows.append(
        {
            "item": "cost:within_grant",
            "label": "probability that the programme cost stays within the grant",
            **dict.fromkeys(("median", "p10", "p90", "p2_5", "p97_5"), np.nan),
            "mean": within.astype(float).mean() if len(within) else np.nan,
            "ci_low": low,
            "ci_high": high,
        }
    )
    return pd.DataFrame(rows)


def _ratio_of_means(table: pd.DataFrame, figure: str) -> float:
    """A "per" figure across replications: mean numerator over mean denominator."""
    count = f"{figure}:n"
    if count not in table or not len(table):
        return float("nan")
    return ratio_interval(table[PER_FIGURES[figure][0]], table[count])[0]


def band_table(start: dt.date, weekly: np.ndarray) -> pd.DataFrame:
    """Weekly quantile bands from stacked weekly counts (replications, weeks, series)."""
    if weekly.size == 0:
        return pd.DataFrame(columns=["week", "date", "series", "kind", "mean"])
    q = np.quantile(weekly, BAND_QUANTILES, axis=0)  # (quantiles, weeks, series)
    weeks = np.arange(weekly.shape[1])
    parts = []
    for s, name in enumerate(SERIES):
        kind, series = name.split(":")
        frame = pd.DataFrame({"week": weeks, "series": series, "kind": kind})
        frame["mean"] = weekly[:, :, s].mean(axis=0)
        for i, level in enumerate(BAND_QUANTILES):
            frame[f"q{round(level * 100):02d}"] = q[i, :, s]
        parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table.insert(
        1, "date", [(start + dt.timedelta(weeks=int(w))).isoformat() for w in table["week"]]
    )
    return table
