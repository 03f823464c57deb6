"""Results of an experiment: three tidy tables, their metadata, and plain-words verdicts.

* ``replications``: one row per replication (every metric at the end date, each target's
  outcome at its date and whether it was reached, waits, queues, utilisation), each row with
  scenario name, scenario hash, seed and replication number;
* ``bands``: weekly quantiles (5 to 95 %) of every state count and milestone count;
* ``targets``: per target, the probability of reaching it with a Wilson 95 % interval, and
  the outcome's mean, median, 80 % and 95 % intervals.

``Results.save`` writes Parquet tables and a self-describing ``metadata.json`` (scenario text
and hash, seed, replications, versions, times); ``Results.load`` reads them back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..metrics import METRIC_LABELS
from ..scenario import Scenario
from ..stats import BAND_QUANTILES, quantile_summary, wilson_interval
from .store import write_json, write_parquet
from .summary import SERIES

__all__ = ["Results", "band_table", "target_table"]

_TABLES = ("replications", "bands", "targets")


@dataclass(frozen=True, eq=False)
class Results:
    """What an experiment found; see the module docstring for the tables."""

    replications: pd.DataFrame
    bands: pd.DataFrame
    targets: pd.DataFrame
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

    def verdicts(self) -> list[str]:
        """Each target in plain words, e.g. '550 employed ... by 2021-12-31: 3 % likely [2-5 %]'."""
        return [verdict_line(row) for _, row in self.targets.iterrows()]

    def save(self, folder: str | Path) -> Path:
        """Write the tables (Parquet) and ``metadata.json`` into ``folder``, atomically."""
        root = Path(folder)
        for name in _TABLES:
            write_parquet(root / f"{name}.parquet", getattr(self, name))
        write_json(root / "metadata.json", self.metadata)
        return root

    @classmethod
    def load(cls, folder: str | Path) -> Results:
        """Read results written by :meth:`save`."""
        root = Path(folder)
        tables = {name: pd.read_parquet(root / f"{name}.parquet") for name in _TABLES}
        metadata = json.loads((root / "metadata.json").read_text())
        return cls(metadata=metadata, **tables)


def verdict_line(row: pd.Series) -> str:
    """One target's verdict in plain words."""
    label = METRIC_LABELS.get(str(row["metric"]), str(row["metric"])).removeprefix("citizens ")
    return (
        f"{row['threshold']:,.0f} {label} by {row['date']}: "
        f"{row['probability']:.0%} likely [{row['ci_low']:.0%}-{row['ci_high']:.0%}]; "
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
            }
        )
    return pd.DataFrame(rows)


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
