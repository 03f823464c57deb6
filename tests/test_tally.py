"""The compiled summary row and weekly series are the NumPy reference's, bit for bit.

``summarise`` and ``weekly_counts`` take their numbers from one compiled pass over the
sojourns (``replication/tally.py``); with ``compiled=False`` from ``ReplicationResult``'s
NumPy derivations and ``replication_costs``. Every column must be identical: counts exactly,
floats bit for bit (the compiled sums add the same terms in the same order, the way NumPy
does). Checked on every shipped scenario and on generated variants (capacity that binds,
ties, discounting, benefit kept in small jobs, targets at several dates, on cumulative and
point-in-time metrics), for the results of both engines, and on logs cut short.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from factory import q, target
from labour_sim import ReplicationResult, Scenario, State, load_scenario, run_replication
from labour_sim.model.states import EDUCATION, FLEXJOB, ORDINARY, REDUCED
from labour_sim.replication import summarise, weekly_counts
from labour_sim.replication.effect import SUSTAINED_WEEKS, arm_table, exact_sum
from labour_sim.replication.tally import pairwise_sum
from test_engines import variants

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))


def same_value(a: Any, b: Any) -> bool:
    """Equal and of the same type (``nan`` equals ``nan``)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(type(a) is type(b) and a == b)


def assert_same_outputs(scenario: Scenario, result: ReplicationResult) -> None:
    """The compiled row and weekly series equal the reference's, column for column."""
    fast, reference = summarise(scenario, result), summarise(scenario, result, compiled=False)
    assert list(fast) == list(reference)
    different = {k: (fast[k], reference[k]) for k in fast if not same_value(fast[k], reference[k])}
    assert not different
    a, b = weekly_counts(result), weekly_counts(result, compiled=False)
    assert a.dtype == b.dtype == np.int32
    assert np.array_equal(a, b)


def dated(name: str, metric: str, threshold: float, date: dt.date) -> dict[str, Any]:
    """A target at ``date`` (as ``Scenario.with_changes`` takes it)."""
    unit = "companies" if metric.startswith("companies") else "citizens"
    return {**target(name, metric, threshold), "threshold": q(threshold, unit), "date": date}


def discounted(scenario: Scenario) -> Scenario:
    """Costs discounted, benefit partly kept in small jobs, targets before the end and on
    point-in-time counts."""
    return scenario.with_changes(
        {
            "costs.discount_rate_per_year": q(0.035, "1/year"),
            "costs.reduced_job_benefit_kept": q(0.4, "share"),
            "targets": [
                dated("early", "placed", 2, scenario.date_of(40.0)),
                dated("late", "employed_26w", 1, scenario.period.end),
                dated("in_work", "in_paid_work", 1, scenario.date_of(60.0)),
                dated("in_placement", "in_placement", 1, scenario.period.end),
                dated("hybrid_now", "in_hybrid_placement", 0, scenario.date_of(30.0)),
            ],
        }
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
@pytest.mark.parametrize("engine", ["fast", "des"])
def test_shipped_scenarios_summarise_identically(path: Path, engine: str) -> None:
    scenario = load_scenario(path)
    for changed in (scenario, discounted(scenario)):
        for replication in range(2):
            assert_same_outputs(changed, run_replication(changed, 11, replication, engine))


@st.composite
def costed_variants(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A generated variant (see test_engines) with its costs and targets varied too."""
    scenario, replication = draw(variants())
    end = scenario.week_of(scenario.period.end)
    horizon = scenario.horizon_weeks
    dates = [
        scenario.date_of(draw(st.floats(0.0, horizon, allow_nan=False)))
        for _ in range(draw(st.integers(0, 3)))
    ]
    metrics = ["referred", "placed", "paid", "employed_13w", "in_paid_work", "waiting"]
    metrics += ["hybrid_placed", "paid_hours", "in_hybrid_placement"]
    # Thresholds within the cohort (at least 5) and the companies (perhaps none).
    goals = st.tuples(st.sampled_from(metrics), st.integers(0, 5)) | st.just(
        ("companies_hosting", 0)
    )
    changes: dict[str, Any] = {
        "costs.discount_rate_per_year": q(draw(st.sampled_from([0.0, 0.02, 0.1])), "1/year"),
        "costs.reduced_job_benefit_kept": q(draw(st.sampled_from([0.0, 0.5])), "share"),
        "targets": [dated(f"t{k}", *draw(goals), day) for k, day in enumerate(dates)],
    }
    if draw(st.booleans()):  # savings counted to a horizon before the end of follow-up
        changes["costs.savings_follow_up_weeks"] = q(draw(st.sampled_from([0.0, 13.0])), "weeks")
    assert end <= horizon
    return scenario.with_changes(changes), replication


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(costed_variants(), st.sampled_from(["fast", "des"]))
def test_generated_scenarios_summarise_identically(case: tuple[Scenario, int], engine: str) -> None:
    scenario, replication = case
    assert_same_outputs(scenario, run_replication(scenario, 5, replication, engine))


@pytest.mark.parametrize("keep", [0, 1, 7, 0.5])
def test_a_log_cut_short_summarises_identically(keep: float) -> None:
    """Citizens without rows, a log of one row or none: both paths still agree."""
    scenario = discounted(load_scenario(ROOT / "scenarios" / "koege_taettere_paa_job.toml"))
    result = run_replication(scenario, 3, 0)
    rows = len(result.log["week"])
    stop = int(rows * keep) if isinstance(keep, float) else keep
    cut = dataclasses.replace(result, log={k: v[:stop] for k, v in result.log.items()})
    assert_same_outputs(scenario, cut)


@pytest.mark.parametrize(
    "n", [0, 1, 7, 8, 9, 127, 128, 129, 255, 256, 257, 1000, 1031, 8192, 8200, 70_001]
)
def test_pairwise_sum_adds_as_numpy_does(n: int) -> None:
    """Terms of very different sizes, so that another order would round differently."""
    rng = np.random.default_rng(n)
    terms = rng.standard_normal(n + 5) * 10.0 ** rng.uniform(-8, 8, n + 5)
    assert pairwise_sum(terms, 5, n) == terms[5:].sum()
    if n > 128:  # the order matters: a plain running sum rounds differently here
        running = 0.0
        for t in terms[5:]:
            running += t
        assert running != terms[5:].sum()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64)
        | st.floats(-1e3, 1e3)
        | st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1e16, 1.0, -1.0, 1e-100]),
        max_size=200,
    )
)
@example([1e16, 1.0, 1e-100])  # a tie, broken by the last partial: 1e16 + 2
@example([1e16, 1.0, -1e-100])  # the same tie broken down: 1e16
def test_exact_sum_is_fsum(terms: list[float]) -> None:
    """Terms over the whole float range, with cancellations and ties: ``math.fsum``'s sum.

    Lists whose partial sums overflow (``math.fsum`` raises) are left out.
    """
    try:
        expected = math.fsum(terms)
    except OverflowError:
        return
    got = exact_sum(np.array(terms, dtype=np.float64))
    assert got == expected and math.copysign(1.0, got) == math.copysign(1.0, expected)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [([math.inf, 1.0], math.inf), ([-math.inf, 2.0], -math.inf), ([math.nan, 1.0], math.nan),
     ([math.inf, -math.inf], math.nan), ([], 0.0), ([-0.0], 0.0)],
)  # fmt: skip
def test_exact_sum_of_special_values(terms: list[float], expected: float) -> None:
    """``math.fsum``'s, except ``inf - inf``: ``nan`` where ``math.fsum`` raises."""
    assert same_value(exact_sum(np.array(terms, dtype=np.float64)), expected)
    if not (math.inf in terms and -math.inf in terms):
        assert same_value(math.fsum(terms), expected)


def reference_arm_table(
    citizen: np.ndarray, state: np.ndarray, enter: np.ndarray, leave: np.ndarray, weeks: np.ndarray
) -> dict[str, list[float]]:
    """``arm_table`` written plainly: ``np.isin``, jobs per citizen, ``math.fsum`` per week."""
    paid = np.isin(state, [ORDINARY, REDUCED, FLEXJOB])
    off = np.isin(state, [ORDINARY, FLEXJOB, EDUCATION])
    terms = np.clip(np.minimum(leave[off], weeks[:, None]) - enter[off], 0.0, None)
    order = np.lexsort((enter[paid], citizen[paid]))
    jobs: dict[int, list[list[float]]] = {}  # per citizen, [start, end] of each job
    for c, a, b in zip(citizen[paid][order], enter[paid][order], leave[paid][order], strict=True):
        spans = jobs.setdefault(int(c), [])
        if spans and spans[-1][1] == a:  # follows the last spell without a gap: one job
            spans[-1][1] = b
        else:
            spans.append([a, b])

    def sustained(week: float) -> int:
        reach = SUSTAINED_WEEKS
        return sum(any(a + reach <= week and b >= a + reach for a, b in s) for s in jobs.values())

    return {
        "into_work": [float(sum(min(a for a, _ in s) <= w for s in jobs.values())) for w in weeks],
        "self_support_weeks": [math.fsum(row) for row in terms.tolist()],
        "sustained": [float(sustained(w)) for w in weeks],
    }


@st.composite
def spells(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    """Spells ``(citizen, state, enter, leave)`` of a few citizens, in any order.

    States include ones no measure counts and -1, len(State) and 300 (not states); starts
    and lengths include repeated values, so that jobs follow each other without a gap.
    """
    n = draw(st.integers(0, 60))
    weeks = st.sampled_from([0.0, 0.5, 1.0, 26.0, 30.25, 52.0]) | st.floats(0, 80)
    citizen = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    state = draw(
        st.lists(st.sampled_from([*range(len(State) + 1), 300, -1]), min_size=n, max_size=n)
    )
    enter = np.array(draw(st.lists(weeks, min_size=n, max_size=n)), dtype=np.float64)
    length = draw(st.lists(st.sampled_from([0.0, 26.0]) | st.floats(0, 60), min_size=n, max_size=n))
    return np.array(citizen, np.int64), np.array(state, np.int64), enter, enter + np.array(length)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spells(),
    st.lists(st.floats(0, 120) | st.sampled_from([26.0, 52.0, 56.25]), min_size=1, max_size=4),
    st.booleans(),
)
def test_arm_table_is_written_plainly(
    arm: tuple[np.ndarray, ...], weeks: list[float], by_citizen: bool
) -> None:
    """Spells in any order or by citizen then start (as sojourns are), jobs that follow
    each other without a gap, states no measure counts and states outside the tables."""
    if by_citizen:
        order = np.lexsort((arm[2], arm[0]))
        arm = tuple(column[order] for column in arm)
    at = np.array(weeks, dtype=np.float64)
    assert arm_table(*arm, at) == reference_arm_table(*arm, at)
