"""What one replication produced: flat records in, tidy tables and outcomes out.

:class:`ReplicationResult` holds the immutable records of one run (the state-change log as
arrays, the cohort's and companies' attributes) and derives everything else from them:

* sojourns (each stay in a state, with entry and exit week) -> weekly state counts,
  time-averaged queue lengths, waits and utilisation;
* first-reach times of every milestone (see :mod:`labour_sim.metrics`) -> counts at any date;
* sojourns covering a date -> point-in-time counts (:data:`~labour_sim.metrics.POINT_METRICS`);
* which placements were hybrid (paid hours within them): a placement row's key is
  :data:`HYBRID_PLACEMENT` instead of its state when the citizen's draw for that attempt
  says so (:attr:`ReplicationResult.log_keys`), and milestones and point-in-time counts
  are looked up by key;
* the event log as a tidy :class:`pandas.DataFrame`, on request.

Derived arrays are computed once and cached. Nothing here simulates or draws random numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ..metrics import ALL_METRICS, METRICS, POINT_METRICS, RETENTION_WEEKS
from ..model.states import HOLDS_CASE, HOLDS_SLOT, PAID, State, table
from ..model.tallies import by_citizen, first_times, row_keys
from ..model.usual import UsualSpells

__all__ = [
    "HYBRID_PLACEMENT",
    "MILESTONE_STATES",
    "POINT_STATES",
    "QUEUES",
    "ReplicationResult",
    "Sojourns",
    "keyed",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Queue name -> (waiting state, capacity attribute).
QUEUES = {"caseworker": State.REFERRED, "slot": State.WAITING, "mentor": State.MENTOR_WAIT}

#: The key of a placement with paid hours (a hybrid placement) in place of its state: one
#: past the states, so that tables over states extended by one look it up.
HYBRID_PLACEMENT = len(State)
_PLACEMENTS = frozenset({int(State.PLACEMENT), HYBRID_PLACEMENT})

#: Milestone -> the keys (states, and :data:`HYBRID_PLACEMENT`) that reach it (the first
#: metrics of :data:`~labour_sim.metrics.METRICS`, but retention).
MILESTONE_STATES: dict[str, frozenset[int]] = {
    "referred": frozenset({State.REFERRED}),
    "preparation": frozenset({State.PREPARATION}),
    "placed": _PLACEMENTS,
    "hybrid_placed": frozenset({HYBRID_PLACEMENT}),
    "ordinary": frozenset({State.ORDINARY}),
    "reduced": frozenset({State.REDUCED}),
    "paid": PAID,
    "paid_hours": PAID | {HYBRID_PLACEMENT},
    "flexjob": frozenset({State.FLEXJOB}),
    "education": frozenset({State.EDUCATION}),
    "attached": frozenset({State.ORDINARY, State.FLEXJOB, State.EDUCATION}),
    "dropout": frozenset({State.DROPOUT}),
}

#: Point-in-time metric -> the keys it counts (:data:`~labour_sim.metrics.POINT_METRICS`).
POINT_STATES: dict[str, frozenset[int]] = {
    "in_preparation": frozenset({State.PREPARATION}),
    "waiting": frozenset({State.WAITING}),
    "in_placement": _PLACEMENTS,
    "in_hybrid_placement": frozenset({HYBRID_PLACEMENT}),
    "in_ordinary": frozenset({State.ORDINARY}),
    "in_reduced": frozenset({State.REDUCED}),
    "in_flexjob": frozenset({State.FLEXJOB}),
    "in_paid_work": PAID,
    "in_education": frozenset({State.EDUCATION}),
}
if tuple(POINT_STATES) != POINT_METRICS:  # pragma: no cover - the names moved apart
    raise ImportError(f"point states {tuple(POINT_STATES)} do not follow {POINT_METRICS}")


def keyed(keys: frozenset[int]) -> NDArray[np.bool_]:
    """A lookup table over keys (states and :data:`HYBRID_PLACEMENT`), as ``table`` is."""
    out = np.zeros(HYBRID_PLACEMENT + 1, dtype=np.bool_)
    out[[int(x) for x in keys]] = True
    return out


def _no_hybrid() -> NDArray[np.bool_]:
    return np.zeros((0, 0), dtype=np.bool_)


@dataclass(frozen=True)
class Sojourns:
    """Each stay of a citizen in a state: ``[enter, leave)`` in weeks (leave capped)."""

    citizen: IntArray
    state: IntArray
    enter: FloatArray
    leave: FloatArray
    next_state: IntArray  # -1 when the stay lasts to the horizon
    mentored: NDArray[np.bool_]
    company: IntArray
    key: IntArray  # the state, or HYBRID_PLACEMENT for a placement with paid hours


@dataclass(frozen=True, eq=False)
class ReplicationResult:
    """Records of one replication and everything derived from them.

    Attributes
    ----------
    scenario_name, scenario_hash : str
        Which scenario ran.
    seed, replication : int
        Where its random numbers came from.
    start : datetime.date
        Calendar date of week 0.
    horizon : float
        Simulated weeks (programme period plus follow-up).
    log : dict of arrays
        The state-change log: ``week``, ``citizen``, ``state``, ``attempt``, ``company``,
        ``mentored``, in the order the changes happened.
    hybrid : array of bool, shape (citizens, placements)
        ``hybrid[k, a]``: citizen ``k``'s placement of attempt ``a`` has paid hours (a
        hybrid placement); empty when no placement is hybrid.
    usual : UsualSpells, optional
        The business-as-usual arm of the same citizens: their spells off benefit without
        the programme (weeks).
    """

    scenario_name: str
    scenario_hash: str
    seed: int
    replication: int
    start: dt.date
    horizon: float
    log: dict[str, NDArray[Any]]
    arrival: FloatArray
    group: IntArray
    group_names: tuple[str, ...]
    readiness: FloatArray
    company_join: FloatArray
    company_leave: FloatArray
    company_slots: IntArray
    company_first_hosted: FloatArray
    capacity: dict[str, float | None]
    events: int
    hybrid: NDArray[np.bool_] = field(default_factory=_no_hybrid)
    usual: UsualSpells | None = None  # the business-as-usual arm (see model.usual)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- time -----------------------------------------------------------------------------
    def week_of(self, date: dt.date | str) -> float:
        """Weeks from the start to ``date``."""
        if isinstance(date, str):
            date = dt.date.fromisoformat(date)
        return (date - self.start).days / 7.0

    @property
    def weeks(self) -> IntArray:
        """Week numbers 0, 1, ..., floor(horizon) at which weekly tables are given."""
        return np.arange(math.floor(self.horizon) + 1)

    @property
    def n_citizens(self) -> int:
        """Citizens referred during the run."""
        return len(self.arrival)

    # -- sojourns -------------------------------------------------------------------------
    @cached_property
    def citizen_order(self) -> IntArray:
        """The log's rows by citizen, a citizen's rows in log (time) order: a stable argsort."""
        citizens = np.ascontiguousarray(self.log["citizen"], dtype=np.int64)
        if len(citizens) and (citizens.min() < 0 or citizens.max() >= self.n_citizens):
            return np.argsort(citizens, kind="stable")  # not a log of this cohort's rows
        return by_citizen(citizens, self.n_citizens)  # the same stable order, linear

    @cached_property
    def sojourns(self) -> Sojourns:
        """Every stay in a state, in citizen order then time order."""
        log, order = self.log, self.citizen_order
        citizen, state, week = log["citizen"][order], log["state"][order], log["week"][order]
        same = np.append(citizen[1:] == citizen[:-1], False) if len(citizen) else np.empty(0, bool)
        leave = np.where(same, np.append(week[1:], 0.0), self.horizon)
        nxt = np.where(same, np.append(state[1:], -1), -1)
        return Sojourns(
            citizen, state, week, np.minimum(leave, self.horizon), nxt,
            log["mentored"][order], log["company"][order], self.log_keys[order],
        )  # fmt: skip

    @cached_property
    def log_keys(self) -> IntArray:
        """Each log row's state, or :data:`HYBRID_PLACEMENT` for a placement with paid hours.

        A placement row names its attempt; :attr:`hybrid` says whether that placement of
        that citizen was hybrid.
        """
        log = self.log
        return row_keys(
            np.ascontiguousarray(log["state"], dtype=np.int64),
            np.ascontiguousarray(log["citizen"], dtype=np.int64),
            np.ascontiguousarray(log["attempt"], dtype=np.int64),
            np.ascontiguousarray(self.hybrid, dtype=np.bool_),
            int(State.PLACEMENT),
            HYBRID_PLACEMENT,
        )

    @cached_property
    def state_counts(self) -> IntArray:
        """Citizens in each state at the start of each week: shape (weeks, states)."""
        s = self.sojourns
        n_weeks = len(self.weeks)
        delta = np.zeros((n_weeks + 1, len(State)), dtype=np.int64)
        enter = np.minimum(np.ceil(s.enter).astype(np.int64), n_weeks)
        leave = np.where(s.next_state < 0, n_weeks, np.minimum(np.ceil(s.leave), n_weeks)).astype(
            np.int64
        )
        np.add.at(delta, (enter, s.state), 1)
        np.add.at(delta, (leave, s.state), -1)
        return np.cumsum(delta, axis=0)[:n_weeks]

    def weekly_states(self) -> pd.DataFrame:
        """Tidy weekly counts: one row per week and state (``week, date, state, count``)."""
        counts = self.state_counts
        weeks = self.weeks
        frame = pd.DataFrame(counts, columns=[s.label for s in State])
        frame.insert(0, "week", weeks)
        tidy = frame.melt(id_vars="week", var_name="state", value_name="count")
        tidy.insert(1, "date", [self.start + dt.timedelta(weeks=int(w)) for w in tidy["week"]])
        return tidy

    # -- milestones -----------------------------------------------------------------------
    @cached_property
    def milestone_times(self) -> dict[str, FloatArray]:
        """Per citizen, the week each milestone was first reached (``inf`` if never)."""
        return self._first_in_states | self._retention

    @cached_property
    def _first_in_states(self) -> dict[str, FloatArray]:
        """The milestones of :data:`MILESTONE_STATES`: first week in one of their states.

        Kept apart from :attr:`_retention` (which needs the sojourns) so that an outcome
        of these (a calibration reads one per observation) costs one pass over the log.
        """
        log, n = self.log, self.n_citizens
        members = np.array([keyed(keys) for keys in MILESTONE_STATES.values()])
        first = first_times(
            np.ascontiguousarray(log["citizen"], dtype=np.int64),
            self.log_keys,
            np.ascontiguousarray(log["week"], dtype=np.float64),
            members,
            n,
        )
        return dict(zip(MILESTONE_STATES, first, strict=True))

    @cached_property
    def _retention(self) -> dict[str, FloatArray]:
        """First week at which a paid spell had lasted 13, 26, 52 weeks."""
        s, n = self.sojourns, self.n_citizens
        firsts = {w: np.full(n, np.inf) for w in RETENTION_WEEKS}
        paid = table(PAID)[s.state]
        # A paid spell runs over consecutive paid rows of one citizen (a small job that grew
        # goes on in the next row); it starts at the enter week of its first row.
        same = np.zeros(len(paid), dtype=bool)
        same[1:] = paid[:-1] & (s.citizen[:-1] == s.citizen[1:])
        starts = np.where(paid & ~same, np.arange(len(paid)), 0)
        spell_start = s.enter[np.maximum.accumulate(starts)] if len(paid) else s.enter
        next_paid = np.isin(s.next_state, [int(x) for x in PAID])
        last = paid & ~next_paid  # the spell's last row
        end = np.where(s.next_state < 0, self.horizon, s.leave)[last]
        k, begun = s.citizen[last], spell_start[last]
        for w, first in firsts.items():
            reach = begun + w
            ok = (reach <= end) & (reach <= self.horizon)
            np.minimum.at(first, k[ok], reach[ok])
        return {f"employed_{w}w": first for w, first in firsts.items()}

    def cumulative(self, metric: str) -> IntArray:
        """Count of ``metric`` (distinct citizens or companies) at each week."""
        weeks = self.weeks.astype(float)
        times = self._times(metric)
        return np.searchsorted(np.sort(times), weeks, side="right").astype(np.int64)

    def outcome(self, metric: str, date: dt.date | str | float) -> int:
        """Count of ``metric`` at ``date`` (a date, an ISO string or a week number).

        A cumulative metric counts who reached it by ``date``; a point-in-time metric
        (:data:`~labour_sim.metrics.POINT_METRICS`) who is in its states on ``date``.
        """
        week = date if isinstance(date, int | float) else self.week_of(date)
        if metric in POINT_STATES:
            return self.in_states(POINT_STATES[metric], week)
        return int(np.count_nonzero(self._times(metric) <= week))

    def in_states(self, states: frozenset[int], week: float) -> int:
        """Citizens in one of ``states`` (keys: :data:`POINT_STATES`) at ``week`` (weeks).

        A stay counts when ``enter <= week < leave``; a stay still under way at the horizon
        counts to the end (as :attr:`state_counts` has it, which this equals at whole weeks).
        """
        s = self.sojourns
        under = (s.enter <= week) & ((s.next_state < 0) | (week < s.leave))
        return int(np.count_nonzero(keyed(states)[s.key] & under))

    def _times(self, metric: str) -> FloatArray:
        if metric == "companies_joined":
            return self.company_join
        if metric == "companies_hosting":
            return self.company_first_hosted
        if metric not in METRICS:
            raise KeyError(f"unknown metric {metric!r}; one of {ALL_METRICS}")
        if metric in MILESTONE_STATES:
            return self._first_in_states[metric]
        return self.milestone_times[metric]

    def milestones(self) -> pd.DataFrame:
        """Tidy weekly cumulative counts: ``week, date, metric, count``."""
        weeks = self.weeks
        dates = [self.start + dt.timedelta(weeks=int(w)) for w in weeks]
        parts = [
            pd.DataFrame({"week": weeks, "date": dates, "metric": m, "count": self.cumulative(m)})
            for m in METRICS
        ]
        return pd.concat(parts, ignore_index=True)

    def companies_active(self) -> IntArray:
        """Companies on board at the start of each week."""
        w = self.weeks.astype(float)[:, None]
        active = (self.company_join <= w) & (w < self.company_leave)
        return np.asarray(active.sum(axis=1), dtype=np.int64)

    # -- queues and capacity -------------------------------------------------------------
    def waits(self, queue: str, since: float = 0.0) -> FloatArray:
        """Completed waits (weeks) in ``queue``: ``caseworker``, ``slot`` or ``mentor``.

        Only waits that began at week ``since`` or later count (to drop a warm-up). Waits
        that ended in dropout or were still going at the horizon are left out.
        """
        s = self.sojourns
        served = (s.state == QUEUES[queue]) & (s.next_state >= 0) & (s.next_state != State.DROPOUT)
        served &= s.enter >= since
        return np.asarray(s.leave[served] - s.enter[served], dtype=float)

    def mean_queue_length(self, queue: str, until: float | None = None) -> float:
        """Time-averaged number waiting in ``queue`` over weeks ``[0, until]``."""
        end = self.horizon if until is None else until
        s = self.sojourns
        rows = s.state == QUEUES[queue]
        inside = np.clip(s.leave[rows], 0, end) - np.clip(s.enter[rows], 0, end)
        return float(inside.sum() / end) if end > 0 else 0.0

    def utilisation(self, resource: str) -> float:
        """Share of capacity in use over the run: ``slot``, ``caseworker`` or ``mentor``.

        ``nan`` when the resource is not limited (no capacity to use up).
        """
        s, h = self.sojourns, self.horizon
        stay = s.leave - s.enter
        if resource == "slot":
            busy = stay[table(HOLDS_SLOT)[s.state]].sum()
            on = np.minimum(self.company_leave, h) - np.minimum(self.company_join, h)
            cap = float((self.company_slots * on).sum())
        elif resource == "caseworker":
            busy = stay[table(HOLDS_CASE)[s.state]].sum()
            cap = (self.capacity["caseworker"] or math.nan) * h
        elif resource == "mentor":
            busy = stay[(s.state == State.PLACEMENT) & s.mentored].sum()
            cap = (self.capacity["mentor"] or math.nan) * h
        else:
            raise KeyError(f"unknown resource {resource!r}; one of slot, caseworker, mentor")
        return float(busy / cap) if cap > 0 else math.nan

    # -- tables ---------------------------------------------------------------------------
    def event_log(self) -> pd.DataFrame:
        """Every state change as a tidy table, with the citizen's group and readiness."""
        log = self.log
        citizen = log["citizen"]
        frame = pd.DataFrame(
            {
                "replication": self.replication,
                "citizen": citizen,
                "week": log["week"],
                "date": [self.start + dt.timedelta(days=float(w) * 7) for w in log["week"]],
                "state": pd.Categorical.from_codes(
                    log["state"], pd.Index([s.label for s in State])
                ),
                "attempt": log["attempt"],
                "company": log["company"],
                "mentored": log["mentored"],
                "group": [self.group_names[g] for g in self.group[citizen]],
                "readiness": self.readiness[citizen],
            }
        )
        return frame

    def summary(self, date: dt.date | str | float | None = None) -> dict[str, float]:
        """Every metric at ``date`` (default: the horizon), with waits and utilisation.

        Cumulative metrics first, then point-in-time ones (as
        :data:`~labour_sim.metrics.ALL_METRICS`).
        """
        when: dt.date | str | float = self.horizon if date is None else date
        out: dict[str, float] = {m: float(self.outcome(m, when)) for m in ALL_METRICS}
        for q in QUEUES:
            w = self.waits(q)
            out[f"wait_{q}_mean"] = float(w.mean()) if len(w) else 0.0
            out[f"queue_{q}_mean"] = self.mean_queue_length(q)
            out[f"utilisation_{q}"] = self.utilisation(q)
        return out
