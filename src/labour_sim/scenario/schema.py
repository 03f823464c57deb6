"""The scenario schema: what a programme is, as validated, immutable data.

The sections follow ``docs/model.md``: the programme ``period``; the ``intake`` schedule; the
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

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, Strict
from pydantic_core import PydanticUndefined

from ..errors import ScenarioError
from ..metrics import METRICS
from .quantities import (
    MAX_CASELOAD,
    MAX_CASEWORKERS,
    MAX_CITIZENS,
    MAX_COMPANIES,
    MAX_DKK,
    MAX_HAZARD,
    MAX_HOURS_PER_WEEK,
    MAX_MENTORS,
    MAX_MULTIPLIER,
    MAX_PER_MONTH,
    MAX_PER_WEEK,
    MAX_SLOTS,
    MAX_WEEKS,
    ArrayQuantity,
    Caseload,
    Caseworkers,
    Citizens,
    DurationDist,
    Hazard,
    HoursPerWeek,
    Mentors,
    Money,
    Multiplier,
    MultiplierDist,
    PerWeek,
    Probability,
    Quantity,
    Slots,
    Text,
    Version,
    Weeks,
)
from .quantities import Companies as CompanyCount

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
Attempts = Annotated[int, Strict(), Field(ge=1, le=MAX_ATTEMPTS)]
Date = Annotated[dt.date, Strict()]
Flag = Annotated[bool, Strict()]
CostCaseload = Annotated[float, Strict(), Field(gt=0, le=MAX_CASELOAD, allow_inf_nan=False)]
Rate = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
Threshold = Annotated[float, Strict(), Field(ge=0, le=MAX_CITIZENS, allow_inf_nan=False)]

# Why each bound (stated in the format reference and in every error that hits one).
_WEEKS = f"at most {MAX_WEEKS:,.0f} weeks: a working life"
_MULT = f"at most {MAX_MULTIPLIER:g}: a larger effect is another programme, not a lever"
_DKK = f"at most {MAX_DKK:.0e} DKK: several times the Danish state's annual budget"
_HOURS = f"at most {MAX_HOURS_PER_WEEK:g}: the hours in a week"
_PER_WEEK = f"at most {MAX_PER_WEEK:,.0f} a week: the whole Danish benefit pool within months"


def _f(description: str, unit: str | None = None, default: Any = PydanticUndefined) -> Any:
    """A field with its meaning and unit (read by ``docs/scenario-format.md``'s generator)."""
    return Field(default, description=description, json_schema_extra={"unit": unit})


class Period(BaseModel):
    """Programme period (calendar dates) and how long outcomes are followed after its end."""

    model_config = _FROZEN
    start: Date = _f("first day of the programme; week 0", "date")
    end: Date = _f("last day of the programme", "date")
    follow_up_weeks: Quantity[Weeks] = _f(
        f"weeks simulated after the end, to see retention ({_WEEKS})", "weeks"
    )


class Intake(BaseModel):
    """Referral schedule: a Poisson rate with a linear ramp-up, or fixed monthly counts."""

    model_config = _FROZEN
    schedule: Literal["poisson", "monthly"] = _f(
        "'poisson': random referrals at rate_per_week; 'monthly': fixed monthly_counts"
    )
    start: Date | None = _f("first referral date (default: period.start)", "date", None)
    end: Date | None = _f("last referral date (default: period.end)", "date", None)
    rate_per_week: Quantity[PerWeek] | None = _f(
        f"referrals per week once ramped up (poisson schedule; {_PER_WEEK})",
        "citizens/week",
        None,
    )
    ramp_up_weeks: Quantity[Weeks] | None = _f(
        f"weeks over which the rate rises linearly from 0 (poisson schedule; {_WEEKS})",
        "weeks",
        None,
    )
    monthly_counts: ArrayQuantity | None = _f(
        f"referrals in each month from the start (monthly schedule; at most "
        f"{MAX_PER_MONTH:,.0f} a month, for at most 100 years)",
        "citizens/month",
        None,
    )
    cohort_max: Quantity[Citizens] | None = _f(
        f"cap on referrals in total (at most {MAX_CITIZENS:,}: more than all working-age "
        "Danes on public benefits)",
        "citizens",
        None,
    )
    assessment_weeks: DurationDist = _f("time of the intake assessment", "weeks")


class Group(BaseModel):
    """A target group of the cohort and the readiness distribution of its members."""

    model_config = _FROZEN
    name: Text = Field(min_length=1, description="short name, unique in the scenario")
    description: Text = _f("what the group is", None, "")
    share: Quantity[Probability] = _f("share of referrals from this group", "share")
    readiness: MultiplierDist = _f(
        "closeness to the labour market (mean about 1): divides preparation time and "
        "hazards, multiplies hiring probabilities",
        "multiplier",
    )
    benefit_dkk_per_week: Quantity[Money] | None = _f(
        "benefit paid per week while not in paid work (default: costs.benefit_dkk_per_week)",
        "DKK/week",
        None,
    )


class Sector(BaseModel):
    """A sector of companies and citizens' interests (used when slots are matched)."""

    model_config = _FROZEN
    name: Text = Field(min_length=1, description="sector name")
    share: Quantity[Probability] = _f("share of companies and of citizens in it", "share")


class Companies(BaseModel):
    """Companies recruited over time, their slots, willingness to hire and churn."""

    model_config = _FROZEN
    initial: Quantity[CompanyCount] = _f("companies on board at the start", "companies")
    max_companies: Quantity[CompanyCount] = _f(
        f"most companies ever recruited (at most {MAX_COMPANIES:,}: more than all firms "
        "with employees in Denmark)",
        "companies",
    )
    recruitment_per_week: Quantity[PerWeek] = _f(
        f"companies recruited a week until max_companies ({_PER_WEEK})", "companies/week"
    )
    slots_per_company: Quantity[Slots] = _f(
        f"citizens a company hosts at a time (1 to {MAX_SLOTS:,}: a host of more is not a "
        "company placement)",
        "slots",
    )
    willingness: MultiplierDist = _f(
        "multiplier on the hiring probabilities of placements the company hosts (mean ~1)",
        "multiplier",
    )
    tenure_weeks: DurationDist | None = _f(
        "time a company stays before it leaves (default: stays)", "weeks", None
    )
    sectors: tuple[Sector, ...] = _f("sectors of companies and citizens", None, ())
    match_sector: Flag = _f("place citizens only in companies of their sector", None, False)


class Staff(BaseModel):
    """Caseworkers and mentors; a count left out means that capacity is not limited."""

    model_config = _FROZEN
    caseworkers: Quantity[Caseworkers] | None = _f(
        f"caseworkers (default: not limited; at most {MAX_CASEWORKERS:,}: more than all "
        "Danish job centres employ)",
        "caseworkers",
        None,
    )
    caseload: Quantity[Caseload] | None = _f(
        f"cases per caseworker (1 to {MAX_CASELOAD:,})", "cases", None
    )
    mentors: Quantity[Mentors] | None = _f(
        f"mentors (default: not limited; at most {MAX_MENTORS:,})", "mentors", None
    )
    mentees_per_mentor: Quantity[Caseload] | None = _f(
        f"citizens a mentor supports at a time (1 to {MAX_CASELOAD:,})", "mentees", None
    )
    mentor_required: Flag = _f("wait for a mentor before a placement starts", None, False)


class Preparation(BaseModel):
    """Upskilling, health and social support before a placement."""

    model_config = _FROZEN
    duration_weeks: DurationDist = _f("time in preparation, for readiness 1", "weeks")
    support_multiplier: Quantity[Multiplier] = _f(
        f"multiplies preparation time (below 1: more support, faster; {_MULT})", "multiplier"
    )


class PlacementOutcomes(BaseModel):
    """Probability of each way a placement ends, for readiness 1, without a mentor."""

    model_config = _FROZEN
    ordinary: Quantity[Probability] = _f("hired on ordinary hours", "probability")
    reduced: Quantity[Probability] = _f("hired into a small job (reduced hours)", "probability")
    flexjob: Quantity[Probability] = _f("into a flexjob", "probability")
    education: Quantity[Probability] = _f("into education", "probability")


class Placement(BaseModel):
    """Company placement (internship, small job or wage subsidy) and how it ends."""

    model_config = _FROZEN
    duration_weeks: DurationDist = _f("length of a placement", "weeks")
    outcomes: PlacementOutcomes = _f("how a placement ends (the rest: not hired)")
    mentor_multiplier: Quantity[Multiplier] = _f(
        f"multiplies the hiring probabilities when the citizen has a mentor ({_MULT})",
        "multiplier",
    )
    max_attempts: Quantity[Attempts] = _f(
        f"placements per citizen at most (1 to {MAX_ATTEMPTS})", "placements"
    )
    back_to_preparation: Quantity[Probability] = _f(
        "after a placement without hire: share who go back to preparation", "share"
    )


class Employment(BaseModel):
    """Jobs after a placement: spells, growth of small jobs, follow-up support, relapse."""

    model_config = _FROZEN
    ordinary_job_weeks: DurationDist = _f("length of a job on ordinary hours", "weeks")
    reduced_job_weeks: DurationDist = _f("length of a small job", "weeks")
    reduced_to_ordinary: Quantity[Probability] = _f(
        "chance a small job grows to ordinary hours", "probability"
    )
    hours_growth_weeks: DurationDist = _f("time until a small job grows", "weeks")
    follow_up_support: Flag = _f("support continues after hire", None, True)
    follow_up_hazard_ratio: Quantity[Multiplier] = _f(
        f"multiplies the job-loss hazard under follow-up support ({_MULT})", "hazard ratio"
    )
    relapse_to_programme: Quantity[Probability] = _f(
        "chance that a citizen who loses a job is referred again", "probability"
    )


class Dropout(BaseModel):
    """Leaving the programme for illness, moving, another benefit or other reasons."""

    model_config = _FROZEN
    rate_per_week: Quantity[Hazard] = _f(
        f"dropout hazard while active, for readiness 1 (at most {MAX_HAZARD:g}: leaving "
        "within a day on average)",
        "1/week",
    )


class Budget(BaseModel):
    """The money behind the programme."""

    model_config = _FROZEN
    grant_dkk: Quantity[Money] | None = _f(f"grant for the programme ({_DKK})", "DKK", None)


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
    benefit_dkk_per_week: Quantity[Money] | None = _f(
        "benefit per week while not in paid work, for groups without their own",
        "DKK/week",
        None,
    )
    mentor_hours_per_week: Quantity[HoursPerWeek] | None = _f(
        f"mentor hours per mentee per week of a mentored placement ({_HOURS})",
        "hours/mentee/week",
        None,
    )
    mentor_dkk_per_hour: Quantity[Money] | None = _f("mentor pay", "DKK/hour", None)
    caseworker_dkk_per_year: Quantity[Money] | None = _f(
        "annual cost of one caseworker (salary and overhead)", "DKK/year", None
    )
    caseload: Quantity[CostCaseload] | None = _f(
        f"cases per caseworker used for costing (default: staff.caseload; at most "
        f"{MAX_CASELOAD:,})",
        "cases",
        None,
    )
    reduced_job_benefit_kept: Quantity[Probability] | None = _f(
        "share of the benefit still paid during a small job (earnings are offset against "
        "it; default 0: a small job saves the whole benefit)",
        "share",
        None,
    )
    wage_subsidy_dkk_per_hour: Quantity[Money] | None = _f(
        "wage subsidy (loentilskud) per subsidised hour", "DKK/hour", None
    )
    wage_subsidy_hours_per_week: Quantity[HoursPerWeek] | None = _f(
        f"subsidised paid hours per week during a placement ({_HOURS})", "hours/week", None
    )
    flexjob_subsidy_dkk_per_month: Quantity[Money] | None = _f(
        "flexjob subsidy (fleksloentilskud) while in a flexjob", "DKK/month", None
    )
    intake_dkk: Quantity[Money] | None = _f("intake assessment, per referral", "DKK/referral", None)
    company_recruitment_dkk: Quantity[Money] | None = _f(
        "recruiting one company", "DKK/company", None
    )
    mentor_training_dkk: Quantity[Money] | None = _f(
        "training one mentor (per mentor in staff.mentors)", "DKK/mentor", None
    )
    fixed_dkk_per_month: Quantity[Money] | None = _f(
        "management, evaluation: per month of the programme period", "DKK/month", None
    )
    discount_rate_per_year: Quantity[Rate] | None = _f(
        "discount rate for costs and savings (default 0)", "1/year", None
    )
    savings_follow_up_weeks: Quantity[Weeks] | None = _f(
        "weeks after period.end over which benefit savings count (default: the whole follow-up)",
        "weeks",
        None,
    )


class Target(BaseModel):
    """A promise: at least ``threshold`` of ``metric`` by ``date``."""

    model_config = _FROZEN
    name: Text = Field(min_length=1, description="short name, unique in the scenario")
    metric: MetricName = _f("what is counted (see the metrics table)")
    threshold: Quantity[Threshold] = _f(
        f"the promised count (at most {MAX_CITIZENS:,})", "citizens or companies"
    )
    date: Date = _f("by when", "date")
    description: Text = _f("the promise in words", None, "")


class Scenario(BaseModel):
    """A programme scenario: immutable and validated; a what-if is a validated copy.

    Build one with :func:`labour_sim.load_scenario`; change one with :meth:`with_changes`.
    """

    model_config = _FROZEN
    _origin: str | None = PrivateAttr(default=None)
    _text: str | None = PrivateAttr(default=None)
    schema_version: Version = _f("version of this format", None, 1)
    name: Text = Field(min_length=1, description="the programme's name")
    description: Text = _f("what the programme does and promised", None, "")
    sources: dict[Text, Text] = _f(
        "key = URL or seed article file name; cited by the numbers' source fields", None, {}
    )
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

    def with_provenance(self, origin: str | None, text: str | None) -> Scenario:
        """A copy of the scenario marked as read from ``origin``, with file text ``text``.

        The one place a scenario's provenance is set (files, what-if copies, saved results
        and unpickling all come through here). Returns a shallow copy; the content, and so
        :attr:`hash`, is unchanged.
        """
        stamped = self.model_copy()
        stamped._origin = origin
        stamped._text = text
        return stamped

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Parametrised generic models (Quantity[...]) cannot be pickled by reference, so a
        # scenario travels to worker processes as its plain data (dates stay dates).
        return _rebuild, (self.model_dump(mode="python"), self.origin, self.text)

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
    """Unpickle a scenario (see ``Scenario.__reduce__``).

    The data were checked when the scenario was made, so only the schema is applied (to
    rebuild the typed sections, in compiled code) and not the loader's cross-field checks.
    """
    return Scenario.model_validate(data).with_provenance(origin, text)
