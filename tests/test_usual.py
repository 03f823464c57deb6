"""Business as usual: the counterfactual arm, its hazards, and the effect on common random numbers.

* A programme that never places anybody (no companies) is business as usual: every effect
  column is exactly 0, on both engines; a programme that does place people is not.
* The candidate exits are a Poisson process at the input hazards: the number of exits over
  the citizens' exposure is Poisson, so ``(exits - rate * exposure) / sqrt(rate * exposure)``
  is about standard normal; the outcome at an exit is binomial with the hazards' shares.
* Calendar-time hiring conditions multiply the hazard (the same test with a factor of 2).
* In the programme arm nobody leaves to business as usual during a placement (lock-in).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from factory import build, d, q
from labour_sim import Scenario, State, run_replication
from labour_sim.model import draw_citizens
from labour_sim.model.usual import USUAL, usual_spells
from labour_sim.replication import summarise

ORDINARY, FLEXJOB, EDUCATION = 0.004, 0.001, 0.002  # 1/week
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
#: |z| bound for a standard normal statistic: exceeded with probability 6e-5.
Z = 4.0


def usual(
    ordinary: float = ORDINARY, flexjob: float = FLEXJOB, education: float = EDUCATION
) -> dict[str, Any]:
    rates = {"ordinary": ordinary, "flexjob": flexjob, "education": education}
    return {"default": {k: q(v, "1/week") for k, v in rates.items()}, "groups": []}


def cohort(changes: dict[str, Any] | None = None) -> Scenario:
    """A large cohort (12 x 300 referrals) with readiness 1 and the hazards above."""
    return build(
        {"business_as_usual": usual(), "intake.monthly_counts": q([300.0] * 12), **(changes or {})}
    )


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_a_programme_that_places_nobody_has_no_effect(engine: str) -> None:
    none = cohort({"companies.initial": q(0), "companies.max_companies": q(0),
                   "intake.monthly_counts": q([20.0] * 12),
                   "dropout.rate_per_week": q(0.01, "1/week")})  # fmt: skip
    row = summarise(none, run_replication(none, 5, 0, engine=engine))
    effects = {k: v for k, v in row.items() if k.startswith("effect:")}
    assert effects and all(v == 0.0 for v in effects.values())
    assert float(row["usual:into_work"]) > 0  # type: ignore[arg-type]  # business as usual did happen
    assert row["deadweight"] == 1.0
    some = cohort({"intake.monthly_counts": q([20.0] * 12)})
    assert float(summarise(some, run_replication(some, 5, 0))["effect:into_work"]) > 0  # type: ignore[arg-type]


def exits(s: Scenario, seed: int = 11) -> tuple[FloatArray, BoolArray, IntArray]:
    """First business-as-usual exit of each citizen: (exposure weeks, exited, first spells)."""
    c = draw_citizens(s, seed, 0)
    spells = usual_spells(c.usual, c.arrival, s.horizon_weeks)
    first = np.full(c.n, np.inf)
    np.minimum.at(first, spells.citizen, spells.enter)
    exposure = np.minimum(first, s.horizon_weeks) - c.arrival
    kinds = spells.state[np.r_[True, np.diff(spells.citizen) != 0]]
    return exposure, np.isfinite(first), kinds


def z(count: float, expected: float) -> float:
    return (count - expected) / math.sqrt(expected)


def test_business_as_usual_exits_follow_the_input_hazards() -> None:
    s = cohort()
    exposure, exited, kinds = exits(s)
    total = ORDINARY + FLEXJOB + EDUCATION
    assert abs(z(exited.sum(), total * exposure.sum())) < Z
    n, p = kinds.size, ORDINARY / total  # outcome at the exit: binomial
    assert abs((np.sum(kinds == State.ORDINARY) - n * p) / math.sqrt(n * p * (1 - p))) < Z


def test_hiring_conditions_multiply_the_hazards() -> None:
    boom = {"name": "boom", "kind": "period", "applies_to": ["hiring"],
            "start": "2019-01-01", "end": "2030-01-01", "factor": q(2.0, "multiplier")}  # fmt: skip
    s = cohort({"conditions": [boom]})
    exposure, exited, _ = exits(s)
    rate = 2 * (ORDINARY + FLEXJOB + EDUCATION)
    assert abs(z(exited.sum(), rate * exposure.sum())) < Z
    # and the base rate would be rejected
    assert abs(z(exited.sum(), rate / 2 * exposure.sum())) > Z


def test_nobody_leaves_to_business_as_usual_during_a_placement() -> None:
    s = cohort({"intake.monthly_counts": q([30.0] * 12),
                "placement.duration_weeks": d("constant", 26.0)})  # fmt: skip
    r = run_replication(s, 2, 0)
    log, so = r.log, r.sojourns
    bau = log["company"] == USUAL
    assert bau.any() and (so.state == State.PLACEMENT).any()
    placed = so.state == State.PLACEMENT
    for k, week in zip(log["citizen"][bau], log["week"][bau], strict=True):
        inside = placed & (so.citizen == k) & (so.enter < week) & (week < so.leave)
        assert not inside.any()
