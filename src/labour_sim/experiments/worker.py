"""The unit of work sent to a worker: a chunk of replications of one setting, reduced.

A worker runs replications ``start .. stop - 1`` and keeps, for each, only the flat row of
:func:`~labour_sim.replication.summarise` (and, for the first replications, the weekly
counts that quantile bands are made from): event logs never leave the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..replication import run_replication, summarise, weekly_counts
from ..scenario import Scenario

__all__ = ["Chunk", "run_chunk"]


@dataclass(frozen=True)
class Chunk:
    """Outcomes of replications ``start`` to ``stop - 1``, in replication order."""

    start: int
    stop: int
    rows: pd.DataFrame
    weekly: NDArray[np.int32] | None  # (replications kept, weeks, series)
    setting: int = 0  # which setting of a run of many (see :mod:`.driver`)


def run_chunk(
    scenario: Scenario,
    seed: int,
    start: int,
    stop: int,
    keep_weekly: int,
    setting: int = 0,
    engine: str = "auto",
) -> Chunk:
    """Run replications ``start..stop-1``; keep weekly counts of those below ``keep_weekly``.

    Pure and picklable: the unit of work sent to local processes and Dask workers.
    """
    rows, weekly = [], []
    for r in range(start, stop):
        result = run_replication(scenario, seed, r, engine)
        rows.append(summarise(scenario, result))
        if r < keep_weekly:
            weekly.append(weekly_counts(result))
    weekly_array = np.stack(weekly) if weekly else None
    return Chunk(start, stop, pd.DataFrame(rows), weekly_array, setting)
