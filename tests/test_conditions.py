"""Conditions over calendar time: the format, the step functions, and what each does.

A pause stops placement starts exactly in its weeks (and placements under way go on); a
factor or a series multiplies the rate it names and no other; referral and recruitment
factors move arrivals without changing whose draws they are; a job-loss factor stretches
job spells, a dropout factor the time to dropout, by the integrated factor. Every behaviour is checked on both engines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import numpy as np
import pytest

from factory import build, d, q
from labour_sim import ScenarioError, State, run_replication
from labour_sim.model import draw_citizens
from labour_sim.model.timeline import WEEKS_PER_YEAR, advance, timeline
from labour_sim.scenario import Scenario, scenario_cautions
from labour_sim.scenario.files import scenario_folder

START = dt.date(2020, 1, 6)  # the test scenario's week 0
ENGINES = ("des", "fast")
SCENARIOS = scenario_folder()


def on(week: float) -> dt.date:
    return START + dt.timedelta(weeks=week)


def factor(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "multiplier", "assumption": "test", "range": [0.0, 5.0]}


def period(name: str, rates: list[str], a: float, b: float, f: float) -> dict[str, Any]:
    return {"name": name, "kind": "period", "applies_to": rates, "start": on(a), "end": on(b),
            "factor": factor(f)}  # fmt: skip


def series(rates: list[str], weeks: list[float], values: list[float], e: float) -> dict[str, Any]:
    level = {"unit": "%", "assumption": "test", "range": [1.0, 10.0]}
    return {
        "name": "demand", "kind": "series", "applies_to": rates,
        "dates": [on(w) for w in weeks], "values": {"values": values, **level},
        "reference": {"value": 4.0, **level},
        "elasticity": {"value": e, "unit": "elasticity", "assumption": "test", "range": [-3, 0]},
    }  # fmt: skip


def with_conditions(*conditions: dict[str, Any], **changes: Any) -> Scenario:
    return build({"conditions": list(conditions), **changes})


# -- the format ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({**period("p", ["referral"], 1, 2, 0.5), "factor": None}, "'factor' for kind = 'period'"),
        ({**series(["hiring"], [1], [4.0], -1.0), "factor": factor(1.0)}, "no 'factor'"),
        (period("p", ["placement_start"], 1, 2, 0.5), "0 (no new placements start) or 1"),
        ({**series(["placement_start"], [1], [4.0], -1)}, "'period' for placement_start"),
        (series(["hiring"], [1, 2], [4.0], -1.0), "one value per date"),
        (series(["hiring"], [2, 1], [4.0, 5.0], -1.0), "increasing dates"),
        (period("p", ["hiring"], 5, 5, 0.5), "a date after start"),
        (period("p", ["unknown"], 1, 2, 0.5), "conditions.p.applies_to.0"),
        (period("p", ["referral"], 1, 2, 0.5), "intake.schedule = 'monthly'"),
        (period("p", ["drop_out"], 1, 2, 0.5), "conditions.p.applies_to.0"),
        ({**period("p", ["dropout"], 1, 2, 0.5), "factor": factor(-0.5)}, "conditions.p.factor"),
        ({**series(["dropout"], [1], [4.0], -1.0), "dates": None}, "'dates' for kind = 'series'"),
    ],
)
def test_bad_conditions_name_the_field(condition: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)):
        with_conditions(condition)


def test_the_reference_is_in_the_values_unit() -> None:
    c = series(["hiring"], [1], [4.0], -1.0)
    c["reference"] = {**c["reference"], "unit": "persons"}
    with pytest.raises(ScenarioError, match=r"conditions\.demand\.reference\.unit"):
        with_conditions(c)


def test_condition_names_are_unique() -> None:
    c = period("p", ["hiring"], 1, 2, 0.5)
    with pytest.raises(ScenarioError, match="unique condition names"):
        with_conditions(c, c)


def test_conditions_are_levers_at_their_dotted_paths() -> None:
    s = with_conditions(period("lockdown", ["hiring"], 1, 2, 0.5))
    changed = s.with_changes({"conditions.lockdown.factor": 0.9})
    assert changed.conditions[0].factor is not None
    assert changed.conditions[0].factor.value == 0.9
    assert s.hash != changed.hash


# -- step functions -------------------------------------------------------------------------
def test_timeline_multiplies_periods_series_and_trends() -> None:
    s = with_conditions(
        period("p", ["hire_ordinary", "job_loss"], 10, 20, 0.5),
        series(["hiring"], [5, 15], [5.0, 2.0], -1.0),
        {"name": "t", "kind": "trend", "applies_to": ["company_recruitment"],
         "start": on(0), "end": on(3),
         "per_year": {"value": 0.5, "unit": "per year", "assumption": "test", "range": [0, 1]}},
    )  # fmt: skip
    tl = timeline(s)
    assert tl.at("hire_ordinary", 4.99) == 1.0
    assert tl.at("hire_ordinary", 5.0) == pytest.approx(4.0 / 5.0)
    assert tl.at("hire_ordinary", 10.0) == pytest.approx(0.5 * 4.0 / 5.0)  # both multiply
    assert tl.at("hire_ordinary", 15.0) == pytest.approx(0.5 * 4.0 / 2.0)
    assert tl.at("hire_ordinary", 20.0) == pytest.approx(4.0 / 2.0)
    assert tl.at("hire_reduced", 12.0) == pytest.approx(4.0 / 5.0)  # the series only
    assert tl.at("job_loss", 12.0) == 0.5 and tl.at("job_loss", 20.0) == 1.0
    assert tl.at("referral", 30.0) == 1.0
    # The trend steps once a week from its start and holds after its end.
    for week, k in [(0.5, 0), (1.0, 1), (2.5, 2), (3.0, 3), (40.0, 3)]:
        assert tl.at("company_recruitment", week) == pytest.approx(1.5 ** (k / WEEKS_PER_YEAR))
    assert not tl.varies("placement_start") and len(tl.pause_start) == 0


def test_adjacent_and_overlapping_pauses_merge() -> None:
    tl = timeline(
        with_conditions(
            period("a", ["placement_start"], 4, 8, 0.0),
            period("b", ["placement_start"], 8, 10, 0.0),
            period("c", ["placement_start"], 9, 12, 0.0),
            period("d", ["placement_start"], 30, 31, 0.0),
        )
    )
    assert tl.pause_start.tolist() == [4.0, 30.0]
    assert tl.pause_end.tolist() == [12.0, 31.0]


def test_advance_integrates_the_factor() -> None:
    breaks, f = np.array([10.0, 20.0]), np.array([1.0, 2.0, 1.0])
    assert advance(breaks, f, 5.0, 3.0) == 8.0
    assert advance(breaks, f, 5.0, 10.0) == 12.5  # 5 weeks at 1, then 5 at 2
    assert advance(breaks, f, 5.0, 30.0) == 25.0  # 5 at 1, 20 over weeks 10-20, 5 at 1
    assert advance(breaks, f, 25.0, 1.0) == 26.0
    assert advance(breaks, np.array([1.0, 0.0, 0.0]), 5.0, 6.0) == math.inf
    assert advance(breaks, np.array([1.0, 0.0, 1.0]), 5.0, 6.0) == 21.0  # waits out the 0


# -- what each condition does, on both engines -----------------------------------------------
PAUSE = (10.0, 20.0)


def _constant_pathway(**extra: Any) -> dict[str, Any]:
    """Constant durations, unlimited slots: every week some placement would start."""
    return {
        "intake.assessment_weeks": d("constant", 1.0),
        "preparation.duration_weeks": d("constant", 1.0),
        "placement.duration_weeks": d("constant", 3.0),
        **extra,
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_a_pause_stops_placement_starts_exactly_in_its_weeks(engine: str) -> None:
    a, b = PAUSE
    paused = with_conditions(
        period("lockdown", ["placement_start"], a, b, 0.0), **_constant_pathway()
    )
    control = build(_constant_pathway())
    starts = {}
    for name, s in (("paused", paused), ("control", control)):
        weeks = []
        for r in range(3):
            res = run_replication(s, 11, r, engine=engine)
            weeks.append(res.log["week"][res.log["state"] == State.PLACEMENT])
        starts[name] = np.concatenate(weeks)
    inside = (starts["paused"] >= a) & (starts["paused"] < b)
    assert not inside.any()
    assert np.any((starts["control"] >= a) & (starts["control"] < b))  # the test can fail
    # Citizens who waited through the pause start at its end, at once.
    assert np.count_nonzero(starts["paused"] == b) > np.count_nonzero(starts["control"] == b)
    # Placements under way when it began went on (3 weeks long, started just before).
    assert np.any((starts["paused"] > a - 3) & (starts["paused"] < a))


def _placement_ends(s: Scenario, engine: str, reps: int) -> tuple[np.ndarray, np.ndarray]:
    """Each placement's end week and the state it led to, over ``reps`` replications."""
    ends, nexts = [], []
    for r in range(reps):
        so = run_replication(s, 5, r, engine=engine).sojourns
        done = (so.state == State.PLACEMENT) & (so.next_state >= 0)
        ends.append(so.leave[done])
        nexts.append(so.next_state[done])
    return np.concatenate(ends), np.concatenate(nexts)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_series_multiplies_the_hiring_outcome_it_names(engine: str) -> None:
    # Unemployment 8 % against a reference of 4 % from week 30, elasticity -1: ordinary
    # hiring halves from then on; reduced-hours hiring is not named and stays.
    s = with_conditions(
        series(["hire_ordinary"], [30.0], [8.0], -1.0),
        **_constant_pathway(**{"companies.initial": q(300), "companies.max_companies": q(300)}),
    )
    ends, nexts = _placement_ends(s, engine, reps=4)
    p_ord, p_red = 0.3, 0.1  # the test scenario's probabilities (readiness, willingness 1)
    for early, f in ((ends < 30.0, 1.0), (ends >= 30.0, 0.5)):
        n = int(early.sum())
        for state, p in ((State.ORDINARY, p_ord * f), (State.REDUCED, p_red)):
            share = np.count_nonzero(nexts[early] == state) / n
            se = math.sqrt(p * (1 - p) / n)  # binomial standard error of a share
            assert abs(share - p) < 4.5 * se, (state, f, n, share, p)


@pytest.mark.parametrize("engine", ENGINES)
def test_referral_factors_move_arrivals_and_keep_each_citizens_draws(engine: str) -> None:
    poisson = {
        "intake.schedule": "poisson",
        "intake.rate_per_week": q(10.0),
        "intake.monthly_counts": None,
        "groups": [
            {"name": "a", "share": q(0.5), "readiness": d("constant", 1.0, "multiplier")},
            {"name": "b", "share": q(0.5), "readiness": d("constant", 1.0, "multiplier")},
        ],
    }
    base = build(poisson)
    s = with_conditions(
        period("closed", ["referral"], 20, 40, 0.0),
        period("campaign", ["referral"], 60, 80, 2.5),
        **poisson,
    )
    for r in range(3):
        a, b = run_replication(base, 2, r, engine=engine), run_replication(s, 2, r, engine=engine)
        assert not np.any((b.arrival >= 20) & (b.arrival < 40))
        before = a.arrival < 20
        assert np.array_equal(b.arrival[: before.sum()], a.arrival[before])  # untouched
        k = min(a.n_citizens, b.n_citizens)
        assert np.array_equal(a.group[:k], b.group[:k])  # the i-th citizen is the same one
        # 2.5 x 10 a week over 20 weeks: Poisson(500), within 5 standard deviations.
        campaign = np.count_nonzero((b.arrival >= 60) & (b.arrival < 80))
        assert abs(campaign - 500) < 5 * math.sqrt(500)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_recruitment_pause_delays_company_joins(engine: str) -> None:
    s = with_conditions(period("no_recruiting", ["company_recruitment"], 0, 30, 0.0))
    res = run_replication(s, 4, 0, engine=engine)
    later = res.company_join[res.company_join > 0]
    assert len(later) > 0 and later.min() >= 30.0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_job_loss_factor_shortens_jobs_by_the_integrated_factor(engine: str) -> None:
    # Jobs of exactly 20 weeks; the job-loss factor is 2 from week 40 on: a job begun at
    # week t ends at t + 20 before week 20, at 40 + (20 - (40 - t)) / 2 across week 40,
    # and after 10 weeks from week 40 on.
    s = with_conditions(
        period("layoffs", ["job_loss"], 40, 500, 2.0),
        **_constant_pathway(
            **{
                "employment.ordinary_job_weeks": d("constant", 20.0),
                "employment.reduced_to_ordinary": q(0.0),
            }
        ),
    )
    so = run_replication(s, 9, 0, engine=engine).sojourns
    jobs = (so.state == State.ORDINARY) & (so.next_state == State.LEFT)
    begin, end = so.enter[jobs], so.leave[jobs]
    expected = np.where(
        begin + 20 <= 40,
        begin + 20,
        np.where(begin >= 40, begin + 10, 40 + (20 - (40 - begin)) / 2),
    )
    assert len(begin) > 20 and np.any(begin < 20) and np.any(begin > 40)
    np.testing.assert_allclose(end, expected, rtol=0, atol=1e-9)


DROPOUT_RATE, DROPOUT_FROM, DROPOUT_FACTOR = 0.02, 30.0, 3.0


def _dropout_scenario() -> Scenario:
    """Citizens stay active (an intake longer than the horizon) until they drop out; the
    dropout hazard, 0.02 a week for readiness 1, is tripled from week 30 on."""
    return with_conditions(
        period("crisis", ["dropout"], DROPOUT_FROM, 500, DROPOUT_FACTOR),
        **{
            "intake.assessment_weeks": d("constant", 500.0),
            "dropout.rate_per_week": q(DROPOUT_RATE),
        },
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_dropout_factor_shortens_the_time_to_dropout_by_the_integrated_factor(
    engine: str,
) -> None:
    # A citizen referred at week t with a drawn time to dropout x (weeks under the base
    # hazard) drops out at t + x before week 30, at 30 + (x - (30 - t)) / 3 across it and
    # at t + x / 3 from week 30 on: the cumulative hazard is time-changed, by hand.
    s = _dropout_scenario()
    res = run_replication(s, 8, 0, engine=engine)
    x = draw_citizens(s, 8, 0).dropout[:, 0]
    t, a, f = res.arrival, DROPOUT_FROM, DROPOUT_FACTOR
    expected = np.where(t + x <= a, t + x, np.where(t >= a, t + x / f, a + (x - (a - t)) / f))
    rows = res.log["state"] == State.DROPOUT
    week = np.full(res.n_citizens, np.inf)
    week[res.log["citizen"][rows]] = res.log["week"][rows]
    seen = expected < res.horizon
    assert seen.sum() > 100 and np.any(t + x < a) and np.any(t >= a)  # all three cases
    np.testing.assert_allclose(week[seen], expected[seen], rtol=0, atol=1e-9)
    assert np.all(np.isinf(week[~seen]))


def test_a_dropout_factor_multiplies_the_dropout_hazard() -> None:
    # Dropouts per week at risk, before and after week 30: with D dropouts over an exposure
    # of E weeks at hazard h, (D - h E) / sqrt(h E) is asymptotically standard normal (the
    # counting process's martingale); within 4 standard errors (a false alarm 6e-5 of the time).
    s = _dropout_scenario()
    dropped, exposure = np.zeros(2), np.zeros(2)
    for r in range(2):
        so = run_replication(s, 21, r).sojourns
        active = so.state == State.INTAKE
        enter, leave = so.enter[active], so.leave[active]
        out = so.next_state[active] == State.DROPOUT
        exposure[0] += np.sum(
            np.clip(leave, None, DROPOUT_FROM) - np.clip(enter, None, DROPOUT_FROM)
        )
        exposure[1] += np.sum(
            np.clip(leave, DROPOUT_FROM, None) - np.clip(enter, DROPOUT_FROM, None)
        )
        dropped[0] += np.count_nonzero(out & (leave < DROPOUT_FROM))
        dropped[1] += np.count_nonzero(out & (leave >= DROPOUT_FROM))
    for k, hazard in enumerate((DROPOUT_RATE, DROPOUT_RATE * DROPOUT_FACTOR)):
        mean = hazard * exposure[k]
        assert dropped[k] > 50, dropped  # power: with the factor ignored the second fails
        assert abs(dropped[k] - mean) < 4 * math.sqrt(mean), (k, dropped[k], mean)


def test_a_timeline_is_built_once_per_scenario_and_forgotten_with_it() -> None:
    import gc

    from labour_sim.model import timeline as module

    s = with_conditions(period("p", ["hiring"], 10, 20, 0.5))
    first = timeline(s)
    assert timeline(s) is first  # the draws and the engine share one build
    other = s.with_changes({"conditions.p.factor": 0.25})
    assert timeline(other).at("hire_ordinary", 12.0) == 0.25  # a what-if is built anew
    built = len(module._BUILT)
    del other
    gc.collect()
    assert len(module._BUILT) == built - 1


# -- cautions ------------------------------------------------------------------------------
def test_a_series_held_past_its_end_is_a_caution_with_the_factor_that_holds() -> None:
    # The period ends in week 103 (2021-12-27): a series that ends 26 weeks before it or
    # later is about the programme's own time; one that ends earlier is held for the rest.
    end = (dt.date(2021, 12, 27) - START).days / 7
    assert scenario_cautions(with_conditions(series(["hiring"], [5, end - 26], [5, 2], -1))) == []
    [caution] = scenario_cautions(with_conditions(series(["hiring"], [5, end - 27], [5, 2], -1)))
    assert caution.startswith(f"conditions.demand: the series ends on {on(end - 27)}")
    assert "(2 %) holds for" in caution and f"to {dt.date(2021, 12, 27)}" in caution
    assert "multiplying hiring by 2.00" in caution  # (2 / 4) ** -1
    # Ended before the period starts: held for all of it.
    [caution] = scenario_cautions(with_conditions(series(["job_loss"], [-30, -10], [5, 8], -0.5)))
    assert "holds for all of the period, multiplying job_loss by 0.71" in caution  # (8/4)**-.5


def test_validate_and_run_say_the_caution(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from labour_sim.cli.main import main

    path = SCENARIOS / "kalundborg_plads_til_flere.toml"  # runs 2020-10 to 2022-12
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok (scenario:") and "caution: conditions.labour_demand" in out
    assert main(["run", str(path), "-n", "2", "--workers", "1"]) == 0
    assert "caution: conditions.labour_demand: the series ends on 2021-12-01" in (
        capsys.readouterr().err
    )


def test_a_runs_results_carry_its_cautions() -> None:
    from labour_sim import Execution, run_experiment

    held = with_conditions(series(["hiring"], [5, 20], [5, 2], -1))
    results = run_experiment(held, 2, 1, execution=Execution(workers=1, progress=False))
    assert results.metadata["cautions"] == scenario_cautions(held) != []
    assert f"caution: {scenario_cautions(held)[0]}" in repr(results)
