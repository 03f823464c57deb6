"""Run one replication: draw, simulate, and wrap the records in a result.

:func:`run_replication` is pure and picklable (a scenario, a seed and a replication number
in; a :class:`~labour_sim.results.ReplicationResult` out), so experiments can run it in any
process or on any machine and get the same numbers.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from .model import Programme, draw_citizens, draw_companies
from .results import ReplicationResult
from .scenario import Scenario

__all__ = ["run_replication"]

_LOG_COLUMNS = (
    ("week", np.float64), ("citizen", np.int64), ("state", np.int64),
    ("attempt", np.int64), ("company", np.int64), ("mentored", np.bool_),
)  # fmt: skip


def run_replication(scenario: Scenario, seed: int, replication: int = 0) -> ReplicationResult:
    """Simulate one replication of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The programme to simulate.
    seed : int
        Seed of the run; with ``replication`` it fixes every random number.
    replication : int, default 0
        Replication number (selects the independent streams of this replication).

    Returns
    -------
    ReplicationResult
        Weekly state counts, milestones, waits, utilisation and the event log.
    """
    citizens = draw_citizens(scenario, seed, replication)
    companies = draw_companies(scenario, seed, replication)
    programme = Programme(scenario, citizens, companies)
    with _cyclic_gc_paused():
        programme.run(until=scenario.horizon_weeks)
    columns = list(zip(*programme.log, strict=True)) or [()] * 6
    log: dict[str, np.ndarray] = {
        name: np.array(col, dtype=dtype)
        for (name, dtype), col in zip(_LOG_COLUMNS, columns, strict=True)
    }
    st = scenario.staff
    capacity: dict[str, float | None] = {
        "caseworker": None if st.caseworkers is None else st.caseworkers.value * st.caseload.value,  # type: ignore[union-attr]
        "mentor": None if st.mentors is None else st.mentors.value * st.mentees_per_mentor.value,  # type: ignore[union-attr]
    }
    return ReplicationResult(
        scenario_name=scenario.name,
        scenario_hash=scenario.hash,
        seed=seed,
        replication=replication,
        start=scenario.period.start,
        horizon=scenario.horizon_weeks,
        log=log,
        arrival=citizens.arrival,
        group=citizens.group,
        group_names=tuple(g.name for g in scenario.groups),
        readiness=citizens.readiness,
        company_join=companies.join,
        company_leave=companies.leave,
        company_slots=companies.slots,
        company_first_hosted=np.array(programme.first_hosted, dtype=float),
        capacity=capacity,
        events=programme.events,
    )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while SimPy runs.

    A replication allocates tens of thousands of short-lived events and generators; the
    collector would otherwise scan them hundreds of times (about 30 % of the run time).
    The few MB of cycles left behind are collected once it is re-enabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
