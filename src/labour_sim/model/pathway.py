"""The SimPy model: citizens move through the pathway, competing for staff and slots.

One :class:`Programme` is one replication: a fresh :class:`simpy.Environment`, a
:class:`~.resources.Capacity` for caseworkers' cases and one for mentors (absent when not
limited), and a :class:`~.resources.SlotPool` of company slots. Each citizen is one process
(:meth:`Programme.citizen`); each company that joins after the start or leaves before the
horizon is one process (:meth:`Programme.company`). Every state change is appended to
``log`` as a flat tuple ``(week, citizen, state, attempt, company, mentored)``; nothing else
is recorded during the run, and no I/O happens here.

Dropout is a competing risk with hazard ``rate / readiness`` that runs only while the
citizen is in an active state: the time to dropout is drawn once per referral and spent by
each active state; waits race against it.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any, cast

import simpy

from ..scenario import Scenario
from .draws import CitizenDraws, CompanyDraws
from .resources import Capacity, SlotPool
from .states import State

__all__ = ["LogRow", "Programme"]

LogRow = tuple[float, int, int, int, int, bool]
Process = Generator[simpy.Event, Any, Any]
_INF = math.inf
_HIRES = (State.ORDINARY, State.REDUCED, State.FLEXJOB, State.EDUCATION)


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
        self.slots = SlotPool(env, sector_of)
        self.first_hosted = [_INF] * companies.n
        p, e = s.placement, s.employment
        o = p.outcomes
        self.p_hire = (o.ordinary.value, o.reduced.value, o.flexjob.value, o.education.value)
        self.mentor_multiplier = p.mentor_multiplier.value
        self.max_attempts = p.max_attempts.value
        self.back_to_prep = p.back_to_preparation.value
        self.reduced_to_ordinary = e.reduced_to_ordinary.value
        self.relapse = e.relapse_to_programme.value
        # Plain lists: indexing them is several times faster than indexing numpy arrays.
        # Only the columns this scenario can use (attempts + 1) are converted.
        d = citizens.first_columns(self.max_attempts + 1)
        self.c_sector, self.readiness = d.sector.tolist(), d.readiness.tolist()
        self.assessment, self.preparation = d.assessment.tolist(), d.preparation.tolist()
        self.placement, self.outcome_u = d.placement.tolist(), d.outcome_u.tolist()
        self.jobs = {State.ORDINARY: d.ordinary_job.tolist(), State.REDUCED: d.reduced_job.tolist()}
        self.growth_weeks, self.growth_u = d.growth_weeks.tolist(), d.growth_u.tolist()
        self.relapse_u, self.after_u = d.relapse_u.tolist(), d.after_u.tolist()
        self.dropout = d.dropout.tolist()
        self.willingness = companies.willingness.tolist()

    def run(self, until: float) -> None:
        """Start every process and simulate up to week ``until``."""
        env, c = self.env, self.companies
        for j, (join, leave, slots) in enumerate(
            zip(c.join.tolist(), c.leave.tolist(), c.slots.tolist(), strict=True)
        ):
            if join <= 0 and leave > until:  # on board throughout: no process needed
                self.slots.join(j, slots)
            else:
                env.process(self.company(j, join, leave, slots))
        for k, t in enumerate(self.citizens.arrival.tolist()):
            env.process(self.citizen(k, t))
        env.run(until=until)
        self.events = next(env._eid)  # events scheduled: SimPy's own counter

    # -- companies -------------------------------------------------------------------------
    def company(self, j: int, join: float, leave: float, slots: int) -> Process:
        """A company joins at ``join``, offers its slots, and leaves at ``leave``."""
        yield self.env.timeout(join)
        self.slots.join(j, slots)
        if leave < _INF:
            yield self.env.timeout(leave - join)
            self.slots.leave(j)

    # -- citizens --------------------------------------------------------------------------
    def citizen(self, k: int, arrival: float) -> Process:
        """Citizen ``k``'s whole pathway, from referral to a terminal state or the horizon."""
        env, log = self.env, self.log.append
        yield env.timeout(arrival)
        attempt = prep_i = 0
        for episode in range(self.max_attempts + 1):
            left: float | None = self.dropout[k][episode]
            log((env.now, k, State.REFERRED, attempt, -1, False))
            if self.cases is not None:
                request = self.cases.acquire()
                if request is not None:
                    left = yield from self._wait(self.cases, request, left)
            has_case = self.cases is not None and left is not None
            if left is not None:
                log((env.now, k, State.INTAKE, attempt, -1, False))
                wait, left = self._clock(self.assessment[k][episode], left)
                yield wait
            outcome = State.DROPOUT
            to_prep = True
            while left is not None:
                if to_prep:
                    log((env.now, k, State.PREPARATION, attempt, -1, False))
                    wait, left = self._clock(self.preparation[k][prep_i], left)
                    yield wait
                    prep_i += 1
                    if left is None:
                        break
                hired, left = yield from self._placement(k, attempt, left)
                attempt += 1
                if hired is not None or left is None:
                    outcome = hired or State.DROPOUT
                    break
                if attempt >= self.max_attempts:
                    outcome = State.LEFT
                    break
                to_prep = self.after_u[k][attempt] < self.back_to_prep
            if has_case:
                self.cases.release()  # type: ignore[union-attr]
            log((env.now, k, outcome, attempt, -1, False))
            if outcome not in (State.ORDINARY, State.REDUCED):
                return
            # Each referral after the first follows a job, so ``episode`` counts the jobs.
            yield from self._job(k, episode, outcome)
            back = self.relapse_u[k][episode] < self.relapse
            if not back or attempt >= self.max_attempts:
                log((env.now, k, State.LEFT, attempt, -1, False))
                return

    def _placement(self, k: int, attempt: int, left: float | None) -> Process:
        """Wait for a slot (and a mentor) and do the placement; return ``(hired, left)``.

        ``hired`` is the hiring state or ``None``; ``left`` is ``None`` after a dropout.
        """
        env, log = self.env, self.log.append
        log((env.now, k, State.WAITING, attempt, -1, False))
        slot = self.slots.take(self.c_sector[k])
        if isinstance(slot, simpy.Event):
            left = yield from self._wait(self.slots, slot, left)
            if left is None:
                return None, None
        j = cast(int, slot.value) if isinstance(slot, simpy.Event) else slot
        mentored = self._mentor_now()
        if not mentored and self.mentor_required:
            mentored, left = yield from self._wait_mentor(k, attempt, j, left)
        if left is not None:
            log((env.now, k, State.PLACEMENT, attempt, j, mentored))
            if env.now < self.first_hosted[j]:
                self.first_hosted[j] = env.now
            wait, left = self._clock(self.placement[k][attempt], left)
            yield wait
            if mentored:
                self.mentors.release()  # type: ignore[union-attr]
        self.slots.give(j)
        if left is None:
            return None, None
        return self._hire_outcome(k, attempt, j, mentored), left

    def _mentor_now(self) -> bool:
        """Take a free mentor, if there is one and nobody is queueing for one."""
        mentors = self.mentors
        if mentors is None or mentors.in_use >= mentors.capacity or mentors.queue:
            return False
        mentors.in_use += 1
        return True

    def _wait_mentor(self, k: int, attempt: int, j: int, left: float | None) -> Process:
        """Wait for a mentor while holding the slot; ``(mentored, left)``."""
        assert self.mentors is not None
        self.log.append((self.env.now, k, State.MENTOR_WAIT, attempt, j, False))
        got = yield from self._wait(self.mentors, self.mentors.acquire(), left)
        return got is not None, got

    def _hire_outcome(self, k: int, attempt: int, j: int, mentored: bool) -> State | None:
        """How the placement ends: a hiring state, or ``None`` for not hired."""
        m = self.readiness[k] * self.willingness[j] * (self.mentor_multiplier if mentored else 1.0)
        total = sum(self.p_hire) * m
        scale = m / total if total > 1.0 else m
        u, acc = self.outcome_u[k][attempt], 0.0
        for state, p in zip(_HIRES, self.p_hire, strict=True):
            acc += p * scale
            if u < acc:
                return state
        return None

    def _job(self, k: int, hire_i: int, state: State) -> Process:
        """A paid job spell; a small job may grow to ordinary hours before it ends."""
        env = self.env
        spell = self.jobs[state][k][hire_i]
        if state == State.REDUCED and self.growth_u[k][hire_i] < self.reduced_to_ordinary:
            grow = self.growth_weeks[k][hire_i]
            if grow < spell:
                yield env.timeout(grow)
                self.log.append((env.now, k, State.ORDINARY, -1, -1, False))
                spell -= grow
        yield env.timeout(spell)

    # -- time ------------------------------------------------------------------------------
    def _clock(self, duration: float, left: float) -> tuple[simpy.Event, float | None]:
        """Timeout for ``duration`` weeks in an active state, and the dropout time left.

        If dropout comes first the timeout is for the time left and ``None`` is returned.
        """
        if left < duration:
            return self.env.timeout(left), None
        return self.env.timeout(duration), left - duration

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
        yield event | self.env.timeout(left)
        if event.triggered:
            return left - (self.env.now - start)
        pool.withdraw(event)
        return None


def _capacity(env: simpy.Environment, count: Any, per: Any) -> Capacity | None:
    """Capacity of ``count * per`` units (staff times cases each); ``None`` when unlimited."""
    return None if count is None else Capacity(env, count.value * per.value)
