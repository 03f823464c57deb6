"""A scenario's conditions as piecewise-constant multipliers of each rate, in weeks.

:func:`timeline` turns the dated ``[[conditions]]`` of a scenario (see
:mod:`labour_sim.scenario.conditions`) into one step function per rate: ``breaks`` (the
weeks, within the horizon, at which some multiplier changes) and ``factors`` (one row per
segment: row 0 holds from week 0, row ``i`` from ``breaks[i - 1]``; one column per rate of
:data:`~labour_sim.scenario.conditions.RATES`). A change dated before week 0 is in force
from week 0. Conditions on the same rate multiply.

Both engines read the same arrays and do the same arithmetic with them:

* hiring probabilities are multiplied by the factor in force when the placement ends;
* a pause of placement starts (``placement_start`` factor 0) is a list of ``[start, end)``
  intervals: no slot is handed out inside one, and a pause's end is an event at which the
  free slots go to the citizens waiting;
* a job spell drawn under the base hazard is stretched by the job-loss factor
  (:func:`advance`: the spell ends when the integrated hazard factor reaches the drawn
  spell); so is the time to dropout drawn for each referral, by the dropout factor from
  the referral on (a citizen is active throughout an episode, so the dropout hazard runs
  on calendar time from the referral); and the random arrival processes (referrals, company recruitment) are
  time-changed in :mod:`.draws` (:func:`time_changed`), so each citizen keeps the same
  random numbers whatever the conditions (common random numbers).

:func:`advance` is compiled once and called by both engines, so the two give bit-identical
weeks.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..jit import helper
from ..scenario import RATES, Condition, Scenario
from .bisection import bisect_right

__all__ = ["RATE_INDEX", "Timeline", "advance", "time_changed", "timeline"]

FloatArray = NDArray[np.float64]

#: Column of each rate in ``Timeline.factors``.
RATE_INDEX = {rate: i for i, rate in enumerate(RATES)}
#: Weeks in a year, for trends (365.25 days).
WEEKS_PER_YEAR = 365.25 / 7


@dataclass(frozen=True)
class Timeline:
    """Multipliers of each rate over weeks, piecewise constant.

    Attributes
    ----------
    breaks : ndarray
        Increasing weeks in ``(0, horizon)`` at which some multiplier changes.
    factors : ndarray
        Shape ``(len(breaks) + 1, len(RATES))``: row ``i`` holds from ``breaks[i - 1]``
        (row 0 from week 0) until the next break.
    pause_start, pause_end : ndarray
        Disjoint, increasing ``[start, end)`` weeks in which no placement starts.
    """

    breaks: FloatArray
    factors: FloatArray
    pause_start: FloatArray
    pause_end: FloatArray

    def varies(self, rate: str) -> bool:
        """True when ``rate`` is multiplied by anything but 1 at some time."""
        return bool(np.any(self.factors[:, RATE_INDEX[rate]] != 1.0))

    def column(self, rate: str) -> FloatArray:
        """The multipliers of ``rate``, one per segment (contiguous)."""
        return np.ascontiguousarray(self.factors[:, RATE_INDEX[rate]])

    def at(self, rate: str, week: float) -> float:
        """The multiplier of ``rate`` in force at ``week``."""
        row = int(np.searchsorted(self.breaks, week, side="right"))
        return float(self.factors[row, RATE_INDEX[rate]])


#: Timelines built, by scenario object (the draws and the engine each ask for it in every
#: replication; a scenario is immutable, so one build serves them all while it lives).
_BUILT: dict[int, tuple[weakref.ref[Scenario], Timeline]] = {}


def timeline(s: Scenario) -> Timeline:
    """The conditions of ``s`` as a :class:`Timeline` over its horizon (built once per ``s``)."""
    key = id(s)
    hit = _BUILT.get(key)
    if hit is not None and hit[0]() is s:
        return hit[1]
    tl = _build(s)

    def forget(_gone: weakref.ref[Scenario]) -> None:
        _BUILT.pop(key, None)

    _BUILT[key] = (weakref.ref(s, forget), tl)
    return tl


def _build(s: Scenario) -> Timeline:
    horizon = s.horizon_weeks
    steps = [(c, *_steps(s, c, horizon)) for c in s.conditions]
    cuts = [b for _, breaks, _ in steps for b in breaks if 0 < b < horizon]
    breaks = np.unique(np.array(cuts, dtype=np.float64))
    points = np.concatenate([[0.0], breaks])
    factors = np.ones((len(points), len(RATES)))
    for c, cb, cv in steps:
        value = cv[np.searchsorted(cb, points, side="right")]
        for rate in c.rates:
            factors[:, RATE_INDEX[rate]] *= value
    starts, ends = _pauses(points, factors[:, RATE_INDEX["placement_start"]], horizon)
    return Timeline(breaks, factors, starts, ends)


def _steps(s: Scenario, c: Condition, horizon: float) -> tuple[FloatArray, FloatArray]:
    """One condition as a step function: breaks (weeks) and values (one more than breaks)."""
    week = s.week_of
    if c.kind == "period":
        assert c.start is not None and c.end is not None and c.factor is not None
        return np.array([week(c.start), week(c.end)]), np.array([1.0, c.factor.value, 1.0])
    if c.kind == "series":
        assert c.dates is not None and c.values is not None
        assert c.reference is not None and c.elasticity is not None
        ref, e = c.reference.value, c.elasticity.value
        values = [(v / ref) ** e for v in c.values.values]
        return np.array([week(d) for d in c.dates]), np.array([1.0, *values])
    assert c.start is not None and c.per_year is not None
    first = week(c.start)
    last = min(week(c.end) if c.end else horizon, horizon)
    # One step a week from the start (the first one, 0 years in, is a factor of 1).
    steps = np.arange(1, max(math.ceil(last - first), 0) + 1, dtype=np.float64)
    if c.end is not None:
        steps = steps[first + steps <= last]
    growth = (1.0 + c.per_year.value) ** (steps / WEEKS_PER_YEAR)
    return first + steps, np.concatenate([[1.0], growth])


def _pauses(
    points: FloatArray, factor: FloatArray, horizon: float
) -> tuple[FloatArray, FloatArray]:
    """Maximal runs of segments where placement starts are paused (factor 0)."""
    starts: list[float] = []
    ends: list[float] = []
    for i, f in enumerate(factor):
        end = float(points[i + 1]) if i + 1 < len(points) else math.inf
        if f != 0.0:
            continue
        if ends and ends[-1] == points[i]:
            ends[-1] = end
        else:
            starts.append(float(points[i]))
            ends.append(end)
    return np.array(starts, dtype=np.float64), np.array(ends, dtype=np.float64)


@helper()
def advance(breaks: FloatArray, factor: FloatArray, start: float, amount: float) -> float:
    """The week at which ``factor`` integrated from ``start`` reaches ``amount``.

    With a factor of 1 throughout this is ``start + amount``; ``inf`` if the integral never
    gets there (a factor of 0 to the end).
    """
    i = bisect_right(breaks, start)
    t = start
    left = amount
    n = breaks.shape[0]
    while True:
        f = factor[i]
        end = breaks[i] if i < n else np.inf
        if f > 0.0:
            reach = t + left / f
            if reach <= end:
                return float(reach)
            left -= (end - t) * f
        if i >= n:
            return np.inf
        t = end
        i += 1


def time_changed(
    epochs: FloatArray,
    cumulative: Callable[[FloatArray], FloatArray],
    inverse: Callable[[FloatArray], FloatArray],
    offset: float,
    tl: Timeline,
    rate: str,
) -> FloatArray:
    """Event times of a point process whose intensity is multiplied by ``rate``'s factor.

    ``epochs`` are the events of a unit-rate Poisson process (cumulative sums of standard
    exponentials); ``cumulative`` and ``inverse`` are the base process's integrated
    intensity and its inverse, in weeks since ``offset`` (the process's week 0). Each epoch
    keeps its rank: the ``i``-th event of the base process is the ``i``-th event here, moved
    by the time change, so a condition changes when events happen, not whose they are.
    """
    factor = tl.column(rate)
    points = np.concatenate([[0.0], np.maximum(tl.breaks - offset, 0.0)])
    base = cumulative(points)
    # Integrated intensity with the factors at each break.
    steps = np.diff(base) * factor[:-1]
    reached = np.concatenate([[0.0], np.cumsum(steps)])
    seg = np.searchsorted(reached, epochs, side="right") - 1
    f = factor[seg]
    with np.errstate(divide="ignore", invalid="ignore"):  # segments of factor 0: never
        times = np.where(f > 0, inverse(base[seg] + (epochs - reached[seg]) / f), np.inf)
    return np.asarray(times, dtype=np.float64)
