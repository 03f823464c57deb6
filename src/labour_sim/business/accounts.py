"""One replication's accounts: what the programme costs and saves each payer, week by week.

Both arms of a replication (the programme and business as usual, on the same citizens,
see :mod:`labour_sim.replication.effect`) are costed the same way, week by week from week
0 to the horizon, in DKK:

* ``benefits``: the group's benefit for every week on benefit (from referral, outside
  ordinary work, flexjob and education; a small job keeps ``reduced_job_benefit_kept`` of
  it), split by the refusion staircase: the state refunds the share for the citizen's
  weeks on benefit so far (``accounts.benefit_weeks_at_referral`` plus the weeks on
  benefit since referral in that arm), the municipality pays the rest;
* ``flexjob_subsidy`` for every week in a flexjob and ``wage_subsidy`` for every week in a
  placement, refunded by the state at ``accounts.subsidy_refusion``;
* ``caseworker``: the programme's caseworker time (case-holding weeks up to the end; the
  municipality's job centre);
* ``programme``: the grant-funded costs (mentors, intake assessments, company
  recruitment, mentor training, the fixed cost per month), paid by
  ``accounts.programme_paid_by``: the municipality, the state, or an outside ``funder``
  (a foundation), whose cost is kept apart as payer ``funder`` and is in no public account.

The business case is programme minus business as usual, item by item (a positive number
costs, a negative one saves), discounted to ``period.start`` at
``accounts.discount_rate_per_year`` (weekly factors ``(1 + r) ** (-week / 52.18)``) and
summed by year since the start. ``public`` is the municipality plus the state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numba import njit
from numpy.typing import NDArray

from ..model.states import EDUCATION, FLEXJOB, HOLDS_CASE, ORDINARY, PLACEMENT, REDUCED, table
from ..replication import ReplicationResult
from ..replication.costs import WEEKS_PER_MONTH, cost_basis
from ..scenario import Scenario
from ..scenario.sections import Accounts

__all__ = [
    "ITEMS",
    "ITEM_LABELS",
    "PAYERS",
    "WEEKS_PER_YEAR",
    "discount_factors",
    "overlap",
    "payback_week",
    "refusion_share",
    "replication_accounts",
]

#: Weeks in a year (365.25 days).
WEEKS_PER_YEAR = 365.25 / 7
#: Who pays; ``public`` is the sum of the other two.
PAYERS = ("municipality", "state", "public")
#: What is paid, in the order of the table.
ITEMS = ("programme", "caseworker", "wage_subsidy", "flexjob_subsidy", "benefits")
#: Each item in words, for tables a reader sees.
ITEM_LABELS = {
    "programme": "the programme's own cost",
    "caseworker": "caseworkers' time",
    "wage_subsidy": "wage subsidy during placements (loentilskud)",
    "flexjob_subsidy": "flexjob subsidy (fleksloentilskud)",
    "benefits": "benefits (cash benefit and the like)",
}

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def refusion_share(a: Accounts, seniority: FloatArray) -> FloatArray:
    """State refusion of a benefit week begun after ``seniority`` weeks on benefit.

    Weeks 1-4 are seniority ``[0, 4)``, weeks 5-26 ``[4, 26)``, weeks 27-52 ``[26, 52)``.
    """
    s = np.asarray(seniority, dtype=float)
    return np.asarray(
        np.select(
            [s < 4, s < 26, s < 52],
            [a.refusion_weeks_1_4.value, a.refusion_weeks_5_26.value, a.refusion_weeks_27_52.value],
            a.refusion_after_52.value,
        ),
        dtype=float,
    )


def discount_factors(rate: float, weeks: FloatArray) -> FloatArray:
    """Present value at week 0 of 1 DKK paid at each of ``weeks``: ``(1 + rate) ** -years``."""
    return np.asarray((1.0 + rate) ** (-np.asarray(weeks, dtype=float) / WEEKS_PER_YEAR))


def overlap(enter: FloatArray, leave: FloatArray, n_weeks: int) -> FloatArray:
    """Weeks of each interval ``[enter, leave)`` within each week ``[w, w + 1)``: (intervals, weeks)."""
    n = len(enter)
    out = np.zeros((n, n_weeks))
    _spread(_floats(enter), _floats(leave), np.ones(n), np.arange(n), out)
    return out


def _per_citizen(
    citizen: IntArray,
    enter: FloatArray,
    leave: FloatArray,
    weight: FloatArray,
    n: int,
    n_weeks: int,
) -> FloatArray:
    """``(n, weeks)``: each citizen's sum of ``weight x`` the :func:`overlap` of their intervals."""
    out = np.zeros((n, n_weeks))
    _spread(_floats(enter), _floats(leave), _floats(weight), citizen.astype(np.int64), out)
    return out


def _weekly(enter: FloatArray, leave: FloatArray, n_weeks: int) -> FloatArray:
    """``(weeks,)``: the :func:`overlap` of all the intervals, summed (``overlap(...).sum(0)``)."""
    out = np.zeros((1, n_weeks))
    n = len(enter)
    _spread(_floats(enter), _floats(leave), np.ones(n), np.zeros(n, dtype=np.int64), out)
    weeks: FloatArray = out[0]
    return weeks


def _floats(x: FloatArray) -> FloatArray:
    return np.ascontiguousarray(x, dtype=np.float64)


@njit(cache=True)
def _spread(
    enter: FloatArray, leave: FloatArray, weight: FloatArray, row: IntArray, out: FloatArray
) -> None:  # pragma: no cover - compiled
    """``out[row[i], w] += weight[i] x clip(min(leave, w + 1) - max(enter, w), 0, 1)``.

    Only the weeks an interval touches are visited, in interval order: the same operations
    in the same order as the dense form (``overlap`` then ``np.add.at`` or a sum over
    intervals), which adds zeros everywhere else, so every sum is the same to the last bit.
    An empty interval, or one with a NaN end, adds nothing.
    """
    n_weeks = out.shape[1]
    for i in range(enter.shape[0]):
        a, b = enter[i], leave[i]
        if not a < b:
            continue
        first = max(math.floor(a), 0) if a < n_weeks else n_weeks
        last = n_weeks if b >= n_weeks else math.ceil(b)
        for w in range(first, last):
            x = min(b, w + 1.0) - max(a, float(w))
            x = min(max(x, 0.0), 1.0)
            out[row[i], w] += x * weight[i]


def _arm_flows(
    s: Scenario,
    result: ReplicationResult,
    spells: tuple[IntArray, IntArray, FloatArray, FloatArray],
    n_weeks: int,
) -> dict[str, FloatArray]:
    """Weekly DKK of one arm: ``benefits_state``, ``benefits_municipality``, subsidies."""
    citizen, state, enter, leave = spells
    basis = cost_basis(s, result)
    a = s.accounts
    assert a is not None
    n = result.n_citizens
    c = s.costs
    on = overlap(result.arrival, np.full(n, result.horizon), n_weeks)
    off_share = np.where(np.isin(state, (ORDINARY, FLEXJOB, EDUCATION)), 1.0, 0.0)
    off_share[state == REDUCED] = 1.0 - basis.reduced_kept
    keep = off_share > 0
    on -= _per_citizen(citizen[keep], enter[keep], leave[keep], off_share[keep], n, n_weeks)
    on = np.clip(on, 0.0, 1.0)
    # Weeks on benefit before each week (full weeks on benefit count; a small job's share too).
    seniority = a.benefit_weeks_at_referral.value + np.cumsum(on, axis=1) - on
    benefit = on * basis.benefit[result.group][:, None]
    share = refusion_share(a, seniority)
    flex = state == FLEXJOB
    flex_weeks = _weekly(enter[flex], leave[flex], n_weeks)
    place = state == PLACEMENT
    place_weeks = _weekly(enter[place], leave[place], n_weeks)
    flex_dkk = _value(c.flexjob_subsidy_dkk_per_month) / WEEKS_PER_MONTH * flex_weeks
    wage_dkk = (
        _value(c.wage_subsidy_dkk_per_hour) * _value(c.wage_subsidy_hours_per_week) * place_weeks
    )
    return {
        "benefits_state": (benefit * share).sum(axis=0),
        "benefits_municipality": (benefit * (1.0 - share)).sum(axis=0),
        "flexjob_subsidy": flex_dkk,
        "wage_subsidy": wage_dkk,
    }


def _programme_flows(s: Scenario, result: ReplicationResult, n_weeks: int) -> dict[str, FloatArray]:
    """Weekly DKK of the programme's own costs and its caseworker time (programme arm only)."""
    c = s.costs
    so = result.sojourns
    end = s.week_of(s.period.end)
    mentored = (so.state == PLACEMENT) & so.mentored
    cut = np.minimum(so.leave, end)
    mentor = _weekly(so.enter[mentored], cut[mentored], n_weeks)
    case_mask = table(HOLDS_CASE)[so.state]
    case = _weekly(so.enter[case_mask], cut[case_mask], n_weeks)
    caseload = c.caseload or s.staff.caseload
    per_case_week = _value(c.caseworker_dkk_per_year) / 52 / caseload.value if caseload else 0.0

    def at(times: FloatArray) -> FloatArray:
        t = times[times <= end]
        return np.bincount(np.minimum(t.astype(np.int64), n_weeks - 1), minlength=n_weeks).astype(
            float
        )

    programme = (
        _value(c.mentor_hours_per_week) * _value(c.mentor_dkk_per_hour) * mentor
        + _value(c.intake_dkk) * at(result.arrival)
        + _value(c.company_recruitment_dkk) * at(result.company_join)
        + _value(c.fixed_dkk_per_month)
        / WEEKS_PER_MONTH
        * overlap(np.zeros(1), np.full(1, end), n_weeks)[0]
    )
    programme[0] += _value(c.mentor_training_dkk) * _value(s.staff.mentors)
    return {"programme": programme, "caseworker": per_case_week * case}


def replication_accounts(
    s: Scenario, result: ReplicationResult
) -> tuple[pd.DataFrame, dict[str, float]]:
    """The business case of one replication, and each payer's payback week.

    The table has one row per (``year`` since the start, ``payer``, ``item``) with ``dkk``
    (programme minus business as usual, discounted to week 0) and ``dkk_nominal``; the
    payback weeks are those of :func:`payback_week` per payer (``inf``: not within the
    horizon).
    """
    if s.accounts is None:
        raise ValueError("the scenario has no [accounts] section")
    n_weeks = max(math.ceil(result.horizon), 1)
    so = result.sojourns
    programme = _arm_flows(s, result, (so.citizen, so.state, so.enter, so.leave), n_weeks)
    u = result.usual
    assert u is not None
    usual = _arm_flows(
        s, result, (u.citizen, u.state, u.enter, np.minimum(u.leave, result.horizon)), n_weeks
    )
    own = _programme_flows(s, result, n_weeks)
    a = s.accounts
    sub = a.subsidy_refusion.value
    diff = {k: programme[k] - usual[k] for k in programme}
    zero = np.zeros(n_weeks)
    by_payer: dict[str, dict[str, FloatArray]] = {
        "municipality": {
            "programme": own["programme"] if a.programme_paid_by == "municipality" else zero,
            "caseworker": own["caseworker"],
            "wage_subsidy": diff["wage_subsidy"] * (1 - sub),
            "flexjob_subsidy": diff["flexjob_subsidy"] * (1 - sub),
            "benefits": diff["benefits_municipality"],
        },
        "state": {
            "programme": own["programme"] if a.programme_paid_by == "state" else zero,
            "caseworker": zero,
            "wage_subsidy": diff["wage_subsidy"] * sub,
            "flexjob_subsidy": diff["flexjob_subsidy"] * sub,
            "benefits": diff["benefits_state"],
        },
    }
    by_payer["public"] = {
        item: by_payer["municipality"][item] + by_payer["state"][item] for item in ITEMS
    }
    if a.programme_paid_by == "funder":
        by_payer["funder"] = {"programme": own["programme"]}
    rate = a.discount_rate_per_year.value
    factors = discount_factors(rate, np.arange(n_weeks, dtype=float))
    payback = {
        payer: payback_week(sum(items.values()) * factors) for payer, items in by_payer.items()
    }
    return flows_table(by_payer, rate), payback


def flows_table(by_payer: Mapping[str, Mapping[str, FloatArray]], rate: float) -> pd.DataFrame:
    """Weekly flows (payer -> item -> DKK per week) as rows by year, discounted at ``rate``."""
    rows = []
    for payer, items in by_payer.items():
        for item, flow in items.items():
            weeks = np.arange(flow.size, dtype=float)
            year = (weeks // WEEKS_PER_YEAR).astype(np.int64)
            pv = flow * discount_factors(rate, weeks)
            for y in range(int(year.max()) + 1 if flow.size else 0):
                m = year == y
                rows.append((y, payer, item, float(pv[m].sum()), float(flow[m].sum())))
    return pd.DataFrame(rows, columns=["year", "payer", "item", "dkk", "dkk_nominal"])


def payback_week(net_weekly_pv: FloatArray) -> float:
    """First week after which the cumulative discounted net cost is at most 0 for good.

    ``net_weekly_pv`` is the net cost (cost minus saving) per week, discounted; ``inf`` if
    it never pays back within the horizon. Weeks are counted at the end of each week.
    """
    cum = np.cumsum(np.asarray(net_weekly_pv, dtype=float))
    if cum.size == 0 or cum[-1] > 0:
        return math.inf
    above = np.nonzero(cum > 0)[0]
    return float(above[-1] + 2) if above.size else 1.0


def _value(quantity: object) -> float:
    return float(quantity.value) if quantity is not None else 0.0  # type: ignore[attr-defined]
