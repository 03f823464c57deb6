"""The scenario schema: what a programme is, as validated, immutable data.

The sections follow ``MODEL.md``: the programme ``period``; the ``intake`` schedule; the
cohort's target ``groups``; ``companies`` and their slots; ``staff`` capacity; the
``preparation``, ``placement`` and ``employment`` stages; ``dropout``; and the ``targets``
that the programme promised. Every number is a :class:`Quantity` or :class:`DistQuantity`
with a unit and a source or an assumption. Time is in weeks from ``period.start``; money
in DKK.

Lever effects are explicit multipliers that a scenario states and calibration can estimate:

* a citizen's ``readiness`` r (mean about 1) divides the preparation time, multiplies the
  probability of each hiring outcome, and divides the dropout and job-loss hazards;
* a company's ``willingness`` multiplies the hiring probabilities of placements it hosts;
* ``placement.mentor_multiplier`` multiplies them again when the citizen has a mentor;
* ``preparation.support_multiplier`` multiplies the preparation time (below 1: more support);
* ``employment.follow_up_hazard_ratio`` multiplies the job-loss hazard when follow-up
  support after hire is given.

Hiring probabilities are capped so that they sum to at most 1; the rest is "not hired".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..errors import ScenarioError
from ..metrics import METRICS
from .quantities import (
    ArrayQuantity,
    Count,
    DistQuantity,
    NonNegative,
    Positive,
    PositiveInt,
    Probability,
    Quantity,
)

__all__ = [
    "MAX_ATTEMPTS",
    "Budget",
    "Companies",
    "Costs",
    "Dropout",
    "Employment",
    "Group",
    "Intake",
    "Period",
    "Placement",
    "PlacementOutcomes",
    "Preparation",
    "Scenario",
    "Sector",
    "Staff",
    "Target",
]

#: Upper bound on placement attempts per citizen; fixes the layout of per-citizen draws.
MAX_ATTEMPTS = 8

_FROZEN = ConfigDict(frozen=True, extra="forbid")

MetricName = Literal[METRICS]  # type: ignore[valid-type]
Attempts = Annotated[int, Field(ge=1, le=MAX_ATTEMPTS)]


class Period(BaseModel):
    """Programme period (calendar dates) and how long outcomes are followed after its end."""

    model_config = _FROZEN
    start: dt.date
    end: dt.date
    follow_up_weeks: Quantity[NonNegative]


class Intake(BaseModel):
    """Referral schedule: a Poisson rate with a linear ramp-up, or fixed monthly counts."""

    model_config = _FROZEN
    schedule: Literal["poisson", "monthly"]
    start: dt.date | None = Field(None, description="first referral date (default: period start)")
    end: dt.date | None = Field(None, description="last referral date (default: period end)")
    rate_per_week: Quantity[NonNegative] | None = Field(
        None, description="referrals per week once ramped up (poisson schedule)"
    )
    ramp_up_weeks: Quantity[NonNegative] | None = Field(
        None, description="weeks over which the rate rises linearly from 0 (poisson schedule)"
    )
    monthly_counts: ArrayQuantity | None = Field(
        None, description="referrals in each calendar month from the start (monthly schedule)"
    )
    cohort_max: Quantity[Count] | None = Field(None, description="cap on referrals in total")
    assessment_weeks: DistQuantity = Field(description="intake assessment time, weeks")


class Group(BaseModel):
    """A target group of the cohort and the readiness distribution of its members."""

    model_config = _FROZEN
    name: str = Field(min_length=1)
    description: str = ""
    share: Quantity[Probability]
    readiness: DistQuantity
    benefit_dkk_per_week: Quantity[NonNegative] | None = Field(
        None,
        description="benefit paid per week while not in paid work, DKK (default: "
        "costs.benefit_dkk_per_week)",
    )


class Sector(BaseModel):
    """A sector of companies and citizens' interests (used when slots are matched)."""

    model_config = _FROZEN
    name: str = Field(min_length=1)
    share: Quantity[Probability]


class Companies(BaseModel):
    """Companies recruited over time, their slots, willingness to hire and churn."""

    model_config = _FROZEN
    initial: Quantity[Count] = Field(description="companies on board at the start")
    max_companies: Quantity[Count] = Field(description="most companies ever recruited")
    recruitment_per_week: Quantity[NonNegative] = Field(description="companies recruited a week")
    slots_per_company: Quantity[PositiveInt] = Field(description="placement slots per company")
    willingness: DistQuantity = Field(description="multiplier on hiring probabilities, mean ~1")
    tenure_weeks: DistQuantity | None = Field(None, description="time before a company leaves")
    sectors: tuple[Sector, ...] = ()
    match_sector: bool = False


class Staff(BaseModel):
    """Caseworkers and mentors; a count left out means that capacity is not limited."""

    model_config = _FROZEN
    caseworkers: Quantity[Count] | None = None
    caseload: Quantity[PositiveInt] | None = Field(None, description="cases per caseworker")
    mentors: Quantity[Count] | None = None
    mentees_per_mentor: Quantity[PositiveInt] | None = None
    mentor_required: bool = Field(False, description="wait for a mentor before a placement")


class Preparation(BaseModel):
    """Upskilling, health and social support before a placement."""

    model_config = _FROZEN
    duration_weeks: DistQuantity
    support_multiplier: Quantity[Positive]


class PlacementOutcomes(BaseModel):
    """Probability of each way a placement ends, for readiness 1, without a mentor."""

    model_config = _FROZEN
    ordinary: Quantity[Probability]
    reduced: Quantity[Probability]
    flexjob: Quantity[Probability]
    education: Quantity[Probability]


class Placement(BaseModel):
    """Company placement (internship, small job or wage subsidy) and how it ends."""

    model_config = _FROZEN
    duration_weeks: DistQuantity
    outcomes: PlacementOutcomes
    mentor_multiplier: Quantity[Positive]
    max_attempts: Quantity[Attempts]
    back_to_preparation: Quantity[Probability] = Field(
        description="after a placement without hire: share who go back to preparation"
    )


class Employment(BaseModel):
    """Jobs after a placement: spells, growth of small jobs, follow-up support, relapse."""

    model_config = _FROZEN
    ordinary_job_weeks: DistQuantity
    reduced_job_weeks: DistQuantity
    reduced_to_ordinary: Quantity[Probability]
    hours_growth_weeks: DistQuantity
    follow_up_support: bool = True
    follow_up_hazard_ratio: Quantity[Positive]
    relapse_to_programme: Quantity[Probability]


class Dropout(BaseModel):
    """Leaving the programme for illness, moving, another benefit or other reasons."""

    model_config = _FROZEN
    rate_per_week: Quantity[NonNegative]


class Budget(BaseModel):
    """The money behind the programme."""

    model_config = _FROZEN
    grant_dkk: Quantity[NonNegative] | None = Field(
        None, description="grant for the programme, DKK"
    )


class Costs(BaseModel):
    """Cost inputs, DKK. Every field is optional; a missing rate costs nothing.

    Grant-funded programme costs: mentors (hours x rate while a mentored placement lasts),
    one-off costs (intake assessment per referral, recruiting a company, training a mentor)
    and a fixed cost per month of the programme period. Public costs add caseworker time
    (annual cost / 52 / caseload per citizen-week holding a case), benefits paid while a
    citizen is not in paid work, wage subsidy during placements and flexjob subsidy.
    Benefit savings are counted for weeks in paid work up to ``savings_follow_up_weeks``
    after the period's end; amounts are discounted to ``period.start`` at
    ``discount_rate_per_year``.
    """

    model_config = _FROZEN
    benefit_dkk_per_week: Quantity[NonNegative] | None = Field(
        None, description="benefit per week while not in paid work, for groups without their own"
    )
    mentor_hours_per_week: Quantity[NonNegative] | None = Field(
        None, description="mentor hours per mentee per week of a mentored placement"
    )
    mentor_dkk_per_hour: Quantity[NonNegative] | None = None
    caseworker_dkk_per_year: Quantity[NonNegative] | None = Field(
        None, description="annual cost of one caseworker (salary and overhead)"
    )
    caseload: Quantity[Positive] | None = Field(
        None, description="cases per caseworker used for costing (default: staff.caseload)"
    )
    wage_subsidy_dkk_per_hour: Quantity[NonNegative] | None = None
    wage_subsidy_hours_per_week: Quantity[NonNegative] | None = Field(
        None, description="subsidised paid hours per week during a placement"
    )
    flexjob_subsidy_dkk_per_month: Quantity[NonNegative] | None = None
    intake_dkk: Quantity[NonNegative] | None = Field(None, description="per referral")
    company_recruitment_dkk: Quantity[NonNegative] | None = Field(
        None, description="per company joined"
    )
    mentor_training_dkk: Quantity[NonNegative] | None = Field(None, description="per mentor")
    fixed_dkk_per_month: Quantity[NonNegative] | None = Field(
        None, description="management, evaluation: per month of the programme period"
    )
    discount_rate_per_year: Quantity[Annotated[float, Field(ge=0, le=1)]] | None = None
    savings_follow_up_weeks: Quantity[NonNegative] | None = Field(
        None, description="weeks after period.end over which savings count (<= follow-up)"
    )


class Target(BaseModel):
    """A promise: at least ``threshold`` of ``metric`` by ``date``."""

    model_config = _FROZEN
    name: str = Field(min_length=1)
    metric: MetricName
    threshold: Quantity[NonNegative]
    date: dt.date
    description: str = ""


class Scenario(BaseModel):
    """A programme scenario: immutable and validated; a what-if is a validated copy.

    Build one with :func:`labour_sim.load_scenario`; change one with :meth:`with_changes`.
    """

    model_config = _FROZEN
    _origin: str | None = PrivateAttr(default=None)
    _text: str | None = PrivateAttr(default=None)
    schema_version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    sources: dict[str, str] = {}
    period: Period
    intake: Intake
    groups: tuple[Group, ...] = Field(min_length=1)
    companies: Companies
    staff: Staff = Staff()
    preparation: Preparation
    placement: Placement
    employment: Employment
    dropout: Dropout
    budget: Budget = Budget()
    costs: Costs = Costs()
    targets: tuple[Target, ...] = ()

    # -- derived facts ---------------------------------------------------------------------
    @property
    def origin(self) -> str | None:
        """Path of the file the scenario was loaded from, if any."""
        return self._origin

    @property
    def text(self) -> str | None:
        """The scenario file's text as loaded (before any what-if change)."""
        return self._text

    @cached_property
    def hash(self) -> str:
        """Short, stable hash of the validated content (not of the file's formatting)."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(payload).hexdigest()[:16]

    def week_of(self, date: dt.date) -> float:
        """Weeks from ``period.start`` to ``date``."""
        return (date - self.period.start).days / 7.0

    def date_of(self, week: float) -> dt.date:
        """Calendar date ``week`` weeks after ``period.start`` (rounded down to a day)."""
        return self.period.start + dt.timedelta(days=int(week * 7))

    @property
    def horizon_weeks(self) -> float:
        """Simulated time: the programme period plus the follow-up, weeks."""
        return self.week_of(self.period.end) + self.period.follow_up_weeks.value

    def target(self, name: str) -> Target:
        """The target called ``name``."""
        for t in self.targets:
            if t.name == name:
                return t
        raise ScenarioError.single(
            "targets", f"one of {[t.name for t in self.targets]}", name, self.origin
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Parametrised generic models (Quantity[...]) cannot be pickled by reference, so a
        # scenario travels to worker processes as its validated data and is rebuilt there.
        return _rebuild, (self.model_dump(mode="json"), self.origin, self.text)

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with values changed at dotted paths.

        Parameters
        ----------
        changes : mapping
            ``{"companies.slots_per_company": 2, "groups.refugees.share": 0.2, ...}``.
            A plain number set on a quantity replaces its value (or a distribution's mean)
            and marks it as a what-if assumption; a table replaces the whole quantity.
            List items are addressed by index or by ``name``.

        Raises
        ------
        ScenarioError
            If a path does not exist or the changed scenario is invalid.
        """
        from .changes import apply_changes

        return apply_changes(self, changes)


def _rebuild(data: dict[str, Any], origin: str | None, text: str | None) -> Scenario:
    """Unpickle a scenario (see ``Scenario.__reduce__``)."""
    from .loader import parse_scenario

    scenario = parse_scenario(data, origin=origin)
    scenario._text = text
    return scenario
