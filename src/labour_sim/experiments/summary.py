"""What crosses a process boundary: one small row (and weekly counts) per replication.

Workers run replications and reduce each to a flat row of outcomes (every metric at the end
date, each target's outcome at its date and whether it was reached, waits, queues and
utilisation), plus, for the first replications only, the weekly counts that quantile bands
are made from. Full event logs never leave the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..costs import replication_costs
from ..metrics import METRICS
from ..model.states import State
from ..replication import run_replication
from ..results import ReplicationResult
from ..scenario import Scenario

__all__ = ["SERIES", "Chunk", "run_chunk", "summarise"]

#: Weekly series kept for bands: each state's count, then each metric's cumulative count.
SERIES = tuple([f"state:{s.label}" for s in State] + [f"metric:{m}" for m in METRICS])


def summarise(scenario: Scenario, result: ReplicationResult) -> dict[str, object]:
    """One flat row of outcomes for one replication (carries scenario, seed, replication).

    Every metric at the end date (column named after the metric), every metric at each
    other target date (``metric@YYYY-MM-DD``), and each target's outcome at its date
    (``target:NAME``) and whether it was reached (``reached:NAME``), and every cost
    (``cost:...``, DKK; see :mod:`labour_sim.costs`).
    """
    row: dict[str, object] = {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "seed": result.seed,
        "replication": result.replication,
        "citizens": result.n_citizens,
        "events": result.events,
    }
    row.update(result.summary(scenario.period.end))
    for date in sorted({t.date for t in scenario.targets} - {scenario.period.end}):
        row.update({f"{m}@{date}": float(result.outcome(m, date)) for m in METRICS})
    row.update(replication_costs(scenario, result))
    for target in scenario.targets:
        value = result.outcome(target.metric, target.date)
        row[f"target:{target.name}"] = value
        row[f"reached:{target.name}"] = value >= target.threshold.value
    return row


def weekly_counts(result: ReplicationResult) -> NDArray[np.int32]:
    """Weekly state counts and cumulative metric counts: shape (weeks, len(SERIES))."""
    metrics = np.column_stack([result.cumulative(m) for m in METRICS])
    return np.column_stack([result.state_counts, metrics]).astype(np.int32)


@dataclass(frozen=True)
class Chunk:
    """Outcomes of replications ``start`` to ``stop - 1``, in replication order."""

    start: int
    stop: int
    rows: pd.DataFrame
    weekly: NDArray[np.int32] | None  # (replications kept, weeks, series)


def run_chunk(scenario: Scenario, seed: int, start: int, stop: int, keep_weekly: int) -> Chunk:
    """Run replications ``start..stop-1``; keep weekly counts of those below ``keep_weekly``.

    Pure and picklable: the unit of work sent to local processes and Dask workers.
    """
    rows, weekly = [], []
    for r in range(start, stop):
        result = run_replication(scenario, seed, r)
        rows.append(summarise(scenario, result))
        if r < keep_weekly:
            weekly.append(weekly_counts(result))
    return Chunk(start, stop, pd.DataFrame(rows), np.stack(weekly) if weekly else None)
