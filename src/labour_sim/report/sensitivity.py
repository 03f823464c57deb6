"""The levers that matter most: the report's tables of a one-at-a-time tornado.

The tornado itself (the programme's levers over their plausible ranges, on common random
numbers) is computed by :func:`labour_sim.levers.run_tornado`; this module says its outcomes
in words (:func:`outcome_words`) and tabulates its swings (:func:`tornado_table`).
"""

from __future__ import annotations

import math

from ..experiments import Results
from ..levers import Sensitivity
from ..metrics import COST_LABELS, METRIC_LABELS, PER_FIGURES
from ..scenario import Scenario
from .html import Html, join, table, tag

__all__ = ["outcome_words", "tornado_table"]


def outcome_words(scenario: Scenario, outcome: str, results: Results | None = None) -> str:
    """An outcome of the tornado in words, with its unit and date.

    A count is counted by the end of the period (a target's by its own date); a "per" figure
    names its numerator and denominator with their dates as the ``results`` it was run
    beside give them (:meth:`Results.per_label`), as everywhere else it is shown.
    """
    end = scenario.period.end
    if outcome.startswith("target:"):
        t = scenario.target(outcome.removeprefix("target:"))
        label = METRIC_LABELS.get(t.metric, t.metric)
        return f"{label} by {t.date} (target {t.threshold.value:,.0f})"
    if outcome in PER_FIGURES:
        label = results.per_label(outcome) if results is not None else COST_LABELS[outcome]
        return f"{label}, DKK"
    return f"{METRIC_LABELS.get(outcome, outcome)} by {end}"


def tornado_table(scenario: Scenario, result: Sensitivity, results: Results | None = None) -> Html:
    """One table per outcome: levers ranked by the size of their swing, with intervals.

    ``results`` (the run beside it) give a "per" figure's dates (see :func:`outcome_words`).
    """
    parts = []
    for outcome in result.outcomes:
        rows = result.table[result.table["outcome"] == outcome].sort_values("rank")
        body = [
            (
                int(r["rank"]),
                r["lever"],
                f"{_num(r['low'])} to {_num(r['high'])}",
                _num(r["baseline"]),
                _num(r["at_low"]),
                _num(r["at_high"]),
                f"{r['swing']:+,.0f} [{r['swing_low']:+,.0f}, {r['swing_high']:+,.0f}]",
            )
            for _, r in rows.iterrows()
        ]
        parts.append(tag("h3", outcome_words(scenario, outcome, results)))
        parts.append(
            table(
                (
                    "rank",
                    "lever",
                    "range",
                    "scenario value",
                    "at low",
                    "at high",
                    "swing (95 % interval)",
                ),
                body,
                numeric=(0, 3, 4, 5, 6),
                caption="Mean over replications at each end of the lever's range; the swing "
                "is high minus low, with a paired 95 % interval.",
            )
        )
    return join(parts)


def _num(x: float) -> str:
    x = float(x)
    if not math.isfinite(x):
        return "n/a"
    if abs(x) >= 100 or x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.3g}"
