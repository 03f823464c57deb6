"""The programme's levers over their plausible ranges, and their cheap one-at-a-time tornado.

The levers of a programme (docs/model.md: intake, companies, slots, willingness to hire, caseload,
mentors, placement length and attempts, support) are moved from the low to the high end of
their plausible range, the others at the scenario's values, on common random numbers
(:func:`labour_sim.levers.tornado`). A lever's range is the ``range`` the scenario gives for
an assumption; a sourced number is moved 25 % either way. Levers the scenario does not set
(e.g. mentors when not limited) or whose range it rejects are left out.

The outcome is the count behind the least likely target (how far from the promise each lever
moves it) and the programme cost per job held 26 weeks (DKK). The funders' report shows the
result (:mod:`labour_sim.report`); ``labour-sim report --levers N`` runs it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import ScenarioError
from ..experiments import Execution, Results
from ..experiments.posterior import Calibrated, as_posterior_draws
from ..scenario import Scenario, iter_numbers
from .sensitivity import Sensitivity, tornado
from .space import parse_levers

__all__ = [
    "CANDIDATE_LEVERS",
    "SOURCED_SWING",
    "default_levers",
    "lever_outcomes",
    "run_tornado",
]

#: Lever paths tried, in docs/model.md's order.
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
#: How far a sourced number (no plausible range given) is moved either way (a fraction).
SOURCED_SWING = 0.25


def default_levers(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """``{path: (low, high)}`` for the candidate levers the scenario sets and accepts.

    Parameters
    ----------
    scenario : Scenario
        The programme.

    Returns
    -------
    dict
        Each lever of :data:`CANDIDATE_LEVERS` the scenario sets, with its plausible range
        in the lever's own unit (whole numbers for counts); empty if none applies.
    """
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
    execution: Execution | None = None,
    calibration: Calibrated = None,
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
    execution : Execution, optional
        Where and how visibly the replications run (its ``out`` is not used).
    calibration : Calibration or PosteriorDraws, optional
        Run it on the calibrated model; default levers the calibration sets are left out
        (given ``levers`` may not be calibrated parameters).

    Returns
    -------
    Sensitivity or None
        The tornado (swings in each outcome's unit: citizens, or DKK per sustained job), or
        ``None`` when no lever applies.
    """
    chosen = default_levers(scenario) if levers is None else dict(levers)
    draws = as_posterior_draws(calibration) if calibration is not None else None
    if draws is not None and levers is None:  # the default levers: those it does not set
        chosen = {path: spec for path, spec in chosen.items() if path not in draws.paths}
    if not chosen:
        return None
    return tornado(
        scenario,
        chosen,
        outcomes or lever_outcomes(scenario, results),
        replications=replications,
        seed=seed,
        execution=execution,
        calibration=draws,
    )
