"""The indexed slot pool and capacity grant exactly what the plain scans they replace granted.

``RefCapacity`` and ``RefSlotPool`` are the implementation the indexed one replaced (a deque
scanned on every withdrawal and match, one token per free slot), kept here verbatim as the
specification. Random operation sequences, and whole replications, must give the same grants
in the same order.
"""

from __future__ import annotations

import dataclasses
import math
from collections import deque
from pathlib import Path
from typing import Any

import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from labour_sim import load_scenario
from labour_sim.model import Programme, State, draw_citizens, draw_companies, pathway
from labour_sim.model.resources import Capacity, SlotPool

ROOT = Path(__file__).resolve().parents[1]


# -- the reference: the implementation before the index, unchanged ---------------------------
class RefCapacity:
    """Counting resource with a FIFO queue of waiting events."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.in_use = 0
        self.queue: deque[simpy.Event] = deque()

    @property
    def waiting(self) -> deque[simpy.Event]:
        """The engine's name for the queue (the only addition to the old code)."""
        return self.queue

    def acquire(self) -> simpy.Event | None:
        if self.in_use < self.capacity and not self.queue:
            self.in_use += 1
            return None
        event = self.env.event()
        self.queue.append(event)
        return event

    def release(self) -> None:
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.in_use -= 1

    def withdraw(self, event: simpy.Event) -> None:
        self.queue.remove(event)


class RefSlotPool:
    """Free company slots, FIFO, and citizens waiting for one."""

    def __init__(
        self, env: simpy.Environment, leaves: list[float], sector_of: list[int] | None = None
    ) -> None:
        self.env = env
        self.leaves = leaves
        self.sector_of = sector_of
        self.free: deque[int] = deque()
        self.waiting: deque[tuple[simpy.Event, int]] = deque()

    def take(self, sector: int = -1) -> int | simpy.Event:
        free, leaves, now = self.free, self.leaves, self.env.now
        if self.sector_of is None:
            while free and not self.waiting:
                j = free.popleft()
                if now < leaves[j]:
                    return j
        else:
            for j in list(free):
                if now >= leaves[j]:
                    free.remove(j)
                elif self.sector_of[j] == sector:
                    free.remove(j)
                    return j
        event = self.env.event()
        self.waiting.append((event, sector))
        return event

    def give(self, company: int) -> None:
        if self.env.now < self.leaves[company]:
            self._offer(company, 1)

    def join(self, company: int, slots: int) -> None:
        self._offer(company, slots)

    def _offer(self, company: int, slots: int) -> None:
        if not self.waiting:
            self.free.extend([company] * slots)
            return
        for _ in range(slots):
            waiter = self._waiter_for(company)
            if waiter is None:
                self.free.append(company)
            else:
                waiter.succeed(company)

    def _waiter_for(self, company: int) -> simpy.Event | None:
        for i, (event, sector) in enumerate(self.waiting):
            if self.sector_of is None or self.sector_of[company] == sector:
                del self.waiting[i]
                return event
        return None

    def withdraw(self, event: simpy.Event) -> None:
        for i, (waiting, _) in enumerate(self.waiting):
            if waiting is event:
                del self.waiting[i]
                return


# -- a recording clock: events are numbered, grants logged in the order they are made -------
class Recorded:
    """A stand-in for a SimPy event that logs ``succeed`` calls."""

    def __init__(self, clock: Clock, number: int) -> None:
        self.clock, self.number, self.triggered = clock, number, False

    def succeed(self, value: Any = None) -> None:
        assert not self.triggered, "granted twice"
        self.triggered = True
        self.clock.grants.append((self.number, value))


class Clock:
    """A stand-in for ``simpy.Environment``: ``now``, numbered events, the grant log."""

    def __init__(self) -> None:
        self.now = 0.0
        self.made: list[Recorded] = []
        self.grants: list[tuple[int, Any]] = []

    def event(self) -> Recorded:
        self.made.append(Recorded(self, len(self.made)))
        return self.made[-1]


def outcome(value: Any) -> Any:
    """A take's or acquire's result in a form both implementations share."""
    return ("waits", value.number) if isinstance(value, Recorded) else value


class Twin:
    """The reference and the indexed pool (and capacity), driven by the same operations."""

    def __init__(
        self, leaves: list[float], sector_of: list[int] | None, capacity: int, withdrawn: set[int]
    ) -> None:
        self.clocks = Clock(), Clock()
        ref, new = self.clocks
        self.pools = (
            RefSlotPool(ref, leaves, sector_of),  # type: ignore[arg-type]
            SlotPool(new, leaves, sector_of),  # type: ignore[arg-type]
        )
        self.caps = RefCapacity(ref, capacity), Capacity(new, capacity)  # type: ignore[arg-type]
        self.withdrawn = withdrawn  # numbers of events taken back (the same in both)
        self.kinds: dict[int, str] = {}  # event number -> "slot" or "unit"

    def pending(self, kind: str) -> list[int]:
        """Events of ``kind`` neither granted nor withdrawn (by number; same in both)."""
        ref = self.clocks[0]
        return [
            e.number
            for e in ref.made
            if not e.triggered and e.number not in self.withdrawn and self.kinds[e.number] == kind
        ]

    def apply(self, op: tuple[Any, ...]) -> None:
        name, *args = op
        results = []
        for clock, pool, cap in zip(self.clocks, self.pools, self.caps, strict=True):
            if name == "advance":
                clock.now += args[0]
                result = None
            elif name == "take":
                result = outcome(pool.take(args[0]))
            elif name == "give":
                pool.give(args[0])
                result = None
            elif name == "join":
                pool.join(args[0], args[1])
                result = None
            elif name == "acquire":
                result = outcome(cap.acquire())
            elif name == "release":
                cap.release()
                result = None
            elif name in ("withdraw_slot", "withdraw_unit"):
                (pool if name == "withdraw_slot" else cap).withdraw(clock.made[args[0]])
                result = None
            results.append(result)
        assert results[0] == results[1], (op, results)
        ref, new = self.clocks
        assert ref.grants == new.grants, op
        assert len(ref.made) == len(new.made)
        assert self.caps[0].in_use == self.caps[1].in_use


OPS = st.one_of(
    st.tuples(st.just("advance"), st.sampled_from([0.0, 0.0, 0.5, 1.0, 2.0])),
    st.tuples(st.just("take"), st.integers(0, 2)),
    st.tuples(st.just("give"), st.integers(0, 7)),
    st.tuples(st.just("join"), st.integers(0, 7), st.sampled_from([0, 1, 1, 2, 3, 40])),
    st.tuples(st.just("withdraw_slot"), st.integers(0, 1000)),
    st.tuples(st.just("acquire")),
    st.tuples(st.just("release")),
    st.tuples(st.just("withdraw_unit"), st.integers(0, 1000)),
)


@settings(max_examples=300, deadline=None)
@given(
    match=st.booleans(),
    leaves=st.lists(
        st.one_of(st.just(math.inf), st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0])),
        min_size=8,
        max_size=8,
    ),
    sectors=st.lists(st.integers(0, 2), min_size=8, max_size=8),
    capacity=st.integers(0, 3),
    ops=st.lists(OPS, max_size=120),
)
def test_same_grants_as_the_reference(
    match: bool,
    leaves: list[float],
    sectors: list[int],
    capacity: int,
    ops: list[tuple[Any, ...]],
) -> None:
    """Takes, gives, joins, withdrawals, releases and the clock (companies leave at set
    weeks, some as they join) give the same results and grants in the same order."""
    twin = Twin(leaves, sectors if match else None, capacity, set())
    held = 0  # units of capacity held, so that release is only called by a holder
    for op in ops:
        name = op[0]
        made = len(twin.clocks[0].made)
        if name in ("withdraw_slot", "withdraw_unit"):
            pending = twin.pending("slot" if name == "withdraw_slot" else "unit")
            if not pending:
                continue
            number = pending[op[1] % len(pending)]
            twin.withdrawn.add(number)
            op = (name, number)
        if name == "release":
            if held == 0:
                continue
            held -= 1
        granted_before = len(twin.clocks[0].grants)
        twin.apply(op)
        if name == "acquire" and twin.clocks[0].made[made:] == []:
            held += 1  # granted at once
        # A unit handed to a waiter is held by that waiter.
        held += sum(
            1
            for number, _ in twin.clocks[0].grants[granted_before:]
            if twin.kinds[number] == "unit"
        )
        for event in twin.clocks[0].made[made:]:
            twin.kinds[event.number] = "slot" if name == "take" else "unit"
    # Everything still waiting is waiting in both.
    assert len(twin.pools[1].waiting) == len(twin.pending("slot"))
    assert len(twin.caps[1].waiting) == len(twin.pending("unit"))


def test_withdrawing_a_request_that_is_not_waiting() -> None:
    """Capacity refuses it (ValueError, as before); the slot pool ignores it (as before)."""
    env = simpy.Environment()
    cap, pool = Capacity(env, 0), SlotPool(env, [math.inf])
    stranger = env.event()
    with pytest.raises(ValueError):
        cap.withdraw(stranger)
    pool.withdraw(stranger)
    request = pool.take()
    assert isinstance(request, simpy.Event)
    pool.withdraw(request)
    pool.withdraw(request)
    pool.join(0, 1)
    assert not request.triggered
    assert pool.take() == 0


@pytest.mark.parametrize("match", [False, True])
def test_withdrawn_requests_do_not_pile_up(match: bool) -> None:
    """Tombstones of withdrawn requests are compacted: storage follows the live queue."""
    env = simpy.Environment()
    pool = SlotPool(env, [math.inf], [0] if match else None)
    cap = Capacity(env, 0)
    slots = [pool.take(0) for _ in range(5000)]
    units = [cap.acquire() for _ in range(5000)]
    for event in slots[:-1]:
        pool.withdraw(event)  # type: ignore[arg-type]
    for event in units[:-1]:
        cap.withdraw(event)  # type: ignore[arg-type]
    assert len(pool.waiting) == len(cap.waiting) == 1
    assert pool.stored() <= 2 + 64 + 1
    assert cap.stored() <= 2 + 64 + 1
    pool.join(0, 2)
    cap.release()
    assert slots[-1].triggered and slots[-1].value == 0  # type: ignore[union-attr]
    assert units[-1].triggered  # type: ignore[union-attr]
    assert pool.stored() == 1  # the one slot left, as one run


# -- whole replications: the engine with either implementation -------------------------------
def _sectors() -> list[dict[str, Any]]:
    def share(value: float) -> dict[str, Any]:
        return {"value": value, "unit": "share", "assumption": "test", "range": [value, value]}

    return [
        {"name": "care", "share": share(0.5)},
        {"name": "trade", "share": share(0.3)},
        {"name": "industry", "share": share(0.2)},
    ]


SCARCE = {
    "intake.rate_per_week": 14.6,
    "intake.cohort_max": 5200,
    "companies.recruitment_per_week": 1.0,
    "staff.caseworkers": 6,
    "staff.mentors": 4,
}
CASES = {
    "scarce": SCARCE,
    "scarce, sector matching": {
        **SCARCE,
        "companies.sectors": _sectors(),
        "companies.match_sector": True,
    },
    "scarce, mentor required": {**SCARCE, "staff.mentor_required": True},
    "two slots a company, sector matching": {
        **SCARCE,
        "companies.recruitment_per_week": 0.5,
        "companies.slots_per_company": 2,
        "companies.sectors": _sectors(),
        "companies.match_sector": True,
    },
}


WAITS = {case: State.MENTOR_WAIT if "mentor" in case else State.WAITING for case in CASES}


def dropouts_while(log: list[Any], waiting: State) -> int:
    """Citizens who dropped out straight from ``waiting`` (a withdrawn request each)."""
    last: dict[int, int] = {}
    count = 0
    for row in log:
        citizen, state = row[1], row[2]
        if state == int(State.DROPOUT) and last.get(citizen) == int(waiting):
            count += 1
        last[citizen] = state
    return count


def _log(scenario: Any, rep: int, monkeypatch: pytest.MonkeyPatch, reference: bool) -> list[Any]:
    with monkeypatch.context() as m:
        if reference:
            m.setattr(pathway, "SlotPool", reference_pool)
            m.setattr(pathway, "Capacity", RefCapacity)
        programme = Programme(
            scenario, draw_citizens(scenario, 3, rep), draw_companies(scenario, 3, rep)
        )
        programme.run(scenario.horizon_weeks)
    return programme.log


def reference_pool(
    env: simpy.Environment,
    leaves: list[float],
    sector_of: list[int] | None,
    pauses: tuple[list[float], list[float]],
) -> RefSlotPool:
    """The reference in place of SlotPool; it has no pauses, so there must be none."""
    assert pauses == ([], [])
    return RefSlotPool(env, leaves, sector_of)


@pytest.mark.parametrize("case", list(CASES))
def test_replication_logs_match_the_reference(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Twice the Lolland-Falster cohort and about half its companies: long queues
    for slots, cases and mentors, dropouts withdrawing from them; every log row identical."""
    # The reference predates pauses of placement starts: the base's conditions are left out.
    changes = {**CASES[case], "conditions": []}
    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml").with_changes(changes)
    for rep in range(1):
        new = _log(scenario, rep, monkeypatch, reference=False)
        assert new == _log(scenario, rep, monkeypatch, reference=True)
        # The case exercises what it is meant to: citizens drop out while queueing.
        assert dropouts_while(new, WAITS[case]) >= 20


def test_a_hundred_million_slots_a_company_take_one_entry() -> None:
    """``slots_per_company = 10**8``: one stored run per company, not one entry per slot.

    The slot counts are set on the draws (not the scenario) so the test does not depend on
    the scenario's bounds. With more slots a company than citizens nobody runs a company
    out of slots, so the log equals the reference's with 3,000 slots a company.
    """
    scenario = load_scenario(ROOT / "scenarios" / "lolland_falster.toml").with_changes(
        {"conditions": []}  # the reference predates pauses of placement starts
    )
    citizens, companies = draw_citizens(scenario, 1, 0), draw_companies(scenario, 1, 0)
    n = companies.n
    huge = dataclasses.replace(companies, slots=companies.slots * 0 + 10**8)
    programme = Programme(scenario, citizens, huge)
    programme.run(104.0)
    placements = sum(row[2] == int(State.PLACEMENT) for row in programme.log)
    assert placements > 0
    # At most one run per company join and one per slot handed back.
    assert programme.slots.stored() <= n + placements
    enough = dataclasses.replace(companies, slots=companies.slots * 0 + 3000)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(pathway, "SlotPool", reference_pool)
        m.setattr(pathway, "Capacity", RefCapacity)
        reference = Programme(scenario, citizens, enough)
        reference.run(104.0)
    assert programme.log == reference.log
