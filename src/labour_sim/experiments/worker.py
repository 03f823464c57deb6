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
from .posterior import PosteriorDraws

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
    draws: PosteriorDraws | None = None,
) -> Chunk:
    """Run replications ``start..stop-1``; keep weekly counts of those below ``keep_weekly``.

    With ``draws`` (a calibrated run), replication ``r`` runs at its own posterior draw
    (:meth:`PosteriorDraws.changes`) and its row says which: ``particle``, each
    ``parameter:PATH`` and, with drift, ``drift_per_year`` (the draw's yearly log change of
    hiring); ``scenario_hash`` stays ``scenario``'s, the run's baseline.

    Pure and picklable: the unit of work sent to local processes and Dask workers.
    """
    rows, weekly = [], []
    changes = draws.changes(scenario, seed, start, stop) if draws is not None else None
    records = draws.columns(seed, start, stop) if draws is not None else None
    reps = draws.replications(seed, start, stop) if draws is not None else range(start, stop)
    for r in range(start, stop):
        run = scenario if changes is None else scenario.with_changes(changes[r - start])
        result = run_replication(run, seed, reps[r - start], engine)
        row = summarise(run, result)
        if records is not None:
            row.update({"scenario_hash": scenario.hash, **records[r - start]})
        rows.append(row)
        if r < keep_weekly:
            weekly.append(weekly_counts(result))
    weekly_array = np.stack(weekly) if weekly else None
    return Chunk(start, stop, pd.DataFrame(rows), weekly_array, setting)
