"""The levers that matter most: the report's tables of a one-at-a-time tornado.

The tornado itself (the programme's levers over their plausible ranges, on common random
numbers) is computed by :func:`labour_sim.levers.run_tornado`; this module says its outcomes
in words (:func:`outcome_words`) and tabulates its swings (:func:`tornado_table`).
"""

from __future__ import annotations

import math

from ..levers import Sensitivity
from ..metrics import METRIC_LABELS
from ..scenario import Scenario
from .html import Html, join, table, tag

__all__ = ["outcome_words", "tornado_table"]


def outcome_words(scenario: Scenario, outcome: str, horizon: object = "the horizon") -> str:
    """An outcome of the tornado in words, with its unit and date.

    A count is counted by the end of the period (a target's by its own date); the cost per
    job divides the programme's cost to the end by the jobs held 26 weeks by the savings
    ``horizon`` (a run's ``metadata["savings_horizon_date"]``), as everywhere else it is shown.
    """
    end = scenario.period.end
    if outcome.startswith("target:"):
        t = scenario.target(outcome.removeprefix("target:"))
        label = METRIC_LABELS.get(t.metric, t.metric)
        return f"{label} by {t.date} (target {t.threshold.value:,.0f})"
    if outcome == "cost:per_sustained_job":
        return (
            f"programme cost to {end} per job held 26 weeks by {horizon} "
            "(DKK; jobs against "
            "business as usual)"
        )
    return f"{METRIC_LABELS.get(outcome, outcome)} by {end}"


def tornado_table(scenario: Scenario, result: Sensitivity, horizon: object = "the horizon") -> Html:
    """One table per outcome: levers ranked by the size of their swing, with intervals.

    ``horizon`` is the savings horizon's date, for the cost per job's heading.
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
        parts.append(tag("h3", outcome_words(scenario, outcome, horizon)))
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
