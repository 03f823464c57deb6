"""What one replication cost, and what it saved the public purse (DKK).

Costs are a pure function of a replication's sojourns (every stay of every citizen in a
state, in weeks) and the scenario's ``[costs]`` inputs, so they need no random numbers of
their own and common random numbers carry over to them exactly.

Accounting (see :class:`labour_sim.scenario.sections.Costs` for the inputs):

* **programme cost** (what the grant pays), over the programme period ``[0, end]``:
  mentor hours during mentored placements, mentor training (per mentor in
  ``staff.mentors``), intake assessment per referral, recruiting each company that joins,
  and the fixed cost per month;
* **public cost**: the programme cost plus caseworker time (per citizen-week holding a
  case, over the period), and, up to the savings horizon (``end`` plus
  ``savings_follow_up_weeks``, default the whole follow-up), benefits paid while a
  citizen is not in paid work (education counts as not paid work), wage subsidy during
  placements and flexjob subsidy while in a flexjob;
* **benefits saved**: the benefit rate times the weeks in paid work (ordinary, reduced
  hours, flexjob) up to the savings horizon; in a small job only the share not kept
  (``reduced_job_benefit_kept``: earnings are offset against the benefit);
* **net public cost** = public cost - benefits paid - benefits saved: what the programme
  costs beyond keeping every participant on benefit from referral to the savings horizon
  (the counterfactual assumes nobody would have found work without the programme).

Amounts are discounted continuously to ``period.start`` at ``discount_rate_per_year``.
Per-outcome figures divide the programme cost by the number of participants (referred by
the end), of citizens hired into paid work, hired on ordinary hours, and still in paid work
26 weeks after hire (the last three counted at the savings horizon).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import ufuncs
from ..metrics import PER_FIGURES, PROGRAMME_ITEMS
from ..model.states import HOLDS_CASE, PAID, State, table
from ..scenario import Scenario
from .result import ReplicationResult

__all__ = [
    "COST_WEEKS",
    "CostBasis",
    "cost_basis",
    "cost_row",
    "cost_weeks",
    "replication_costs",
    "savings_horizon",
    "savings_horizon_date",
]

WEEKS_PER_MONTH = 52 / 12

FloatArray = NDArray[np.float64]


#: The discounted week sums costs are made of (see :func:`cost_weeks`): mentored placements
#: and case-holding stays up to the programme end; benefit paid (DKK), placements, flexjobs
#: and benefit saved (DKK) up to the savings horizon.
COST_WEEKS = ("mentored", "case", "benefit_paid", "placement", "flexjob", "benefit_saved")


@dataclass(frozen=True)
class CostBasis:
    """What a replication's costs need from its scenario, beyond the sojourns.

    Attributes
    ----------
    end : float
        Programme end, weeks from the start (costs of the programme stop here).
    horizon : float
        Savings horizon, weeks (benefits and subsidies stop here).
    delta : float
        Continuous discount rate per week (0: no discounting).
    benefit : array of float
        Benefit per week of each group, DKK.
    reduced_kept : float
        Share of the benefit still paid in a small job (reduced hours).
    """

    end: float
    horizon: float
    delta: float
    benefit: FloatArray
    reduced_kept: float


def savings_horizon(scenario: Scenario) -> float:
    """Weeks from the start to the savings horizon: the end plus the savings follow-up."""
    end = scenario.week_of(scenario.period.end)
    follow = scenario.costs.savings_follow_up_weeks or scenario.period.follow_up_weeks
    return min(end + follow.value, scenario.horizon_weeks)


def savings_horizon_date(scenario: Scenario) -> dt.date:
    """The date of :func:`savings_horizon` (to the nearest day)."""
    return scenario.period.start + dt.timedelta(days=round(savings_horizon(scenario) * 7))


def cost_basis(scenario: Scenario, result: ReplicationResult) -> CostBasis:
    """The :class:`CostBasis` of ``result`` under ``scenario``'s ``[costs]``."""
    c = scenario.costs
    end = scenario.week_of(scenario.period.end)
    follow = c.savings_follow_up_weeks or scenario.period.follow_up_weeks
    rate = _value(c.discount_rate_per_year)
    return CostBasis(
        end=end,
        horizon=min(end + follow.value, result.horizon),
        delta=math.log1p(rate) / 52,
        benefit=_benefit_rates(scenario),
        reduced_kept=_value(c.reduced_job_benefit_kept),
    )


def cost_weeks(basis: CostBasis, result: ReplicationResult) -> dict[str, float]:
    """The discounted week sums of :data:`COST_WEEKS` from the sojourns, with NumPy.

    The reference for :func:`labour_sim.replication.tally.tally_row`, which must give the
    same floats bit for bit (the same terms, summed in the same order).
    """
    flow = _Flow(basis.delta)
    s = result.sojourns
    state = s.state

    def weeks(mask: NDArray[np.bool_], until: float, per: FloatArray | float = 1.0) -> float:
        """Discounted weeks spent in the sojourns of ``mask`` before ``until`` (x ``per``)."""
        return float((flow.integral(s.enter[mask], s.leave[mask], until) * per).sum())

    benefit = basis.benefit[result.group[s.citizen]]
    paid = table(PAID)[state]
    # Benefit paid during each sojourn: full when not in paid work, a share in a small job.
    kept = np.where(paid, 0.0, 1.0)
    kept[state == State.REDUCED] = basis.reduced_kept
    placement = state == State.PLACEMENT
    every = np.ones_like(paid)
    return {
        "mentored": weeks(placement & s.mentored, basis.end),
        "case": weeks(table(HOLDS_CASE)[state], basis.end),
        "benefit_paid": weeks(every, basis.horizon, benefit * kept),
        "placement": weeks(placement, basis.horizon),
        "flexjob": weeks(state == State.FLEXJOB, basis.horizon),
        "benefit_saved": weeks(every, basis.horizon, benefit * (1.0 - kept)),
    }


def replication_costs(scenario: Scenario, result: ReplicationResult) -> dict[str, Any]:
    """Every cost of one replication (DKK), and whether the programme stayed within its grant.

    Parameters
    ----------
    scenario : Scenario
        Supplies the ``[costs]`` inputs, the period and the grant.
    result : ReplicationResult
        The replication to cost.

    Returns
    -------
    dict
        The columns of :data:`COST_COLUMNS` (DKK; per-outcome figures are ``nan`` when the
        outcome count is 0), ``cost:within_grant`` (bool, ``nan`` without a grant) and
        ``sustained_jobs`` (citizens in paid work 26 weeks after hire, at the savings
        horizon: the denominator of the per-job figures).
    """
    basis = cost_basis(scenario, result)
    return cost_row(scenario, result, basis, cost_weeks(basis, result), result.outcome)


def cost_row(
    scenario: Scenario,
    result: ReplicationResult,
    basis: CostBasis,
    weeks: Mapping[str, float],
    outcome: Callable[[str, float], int],
) -> dict[str, Any]:
    """The costs of :func:`replication_costs` from the week sums of :data:`COST_WEEKS`.

    ``outcome(metric, week)`` counts a metric by a week (as
    :meth:`ReplicationResult.outcome`); it is asked for ``referred`` at ``basis.end`` and
    ``paid``, ``ordinary`` and ``employed_26w`` at ``basis.horizon``.
    """
    c = scenario.costs
    end, horizon = basis.end, basis.horizon
    flow = _Flow(basis.delta)
    out: dict[str, Any] = {
        "cost:mentor": _value(c.mentor_hours_per_week)
        * _value(c.mentor_dkk_per_hour)
        * weeks["mentored"],
        "cost:mentor_training": _value(c.mentor_training_dkk) * _value(scenario.staff.mentors),
        "cost:intake": _value(c.intake_dkk) * flow.points(result.arrival, end),
        "cost:company_recruitment": _value(c.company_recruitment_dkk)
        * flow.points(result.company_join, end),
        "cost:fixed": _value(c.fixed_dkk_per_month)
        / WEEKS_PER_MONTH
        * float(flow.integral(np.zeros(1), np.full(1, end), end)[0]),
    }
    assert out.keys() == PROGRAMME_ITEMS.keys()
    out["cost:programme"] = sum(out.values())
    caseload = c.caseload or scenario.staff.caseload
    per_case_week = _value(c.caseworker_dkk_per_year) / 52 / caseload.value if caseload else 0.0
    out["cost:caseworker"] = per_case_week * weeks["case"]
    out["cost:benefits_paid"] = weeks["benefit_paid"]
    out["cost:wage_subsidy"] = (
        _value(c.wage_subsidy_dkk_per_hour)
        * _value(c.wage_subsidy_hours_per_week)
        * weeks["placement"]
    )
    out["cost:flexjob_subsidy"] = (
        _value(c.flexjob_subsidy_dkk_per_month) / WEEKS_PER_MONTH * weeks["flexjob"]
    )
    out["cost:public"] = sum(
        out[k]
        for k in (
            "cost:programme",
            "cost:caseworker",
            "cost:benefits_paid",
            "cost:wage_subsidy",
            "cost:flexjob_subsidy",
        )
    )
    out["saving:benefits"] = weeks["benefit_saved"]
    out["cost:net_public"] = out["cost:public"] - out["cost:benefits_paid"] - out["saving:benefits"]
    sustained = outcome("employed_26w", horizon)
    counts = {
        "cost:per_participant": outcome("referred", end),
        "cost:per_hired": outcome("paid", horizon),
        "cost:per_ordinary": outcome("ordinary", horizon),
        "cost:per_sustained_job": sustained,
        "cost:net_public_per_sustained_job": sustained,
    }
    for figure, count in counts.items():  # each "per" figure with its denominator (see PER_FIGURES)
        out[figure] = _per(out[PER_FIGURES[figure][0]], count)
        out[f"{figure}:n"] = float(count)
    out["sustained_jobs"] = sustained
    grant = scenario.budget.grant_dkk
    programme = out["cost:programme"]
    out["cost:within_grant"] = programme <= grant.value if grant is not None else math.nan
    return out


class _Flow:
    """Continuous discounting at ``delta`` per week (0: no discounting)."""

    def __init__(self, delta: float) -> None:
        self.delta = delta

    def integral(self, enter: FloatArray, leave: FloatArray, until: float) -> FloatArray:
        """Discounted length of each interval ``[enter, leave)`` cut at ``until``, weeks."""
        a = np.clip(enter, 0.0, until)
        b = np.clip(leave, 0.0, until)
        if self.delta == 0:
            return np.asarray(b - a, dtype=float)
        return np.asarray((ufuncs.exp(-self.delta * a) - ufuncs.exp(-self.delta * b)) / self.delta)

    def points(self, times: FloatArray, until: float) -> float:
        """Sum of discount factors of the events at ``times`` up to ``until``."""
        if self.delta == 0:  # factors of exactly 1: their sum is the count, in any order
            return float(np.count_nonzero(times <= until))
        t = times[times <= until]
        return float(ufuncs.exp(-self.delta * t).sum())


def _benefit_rates(scenario: Scenario) -> FloatArray:
    """Benefit per week of each group (its own rate, else the scenario default, else 0)."""
    default = _value(scenario.costs.benefit_dkk_per_week)
    return np.array(
        [
            g.benefit_dkk_per_week.value if g.benefit_dkk_per_week is not None else default
            for g in scenario.groups
        ]
    )


def _value(quantity: Any) -> float:
    return float(quantity.value) if quantity is not None else 0.0


def _per(amount: float, count: int) -> float:
    return amount / count if count > 0 else math.nan
