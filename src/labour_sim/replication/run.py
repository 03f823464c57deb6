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

from ..errors import ScenarioError
from ..model import CitizenDraws, CompanyDraws, Programme, draw_citizens, draw_companies
from ..model.compiled import simulate, time_order
from ..model.usual import usual_spells
from ..scenario import Scenario
from ..streams import check_seed
from .result import ReplicationResult

__all__ = ["ENGINES", "run_replication"]

#: Engines of :func:`run_replication`: ``auto`` (the compiled one), ``fast`` (compiled, see
#: :mod:`labour_sim.model.compiled`) and ``des`` (the SimPy model, the reference).
ENGINES = ("auto", "fast", "des")

_LOG_COLUMNS = (
    ("week", np.float64), ("citizen", np.int64), ("state", np.int64),
    ("attempt", np.int64), ("company", np.int64), ("mentored", np.bool_),
)  # fmt: skip


def run_replication(
    scenario: Scenario, seed: int, replication: int = 0, engine: str = "auto"
) -> ReplicationResult:
    """Simulate one replication of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The programme to simulate.
    seed : int
        Seed of the run (a whole number >= 0); with ``replication`` it fixes every random
        number.
    replication : int, default 0
        Replication number, >= 0 (selects the independent streams of this replication).
    engine : {"auto", "fast", "des"}, default "auto"
        ``des`` runs the SimPy model; ``fast`` (and ``auto``) the compiled engine, which
        gives the same log, event count and hence the same result.

    Returns
    -------
    ReplicationResult
        Weekly state counts, milestones, waits, utilisation and the event log.

    Raises
    ------
    ScenarioError
        If ``engine`` is not one of :data:`ENGINES`, or ``seed`` or ``replication`` is not a
        whole number >= 0.
    """
    if engine not in ENGINES:
        raise ScenarioError.single("engine", f"one of {', '.join(ENGINES)}", engine)
    check_seed(seed)
    check_seed(replication, "replication")
    with cyclic_gc_paused():
        citizens = draw_citizens(scenario, seed, replication)
        companies = draw_companies(scenario, seed, replication)
    if engine == "des":
        log, first_hosted, events = _run_des(scenario, citizens, companies)
    else:
        run = simulate(scenario, citizens, companies, scenario.horizon_weeks)
        log, first_hosted, events = run.log, run.first_hosted, run.events  # in time order
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
        hybrid=citizens.hybrid,
        company_join=companies.join,
        company_leave=companies.leave,
        company_slots=companies.slots,
        company_first_hosted=first_hosted,
        capacity=capacity,
        events=events,
        usual=usual_spells(citizens.usual, citizens.arrival, scenario.horizon_weeks),
    )


def _run_des(
    scenario: Scenario, citizens: CitizenDraws, companies: CompanyDraws
) -> tuple[dict[str, np.ndarray], np.ndarray, int]:
    """The SimPy model's log (in time order), first hosting weeks and event count."""
    with cyclic_gc_paused():
        programme = Programme(scenario, citizens, companies)
        programme.run(until=scenario.horizon_weeks)
        rows = len(programme.log)
        columns = list(zip(*programme.log, strict=True)) or [()] * 6
        log: dict[str, np.ndarray] = {
            name: np.fromiter(col, dtype=dtype, count=rows)
            for (name, dtype), col in zip(_LOG_COLUMNS, columns, strict=True)
        }
        log = _in_time_order(log)
        first_hosted = np.array(programme.first_hosted, dtype=float)
        events = programme.events
        # Drop the rows now (reference counting frees them) and the programme before the
        # collector is back: what is left of it (citizens still under way) is garbage.
        del columns
        programme.log.clear()
        del programme
    return log, first_hosted, events


def _in_time_order(log: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The SimPy model's log sorted by week, rows of a week in the order they were logged.

    The model logs a few rows ahead of time (a preparation that follows the intake
    assessment), so the log is nearly but not quite in time order; :func:`time_order` is
    the stable sort the compiled engine's log gets too.
    """
    order = time_order(np.ascontiguousarray(log["week"], dtype=np.float64))
    return {name: col[order] for name, col in log.items()}


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a whole replication.

    A replication allocates tens of thousands of short-lived events, generators and log rows;
    the collector would otherwise scan them hundreds of times, and promote what is still alive
    (draws, log, pending citizens) to the oldest generation, which triggers a full collection
    of the whole process every few replications. Paused from the draws to the result, with
    the log rows and the programme dropped before the end, only the cycles of citizens still
    under way at the horizon are left: one young collection frees them once it is re-enabled.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
