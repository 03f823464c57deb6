"""Special cases with exact answers: Erlang C, binomial counts, Little's law.

Tolerances are three standard errors computed from the replications themselves (or from
theory), never tuned. Seeds are fixed, so each test is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from factory import binomial_scenario, build, d, q, zero
from labour_sim import State, run_replication

SLOTS = 3
PLACEMENT_WEEKS = 4.0
WARM_UP = 300.0
#: Both engines: the SimPy reference and the compiled one.
ENGINES = ("des", "fast")


def erlang_c_wait(c: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C formula)."""
    a = arrival_rate / service_rate
    top = a**c / math.factorial(c) * c / (c - a)
    p_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return p_wait / (c * service_rate - arrival_rate)


def mmc_scenario(utilisation: float):
    """Poisson referrals, no preparation, exponential placements, c slots, nothing else."""
    rate = utilisation * SLOTS / PLACEMENT_WEEKS
    return build(
        {
            "period": {"start": "2000-01-03", "end": "2076-12-27", "follow_up_weeks": q(0)},
            "intake": {"schedule": "poisson", "rate_per_week": q(rate), "assessment_weeks": zero()},
            "companies.initial": q(SLOTS),
            "companies.max_companies": q(SLOTS),
            "companies.recruitment_per_week": q(0.0),
            "preparation.duration_weeks": zero(),
            "placement.duration_weeks": d("exponential", PLACEMENT_WEEKS),
            "placement.outcomes": {
                k: q(0.0) for k in ("ordinary", "reduced", "flexjob", "education")
            },
            "placement.max_attempts": q(1),
        }
    ), rate


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("utilisation", [0.7, 0.9])
def test_slot_queue_is_erlang_c(utilisation: float, engine: str) -> None:
    scenario, rate = mmc_scenario(utilisation)
    theory = erlang_c_wait(SLOTS, rate, 1 / PLACEMENT_WEEKS)
    means = [
        run_replication(scenario, 11, r, engine).waits("slot", since=WARM_UP).mean()
        for r in range(30)
    ]
    se = np.std(means, ddof=1) / math.sqrt(len(means))
    assert abs(np.mean(means) - theory) < 3 * se, (np.mean(means), theory, se)


@pytest.mark.parametrize("engine", ENGINES)
def test_littles_law_holds_for_the_slot_queue(engine: str) -> None:
    """Time-averaged queue length (from weekly counts) equals arrival rate x mean wait."""
    scenario, _ = mmc_scenario(0.8)
    gaps = []
    for r in range(20):
        res = run_replication(scenario, 5, r, engine)
        waiting = res.state_counts[:, State.WAITING]
        horizon = res.horizon
        s = res.sojourns
        rows = s.state == State.WAITING
        entered = rows.sum() / horizon
        wait = (s.leave[rows] - s.enter[rows]).mean()
        gaps.append(waiting.mean() - entered * wait)
    se = np.std(gaps, ddof=1) / math.sqrt(len(gaps))
    assert abs(np.mean(gaps)) < 3 * se + 1e-12, (np.mean(gaps), se)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("p", "attempts"), [(0.3, 1), (0.2, 3)])
def test_ever_employed_is_binomial(p: float, attempts: int, engine: str) -> None:
    n, reps = 240, 200
    scenario = binomial_scenario(p, attempts, n)
    counts = np.array(
        [run_replication(scenario, 3, r, engine).outcome("ordinary", 200.0) for r in range(reps)]
    )
    pi = 1 - (1 - p) ** attempts
    mean, var = n * pi, n * pi * (1 - pi)
    assert abs(counts.mean() - mean) < 3 * math.sqrt(var / reps)
    # Standard error of the sample variance from the binomial's fourth central moment.
    mu4 = n * pi * (1 - pi) * (1 + 3 * (n - 2) * pi * (1 - pi))
    se_var = math.sqrt((mu4 - var**2 * (reps - 3) / (reps - 1)) / reps)
    assert abs(counts.var(ddof=1) - var) < 3 * se_var
