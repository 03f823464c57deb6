"""What several plots read from results, and the words they label things with.

Which target to mark, a one-line context, and human words for targets, outcomes and levers
(never an internal id or a dotted path).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..experiments import Results
from ..metrics import COMPANY_METRICS, metric_at, target_words
from ..scenario import lever_name
from .style import outcome_label, outcome_unit

__all__ = ["context", "lever_words", "outcome_words", "target_label", "target_row",
           "target_specs"]  # fmt: skip


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


def target_label(spec: Mapping[str, Any] | pd.Series) -> str:
    """``'target: 850 placed in a company by 2021-12-31'`` from a targets-table row or spec."""
    return "target: " + target_words(str(spec["metric"]), float(spec["threshold"]), spec["date"])


def outcome_words(outcome: str, specs: Mapping[str, Mapping[str, Any] | None]) -> tuple[str, str]:
    """``(label, unit)`` of an outcome column, a target named by what it counts.

    ``specs`` maps target names to their ``metric``, ``threshold`` and ``date`` (the
    ``target_specs`` of a sweep's metadata; ``None`` for a target known only by name). A
    target's name or ``probability:NAME`` is the probability of reaching it (%);
    ``target:NAME`` is its metric's count at its date; any other column is labelled as
    :func:`~.style.outcome_label` does.
    """
    bare = outcome.removeprefix("probability:")
    if bare in specs or outcome.startswith("probability:"):
        spec = specs.get(bare)
        what = target_label(spec).removeprefix("target: ") if spec else "the target"
        return f"probability of reaching {what}", "%"
    if outcome.startswith("target:"):
        spec = specs.get(outcome.removeprefix("target:"))
        if spec is None:
            return "count at the target's date", "citizens"
        metric = str(spec["metric"])
        unit = "companies" if metric in COMPANY_METRICS else "citizens"
        return metric_at(metric, spec["date"]), unit
    return outcome_label(outcome), outcome_unit(outcome)


def target_specs(results: Results) -> dict[str, dict[str, Any]]:
    """Target name -> its ``metric``, ``threshold`` and ``date`` (from the targets table)."""
    table = results.targets
    return {
        str(row["target"]): {k: row[k] for k in ("metric", "threshold", "date")}
        for _, row in table.iterrows()
    }


def lever_words(path: str) -> str:
    """A lever's human name (from the scenario schema's field descriptions)."""
    return lever_name(path)
