"""One replication: run it, and everything it reports.

* :mod:`.run`     :func:`run_replication`: draws -> engine -> :class:`ReplicationResult`
* :mod:`.result`  :class:`ReplicationResult`: sojourns, weekly counts, milestones, waits
* :mod:`.costs`   :func:`replication_costs`: every cost of one replication (DKK)
* :mod:`.summary` :func:`summarise`: one flat row per replication; weekly series for bands
"""

from .costs import replication_costs
from .result import QUEUES, ReplicationResult, Sojourns
from .run import ENGINES, cyclic_gc_paused, run_replication
from .summary import CAPACITY_SERIES, SERIES, summarise, weekly_capacity, weekly_counts

__all__ = [
    "CAPACITY_SERIES",
    "ENGINES",
    "QUEUES",
    "SERIES",
    "ReplicationResult",
    "Sojourns",
    "cyclic_gc_paused",
    "replication_costs",
    "run_replication",
    "summarise",
    "weekly_capacity",
    "weekly_counts",
]
