"""The SimPy model: citizens move through the pathway, competing for staff and slots.

One :class:`Programme` is one replication: a fresh :class:`simpy.Environment`, a
:class:`~.resources.Capacity` for caseworkers' cases and one for mentors (absent when not
limited), and a :class:`~.resources.SlotPool` of company slots. Every state change is
appended to ``log`` as a flat tuple ``(week, citizen, state, attempt, company, mentored)``
(``state`` as a plain int); nothing else is recorded during the run, and no I/O happens here.

Dropout is a competing risk with hazard ``rate / readiness`` that runs only while the
citizen is in an active state: the time to dropout is drawn once per referral and spent by
each active state; waits race against it.

The run schedules as few SimPy events as it can while giving exactly the results of one
SimPy process per citizen and per company (same weeks, same order at equal weeks):

* Each citizen is a generator (:meth:`Programme.citizen`) yielding SimPy events, driven by a
  :class:`_Resume` callback: what :class:`simpy.Process` does, minus its start and end
  events. The citizen's referral timeout, scheduled at week 0, starts it.
* Companies are not processes. A company that joins later joins in a timeout callback,
  scheduled at week 0 before the referrals (as a process's first timeout would be);
  leaving needs no event at all, the :class:`~.resources.SlotPool` checks the clock.
* The intake assessment and the preparation after it use no capacity, so they are one
  timeout, with the PREPARATION row logged ahead of time (the log is sorted by week, stably,
  when the replication's result is built). The end week is the same sum as two timeouts
  would give (the merge is skipped if the float arithmetic would differ). This is done only
  when both durations are continuous: then no other citizen's event falls in the same week,
  which would otherwise run, and be logged, in a different order.

Conditions over calendar time (:mod:`.timeline`) enter in four places: hiring
probabilities take the factors in force when a placement ends, the slot pool hands out no
slot during a pause of placement starts (a timeout at each pause's end, scheduled first,
gives the free slots to the citizens waiting), a job spell is stretched by the job-loss
factor from the hire on, and the time to dropout by the dropout factor from the referral on.
Whether a placement is hybrid (a few paid hours within it) changes no event: it is a draw
per placement (``CitizenDraws.hybrid``) that neither engine reads; the results look it up
by the placement row's attempt. The compiled engine does the same, in the same event order.

Per-citizen draws are kept as flat :class:`array.array` (citizen ``k``, column ``i`` at
``k * width + i``): indexing one is several times faster than indexing a numpy array, and
unlike a list it holds no Python float per draw (most draws are never used).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections.abc import Callable, Generator
from typing import Any, cast

import numpy as np
import simpy
from simpy import Timeout

from ..scenario import Scenario
from ..scenario.conditions import HIRING
from .draws import CitizenDraws, CompanyDraws
from .resources import Capacity, SlotPool
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

__all__ = ["LogRow", "Programme"]

LogRow = tuple[float, int, int, int, int, bool]
Process = Generator[simpy.Event, Any, Any]
_INF = math.inf
# States as plain ints (the log's type): numpy turns them into an array several times faster
# than enum members.


class _Resume:
    """Callback that resumes a generator with an event's value (a lean ``simpy.Process``).

    Registered on the event the generator yields; when SimPy processes that event, the
    generator runs on to its next yield at the same point in the event order as a process
    would. Unlike :class:`simpy.Process` it needs no start event (it is first called by
    the citizen's referral timeout) and schedules no end event (nobody waits for a citizen).
    """

    __slots__ = ("_send",)

    def __init__(self, generator: Process) -> None:
        self._send = generator.send

    def __call__(self, event: simpy.Event) -> None:
        send = self._send
        while True:
            try:
                event = send(event._value)
            except StopIteration:
                return
            callbacks = event.callbacks
            if callbacks is not None:  # not processed yet: wait for it
                callbacks.append(self)
                return


class Programme:
    """One replication of a programme, ready to run."""

    def __init__(self, s: Scenario, citizens: CitizenDraws, companies: CompanyDraws) -> None:
        self.env = env = simpy.Environment()
        self.log: list[LogRow] = []
        self.events = 0
        self.citizens, self.companies = citizens, companies
        st = s.staff
        self.cases = _capacity(env, st.caseworkers, st.caseload)
        self.mentors = _capacity(env, st.mentors, st.mentees_per_mentor)
        self.mentor_required = st.mentor_required
        sector_of = companies.sector.tolist() if s.companies.match_sector else None
        # A company leaves at ``join + (leave - join)``: when a process that joined and then
        # waited ``leave - join`` weeks would leave.
        join, leave = companies.join.tolist(), companies.leave.tolist()
        self.timeline = tl = timeline(s)
        self.slots = SlotPool(
            env,
            [a + (b - a) for a, b in zip(join, leave, strict=True)],
            sector_of,
            (tl.pause_start.tolist(), tl.pause_end.tolist()),
        )
        # Conditions over calendar time (see .timeline): hiring factors per segment, and
        # the job-loss factor that stretches job spells; None when they are all 1.
        self.breaks = tl.breaks.tolist()
        self.hire_factors = (
            [tuple(row) for row in tl.factors[:, [RATE_INDEX[r] for r in HIRING]].tolist()]
            if any(tl.varies(r) for r in HIRING)
            else None
        )
        self.job_loss = tl.column("job_loss") if tl.varies("job_loss") else None
        self.dropout_factor = tl.column("dropout") if tl.varies("dropout") else None
        self.first_hosted = [_INF] * companies.n
        p, e = s.placement, s.employment
        o = p.outcomes
        self.p_hire = (o.ordinary.value, o.reduced.value, o.flexjob.value, o.education.value)
        self.p_total = sum(self.p_hire)
        self.mentor_multiplier = p.mentor_multiplier.value
        self.max_attempts = p.max_attempts.value
        self.back_to_prep = p.back_to_preparation.value
        self.reduced_to_ordinary = e.reduced_to_ordinary.value
        self.relapse = e.relapse_to_programme.value
        # Merging intake and preparation into one timeout keeps every result only when
        # both durations are continuous (ties between citizens have probability zero).
        self.merge_intake = (
            s.intake.assessment_weeks.dist != "constant"
            and s.preparation.duration_weeks.dist != "constant"
        )
        self.until = _INF
        # Only the columns this scenario can use (attempts + 1) are copied.
        self.width = width = self.max_attempts + 1
        d = citizens.first_columns(width)
        self.c_sector, self.readiness = d.sector.tolist(), d.readiness.tolist()
        self.assessment, self.preparation = _flat(d.assessment), _flat(d.preparation)
        self.placement, self.outcome_u = _flat(d.placement), _flat(d.outcome_u)
        self.jobs = {ORDINARY: _flat(d.ordinary_job), REDUCED: _flat(d.reduced_job)}
        self.growth_weeks, self.growth_u = _flat(d.growth_weeks), _flat(d.growth_u)
        self.relapse_u, self.after_u = _flat(d.relapse_u), _flat(d.after_u)
        self.dropout = _flat(d.dropout)
        self.willingness = companies.willingness.tolist()

    def run(self, until: float) -> None:
        """Schedule every company join and referral, and simulate up to week ``until``.

        Both are timeouts scheduled at week 0, joins first, in the order the equivalent
        processes would have scheduled them, so that events at equal weeks run in that
        order. A company on board from week 0 joins at once (those on board throughout
        first). Leaving needs no event (see :class:`~.resources.SlotPool`).
        """
        env, c, slots = self.env, self.companies, self.slots
        self.until = until
        for end in self.timeline.pause_end.tolist():  # pauses of placement starts end
            if 0 < end < until:
                Timeout(env, end).callbacks.append(lambda _event: slots.resume())
        later: list[tuple[float, int, int]] = []
        for j, (join, leave, n) in enumerate(
            zip(c.join.tolist(), c.leave.tolist(), c.slots.tolist(), strict=True)
        ):
            if join <= 0 and leave > until:  # on board throughout
                slots.join(j, n)
            else:
                later.append((join, j, n))
        for join, j, n in later:
            if join <= 0:  # from week 0, after those on board throughout
                slots.join(j, n)
            elif join < until:
                Timeout(env, join).callbacks.append(_call(slots.join, j, n))
        for k, t in enumerate(self.citizens.arrival.tolist()):
            Timeout(env, t).callbacks.append(_Resume(self.citizen(k)))
        env.run(until=until)
        self.events = next(env._eid)  # events scheduled: SimPy's own counter

    # -- citizens --------------------------------------------------------------------------
    def citizen(self, k: int) -> Process:
        """Citizen ``k``'s whole pathway, from referral to a terminal state or the horizon.

        The generator is started by the referral timeout, so it begins at the referral.
        """
        env, log = self.env, self.log.append
        row = k * self.width  # citizen k's first column in the flat draw arrays
        cases, slots, mentors, sector = self.cases, self.slots, self.mentors, self.c_sector[k]
        merge, until = self.merge_intake, self.until
        attempt = prep_i = 0
        for episode in range(self.max_attempts + 1):
            drawn = self.dropout[row + episode]
            # Active from here to the episode's end: under dropout conditions the time to
            # dropout ends when the dropout factor, integrated from now, reaches the draw.
            if self.dropout_factor is not None:
                drawn = advance(self.timeline.breaks, self.dropout_factor, env.now, drawn) - env.now
            left: float | None = drawn
            log((env.now, k, REFERRED, attempt, -1, False))
            if cases is not None:
                request = cases.acquire()
                if request is not None:
                    left = yield from self._wait(cases, request, left)
            has_case = cases is not None and left is not None
            to_prep = True
            if left is not None:
                now = env.now
                log((now, k, INTAKE, attempt, -1, False))
                duration = self.assessment[row + episode]
                if left < duration:  # dropout first
                    yield Timeout(env, left)
                    left = None
                else:
                    left -= duration
                    # The preparation that follows uses no capacity: if possible, one timeout
                    # for both, with the PREPARATION row logged ahead (see the module notes).
                    prep_at = now + duration
                    prep = self.preparation[row + prep_i]
                    end = prep_at + (left if left < prep else prep)
                    if merge and prep_at < until and now + (end - now) == end:
                        log((prep_at, k, PREPARATION, attempt, -1, False))
                        yield Timeout(env, end - now)
                        if left < prep:
                            left = None
                        else:
                            left -= prep
                            prep_i += 1
                        to_prep = False
                    else:
                        yield Timeout(env, duration)
            outcome = DROPOUT
            while left is not None:
                if to_prep:
                    log((env.now, k, PREPARATION, attempt, -1, False))
                    duration = self.preparation[row + prep_i]
                    if left < duration:
                        yield Timeout(env, left)
                        break
                    yield Timeout(env, duration)
                    left -= duration
                    prep_i += 1
                # Placement: wait for a slot (and a mentor), then the placement itself.
                log((env.now, k, WAITING, attempt, -1, False))
                slot = slots.take(sector)
                if isinstance(slot, simpy.Event):
                    left = yield from self._wait(slots, slot, left)
                    if left is None:
                        attempt += 1
                        break
                    j = cast(int, slot._value)
                else:
                    j = slot
                # A free mentor, if there is one and nobody is queueing for one.
                mentored = (
                    mentors is not None
                    and mentors.in_use < mentors.capacity
                    and not mentors.waiting
                )
                if mentored:
                    mentors.in_use += 1  # type: ignore[union-attr]
                elif self.mentor_required:
                    mentored, left = yield from self._wait_mentor(k, attempt, j, left)
                if left is not None:
                    now = env.now
                    log((now, k, PLACEMENT, attempt, j, mentored))
                    if now < self.first_hosted[j]:
                        self.first_hosted[j] = now
                    duration = self.placement[row + attempt]
                    if left < duration:
                        yield Timeout(env, left)
                        left = None
                    else:
                        yield Timeout(env, duration)
                        left -= duration
                    if mentored:
                        mentors.release()  # type: ignore[union-attr]
                slots.give(j)
                if left is None:
                    attempt += 1
                    break
                hired = self._hire_outcome(k, row + attempt, j, mentored)
                attempt += 1
                if hired is not None:
                    outcome = hired
                    break
                if attempt >= self.max_attempts:
                    outcome = LEFT
                    break
                to_prep = self.after_u[row + attempt] < self.back_to_prep
            if has_case:
                cases.release()  # type: ignore[union-attr]
            log((env.now, k, outcome, attempt, -1, False))
            if outcome != ORDINARY and outcome != REDUCED:
                return
            # A paid job spell; a small job may grow to ordinary hours before it ends. Each
            # referral after the first follows a job, so ``episode`` counts the jobs.
            i = row + episode
            spell = self.jobs[outcome][i]
            # Under job-loss conditions the spell ends when the factor integrates to it.
            if self.job_loss is not None:
                start = env.now
                spell = advance(self.timeline.breaks, self.job_loss, start, spell) - start
            if outcome == REDUCED and self.growth_u[i] < self.reduced_to_ordinary:
                grow = self.growth_weeks[i]
                if grow < spell:
                    yield Timeout(env, grow)
                    log((env.now, k, ORDINARY, -1, -1, False))
                    spell -= grow
            yield Timeout(env, spell)
            back = self.relapse_u[i] < self.relapse
            if not back or attempt >= self.max_attempts:
                log((env.now, k, LEFT, attempt, -1, False))
                return

    def _wait_mentor(self, k: int, attempt: int, j: int, left: float) -> Process:
        """Wait for a mentor while holding the slot; ``(mentored, left)``."""
        assert self.mentors is not None
        self.log.append((self.env.now, k, MENTOR_WAIT, attempt, j, False))
        got = yield from self._wait(self.mentors, self.mentors.acquire(), left)
        return got is not None, got

    def _hire_outcome(self, k: int, i: int, j: int, mentored: bool) -> int | None:
        """How placement ``i`` (flat index) ends: a hiring state, or ``None`` for not hired.

        The four outcome probabilities, times the conditions' factors at this week, scaled
        by readiness, willingness and mentoring (and scaled down together if they would
        exceed one), split [0, 1) in the order ordinary,
        reduced, flexjob, education; the placement's uniform draw picks one or none.
        """
        ordinary, reduced, flexjob, education = self.p_hire
        p_total = self.p_total
        if self.hire_factors is not None:  # the conditions in force as the placement ends
            f = self.hire_factors[bisect_right(self.breaks, self.env.now)]
            ordinary, reduced = ordinary * f[0], reduced * f[1]
            flexjob, education = flexjob * f[2], education * f[3]
            p_total = ordinary + reduced + flexjob + education
        m = self.readiness[k] * self.willingness[j] * (self.mentor_multiplier if mentored else 1.0)
        total = p_total * m
        scale = m / total if total > 1.0 else m
        u = self.outcome_u[i]
        acc = ordinary * scale
        if u < acc:
            return ORDINARY
        acc += reduced * scale
        if u < acc:
            return REDUCED
        acc += flexjob * scale
        if u < acc:
            return FLEXJOB
        acc += education * scale
        if u < acc:
            return EDUCATION
        return None

    # -- time ------------------------------------------------------------------------------
    def _wait(
        self, pool: Capacity | SlotPool, event: simpy.Event | None, left: float | None
    ) -> Process:
        """Wait for ``event`` from ``pool``; ``None`` (request withdrawn) on dropout first."""
        if event is None or left is None:
            return left
        if left == _INF:
            yield event
            return left
        start = self.env.now
        yield event | Timeout(self.env, left)
        if event.triggered:
            return left - (self.env.now - start)
        pool.withdraw(event)
        return None


def _call(fn: Callable[..., None], *args: int) -> Callable[[simpy.Event], None]:
    """An event callback that calls ``fn(*args)``."""
    return lambda _event: fn(*args)


def _flat(a: Any) -> array[float]:
    """A 2-d float array as one flat :class:`array.array`, row after row."""
    return array("d", np.ascontiguousarray(a, dtype=np.float64).tobytes())


def _capacity(env: simpy.Environment, count: Any, per: Any) -> Capacity | None:
    """Capacity of ``count * per`` units (staff times cases each); ``None`` when unlimited."""
    return None if count is None else Capacity(env, count.value * per.value)
