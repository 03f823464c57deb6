"""The programme against business as usual, in one replication (common random numbers).

Both arms have the same citizens (same referrals, readiness and candidate exits, see
:mod:`labour_sim.model.usual`): the programme arm is the simulated log, the
business-as-usual arm (:attr:`ReplicationResult.usual`) every citizen on benefit from
referral until their business-as-usual exits. Both are reduced by the same functions from
spells ``(citizen, state, enter, leave)``, sums taken exactly (:func:`math.fsum`), so a
programme that never places anybody has an effect of exactly 0.

At each date ``D`` (weeks), per arm:

* ``into_work``: distinct citizens who entered paid work (ordinary, small job, flexjob) by D;
* ``self_support_weeks``: weeks in ordinary work, a flexjob or education before D, summed
  over citizens (weeks off benefit; a small job keeps part of the benefit and is left out);
* ``sustained``: distinct citizens with a spell of paid work that had lasted 26 weeks by D.

The effect is programme minus business as usual; ``deadweight`` is business-as-usual
``into_work`` over the programme's (the share of the programme's hires who would have
found work anyway), ``nan`` when the programme has none.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ..model.states import EDUCATION, FLEXJOB, ORDINARY, REDUCED
from ..scenario import Scenario
from .costs import savings_horizon
from .result import ReplicationResult

__all__ = ["ARM_MEASURES", "SUSTAINED_WEEKS", "arm_measures", "effect_row", "per_additional_job"]

#: Weeks a job must have lasted to count as sustained.
SUSTAINED_WEEKS = 26.0
#: What each arm is measured by (see the module notes).
ARM_MEASURES = ("into_work", "self_support_weeks", "sustained")

_PAID = (ORDINARY, REDUCED, FLEXJOB)
_OFF_BENEFIT = (ORDINARY, FLEXJOB, EDUCATION)


def arm_measures(
    citizen: NDArray[np.int64],
    state: NDArray[np.int64],
    enter: NDArray[np.float64],
    leave: NDArray[np.float64],
    week: float,
) -> dict[str, float]:
    """:data:`ARM_MEASURES` of one arm's spells at ``week``.

    ``leave`` must already be cut at the horizon; spells of the same citizen in paid work
    that follow each other without a gap count as one job for ``sustained``.
    """
    paid = np.isin(state, _PAID)
    into = np.unique(citizen[paid & (enter <= week)]).size
    off = np.isin(state, _OFF_BENEFIT)
    weeks = np.clip(np.minimum(leave[off], week) - enter[off], 0.0, None)
    return {
        "into_work": float(into),
        "self_support_weeks": math.fsum(weeks.tolist()),
        "sustained": float(_sustained(citizen[paid], enter[paid], leave[paid], week)),
    }


def _sustained(
    citizen: NDArray[np.int64], enter: NDArray[np.float64], leave: NDArray[np.float64], week: float
) -> int:
    """Distinct citizens with a job (joined spells) that had lasted 26 weeks by ``week``."""
    order = np.lexsort((enter, citizen))
    c, a, b = citizen[order], enter[order], leave[order]
    held: set[int] = set()
    start = -1.0
    for i in range(c.size):
        joined = i > 0 and c[i] == c[i - 1] and a[i] == b[i - 1]
        if not joined:
            start = float(a[i])
        reach = start + SUSTAINED_WEEKS
        if reach <= week and b[i] >= reach:
            held.add(int(c[i]))
    return len(held)


def effect_row(scenario: Scenario, result: ReplicationResult) -> dict[str, float]:
    """Both arms and the effect at the end date, each target date and the savings horizon.

    Columns ``programme:M``, ``usual:M``, ``effect:M`` for each measure M of
    :data:`ARM_MEASURES` and ``deadweight`` at the programme's end, the same with
    ``@YYYY-MM-DD`` at each other target date and with ``@savings`` at the savings horizon
    (:func:`~.costs.savings_horizon`, where the "per" figures count their jobs); and
    ``cost:per_additional_sustained_job`` (programme cost over ``effect:sustained@savings``,
    ``nan`` unless positive) with its denominator ``cost:per_additional_sustained_job:n``.
    """
    end = scenario.period.end
    dates = sorted({t.date for t in scenario.targets} - {end})
    s = result.sojourns
    u = result.usual
    h = result.horizon
    out: dict[str, float] = {}
    weeks: list[tuple[str, float]] = [("", result.week_of(end))]
    weeks += [(f"@{date}", result.week_of(date)) for date in dates]
    weeks.append(("@savings", savings_horizon(scenario)))
    for tag, week in weeks:
        programme = arm_measures(s.citizen, s.state, s.enter, s.leave, week)
        usual = (
            arm_measures(u.citizen, u.state, u.enter, np.minimum(u.leave, h), week)
            if u is not None
            else dict.fromkeys(ARM_MEASURES, 0.0)
        )
        for m in ARM_MEASURES:
            out[f"programme:{m}{tag}"] = programme[m]
            out[f"usual:{m}{tag}"] = usual[m]
            out[f"effect:{m}{tag}"] = programme[m] - usual[m]
        hires = programme["into_work"]
        out[f"deadweight{tag}"] = usual["into_work"] / hires if hires > 0 else math.nan
    return out


def per_additional_job(row: dict[str, object]) -> dict[str, float]:
    """``cost:per_additional_sustained_job`` and its denominator, from a row's columns."""
    extra = float(row["effect:sustained@savings"])  # type: ignore[arg-type]
    cost = float(row["cost:programme"])  # type: ignore[arg-type]
    return {
        "cost:per_additional_sustained_job": cost / extra if extra > 0 else math.nan,
        "cost:per_additional_sustained_job:n": extra,
    }
