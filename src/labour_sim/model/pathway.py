"""The SimPy model: citizens move through the pathway, competing for staff and slots.

One :class:`Programme` is one replication: a fresh :class:`simpy.Environment`, a
:class:`~.resources.Capacity` for caseworkers' cases and one for mentors (absent when not
limited), and a :class:`~.resources.SlotPool` of company slots. Every state change is
appended to ``log`` as a flat tuple ``(week, citizen, state, attempt, company, mentored)``;
nothing else is recorded during the run, and no I/O happens here.

Each citizen is one generator (:meth:`Programme.citizen`) yielding SimPy events. It is
driven by a :class:`_Resume` callback, which does what :class:`simpy.Process` does minus
the start and end events: the generator starts on its referral timeout and simply stops
at its end. Companies are not processes: each join and each leave is a timeout with a
callback, scheduled at the start at the same week (and in the same order at equal weeks)
as a join-then-leave process would reach it.

Dropout is a competing risk with hazard ``rate / readiness`` that runs only while the
citizen is in an active state: the time to dropout is drawn once per referral and spent by
each active state; waits race against it.

Per-citizen draws are kept as flat lists (citizen ``k``, column ``i`` at ``k * width + i``):
indexing a list is several times faster than indexing a numpy array, and a flat list is one
object for the garbage collector rather than one per citizen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any, cast

import simpy
from simpy import Timeout

from ..scenario import Scenario
from .draws import CitizenDraws, CompanyDraws
from .resources import Capacity, SlotPool
from .states import State

__all__ = ["LogRow", "Programme"]

LogRow = tuple[float, int, int, int, int, bool]
Process = Generator[simpy.Event, Any, Any]
_INF = math.inf
_HIRES = (State.ORDINARY, State.REDUCED, State.FLEXJOB, State.EDUCATION)


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
        # Only the columns this scenario can use (attempts + 1) are converted, to flat lists.
        self.width = width = self.max_attempts + 1
        d = citizens.first_columns(width)
        self.c_sector, self.readiness = d.sector.tolist(), d.readiness.tolist()
        self.assessment, self.preparation = _flat(d.assessment), _flat(d.preparation)
        self.placement, self.outcome_u = _flat(d.placement), _flat(d.outcome_u)
        self.jobs = {State.ORDINARY: _flat(d.ordinary_job), State.REDUCED: _flat(d.reduced_job)}
        self.growth_weeks, self.growth_u = _flat(d.growth_weeks), _flat(d.growth_u)
        self.relapse_u, self.after_u = _flat(d.relapse_u), _flat(d.after_u)
        self.dropout = _flat(d.dropout)
        self.willingness = companies.willingness.tolist()

    def run(self, until: float) -> None:
        """Schedule every company change and referral, and simulate up to week ``until``.

        Everything is scheduled at week 0, in the order the equivalent processes would
        have scheduled it, so that events at equal weeks run in that order: joins, then
        referrals, then leaves. A company on board from week 0 joins at once; one that leaves
        does so at ``join + (leave - join)``, the week a process waiting ``leave - join``
        after joining would reach.
        """
        env, c, slots = self.env, self.companies, self.slots
        joins: list[tuple[float, int, int]] = []
        leaves: list[tuple[float, int]] = []
        for j, (join, leave, n) in enumerate(
            zip(c.join.tolist(), c.leave.tolist(), c.slots.tolist(), strict=True)
        ):
            if join <= 0 and leave > until:  # on board throughout
                slots.join(j, n)
                continue
            joins.append((join, j, n))
            if leave < _INF:
                gone = join + (leave - join)
                if gone < until:
                    leaves.append((gone, j))
        for join, j, n in joins:
            if join <= 0:  # from week 0, after those on board throughout
                slots.join(j, n)
            elif join < until:
                Timeout(env, join).callbacks.append(_call(slots.join, j, n))  # type: ignore[union-attr]
        for k, t in enumerate(self.citizens.arrival.tolist()):
            Timeout(env, t).callbacks.append(_Resume(self.citizen(k)))  # type: ignore[union-attr]
        for gone, j in leaves:
            Timeout(env, gone).callbacks.append(_call(slots.leave, j))  # type: ignore[union-attr]
        env.run(until=until)
        self.events = next(env._eid)  # events scheduled: SimPy's own counter

    # -- citizens --------------------------------------------------------------------------
    def citizen(self, k: int) -> Process:
        """Citizen ``k``'s whole pathway, from referral to a terminal state or the horizon.

        The generator is started by the referral timeout, so it begins at the referral.
        """
        env, log = self.env, self.log.append
        row = k * self.width  # citizen k's first column in the flat draw lists
        cases = self.cases
        attempt = prep_i = 0
        for episode in range(self.max_attempts + 1):
            left: float | None = self.dropout[row + episode]
            log((env.now, k, State.REFERRED, attempt, -1, False))
            if cases is not None:
                request = cases.acquire()
                if request is not None:
                    left = yield from self._wait(cases, request, left)
            has_case = cases is not None and left is not None
            if left is not None:
                log((env.now, k, State.INTAKE, attempt, -1, False))
                duration = self.assessment[row + episode]
                if left < duration:  # dropout first
                    yield Timeout(env, left)
                    left = None
                else:
                    yield Timeout(env, duration)
                    left -= duration
            outcome = State.DROPOUT
            to_prep = True
            while left is not None:
                if to_prep:
                    log((env.now, k, State.PREPARATION, attempt, -1, False))
                    duration = self.preparation[row + prep_i]
                    if left < duration:
                        yield Timeout(env, left)
                        break
                    yield Timeout(env, duration)
                    left -= duration
                    prep_i += 1
                hired, left = yield from self._placement(k, row, attempt, left)
                attempt += 1
                if hired is not None or left is None:
                    outcome = hired or State.DROPOUT
                    break
                if attempt >= self.max_attempts:
                    outcome = State.LEFT
                    break
                to_prep = self.after_u[row + attempt] < self.back_to_prep
            if has_case:
                cases.release()  # type: ignore[union-attr]
            log((env.now, k, outcome, attempt, -1, False))
            if outcome is not State.ORDINARY and outcome is not State.REDUCED:
                return
            # Each referral after the first follows a job, so ``episode`` counts the jobs.
            yield from self._job(k, row + episode, outcome)
            back = self.relapse_u[row + episode] < self.relapse
            if not back or attempt >= self.max_attempts:
                log((env.now, k, State.LEFT, attempt, -1, False))
                return

    def _placement(self, k: int, row: int, attempt: int, left: float) -> Process:
        """Wait for a slot (and a mentor) and do the placement; return ``(hired, left)``.

        ``row`` is citizen ``k``'s first column in the flat draws; ``hired`` is the hiring
        state or ``None``; ``left`` is ``None`` after a dropout.
        """
        env, log = self.env, self.log.append
        log((env.now, k, State.WAITING, attempt, -1, False))
        slot = self.slots.take(self.c_sector[k])
        if isinstance(slot, simpy.Event):
            got = yield from self._wait(self.slots, slot, left)
            if got is None:
                return None, None
            left, j = got, cast(int, slot._value)
        else:
            j = slot
        mentored = self._mentor_now()
        if not mentored and self.mentor_required:
            mentored, got = yield from self._wait_mentor(k, attempt, j, left)
        else:
            got = left
        if got is not None:
            now = env.now
            log((now, k, State.PLACEMENT, attempt, j, mentored))
            if now < self.first_hosted[j]:
                self.first_hosted[j] = now
            duration = self.placement[row + attempt]
            if got < duration:
                yield Timeout(env, got)
                got = None
            else:
                yield Timeout(env, duration)
                got -= duration
            if mentored:
                self.mentors.release()  # type: ignore[union-attr]
        self.slots.give(j)
        if got is None:
            return None, None
        return self._hire_outcome(k, row + attempt, j, mentored), got

    def _mentor_now(self) -> bool:
        """Take a free mentor, if there is one and nobody is queueing for one."""
        mentors = self.mentors
        if mentors is None or mentors.in_use >= mentors.capacity or mentors.queue:
            return False
        mentors.in_use += 1
        return True

    def _wait_mentor(self, k: int, attempt: int, j: int, left: float) -> Process:
        """Wait for a mentor while holding the slot; ``(mentored, left)``."""
        assert self.mentors is not None
        self.log.append((self.env.now, k, State.MENTOR_WAIT, attempt, j, False))
        got = yield from self._wait(self.mentors, self.mentors.acquire(), left)
        return got is not None, got

    def _hire_outcome(self, k: int, i: int, j: int, mentored: bool) -> State | None:
        """How placement ``i`` (flat index) ends: a hiring state, or ``None`` for not hired."""
        m = self.readiness[k] * self.willingness[j] * (self.mentor_multiplier if mentored else 1.0)
        p_hire = self.p_hire
        total = sum(p_hire) * m
        scale = m / total if total > 1.0 else m
        u, acc = self.outcome_u[i], 0.0
        for state, p in zip(_HIRES, p_hire, strict=True):
            acc += p * scale
            if u < acc:
                return state
        return None

    def _job(self, k: int, i: int, state: State) -> Process:
        """A paid job spell (draws at flat index ``i``); a small job may grow to ordinary hours."""
        env = self.env
        spell = self.jobs[state][i]
        if state is State.REDUCED and self.growth_u[i] < self.reduced_to_ordinary:
            grow = self.growth_weeks[i]
            if grow < spell:
                yield Timeout(env, grow)
                self.log.append((env.now, k, State.ORDINARY, -1, -1, False))
                spell -= grow
        yield Timeout(env, spell)

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


def _flat(a: Any) -> list[float]:
    """A 2-d array as one flat list, row after row."""
    return cast(list[float], a.ravel().tolist())


def _capacity(env: simpy.Environment, count: Any, per: Any) -> Capacity | None:
    """Capacity of ``count * per`` units (staff times cases each); ``None`` when unlimited."""
    return None if count is None else Capacity(env, count.value * per.value)
