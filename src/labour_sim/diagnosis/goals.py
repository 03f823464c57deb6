"""What it would take: a goal search for each missed target, on the lever most likely to help.

:func:`goal_lever` picks the lever: the one that adds the binding capacity
(:data:`CAPACITY_LEVERS`, from :func:`~.bottleneck.bottleneck`) when a capacity binds, else
the lever whose high end raises the target's outcome most in a tornado. :func:`goal_searches`
runs :func:`~labour_sim.levers.budget_for` on it for each missed target
(:func:`~.targets.missed_targets`); each answer says whether the goal was reached, at what
value, and with what precision ("undecided at this precision" where it is).
"""

from __future__ import annotations

import math

from ..experiments import Execution, Results
from ..experiments.posterior import PosteriorDraws
from ..levers import BudgetAnswer, Sensitivity, budget_for, default_levers
from ..scenario import Scenario
from .bottleneck import bottleneck
from .targets import GOAL_PROBABILITY, missed_targets

__all__ = ["CAPACITY_LEVERS", "GOAL_STEPS", "goal_lever", "goal_searches"]

#: The lever that adds each capacity: the one searched when that capacity binds.
CAPACITY_LEVERS = {
    "slot": "companies.slots_per_company",
    "mentor": "staff.mentors",
    "caseworker": "staff.caseload",
}
#: At most this many lever values above the scenario's own (whole-number levers step wider).
GOAL_STEPS = 12


def goal_lever(
    scenario: Scenario,
    target: str,
    results: Results,
    sensitivity: Sensitivity | None,
    exclude: frozenset[str] = frozenset(),
) -> tuple[str, list[float]] | None:
    """The lever to search for ``target`` and the values to try, or ``None``.

    The binding capacity's lever (:data:`CAPACITY_LEVERS`) when a capacity binds; else the
    lever whose high end raises the target's outcome most in the tornado; the values run
    from one step above the scenario's value to the top of the lever's plausible range
    (:func:`labour_sim.levers.default_levers`), at most :data:`GOAL_STEPS` of them. A lever
    in ``exclude`` (dotted paths: a calibration's parameters) is never chosen: the next
    one in that order is.
    """
    ranges = {k: v for k, v in default_levers(scenario).items() if k not in exclude}
    found = bottleneck(results).capacity
    lever = CAPACITY_LEVERS.get(found.key) if found is not None else None
    if (lever is None or lever not in ranges) and sensitivity is not None:
        rows = sensitivity.table[sensitivity.table["outcome"] == f"target:{target}"]
        rows = rows[(rows["at_high"] > rows["at_baseline"]) & rows["lever"].isin(list(ranges))]
        gain = (rows["at_high"] - rows["at_baseline"]).to_numpy(dtype=float)
        lever = str(rows["lever"].iloc[int(gain.argmax())]) if len(rows) else None
    if lever is None or lever not in ranges:
        return None
    numbers = scenario.levers()
    now = float(numbers[numbers["path"] == lever]["value"].iloc[0])
    high = float(ranges[lever][1])
    if not high > now:
        return None
    whole = all(float(v).is_integer() for v in (now, *ranges[lever]))
    step = max(1.0, math.ceil((high - now) / GOAL_STEPS)) if whole else (high - now) / GOAL_STEPS
    values = [
        round(now + step * i, 3) for i in range(1, GOAL_STEPS + 1) if now + step * i <= high + 1e-9
    ]
    return lever, values if values[-1] == high else [*values, high]


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
        lever, values = found
        answers.append(
            budget_for(
                scenario, target, GOAL_PROBABILITY, lever, values,
                replications=replications, seed=seed, execution=execution,
                calibration=calibration,
            )
        )  # fmt: skip
    return answers
