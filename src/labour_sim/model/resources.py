"""Lean SimPy capacity: staff cases, mentors and company slots.

``simpy.Resource`` and ``simpy.Store`` build a request event for every use, even when capacity
is free. In this model almost every request is granted at once, so these two classes hand out
capacity directly and create a SimPy event only for a citizen who has to wait. Waiting is
first come, first served; a waiting citizen who drops out withdraws the request.

* :class:`Capacity`: ``capacity`` identical units (caseworkers' cases, mentors' mentees).
* :class:`SlotPool`: company slots; optional sector matching; a company that leaves takes its
  free slots with it and does not get busy ones back. Leaving needs no event: the pool knows
  when each company leaves and checks the clock.

Every operation costs amortised O(1), however long the queues (a scan per dropout or per
placement made large cohorts with scarce companies quadratic):

* A waiting request is in a set (``waiting``: withdrawal is a removal from it) and in a FIFO
  of requests in arrival order; a withdrawn request stays in the FIFO as a tombstone, skipped
  when reached, and the FIFOs are compacted when tombstones outnumber live requests.
* With sector matching, free slots and waiting requests are kept per sector, each in offer
  or arrival order: "the oldest free slot of the citizen's sector" is the head of one FIFO,
  "the longest-waiting citizen of the slot's sector" likewise. Without matching there is one
  FIFO of each.
* Free slots are runs ``[company, count]``, so a company's slots take one entry, not one per
  slot (memory does not grow with ``slots_per_company``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque

import simpy

__all__ = ["Capacity", "SlotPool"]

# FIFOs are compacted when they hold more than twice the live requests plus this slack (the
# slack keeps short queues from being rebuilt over and over).
_SLACK = 64


class Capacity:
    """Counting resource with a FIFO queue of waiting events.

    Attributes
    ----------
    capacity : int
        Units in all (cases, mentees).
    in_use : int
        Units handed out.
    waiting : set of simpy.Event
        Requests neither granted nor withdrawn (unordered; the order is kept apart).
    """

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.in_use = 0
        self.waiting: set[simpy.Event] = set()
        # The waiting requests, oldest first, with withdrawn ones not yet skipped.
        self._order: deque[simpy.Event] = deque()

    def acquire(self) -> simpy.Event | None:
        """Take a unit now (``None``) or get an event that fires when one is handed over."""
        if self.in_use < self.capacity and not self.waiting:
            self.in_use += 1
            return None
        event = self.env.event()
        self.waiting.add(event)
        self._order.append(event)
        return event

    def release(self) -> None:
        """Give a unit back; the longest waiter gets it directly."""
        waiting = self.waiting
        if waiting:
            order = self._order
            while True:  # a live request is in the FIFO, so this ends
                event = order.popleft()
                if event in waiting:  # else withdrawn: a tombstone
                    waiting.remove(event)
                    event.succeed()
                    return
        self.in_use -= 1

    def withdraw(self, event: simpy.Event) -> None:
        """Take back a request that has not been granted.

        Raises
        ------
        ValueError
            If ``event`` is not waiting (granted, withdrawn, or never made here).
        """
        waiting = self.waiting
        try:
            waiting.remove(event)
        except KeyError:
            raise ValueError("not a waiting request of this capacity") from None
        if len(self._order) > 2 * len(waiting) + _SLACK:
            self._order = deque(e for e in self._order if e in waiting)

    def stored(self) -> int:
        """Entries held for waiting requests, tombstones included (bounded by the compaction)."""
        return len(self._order)


class SlotPool:
    """Free company slots, FIFO, and citizens waiting for one.

    Parameters
    ----------
    env : simpy.Environment
    leaves : list of float
        The week each company leaves (``inf`` if it stays): from then on its slots are no
        longer offered, neither free ones nor busy ones coming back.
    sector_of : list of int, optional
        Each company's sector; when given, a citizen only takes a slot of their own sector.

    Notes
    -----
    Grants are exactly those of one FIFO of slot tokens scanned from the front:

    * without matching, a citizen takes the oldest free slot of a company still on board
      (slots of companies that have left are dropped), or waits if others are waiting;
    * with matching, the oldest free slot of their sector of a company still on board, or
      waits;
    * an offered slot (a company joining, a citizen handing one back) goes to the
      longest-waiting citizen whose sector matches, else to the back of the free slots.
      Offering does not look at the clock: a company that joins as it leaves still hands its
      slots to citizens already waiting (``give`` does check: a slot handed back to a company
      that has left is lost).

    A company never comes back, so a free slot of one that has left can never be taken
    again: when such slots are dropped does not change any grant, only memory. Here they are
    dropped when a citizen of their sector (any citizen, without matching) reaches them.
    """

    def __init__(
        self,
        env: simpy.Environment,
        leaves: list[float],
        sector_of: list[int] | None = None,
        pauses: tuple[list[float], list[float]] = ([], []),
    ) -> None:
        self.env = env
        self.leaves = leaves
        self.sector_of = sector_of
        # Disjoint [start, end) weeks in which no slot is handed out (placement starts
        # paused); the owner calls resume() at each end.
        self._pause_start, self._pause_end = pauses
        self.waiting: set[simpy.Event] = set()
        # Per sector (one key, 0, without matching): free slots as runs [company, count] in
        # offer order, and waiting requests in arrival order with withdrawn ones not yet
        # skipped.
        self._free: dict[int, deque[list[int]]] = {}
        self._queues: dict[int, deque[simpy.Event]] = {}
        self._queued = 0  # entries in all of _queues, tombstones included

    def take(self, sector: int = -1) -> int | simpy.Event:
        """A free slot's company now, or an event whose value is the company later."""
        if self.sector_of is None:
            key = 0
            runs = None if self.waiting else self._free.get(0)
        else:
            key = sector
            runs = self._free.get(sector)
        if runs and not self.paused():
            leaves, now = self.leaves, self.env.now
            while runs:
                run = runs[0]
                company = run[0]
                if now < leaves[company]:
                    if run[1] > 1:
                        run[1] -= 1
                    else:
                        runs.popleft()
                    return company
                runs.popleft()  # the company has left: its free slots go with it
        event = self.env.event()
        self.waiting.add(event)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
        queue.append(event)
        self._queued += 1
        return event

    def give(self, company: int) -> None:
        """A citizen hands back a slot of ``company`` (lost if the company has left)."""
        if self.env.now < self.leaves[company]:
            self._offer(company, 1)

    def join(self, company: int, slots: int) -> None:
        """A company joins with ``slots`` slots."""
        self._offer(company, slots)

    def _offer(self, company: int, slots: int) -> None:
        """Offer ``slots`` slots of ``company``: to waiting citizens first, then to the pool."""
        if slots <= 0:
            return
        key = 0 if self.sector_of is None else self.sector_of[company]
        waiting = self.waiting
        if waiting and not self.paused():
            queue = self._queues.get(key)
            while queue:
                event = queue.popleft()
                self._queued -= 1
                if event in waiting:  # else withdrawn: a tombstone
                    waiting.remove(event)
                    event.succeed(company)
                    slots -= 1
                    if not slots:
                        return
        runs = self._free.get(key)
        if runs is None:
            runs = self._free[key] = deque()
        if runs and runs[-1][0] == company:  # next to its own slots: one run
            runs[-1][1] += slots
        else:
            runs.append([company, slots])

    def paused(self) -> bool:
        """True while placement starts are paused (no slot is handed out)."""
        starts = self._pause_start
        if not starts:
            return False
        now = self.env.now
        i = bisect_right(starts, now) - 1
        return i >= 0 and now < self._pause_end[i]

    def resume(self) -> None:
        """At a pause's end: free slots go to the citizens waiting, sector by sector.

        Sectors in increasing order; within one, the longest-waiting citizen gets the
        oldest free slot of a company still on board, as :meth:`take` would have given it.
        """
        waiting, leaves, now = self.waiting, self.leaves, self.env.now
        for key in sorted(self._queues):
            queue, runs = self._queues[key], self._free.get(key)
            while runs:
                while queue and queue[0] not in waiting:  # tombstones of withdrawn requests
                    queue.popleft()
                    self._queued -= 1
                if not queue:
                    break
                run = runs[0]
                company = run[0]
                if not now < leaves[company]:
                    runs.popleft()  # the company has left: its free slots go with it
                    continue
                if run[1] > 1:
                    run[1] -= 1
                else:
                    runs.popleft()
                event = queue.popleft()
                self._queued -= 1
                waiting.remove(event)
                event.succeed(company)

    def withdraw(self, event: simpy.Event) -> None:
        """Take back a waiting citizen's request (nothing happens if it is not waiting)."""
        waiting = self.waiting
        if event in waiting:
            waiting.remove(event)
            if self._queued > 2 * len(waiting) + _SLACK:
                self._compact()

    def _compact(self) -> None:
        """Drop the tombstones of withdrawn requests (amortised O(1) per withdrawal)."""
        waiting = self.waiting
        for key, queue in self._queues.items():
            self._queues[key] = deque(e for e in queue if e in waiting)
        self._queued = len(waiting)

    def stored(self) -> int:
        """Entries held: runs of free slots plus queued requests (tombstones included)."""
        return sum(map(len, self._free.values())) + self._queued
