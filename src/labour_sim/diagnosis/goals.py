"""What it would take: a goal search for each missed target, on the lever most likely to help.

:func:`goal_lever` picks the lever: the one that adds the binding capacity
(:data:`CAPACITY_LEVERS`, from :func:`~.bottleneck.bottleneck`) when a capacity binds, else
the lever and end (high or low) that raises the target's outcome most in a tornado.
:func:`goal_searches` runs :func:`~labour_sim.levers.budget_for` on it, that way, for each
missed target (:func:`~.targets.missed_targets`); each answer says whether the goal was
reached, at what value, and with what precision ("undecided at this precision" where it is).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..experiments import Execution, Results
from ..experiments.posterior import PosteriorDraws
from ..levers import BudgetAnswer, Sensitivity, budget_for, default_levers
from ..scenario import Scenario
from .bottleneck import bottleneck
from .targets import GOAL_PROBABILITY, missed_targets

__all__ = ["CAPACITY_LEVERS", "GOAL_STEPS", "GoalLever", "goal_lever", "goal_searches"]

#: The lever that adds each capacity: the one searched when that capacity binds.
CAPACITY_LEVERS = {
    "slot": "companies.slots_per_company",
    "mentor": "staff.mentors",
    "caseworker": "staff.caseload",
}
#: At most this many lever values past the scenario's own (whole-number levers step wider).
GOAL_STEPS = 12


class GoalLever(NamedTuple):
    """A lever to search for a target, and the values to try in the order of the search."""

    lever: str
    #: From one step past the scenario's value to the end of the lever's plausible range.
    values: list[float]
    #: The values fall from the scenario's (the lever's low end helps the target).
    downward: bool


def goal_lever(
    scenario: Scenario,
    target: str,
    results: Results,
    sensitivity: Sensitivity | None,
    exclude: frozenset[str] = frozenset(),
) -> GoalLever | None:
    """The lever to search for ``target``, which way, and the values to try; or ``None``.

    The binding capacity's lever (:data:`CAPACITY_LEVERS`, searched upward) when a capacity
    binds; else the lever and end (high or low) that raises the target's outcome most in
    the tornado above its value at the scenario's own settings (where time in placement
    keeps citizens from other hires, a low end can: shorter placements, fewer attempts).
    The values run from one step past the scenario's value to that end of the lever's
    plausible range (:func:`labour_sim.levers.default_levers`), at most
    :data:`GOAL_STEPS` of them. A lever in ``exclude`` (dotted paths: a calibration's
    parameters) is never chosen: the next one in that order is.
    """
    ranges = {k: v for k, v in default_levers(scenario).items() if k not in exclude}
    found = bottleneck(results).capacity
    lever = CAPACITY_LEVERS.get(found.key) if found is not None else None
    downward = False
    if (lever is None or lever not in ranges) and sensitivity is not None:
        table = sensitivity.table
        rows = table[(table["outcome"] == f"target:{target}") & table["lever"].isin(list(ranges))]
        up = (rows["at_high"] - rows["at_baseline"]).to_numpy(dtype=float)
        down = (rows["at_low"] - rows["at_baseline"]).to_numpy(dtype=float)
        gain = np.maximum(up, down)
        best = int(gain.argmax()) if len(rows) else -1
        lever = str(rows["lever"].iloc[best]) if best >= 0 and gain[best] > 0 else None
        downward = best >= 0 and bool(down[best] > up[best])
    if lever is None or lever not in ranges:
        return None
    numbers = scenario.levers()
    now = float(numbers[numbers["path"] == lever]["value"].iloc[0])
    end = float(ranges[lever][0] if downward else ranges[lever][1])
    sign = -1.0 if downward else 1.0
    span = (end - now) * sign  # how far the search can go from the scenario's value
    if not span > 0:
        return None
    whole = all(float(v).is_integer() for v in (now, *ranges[lever]))
    step = max(1.0, math.ceil(span / GOAL_STEPS)) if whole else span / GOAL_STEPS
    values = [
        round(now + sign * step * i, 3) for i in range(1, GOAL_STEPS + 1) if step * i <= span + 1e-9
    ]
    return GoalLever(lever, values if values[-1] == end else [*values, end], downward)


def goal_searches(
    scenario: Scenario,
    results: Results,
    sensitivity: Sensitivity | None,
    replications: int,
    seed: int,
    execution: Execution | None = None,
    calibration: PosteriorDraws | None = None,
) -> list[BudgetAnswer]:
    """A goal search (:func:`labour_sim.levers.budget_for`) for each missed target.

    A target is missed below :data:`labour_sim.report.GOAL_PROBABILITY`; each search asks
    for the smallest value of :func:`goal_lever`'s lever that reaches that probability,
    with ``replications`` per value on ``seed``: on the calibrated model with
    ``calibration`` (whose parameters are not levers to search: the next lever is searched
    instead), else on the scenario as written.
    """
    calibrated = frozenset(calibration.paths) if calibration is not None else frozenset()
    answers = []
    for target in missed_targets(results):
        found = goal_lever(scenario, target, results, sensitivity, calibrated)
        if found is None:
            continue
        answers.append(
            budget_for(
                scenario, target, GOAL_PROBABILITY, found.lever, found.values,
                replications=replications, seed=seed, execution=execution,
                calibration=calibration, downward=found.downward,
            )
        )  # fmt: skip
    return answers
