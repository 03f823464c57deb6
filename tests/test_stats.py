"""Small statistics: Wilson intervals against published values, honest percentages."""

from __future__ import annotations

import math

import pytest

from labour_sim.stats import decide, percent, probability_words, wilson_interval


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
