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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factory import q, target
from labour_sim import ReplicationResult, Scenario, load_scenario, run_replication
from labour_sim.replication import summarise, weekly_counts
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
