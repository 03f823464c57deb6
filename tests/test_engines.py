"""The compiled engine is the SimPy model: same log, same events, same outcome rows.

For one seed both engines consume the same draws, so they must agree exactly: every log row
(in the order the SimPy model appends them, weeks bit for bit), each company's first hosting
week, the SimPy event count, and every column of the per-replication summary row. Checked
on every shipped scenario and on hypothesis-generated variants that make caseworkers,
mentors and slots bind, match sectors, let companies leave, tie many events in the same week
(constant durations), vary the attempt limit and add conditions over calendar time (pauses of
placement starts, factors on referrals, recruitment, hiring, job loss and dropout, series,
trends) and business-as-usual exits off benefit outside placements (none, rare, common).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from factory import d, q
from labour_sim import (
    ReplicationResult,
    Scenario,
    ScenarioError,
    State,
    load_scenario,
    run_replication,
)
from labour_sim.model import Programme, draw_citizens, draw_companies
from labour_sim.model.compiled import simulate, time_order
from labour_sim.model.timeline import timeline
from labour_sim.model.usual import USUAL
from labour_sim.replication import QUEUES, summarise, weekly_counts

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
_LOG = ("week", "citizen", "state", "attempt", "company", "mentored")


def assert_same_run(scenario: Scenario, seed: int, replication: int) -> None:
    """Raw log (append order), first hosting weeks and events of both engines agree."""
    citizens = draw_citizens(scenario, seed, replication)
    companies = draw_companies(scenario, seed, replication)
    programme = Programme(scenario, citizens, companies)
    programme.run(until=scenario.horizon_weeks)
    run = simulate(scenario, citizens, companies, scenario.horizon_weeks, in_time_order=False)
    columns = list(zip(*programme.log, strict=True)) or [()] * 6
    for name, column in zip(_LOG, columns, strict=True):
        expected = np.array(column, dtype=run.log[name].dtype)
        assert np.array_equal(run.log[name], expected), name
    assert np.array_equal(run.first_hosted, np.array(programme.first_hosted, dtype=float))
    assert run.events == programme.events


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(type(a) is type(b) and a == b)


def assert_same_rows(
    scenario: Scenario, seed: int, replication: int, weekly: bool
) -> ReplicationResult:
    """Summary rows (and weekly series) from ``run_replication`` agree for both engines."""
    des = run_replication(scenario, seed, replication, engine="des")
    fast = run_replication(scenario, seed, replication, engine="fast")
    for name in _LOG:
        assert np.array_equal(des.log[name], fast.log[name]), name
    a, b = summarise(scenario, des), summarise(scenario, fast)
    assert list(a) == list(b)
    different = {k: (a[k], b[k]) for k in a if not same_value(a[k], b[k])}
    assert not different
    if weekly:
        assert np.array_equal(weekly_counts(des), weekly_counts(fast))
    return des


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenarios_run_identically(path: Path) -> None:
    scenario = load_scenario(path)
    for replication in range(2):
        assert_same_run(scenario, 7, replication)
        assert_same_rows(scenario, 7, replication, weekly=True)


# Small shipped scenarios as bases (Lolland-Falster is capped to a small cohort below).
BASES = {p.stem: load_scenario(p) for p in SHIPPED}
TWO_SECTORS = [
    {"name": "care", "share": q(0.6, "share")},
    {"name": "retail", "share": q(0.4, "share")},
]


def _factor(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "multiplier", "assumption": "test", "range": [0.0, 3.0]}


@st.composite
def conditions(draw: st.DrawFn, base: Scenario) -> list[dict[str, Any]]:
    """Pauses of placement starts (whole weeks: ties with constant durations), factors on
    referrals, recruitment, job loss and dropout, a hiring (and dropout) series and a
    learning trend."""
    start = base.period.start

    def on(week: float) -> dt.date:
        return start + dt.timedelta(weeks=week)

    out: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 2))):  # pauses, possibly adjacent or overlapping
        a = draw(st.sampled_from([0, 3, 8, 20]))
        out.append(
            {"name": f"pause{i}", "kind": "period", "applies_to": ["placement_start"],
             "start": on(a), "end": on(a + draw(st.sampled_from([2, 5, 12, 40]))),
             "factor": _factor(0.0)}
        )  # fmt: skip
    rates = ["company_recruitment", "job_loss", "hire_reduced", "dropout"]
    if base.intake.schedule == "poisson":
        rates.append("referral")
    for rate in draw(st.lists(st.sampled_from(rates), max_size=3, unique=True)):
        a = draw(st.sampled_from([0.0, 4.5, 10.0]))
        out.append(
            {"name": f"period_{rate}", "kind": "period", "applies_to": [rate],
             "start": on(a), "end": on(a + draw(st.sampled_from([3.0, 15.0, 60.0]))),
             "factor": _factor(draw(st.sampled_from([0.0, 0.4, 2.5])))}
        )  # fmt: skip
    if draw(st.booleans()):
        level = {"unit": "%", "assumption": "test", "range": [1.0, 10.0]}
        out.append(
            {"name": "demand", "kind": "series",
             "applies_to": draw(st.sampled_from([["hiring"], ["hiring", "dropout"]])),
             "dates": [on(w) for w in (2, 9, 30)],
             "values": {"values": draw(st.lists(st.sampled_from([2.5, 3.7, 5.6]), min_size=3,
                                                max_size=3)), **level},
             "reference": {"value": 3.7, **level},
             "elasticity": {"value": draw(st.sampled_from([-2.0, -0.7])), "unit": "elasticity",
                            "assumption": "test", "range": [-3.0, 0.0]}}
        )  # fmt: skip
    if draw(st.booleans()):
        out.append(
            {"name": "learning", "kind": "trend", "applies_to": ["hire_ordinary", "job_loss"],
             "start": on(draw(st.sampled_from([-10, 0, 6]))),
             "per_year": {"value": draw(st.sampled_from([-0.3, 0.5])), "unit": "per year",
                          "assumption": "test", "range": [-0.5, 1.0]}}
        )  # fmt: skip
    return out


@st.composite
def variants(draw: st.DrawFn) -> tuple[Scenario, int]:
    """A shipped scenario with capacity, sector, tenure, timing and attempt changes."""
    base = BASES[draw(st.sampled_from(sorted(BASES)))]
    changes: dict[str, Any] = {
        "targets": [],
        "intake.cohort_max": q(draw(st.integers(5, 120)), "citizens"),
        "placement.max_attempts": draw(st.integers(1, 8)),
    }
    staff: dict[str, Any] = {}  # left out: not limited
    if draw(st.booleans()):  # caseworkers bind
        staff["caseworkers"] = q(draw(st.integers(1, 3)), "caseworkers")
        staff["caseload"] = q(draw(st.integers(1, 8)), "cases")
    mentors = draw(st.sampled_from(["unlimited", "optional", "required"]))
    if mentors != "unlimited":
        staff["mentors"] = q(draw(st.integers(1, 3)), "mentors")
        staff["mentees_per_mentor"] = q(draw(st.integers(1, 2)), "mentees")
        staff["mentor_required"] = mentors == "required"
    changes["staff"] = staff
    changes["costs.caseload"] = q(20, "cases")  # caseworker cost per case, whatever the staff
    if draw(st.booleans()):  # scarce slots
        initial = draw(st.integers(0, 4))
        changes["companies.initial"] = initial
        changes["companies.max_companies"] = initial + draw(st.integers(0, 6))
        changes["companies.slots_per_company"] = draw(st.integers(1, 2))
    if draw(st.booleans()):
        changes["companies.sectors"] = TWO_SECTORS
        changes["companies.match_sector"] = draw(st.booleans())
    tenure = draw(st.sampled_from(["stay", "exponential", "constant"]))
    if tenure != "stay":
        changes["companies.tenure_weeks"] = d(tenure, draw(st.sampled_from([5.0, 20.0, 60.0])))
    if draw(st.booleans()):  # constant durations: many events in the same week
        changes["intake.assessment_weeks"] = d("constant", draw(st.sampled_from([0.0, 1.0, 2.0])))
        changes["preparation.duration_weeks"] = d("constant", draw(st.sampled_from([1.0, 4.0])))
        changes["placement.duration_weeks"] = d("constant", draw(st.sampled_from([2.0, 8.0])))
    changes["dropout.rate_per_week"] = draw(st.sampled_from([0.0, 0.005, 0.03, 0.2]))
    changes["employment.relapse_to_programme"] = draw(st.sampled_from([0.0, 0.3, 0.9]))
    changes["placement.back_to_preparation"] = draw(st.sampled_from([0.0, 0.5, 1.0]))
    hybrid = draw(st.sampled_from([None, 0.0, 0.3, 1.0]))  # share of hybrid placements
    if hybrid is not None:  # else the base's (none in most)
        changes["placement.hybrid_share"] = q(hybrid, "share")
    if draw(st.booleans()):
        changes["conditions"] = draw(conditions(base))
    usual = draw(st.sampled_from([0.0, 0.002, 0.02, 0.1]))  # business-as-usual exits
    changes["business_as_usual"] = {
        "default": {
            out: q(usual * share, "1/week")
            for out, share in (("ordinary", 0.6), ("flexjob", 0.1), ("education", 0.3))
        },
        "groups": [],
    }
    try:
        scenario = base.with_changes(changes)
    except ScenarioError as error:  # pragma: no cover - shows which change a base rejects
        raise AssertionError(str(error)) from error
    return scenario, draw(st.integers(0, 3))


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(variants())
def test_generated_scenarios_run_identically(case: tuple[Scenario, int]) -> None:
    scenario, replication = case
    assert_same_run(scenario, 3, replication)
    result = assert_same_rows(scenario, 3, replication, weekly=False)
    # What the example exercised (shown by pytest --hypothesis-show-statistics).
    s = result.sojourns
    for queue, state in QUEUES.items():
        waited = (s.state == state) & (s.leave > s.enter)
        event(f"{queue} queue binds: {bool(waited.any())}")
        gave_up = waited & (s.next_state == State.DROPOUT)
        event(f"dropout while waiting for a {queue}: {bool(gave_up.any())}")
    event(f"business-as-usual exits: {bool((result.log['company'] == USUAL).any())}")
    ties = np.unique(result.log["week"]).size < result.log["week"].size
    event(f"several changes in the same week: {ties}")
    rate = scenario.dropout.rate_per_week.value
    event(
        f"dropout hazard changed by conditions: {rate > 0 and timeline(scenario).varies('dropout')}"
    )


def test_an_unknown_engine_is_a_scenario_error() -> None:
    scenario = BASES["koege_taettere_paa_job"]
    with pytest.raises(ScenarioError, match="engine"):
        run_replication(scenario, 1, engine="simpy")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 1.0, 1.5, 2.0, 26.0, math.inf]) | st.floats(0, 60), max_size=80),
    st.lists(st.tuples(st.integers(0, 79), st.integers(0, 79)), max_size=20),
    st.booleans(),
)
def test_time_order_is_a_stable_argsort(
    weeks: list[float], swaps: list[tuple[int, int]], with_nan: bool
) -> None:
    """Weeks in order with a few rows moved (ahead or behind), ties, ``inf`` and ``nan``."""
    week = np.sort(np.array(weeks, dtype=np.float64))
    for a, b in swaps:
        if a < len(week) and b < len(week):
            week[[a, b]] = week[[b, a]]
    if with_nan and len(week):
        week[len(week) // 2] = math.nan
    assert np.array_equal(time_order(week), np.argsort(week, kind="stable"))
