"""What would it take? The smallest budget that reaches a target with a given probability.

:func:`budget_for` searches one lever (a dotted scenario path such as ``staff.mentors`` or
``companies.max_companies``) over a grid of values. Every value runs on the same seed, so
the probabilities it compares share their random numbers (common random numbers) and move
with the lever, not with luck. The probability of the target is assumed to grow with the
lever (more mentors, companies, slots), so the search bisects the grid: about
``log2(len(grid))`` experiments instead of one per value. The programme cost grows with the
lever too, so the smallest lever value that reaches the probability is the smallest budget.
A lever whose lower values help (``downward=True``: shorter placements, fewer attempts,
when time in placement keeps citizens from other hires) is searched from its highest value
down, and the answer is the largest value that reaches the probability: the least change.

The answer is then re-run on a fresh seed: a confirmation that it was not bought by the
luck of the search seed. It decides only where its Wilson 95 % interval clears the goal
(:func:`labour_sim.stats.decide`): ``confirmed`` if the whole interval is at or above the
requested probability, not confirmed if below, and otherwise "undecided at this precision"
with about how many more replications would decide. A search that finds no value says
"not reached" only when the highest value's interval lies below the goal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..display import lines_html, lines_text
from ..errors import ScenarioError
from ..experiments import DEFAULT_SEED, Execution, Results, run_experiment
from ..experiments.posterior import Calibrated, as_posterior_draws
from ..experiments.results import basis_words
from ..scenario import Scenario, lever_name
from ..scenario.paths import number_at
from ..stats import Decision, decide
from .confirm import confirm
from .points import check_calibrated

__all__ = ["BudgetAnswer", "budget_for", "lever_grid"]


@dataclass(frozen=True)
class BudgetAnswer:
    """The result of :func:`budget_for`.

    Attributes
    ----------
    target, lever : str
        What was asked and what was searched.
    probability : float
        The requested probability of reaching the target.
    value : float or None
        The smallest lever value that reaches it (the largest, searched ``downward``;
        ``None`` if no grid value does).
    budget_dkk : float
        Mean programme cost (DKK) at ``value`` in the search run (``nan`` if none).
    budget_p90_dkk : float
        90th percentile of that cost: a grant this large covers it in 9 runs of 10.
    search : pandas.DataFrame
        Every lever value tried: ``value, probability, ci_low, ci_high, programme_cost,
        replications``.
    confirmation : dict or None
        The fresh-seed run at ``value`` (see :func:`.confirm.confirm`): ``probability``,
        ``ci_low``, ``ci_high``, ``replications``, ``seed``.
    confirmed : bool
        Whether the fresh run's whole Wilson 95 % interval is at or above the requested
        probability (see :attr:`decision`: an interval that straddles it is undecided).
    calibration : dict, optional
        What the search ran on: the calibration's metadata (as in a calibrated run's
        results), ``None`` for the scenario as written.
    downward : bool
        The lever was searched from its highest value down (lower values help).
    """

    target: str
    lever: str
    probability: float
    value: float | None
    budget_dkk: float
    budget_p90_dkk: float
    search: pd.DataFrame
    confirmation: dict[str, float] | None
    confirmed: bool
    calibration: dict[str, Any] | None = None
    downward: bool = False

    @property
    def furthest(self) -> float:
        """The last value of the search: the highest tried (the lowest, ``downward``)."""
        return float(self._furthest_row["value"])

    @property
    def _furthest_row(self) -> pd.Series:
        values = self.search["value"]
        return self.search.iloc[int(values.argmin() if self.downward else values.argmax())]

    @property
    def decision(self) -> Decision:
        """The fresh-seed run against the probability.

        If no value reached it in the search: the search at the furthest value tried.
        """
        if self.confirmation is not None:
            c = self.confirmation
            return decide(c["probability"], int(c["replications"]), self.probability)
        best = self._furthest_row
        return decide(float(best["probability"]), int(best["replications"]), self.probability)

    def __repr__(self) -> str:
        return lines_text("BudgetAnswer", self.lines())

    def _repr_html_(self) -> str:
        return lines_html("BudgetAnswer", self.lines())

    def lines(self) -> list[str]:
        """The answer in plain words; a verdict only where the interval clears the goal."""
        return [*self._answer(), f"On what: {basis_words(self.calibration)}."]

    def _answer(self) -> list[str]:
        d = self.decision
        lever = f"{lever_name(self.lever)} ({self.lever})"
        way, least = ("down to", "largest") if self.downward else ("up to", "smallest")
        if self.value is None:
            best = self.furthest
            if d.verdict == "below":
                return [
                    f"{self.target} is not reached with {self.probability:.0%} probability for "
                    f"any {lever} {way} {best:g} (there: {d.words()})."
                ]
            return [
                f"No {lever} {way} {best:g} reached {self.target} with "
                f"{self.probability:.0%} probability in the search, but at {best:g} it is "
                f"{d.words()}."
            ]
        verdict = {
            "above": "confirmed",
            "below": "NOT confirmed: the fresh run is below the goal; widen the search",
            "undecided": "",
        }[d.verdict]
        values = self.search["value"]
        edge = ""
        if self.value == (values.max() if self.downward else values.min()):
            end = "top" if self.downward else "bottom"
            edge = f", already at the {end} of the values searched (widen them to look further)"
        return [
            f"{lever} = {self.value:g} is the {least} value that reaches {self.target} "
            f"with {self.probability:.0%} probability{edge}.",
            f"Programme cost there: {self.budget_dkk / 1e6:,.2f} mio DKK on average; "
            f"a budget of {self.budget_p90_dkk / 1e6:,.2f} mio DKK covers it 9 times in 10.",
            f"Fresh-seed confirmation: {d.words()}{f' ({verdict})' if verdict else ''}.",
        ]


def lever_grid(
    scenario: Scenario, lever: str, low: float, high: float, step: float | None = None
) -> list[float]:
    """Values ``low, low + step, ..., high`` (step 1 for whole-number levers, else 20 steps)."""
    if not high > low:
        raise ScenarioError.single("high", f"a value above low ({low:g})", high)
    if step is None:
        step = 1.0 if _is_whole(scenario, lever) else (high - low) / 20
    if not step > 0:
        raise ScenarioError.single("step", "a positive step", step)
    count = math.floor((high - low) / step + 1e-9) + 1
    return [low + i * step for i in range(count)]


def budget_for(
    scenario: Scenario,
    target: str,
    probability: float = 0.8,
    lever: str = "staff.mentors",
    values: list[float] | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    step: float | None = None,
    replications: int = 200,
    seed: int = DEFAULT_SEED,
    execution: Execution | None = None,
    calibration: Calibrated = None,
    downward: bool = False,
) -> BudgetAnswer:
    """Find the smallest budget at which ``target`` is reached with ``probability``.

    Parameters
    ----------
    scenario : Scenario
        The programme; its ``[costs]`` give the budget.
    target : str
        Name of one of the scenario's targets.
    probability : float, default 0.8
        Required probability of reaching the target.
    lever : str
        Dotted path of the lever to search (e.g. ``staff.mentors``).
    values : list of float, optional
        The lever values to search (in any order); or give ``low`` and ``high`` (and
        optionally ``step``; see :func:`lever_grid`).
    replications : int, default 200
        Replications per lever value (and for the confirmation).
    seed : int
        Seed of the search (common random numbers across values).
    execution : Execution, optional
        How each experiment runs (a result folder is not used: the answer is small).
    calibration : Calibration or PosteriorDraws, optional
        Search (and confirm) on the calibrated model: each replication at its posterior
        draw, the same draws at every value. The lever may not be a calibrated parameter.
    downward : bool, default False
        The target's chance grows as the lever falls: search from the highest value down
        and answer the largest value that reaches ``probability``.

    Returns
    -------
    BudgetAnswer
    """
    scenario.target(target)  # a clear error for an unknown target
    if not 0 < probability < 1:
        raise ScenarioError.single("probability", "a probability between 0 and 1", probability)
    if values is None:
        if low is None or high is None:
            raise ScenarioError.single("values", "a list of lever values, or low and high", None)
        values = lever_grid(scenario, lever, low, high, step)
    grid = sorted(values, reverse=downward)  # in the order of the search
    tried: dict[int, Results] = {}
    execution = (execution or Execution()).without_folder()
    draws = as_posterior_draws(calibration) if calibration is not None else None
    if draws is not None:
        check_calibrated(scenario, [lever], draws, seed)

    def reaches(i: int) -> bool:
        if i not in tried:
            changed = scenario.with_changes({lever: _typed(scenario, lever, grid[i])})
            tried[i] = run_experiment(
                changed, replications, seed, execution=execution, calibration=draws
            )
        return bool(tried[i].target(target)["probability"] >= probability)

    found: int | None = None
    if reaches(len(grid) - 1):
        lo, hi = -1, len(grid) - 1  # invariant: grid[hi] reaches, grid[lo] does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if reaches(mid) else (mid, hi)
        found = hi
    basis = draws.metadata(replications, seed) if draws is not None else None
    search = pd.DataFrame(
        [
            {
                "value": grid[i],
                "probability": r.target(target)["probability"],
                "ci_low": r.target(target)["ci_low"],
                "ci_high": r.target(target)["ci_high"],
                "programme_cost": r.cost("cost:programme")["mean"],
                "replications": replications,
            }
            for i, r in sorted(tried.items())
        ]
    )
    if found is None:
        return BudgetAnswer(
            target, lever, probability, None, math.nan, math.nan, search, None, False, basis,
            downward,
        )  # fmt: skip
    value = grid[found]
    setting = {lever: _typed(scenario, lever, value)}
    confirmation = confirm(scenario, setting, target, replications, seed, execution, draws)
    cost = tried[found].replications["cost:programme"].to_numpy(dtype=float)
    return BudgetAnswer(
        target,
        lever,
        probability,
        value,
        float(cost.mean()),
        float(np.quantile(cost, 0.9)),
        search,
        confirmation,
        decide(confirmation["probability"], replications, probability).verdict == "above",
        basis,
        downward,
    )


def _current(scenario: Scenario, lever: str) -> Any:
    return number_at(scenario, lever)


def _is_whole(scenario: Scenario, lever: str) -> bool:
    return isinstance(_current(scenario, lever), int)


def _typed(scenario: Scenario, lever: str, value: float) -> float | int:
    """``value`` as an int for whole-number levers (counts of staff or companies)."""
    return round(value) if _is_whole(scenario, lever) else value
