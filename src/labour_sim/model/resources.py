"""Lean SimPy capacity: staff cases, mentors and company slots.

``simpy.Resource`` and ``simpy.Store`` build a request event for every use, even when capacity
is free. In this model almost every request is granted at once, so these two classes hand out
capacity directly and create a SimPy event only for a citizen who has to wait. Waiting is
first come, first served; a waiting citizen who drops out withdraws the request.

* :class:`Capacity`: ``capacity`` identical units (caseworkers' cases, mentors' mentees).
* :class:`SlotPool`: company slot tokens (the company's index); optional sector matching;
  a company that leaves takes its free slots with it and does not get busy ones back. Leaving
  needs no event: the pool knows when each company leaves and checks the clock.
"""

from __future__ import annotations

from collections import deque

import simpy

__all__ = ["Capacity", "SlotPool"]


class Capacity:
    """Counting resource with a FIFO queue of waiting events."""

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.in_use = 0
        self.queue: deque[simpy.Event] = deque()

    def acquire(self) -> simpy.Event | None:
        """Take a unit now (``None``) or get an event that fires when one is handed over."""
        if self.in_use < self.capacity and not self.queue:
            self.in_use += 1
            return None
        event = self.env.event()
        self.queue.append(event)
        return event

    def release(self) -> None:
        """Give a unit back; the longest waiter gets it directly."""
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.in_use -= 1

    def withdraw(self, event: simpy.Event) -> None:
        """Take back a request that has not been granted."""
        self.queue.remove(event)


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
    """

    def __init__(
        self, env: simpy.Environment, leaves: list[float], sector_of: list[int] | None = None
    ) -> None:
        self.env = env
        self.leaves = leaves
        self.sector_of = sector_of
        self.free: deque[int] = deque()
        self.waiting: deque[tuple[simpy.Event, int]] = deque()

    def take(self, sector: int = -1) -> int | simpy.Event:
        """A free slot's company now, or an event whose value is the company later."""
        free, leaves, now = self.free, self.leaves, self.env.now
        if self.sector_of is None:
            while free and not self.waiting:
                j = free.popleft()
                if now < leaves[j]:  # slots of companies that left are dropped lazily
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
        """A citizen hands back a slot of ``company`` (lost if the company has left)."""
        if self.env.now < self.leaves[company]:
            self._offer(company, 1)

    def join(self, company: int, slots: int) -> None:
        """A company joins with ``slots`` slots."""
        self._offer(company, slots)

    def _offer(self, company: int, slots: int) -> None:
        """Offer ``slots`` slots of ``company``: to waiting citizens first, then to the pool."""
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
        """Take back a waiting citizen's request."""
        for i, (waiting, _) in enumerate(self.waiting):
            if waiting is event:
                del self.waiting[i]
                return
