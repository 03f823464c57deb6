"""Everything random in one replication, drawn up front as arrays.

Citizen ``k`` owns row ``k`` of every per-citizen array; column ``i`` is used the ``i``-th
time that kind of draw is needed (``i``-th referral, preparation spell, placement attempt
or job). Each kind comes from its own named stream, filled in row order, so

* row ``k`` is the same whatever the cohort size or any lever: a change of lever cannot
  reshuffle who the citizens are (common random numbers);
* durations are drawn with the scenario's distribution and then scaled by the citizen's
  multipliers (readiness, support), so a lever that scales a duration moves every citizen's
  duration monotonically.

Every stream is filled with ``COLUMNS`` (the schema's largest attempt limit, plus one)
numbers per citizen whatever the scenario, so that row ``k`` is the same whatever the
attempt limit too; only the columns the scenario can use (its attempt limit plus one) are
kept and transformed (durations scaled, inverse CDFs applied): the values of those columns
do not depend on how many are kept. Drawing in bulk is also what keeps a replication fast:
the engines only index arrays. The raw fills (before any lever scales them) come from
:mod:`.fills`, which keeps them for the next setting of the same replication.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from ..distributions import Distribution, proportional_hazard_u
from ..scenario import MAX_ATTEMPTS, Scenario
from ..streams import Stream, generator
from .fills import Block, Fills
from .timeline import Timeline, time_changed, timeline
from .usual import UsualDraws, draw_usual

__all__ = ["COLUMNS", "CitizenDraws", "CompanyDraws", "draw_citizens", "draw_companies"]

#: Columns per citizen for repeated draws: one per placement attempt, plus one.
COLUMNS = MAX_ATTEMPTS + 1
_CHUNK = 512
_ALL = slice(None)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class CitizenDraws:
    """Per-citizen draws (row = citizen); durations in weeks, already scaled by levers.

    The per-use arrays have one column per use the scenario allows (attempt limit + 1).
    ``hybrid[k, a]``: citizen ``k``'s placement of attempt ``a`` is hybrid (paid hours
    within it), with probability ``placement.hybrid_share``; no engine reads it.
    """

    arrival: FloatArray
    group: IntArray
    readiness: FloatArray
    sector: IntArray
    assessment: FloatArray
    preparation: FloatArray
    placement: FloatArray
    outcome_u: FloatArray
    ordinary_job: FloatArray
    reduced_job: FloatArray
    growth_weeks: FloatArray
    growth_u: FloatArray
    relapse_u: FloatArray
    after_u: FloatArray
    dropout: FloatArray
    hybrid: NDArray[np.bool_]
    usual: UsualDraws  # candidate business-as-usual exits (see .usual)

    @property
    def n(self) -> int:
        """Number of citizens referred in this replication."""
        return len(self.arrival)

    def first_columns(self, m: int) -> CitizenDraws:
        """The same draws with only the first ``m`` columns of the per-use arrays."""
        cut = {f: getattr(self, f)[:, :m] for f in _PER_USE}
        return dataclasses.replace(self, **cut)


_PER_USE = (
    "assessment", "preparation", "placement", "outcome_u", "ordinary_job", "reduced_job",
    "growth_weeks", "growth_u", "relapse_u", "after_u", "dropout", "hybrid",
)  # fmt: skip


@dataclass(frozen=True)
class CompanyDraws:
    """Per-company draws (row = company); times in weeks from the start."""

    join: FloatArray
    leave: FloatArray
    slots: IntArray
    willingness: FloatArray
    sector: IntArray

    @property
    def n(self) -> int:
        """Number of companies that ever join."""
        return len(self.join)


def arrival_times(s: Scenario, fills: Fills) -> FloatArray:
    """Referral times in weeks, sorted, following the intake schedule and cap."""
    intake = s.intake
    t0 = s.week_of(intake.start or s.period.start)
    t1 = s.week_of(intake.end or s.period.end)
    cap = intake.cohort_max.value if intake.cohort_max else None
    if intake.schedule == "monthly":
        times = _monthly(s, generator(fills.seed, fills.replication, Stream.ARRIVALS), t1)
    else:
        assert intake.rate_per_week is not None
        ramp = intake.ramp_up_weeks.value if intake.ramp_up_weeks else 0.0
        rate = intake.rate_per_week.value
        tl = timeline(s)

        def chunk(i: int) -> FloatArray:  # the i-th _CHUNK exponentials of the stream
            rows = _CHUNK << i.bit_length()  # asked for in doubling sizes: drawn O(n) times
            return fills.exponentials(Stream.ARRIVALS, rows)[i * _CHUNK : (i + 1) * _CHUNK]

        if tl.varies("referral"):
            times = t0 + _poisson_changed(chunk, rate, ramp, t1 - t0, cap, tl, t0)
        else:
            times = t0 + _poisson_ramp(chunk, rate, ramp, t1 - t0, cap)
    return times[:cap] if cap is not None else times


def _ramp_cumulative(x: FloatArray | float, rate: float, ramp: float) -> FloatArray:
    """Expected referrals by ``x`` weeks: the rate rises linearly over ``ramp``, then flat."""
    if ramp <= 0:
        return np.asarray(rate * x)
    return np.where(x < ramp, rate * x**2 / (2 * ramp), rate * (x - ramp / 2))


def _ramp_inverse(e: FloatArray, rate: float, ramp: float) -> FloatArray:
    """The week at which :func:`_ramp_cumulative` reaches ``e``."""
    if ramp <= 0:
        return e / rate
    early = e <= rate * ramp / 2
    return np.where(early, np.sqrt(2 * ramp * e / rate), e / rate + ramp / 2)


def _poisson_ramp(
    chunk: Callable[[int], FloatArray], rate: float, ramp: float, span: float, cap: int | None
) -> FloatArray:
    """Inhomogeneous Poisson arrivals: rate rises linearly over ``ramp`` weeks, then flat.

    ``chunk(i)`` is the ``i``-th block of ``_CHUNK`` unit exponentials of the stream.
    """
    if rate <= 0 or span <= 0:
        return np.empty(0)
    total = float(_ramp_cumulative(span, rate, ramp))
    epochs: list[FloatArray] = []
    last, count = 0.0, 0
    while last <= total and (cap is None or count < cap):
        block = last + np.cumsum(chunk(len(epochs)))
        epochs.append(block)
        last, count = float(block[-1]), count + _CHUNK
    e = np.concatenate(epochs)
    return _ramp_inverse(e[e <= total], rate, ramp)


def _poisson_changed(
    chunk: Callable[[int], FloatArray],
    rate: float,
    ramp: float,
    span: float,
    cap: int | None,
    tl: Timeline,
    offset: float,
) -> FloatArray:
    """:func:`_poisson_ramp` with the rate multiplied by the referral conditions.

    The same exponentials in the same chunks: the ``i``-th referral is time-changed.
    """
    if rate <= 0 or span <= 0:
        return np.empty(0)
    parts: list[FloatArray] = []
    last, count = 0.0, 0
    while cap is None or count < cap:
        epochs = last + np.cumsum(chunk(len(parts)))
        times = time_changed(
            epochs,
            lambda x: _ramp_cumulative(x, rate, ramp),
            lambda e: _ramp_inverse(e, rate, ramp),
            offset,
            tl,
            "referral",
        )
        parts.append(times)
        last, count = float(epochs[-1]), count + _CHUNK
        if times[-1] > span:
            break
    out = np.concatenate(parts)
    return out[out <= span]


def _monthly(s: Scenario, rng: np.random.Generator, t1: float) -> FloatArray:
    assert s.intake.monthly_counts is not None
    first = s.intake.start or s.period.start
    times: list[FloatArray] = []
    for m, count in enumerate(s.intake.monthly_counts.values):
        y, mo = divmod(first.month - 1 + m, 12)
        start = first.replace(year=first.year + y, month=mo + 1, day=1) if m else first
        y2, mo2 = divmod(first.month + m, 12)
        end = first.replace(year=first.year + y2, month=mo2 + 1, day=1)
        a, b = s.week_of(start), s.week_of(end)
        times.append(np.sort(rng.uniform(a, b, round(count))))
    out = np.concatenate(times) if times else np.empty(0)
    return out[out <= t1]


@dataclass(frozen=True)
class _RowSpec:
    """Everything a citizen's row of draws depends on besides the streams (a block's key).

    The rows are built from this alone (:func:`_citizen_rows`), so two settings with equal
    specs read the same rows; the referral times (and the business-as-usual exits, which
    follow them) are drawn per setting.
    """

    width: int  # the columns the scenario can use (its attempt limit + 1)
    shares: tuple[float, ...]  # group shares
    readiness: tuple[Distribution, ...]  # per group
    sector_shares: tuple[float, ...]
    job_hazard: float  # the follow-up support's hazard ratio on job loss (1 without)
    assessment: Distribution
    preparation: Distribution
    preparation_multiplier: float
    placement: Distribution
    ordinary_job: Distribution
    reduced_job: Distribution
    growth: Distribution
    dropout_rate: float  # per week
    hybrid_share: float


def _row_spec(s: Scenario) -> _RowSpec:
    emp, share = s.employment, s.placement.hybrid_share
    return _RowSpec(
        width=int(s.placement.max_attempts.value) + 1,
        shares=tuple(g.share.value for g in s.groups),
        readiness=tuple(g.readiness.build() for g in s.groups),
        sector_shares=tuple(x.share.value for x in s.companies.sectors),
        job_hazard=emp.follow_up_hazard_ratio.value if emp.follow_up_support else 1.0,
        assessment=s.intake.assessment_weeks.build(),
        preparation=s.preparation.duration_weeks.build(),
        preparation_multiplier=s.preparation.support_multiplier.value,
        placement=s.placement.duration_weeks.build(),
        ordinary_job=emp.ordinary_job_weeks.build(),
        reduced_job=emp.reduced_job_weeks.build(),
        growth=emp.hours_growth_weeks.build(),
        dropout_rate=s.dropout.rate_per_week.value,
        hybrid_share=0.0 if share is None else share.value,
    )


def _citizen_rows(spec: _RowSpec, fills: Fills, n: int) -> Block:
    """The per-citizen draws of ``n`` citizens as a block of rows (see :class:`_RowSpec`).

    Every column is computed element by element, so the first rows of a longer block are
    the block of fewer rows.
    """
    width = spec.width

    def kept(a: FloatArray) -> FloatArray:
        return a[:, :width]

    def per_use(duration: Distribution, stream: Stream) -> FloatArray:
        """Durations for each citizen and use the scenario allows (the stream: COLUMNS a row)."""
        return kept(fills.sample(duration, stream, n, COLUMNS))

    def uniforms(stream: Stream) -> FloatArray:
        """Uniforms for each citizen and use the scenario allows (the stream: COLUMNS a row)."""
        return kept(fills.uniforms(stream, n, COLUMNS))

    shares = np.array(spec.shares)
    group = np.searchsorted(np.cumsum(shares[:-1]), fills.uniforms(Stream.GROUP, n), side="right")
    readiness = np.empty(n)
    for i, dist in enumerate(spec.readiness):
        mask = group == i
        readiness[mask] = fills.ppf(dist, Stream.READINESS, n, mask)
    readiness = np.maximum(readiness, 1e-9)[:, None]
    job_hr = spec.job_hazard / readiness
    rate = spec.dropout_rate
    dropout = kept(fills.exponentials(Stream.DROPOUT, n, COLUMNS))
    # Ordinary and reduced jobs share a uniform (a hire is one or the other), and so the
    # same uniform under the citizen's hazard ratio.
    job_u = proportional_hazard_u(uniforms(Stream.JOB_DURATION), job_hr)
    # Whether each placement (column = attempt) has paid hours: it changes no event, so the
    # engines never read it; the results do (see ReplicationResult.log_keys).
    if spec.hybrid_share > 0:
        hybrid = uniforms(Stream.HYBRID_PLACEMENT) < spec.hybrid_share
    else:
        hybrid = np.zeros((n, width), dtype=np.bool_)
    columns = {
        "group": group,
        "readiness": readiness[:, 0],
        "sector": _categorical(fills, Stream.CITIZEN_SECTOR, list(spec.sector_shares), n),
        "assessment": per_use(spec.assessment, Stream.ASSESSMENT),
        "preparation": per_use(spec.preparation, Stream.PREPARATION)
        * (spec.preparation_multiplier / readiness),
        "placement": per_use(spec.placement, Stream.PLACEMENT_DURATION),
        "outcome_u": uniforms(Stream.PLACEMENT_OUTCOME),
        "ordinary_job": spec.ordinary_job.ppf(job_u),
        "reduced_job": spec.reduced_job.ppf(job_u),
        "growth_weeks": per_use(spec.growth, Stream.HOURS_GROWTH),
        "growth_u": uniforms(Stream.GROWTH_DECISION),
        "relapse_u": uniforms(Stream.RELAPSE),
        "after_u": uniforms(Stream.AFTER_PLACEMENT),
        "dropout": dropout * readiness / rate if rate > 0 else np.full(dropout.shape, math.inf),
        "hybrid": hybrid,
    }
    return Block({k: np.ascontiguousarray(v) for k, v in columns.items()})


def draw_citizens(s: Scenario, seed: int, replication: int) -> CitizenDraws:
    """Draw the cohort of one replication (from the kept fills of its streams, see .fills).

    The per-citizen draws other than the referral times are read from a kept block of rows
    (:meth:`Fills.block`) when another setting of the same replication has built it.
    """
    fills = Fills(seed, replication)
    arrival = arrival_times(s, fills)
    n = len(arrival)
    spec = _row_spec(s)
    rows = fills.block("citizen rows", spec, n, partial(_citizen_rows, spec))
    group, readiness = rows["group"], rows["readiness"]
    return CitizenDraws(
        arrival=arrival,
        group=group,
        readiness=readiness,
        sector=rows["sector"],
        **{name: rows[name] for name in _PER_USE},
        usual=draw_usual(s, fills, arrival, group, readiness),
    )


def _categorical(fills: Fills, stream: Stream, shares: list[float], n: int) -> IntArray:
    if not shares:
        return np.full(n, -1, dtype=np.int64)
    edges = np.cumsum(shares[:-1])
    return np.searchsorted(edges, fills.uniforms(stream, n), side="right").astype(np.int64)


def draw_companies(s: Scenario, seed: int, replication: int) -> CompanyDraws:
    """Draw the companies of one replication: who joins when, with what, and for how long."""
    c = s.companies
    initial, most = c.initial.value, c.max_companies.value
    recruited = most - initial
    rate = c.recruitment_per_week.value
    end = s.week_of(s.period.end)
    fills = Fills(seed, replication)
    gaps = fills.exponentials(Stream.COMPANY_RECRUITMENT, recruited)
    if rate <= 0:
        later = np.full(recruited, math.inf)
    elif (tl := timeline(s)).varies("company_recruitment"):
        later = time_changed(
            np.cumsum(gaps), lambda x: rate * x, lambda e: e / rate, 0.0, tl, "company_recruitment"
        )
    else:
        later = np.cumsum(gaps) / rate
    join = np.concatenate([np.zeros(initial), later[later <= end]])
    m = len(join)
    tenure = (
        fills.sample(c.tenure_weeks.build(), Stream.COMPANY_TENURE, m)
        if c.tenure_weeks
        else np.full(m, math.inf)
    )
    willingness = fills.ppf(c.willingness.build(), Stream.COMPANY_WILLINGNESS, m, _ALL)
    return CompanyDraws(
        join=join,
        leave=join + tenure,
        slots=np.full(m, c.slots_per_company.value, dtype=np.int64),
        willingness=np.maximum(willingness, 0.0),
        sector=_categorical(fills, Stream.COMPANY_SECTOR, [x.share.value for x in c.sectors], m),
    )
