"""What several plots read from results: which target to mark, and a one-line context."""

from __future__ import annotations

import pandas as pd

from ..experiments import Results

__all__ = ["context", "target_row"]


def target_row(
    results: Results, target: str | None = None, metric: str | None = None
) -> pd.Series | None:
    """The targets-table row to mark: ``target``, else the first on ``metric``, else the first.

    ``None`` when the scenario has no target (on ``metric``).
    """
    if target is not None:
        return results.target(target)
    table = results.targets
    if metric is not None:
        table = table[table["metric"] == metric]
    return None if table.empty else table.iloc[0]


def context(results: Results) -> str:
    """``'Scenario name, 1,000 replications'`` (and how many the bands come from if fewer)."""
    meta = results.metadata
    name = meta.get("scenario", "scenario")
    kept = meta.get("band_replications", results.n)
    shown = f" (bands from {kept:,})" if kept != results.n else ""
    return f"{name}, {results.n:,} replications{shown}"
