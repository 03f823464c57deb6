"""Business as usual: when each citizen would have left benefit without the programme.

Every citizen has, from three streams of their own (:data:`~labour_sim.streams.Stream`
``USUAL_EXIT``, ``USUAL_OUTCOME``, ``USUAL_JOB``), a sequence of :data:`POINTS` candidate
exits: the points of a Poisson process from the referral on, whose intensity is the
group's total business-as-usual hazard (ordinary work + flexjob + education, per week, see
:class:`~labour_sim.scenario.sections.BusinessAsUsual`) times the citizen's readiness times
the calendar-time hiring conditions (:mod:`.timeline`, weighted by each outcome's share).
At a point the outcome is drawn with the probabilities of the three hazards in force then;
a job in ordinary work lasts a spell from the scenario's ``ordinary_job_weeks`` under the
citizen's job-loss hazard (readiness, no follow-up support), stretched by the job-loss
conditions.

A citizen leaves benefit at the first point that falls while they are *exposed*: on
benefit and not in a programme placement or a programme job. For exponential hazards
this is exactly the competing hazard switched off during placements and jobs (thinning a
Poisson process by exposure), so

* the business-as-usual arm (:func:`usual_spells`) is every citizen exposed from referral:
  off benefit from the first point on, back on benefit at the end of an ordinary job,
  off again at the first point after it, and so on;
* in the programme arm both engines take the same points (the log carries the points'
  weeks exactly), so a programme that never places anybody gives the business-as-usual
  arm exactly, and lock-in (no exits during placements) is a modelled effect.

Flexjob and education are terminal, as in the programme. Points after the
:data:`POINTS`-th are dropped: with the hazards of these groups (a few per cent a year) the
chance of more than 16 candidate exits within a horizon of a few years is negligible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numpy.typing import NDArray

from ..distributions import Distribution, proportional_hazard_u
from ..scenario import Scenario
from ..streams import Stream
from .bisection import bisect_left, bisect_right
from .fills import Block, Fills, content
from .states import EDUCATION, FLEXJOB, LEFT, ORDINARY
from .timeline import RATE_INDEX, advance, timeline

__all__ = [
    "POINTS",
    "USUAL",
    "UsualDraws",
    "draw_usual",
    "group_hazards",
    "next_point",
    "usual_spells",
]

#: The ``company`` of a log row that is a business-as-usual exit (or the end of its job).
USUAL = -2
#: Candidate exits drawn per citizen (the layout of the streams: fixed).
POINTS = 16
#: The hiring conditions that scale each business-as-usual outcome.
_FACTORS = ("hire_ordinary", "hire_flexjob", "hire_education")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class UsualDraws:
    """Candidate business-as-usual exits (row = citizen, column = point), weeks.

    Attributes
    ----------
    at : ndarray
        Week of each candidate exit, increasing along a row (``inf``: none); a row stops
        at its first exit at or after the horizon (the later ones are never reached).
    kind : ndarray
        Outcome at it: ``ORDINARY``, ``FLEXJOB`` or ``EDUCATION`` (state values).
    end : ndarray
        Week an ordinary job taken at that point ends (``inf`` for flexjob, education, and
        for points at or after the horizon: no job is taken there, none is drawn).
    """

    at: FloatArray
    kind: IntArray
    end: FloatArray

    @property
    def any(self) -> bool:
        """True when some citizen has a candidate exit."""
        return bool(np.isfinite(self.at).any())


def group_hazards(s: Scenario) -> FloatArray:
    """Business-as-usual hazards per group: rows = groups, columns ordinary, flexjob, education."""
    out = np.zeros((len(s.groups), 3))
    if s.business_as_usual is not None:
        for i, g in enumerate(s.groups):
            r = s.business_as_usual.rates(g.name)
            out[i] = (r.ordinary.value, r.flexjob.value, r.education.value)
    return out


def draw_usual(
    s: Scenario,
    fills: Fills,
    arrival: FloatArray,
    group: IntArray,
    readiness: FloatArray,
) -> UsualDraws:
    """The candidate exits of a cohort (see the module notes); no streams used without any.

    Kept per cohort (:meth:`Fills.cohort`, keyed by the referral weeks, groups, readiness
    and everything else they depend on), so the settings of an analysis that change only
    staff or companies read them instead of drawing them again. Read-only, as every
    kept draw.
    """
    n = len(arrival)
    hazards = group_hazards(s)
    if not hazards.any() or n == 0:
        none = np.full((n, POINTS), np.inf)
        exits = Block({"at": none, "kind": np.full((n, POINTS), LEFT, np.int64), "end": none})
        return UsualDraws(exits["at"], exits["kind"], exits["end"])
    tl = timeline(s)
    cohort = (
        np.ascontiguousarray(arrival, dtype=np.float64),
        np.ascontiguousarray(group, dtype=np.int64),
        np.ascontiguousarray(readiness, dtype=np.float64),
        hazards,
        np.ascontiguousarray(tl.breaks),
        np.ascontiguousarray(tl.factors[:, [RATE_INDEX[r] for r in _FACTORS]]),
        tl.column("job_loss"),
    )
    job = s.employment.ordinary_job_weeks.build()
    horizon = float(s.horizon_weeks)
    spec = (tuple(content(a) for a in cohort), job, horizon)
    exits = fills.cohort("usual exits", spec, n, lambda: _exits(fills, *cohort, job, horizon))
    return UsualDraws(exits["at"], exits["kind"], exits["end"])


def _exits(
    fills: Fills,
    arrival: FloatArray,
    group: IntArray,
    readiness: FloatArray,
    hazards: FloatArray,
    breaks: FloatArray,
    factors: FloatArray,
    job_loss: FloatArray,
    job: Distribution,
    horizon: float,
) -> Block:
    """The candidate exits of a cohort as a block: ``at``, ``kind``, ``end`` (see :class:`UsualDraws`)."""
    n = len(arrival)
    epochs = fills.block("usual epochs", POINTS, n, _epochs)["epochs"]
    u_kind = fills.uniforms(Stream.USUAL_OUTCOME, n, POINTS)
    u_job = fills.uniforms(Stream.USUAL_JOB, n, POINTS)
    at, kind = _points(
        np.ascontiguousarray(epochs), np.ascontiguousarray(u_kind), arrival, group, readiness,
        hazards, breaks, factors, horizon,
    )  # fmt: skip
    # Job ends only where a job can be taken (an ordinary exit before the horizon): the
    # same numbers, element by element, as for the whole table, at a few per cent of the
    # inverse CDFs (most candidate exits fall after the horizon).
    taken = (kind == ORDINARY) & (at < horizon)
    u = proportional_hazard_u(u_job[taken], 1.0 / readiness[np.nonzero(taken)[0]])
    spell = job.ppf(u)
    end = np.full((n, POINTS), np.inf)
    end[taken] = _job_ends(
        np.ascontiguousarray(at[taken]), np.ascontiguousarray(spell, dtype=np.float64),
        breaks, job_loss,
    )  # fmt: skip
    return Block({"at": at, "kind": kind, "end": end})


def _epochs(fills: Fills, n: int) -> Block:
    """The unit-rate Poisson epochs of each citizen's candidate exits (a block of rows)."""
    return Block({"epochs": np.cumsum(fills.exponentials(Stream.USUAL_EXIT, n, POINTS), axis=1)})


@numba.njit(cache=True, nogil=True)
def _points(
    epochs: FloatArray,
    u_kind: FloatArray,
    arrival: FloatArray,
    group: IntArray,
    readiness: FloatArray,
    hazards: FloatArray,
    breaks: FloatArray,
    factors: FloatArray,
    horizon: float,
) -> tuple[FloatArray, IntArray]:
    """Weeks and outcomes of the candidate exits up to the first at or after ``horizon``.

    The later ones are left out (``inf``, ``LEFT``): no engine looks past the first
    candidate exit at or after the horizon, so they cannot change anything.
    """
    n, m = epochs.shape
    n_seg = factors.shape[0]
    at = np.full((n, m), np.inf)
    kind = np.full((n, m), LEFT, dtype=np.int64)
    # The combined factor of each group: the hazards' factors weighted by the hazards.
    combined = np.ones((hazards.shape[0], n_seg))
    for g in range(hazards.shape[0]):
        total = hazards[g, 0] + hazards[g, 1] + hazards[g, 2]
        if total > 0.0:
            for i in range(n_seg):
                f = 0.0
                for j in range(3):
                    f += hazards[g, j] * factors[i, j]
                combined[g, i] = f / total
    for k in range(n):
        g = group[k]
        rate = (hazards[g, 0] + hazards[g, 1] + hazards[g, 2]) * readiness[k]
        if rate <= 0.0:
            continue
        for i in range(m):
            t = advance(breaks, combined[g], arrival[k], epochs[k, i] / rate)
            if t == np.inf:
                break
            at[k, i] = t
            row = bisect_right(breaks, t)
            w0 = hazards[g, 0] * factors[row, 0]
            w1 = hazards[g, 1] * factors[row, 1]
            w2 = hazards[g, 2] * factors[row, 2]
            if w0 + w1 + w2 <= 0.0:  # on a break into a segment without hiring: base shares
                w0, w1, w2 = hazards[g, 0], hazards[g, 1], hazards[g, 2]
            u = u_kind[k, i] * (w0 + w1 + w2)
            if u < w0:
                kind[k, i] = ORDINARY
            elif u < w0 + w1:
                kind[k, i] = FLEXJOB
            else:
                kind[k, i] = EDUCATION
            if t >= horizon:
                break
    return at, kind


@numba.njit(cache=True, nogil=True)
def _job_ends(
    at: FloatArray, spell: FloatArray, breaks: FloatArray, job_loss: FloatArray
) -> FloatArray:
    """Week each job taken at ``at`` ends: ``spell`` stretched by the job-loss conditions."""
    end = np.empty(at.shape[0])
    for j in range(at.shape[0]):
        end[j] = advance(breaks, job_loss, at[j], spell[j])
    return end


def next_point(at: FloatArray, since: float) -> int:
    """Index of the first candidate exit at or after ``since`` in one citizen's row, or -1."""
    i = int(np.searchsorted(at, since, side="left"))
    return i if i < at.shape[0] and at[i] < np.inf else -1


@dataclass(frozen=True)
class UsualSpells:
    """The business-as-usual arm: each citizen's spells off benefit, weeks.

    One row per spell: ``citizen``, ``state`` (``ORDINARY``, ``FLEXJOB``, ``EDUCATION``),
    ``enter`` and ``leave`` (``inf`` for a spell that outlasts everything).
    """

    citizen: IntArray
    state: IntArray
    enter: FloatArray
    leave: FloatArray


def usual_spells(draws: UsualDraws, arrival: FloatArray, until: float) -> UsualSpells:
    """Every citizen exposed from referral: the spells off benefit up to week ``until``.

    Citizen by citizen, in week order: the first candidate exit at or after the referral
    (:func:`next_point`), then, after an ordinary job, the first at or after its end.
    Compiled (:func:`_spells`): one pass over the draws, no Python object per spell.
    """
    citizen, state, enter, leave = _spells(
        np.ascontiguousarray(draws.at, dtype=np.float64),
        np.ascontiguousarray(draws.kind, dtype=np.int64),
        np.ascontiguousarray(draws.end, dtype=np.float64),
        np.ascontiguousarray(arrival, dtype=np.float64),
        float(until),
    )
    return UsualSpells(citizen, state, enter, leave)


@numba.njit(cache=True, nogil=True)
def _spells(
    at: FloatArray, kind: IntArray, end: FloatArray, arrival: FloatArray, until: float
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """The rows of :class:`UsualSpells` (see :func:`usual_spells`); at most one per point."""
    n, m = at.shape
    citizen = np.empty(n * m, np.int64)
    state = np.empty(n * m, np.int64)
    enter = np.empty(n * m, np.float64)
    leave = np.empty(n * m, np.float64)
    rows = 0
    for k in range(n):
        since = arrival[k]
        for _ in range(m):  # each spell takes a later point (a job of 0 weeks: the same one)
            i = bisect_left(at[k], since)  # next_point
            if i >= m or not at[k, i] < np.inf or at[k, i] >= until:
                break
            citizen[rows] = k
            state[rows] = kind[k, i]
            enter[rows] = at[k, i]
            leave[rows] = end[k, i]
            rows += 1
            if kind[k, i] != ORDINARY or end[k, i] >= until:
                break
            since = end[k, i]
    return citizen[:rows].copy(), state[:rows].copy(), enter[:rows].copy(), leave[:rows].copy()
