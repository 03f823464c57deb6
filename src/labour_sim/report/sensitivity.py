"""The levers that matter most: a cheap one-at-a-time tornado for the report.

The report moves each of the programme's levers (MODEL.md: intake, companies, slots,
willingness to hire, caseload, mentors, placement length and attempts, support) from the low
to the high end of its plausible range, the others at the scenario's values, on common random
numbers (:func:`labour_sim.levers.tornado`). A lever's range is the ``range`` the scenario
gives for an assumption; a sourced number is moved 25 % either way. Levers the scenario does
not set (e.g. mentors when not limited) or whose range it rejects are left out.

The outcome is the count behind the least likely target (how far from the promise each lever
moves it) and the programme cost per job held 26 weeks (DKK).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import ScenarioError
from ..experiments import Execution, Results
from ..levers import Sensitivity, parse_levers, tornado
from ..metrics import METRIC_LABELS
from ..scenario import Scenario
from ..scenario.loader import iter_numbers
from .html import Html, join, table, tag

__all__ = ["CANDIDATE_LEVERS", "default_levers", "lever_outcomes", "run_tornado", "tornado_table"]

#: Lever paths the report tries, in MODEL.md's order.
CANDIDATE_LEVERS = (
    "intake.rate_per_week",
    "companies.max_companies",
    "companies.recruitment_per_week",
    "companies.slots_per_company",
    "companies.willingness",
    "staff.caseload",
    "staff.mentors",
    "staff.mentees_per_mentor",
    "preparation.support_multiplier",
    "placement.duration_weeks",
    "placement.max_attempts",
    "employment.follow_up_hazard_ratio",
)
#: How far a sourced number (no plausible range given) is moved either way.
SOURCED_SWING = 0.25


def default_levers(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """``{path: (low, high)}`` for the candidate levers the scenario sets and accepts."""
    numbers = dict(iter_numbers(scenario))
    found: dict[str, tuple[float, float]] = {}
    for path in CANDIDATE_LEVERS:
        q = numbers.get(path)
        if q is None:
            continue
        value = getattr(q, "value", getattr(q, "mean", None))
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if q.range is not None and q.range[0] < q.range[1]:
            low, high = q.range
        else:
            low, high = value * (1 - SOURCED_SWING), value * (1 + SOURCED_SWING)
        if isinstance(value, int):
            low, high = math.floor(low), math.ceil(high)
        if not low < high:
            continue
        try:
            parse_levers(scenario, {path: (low, high)})
        except ScenarioError:
            continue
        found[path] = (low, high)
    return found


def lever_outcomes(scenario: Scenario, results: Results | None = None) -> tuple[str, ...]:
    """The tornado's outcomes: the least likely target's count, then cost per sustained job.

    The least likely target is read from ``results`` (lowest probability; among equals, the
    one whose median falls furthest short of its threshold); without results, the target
    with the highest threshold. Without targets: citizens still in paid work 26 weeks after
    hire.
    """
    if not scenario.targets:
        return ("employed_26w", "cost:per_sustained_job")
    if results is not None and not results.targets.empty:
        table = results.targets.assign(
            short=results.targets["median"] / results.targets["threshold"]
        )
        name = str(table.sort_values(["probability", "short"]).iloc[0]["target"])
    else:
        name = max(scenario.targets, key=lambda t: t.threshold.value).name
    return (f"target:{name}", "cost:per_sustained_job")


def run_tornado(
    scenario: Scenario,
    replications: int,
    seed: int,
    *,
    levers: Mapping[str, Any] | None = None,
    outcomes: tuple[str, ...] | None = None,
    results: Results | None = None,
    **options: Any,
) -> Sensitivity | None:
    """The tornado of ``levers`` (default: :func:`default_levers`), or ``None`` if none apply.

    Parameters
    ----------
    scenario : Scenario
        The programme.
    replications : int
        Replications per setting (``2k + 1`` settings for ``k`` levers).
    seed : int
        Seed (the same random numbers at every setting).
    levers : mapping, optional
        ``{path: (low, high)}`` as for :func:`labour_sim.levers.tornado`.
    outcomes : tuple of str, optional
        Default: :func:`lever_outcomes` (of ``results``, when given).
    results : Results, optional
        The scenario's results, to find its least likely target.
    **options
        ``workers``, ``executor``, ``progress``.
    """
    chosen = default_levers(scenario) if levers is None else dict(levers)
    if not chosen:
        return None
    return tornado(
        scenario,
        chosen,
        outcomes or lever_outcomes(scenario, results),
        replications=replications,
        seed=seed,
        execution=Execution(**options),
    )


def outcome_words(scenario: Scenario, outcome: str) -> str:
    """An outcome of the tornado in words, with its unit."""
    if outcome.startswith("target:"):
        t = scenario.target(outcome.removeprefix("target:"))
        label = METRIC_LABELS.get(t.metric, t.metric)
        return f"{label} by {t.date} (target {t.threshold.value:,.0f})"
    if outcome == "cost:per_sustained_job":
        return "programme cost per job held 26 weeks (DKK)"
    return METRIC_LABELS.get(outcome, outcome)


def tornado_table(scenario: Scenario, result: Sensitivity) -> Html:
    """One table per outcome: levers ranked by the size of their swing, with intervals."""
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
        parts.append(tag("h3", outcome_words(scenario, outcome)))
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
