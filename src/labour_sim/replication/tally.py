"""A replication's summary row and weekly series in one compiled pass over its sojourns.

:class:`~.result.ReplicationResult` derives every outcome with NumPy, one readable array
expression at a time, and :func:`~.costs.cost_weeks` its costs: that is the reference.
Reducing a replication that way takes dozens of small NumPy calls (milliseconds, more than
the compiled simulation itself); :func:`tally_row` and :func:`tally_weekly` give the same
numbers from one compiled pass over the sojourns (each stay of each citizen in a state).

The same numbers bit for bit, not merely close:

* counts (milestones at dates, weekly states, capacity in use) are integers;
* every float is the reference's expression on the same values, and each sum adds the same
  terms in the same order (sojourns by citizen, then in log order) with NumPy's pairwise
  summation (:func:`pairwise_sum`: what ``ndarray.sum`` does for a contiguous float array);
* the exponentials of discounting are the reference's (:func:`labour_sim.ufuncs.exp` of
  each log week, passed in), computed once outside the compiled pass.

``tests/test_tally.py`` checks the identity on every shipped scenario and on generated ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from .. import ufuncs
from ..jit import helper
from ..metrics import METRICS, POINT_METRICS, RETENTION_WEEKS
from ..model.states import (
    DROPOUT,
    FLEXJOB,
    HOLDS_CASE,
    HOLDS_SLOT,
    PAID,
    PLACEMENT,
    REDUCED,
    table,
)
from .costs import COST_WEEKS, CostBasis
from .result import (
    HYBRID_PLACEMENT,
    MILESTONE_STATES,
    POINT_STATES,
    QUEUES,
    ReplicationResult,
    keyed,
)

__all__ = ["RowTally", "log_in_range", "pairwise_sum", "tally_row", "tally_weekly"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Metric rows of the first-reach table: milestones, then retention (as in METRICS).
_CITIZEN_ROWS = (*MILESTONE_STATES, *(f"employed_{w}w" for w in RETENTION_WEEKS))
#: Metric rows of the counts: citizen metrics, then companies joined and hosting.
_ROWS = (*_CITIZEN_ROWS, "companies_joined", "companies_hosting")
if _ROWS != METRICS:  # pragma: no cover - the metrics and their derivation moved apart
    raise ImportError(f"tally rows {_ROWS} do not follow METRICS {METRICS}")
_MILESTONES = len(MILESTONE_STATES)
# The milestones each key (state, or a hybrid placement) reaches (-1 padded): a short list
# per log row, not a mask of all.
_REACHES = np.full((HYBRID_PLACEMENT + 1, _MILESTONES), -1, dtype=np.int64)
for _k, _states in enumerate(MILESTONE_STATES.values()):
    for _s in _states:
        _REACHES[int(_s), np.argmax(_REACHES[int(_s)] < 0)] = _k
_PAID, _CASE, _SLOT = table(PAID), table(HOLDS_CASE), table(HOLDS_SLOT)
# Which keys each point-in-time metric counts: (len(POINT_METRICS), keys).
_POINTS = np.array([keyed(POINT_STATES[m]) for m in POINT_METRICS]).reshape(
    -1, HYBRID_PLACEMENT + 1
)
_RETENTION = np.array(RETENTION_WEEKS, dtype=np.float64)
_QUEUE_STATES = np.array([int(s) for s in QUEUES.values()], dtype=np.int64)
_NO_EXP = np.empty(0)

# Rows of the sums of one replication (each a pairwise sum over sojourns in order): per
# queue its completed waits (3) and time in the queue (3); the stays holding a slot, a case
# and a mentor; then the cost week sums of COST_WEEKS.
_WAIT, _QUEUE, _BUSY_SLOT, _BUSY_CASE, _BUSY_MENTOR, _COST = 0, 3, 6, 7, 8, 9
_SUMS = _COST + len(COST_WEEKS)
if COST_WEEKS != ("mentored", "case", "benefit_paid", "placement", "flexjob", "benefit_saved"):
    raise ImportError("the compiled cost sums do not follow COST_WEEKS")  # pragma: no cover


@dataclass(frozen=True)
class RowTally:
    """What a summary row needs from one replication, from :func:`tally_row`.

    Attributes
    ----------
    counts : array of int, shape (len(METRICS), len(weeks))
        Each metric's count by each asked week (as :meth:`ReplicationResult.outcome`).
    points : array of int, shape (len(POINT_METRICS), len(weeks))
        Each point-in-time metric's count at each asked week (as
        :meth:`ReplicationResult.outcome`).
    queues : dict of str to float
        ``wait_Q_mean``, ``queue_Q_mean`` (weeks, citizens) and ``utilisation_Q`` of each
        queue, in the order of :meth:`ReplicationResult.summary`.
    cost_weeks : dict of str to float
        The discounted week sums of :data:`~.costs.COST_WEEKS` (weeks or DKK).
    """

    counts: IntArray
    queues: dict[str, float]
    cost_weeks: dict[str, float]
    points: IntArray


def log_in_range(result: ReplicationResult) -> bool:
    """Whether every log row names a citizen of the cohort (what the compiled pass needs)."""
    citizen = result.log["citizen"]
    return not len(citizen) or bool(citizen.min() >= 0 and citizen.max() < result.n_citizens)


def tally_row(result: ReplicationResult, weeks: FloatArray, basis: CostBasis) -> RowTally:
    """Counts by (and at) ``weeks``, queue figures and cost week sums of one replication.

    The same numbers as :meth:`ReplicationResult.outcome`, :meth:`ReplicationResult.summary`
    (waits, queues, utilisation) and :func:`~.costs.cost_weeks`, bit for bit.

    Parameters
    ----------
    result : ReplicationResult
        The replication; its log must pass :func:`log_in_range`.
    weeks : array of float
        Weeks from the start at which to count every metric.
    basis : CostBasis
        The cost inputs (weeks, DKK per week, discount rate per week).
    """
    log, horizon = result.log, result.horizon
    week = np.ascontiguousarray(log["week"], dtype=np.float64)
    citizen = np.ascontiguousarray(log["citizen"], dtype=np.int64)
    state = np.ascontiguousarray(log["state"], dtype=np.int64)
    key = result.log_keys
    order = result.citizen_order
    asked = np.ascontiguousarray(weeks, dtype=np.float64)
    delta = basis.delta
    if delta == 0:
        exp_week, exp_until = _NO_EXP, np.ones(3)
    else:
        exp_week = ufuncs.exp(-delta * week)
        exp_until = ufuncs.exp(-delta * np.array([basis.end, basis.horizon, horizon]))
    counts, sums, served = _row(
        week,
        citizen,
        state,
        key,
        np.ascontiguousarray(log["mentored"], dtype=np.bool_),
        order,
        result.n_citizens,
        horizon,
        asked,
        _REACHES,
        _PAID,
        _CASE,
        _SLOT,
        _RETENTION,
        _QUEUE_STATES,
        np.ascontiguousarray(result.company_join, dtype=np.float64),
        np.ascontiguousarray(result.company_leave, dtype=np.float64),
        np.ascontiguousarray(result.company_slots, dtype=np.int64),
        np.ascontiguousarray(result.company_first_hosted, dtype=np.float64),
        basis.end,
        basis.horizon,
        delta,
        exp_week,
        exp_until,
        np.ascontiguousarray(basis.benefit[result.group], dtype=np.float64),
        basis.reduced_kept,
    )
    points = _in_states(week, citizen, order, key, horizon, asked, _POINTS)
    return RowTally(counts, _queue_figures(result, sums, served), _cost_weeks(sums), points)


def _queue_figures(
    result: ReplicationResult, sums: FloatArray, served: IntArray
) -> dict[str, float]:
    """:meth:`ReplicationResult.summary`'s waits, queues and utilisation from the sums."""
    h = result.horizon
    caseworker, mentor = result.capacity["caseworker"], result.capacity["mentor"]
    busy_cap = {
        "caseworker": (sums[_BUSY_CASE], (caseworker or math.nan) * h),
        "slot": (sums[_BUSY_SLOT], float(sums[_SUMS])),
        "mentor": (sums[_BUSY_MENTOR], (mentor or math.nan) * h),
    }
    out: dict[str, float] = {}
    for k, q in enumerate(QUEUES):
        n = int(served[k])
        out[f"wait_{q}_mean"] = float(sums[_WAIT + k] / n) if n else 0.0
        out[f"queue_{q}_mean"] = float(sums[_QUEUE + k] / h) if h > 0 else 0.0
        busy, cap = busy_cap[q]
        out[f"utilisation_{q}"] = float(busy / cap) if cap > 0 else math.nan
    return out


def _cost_weeks(sums: FloatArray) -> dict[str, float]:
    return {name: float(sums[_COST + k]) for k, name in enumerate(COST_WEEKS)}


def tally_weekly(result: ReplicationResult) -> NDArray[np.int32]:
    """Weekly series of :data:`~.summary.SERIES`: states, metrics, capacity; (weeks, series).

    The same integers as :func:`~.summary.weekly_counts` computes with NumPy. The log must
    pass :func:`log_in_range`.
    """
    log = result.log
    citizen = np.ascontiguousarray(log["citizen"], dtype=np.int64)
    return _weekly(
        np.ascontiguousarray(log["week"], dtype=np.float64),
        citizen,
        np.ascontiguousarray(log["state"], dtype=np.int64),
        result.log_keys,
        np.ascontiguousarray(log["mentored"], dtype=np.bool_),
        result.citizen_order,
        result.n_citizens,
        result.horizon,
        math.floor(result.horizon) + 1,
        _REACHES,
        _PAID,
        _CASE,
        _SLOT,
        _RETENTION,
        np.ascontiguousarray(result.company_join, dtype=np.float64),
        np.ascontiguousarray(result.company_leave, dtype=np.float64),
        np.ascontiguousarray(result.company_slots, dtype=np.int64),
        np.ascontiguousarray(result.company_first_hosted, dtype=np.float64),
        round(result.capacity["caseworker"] or 0),
        round(result.capacity["mentor"] or 0),
    )


# -- compiled kernels ---------------------------------------------------------------------
# The helpers called in loops allocate nothing: compiled without reference counting (jit.py).
@helper()
def _block(a: FloatArray, lo: int, n: int) -> float:
    """NumPy's sum of at most 128 terms ``a[lo:lo + n]`` (one leaf of :func:`pairwise_sum`)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return float(res)
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    whole = n - n % 8
    while i < whole:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return float(res)


@numba.njit(cache=True, nogil=True)
def pairwise_sum(a: FloatArray, lo: int, n: int) -> float:
    """Sum of ``a[lo:lo + n]`` exactly as NumPy adds a contiguous float64 array.

    NumPy's pairwise summation (``pairwise_sum_DOUBLE``): below 8 terms a plain loop; up to
    128 terms eight interleaved partial sums combined as a tree, then the rest; above that
    the two halves (split at a multiple of 8) summed alike and added. The halving is walked
    with an explicit stack: numba's on-disk cache does not handle recursive functions.
    """
    if n <= 128:
        return _block(a, lo, n)
    # Frames of the halving: start, length, where the right half starts, the left half's sum.
    start = np.empty(64, np.int64)
    length = np.empty(64, np.int64)
    right = np.full(64, -1, np.int64)
    left = np.empty(64)
    depth = 0
    start[0], length[0] = lo, n
    while True:
        if length[depth] > 128:  # split: descend into the left half
            half = length[depth] // 2
            half -= half % 8
            right[depth] = -1
            start[depth + 1], length[depth + 1] = start[depth], half
            depth += 1
            continue
        value = _block(a, start[depth], length[depth])
        while True:  # return the value to the parent frames
            if depth == 0:
                return value
            depth -= 1
            if right[depth] < 0:  # the left half is done: do the right half next
                half = length[depth] // 2
                half -= half % 8
                left[depth] = value
                right[depth] = start[depth] + half
                start[depth + 1] = right[depth]
                length[depth + 1] = length[depth] - half
                depth += 1
                break
            value = left[depth] + value  # both halves done


@numba.njit(cache=True, nogil=True)
def _first_reach(
    week: FloatArray,
    citizen: IntArray,
    state: IntArray,
    key: IntArray,
    order: IntArray,
    n: int,
    horizon: float,
    reaches: IntArray,
    paid: NDArray[np.bool_],
    retention: FloatArray,
) -> FloatArray:
    """First week of each citizen metric per citizen (``inf``: never): milestones, retention.

    :attr:`ReplicationResult.milestone_times`, over the sojourns (log rows in ``order``: by
    citizen, then log order): milestones are the least week of a row with one of their keys
    (``reaches[k, :]``: the milestones of key ``k``, a state or a hybrid placement, ``-1``
    padded); a paid spell
    (consecutive paid sojourns of a citizen) that lasted ``w`` weeks reaches
    ``employed_{w}w`` at its start plus ``w``.
    """
    m, r = _MILESTONES, retention.shape[0]
    out = np.full((m + r, n), np.inf)
    spell = 0.0
    was_paid = False  # the previous sojourn was paid and the same citizen's
    for j in range(order.shape[0]):
        i = order[j]
        c, s, w = citizen[i], state[i], week[i]
        for p in range(reaches.shape[1]):
            k = reaches[key[i], p]
            if k < 0:
                break
            if w < out[k, c]:
                out[k, c] = w
        if not paid[s]:
            was_paid = False
            continue
        if not (was_paid and j > 0 and citizen[order[j - 1]] == c):
            spell = w  # a spell starts
        was_paid = True
        nxt = -1
        if j + 1 < order.shape[0] and citizen[order[j + 1]] == c:
            nxt = order[j + 1]
        if nxt < 0 or not paid[state[nxt]]:  # and ends here
            end = horizon if nxt < 0 else min(week[nxt], horizon)
            for k in range(r):
                reach = spell + retention[k]
                if reach <= end and reach <= horizon and reach < out[m + k, c]:
                    out[m + k, c] = reach
    return out


@helper()
def _count_by(times: FloatArray, weeks: FloatArray, out: IntArray, row: int) -> None:
    """``out[row, a]``: how many of ``times`` are at or before ``weeks[a]``."""
    for a in range(weeks.shape[0]):
        count = 0
        for t in times:
            if t <= weeks[a]:
                count += 1
        out[row, a] = count


@numba.njit(cache=True, nogil=True)
def _in_states(
    week: FloatArray,
    citizen: IntArray,
    order: IntArray,
    state: IntArray,
    horizon: float,
    weeks: FloatArray,
    members: NDArray[np.bool_],
) -> IntArray:
    """``out[p, a]``: citizens with a key of ``members[p]`` at ``weeks[a]``.

    ``state`` holds the rows' keys (a state, or a hybrid placement).

    :meth:`ReplicationResult.in_states` over the sojourns (log rows in ``order``): a stay
    counts when ``enter <= week < leave``, one under way at the horizon to the end.
    """
    w = weeks.shape[0]
    by_key = np.zeros((members.shape[1], w), np.int64)  # stays under way, by key and week
    rows = order.shape[0]
    for j in range(rows):
        i = order[j]
        s, e = state[i], week[i]
        nxt = -1
        if j + 1 < rows and citizen[order[j + 1]] == citizen[i]:
            nxt = order[j + 1]
        x = horizon if nxt < 0 else min(week[nxt], horizon)
        for a in range(w):
            t = weeks[a]
            if e <= t and (nxt < 0 or t < x):
                by_key[s, a] += 1
    out = np.zeros((members.shape[0], w), np.int64)
    for p in range(members.shape[0]):
        for s in range(members.shape[1]):
            if members[p, s]:
                for a in range(w):
                    out[p, a] += by_key[s, a]
    return out


@helper()
def _clipped_exp(x: float, exp_x: float, until: float, exp_until: float) -> tuple[float, float]:
    """``clip(x, 0, until)`` and its discount factor, from NumPy's ``exp`` of ``x``, ``until``."""
    c = min(max(x, 0.0), until)
    if c == x:
        return c, exp_x
    if c == until:
        return c, exp_until
    return c, 1.0  # exp(-0.0)


@helper()
def _integral(
    a: float, b: float, exp_a: float, exp_b: float, until: float, exp_until: float, delta: float
) -> float:
    """Discounted length of ``[a, b)`` cut at ``until`` (``costs._Flow.integral``), weeks."""
    ca, ea = _clipped_exp(a, exp_a, until, exp_until)
    cb, eb = _clipped_exp(b, exp_b, until, exp_until)
    if delta == 0:
        return cb - ca
    return (ea - eb) / delta


@numba.njit(cache=True, nogil=True)
def _row(
    week: FloatArray,
    citizen: IntArray,
    state: IntArray,
    key: IntArray,
    mentored: NDArray[np.bool_],
    order: IntArray,
    n: int,
    horizon: float,
    weeks: FloatArray,
    reaches: IntArray,
    paid: NDArray[np.bool_],
    case: NDArray[np.bool_],
    slot: NDArray[np.bool_],
    retention: FloatArray,
    queues: IntArray,
    join: FloatArray,
    leave_company: FloatArray,
    slots: IntArray,
    first_hosted: FloatArray,
    end: float,
    savings: float,
    delta: float,
    exp_week: FloatArray,
    exp_until: FloatArray,
    benefit: FloatArray,
    reduced_kept: float,
) -> tuple[IntArray, FloatArray, IntArray]:
    """Counts by ``weeks``, the sums (see ``_SUMS``; the slot capacity last), served waits."""
    first = _first_reach(week, citizen, state, key, order, n, horizon, reaches, paid, retention)
    counts = np.empty((first.shape[0] + 2, weeks.shape[0]), np.int64)
    for k in range(first.shape[0]):
        _count_by(first[k], weeks, counts, k)
    _count_by(join, weeks, counts, first.shape[0])
    _count_by(first_hosted, weeks, counts, first.shape[0] + 1)

    # The terms of each sum side by side in one buffer, each sum's at most as many as the
    # sojourns in its states (counted first); the companies' slot weeks last.
    rows = order.shape[0]
    in_state = np.zeros(paid.shape[0], np.int64)
    for i in range(rows):
        in_state[state[i]] += 1
    queue_of = np.full(paid.shape[0], -1, np.int64)
    size = np.empty(_SUMS, np.int64)
    for q in range(queues.shape[0]):
        queue_of[queues[q]] = q
        size[_WAIT + q] = size[_QUEUE + q] = in_state[queues[q]]
    in_slot = in_case = 0
    for k in range(paid.shape[0]):
        in_slot += in_state[k] if slot[k] else 0
        in_case += in_state[k] if case[k] else 0
    size[_BUSY_SLOT] = in_slot
    size[_BUSY_CASE] = size[_COST + 1] = in_case
    size[_BUSY_MENTOR] = size[_COST] = size[_COST + 3] = in_state[PLACEMENT]
    size[_COST + 4] = in_state[FLEXJOB]
    size[_COST + 2] = size[_COST + 5] = rows
    # Where each sum's terms start, and where its next term goes. Loops rather than NumPy
    # calls (cumsum, slice assignment), which would each be compiled with their error paths.
    start = np.empty(_SUMS + 1, np.int64)
    at = np.empty(_SUMS, np.int64)
    start[0] = 0
    for t in range(_SUMS):
        at[t] = start[t]
        start[t + 1] = start[t] + size[t]
    terms = np.empty(start[_SUMS] + join.shape[0])

    discounted = delta != 0
    exp_end, exp_savings, exp_horizon = exp_until[0], exp_until[1], exp_until[2]
    for j in range(rows):
        i = order[j]
        s, e = state[i], week[i]
        nxt = -1  # the log row where the stay ends (-1: at the horizon); not a call: slow
        if j + 1 < rows and citizen[order[j + 1]] == citizen[i]:
            nxt = order[j + 1]
        x = horizon if nxt < 0 else min(week[nxt], horizon)
        stay = x - e
        ex_e = exp_x = 1.0
        if discounted:
            ex_e = exp_week[i]
            exp_x = exp_week[nxt] if nxt >= 0 and week[nxt] <= horizon else exp_horizon
        q = queue_of[s]
        if q >= 0:
            terms[at[_QUEUE + q]] = min(max(x, 0.0), horizon) - min(max(e, 0.0), horizon)
            at[_QUEUE + q] += 1
            if nxt >= 0 and state[nxt] != DROPOUT and e >= 0.0:
                terms[at[_WAIT + q]] = stay
                at[_WAIT + q] += 1
        if slot[s]:
            terms[at[_BUSY_SLOT]] = stay
            at[_BUSY_SLOT] += 1
        if case[s]:
            terms[at[_BUSY_CASE]] = stay
            at[_BUSY_CASE] += 1
            terms[at[_COST + 1]] = _integral(e, x, ex_e, exp_x, end, exp_end, delta)
            at[_COST + 1] += 1
        if s == PLACEMENT:
            terms[at[_COST + 3]] = _integral(e, x, ex_e, exp_x, savings, exp_savings, delta)
            at[_COST + 3] += 1
            if mentored[i]:
                terms[at[_BUSY_MENTOR]] = stay
                at[_BUSY_MENTOR] += 1
                terms[at[_COST]] = _integral(e, x, ex_e, exp_x, end, exp_end, delta)
                at[_COST] += 1
        if s == FLEXJOB:
            terms[at[_COST + 4]] = _integral(e, x, ex_e, exp_x, savings, exp_savings, delta)
            at[_COST + 4] += 1
        # Benefit paid: in full out of paid work, a share in a small job (costs.cost_weeks).
        kept = 0.0 if paid[s] else 1.0
        if s == REDUCED:
            kept = reduced_kept
        b = benefit[citizen[i]]
        span = _integral(e, x, ex_e, exp_x, savings, exp_savings, delta)
        terms[start[_COST + 2] + j] = span * (b * kept)
        terms[start[_COST + 5] + j] = span * (b * (1.0 - kept))
    at[_COST + 2] = start[_COST + 2] + rows
    at[_COST + 5] = start[_COST + 5] + rows

    sums = np.empty(_SUMS + 1)
    for t in range(_SUMS):
        sums[t] = pairwise_sum(terms, start[t], at[t] - start[t])
    # Slot capacity: slots times the weeks each company was on board before the horizon.
    last = start[_SUMS]
    for k in range(join.shape[0]):
        terms[last + k] = float(slots[k]) * (min(leave_company[k], horizon) - min(join[k], horizon))
    sums[_SUMS] = pairwise_sum(terms, last, join.shape[0])
    served = np.empty(queues.shape[0], np.int64)
    for q in range(queues.shape[0]):
        served[q] = at[_WAIT + q] - start[_WAIT + q]
    return counts, sums, served


@numba.njit(cache=True, nogil=True)
def _week_index(t: float, last: int) -> int:
    """First of the weeks ``0..last`` at or after ``t`` (``last + 1``: none).

    ``t`` may be ``inf`` (never) or ``nan`` (never, as NumPy's comparisons have it).
    """
    if not t <= last:
        return last + 1
    if t <= 0:
        return 0
    return int(np.ceil(t))


@numba.njit(cache=True, nogil=True)
def _weekly(
    week: FloatArray,
    citizen: IntArray,
    state: IntArray,
    key: IntArray,
    mentored: NDArray[np.bool_],
    order: IntArray,
    n: int,
    horizon: float,
    n_weeks: int,
    reaches: IntArray,
    paid: NDArray[np.bool_],
    case: NDArray[np.bool_],
    slot: NDArray[np.bool_],
    retention: FloatArray,
    join: FloatArray,
    leave_company: FloatArray,
    slots: IntArray,
    first_hosted: FloatArray,
    cases_available: int,
    mentees_available: int,
) -> NDArray[np.int32]:
    """States, metrics and capacity at the start of each of weeks ``0..n_weeks - 1``."""
    first = _first_reach(week, citizen, state, key, order, n, horizon, reaches, paid, retention)
    n_states = paid.shape[0]
    n_metrics = first.shape[0] + 2
    mentor_col = 4
    delta = np.zeros((n_weeks + 1, n_states + n_metrics + 6), np.int64)
    last = n_weeks - 1
    # A stay counts in the weeks from its (rounded up) entry to its (rounded up) exit; one
    # still under way at the horizon counts to the end (ReplicationResult.state_counts).
    for j in range(order.shape[0]):
        i = order[j]
        s = state[i]
        nxt = -1
        if j + 1 < order.shape[0] and citizen[order[j + 1]] == citizen[i]:
            nxt = order[j + 1]
        a = min(int(np.ceil(week[i])), n_weeks)
        b = n_weeks if nxt < 0 else min(int(np.ceil(min(week[nxt], horizon))), n_weeks)
        delta[a, s] += 1
        delta[b, s] -= 1
        if s == PLACEMENT and mentored[i]:
            delta[a, n_states + n_metrics + mentor_col] += 1
            delta[b, n_states + n_metrics + mentor_col] -= 1
    # A metric counts from the first week at or after it was reached.
    for k in range(first.shape[0]):
        for c in range(n):
            delta[_week_index(first[k, c], last), n_states + k] += 1
    for c in range(join.shape[0]):
        delta[_week_index(join[c], last), n_states + first.shape[0]] += 1
        delta[_week_index(first_hosted[c], last), n_states + first.shape[0] + 1] += 1
        # Slots of a company on board: from the week it joined to the week it left.
        a = _week_index(join[c], last)
        b = _week_index(leave_company[c], last)
        if b > a and not np.isnan(leave_company[c]):
            delta[a, n_states + n_metrics + 1] += slots[c]
            delta[b, n_states + n_metrics + 1] -= slots[c]
    out = np.empty((n_weeks, delta.shape[1]), np.int32)
    run = np.zeros(delta.shape[1], np.int64)
    cap = n_states + n_metrics
    for w in range(n_weeks):
        for k in range(run.shape[0]):  # loops, not array expressions: far less to compile
            run[k] += delta[w, k]
        held_slot = held_case = 0
        for s in range(n_states):
            if slot[s]:
                held_slot += run[s]
            if case[s]:
                held_case += run[s]
        run[cap] = held_slot
        run[cap + 2] = held_case
        run[cap + 3] = cases_available
        run[cap + 5] = mentees_available
        for k in range(run.shape[0]):
            out[w, k] = run[k]
        run[cap] = run[cap + 2] = run[cap + 3] = run[cap + 5] = 0
    return out
