"""Small statistics: Wilson intervals against published values, honest percentages."""

from __future__ import annotations

import pytest

from labour_sim.stats import percent, probability_words, wilson_interval


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
