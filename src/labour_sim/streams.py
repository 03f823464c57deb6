"""Random streams: one ``SeedSequence`` per run, one stream per replication and process.

The stream of random process ``s`` in replication ``r`` of a run with seed ``seed`` is
``SeedSequence(seed, spawn_key=(r, s))``. Stream ids are fixed forever (never renumber, only
append), so

* a replication's numbers do not depend on how many workers run it or in what order;
* adding a new random process does not shift the numbers of existing ones;
* two scenarios run with the same seed share their random numbers wherever they share
  structure (common random numbers).

Per-citizen and per-company draws are made as arrays whose row ``k`` belongs to citizen
(or company) ``k``: row ``k`` is the same whatever the cohort size, because the arrays are
filled in row order from their own stream.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["Stream", "generator"]


class Stream(IntEnum):
    """Named random processes. Values are part of the reproducibility contract."""

    ARRIVALS = 1
    GROUP = 2
    READINESS = 3
    ASSESSMENT = 4
    PREPARATION = 5
    PLACEMENT_DURATION = 6
    PLACEMENT_OUTCOME = 7
    JOB_DURATION = 8
    HOURS_GROWTH = 9
    RELAPSE = 10
    AFTER_PLACEMENT = 11
    DROPOUT = 12
    COMPANY_RECRUITMENT = 13
    COMPANY_WILLINGNESS = 14
    COMPANY_TENURE = 15
    COMPANY_SECTOR = 16
    CITIZEN_SECTOR = 17
    GROWTH_DECISION = 18


def generator(seed: int, replication: int, stream: Stream) -> np.random.Generator:
    """The generator of ``stream`` in ``replication`` of a run seeded with ``seed``."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replication, int(stream))))
    )
