"""The compiled engine: the SimPy model of :mod:`.pathway`, event for event, in numba.

:func:`simulate` consumes the same draws as :class:`~.pathway.Programme` and returns the same
log (same rows in the same order, weeks equal bit for bit), the same first week each company
hosts, and the same count of SimPy events. It does so by emulating what SimPy does with the
events the SimPy model creates, not by re-deriving the model:

* the event queue is a binary heap ordered by ``(week, id)``, ``id`` counting scheduled
  events as SimPy's ``Environment._eid`` does (all events have SimPy's NORMAL priority; the
  URGENT stop event of ``env.run(until)`` is only counted: nothing at or after ``until``
  runs). The referrals and company joins scheduled at week 0, in time order, wait in a
  sorted run beside the heap instead of in it; the next event is the least of the two.
  Any queue that hands out events in ``(week, id)`` order gives the same run, ids being
  unique;
* a citizen is a state machine whose resume points are the generator's ``yield`` statements
  (``_P_*`` below), with the generator's local variables in per-citizen arrays;
* a wait that races against dropout (``event | Timeout(left)`` in ``Programme._wait``) is
  three events, as in SimPy: the grant (scheduled when the request is granted), the race
  timeout (scheduled when the wait starts) and the condition (scheduled when the first of
  the two is processed, and processed after it). The loser stays in the queue and is
  processed later as a no-op. At the condition the wait is won if the request has been
  granted by then, else it is withdrawn;
* a wait without dropout (``left`` infinite) is the grant event alone.

Capacity and slots follow :mod:`.resources` exactly, with indexed structures so that the
cost per event does not grow with the queues: FIFO queues are linked lists over one node
pool (recycled), waiting citizens who withdraw are dropped lazily (a citizen who withdraws
has dropped out and never queues again), free slots are kept per sector (FIFO within each
sector; slots of companies that left are dropped lazily, which is unobservable).

The kernel allocates everything up front from bounds (log rows, heap size, queue nodes) and
creates no Python object per event; ``cache=True`` keeps the compiled code on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from ..jit import helper
from ..scenario import Scenario
from ..scenario.conditions import HIRING
from .bisection import bisect_left, bisect_right
from .draws import CitizenDraws, CompanyDraws
from .sorting import sort_by, stable_order
from .states import (
    DROPOUT,
    EDUCATION,
    FLEXJOB,
    INTAKE,
    LEFT,
    MENTOR_WAIT,
    ORDINARY,
    PLACEMENT,
    PREPARATION,
    REDUCED,
    REFERRED,
    WAITING,
)
from .timeline import RATE_INDEX, advance, timeline
from .usual import USUAL

__all__ = ["CompiledRun", "simulate", "time_order"]

_F8 = np.float64
_I8 = np.int64

# Event kinds (low 3 bits of an event's payload).
_K_RESUME, _K_JOIN, _K_TIMEOUT, _K_GRANT, _K_COND, _K_UNPAUSE = 0, 1, 2, 3, 4, 5
# Waits per citizen are numbered (serial) so that events of an earlier wait are told apart.
_SERIALS = 128

# Resume points of a citizen (the generator's yields and the blocks between them).
_P_EPISODE, _P_AFTER_CASE, _P_R2A, _P_R2B, _P_R2C = 0, 1, 2, 3, 4
_P_LOOP, _P_R3A, _P_R3B, _P_WAITING, _P_AFTER_SLOT = 5, 6, 7, 8, 9
_P_MENTOR, _P_AFTER_MENTOR, _P_PLACEMENT, _P_R6A, _P_R6B = 10, 11, 12, 13, 14
_P_AFTER_PLACEMENT, _P_END, _P_R7, _P_SPELL, _P_R8, _P_DONE = 15, 16, 17, 18, 19, 20
# Programme._outside: find the next business-as-usual exit, at it, at the end of its job.
_P_OUT, _P_OUT_AT, _P_OUT_END = 21, 22, 23


@dataclass(frozen=True)
class CompiledRun:
    """What one compiled run produced (the counterpart of a run :class:`~.pathway.Programme`).

    Attributes
    ----------
    log : dict of arrays
        ``week`` (weeks), ``citizen``, ``state``, ``attempt``, ``company``, ``mentored``:
        rows in time order (a stable sort by week of the order the SimPy model appends
        them to ``Programme.log``), or in that order itself (see :func:`simulate`).
    first_hosted : array of float
        Week each company first hosted a placement (``inf`` if never).
    events : int
        SimPy events the same run schedules (``Programme.events``).
    """

    log: dict[str, NDArray[Any]]
    first_hosted: NDArray[np.float64]
    events: int


def simulate(
    s: Scenario,
    citizens: CitizenDraws,
    companies: CompanyDraws,
    until: float,
    in_time_order: bool = True,
) -> CompiledRun:
    """Run the model of :class:`~.pathway.Programme` up to week ``until``, compiled.

    Parameters
    ----------
    s : Scenario
        The programme (staff, placement, employment and company settings).
    citizens, companies : CitizenDraws, CompanyDraws
        The replication's draws, as for :class:`~.pathway.Programme`.
    until : float
        Horizon in weeks (``env.run(until=...)``).
    in_time_order : bool, default True
        Give the log in time order (:func:`time_order`, as ``run_replication`` keeps it);
        False: in the order the SimPy model appends its rows.

    Returns
    -------
    CompiledRun
        The log, each company's first hosting week and the event count.
    """
    st, p, e = s.staff, s.placement, s.employment
    o = p.outcomes
    p_hire = (o.ordinary.value, o.reduced.value, o.flexjob.value, o.education.value)
    floats = np.array(
        [
            *p_hire,
            sum(p_hire),  # Python's sum, as the SimPy model adds them
            p.mentor_multiplier.value,
            p.back_to_preparation.value,
            e.reduced_to_ordinary.value,
            e.relapse_to_programme.value,
            _capacity(st.caseworkers, st.caseload),
            _capacity(st.mentors, st.mentees_per_mentor),
            float(until),
        ],
        dtype=_F8,
    )
    max_attempts = int(p.max_attempts.value)
    tl = timeline(s)
    has_hire = any(tl.varies(r) for r in HIRING)
    hire = np.ascontiguousarray(tl.factors[:, [RATE_INDEX[r] for r in HIRING]], dtype=_F8)
    merge = (
        s.intake.assessment_weeks.dist != "constant"
        and s.preparation.duration_weeks.dist != "constant"
    )
    ints = np.array(
        [
            max_attempts,
            int(st.mentor_required),
            int(s.companies.match_sector),
            int(merge),
            int(st.caseworkers is not None),
            int(st.mentors is not None),
            int(has_hire),
            int(tl.varies("job_loss")),
            int(tl.varies("dropout")),
            int(citizens.usual.any),
        ],
        dtype=_I8,
    )
    c, k = citizens, companies
    join = np.ascontiguousarray(k.join, dtype=_F8)
    leave = np.ascontiguousarray(k.leave, dtype=_F8)
    out = _run(
        ints,
        floats,
        np.ascontiguousarray(c.arrival, dtype=_F8),
        np.ascontiguousarray(c.sector, dtype=_I8),
        np.ascontiguousarray(c.readiness, dtype=_F8),
        _table(c.assessment),
        _table(c.preparation),
        _table(c.placement),
        _table(c.outcome_u),
        _table(c.ordinary_job),
        _table(c.reduced_job),
        _table(c.growth_weeks),
        _table(c.growth_u),
        _table(c.relapse_u),
        _table(c.after_u),
        _table(c.dropout),
        join,
        leave,
        np.ascontiguousarray(k.slots, dtype=_I8),
        np.ascontiguousarray(k.willingness, dtype=_F8),
        np.ascontiguousarray(k.sector, dtype=_I8),
        np.ascontiguousarray(tl.breaks, dtype=_F8),
        hire,
        tl.column("job_loss"),
        np.ascontiguousarray(tl.pause_start, dtype=_F8),
        np.ascontiguousarray(tl.pause_end, dtype=_F8),
        tl.column("dropout"),
        _table(c.usual.at),
        np.ascontiguousarray(c.usual.kind, dtype=_I8),
        _table(c.usual.end),
    )
    lw, li, first_hosted, events = out
    columns = _columns(lw, li, in_time_order)
    log = dict(
        zip(("week", "citizen", "state", "attempt", "company", "mentored"), columns, strict=True)
    )
    return CompiledRun(log, first_hosted, int(events))


@numba.njit(cache=True, nogil=True)
def _columns(lw: NDArray[np.float64], li: NDArray[np.int64], in_time_order: bool) -> Any:
    """The log's six columns from the run's buffers, in time order or in append order."""
    n = lw.shape[0]
    order = time_order(lw) if in_time_order else np.empty(0, np.int64)
    week = np.empty(n, np.float64)
    citizen, state = np.empty(n, np.int64), np.empty(n, np.int64)
    attempt, company = np.empty(n, np.int64), np.empty(n, np.int64)
    mentored = np.empty(n, np.bool_)
    for j in range(n):
        i = order[j] if in_time_order else j
        week[j] = lw[i]
        citizen[j], state[j], attempt[j], company[j] = li[i, 0], li[i, 1], li[i, 2], li[i, 3]
        mentored[j] = li[i, 4] != 0
    return week, citizen, state, attempt, company, mentored


@numba.njit(cache=True, nogil=True)
def time_order(week: NDArray[np.float64]) -> NDArray[np.int64]:
    """``np.argsort(week, kind="stable")`` for a log that is nearly in time order.

    The rows logged ahead of time (those with a smaller week somewhere after them: about
    one in eight on Lolland-Falster, a preparation logged at the assessment) are sorted
    apart, stably; the others are in order already. The two runs are merged by (week,
    row), which is the stable order. With a ``nan`` week, the stable argsort of every row
    (:func:`.sorting.stable_order`).
    """
    n = week.shape[0]
    ahead = np.zeros(n, np.bool_)
    low = np.inf
    n_ahead = 0
    for i in range(n - 1, -1, -1):
        w = week[i]
        if np.isnan(w):
            return stable_order(week)
        if w > low:
            ahead[i] = True
            n_ahead += 1
        elif w < low:
            low = w
    rows = np.empty(n_ahead, np.int64)
    k = 0
    for i in range(n):
        if ahead[i]:
            rows[k] = i
            k += 1
    sort_by(week, rows, np.empty(n_ahead, np.int64))
    order = np.empty(n, np.int64)
    j = k = 0
    for i in range(n):
        if ahead[i]:
            continue
        while k < n_ahead and (
            week[rows[k]] < week[i] or (week[rows[k]] == week[i] and rows[k] < i)
        ):
            order[j] = rows[k]
            j += 1
            k += 1
        order[j] = i
        j += 1
    while k < n_ahead:
        order[j] = rows[k]
        j += 1
        k += 1
    return order


def _capacity(count: Any, per: Any) -> float:
    """Units of a staff capacity (``count * per``, as the SimPy model); ``-1`` if unlimited."""
    return -1.0 if count is None else float(count.value * per.value)


def _table(a: NDArray[Any]) -> NDArray[np.float64]:
    return np.ascontiguousarray(a, dtype=_F8)


# -- the kernel ------------------------------------------------------------------------------
# The helpers are compiled for these types only (explicit signatures): left to infer them,
# numba compiles a helper again for every pattern of literal arguments at its call sites
# (``-1``, ``False``, queue ``0``), which made compiling from scratch twice as long.
# They allocate nothing and are compiled without reference counting (:func:`~..jit.helper`).
_I, _F = numba.types.int64, numba.types.float64
_I1, _F1, _B1 = _I[::1], _F[::1], numba.types.boolean[::1]
_I2 = _I[:, ::1]
_I3 = numba.types.UniTuple(_I, 3)  # type: ignore[no-untyped-call]
_II = numba.types.UniTuple(_I, 2)  # type: ignore[no-untyped-call]


@helper(numba.types.boolean(_F, _I, _F, _I))
def _before(t1: float, e1: int, t2: float, e2: int) -> bool:
    """Whether event ``(t1, e1)`` comes before ``(t2, e2)``: by week, then by id.

    Without a branch (bitwise operators on the comparisons): where it decides a path down
    the heap, the branch would be mispredicted half the time.
    """
    return (t1 < t2) | ((t1 == t2) & (e1 < e2))


@helper(
    _I(_F1, _I1, _I1, _I, _F, _I, _I),
)
def _heap_push(
    ht: NDArray[np.float64],
    he: NDArray[np.int64],
    hp: NDArray[np.int64],
    n: int,
    t: float,
    eid: int,
    payload: int,
) -> int:
    """Push event ``(t, eid)`` with ``payload``; returns the new heap size."""
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if _before(ht[parent], he[parent], t, eid):
            break
        ht[i], he[i], hp[i] = ht[parent], he[parent], hp[parent]
        i = parent
    ht[i], he[i], hp[i] = t, eid, payload
    return n + 1


@helper(
    _II(_F1, _I1, _I1, _I, _F1, _I1, _I1, _I, _F, _I, _I),
)
def _schedule(
    rt: NDArray[np.float64],
    re_: NDArray[np.int64],
    rp: NDArray[np.int64],
    nr: int,
    ht: NDArray[np.float64],
    he: NDArray[np.int64],
    hp: NDArray[np.int64],
    hn: int,
    t: float,
    eid: int,
    payload: int,
) -> tuple[int, int]:
    """Schedule a week-0 event: at the end of the sorted run if in order, else in the heap.

    Returns the sizes of the run and of the heap.
    """
    if nr == 0 or t >= rt[nr - 1]:
        rt[nr], re_[nr], rp[nr] = t, eid, payload
        return nr + 1, hn
    return nr, _heap_push(ht, he, hp, hn, t, eid, payload)


@helper(
    _I(_F1, _I1, _I1, _I),
)
def _heap_pop(ht: NDArray[np.float64], he: NDArray[np.int64], hp: NDArray[np.int64], n: int) -> int:
    """Remove the first event (index 0) from the heap of size ``n``; returns the new size."""
    n -= 1
    t, e_id, pl = ht[n], he[n], hp[n]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= n:
            break
        right = child + 1
        if right < n:  # the earlier child
            child += int(_before(ht[right], he[right], ht[child], he[child]))
        if _before(t, e_id, ht[child], he[child]):
            break
        ht[i], he[i], hp[i] = ht[child], he[child], hp[child]
        i = child
    if n > 0:
        ht[i], he[i], hp[i] = t, e_id, pl
    return n


@helper(
    numba.void(_I1, _I1, _I1, _I1, _I1, _I, _I),
)
def _q_push(
    qhead: NDArray[np.int64],
    qtail: NDArray[np.int64],
    nval: NDArray[np.int64],
    nnext: NDArray[np.int64],
    free_node: NDArray[np.int64],
    q: int,
    value: int,
) -> None:
    """Append ``value`` to FIFO queue ``q`` (a linked list; ``free_node[0]`` heads the spares)."""
    node = free_node[0]
    free_node[0] = nnext[node]
    nval[node] = value
    nnext[node] = -1
    if qtail[q] < 0:
        qhead[q] = node
    else:
        nnext[qtail[q]] = node
    qtail[q] = node


@helper(
    _I(_I1, _I1, _I1, _I1, _I1, _I),
)
def _q_pop(
    qhead: NDArray[np.int64],
    qtail: NDArray[np.int64],
    nval: NDArray[np.int64],
    nnext: NDArray[np.int64],
    free_node: NDArray[np.int64],
    q: int,
) -> int:
    """Remove and return the head of queue ``q`` (which must not be empty)."""
    node = qhead[q]
    value = nval[node]
    qhead[q] = nnext[node]
    if qhead[q] < 0:
        qtail[q] = -1
    nnext[node] = free_node[0]
    free_node[0] = node
    return int(value)


@helper(
    _I(_I1, _I1, _I1, _I1, _I1, _I1, _I1, _I),
)
def _first_live(
    qhead: NDArray[np.int64],
    qtail: NDArray[np.int64],
    nval: NDArray[np.int64],
    nnext: NDArray[np.int64],
    free_node: NDArray[np.int64],
    qlive: NDArray[np.int64],
    w_queue: NDArray[np.int64],
    q: int,
) -> int:
    """Remove and return the longest-waiting live citizen of queue ``q``, or ``-1``.

    Entries of citizens who withdrew are dropped on the way (they never queue again).
    """
    while qlive[q] > 0:
        c = _q_pop(qhead, qtail, nval, nnext, free_node, q)
        if w_queue[c] == q:
            w_queue[c] = -1
            qlive[q] -= 1
            return c
    return -1


@helper(
    _I3(
        _I,
        _I,
        _I,
        _I,
        _I,
        _F,
        numba.types.boolean,
        _I1,
        _I1,
        _I1,
        _I1,
        _I1,
        _I1,
        _I1,
        _B1,
        _I1,
        _I1,
        _F1,
        _I1,
        _I1,
        _I,
        _I,
    ),
)
def _offer(
    j: int,
    count: int,
    free_q: int,
    wait_q: int,
    slot_waiters: int,
    now: float,
    paused: bool,
    qhead: NDArray[np.int64],
    qtail: NDArray[np.int64],
    nval: NDArray[np.int64],
    nnext: NDArray[np.int64],
    free_node: NDArray[np.int64],
    qlive: NDArray[np.int64],
    w_queue: NDArray[np.int64],
    w_granted: NDArray[np.bool_],
    w_value: NDArray[np.int64],
    serial: NDArray[np.int64],
    ht: NDArray[np.float64],
    he: NDArray[np.int64],
    hp: NDArray[np.int64],
    hn: int,
    eid: int,
) -> tuple[int, int, int]:
    """``SlotPool._offer``: ``count`` slots of company ``j``, to waiters first, then free.

    While placement starts are ``paused`` no slot goes to a waiter.

    Returns the heap size, the next event id and the number of citizens still waiting.
    """
    if slot_waiters == 0 or paused:
        for _ in range(count):
            _q_push(qhead, qtail, nval, nnext, free_node, free_q, j)
        return hn, eid, slot_waiters
    for _ in range(count):
        w = _first_live(qhead, qtail, nval, nnext, free_node, qlive, w_queue, wait_q)
        if w < 0:
            _q_push(qhead, qtail, nval, nnext, free_node, free_q, j)
        else:
            slot_waiters -= 1
            w_granted[w] = True
            w_value[w] = j
            hn = _heap_push(ht, he, hp, hn, now, eid, (w * _SERIALS + serial[w]) * 8 + _K_GRANT)
            eid += 1
    return hn, eid, slot_waiters


@helper(numba.types.boolean(_F1, _F1, _F))
def _paused(pause_start: NDArray[np.float64], pause_end: NDArray[np.float64], now: float) -> bool:
    """``SlotPool.paused``: True when ``now`` is inside a ``[start, end)`` pause."""
    i = bisect_right(pause_start, now) - 1
    return bool(i >= 0 and now < pause_end[i])


@helper(
    _I(_F1, _I2, _I, _F, _I, _I, _I, _I, numba.types.boolean),
)
def _log(
    lw: NDArray[np.float64],
    li: NDArray[np.int64],
    nl: int,
    week: float,
    c: int,
    state: int,
    attempt: int,
    company: int,
    mentored: bool,
) -> int:
    """Append a log row; returns the new row count."""
    lw[nl] = week
    li[nl, 0] = c
    li[nl, 1] = state
    li[nl, 2] = attempt
    li[nl, 3] = company
    li[nl, 4] = 1 if mentored else 0
    return nl + 1


@helper()
def _arm(
    u_at: NDArray[np.float64],
    c: int,
    now: float,
    until: float,
    left: NDArray[np.float64],
    usual: NDArray[np.int64],
    u_drop: NDArray[np.float64],
    u_armed: NDArray[np.float64],
) -> None:
    """``Programme._arm``: arm citizen ``c``'s candidate exit if it comes before dropout.

    Armed: ``usual[c]`` is the exit's index, the time left runs to it (``left[c]``), and the
    dropout clock is kept to restore when a placement starts (``u_drop[c]``, ``u_armed[c]``).
    Otherwise (dropout or the horizon comes first) ``usual[c]`` is -1 and the rest stays.
    """
    usual[c] = -1
    i = bisect_left(u_at[c], now)
    if i < u_at.shape[1] and u_at[c, i] < until:
        wait = u_at[c, i] - now
        if wait < left[c]:
            usual[c] = i
            u_drop[c] = left[c]
            u_armed[c] = now
            left[c] = wait


@numba.njit(cache=True, nogil=True)
def _run(  # one state machine, kept in one piece to mirror Programme.citizen
    ints: NDArray[np.int64],
    floats: NDArray[np.float64],
    arrival: NDArray[np.float64],
    c_sector: NDArray[np.int64],
    readiness: NDArray[np.float64],
    assessment: NDArray[np.float64],
    preparation: NDArray[np.float64],
    placement: NDArray[np.float64],
    outcome_u: NDArray[np.float64],
    ordinary_job: NDArray[np.float64],
    reduced_job: NDArray[np.float64],
    growth_weeks: NDArray[np.float64],
    growth_u: NDArray[np.float64],
    relapse_u: NDArray[np.float64],
    after_u: NDArray[np.float64],
    dropout: NDArray[np.float64],
    join: NDArray[np.float64],
    leave_at: NDArray[np.float64],
    n_slots: NDArray[np.int64],
    willingness: NDArray[np.float64],
    k_sector: NDArray[np.int64],
    breaks: NDArray[np.float64],
    hire: NDArray[np.float64],
    job_loss: NDArray[np.float64],
    pause_start: NDArray[np.float64],
    pause_end: NDArray[np.float64],
    dropout_factor: NDArray[np.float64],
    u_at: NDArray[np.float64],
    u_kind: NDArray[np.int64],
    u_end: NDArray[np.float64],
) -> Any:
    max_attempts = ints[0]
    mentor_required = ints[1] != 0
    match_sector = ints[2] != 0
    merge = ints[3] != 0
    has_cases = ints[4] != 0
    has_mentors = ints[5] != 0
    has_hire = ints[6] != 0
    has_job_loss = ints[7] != 0
    has_dropout_factor = ints[8] != 0
    has_usual = ints[9] != 0
    p_ord, p_red, p_flex, p_edu, p_total = floats[0], floats[1], floats[2], floats[3], floats[4]
    mentor_mult, back_to_prep, red_to_ord, relapse = floats[5], floats[6], floats[7], floats[8]
    case_cap, mentor_cap, until = floats[9], floats[10], floats[11]
    inf = np.inf

    n = arrival.shape[0]
    m = join.shape[0]
    # A company leaves at join + (leave - join), as the SimPy model computes it.
    leaves = join + (leave_at - join)

    # Sector index of queues: 0 for everyone without sector matching, else sector + 1.
    n_sec = 1
    if match_sector:
        for i in range(n):
            if c_sector[i] + 2 > n_sec:
                n_sec = c_sector[i] + 2
        for j in range(m):
            if k_sector[j] + 2 > n_sec:
                n_sec = k_sector[j] + 2
    # Queues: 0 cases, 1 mentors, 2 + s waiting for a slot, 2 + n_sec + s free slots.
    n_q = 2 + 2 * n_sec
    qhead = np.full(n_q, -1, dtype=np.int64)
    qtail = np.full(n_q, -1, dtype=np.int64)
    qlive = np.zeros(n_q, dtype=np.int64)  # live waiters (lazy entries not counted)
    total_slots = 0
    for j in range(m):
        total_slots += n_slots[j]
    n_nodes = n + total_slots + 2
    nval = np.empty(n_nodes, dtype=np.int64)
    nnext = np.empty(n_nodes, dtype=np.int64)
    for i in range(n_nodes - 1):
        nnext[i] = i + 1
    nnext[n_nodes - 1] = -1
    free_node = np.zeros(1, dtype=np.int64)
    slot_waiters = 0  # live citizens waiting for a slot, all sectors

    # Event heap, sized from a bound: per citizen one pending step (or a wait's three
    # events) plus the losing race timeouts of earlier waits (at most 3 per episode).
    per_citizen = 3 * (max_attempts + 1) + 4
    h_cap = n * per_citizen + m + 4
    ht = np.empty(h_cap, dtype=np.float64)
    he = np.empty(h_cap, dtype=np.int64)
    hp = np.empty(h_cap, dtype=np.int64)
    hn = 0
    eid = 0

    # Log, sized from a bound: per episode at most 6 rows of its own, per attempt (and a
    # last preparation) at most 4.
    l_cap = n * 10 * (max_attempts + 1) + 4
    n_points = u_at.shape[1]
    if has_usual:  # business-as-usual exits and their job ends
        l_cap += n * 2 * n_points
    lw = np.empty(l_cap, dtype=np.float64)
    li = np.empty((l_cap, 5), dtype=np.int64)  # citizen, state, attempt, company, mentored
    nl = 0

    first_hosted = np.full(m, inf)

    # Citizens' generator state.
    pc = np.zeros(n, dtype=np.int64)
    episode = np.zeros(n, dtype=np.int64)
    attempt = np.zeros(n, dtype=np.int64)
    prep_i = np.zeros(n, dtype=np.int64)
    left = np.zeros(n, dtype=np.float64)
    alive = np.zeros(n, dtype=np.bool_)  # left is not None
    has_case = np.zeros(n, dtype=np.bool_)
    to_prep = np.zeros(n, dtype=np.bool_)
    outcome = np.zeros(n, dtype=np.int64)
    company = np.zeros(n, dtype=np.int64)
    mentored = np.zeros(n, dtype=np.bool_)
    held = np.zeros(n, dtype=np.float64)  # the preparation of a merged timeout; a job spell
    # Business as usual (Programme._arm, Programme._outside).
    usual = np.full(n, -1, dtype=np.int64)  # the armed candidate exit, or -1
    u_drop = np.zeros(n, dtype=np.float64)  # time left to dropout when armed
    u_armed = np.zeros(n, dtype=np.float64)  # week armed
    out_i = np.full(n, -1, dtype=np.int64)
    out_since = np.zeros(n, dtype=np.float64)
    # Waits.
    serial = np.zeros(n, dtype=np.int64)
    w_start = np.zeros(n, dtype=np.float64)
    w_bare = np.zeros(n, dtype=np.bool_)
    w_pending = np.zeros(n, dtype=np.bool_)  # the condition has not been triggered yet
    w_granted = np.zeros(n, dtype=np.bool_)
    w_value = np.zeros(n, dtype=np.int64)
    w_queue = np.full(n, -1, dtype=np.int64)  # queue the citizen is live in, or -1

    cases_in_use = 0
    mentors_in_use = 0

    # Joins and referrals scheduled at week 0 in time order (all but the rare exception)
    # wait in a sorted run beside the heap, which then holds only the events scheduled since:
    # the next event is the least ``(week, id)`` of the two, as if all were in the heap.
    rt = np.empty(n + m, dtype=np.float64)
    re_ = np.empty(n + m, dtype=np.int64)
    rp = np.empty(n + m, dtype=np.int64)
    nr = 0

    # -- run(): joins and referrals, scheduled at week 0 ------------------------------------
    now = 0.0
    for i in range(pause_end.shape[0]):  # pauses of placement starts end (timeouts first)
        if 0 < pause_end[i] < until:
            hn = _heap_push(ht, he, hp, hn, 0.0 + pause_end[i], eid, i * 8 + _K_UNPAUSE)
            eid += 1
    for j in range(m):  # on board throughout: join at once
        if join[j] <= 0 and leave_at[j] > until:
            sidx = k_sector[j] + 1 if match_sector else 0
            hn, eid, slot_waiters = _offer(
                j, n_slots[j], 2 + n_sec + sidx, 2 + sidx, slot_waiters, now, _paused(pause_start, pause_end, now),
                qhead, qtail, nval, nnext, free_node, qlive, w_queue, w_granted, w_value,
                serial, ht, he, hp, hn, eid,
            )  # fmt: skip
    for j in range(m):
        if join[j] <= 0 and leave_at[j] > until:
            continue
        if join[j] <= 0:  # from week 0, after those on board throughout
            sidx = k_sector[j] + 1 if match_sector else 0
            hn, eid, slot_waiters = _offer(
                j, n_slots[j], 2 + n_sec + sidx, 2 + sidx, slot_waiters, now, _paused(pause_start, pause_end, now),
                qhead, qtail, nval, nnext, free_node, qlive, w_queue, w_granted, w_value,
                serial, ht, he, hp, hn, eid,
            )  # fmt: skip
        elif join[j] < until:
            nr, hn = _schedule(rt, re_, rp, nr, ht, he, hp, hn, 0.0 + join[j], eid, j * 8 + _K_JOIN)
            eid += 1
    for i in range(n):
        nr, hn = _schedule(
            rt, re_, rp, nr, ht, he, hp, hn, 0.0 + arrival[i], eid, i * 8 + _K_RESUME
        )
        eid += 1
    eid += 1  # env.run(until): its stop event (URGENT, at until: nothing at until runs)

    ri = 0  # the next event of the sorted run
    while hn > 0 or ri < nr:
        from_run = ri < nr and (hn == 0 or _before(rt[ri], re_[ri], ht[0], he[0]))
        now = rt[ri] if from_run else ht[0]
        if now >= until:
            break
        if from_run:
            payload = rp[ri]
            ri += 1
        else:
            payload = hp[0]
            hn = _heap_pop(ht, he, hp, hn)
        kind = payload & 7
        x = payload >> 3
        if kind == _K_JOIN:  # a company joins (a timeout callback)
            sidx = k_sector[x] + 1 if match_sector else 0
            hn, eid, slot_waiters = _offer(
                x, n_slots[x], 2 + n_sec + sidx, 2 + sidx, slot_waiters, now,
                _paused(pause_start, pause_end, now),
                qhead, qtail, nval, nnext, free_node, qlive, w_queue, w_granted, w_value,
                serial, ht, he, hp, hn, eid,
            )  # fmt: skip
            continue
        if kind == _K_UNPAUSE:  # SlotPool.resume: free slots to waiters, sector by sector
            for sidx in range(n_sec):
                wq, fq = 2 + sidx, 2 + n_sec + sidx
                while qhead[fq] >= 0 and qlive[wq] > 0:
                    j = _q_pop(qhead, qtail, nval, nnext, free_node, fq)
                    if now < leaves[j]:  # else the company has left: its slot goes with it
                        w = _first_live(qhead, qtail, nval, nnext, free_node, qlive, w_queue, wq)
                        slot_waiters -= 1
                        w_granted[w] = True
                        w_value[w] = j
                        hn = _heap_push(
                            ht, he, hp, hn, now, eid, (w * _SERIALS + serial[w]) * 8 + _K_GRANT
                        )
                        eid += 1
            continue
        if kind == _K_RESUME:
            c = x
        else:
            c = x // _SERIALS
            sr = x % _SERIALS
            if kind == _K_TIMEOUT or (kind == _K_GRANT and not w_bare[c]):
                # Condition._check: the first of the two triggers the condition; the
                # other is a no-op when it comes.
                if sr == serial[c] and w_pending[c]:
                    w_pending[c] = False
                    hn = _heap_push(ht, he, hp, hn, now, eid, (c * _SERIALS + sr) * 8 + _K_COND)
                    eid += 1
                continue
            if kind == _K_COND:  # the condition: Programme._wait carries on
                if w_granted[c]:
                    left[c] = left[c] - (now - w_start[c])
                else:  # dropout came first: withdraw the request
                    q = w_queue[c]
                    w_queue[c] = -1
                    qlive[q] -= 1
                    if q >= 2:
                        slot_waiters -= 1
                    alive[c] = False
            # else a grant without a dropout race: it resumes the citizen itself

        # -- the citizen's generator, from its resume point to its next yield -------------
        wait_on = -1  # queue the citizen waits on when it yields a wait, else -1
        while True:
            p = pc[c]
            if p == _P_EPISODE:
                left[c] = dropout[c, episode[c]]
                if has_dropout_factor:  # Programme.citizen: the dropout factor from now on
                    left[c] = advance(breaks, dropout_factor, now, left[c]) - now
                alive[c] = True
                nl = _log(lw, li, nl, now, c, REFERRED, attempt[c], -1, False)
                if has_usual:  # Programme._arm
                    _arm(u_at, c, now, until, left, usual, u_drop, u_armed)
                pc[c] = _P_AFTER_CASE
                if has_cases:
                    if cases_in_use < case_cap and qlive[0] == 0:
                        cases_in_use += 1
                    else:  # wait for a case (the same wait code for each pool)
                        wait_on = 0  # Programme._wait (after this loop)
                        break
            elif p == _P_AFTER_CASE:
                has_case[c] = has_cases and alive[c]
                to_prep[c] = True
                outcome[c] = DROPOUT
                pc[c] = _P_LOOP
                if alive[c]:
                    nl = _log(lw, li, nl, now, c, INTAKE, attempt[c], -1, False)
                    duration = assessment[c, episode[c]]
                    lf = left[c]
                    if lf < duration:
                        hn = _heap_push(ht, he, hp, hn, now + lf, eid, c * 8 + _K_RESUME)
                        eid += 1
                        pc[c] = _P_R2A
                        break
                    lf -= duration
                    left[c] = lf
                    prep_at = now + duration
                    prep = preparation[c, prep_i[c]]
                    end = prep_at + (lf if lf < prep else prep)
                    if merge and prep_at < until and now + (end - now) == end:
                        nl = _log(lw, li, nl, prep_at, c, PREPARATION, attempt[c], -1, False)
                        hn = _heap_push(ht, he, hp, hn, now + (end - now), eid, c * 8 + _K_RESUME)
                        eid += 1
                        held[c] = prep
                        pc[c] = _P_R2B
                        break
                    hn = _heap_push(ht, he, hp, hn, now + duration, eid, c * 8 + _K_RESUME)
                    eid += 1
                    pc[c] = _P_R2C
                    break
            elif p == _P_R2A:
                alive[c] = False
                pc[c] = _P_LOOP
            elif p == _P_R2B:
                prep = held[c]
                if left[c] < prep:
                    alive[c] = False
                else:
                    left[c] -= prep
                    prep_i[c] += 1
                to_prep[c] = False
                pc[c] = _P_LOOP
            elif p == _P_R2C:
                pc[c] = _P_LOOP
            elif p == _P_LOOP:  # while left is not None
                if not alive[c]:
                    pc[c] = _P_END
                elif to_prep[c]:
                    nl = _log(lw, li, nl, now, c, PREPARATION, attempt[c], -1, False)
                    duration = preparation[c, prep_i[c]]
                    if left[c] < duration:
                        hn = _heap_push(ht, he, hp, hn, now + left[c], eid, c * 8 + _K_RESUME)
                        eid += 1
                        pc[c] = _P_R3A
                        break
                    hn = _heap_push(ht, he, hp, hn, now + duration, eid, c * 8 + _K_RESUME)
                    eid += 1
                    pc[c] = _P_R3B
                    break
                else:
                    pc[c] = _P_WAITING
            elif p == _P_R3A:
                pc[c] = _P_END  # dropout in preparation (left stays set, outcome dropout)
            elif p == _P_R3B:
                left[c] -= preparation[c, prep_i[c]]
                prep_i[c] += 1
                pc[c] = _P_WAITING
            elif p == _P_WAITING:
                nl = _log(lw, li, nl, now, c, WAITING, attempt[c], -1, False)
                # SlotPool.take: the first free slot (of the citizen's sector) whose
                # company is still on board; without sectors only if nobody is waiting.
                got = -1
                sidx = c_sector[c] + 1 if match_sector else 0
                fq = 2 + n_sec + sidx
                free = (match_sector or slot_waiters == 0) and not _paused(
                    pause_start, pause_end, now
                )
                while free and qhead[fq] >= 0:
                    j = _q_pop(qhead, qtail, nval, nnext, free_node, fq)
                    if now < leaves[j]:
                        got = j
                        break
                if got >= 0:
                    company[c] = got
                    pc[c] = _P_MENTOR
                else:
                    wq = 2 + sidx
                    wait_on = wq  # Programme._wait (after this loop)
                    slot_waiters += 1
                    pc[c] = _P_AFTER_SLOT
                    break
            elif p == _P_AFTER_SLOT:
                if not alive[c]:
                    attempt[c] += 1
                    pc[c] = _P_END
                else:
                    company[c] = w_value[c]
                    pc[c] = _P_MENTOR
            elif p == _P_MENTOR:
                if has_mentors and mentors_in_use < mentor_cap and qlive[1] == 0:
                    mentors_in_use += 1
                    mentored[c] = True
                    pc[c] = _P_PLACEMENT
                elif mentor_required:  # Programme._wait_mentor (holding the slot)
                    nl = _log(lw, li, nl, now, c, MENTOR_WAIT, attempt[c], company[c], False)
                    wait_on = 1  # Programme._wait (after this loop)
                    pc[c] = _P_AFTER_MENTOR
                    break
                else:
                    mentored[c] = False
                    pc[c] = _P_PLACEMENT
            elif p == _P_AFTER_MENTOR:
                mentored[c] = alive[c]
                pc[c] = _P_PLACEMENT
            elif p == _P_PLACEMENT:
                if alive[c]:
                    j = company[c]
                    if usual[c] >= 0:  # no business-as-usual exit during a placement
                        left[c] = u_drop[c] - (now - u_armed[c])
                        usual[c] = -1
                    nl = _log(lw, li, nl, now, c, PLACEMENT, attempt[c], j, mentored[c])
                    if now < first_hosted[j]:
                        first_hosted[j] = now
                    duration = placement[c, attempt[c]]
                    if left[c] < duration:
                        hn = _heap_push(ht, he, hp, hn, now + left[c], eid, c * 8 + _K_RESUME)
                        pc[c] = _P_R6A
                    else:
                        hn = _heap_push(ht, he, hp, hn, now + duration, eid, c * 8 + _K_RESUME)
                        pc[c] = _P_R6B
                    eid += 1
                    break
                pc[c] = _P_AFTER_PLACEMENT
            elif p in (_P_R6A, _P_R6B):
                if p == _P_R6A:
                    alive[c] = False
                else:
                    left[c] -= placement[c, attempt[c]]
                if mentored[c]:  # Capacity.release of the mentor
                    w = -1  # nobody waits (the test saves a call)
                    if qlive[1] > 0:
                        w = _first_live(qhead, qtail, nval, nnext, free_node, qlive, w_queue, 1)
                    if w < 0:
                        mentors_in_use -= 1
                    else:
                        w_granted[w] = True
                        w_value[w] = -1
                        hn = _heap_push(
                            ht, he, hp, hn, now, eid, (w * _SERIALS + serial[w]) * 8 + _K_GRANT
                        )
                        eid += 1
                pc[c] = _P_AFTER_PLACEMENT
            elif p == _P_AFTER_PLACEMENT:
                j = company[c]
                if now < leaves[j]:  # SlotPool.give: lost if the company has left
                    sidx = k_sector[j] + 1 if match_sector else 0
                    # _offer of this one slot, written out (no call, as for a join): to
                    # the longest-waiting citizen of its sector, else free (while paused, free).
                    w = -1
                    if slot_waiters > 0 and not _paused(pause_start, pause_end, now):
                        w = _first_live(
                            qhead, qtail, nval, nnext, free_node, qlive, w_queue, 2 + sidx
                        )
                    if w < 0:
                        _q_push(qhead, qtail, nval, nnext, free_node, 2 + n_sec + sidx, j)
                    else:
                        slot_waiters -= 1
                        w_granted[w] = True
                        w_value[w] = j
                        hn = _heap_push(
                            ht, he, hp, hn, now, eid, (w * _SERIALS + serial[w]) * 8 + _K_GRANT
                        )
                        eid += 1
                if not alive[c]:
                    attempt[c] += 1
                    pc[c] = _P_END
                    continue
                # Programme._hire_outcome, the same float operations in the same order.
                a = attempt[c]
                po, pr, pf, pe, pt = p_ord, p_red, p_flex, p_edu, p_total
                if has_hire:  # the conditions in force as the placement ends
                    row = bisect_right(breaks, now)
                    po, pr = p_ord * hire[row, 0], p_red * hire[row, 1]
                    pf, pe = p_flex * hire[row, 2], p_edu * hire[row, 3]
                    pt = po + pr + pf + pe
                mult = readiness[c] * willingness[j] * (mentor_mult if mentored[c] else 1.0)
                total = pt * mult
                scale = mult / total if total > 1.0 else mult
                u = outcome_u[c, a]
                hired = -1
                acc = po * scale
                if u < acc:
                    hired = ORDINARY
                else:
                    acc += pr * scale
                    if u < acc:
                        hired = REDUCED
                    else:
                        acc += pf * scale
                        if u < acc:
                            hired = FLEXJOB
                        else:
                            acc += pe * scale
                            if u < acc:
                                hired = EDUCATION
                a += 1
                attempt[c] = a
                if hired >= 0:
                    outcome[c] = hired
                    pc[c] = _P_END
                elif a >= max_attempts:
                    outcome[c] = LEFT
                    pc[c] = _P_END
                else:
                    to_prep[c] = after_u[c, a] < back_to_prep
                    if has_usual:  # Programme._arm
                        _arm(u_at, c, now, until, left, usual, u_drop, u_armed)
                    pc[c] = _P_LOOP
            elif p == _P_END:
                if has_case[c]:  # Capacity.release of the case
                    w = -1  # nobody waits (the test saves a call)
                    if qlive[0] > 0:
                        w = _first_live(qhead, qtail, nval, nnext, free_node, qlive, w_queue, 0)
                    if w < 0:
                        cases_in_use -= 1
                    else:
                        w_granted[w] = True
                        w_value[w] = -1
                        hn = _heap_push(
                            ht, he, hp, hn, now, eid, (w * _SERIALS + serial[w]) * 8 + _K_GRANT
                        )
                        eid += 1
                oc = outcome[c]
                if oc == DROPOUT and usual[c] >= 0:  # the business-as-usual exit came first
                    out_i[c] = usual[c]
                    usual[c] = -1
                    pc[c] = _P_OUT_AT
                    continue
                nl = _log(lw, li, nl, now, c, oc, attempt[c], -1, False)
                if oc != ORDINARY and oc != REDUCED:
                    if oc == DROPOUT or oc == LEFT:  # noqa: SIM109 - on benefit, outside the programme
                        out_since[c] = now
                        pc[c] = _P_OUT
                        continue
                    pc[c] = _P_DONE
                    break
                # A paid job spell; a small job may grow to ordinary hours first.
                ep = episode[c]
                spell = ordinary_job[c, ep] if oc == ORDINARY else reduced_job[c, ep]
                if has_job_loss:  # the spell ends when the job-loss factor integrates to it
                    spell = advance(breaks, job_loss, now, spell) - now
                held[c] = spell
                pc[c] = _P_SPELL
                if oc == REDUCED and growth_u[c, ep] < red_to_ord:
                    grow = growth_weeks[c, ep]
                    if grow < spell:
                        hn = _heap_push(ht, he, hp, hn, now + grow, eid, c * 8 + _K_RESUME)
                        eid += 1
                        pc[c] = _P_R7
                        break
            elif p == _P_R7:
                nl = _log(lw, li, nl, now, c, ORDINARY, -1, -1, False)
                held[c] -= growth_weeks[c, episode[c]]
                pc[c] = _P_SPELL
            elif p == _P_SPELL:
                hn = _heap_push(ht, he, hp, hn, now + held[c], eid, c * 8 + _K_RESUME)
                eid += 1
                pc[c] = _P_R8
                break
            elif p == _P_R8:
                back = relapse_u[c, episode[c]] < relapse
                if not back or attempt[c] >= max_attempts:
                    nl = _log(lw, li, nl, now, c, LEFT, attempt[c], -1, False)
                    out_since[c] = now
                    pc[c] = _P_OUT
                    continue
                episode[c] += 1
                if episode[c] > max_attempts:  # for episode in range(max_attempts + 1) ends
                    pc[c] = _P_DONE
                    break
                pc[c] = _P_EPISODE
            elif p == _P_OUT:  # Programme._outside: the next candidate exit
                if not has_usual:
                    pc[c] = _P_DONE
                    break
                i = bisect_left(u_at[c], out_since[c])
                if i >= n_points or u_at[c, i] >= until:
                    pc[c] = _P_DONE
                    break
                out_i[c] = i
                hn = _heap_push(ht, he, hp, hn, now + (u_at[c, i] - now), eid, c * 8 + _K_RESUME)
                eid += 1
                pc[c] = _P_OUT_AT
                break
            elif p == _P_OUT_AT:  # off benefit, at the exit's own week
                i = out_i[c]
                nl = _log(lw, li, nl, u_at[c, i], c, u_kind[c, i], attempt[c], USUAL, False)
                end = u_end[c, i]
                if u_kind[c, i] != ORDINARY or end >= until:
                    pc[c] = _P_DONE
                    break
                d = end - now
                hn = _heap_push(
                    ht, he, hp, hn, now + (d if d >= 0.0 else 0.0), eid, c * 8 + _K_RESUME
                )
                eid += 1
                pc[c] = _P_OUT_END
                break
            elif p == _P_OUT_END:  # the job ends: on benefit again, exposed from its end
                i = out_i[c]
                nl = _log(lw, li, nl, u_end[c, i], c, LEFT, attempt[c], USUAL, False)
                out_since[c] = u_end[c, i]
                pc[c] = _P_OUT
            else:  # _P_DONE: nothing resumes a finished citizen
                break
        if wait_on >= 0:
            # Programme._wait: the citizen queues on ``wait_on``, racing dropout if its time
            # left is finite.
            q = wait_on
            serial[c] += 1
            w_granted[c] = False
            w_queue[c] = q
            _q_push(qhead, qtail, nval, nnext, free_node, q, c)
            qlive[q] += 1
            w_bare[c] = left[c] == inf
            if not w_bare[c]:  # the race: a timeout of ``left`` weeks (its condition later)
                w_pending[c] = True
                w_start[c] = now
                hn = _heap_push(
                    ht, he, hp, hn, now + left[c], eid, (c * _SERIALS + serial[c]) * 8 + _K_TIMEOUT
                )
                eid += 1

    # The stop event is processed (StopSimulation) and scheduled once more by SimPy's step().
    eid += 1
    return lw[:nl], li[:nl], first_hosted, eid
