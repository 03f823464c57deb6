"""The sections of a scenario: what a programme is, as validated, immutable data.

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
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict
from pydantic_core import PydanticUndefined

from ..metrics import ALL_METRICS
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
    Weeks,
)
from .quantities import Companies as CompanyCount

__all__ = [
    "FROZEN",
    "MAX_ATTEMPTS",
    "Accounts",
    "Budget",
    "BusinessAsUsual",
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
    "Sector",
    "Staff",
    "Target",
    "UsualGroup",
    "UsualRates",
    "described",
    "target_spec",
]

#: Upper bound on placement attempts per citizen; fixes the layout of per-citizen draws.
MAX_ATTEMPTS = 8

FROZEN = ConfigDict(frozen=True, extra="forbid")

MetricName = Literal[ALL_METRICS]  # type: ignore[valid-type]
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


def described(description: str, unit: str | None = None, default: Any = PydanticUndefined) -> Any:
    """A field with its meaning and unit (read by ``docs/scenario-format.md``'s generator)."""
    return Field(default, description=description, json_schema_extra={"unit": unit})


class Period(BaseModel):
    """Programme period (calendar dates) and how long outcomes are followed after its end."""

    model_config = FROZEN
    start: Date = described("first day of the programme; week 0", "date")
    end: Date = described("last day of the programme", "date")
    follow_up_weeks: Quantity[Weeks] = described(
        f"weeks simulated after the end, to see retention ({_WEEKS})", "weeks"
    )


class Intake(BaseModel):
    """Referral schedule: a Poisson rate with a linear ramp-up, or fixed monthly counts."""

    model_config = FROZEN
    schedule: Literal["poisson", "monthly"] = described(
        "'poisson': random referrals at rate_per_week; 'monthly': fixed monthly_counts"
    )
    start: Date | None = described("first referral date (default: period.start)", "date", None)
    end: Date | None = described("last referral date (default: period.end)", "date", None)
    rate_per_week: Quantity[PerWeek] | None = described(
        f"referrals per week once ramped up (poisson schedule; {_PER_WEEK})",
        "citizens/week",
        None,
    )
    ramp_up_weeks: Quantity[Weeks] | None = described(
        f"weeks over which the rate rises linearly from 0 (poisson schedule; {_WEEKS})",
        "weeks",
        None,
    )
    monthly_counts: ArrayQuantity | None = described(
        f"referrals in each month from the start (monthly schedule; at most "
        f"{MAX_PER_MONTH:,.0f} a month, for at most 100 years)",
        "citizens/month",
        None,
    )
    cohort_max: Quantity[Citizens] | None = described(
        f"cap on referrals in total (at most {MAX_CITIZENS:,}: more than all working-age "
        "Danes on public benefits)",
        "citizens",
        None,
    )
    assessment_weeks: DurationDist = described("time of the intake assessment", "weeks")


class Group(BaseModel):
    """A target group of the cohort and the readiness distribution of its members."""

    model_config = FROZEN
    name: Text = Field(min_length=1, description="short name, unique in the scenario")
    description: Text = described("what the group is", None, "")
    share: Quantity[Probability] = described("share of referrals from this group", "share")
    readiness: MultiplierDist = described(
        "closeness to the labour market (mean about 1): divides preparation time and "
        "hazards, multiplies hiring probabilities",
        "multiplier",
    )
    benefit_dkk_per_week: Quantity[Money] | None = described(
        "benefit paid per week while not in paid work (default: costs.benefit_dkk_per_week)",
        "DKK/week",
        None,
    )


class Sector(BaseModel):
    """A sector of companies and citizens' interests (used when slots are matched)."""

    model_config = FROZEN
    name: Text = Field(min_length=1, description="sector name")
    share: Quantity[Probability] = described("share of companies and of citizens in it", "share")


class Companies(BaseModel):
    """Companies recruited over time, their slots, willingness to hire and churn."""

    model_config = FROZEN
    initial: Quantity[CompanyCount] = described("companies on board at the start", "companies")
    max_companies: Quantity[CompanyCount] = described(
        f"most companies ever recruited (at most {MAX_COMPANIES:,}: more than all firms "
        "with employees in Denmark)",
        "companies",
    )
    recruitment_per_week: Quantity[PerWeek] = described(
        f"companies recruited a week until max_companies ({_PER_WEEK})", "companies/week"
    )
    slots_per_company: Quantity[Slots] = described(
        f"citizens a company hosts at a time (1 to {MAX_SLOTS:,}: a host of more is not a "
        "company placement)",
        "slots",
    )
    willingness: MultiplierDist = described(
        "multiplier on the hiring probabilities of placements the company hosts (mean ~1)",
        "multiplier",
    )
    tenure_weeks: DurationDist | None = described(
        "time a company stays before it leaves (default: stays)", "weeks", None
    )
    sectors: tuple[Sector, ...] = described("sectors of companies and citizens", None, ())
    match_sector: Flag = described("place citizens only in companies of their sector", None, False)


class Staff(BaseModel):
    """Caseworkers and mentors; a count left out means that capacity is not limited."""

    model_config = FROZEN
    caseworkers: Quantity[Caseworkers] | None = described(
        f"caseworkers (default: not limited; at most {MAX_CASEWORKERS:,}: more than all "
        "Danish job centres employ)",
        "caseworkers",
        None,
    )
    caseload: Quantity[Caseload] | None = described(
        f"cases per caseworker (1 to {MAX_CASELOAD:,})", "cases", None
    )
    mentors: Quantity[Mentors] | None = described(
        f"mentors (default: not limited; at most {MAX_MENTORS:,})", "mentors", None
    )
    mentees_per_mentor: Quantity[Caseload] | None = described(
        f"citizens a mentor supports at a time (1 to {MAX_CASELOAD:,})", "mentees", None
    )
    mentor_required: Flag = described("wait for a mentor before a placement starts", None, False)


class Preparation(BaseModel):
    """Upskilling, health and social support before a placement."""

    model_config = FROZEN
    duration_weeks: DurationDist = described("time in preparation, for readiness 1", "weeks")
    support_multiplier: Quantity[Multiplier] = described(
        f"multiplier on preparation time (below 1: more support, faster; {_MULT})", "multiplier"
    )


class PlacementOutcomes(BaseModel):
    """Probability of each way a placement ends, for readiness 1, without a mentor."""

    model_config = FROZEN
    ordinary: Quantity[Probability] = described("hired on ordinary hours", "probability")
    reduced: Quantity[Probability] = described(
        "hired into a small job (reduced hours)", "probability"
    )
    flexjob: Quantity[Probability] = described("into a flexjob", "probability")
    education: Quantity[Probability] = described("into education", "probability")


class Placement(BaseModel):
    """Company placement (internship, small job or wage subsidy) and how it ends."""

    model_config = FROZEN
    duration_weeks: DurationDist = described("length of a placement", "weeks")
    outcomes: PlacementOutcomes = described("how a placement ends (the rest: not hired)")
    mentor_multiplier: Quantity[Multiplier] = described(
        f"multiplies the hiring probabilities when the citizen has a mentor ({_MULT})",
        "multiplier",
    )
    max_attempts: Quantity[Attempts] = described(
        f"placement attempts per citizen (at most; 1 to {MAX_ATTEMPTS})", "placements"
    )
    back_to_preparation: Quantity[Probability] = described(
        "after a placement without hire: share who go back to preparation", "share"
    )
    hybrid_share: Quantity[Probability] | None = described(
        "share of placements that are hybrid: a few paid hours in the company alongside the "
        "internship or wage subsidy (counted by the hybrid metrics; no other effect); none if "
        "left out",
        "share",
        None,
    )


class Employment(BaseModel):
    """Jobs after a placement: spells, growth of small jobs, follow-up support, relapse."""

    model_config = FROZEN
    ordinary_job_weeks: DurationDist = described("length of a job on ordinary hours", "weeks")
    reduced_job_weeks: DurationDist = described("length of a small job", "weeks")
    reduced_to_ordinary: Quantity[Probability] = described(
        "chance a small job grows to ordinary hours", "probability"
    )
    hours_growth_weeks: DurationDist = described("time until a small job grows", "weeks")
    follow_up_support: Flag = described("support continues after hire", None, True)
    follow_up_hazard_ratio: Quantity[Multiplier] = described(
        f"multiplier on the job-loss hazard under follow-up support ({_MULT})", "hazard ratio"
    )
    relapse_to_programme: Quantity[Probability] = described(
        "chance that a citizen who loses a job is referred again", "probability"
    )


class Dropout(BaseModel):
    """Leaving the programme for illness, moving, another benefit or other reasons."""

    model_config = FROZEN
    rate_per_week: Quantity[Hazard] = described(
        f"dropout hazard while active, for readiness 1 (at most {MAX_HAZARD:g}: leaving "
        "within a day on average)",
        "1/week",
    )


class UsualRates(BaseModel):
    """Business-as-usual hazards: moving off benefit without the programme (for readiness 1).

    A citizen leaves benefit for ordinary work, a flexjob or education at these competing
    hazards, times readiness and the calendar-time hiring conditions, whenever not in a
    programme placement or programme job (see :mod:`labour_sim.model.usual`).
    """

    model_config = FROZEN
    ordinary: Quantity[Hazard] = described("hazard of finding ordinary work", "1/week")
    flexjob: Quantity[Hazard] = described("hazard of moving into a flexjob", "1/week")
    education: Quantity[Hazard] = described("hazard of starting education", "1/week")


class UsualGroup(UsualRates):
    """The business-as-usual hazards of one target group, by the group's name."""

    name: Text = Field(min_length=1, description="a group name (groups not named use default)")


class BusinessAsUsual(BaseModel):
    """What would happen without the programme: base exit rates per target group."""

    model_config = FROZEN
    default: UsualRates = described("hazards of groups not named in groups")
    groups: tuple[UsualGroup, ...] = described("hazards of named target groups", None, ())

    def rates(self, group: str) -> UsualRates:
        """The hazards of the group called ``group`` (else the default)."""
        for g in self.groups:
            if g.name == group:
                return g
        return self.default


class Accounts(BaseModel):
    """Who pays what: the refusion of benefits by benefit duration, discounting, payers.

    The state refunds the municipality a share of each benefit week that falls with the
    citizen's weeks on benefit (the 2016 refusion reform's staircase); subsidies are
    refunded at one share; the programme's own cost falls on ``programme_paid_by``.
    """

    model_config = FROZEN
    refusion_weeks_1_4: Quantity[Probability] = described(
        "state refusion of benefit in a citizen's weeks 1-4 on benefit", "share"
    )
    refusion_weeks_5_26: Quantity[Probability] = described("refusion in weeks 5-26", "share")
    refusion_weeks_27_52: Quantity[Probability] = described("refusion in weeks 27-52", "share")
    refusion_after_52: Quantity[Probability] = described("refusion after week 52", "share")
    subsidy_refusion: Quantity[Probability] = described(
        "state refusion of wage and flexjob subsidies", "share"
    )
    benefit_weeks_at_referral: Quantity[Weeks] = described(
        "weeks a citizen has been on benefit when referred", "weeks"
    )
    discount_rate_per_year: Quantity[Rate] = described(
        "discount rate of the business case (real, per year)", "1/year"
    )
    programme_paid_by: Literal["municipality", "state", "funder"] = described(
        "who pays the programme's own cost (the grant): the municipality, the state, or an "
        "outside funder such as a foundation (then in neither public account)",
        None,
        "municipality",
    )


class Budget(BaseModel):
    """The money behind the programme."""

    model_config = FROZEN
    grant_dkk: Quantity[Money] | None = described(f"grant for the programme ({_DKK})", "DKK", None)


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

    model_config = FROZEN
    benefit_dkk_per_week: Quantity[Money] | None = described(
        "benefit per week while not in paid work, for groups without their own",
        "DKK/week",
        None,
    )
    mentor_hours_per_week: Quantity[HoursPerWeek] | None = described(
        f"mentor hours per mentee per week of a mentored placement ({_HOURS})",
        "hours/mentee/week",
        None,
    )
    mentor_dkk_per_hour: Quantity[Money] | None = described("mentor pay", "DKK/hour", None)
    caseworker_dkk_per_year: Quantity[Money] | None = described(
        "annual cost of one caseworker (salary and overhead)", "DKK/year", None
    )
    caseload: Quantity[CostCaseload] | None = described(
        f"cases per caseworker used for costing (default: staff.caseload; at most "
        f"{MAX_CASELOAD:,})",
        "cases",
        None,
    )
    reduced_job_benefit_kept: Quantity[Probability] | None = described(
        "share of the benefit still paid during a small job (earnings are offset against "
        "it; default 0: a small job saves the whole benefit)",
        "share",
        None,
    )
    wage_subsidy_dkk_per_hour: Quantity[Money] | None = described(
        "wage subsidy (loentilskud) per subsidised hour", "DKK/hour", None
    )
    wage_subsidy_hours_per_week: Quantity[HoursPerWeek] | None = described(
        f"subsidised paid hours per week during a placement ({_HOURS})", "hours/week", None
    )
    flexjob_subsidy_dkk_per_month: Quantity[Money] | None = described(
        "flexjob subsidy (fleksloentilskud) while in a flexjob", "DKK/month", None
    )
    intake_dkk: Quantity[Money] | None = described(
        "intake assessment, per referral", "DKK/referral", None
    )
    company_recruitment_dkk: Quantity[Money] | None = described(
        "recruiting one company", "DKK/company", None
    )
    mentor_training_dkk: Quantity[Money] | None = described(
        "training one mentor (per mentor in staff.mentors)", "DKK/mentor", None
    )
    fixed_dkk_per_month: Quantity[Money] | None = described(
        "management, evaluation: per month of the programme period", "DKK/month", None
    )
    discount_rate_per_year: Quantity[Rate] | None = described(
        "discount rate for costs and savings (default 0)", "1/year", None
    )
    savings_follow_up_weeks: Quantity[Weeks] | None = described(
        "weeks after period.end over which benefit savings count (default: the whole follow-up)",
        "weeks",
        None,
    )


class Target(BaseModel):
    """A promise: at least ``threshold`` of ``metric`` by ``date``."""

    model_config = FROZEN
    name: Text = Field(min_length=1, description="short name, unique in the scenario")
    metric: MetricName = described("what is counted (see the metrics table)")
    threshold: Quantity[Threshold] = described(
        f"the promised count (at most {MAX_CITIZENS:,})", "citizens or companies"
    )
    date: Date = described("by when", "date")
    description: Text = described("the promise in words", None, "")


def target_spec(target: Target) -> dict[str, str | float]:
    """A target as plain data for results' metadata: ``metric``, ``threshold``, ``date``.

    ``labour_sim.metrics.target_words(**target_spec(t))`` says it in words.
    """
    return {"metric": target.metric, "threshold": float(target.threshold.value),
            "date": target.date.isoformat()}  # fmt: skip
