"""The states a citizen moves through, and which of them hold which capacity.

```
referred -> intake -> preparation -> waiting -> (mentor wait) -> placement -> ordinary / reduced
   ^                      ^               ^                          |        flexjob / education
   |                      +---- not hired (within max attempts) -----+
   +---- job lost, back to the programme (relapse) ------- ordinary / reduced
any active state -> dropout;  attempts used up or job lost for good -> left
```
``referred`` is the wait for a caseworker; ``waiting`` the wait for a company slot;
``mentor_wait`` the wait for a mentor once a slot is found (the slot is held meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

__all__ = ["ACTIVE", "HOLDS_CASE", "HOLDS_SLOT", "PAID", "TERMINAL", "State", "table"]


class State(IntEnum):
    """A citizen's state. Values index arrays of weekly counts."""

    REFERRED = 0
    INTAKE = 1
    PREPARATION = 2
    WAITING = 3
    MENTOR_WAIT = 4
    PLACEMENT = 5
    ORDINARY = 6
    REDUCED = 7
    FLEXJOB = 8
    EDUCATION = 9
    DROPOUT = 10
    LEFT = 11

    @property
    def label(self) -> str:
        """Lower-case name used in tables."""
        return self.name.lower()


#: States in which the dropout hazard applies.
ACTIVE = frozenset(
    {
        State.REFERRED,
        State.INTAKE,
        State.PREPARATION,
        State.WAITING,
        State.MENTOR_WAIT,
        State.PLACEMENT,
    }
)
#: States in which the citizen holds a caseworker's case.
HOLDS_CASE = frozenset(
    {State.INTAKE, State.PREPARATION, State.WAITING, State.MENTOR_WAIT, State.PLACEMENT}
)
#: States in which the citizen holds a company slot.
HOLDS_SLOT = frozenset({State.MENTOR_WAIT, State.PLACEMENT})
#: Paid work.
PAID = frozenset({State.ORDINARY, State.REDUCED, State.FLEXJOB})
#: States a citizen never leaves.
TERMINAL = frozenset({State.FLEXJOB, State.EDUCATION, State.DROPOUT, State.LEFT})


def table(states: Iterable[State]) -> NDArray[np.bool_]:
    """A lookup table over state values: ``table(PAID)[log_states]`` marks paid rows.

    Indexing it with an array of states gives what ``np.isin(array, states)`` gives, at a
    fraction of the cost (the array must hold states, not ``-1``).
    """
    out = np.zeros(len(State), dtype=np.bool_)
    out[[int(x) for x in states]] = True
    return out


# The states as plain ints, as both engines log them: compiled code needs plain ints, and
# numpy builds arrays of them several times faster than of enum members.
REFERRED = 0
INTAKE = 1
PREPARATION = 2
WAITING = 3
MENTOR_WAIT = 4
PLACEMENT = 5
ORDINARY = 6
REDUCED = 7
FLEXJOB = 8
EDUCATION = 9
DROPOUT = 10
LEFT = 11
