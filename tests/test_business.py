"""The business case: refusion staircase, discounting, payback, and parts that sum to totals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from factory import BUSINESS, build
from labour_sim import Execution, Scenario, business_case, run_experiment, run_replication
from labour_sim.business import PAYERS, discount_factors, payback_week, refusion_share
from labour_sim.business.accounts import overlap, replication_accounts
from labour_sim.metrics import PER_FIGURES


def scenario() -> Scenario:
    return build(BUSINESS)


def test_the_refusion_staircase_by_weeks_on_benefit() -> None:
    a = scenario().accounts
    assert a is not None
    weeks = np.array([0, 3, 3.99, 4, 25, 26, 51, 52, 200])
    expected = [0.8, 0.8, 0.8, 0.4, 0.4, 0.3, 0.3, 0.2, 0.2]
    assert refusion_share(a, weeks).tolist() == expected
    # A citizen on benefit 60 weeks from referral, 2,700 DKK a week: the state refunds
    # 4 x 0.8 + 22 x 0.4 + 26 x 0.3 + 8 x 0.2 = 21.4 weeks of benefit.
    state = (refusion_share(a, np.arange(60.0)) * 2700).sum()
    assert state == pytest.approx(21.4 * 2700, rel=1e-12)


def test_discounting_by_hand() -> None:
    week = 365.25 / 7  # one year
    f = discount_factors(0.035, np.array([0.0, week, 2 * week]))
    assert f.tolist() == pytest.approx([1.0, 1 / 1.035, 1 / 1.035**2], rel=1e-12)
    assert discount_factors(0.0, np.array([10.0]))[0] == 1.0


def test_payback_on_a_constructed_case() -> None:
    # 100 DKK a week for 10 weeks, then a saving of 50 a week: cumulative 1000 at week 10,
    # back to 0 after 20 more weeks: paid back at the end of week 30.
    flows = np.r_[np.full(10, 100.0), np.full(40, -50.0)]
    assert payback_week(flows) == 30.0
    assert payback_week(np.full(5, 1.0)) == math.inf
    assert payback_week(np.full(5, -1.0)) == 1.0


def test_overlap_cuts_intervals_into_weeks() -> None:
    got = overlap(np.array([0.5, 2.0]), np.array([2.25, np.inf]), 4)
    assert got.tolist() == [[0.5, 1.0, 0.25, 0.0], [0.0, 0.0, 1.0, 1.0]]


def test_parts_sum_to_totals_per_payer_and_year() -> None:
    s = scenario()
    table, payback = replication_accounts(s, run_replication(s, 1, 0))
    net = table.groupby(["year", "payer"])["dkk"].sum().unstack("payer")
    assert np.allclose(net["public"], net["municipality"] + net["state"], rtol=1e-12, atol=1e-6)
    items = table.pivot_table(index=["year", "item"], columns="payer", values="dkk")
    assert np.allclose(items["public"], items["municipality"] + items["state"], atol=1e-6)
    assert set(payback) == set(PAYERS)
    case = business_case(s, replications=2, seed=1)
    total = case.table().loc["total"]
    for p in PAYERS:
        assert total[(p, "mean")] == pytest.approx(case.runs[f"net:{p}"].mean(), rel=1e-9)
        assert np.allclose(case.runs[f"net:{p}"], case.runs[f"cost:{p}"] - case.runs[f"saving:{p}"])


def test_a_programme_that_places_nobody_saves_no_benefit() -> None:
    s = scenario().with_changes({"companies.initial": 0, "companies.max_companies": 0})
    table, _ = replication_accounts(s, run_replication(s, 3, 0))
    effect = table[table["item"].isin(["benefits", "flexjob_subsidy", "wage_subsidy"])]
    assert (effect["dkk"] == 0.0).all()
    assert table.loc[table["item"] == "programme", "dkk"].sum() > 0  # it still costs


def test_every_per_figure_is_its_numerator_over_its_denominator() -> None:
    s = scenario()
    rows = run_experiment(s, 4, seed=3, execution=Execution(workers=1, progress=False))
    r = rows.replications
    for figure, (numerator, _, _) in PER_FIGURES.items():
        den = r[f"{figure}:n"].to_numpy(dtype=float)
        got = r[figure].to_numpy(dtype=float)
        want = r[numerator].to_numpy(dtype=float) / np.where(den > 0, den, np.nan)
        assert np.array_equal(got, want, equal_nan=True), figure
        row = rows.cost(figure)  # across runs: mean numerator / mean denominator, none dropped
        assert row["numerator"] == r[numerator].mean()
        assert row["denominator"] == r[f"{figure}:n"].mean()
        if row["denominator"] > 0:
            assert row["mean"] == row["numerator"] / row["denominator"]
        assert row["zero_share"] == np.mean(den <= 0)


def test_an_outside_funder_pays_the_programme_outside_the_public_accounts() -> None:
    s = scenario()
    funded = s.with_changes({"accounts.programme_paid_by": "funder"})
    own, _ = replication_accounts(s, run_replication(s, 2, 0))
    theirs, _ = replication_accounts(funded, run_replication(funded, 2, 0))

    def programme(table: pd.DataFrame, payer: str) -> float:
        rows = table[(table["payer"] == payer) & (table["item"] == "programme")]
        return float(rows["dkk"].sum())

    assert programme(own, "municipality") > 0
    assert programme(theirs, "funder") == programme(own, "municipality")
    for payer in PAYERS:
        assert programme(theirs, payer) == 0.0
    other = own[own["item"] != "programme"].reset_index(drop=True)
    same = theirs[(theirs["item"] != "programme") & (theirs["payer"] != "funder")]
    assert np.array_equal(other["dkk"].to_numpy(), same.reset_index(drop=True)["dkk"].to_numpy())
    case = business_case(funded, replications=1, seed=2)
    assert "paid by its outside funder" in case.lines()[1]
    items = case.items()  # by item: the funder's column holds the programme's own cost
    assert list(items.columns) == [*PAYERS, "funder"]
    assert items.loc["programme", "funder"] == pytest.approx(case.runs["cost:funder"].mean())
    assert items.loc["programme", "funder"] > 0 and items["funder"].drop("programme").eq(0).all()
    assert list(business_case(s, replications=1, seed=2).items().columns) == list(PAYERS)


def test_the_business_case_is_the_same_whatever_the_workers() -> None:
    s = scenario()
    here = business_case(s, 3, seed=4, execution=Execution(workers=1, progress=False))
    spread = Execution(workers=2, chunk_size=1, progress=False)
    there = business_case(s, 3, seed=4, execution=spread)
    pd.testing.assert_frame_equal(here.runs, there.runs)
    pd.testing.assert_frame_equal(here.flows, there.flows)


def test_the_sparse_sums_are_the_dense_ones_to_the_last_bit() -> None:
    """Per-citizen and weekly sums visit only the weeks an interval touches, in interval
    order: the dense matrix summed the same way gives the same floats (empty and NaN
    intervals add nothing)."""
    from labour_sim.business.accounts import _per_citizen, _weekly

    rng = np.random.default_rng(7)
    enter = rng.uniform(-3.0, 60.0, 400)
    leave = enter + rng.exponential(9.0, 400)
    leave[::17] = np.inf
    leave[5] = enter[5]  # empty
    enter[9] = np.nan
    citizen = rng.integers(0, 30, 400)
    weight = rng.uniform(0.0, 1.0, 400)
    w = np.arange(52, dtype=float)[None, :]  # the dense form, written out
    a = np.nan_to_num(enter, nan=np.inf)[:, None]
    dense = np.clip(np.minimum(leave[:, None], w + 1.0) - np.maximum(a, w), 0.0, 1.0)
    assert np.array_equal(overlap(np.nan_to_num(enter, nan=np.inf), leave, 52), dense)
    assert np.array_equal(_weekly(enter, leave, 52), dense.sum(axis=0))
    want = np.zeros((30, 52))
    np.add.at(want, citizen, dense * weight[:, None])
    assert np.array_equal(_per_citizen(citizen, enter, leave, weight, 30, 52), want)


def test_the_business_case_names_the_seed_its_runs_are_on() -> None:
    # `labour-sim business-case` defaults to another seed than `run` (2025 against
    # 20180101): the reader can match its runs to a run's only if it says which seed.
    case = business_case(scenario(), 2, seed=11, execution=Execution(workers=1, progress=False))
    assert case.seed == 11
    assert "(2 replications, seed 11; positive = net cost)" in case.lines()[0]
    assert repr(case).startswith(f"BusinessCase: {case.scenario}, 2 replications, seed 11 ")
