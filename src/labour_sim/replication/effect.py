"""The programme against business as usual, in one replication (common random numbers).

Both arms have the same citizens (same referrals, readiness and candidate exits, see
:mod:`labour_sim.model.usual`): the programme arm is the simulated log, the
business-as-usual arm (:attr:`ReplicationResult.usual`) every citizen on benefit from
referral until their business-as-usual exits. Both are reduced by the same functions from
spells ``(citizen, state, enter, leave)``, sums taken exactly (:func:`exact_sum`, the sum
:func:`math.fsum` gives), so a programme that never places anybody has an effect of
exactly 0.

At each date ``D`` (weeks), per arm:

* ``into_work``: distinct citizens who entered paid work (ordinary, small job, flexjob) by D;
* ``self_support_weeks``: weeks in ordinary work, a flexjob or education before D, summed
  over citizens (weeks off benefit; a small job keeps part of the benefit and is left out);
* ``sustained``: distinct citizens with a spell of paid work that had lasted 26 weeks by D.

The effect is programme minus business as usual; ``deadweight`` is business-as-usual
``into_work`` over the programme's (the share of the programme's hires who would have
found work anyway), ``nan`` when the programme has none.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numpy.typing import NDArray

from ..model.sorting import sort_by, stable_order
from ..model.states import EDUCATION, FLEXJOB, ORDINARY, REDUCED, State, table
from ..scenario import Scenario
from .costs import savings_horizon
from .result import ReplicationResult
from .tally import log_in_range

__all__ = [
    "ARM_MEASURES",
    "SUSTAINED_WEEKS",
    "arm_measures",
    "arm_table",
    "effect_row",
    "per_additional_job",
    "programme_spells",
]

#: Weeks a job must have lasted to count as sustained.
SUSTAINED_WEEKS = 26.0
#: What each arm is measured by (see the module notes).
ARM_MEASURES = ("into_work", "self_support_weeks", "sustained")

_PAID = (ORDINARY, REDUCED, FLEXJOB)
_OFF_BENEFIT = (ORDINARY, FLEXJOB, EDUCATION)


def arm_measures(
    citizen: NDArray[np.int64],
    state: NDArray[np.int64],
    enter: NDArray[np.float64],
    leave: NDArray[np.float64],
    week: float,
) -> dict[str, float]:
    """:data:`ARM_MEASURES` of one arm's spells at ``week``.

    ``leave`` must already be cut at the horizon; spells of the same citizen in paid work
    that follow each other without a gap count as one job for ``sustained``.
    """
    table = arm_table(citizen, state, enter, leave, np.array([week], dtype=np.float64))
    return {m: values[0] for m, values in table.items()}


def arm_table(
    citizen: NDArray[np.int64],
    state: NDArray[np.int64],
    enter: NDArray[np.float64],
    leave: NDArray[np.float64],
    weeks: NDArray[np.float64],
) -> dict[str, list[float]]:
    """:func:`arm_measures` at each of ``weeks``: measure -> one value per week.

    One compiled pass (:func:`_arm`): distinct citizens (``into_work``, ``sustained``)
    counted over the spells by citizen (:func:`_counts`), the weeks off benefit summed
    exactly (:func:`exact_sum`, :func:`math.fsum`'s correctly rounded sum: the same sum
    whatever the order of the terms).
    """
    citizen = np.ascontiguousarray(citizen, dtype=np.int64)
    state = np.ascontiguousarray(state, dtype=np.int64)
    enter = np.ascontiguousarray(enter, dtype=np.float64)
    leave = np.ascontiguousarray(leave, dtype=np.float64)
    weeks = np.ascontiguousarray(weeks, dtype=np.float64)
    if state.size and (state.min() < 0 or state.max() >= len(State)):
        # Not states of the model: they count in no measure, so their spells are left out.
        keep = (state >= 0) & (state < len(State))
        citizen, state, enter, leave = citizen[keep], state[keep], enter[keep], leave[keep]
    into, off, sustained = _arm(citizen, state, enter, leave, weeks, _PAID_TABLE, _OFF_TABLE)
    return {
        "into_work": into.astype(np.float64).tolist(),
        "self_support_weeks": off.tolist(),
        "sustained": sustained.astype(np.float64).tolist(),
    }


_PAID_TABLE, _OFF_TABLE = table(map(State, _PAID)), table(map(State, _OFF_BENEFIT))


@numba.njit(cache=True, nogil=True)
def _arm(
    citizen: NDArray[np.int64],
    state: NDArray[np.int64],
    enter: NDArray[np.float64],
    leave: NDArray[np.float64],
    weeks: NDArray[np.float64],
    paid: NDArray[np.bool_],
    off: NDArray[np.bool_],
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """:func:`arm_table`'s measures per week: ``into_work``, weeks off benefit, ``sustained``.

    ``paid`` and ``off`` are lookup tables by state (every state must be in range). The
    paid spells are counted by :func:`_counts` by citizen then start: sojourns are in that
    order already; other spells are sorted first (``lexsort((enter, citizen))``).
    Each week's weeks off benefit are the exact sum, over the off-benefit spells, of
    ``max(min(leave, week) - enter, 0)``, with NumPy's ``minimum`` and ``clip`` (a ``nan``
    gives ``nan``).
    """
    n, w = citizen.shape[0], weeks.shape[0]
    n_paid = n_off = 0
    for i in range(n):
        n_paid += paid[state[i]]
        n_off += off[state[i]]
    c, a, b = np.empty(n_paid, np.int64), np.empty(n_paid), np.empty(n_paid)
    start, end = np.empty(n_off), np.empty(n_off)
    p = o = 0
    in_order = True
    for i in range(n):
        if paid[state[i]]:
            c[p], a[p], b[p] = citizen[i], enter[i], leave[i]
            if p and (c[p] < c[p - 1] or (c[p] == c[p - 1] and not a[p] >= a[p - 1])):
                in_order = False
            p += 1
        if off[state[i]]:
            start[o], end[o] = enter[i], leave[i]
            o += 1
    sums = np.empty(w)
    terms = np.empty(n_off)
    for j in range(w):
        for k in range(n_off):
            x = np.nan if np.isnan(end[k]) or np.isnan(weeks[j]) else min(end[k], weeks[j])
            x -= start[k]
            terms[k] = x if not x < 0.0 else 0.0  # np.clip(x, 0.0, None); keeps -0.0 and nan
        sums[j] = exact_sum(terms)
    if not in_order:  # two stable sorts, by start and then by citizen: lexsort's order
        order = stable_order(a)
        sort_by(c, order, np.empty(n_paid, np.int64))
        c, a, b = c[order], a[order], b[order]
    into, sustained = _counts(c, a, b, weeks, SUSTAINED_WEEKS)
    return into, sums, sustained


@numba.njit(cache=True, nogil=True)
def exact_sum(terms: NDArray[np.float64]) -> float:
    """The correctly rounded sum of ``terms``: :func:`math.fsum`'s, bit for bit.

    CPython's algorithm (``Modules/mathmodule.c``, ``math_fsum``): Shewchuk's exact
    partials, non-overlapping and in increasing magnitude, then their sum rounded half to
    even. Infinite and ``nan`` terms give their plain sum, as ``math.fsum`` does, except
    that ``inf - inf`` gives ``nan`` where ``math.fsum`` raises ``ValueError``; an
    intermediate overflow, where it raises ``OverflowError``, gives ``inf`` or ``nan``
    (neither is reached by sums of weeks).
    """
    partials = np.empty(32)
    m = 0
    special: float = 0.0
    for t in terms:
        x = t
        i = 0
        for k in range(m):
            y = partials[k]
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo != 0.0:
                partials[i] = lo
                i += 1
            x = hi
        m = i
        if x == 0.0:  # math.fsum keeps no zero partial (so -0.0 alone sums to 0.0)
            continue
        if not np.isfinite(x):
            special += t if not np.isfinite(t) else x  # an infinite or nan term, or overflow
            m = 0
            continue
        if m == partials.shape[0]:
            grown = np.empty(2 * m)
            for k in range(m):  # a loop: slice assignment compiles its error paths (1 s)
                grown[k] = partials[k]
            partials = grown
        partials[m] = x
        m += 1
    if special != 0.0 or np.isnan(special):
        return special
    if m == 0:
        return 0.0
    n = m - 1
    hi = partials[n]
    lo = 0.0
    while n > 0:
        x = hi
        n -= 1
        y = partials[n]
        hi = x + y
        lo = y - (hi - x)
        if lo != 0.0:
            break
    if n > 0 and ((lo < 0.0 and partials[n - 1] < 0.0) or (lo > 0.0 and partials[n - 1] > 0.0)):
        y = lo * 2.0
        x = hi + y
        if y == x - hi:
            hi = x
    return float(hi)


@numba.njit(cache=True, nogil=True)
def _counts(
    c: NDArray[np.int64],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    weeks: NDArray[np.float64],
    sustained_weeks: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Per week, distinct citizens with a paid spell begun by then, and with a sustained job.

    ``c, a, b``: the paid spells' citizens, starts and ends, by citizen then start. A job
    runs over spells of a citizen that follow each other without a gap; it is sustained by
    ``week`` if it started ``sustained_weeks`` before ``week`` or earlier and lasted as long.
    """
    w = weeks.shape[0]
    into = np.zeros(w, np.int64)
    sustained = np.zeros(w, np.int64)
    seen_into = np.zeros(w, np.bool_)  # the current citizen already counted, per week
    seen_held = np.zeros(w, np.bool_)
    start = -1.0
    for i in range(c.shape[0]):
        first = i == 0 or c[i] != c[i - 1]
        if first:
            seen_into[:] = False
            seen_held[:] = False
        joined = not first and a[i] == b[i - 1]
        if not joined:
            start = a[i]
        reach = start + sustained_weeks
        for j in range(w):
            if not seen_into[j] and a[i] <= weeks[j]:
                seen_into[j] = True
                into[j] += 1
            if not seen_held[j] and reach <= weeks[j] and b[i] >= reach:
                seen_held[j] = True
                sustained[j] += 1
    return into, sustained


def effect_row(scenario: Scenario, result: ReplicationResult) -> dict[str, float]:
    """Both arms and the effect at the end date, each target date and the savings horizon.

    Columns ``programme:M``, ``usual:M``, ``effect:M`` for each measure M of
    :data:`ARM_MEASURES` and ``deadweight`` at the programme's end, the same with
    ``@YYYY-MM-DD`` at each other target date and with ``@savings`` at the savings horizon
    (:func:`~.costs.savings_horizon`, where the "per" figures count their jobs); and
    ``cost:per_additional_sustained_job`` (programme cost over ``effect:sustained@savings``,
    ``nan`` unless positive) with its denominator ``cost:per_additional_sustained_job:n``.
    """
    end = scenario.period.end
    dates = sorted({t.date for t in scenario.targets} - {end})
    u = result.usual
    h = result.horizon
    out: dict[str, float] = {}
    weeks: list[tuple[str, float]] = [("", result.week_of(end))]
    weeks += [(f"@{date}", result.week_of(date)) for date in dates]
    weeks.append(("@savings", savings_horizon(scenario)))
    at = np.array([week for _, week in weeks], dtype=np.float64)
    programme = arm_table(*programme_spells(result), at)
    usual = (
        arm_table(u.citizen, u.state, u.enter, np.minimum(u.leave, h), at)
        if u is not None
        else {m: [0.0] * len(weeks) for m in ARM_MEASURES}
    )
    for j, (tag, _) in enumerate(weeks):
        for m in ARM_MEASURES:
            out[f"programme:{m}{tag}"] = programme[m][j]
            out[f"usual:{m}{tag}"] = usual[m][j]
            out[f"effect:{m}{tag}"] = programme[m][j] - usual[m][j]
        hires = programme["into_work"][j]
        out[f"deadweight{tag}"] = usual["into_work"][j] / hires if hires > 0 else math.nan
    return out


def programme_spells(
    result: ReplicationResult,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """The programme arm's spells: the sojourns' ``citizen, state, enter, leave``.

    The same arrays as :attr:`ReplicationResult.sojourns` has, from one compiled pass over
    the log (the rest of the sojourns is not needed here) unless they are there already.
    """
    if "sojourns" in result.__dict__ or not log_in_range(result):
        s = result.sojourns
        return s.citizen, s.state, s.enter, s.leave
    log = result.log
    citizen = np.ascontiguousarray(log["citizen"], dtype=np.int64)
    week = np.ascontiguousarray(log["week"], dtype=np.float64)
    order = result.citizen_order
    leave = _leaves(citizen, week, order, result.horizon)
    return citizen[order], log["state"][order], week[order], leave


@numba.njit(cache=True, nogil=True)
def _leaves(
    citizen: NDArray[np.int64], week: NDArray[np.float64], order: NDArray[np.int64], horizon: float
) -> NDArray[np.float64]:
    """Each sojourn's end (rows in ``order``): the citizen's next row's week, cut at the horizon."""
    rows = order.shape[0]
    leave = np.empty(rows)
    for j in range(rows):
        nxt = order[j + 1] if j + 1 < rows else -1
        if nxt >= 0 and citizen[nxt] == citizen[order[j]]:
            leave[j] = min(week[nxt], horizon)
        else:
            leave[j] = horizon
    return leave


def per_additional_job(row: dict[str, object]) -> dict[str, float]:
    """``cost:per_additional_sustained_job`` and its denominator, from a row's columns."""
    extra = float(row["effect:sustained@savings"])  # type: ignore[arg-type]
    cost = float(row["cost:programme"])  # type: ignore[arg-type]
    return {
        "cost:per_additional_sustained_job": cost / extra if extra > 0 else math.nan,
        "cost:per_additional_sustained_job:n": extra,
    }
