"""Reading a run: what binds, which targets are missed, and what it would take.

``bottleneck`` (which capacity binds, or where the pathway loses people; reads results
only), ``targets`` (the targets missed) and ``goals`` (a goal search on the right lever for
each missed target: this one runs replications). The report's first screen shows all
three; the ``report`` command and the explorer compute them.
"""

from .bottleneck import BINDING_WAIT_WEEKS, Bottleneck, CapacityUse, bottleneck
from .goals import CAPACITY_LEVERS, GoalLever, goal_lever, goal_searches
from .targets import GOAL_PROBABILITY, missed_targets

__all__ = [
    "BINDING_WAIT_WEEKS",
    "CAPACITY_LEVERS",
    "GOAL_PROBABILITY",
    "Bottleneck",
    "CapacityUse",
    "GoalLever",
    "bottleneck",
    "goal_lever",
    "goal_searches",
    "missed_targets",
]
