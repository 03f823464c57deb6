"""Costs: accounting identities, exact scaling, benefit savings from the event log, budgets."""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from factory import build, q, target
from labour_sim import (
    Execution,
    Scenario,
    budget_for,
    compare,
    load_scenario,
    run_experiment,
    run_replication,
)
from labour_sim.levers import BudgetAnswer
from labour_sim.metrics import COST_COLUMNS, COST_LABELS, PER_FIGURES
from labour_sim.replication import replication_costs
from labour_sim.scenario import iter_numbers

ROOT = Path(__file__).resolve().parents[1]
PROGRAMME_PARTS = (
    "cost:mentor",
    "cost:mentor_training",
    "cost:intake",
    "cost:company_recruitment",
    "cost:fixed",
)
PUBLIC_PARTS = (
    "cost:programme",
    "cost:caseworker",
    "cost:benefits_paid",
    "cost:wage_subsidy",
    "cost:flexjob_subsidy",
)
COSTS = {
    "benefit_dkk_per_week": q(2700.0),
    "mentor_hours_per_week": q(1.5),
    "mentor_dkk_per_hour": q(200.0),
    "caseworker_dkk_per_year": q(480_000.0),
    "caseload": q(45.0),
    "wage_subsidy_dkk_per_hour": q(80.0),
    "wage_subsidy_hours_per_week": q(5.0),
    "flexjob_subsidy_dkk_per_month": q(19_000.0),
    "intake_dkk": q(5000.0),
    "company_recruitment_dkk": q(5000.0),
    "mentor_training_dkk": q(3000.0),
    "fixed_dkk_per_month": q(100_000.0),
    "savings_follow_up_weeks": q(26.0),
}


def costed(group_benefit: float = 3500.0, **changes: object):
    """The factory scenario with every cost input set, mentors, two groups and a grant."""
    return build(
        {
            "costs": {**COSTS, **changes},
            "staff": {"mentors": q(4), "mentees_per_mentor": q(2)},
            "groups": [
                {
                    "name": "far",
                    "share": q(0.5),
                    "readiness": {"dist": "constant", "mean": 0.8, "unit": "x", "assumption": "t", "range": [0.8, 0.8]},
                    "benefit_dkk_per_week": q(group_benefit),
                },
                {"name": "near", "share": q(0.5), "readiness": {"dist": "constant", "mean": 1.2, "unit": "x", "assumption": "t", "range": [1.2, 1.2]}},
            ],
            "budget": {"grant_dkk": q(5e6)},
            "employment.relapse_to_programme": q(0.3),
            "placement.outcomes.flexjob": q(0.1),
        }
    )  # fmt: skip


@pytest.mark.parametrize("rate", [0.0, 0.035])
def test_parts_sum_to_the_totals_in_every_replication(rate: float) -> None:
    scenario = costed(discount_rate_per_year=q(rate))
    for r in range(5):
        c = replication_costs(scenario, run_replication(scenario, 1, r))
        assert c["cost:programme"] == pytest.approx(sum(c[k] for k in PROGRAMME_PARTS), rel=1e-12)
        assert c["cost:public"] == pytest.approx(sum(c[k] for k in PUBLIC_PARTS), rel=1e-12)
        net = c["cost:public"] - c["cost:benefits_paid"] - c["saving:benefits"]
        assert c["cost:net_public"] == pytest.approx(net, rel=1e-12)
        assert all(c[k] > 0 for k in PUBLIC_PARTS), c
        assert c["cost:within_grant"] == (c["cost:programme"] <= 5e6)


def test_a_scenario_with_all_rates_zero_costs_zero() -> None:
    zero = {key: q(0.0) for key in COSTS if key != "caseload"}
    scenario = costed(group_benefit=0.0, **zero)
    c = replication_costs(scenario, run_replication(scenario, 1, 0))
    scenario2 = build()  # no [costs] section at all
    c2 = replication_costs(scenario2, run_replication(scenario2, 1, 0))
    for costs in (c, c2):
        money = [k for k in COST_COLUMNS if not k.startswith("cost:per") and "per_" not in k]
        assert all(costs[k] == 0 for k in money), costs
        assert costs["cost:per_participant"] == 0


def test_doubling_the_mentor_rate_doubles_mentor_cost_and_nothing_else() -> None:
    base = costed()
    double = base.with_changes({"costs.mentor_dkk_per_hour": 400.0})
    for r in range(3):
        a = replication_costs(base, run_replication(base, 2, r))
        b = replication_costs(double, run_replication(double, 2, r))
        assert a["cost:mentor"] > 0
        assert b["cost:mentor"] == 2 * a["cost:mentor"]
        extra = a["cost:mentor"]
        for key in PROGRAMME_PARTS[1:] + PUBLIC_PARTS[1:] + ("saving:benefits",):
            assert b[key] == a[key], key
        assert b["cost:programme"] == pytest.approx(a["cost:programme"] + extra, rel=1e-12)
        assert b["sustained_jobs"] == a["sustained_jobs"]
    outcomes_a = run_replication(base, 2, 0).summary()
    outcomes_b = run_replication(double, 2, 0).summary()
    assert outcomes_a == outcomes_b


def test_benefit_savings_equal_rate_times_weeks_in_paid_work_from_the_event_log() -> None:
    scenario = costed()
    result = run_replication(scenario, 3, 0)
    log = result.event_log().sort_values(["citizen", "week"], kind="stable")
    end = scenario.week_of(scenario.period.end)
    horizon = end + 26.0  # savings_follow_up_weeks
    rate = {"far": 3500.0, "near": 2700.0}
    expected = 0.0
    for _, rows in log.groupby("citizen"):
        weeks = rows["week"].to_numpy()
        leave = np.append(weeks[1:], result.horizon)
        for state, start, stop, group in zip(
            rows["state"], weeks, leave, rows["group"], strict=True
        ):
            if state in ("ordinary", "reduced", "flexjob"):
                expected += rate[group] * max(0.0, min(stop, horizon) - min(start, horizon))
    c = replication_costs(scenario, result)
    assert expected > 0
    assert c["saving:benefits"] == pytest.approx(expected, rel=1e-9)


def test_benefits_paid_and_saved_add_up_to_benefit_from_referral_to_horizon() -> None:
    """With part of the benefit kept in small jobs, paid + saved is still the full benefit."""
    scenario = costed(reduced_job_benefit_kept=q(0.6))
    result = run_replication(scenario, 3, 1)
    c = replication_costs(scenario, result)
    horizon = scenario.week_of(scenario.period.end) + 26.0
    rate = np.where(result.group == 0, 3500.0, 2700.0)  # groups: far, near
    weeks = np.clip(horizon - result.arrival, 0, None)
    total = float((rate * weeks).sum())
    assert c["cost:benefits_paid"] + c["saving:benefits"] == pytest.approx(total, rel=1e-9)
    full = replication_costs(costed(), result)  # nothing kept: savings only grow
    assert full["saving:benefits"] > c["saving:benefits"]


def test_discounting_a_constant_flow_matches_the_closed_form() -> None:
    rate = 0.035
    scenario = costed(discount_rate_per_year=q(rate))
    c = replication_costs(scenario, run_replication(scenario, 1, 0))
    end = scenario.week_of(scenario.period.end)
    delta = math.log1p(rate) / 52
    per_week = 100_000.0 * 12 / 52
    assert c["cost:fixed"] == pytest.approx(per_week * (1 - math.exp(-delta * end)) / delta)


def test_results_report_costs_and_the_chance_of_staying_within_the_grant() -> None:
    results = run_experiment(costed(), 20, seed=1, execution=Execution(workers=1, progress=False))
    within = results.cost("cost:within_grant")
    share = results.replications["cost:within_grant"].astype(float).mean()
    assert within["mean"] == pytest.approx(share)
    assert within["ci_low"] <= share <= within["ci_high"]
    programme = results.cost("cost:programme")
    assert programme["p10"] <= programme["median"] <= programme["p90"]
    assert programme["ci_low"] <= programme["mean"] <= programme["ci_high"]
    assert any("within the grant" in line for line in results.cost_lines())


def test_the_net_public_cost_line_shows_the_sum_that_makes_it() -> None:
    # A reader checks the net public cost against the lines beside it: its terms are those
    # lines' figures, and they add up (to the rounding of one decimal in each).
    results = run_experiment(costed(), 20, seed=1, execution=Execution(workers=1, progress=False))
    lines = results.cost_lines()
    net = next(line for line in lines if line.startswith("net public cost: "))
    m = re.fullmatch(r"net public cost: (\S+) (mio DKK|k DKK) = (.+) \(80 % interval .+\)", net)
    assert m is not None, net
    total, unit = float(m[1].replace(",", "")), m[2]
    figures = {t.split(" ", 1)[1]: t.split(" ", 1)[0] for t in m[3].split(" - ")}
    assert list(figures) == ["public cost", "benefits paid", "benefits saved"]
    public, paid, saved = (float(x.replace(",", "")) for x in figures.values())
    assert total == pytest.approx(public - paid - saved, abs=0.15)
    for label, figure in figures.items():
        assert any(line.startswith(f"{label}: {figure} {unit} (") for line in lines), label
    # A net cost under a million is still shown in its terms' unit, so the sum reads off.
    costs = results.costs.copy()
    small = costs["item"] == "cost:net_public"
    costs.loc[small, ["mean", "p10", "p90"]] = [260_000.0, 100_000.0, 400_000.0]
    small_net = dataclasses.replace(results, costs=costs).cost_lines()
    assert any(line.startswith("net public cost: 0.3 mio DKK = ") for line in small_net)


def test_cost_lines_show_every_per_figure_and_the_date_each_cost_is_counted_to() -> None:
    # Every "per" figure in the report's table is a line that shows its division, and each
    # amount says its date: the programme's own cost stops at the end, benefits and
    # subsidies (and the net public cost) run on to the savings horizon.
    results = run_experiment(costed(), 20, seed=1, execution=Execution(workers=1, progress=False))
    end, horizon = results.metadata["end_date"], results.metadata["savings_horizon_date"]
    assert end != horizon
    lines = results.cost_lines()
    for item, (numerator, what, when) in PER_FIGURES.items():
        row = results.cost(item)
        line = next(x for x in lines if x.startswith(f"{COST_LABELS[item]}: "))
        counted = end if numerator == "cost:programme" else horizon
        assert f"= {row['numerator']:,.0f} DKK {COST_LABELS[numerator]} (to {counted}) / " in line
        assert f"{row['denominator']:,.1f} {what} (by {end if when == 'end' else horizon})" in line
    for item, counted in (("cost:programme", end), ("cost:public", horizon),
                          ("saving:benefits", horizon), ("cost:net_public", horizon)):  # fmt: skip
        line = next(x for x in lines if x.startswith(f"{COST_LABELS[item]}: "))
        assert line.endswith(f"; counted to {counted})"), line


def test_compare_gives_the_incremental_cost_per_sustained_job() -> None:
    a = costed()
    b = a.with_changes({"placement.mentor_multiplier": 1.5, "staff.mentors": 8})
    result = compare(a, b, 30, seed=2, execution=Execution(workers=1, progress=False))
    inc = result.incremental_cost()
    dc = result.difference("cost:programme")["difference"]
    de = result.difference("effect:sustained@savings")["difference"]
    assert (inc.cost_difference, inc.effect_difference) == (pytest.approx(dc), pytest.approx(de))
    assert inc.ratio == pytest.approx(dc / de)
    assert inc.low < inc.ratio < inc.high
    assert inc.line().startswith("extra programme cost per extra job held 26 weeks by ")
    assert inc.line().endswith(f"= {dc:+,.0f} DKK / {de:+,.1f} jobs held 26 weeks")
    # a "per" figure compares as the results show it: mean numerator over mean denominator
    for figure in ("cost:per_participant", "cost:per_sustained_job"):
        row = result.difference(figure)
        ends = [r.replications for r in (result.a, result.b)]
        num, den = PER_FIGURES[figure][0], f"{figure}:n"
        assert [row["mean_a"], row["mean_b"]] == [
            pytest.approx(t[num].mean() / t[den].mean(), rel=1e-12) for t in ends
        ]
        assert row["difference"] == pytest.approx(row["mean_b"] - row["mean_a"], rel=1e-12)
        assert row["ci_low"] < row["difference"] < row["ci_high"]


# -- the budget answer ------------------------------------------------------------------------


def slot_scenario():
    """Two companies whose slots limit placements: the chance of 100 placed grows with slots."""
    return build(
        {
            "companies.initial": q(2),
            "companies.max_companies": q(2),
            "companies.recruitment_per_week": q(0.0),
            "costs": {"mentor_hours_per_week": q(2.0), "mentor_dkk_per_hour": q(200.0)},
            "staff": {"mentors": q(40), "mentees_per_mentor": q(1)},
            "targets": [target("placed_100", "placed", 100, "2021-06-28")],
        }
    )


def _fine_grid(
    scenario: Scenario, lever: str, values: range, reps: int, seed: int
) -> dict[int, float]:
    """P(placed_100) at every value of ``lever``: the truth a coarse search is held to."""
    runs, fine = Execution(workers=1, progress=False), {}
    for v in values:
        results = run_experiment(scenario.with_changes({lever: v}), reps, seed, execution=runs)
        fine[v] = float(results.target("placed_100")["probability"])
    return fine


def test_budget_for_finds_the_fine_grid_answer_within_one_grid_step() -> None:
    scenario, reps, seed = slot_scenario(), 40, 5
    fine = _fine_grid(scenario, "companies.slots_per_company", range(1, 13), reps, seed)
    truth = min(v for v, p in fine.items() if p >= 0.8)
    assert 2 < truth < 11, fine  # an interior answer, so the test can fail either way
    answer = budget_for(
        scenario,
        "placed_100",
        0.8,
        "companies.slots_per_company",
        low=1,
        high=12,
        step=2,
        replications=reps,
        seed=seed,
        execution=Execution(workers=1, progress=False),
    )
    assert answer.value is not None
    assert truth <= answer.value < truth + 2
    assert len(answer.search) < 6  # bisection, not every grid value
    assert answer.budget_dkk > 0 and answer.budget_p90_dkk >= answer.budget_dkk
    assert answer.confirmation is not None and answer.confirmed
    assert "smallest value" in answer.lines()[0]


def test_budget_for_downward_finds_the_largest_value_within_one_grid_step() -> None:
    # With five slots, shorter placements free them sooner: the chance of 100 placed grows
    # as the placement's mean length falls, so the least change is the largest enough.
    scenario, reps, seed = slot_scenario().with_changes({"companies.slots_per_company": 5}), 40, 5
    lever = "placement.duration_weeks.mean"
    fine = _fine_grid(scenario, lever, range(2, 13), reps, seed)
    truth = max(v for v, p in fine.items() if p >= 0.8)
    assert 3 < truth < 11, fine  # an interior answer, so the test can fail either way
    answer = budget_for(
        scenario, "placed_100", 0.8, lever, low=2, high=12, step=2, replications=reps,
        seed=seed, execution=Execution(workers=1, progress=False), downward=True,
    )  # fmt: skip
    assert answer.value is not None and answer.downward
    assert truth - 2 < answer.value <= truth
    assert len(answer.search) < 6  # bisection, not every grid value
    assert "largest value" in answer.lines()[0]
    # Not reached: said of the lowest value tried.
    none = budget_for(
        scenario, "placed_100", 0.8, lever, values=[10.0, 12.0], replications=10,
        seed=seed, execution=Execution(workers=1, progress=False), downward=True,
    )  # fmt: skip
    assert none.value is None and none.furthest == 10.0
    assert "down to 10" in none.lines()[0]


def test_budget_for_says_when_no_value_is_enough() -> None:
    answer = budget_for(
        slot_scenario(),
        "placed_100",
        0.8,
        "companies.slots_per_company",
        values=[1, 2],
        replications=10,
        execution=Execution(workers=1, progress=False),
    )
    assert answer.value is None and not answer.confirmed
    assert "not reached" in answer.lines()[0]


# -- every cost number in every scenario file is sourced ---------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_every_cost_number_has_a_source_or_is_an_assumption(path: Path) -> None:
    scenario = load_scenario(path)
    costs = [
        (name, prov)
        for name, prov in iter_numbers(scenario)
        if name.startswith(("costs.", "budget.")) or name.endswith("benefit_dkk_per_week")
    ]
    assert any(name.startswith("costs.") for name, _ in costs), "no cost inputs"
    for name, prov in costs:
        if prov.source is None:
            assert prov.assumption and prov.range is not None, name
        else:
            assert prov.source in scenario.sources or prov.source.startswith("http"), name


def _search(values: list[float], probabilities: list[float]) -> pd.DataFrame:
    """A budget search of two values, 200 replications each (intervals unused)."""
    return pd.DataFrame(
        {"value": values, "probability": probabilities, "ci_low": [0.0, 0.0],
         "ci_high": [0.0, 0.0], "programme_cost": [1.0, 1.0], "replications": [200, 200]}
    )  # fmt: skip


def _answer(confirmation: dict[str, float] | None, search: pd.DataFrame) -> BudgetAnswer:
    value = None if confirmation is None else 4.0
    return BudgetAnswer("t", "staff.mentors", 0.8, value, 1e6, 1.2e6, search, confirmation, False)


def test_budget_answer_decides_only_when_the_interval_clears_the_goal() -> None:
    search = _search([2.0, 4.0], [0.4, 0.81])
    fresh = {"probability": 0.81, "ci_low": 0.75, "ci_high": 0.86, "replications": 200, "seed": 1}
    lines = _answer(fresh, search).lines()
    assert "undecided at this precision against 80%" in lines[-2]
    assert "(confirmed)" not in lines[-2]
    sure = dict(fresh, probability=0.9)
    assert "(confirmed)" in _answer(sure, search).lines()[-2]
    # No value reached the goal: "not reached" only when the best interval is below it.
    close = search.assign(probability=[0.4, 0.78])
    assert "undecided at this precision" in _answer(None, close).lines()[0]
    far = search.assign(probability=[0.4, 0.5])
    assert "is not reached" in _answer(None, far).lines()[0]


def test_a_budget_answer_at_the_end_of_the_values_searched_says_so() -> None:
    search = _search([4.0, 6.0], [0.85, 0.9])
    fresh = {"probability": 0.9, "ci_low": 0.85, "ci_high": 0.94, "replications": 200, "seed": 1}
    first = _answer(fresh, search).lines()[0]
    assert "probability, already at the bottom of the values searched (widen them" in first
    inside = search.assign(value=[2.0, 4.0], probability=[0.4, 0.85])
    assert "already at the" not in _answer(fresh, inside).lines()[0]
    down = dataclasses.replace(_answer(fresh, search.assign(value=[2.0, 4.0])), downward=True)
    assert "already at the top of the values searched" in down.lines()[0]


def test_run_says_what_its_net_public_cost_is_against(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not the business case's net (against business as usual, discounted): a reader of both
    # is told which is which before the figures.
    from labour_sim.cli import main
    from labour_sim.scenario.writer import scenario_toml

    path = tmp_path / "costed.toml"
    path.write_text(scenario_toml(costed()), encoding="utf-8")
    assert main(["run", str(path), "-n", "3", "--workers", "1", "-q"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("Costs ("))
    assert "the net public cost is against every citizen staying on benefit, undiscounted" in header
    assert "`labour-sim business-case` sets the programme against business as usual" in header
