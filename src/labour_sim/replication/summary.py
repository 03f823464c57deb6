"""One replication reduced to what crosses a process boundary: a flat row and weekly counts.

Workers run replications and reduce each to a flat row of outcomes (every metric at the end
date, each target's outcome at its date and whether it was reached, waits, queues and
utilisation), plus, for the first replications only, the weekly counts that quantile bands
are made from. Full event logs never leave the worker.

The weekly series are each state's count, each cumulative metric's count, and each
capacity's units in use and available at the start of the week (``capacity:slot_used``,
``capacity:slot_available``, the same for ``caseworker`` cases and ``mentor`` mentees; staff
that is not limited has 0 available). Point-in-time metrics have no series of their own:
at a whole week each is a sum of state counts (see :mod:`labour_sim.metrics`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from ..metrics import ALL_METRICS, METRICS
from ..model.states import HOLDS_CASE, HOLDS_SLOT, State
from ..scenario import Scenario
from .costs import cost_basis, cost_row, replication_costs
from .effect import effect_row, per_additional_job
from .result import ReplicationResult
from .tally import log_in_range, tally_row, tally_weekly

__all__ = ["CAPACITY_SERIES", "SERIES", "summarise", "weekly_counts"]

#: Weekly capacity series: units of each resource in use and available.
CAPACITY_SERIES = tuple(
    f"capacity:{resource}_{kind}"
    for resource in ("slot", "caseworker", "mentor")
    for kind in ("used", "available")
)
#: Weekly series kept for bands: each state's count, each metric's cumulative count, then
#: the capacity series.
SERIES = tuple(
    [f"state:{s.label}" for s in State] + [f"metric:{m}" for m in METRICS] + list(CAPACITY_SERIES)
)


def summarise(
    scenario: Scenario, result: ReplicationResult, *, compiled: bool = True
) -> dict[str, object]:
    """One flat row of outcomes for one replication (carries scenario, seed, replication).

    Every metric (cumulative, then point in time: :data:`~labour_sim.metrics.ALL_METRICS`)
    at the end date (column named after the metric), every metric at each other target
    date (``metric@YYYY-MM-DD``), and each target's outcome at its date
    (``target:NAME``) and whether it was reached (``reached:NAME``), every cost
    (``cost:...``, DKK; see :mod:`labour_sim.costs`).

    ``compiled`` (the default) takes everything from one compiled pass over the sojourns
    (:func:`~.tally.tally_row`); ``compiled=False`` from :class:`ReplicationResult`'s
    NumPy derivations and :func:`replication_costs`, the reference. The two rows are
    identical, every float bit for bit.
    """
    row: dict[str, object] = {
        "scenario": scenario.name,
        "scenario_hash": scenario.hash,
        "seed": result.seed,
        "replication": result.replication,
        "citizens": result.n_citizens,
        "events": result.events,
    }
    end = scenario.period.end
    dates = sorted({t.date for t in scenario.targets} - {end})
    if not (compiled and log_in_range(result)):
        row.update(result.summary(end))
        for date in dates:
            row.update({f"{m}@{date}": float(result.outcome(m, date)) for m in ALL_METRICS})
        row.update(replication_costs(scenario, result))
        outcome = result.outcome
    else:
        basis = cost_basis(scenario, result)
        at = [result.week_of(end), *(result.week_of(date) for date in dates), basis.horizon]
        tally = tally_row(result, np.array(at), basis)
        counts = tally.counts.tolist() + tally.points.tolist()  # rows: ALL_METRICS
        column = {week: k for k, week in enumerate(at)}

        def outcome(metric: str, date: dt.date | str | float) -> int:
            week = date if isinstance(date, int | float) else result.week_of(date)
            return int(counts[ALL_METRICS.index(metric)][column[week]])

        row.update({m: float(counts[k][0]) for k, m in enumerate(ALL_METRICS)})
        row.update(tally.queues)
        for j, date in enumerate(dates, start=1):
            row.update({f"{m}@{date}": float(counts[k][j]) for k, m in enumerate(ALL_METRICS)})
        row.update(cost_row(scenario, result, basis, tally.cost_weeks, outcome))
    row.update(effect_row(scenario, result))
    row.update(per_additional_job(row))
    for target in scenario.targets:
        value = outcome(target.metric, target.date)
        row[f"target:{target.name}"] = value
        row[f"reached:{target.name}"] = value >= target.threshold.value
    return row


def weekly_counts(result: ReplicationResult, *, compiled: bool = True) -> NDArray[np.int32]:
    """Weekly state counts, cumulative metric counts and capacity: (weeks, len(SERIES)).

    ``compiled`` (the default) counts in one compiled pass (:func:`~.tally.tally_weekly`);
    ``compiled=False`` with :class:`ReplicationResult`'s NumPy derivations (the reference).
    The same integers either way.
    """
    if compiled and log_in_range(result):
        return tally_weekly(result)
    metrics = np.column_stack([result.cumulative(m) for m in METRICS])
    return np.column_stack([result.state_counts, metrics, weekly_capacity(result)]).astype(np.int32)


def weekly_capacity(result: ReplicationResult) -> NDArray[np.int64]:
    """Units in use and available at the start of each week, in :data:`CAPACITY_SERIES` order.

    Slots in use are held by citizens waiting for a mentor or in a placement; slots
    available are those of the companies on board that week. Cases in use are held by
    citizens from intake to the end of a placement; mentees are mentored placements.
    """
    counts = result.state_counts
    s = result.sojourns
    weeks = result.weeks.astype(float)[:, None]
    on_board = (result.company_join <= weeks) & (weeks < result.company_leave)
    mentored = (s.state == int(State.PLACEMENT)) & s.mentored
    columns = [
        counts[:, [int(x) for x in HOLDS_SLOT]].sum(axis=1),
        on_board.astype(np.int64) @ result.company_slots.astype(np.int64),
        counts[:, [int(x) for x in HOLDS_CASE]].sum(axis=1),
        np.full(len(weeks), round(result.capacity["caseworker"] or 0)),
        in_use(result, mentored),
        np.full(len(weeks), round(result.capacity["mentor"] or 0)),
    ]
    return np.column_stack(columns).astype(np.int64)


def in_use(result: ReplicationResult, mask: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Sojourns selected by ``mask`` under way at the start of each week (as state counts)."""
    s = result.sojourns
    n = len(result.weeks)
    enter = np.minimum(np.ceil(s.enter[mask]), n).astype(np.int64)
    leave = np.where(s.next_state[mask] < 0, n, np.minimum(np.ceil(s.leave[mask]), n))
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, enter, 1)
    np.add.at(delta, leave.astype(np.int64), -1)
    return np.cumsum(delta)[:n]
