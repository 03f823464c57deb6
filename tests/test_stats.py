"""Small statistics: Wilson intervals against published values, honest percentages."""

from __future__ import annotations

import math

import numpy as np
import pytest

from labour_sim.stats import (
    decide,
    percent,
    probability_words,
    ratio_difference_interval,
    wilson_interval,
)


def test_wilson_interval_matches_the_textbook_values() -> None:
    # Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 -> 0.2553-0.3662.
    low, high = wilson_interval(81, 263)
    assert low == pytest.approx(0.2553, abs=5e-5)
    assert high == pytest.approx(0.3662, abs=5e-5)
    # 0 of 5 and 5 of 5 (a tiny cohort): never outside [0, 1], never of width 0.
    assert wilson_interval(0, 5) == (0.0, pytest.approx(0.4345, abs=5e-5))
    assert wilson_interval(5, 5) == (pytest.approx(0.5655, abs=5e-5), 1.0)


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0, "0%"), (1.0, "100%"), (0.5, "50%"), (0.9962, "99.6%"), (0.004, "0.4%"), (0.01, "1%")],
)
def test_percent_keeps_a_decimal_where_rounding_would_lie(p: float, text: str) -> None:
    assert percent(p) == text


def test_probability_words() -> None:
    assert probability_words(1.0, 0.9962, 1.0) == "100% likely [99.6%-100%]"


@pytest.mark.parametrize(
    ("p", "n", "goal", "verdict"),
    [(0.5, 200, 0.8, "below"), (0.95, 200, 0.8, "above"), (0.81, 200, 0.8, "undecided")],
)
def test_decide_needs_the_whole_interval_on_one_side(
    p: float, n: int, goal: float, verdict: str
) -> None:
    decision = decide(p, n, goal)
    low, high = wilson_interval(round(p * n), n)
    assert (decision.low, decision.high) == (low, high)
    assert decision.verdict == verdict
    assert decision.decided == (verdict != "undecided")
    assert (decision.more is None) == (verdict != "undecided")


@pytest.mark.parametrize(("p", "n", "goal"), [(0.81, 200, 0.8), (0.78, 400, 0.8), (0.46, 100, 0.5)])
def test_decide_says_how_many_more_replications_would_decide(p: float, n: int, goal: float) -> None:
    decision = decide(p, n, goal)
    assert decision.verdict == "undecided" and decision.more is not None
    enough = n + decision.more
    # The estimate's successes are rounded to whole runs (an error of at most 0.5 / n in
    # p, a few per mille of the count at these sizes), so look 5 % either side.
    assert decide(p, math.ceil(1.05 * enough), goal).decided
    assert not decide(p, math.floor(0.95 * enough), goal).decided
    assert f"{decision.more:,} more replications" in decision.words()


def test_decide_on_the_goal_itself_says_no_count_decides() -> None:
    decision = decide(0.8, 100, 0.8)
    assert decision.verdict == "undecided" and decision.more is None
    assert "no number of replications decides" in decision.words()


def test_the_difference_of_two_ratios_of_means_covers_the_truth_95_percent_of_the_time() -> None:
    """Paired replications with a known difference of ratios of expectations, 3 - 2 = 1.

    Over 2,000 fixed-seed trials of 200 pairs the 95 % interval's coverage has a binomial
    standard error of sqrt(0.95 x 0.05 / 2000) = 0.0049; it must be within 3 of them.
    """
    rng = np.random.default_rng(20261207)
    trials, n, covered = 2000, 200, 0
    for _ in range(trials):
        e = rng.normal(size=(4, n))
        b = 10 + 2 * e[0]
        a = 3 * b + 3 * e[1]  # E a / E b = 3
        b0 = b + e[2]  # paired with b: common random numbers
        a0 = 2 * b0 + 1.5 * e[1] + e[3]  # E a0 / E b0 = 2
        d, low, high = ratio_difference_interval(a, b, a0, b0)
        assert d == pytest.approx(a.mean() / b.mean() - a0.mean() / b0.mean(), rel=1e-12)
        covered += low <= 1.0 <= high
    assert abs(covered / trials - 0.95) <= 3 * math.sqrt(0.95 * 0.05 / trials)


def test_the_difference_of_ratios_leaves_out_unfinished_pairs_and_needs_positive_means() -> None:
    a, b = np.array([2.0, 4.0, np.nan]), np.array([1.0, 2.0, 1.0])
    d, low, high = ratio_difference_interval(a, b, 0.5 * b, b)  # each pair on its ratio
    assert d == pytest.approx(2 - 0.5) and low == pytest.approx(d) and high == pytest.approx(d)
    assert math.isnan(ratio_difference_interval(a, -b, a, b)[0])
