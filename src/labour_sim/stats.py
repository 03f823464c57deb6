"""Small, exact statistics used across layers: proportions, quantiles, paired differences.

Pure functions of numpy arrays; no simulation, no I/O.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats as sps

__all__ = [
    "BAND_QUANTILES",
    "Decision",
    "decide",
    "mean_interval",
    "percent",
    "probability_words",
    "quantile_summary",
    "ratio_difference_interval",
    "ratio_interval",
    "wilson_interval",
]

#: Quantiles of the weekly bands (5, 10, 25, 50, 75, 90, 95 %).
BAND_QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)


def wilson_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    Good coverage down to a handful of trials and at 0 or 1 successes, unlike the normal
    approximation. Returns ``(nan, nan)`` for zero trials.
    """
    if trials <= 0:
        return math.nan, math.nan
    z = _normal_quantile(0.5 + level / 2)
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


@functools.lru_cache(maxsize=16)
def _normal_quantile(p: float) -> float:
    """The standard normal quantile at ``p`` (SciPy's; asked for again and again by sweeps)."""
    return float(sps.norm.ppf(p))


def mean_interval(values: ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t interval of the mean: ``(mean, low, high)``.

    With fewer than two values, or no spread, the interval collapses to the mean.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if len(x) < 2:
        return mean, mean, mean
    half = float(sps.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return mean, mean - half, mean + half


def ratio_interval(
    numerator: ArrayLike, denominator: ArrayLike, level: float = 0.95
) -> tuple[float, float, float]:
    """Ratio of the means of paired values and its delta-method t interval: ``(r, low, high)``.

    ``nan`` when the mean denominator is not positive; the interval collapses with fewer
    than two pairs.
    """
    a = np.asarray(numerator, dtype=float)
    b = np.asarray(denominator, dtype=float)
    n = len(a)
    if n == 0 or not float(b.mean()) > 0:
        return math.nan, math.nan, math.nan
    mb = float(b.mean())
    r = float(a.mean()) / mb
    if n < 2:
        return r, r, r
    cov = np.cov(a, b, ddof=1)
    var = max((cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / (n * mb * mb), 0.0)
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * math.sqrt(var)
    return r, r - half, r + half


def ratio_difference_interval(
    numerator: ArrayLike,
    denominator: ArrayLike,
    base_numerator: ArrayLike,
    base_denominator: ArrayLike,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Difference of two ratios of means on paired replications, with a delta-method interval.

    ``d = mean(a) / mean(b) - mean(a0) / mean(b0)``, replication ``i`` giving ``a[i]``,
    ``b[i]``, ``a0[i]`` and ``b0[i]`` (common random numbers). Its variance is that of the
    mean of the linearised terms ``(a - r b) / mean(b) - (a0 - r0 b0) / mean(b0)``; the
    interval is Student-t on it: ``(d, low, high)``. Replications with a non-finite value
    are left out; ``nan`` when a mean denominator is not positive.
    """
    arrays = [np.asarray(x, dtype=float) for x in (numerator, denominator)]
    arrays += [np.asarray(x, dtype=float) for x in (base_numerator, base_denominator)]
    finite = np.logical_and.reduce([np.isfinite(x) for x in arrays])
    a, b, a0, b0 = (x[finite] for x in arrays)
    n = len(a)
    if n == 0 or not float(b.mean()) > 0 or not float(b0.mean()) > 0:
        return math.nan, math.nan, math.nan
    mb, mb0 = float(b.mean()), float(b0.mean())
    r, r0 = float(a.mean()) / mb, float(a0.mean()) / mb0
    d = r - r0
    if n < 2:
        return d, d, d
    z = (a - r * b) / mb - (a0 - r0 * b0) / mb0
    half = float(sps.t.ppf(0.5 + level / 2, n - 1) * z.std(ddof=1) / math.sqrt(n))
    return d, d - half, d + half


def quantile_summary(values: ArrayLike) -> dict[str, float]:
    """Mean, median and the 80 % and 95 % central intervals of ``values``."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return dict.fromkeys(("mean", "median", "p10", "p90", "p2_5", "p97_5"), math.nan)
    q = np.quantile(x, [0.5, 0.1, 0.9, 0.025, 0.975])
    return {
        "mean": float(x.mean()),
        "median": float(q[0]),
        "p10": float(q[1]),
        "p90": float(q[2]),
        "p2_5": float(q[3]),
        "p97_5": float(q[4]),
    }


def percent(p: float) -> str:
    """A probability as a percentage; one decimal near 0 and 1, where rounding would lie."""
    if not math.isfinite(p):
        return "n/a"
    if p in (0.0, 1.0) or 0.01 <= p <= 0.99:
        return f"{p:.0%}"
    return f"{p:.1%}"


def probability_words(p: float, low: float, high: float) -> str:
    """``'3% likely [2%-5%]'``: a probability with its interval."""
    return f"{percent(p)} likely [{percent(low)}-{percent(high)}]"


#: Most replications :func:`decide` will suggest; beyond it the estimate sits on the goal.
MOST_REPLICATIONS = 10_000_000


@dataclass(frozen=True)
class Decision:
    """Whether a probability estimated from replications clears a goal, at 95 %.

    Attributes
    ----------
    probability, low, high : float
        The estimate and its Wilson 95 % interval.
    goal : float
        The probability asked for.
    replications : int
        Replications behind the estimate.
    verdict : {"above", "below", "undecided"}
        ``above`` if the whole interval is at or above the goal, ``below`` if it is below,
        ``undecided`` if it straddles the goal.
    more : int or None
        If undecided: about how many more replications would decide, were the estimate
        to stay where it is (``None`` if it sits on the goal, where no count decides).
    """

    probability: float
    low: float
    high: float
    goal: float
    replications: int
    verdict: Literal["above", "below", "undecided"]
    more: int | None

    @property
    def decided(self) -> bool:
        """Whether the interval clears the goal, on either side."""
        return self.verdict != "undecided"

    def words(self) -> str:
        """``'81% likely [75%-86%]: undecided at this precision against 80%: ...'``."""
        head = f"{probability_words(self.probability, self.low, self.high)}"
        if self.verdict == "above":
            return f"{head}: above {percent(self.goal)}"
        if self.verdict == "below":
            return f"{head}: below {percent(self.goal)}"
        tail = (
            f"run about {self.more:,} more replications to decide"
            if self.more is not None
            else "the estimate sits on the goal, so no number of replications decides"
        )
        return f"{head}: undecided at this precision against {percent(self.goal)} ({tail})"


def decide(probability: float, replications: int, goal: float, level: float = 0.95) -> Decision:
    """Decide whether ``probability`` (from ``replications`` runs) clears ``goal``.

    The Wilson interval at ``level`` must lie wholly on one side of the goal. When it
    straddles it, the replications needed are the smallest count at which the interval
    around the same estimate would no longer contain the goal, found by doubling and
    bisection on the (continuous) Wilson half-width; ``more`` is that count minus
    ``replications``.
    """
    successes = round(probability * replications)
    low, high = wilson_interval(successes, replications, level)
    if low >= goal:
        verdict: Literal["above", "below", "undecided"] = "above"
    elif high < goal:
        verdict = "below"
    else:
        verdict = "undecided"
    more = None
    if verdict == "undecided" and probability != goal:
        need = _replications_to_exclude(probability, goal, level)
        more = None if need is None else max(need - replications, 1)
    return Decision(probability, low, high, goal, replications, verdict, more)


def _replications_to_exclude(p: float, goal: float, level: float) -> int | None:
    """Smallest ``n`` whose Wilson interval around ``p`` excludes ``goal`` (None past the cap)."""
    z = float(sps.norm.ppf(0.5 + level / 2))

    def excludes(n: int) -> bool:
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        return centre - half > goal if p > goal else centre + half < goal

    high = 1
    while not excludes(high):
        high *= 2
        if high > MOST_REPLICATIONS:
            return None
    low = high // 2  # excludes(low) is False (or low == 0)
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if excludes(mid) else (mid, high)
    return high
