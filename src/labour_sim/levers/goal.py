"""What would it take? The least-cost lever setting that reaches a target with a probability.

:func:`what_would_it_take` generalises :func:`~labour_sim.levers.budget_for` from one
lever to several, each with a cost per unit (DKK): it minimises ``sum(cost_j * value_j)``
subject to the target being reached in at least a share ``probability`` of replications on
the search seed (common random numbers; the search is in :mod:`.search`: a surrogate
optimised by ``scipy.optimize.differential_evolution``, then a verified polish).

The answer is then re-run on a fresh seed (:func:`.confirm.confirm`, as ``budget_for``
does): ``confirmed`` says whether that run's Wilson 95 % interval lies wholly at or above
the probability; one that straddles it is "undecided at this precision", with about how many
more replications would decide (:func:`labour_sim.stats.decide`). With ``frontier``, the least cost is also sought at each
probability from 0.5 to 0.95; the frontier at ``q`` is the cheapest evaluated setting that
reaches ``q`` (so it never falls as ``q`` grows).

A result folder (``out``) holds ``answer.json`` (the answer, confirmation and run
settings), ``search.parquet`` (every setting evaluated) and ``frontier.parquet``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..display import lines_html, lines_text
from ..errors import ScenarioError
from ..experiments import DEFAULT_SEED, Execution
from ..experiments.experiment import versions
from ..experiments.posterior import Calibrated, as_posterior_draws
from ..experiments.results import basis_words
from ..experiments.store import (
    read_json,
    read_table,
    reading,
    table_exists,
    write_json,
    write_table,
)
from ..progress import progress_bar
from ..scenario import Scenario, lever_name, target_spec
from ..stats import decide, probability_words
from .confirm import confirm
from .points import check_calibrated
from .search import Evaluation, Evaluator, initial_design, least_cost, polish
from .space import Design, Lever, LeverSpec, design_generator, parse_levers

__all__ = ["FRONTIER_PROBABILITIES", "GoalAnswer", "what_would_it_take"]

#: Probabilities of the frontier: 0.50, 0.55, ..., 0.95.
FRONTIER_PROBABILITIES = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))


@dataclass(frozen=True, eq=False)
class GoalAnswer:
    """The least-cost setting found, its confirmation, the search and the frontier.

    Attributes
    ----------
    target : str
        The target.
    probability : float
        The probability it must be reached with.
    levers : tuple of Lever
        The levers searched (with their costs per unit).
    setting : dict of str to number, or None
        The answer (``None`` if even every lever at its high end misses the probability).
    lever_cost : float
        ``sum(cost_j * value_j)`` at the answer (DKK); ``baseline_cost`` at the scenario's
        own values.
    search_probability, search_ci_low, search_ci_high : float
        The target's probability at the answer on the search seed, with its interval.
    programme_cost : float
        Mean modelled programme cost at the answer (DKK, search seed).
    confirmation : dict or None
        The fresh-seed run: ``probability, ci_low, ci_high, replications, seed``.
    confirmed : bool
        Whether the fresh run's whole Wilson 95 % interval is at or above ``probability``
        (:func:`labour_sim.stats.decide`; one that straddles it is undecided).
    search : pandas.DataFrame
        Every setting evaluated, in order (lever values, cost, probability with interval,
        whether it reaches ``probability``, programme cost).
    frontier : pandas.DataFrame or None
        Least lever cost at each probability (when asked for).
    simulations : int
        Replications run (search, frontier and confirmation).
    metadata : dict
        Scenario, seed, replications, versions, times, and whether the budget stopped it.
    """

    target: str
    probability: float
    levers: tuple[Lever, ...]
    setting: dict[str, float | int] | None
    lever_cost: float
    baseline_cost: float
    search_probability: float
    search_ci_low: float
    search_ci_high: float
    programme_cost: float
    confirmation: dict[str, float] | None
    confirmed: bool
    search: pd.DataFrame
    frontier: pd.DataFrame | None = None
    simulations: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return lines_text("GoalAnswer", self.lines())

    def _repr_html_(self) -> str:
        return lines_html("GoalAnswer", self.lines())

    def lines(self) -> list[str]:
        """The answer in plain words."""
        return [*self._answer(), f"On what: {basis_words(self.metadata.get('calibration'))}."]

    def _answer(self) -> list[str]:
        want = f"{self.target} with {self.probability:.0%} probability"
        if self.setting is None:
            d = decide(
                self.search_probability, int(self.metadata.get("replications", 0)), self.probability
            )
            if d.verdict == "below":
                return [
                    f"{want} is out of reach: even with every lever at its high end it is "
                    f"{d.words()}."
                ]
            return [
                f"No setting searched reached {want}; with every lever at its high end it is "
                f"{d.words()}."
            ]
        out = [f"Least-cost setting estimated to reach {want} (on the search seed):"]
        for lever in self.levers:
            value = self.setting[lever.path]
            end = {lever.low: "; the low end searched", lever.high: "; the high end searched"}
            out.append(
                f"  {lever_name(lever.path)} ({lever.path}) = {value:g} "
                f"(scenario: {lever.baseline:g}; "
                f"{lever.cost:,.0f} DKK a unit{end.get(value, '')})"
            )
        extra = self.lever_cost - self.baseline_cost
        out.append(
            f"Cost of the levers: {_mio(self.lever_cost)} (the scenario's values: "
            f"{_mio(self.baseline_cost)}; {'+' if extra >= 0 else '-'}{_mio(abs(extra))})."
        )
        meta = self.metadata
        out.append(
            f"Search (seed {meta.get('seed')}, {meta.get('replications')} replications a "
            f"setting): {probability_words(self.search_probability, self.search_ci_low, self.search_ci_high)}; "
            f"modelled programme cost {_mio(self.programme_cost)} on average."
        )
        c = self.confirmation
        if c is not None:
            d = decide(c["probability"], int(c["replications"]), self.probability)
            verdict = {
                "above": "confirmed",
                "below": "NOT confirmed: the fresh run is below the goal",
                "undecided": "",
            }[d.verdict]
            out.append(
                f"Fresh-seed confirmation (seed {int(c['seed'])}, {int(c['replications'])} "
                f"replications): {d.words()}{f' ({verdict})' if verdict else ''}."
            )
        out.append(
            f"{len(self.search)} settings evaluated, {self.simulations:,} replications simulated."
        )
        if meta.get("stopped_by_budget"):
            out.append(
                f"The search stopped at its budget of {meta.get('max_evaluations')} settings: "
                "a cheaper setting may exist (raise max_evaluations)."
            )
        return out

    def save(self, folder: str | Path, format: str = "parquet") -> Path:
        """Write ``answer.json`` and the ``search`` and ``frontier`` tables (``format``)."""
        root = Path(folder)
        write_table(root, "search", self.search, format)
        if self.frontier is not None:
            write_table(root, "frontier", self.frontier, format)
        answer = {
            "target": self.target, "probability": self.probability,
            "levers": [lever.as_dict() for lever in self.levers], "setting": self.setting,
            "lever_cost": self.lever_cost, "baseline_cost": self.baseline_cost,
            "search_probability": self.search_probability,
            "search_ci_low": self.search_ci_low, "search_ci_high": self.search_ci_high,
            "programme_cost": self.programme_cost, "confirmation": self.confirmation,
            "confirmed": self.confirmed, "simulations": self.simulations,
            "metadata": self.metadata,
        }  # fmt: skip
        write_json(root / "answer.json", answer)
        return root

    @classmethod
    def load(cls, folder: str | Path) -> GoalAnswer:
        """Read what :meth:`save` wrote."""
        root = Path(folder)
        with reading(root, "a folder written by what_would_it_take"):
            data = read_json(root / "answer.json")
            return cls(
                data["target"], data["probability"],
                tuple(Lever.from_dict(item) for item in data["levers"]), data["setting"],
                data["lever_cost"], data["baseline_cost"], data["search_probability"],
                data["search_ci_low"], data["search_ci_high"], data["programme_cost"],
                data["confirmation"], data["confirmed"], read_table(root, "search"),
                read_table(root, "frontier") if table_exists(root, "frontier") else None,
                data["simulations"], data["metadata"],
            )  # fmt: skip


def what_would_it_take(
    scenario: Scenario,
    target: str,
    probability: float = 0.8,
    levers: Mapping[str, LeverSpec] | None = None,
    *,
    replications: int = 200,
    seed: int = DEFAULT_SEED,
    confirm_replications: int | None = None,
    frontier: bool | Sequence[float] = False,
    max_evaluations: int = 80,
    execution: Execution | None = None,
    calibration: Calibrated = None,
) -> GoalAnswer:
    """Find the least-cost lever setting that reaches ``target`` with ``probability``.

    Parameters
    ----------
    scenario : Scenario
        The baseline programme.
    target : str
        Name of one of the scenario's targets.
    probability : float, default 0.8
        Required probability of reaching the target.
    levers : mapping
        ``{path: (low, high, cost per unit in DKK)}`` (or :class:`~.space.Range` with a
        step, or :class:`~.space.Values`); at least one cost must be positive.
    replications : int, default 200
        Replications per setting searched.
    seed : int
        Seed of the search (common random numbers across settings).
    confirm_replications : int, optional
        Replications of the fresh-seed confirmation (default: ``replications``).
    frontier : bool or sequence of float
        Also find the least cost at each probability (``True``: 0.5, 0.55, ..., 0.95).
    max_evaluations : int, default 80
        Most settings to run in the search.
    execution : Execution, optional
        How the settings run; ``out`` is the folder to save the answer in.
    calibration : Calibration or PosteriorDraws, optional
        Search and confirm on the calibrated model: replication ``r`` of every setting at
        the same posterior draw. No lever may be a calibrated parameter.

    Returns
    -------
    GoalAnswer
    """
    goal = scenario.target(target)  # a clear error for an unknown target
    parsed = _check(scenario, probability, levers, replications, max_evaluations)
    levels = _frontier_levels(frontier)
    started = dt.datetime.now(dt.UTC)
    execution = execution or Execution()
    runs = execution.without_folder().quiet()
    draws = as_posterior_draws(calibration) if calibration is not None else None
    if draws is not None:
        check_calibrated(scenario, [lever.path for lever in parsed], draws, seed)
    with progress_bar(desc="settings evaluated", unit="setting", enabled=execution.progress) as bar:
        evaluator = Evaluator(
            scenario, parsed, target, replications, seed, max_evaluations, runs, bar, draws
        )
        answer = _search(evaluator, probability, levels, float(goal.threshold.value), seed)
    metadata = {
        "scenario": scenario.name, "scenario_hash": scenario.hash,
        "scenario_file": scenario.origin, "seed": seed, "replications": replications,
        "target_spec": target_spec(goal),
        "max_evaluations": max_evaluations, "stopped_by_budget": evaluator.stopped_by_budget,
        "calibration": draws.metadata(replications, seed) if draws is not None else None,
        "started": started.isoformat(), "versions": versions(),
    }  # fmt: skip
    confirmation = None
    if answer is not None:
        setting = {
            lever.path: lever.typed(v) for lever, v in zip(parsed, answer.values, strict=True)
        }
        n = confirm_replications or replications
        confirmation = (confirm(scenario, setting, target, n, seed, runs, draws), n)
    result = _result(evaluator, probability, answer, confirmation, levels, metadata)
    if execution.out is not None:
        result.save(execution.out, execution.table_format)
    return result


def _search(
    evaluator: Evaluator, probability: float, levels: list[float], threshold: float, seed: int
) -> Evaluation | None:
    """The least-cost setting at ``probability`` (and the frontier's settings on the way)."""
    rng = design_generator(seed, Design.GOAL_OPTIMISER)
    initial_design(evaluator, design_generator(seed, Design.GOAL_DESIGN))
    answer = least_cost(evaluator, probability, threshold, rng)
    for level in levels:
        least_cost(evaluator, level, threshold, rng)
    cheapest = evaluator.best(probability)
    if answer is None or cheapest is None:
        return answer
    return polish(evaluator, probability, cheapest)  # the frontier may have found cheaper


def _result(
    evaluator: Evaluator,
    probability: float,
    answer: Evaluation | None,
    confirmation: tuple[dict[str, float], int] | None,
    levels: list[float],
    metadata: dict[str, Any],
) -> GoalAnswer:
    levers = evaluator.levers
    shown = answer or evaluator.pool[tuple(n - 1 for n in evaluator.sizes)]  # all-high if none
    setting = None
    if answer is not None:
        setting = {
            lever.path: lever.typed(v) for lever, v in zip(levers, answer.values, strict=True)
        }
    fresh, extra = confirmation if confirmation is not None else (None, 0)
    metadata["finished"] = dt.datetime.now(dt.UTC).isoformat()
    return GoalAnswer(
        evaluator.target, probability, levers, setting,
        answer.lever_cost if answer else math.nan,
        float(sum(lever.cost * lever.baseline for lever in levers)),
        shown.probability, shown.ci_low, shown.ci_high,
        answer.programme_cost if answer else math.nan, fresh,
        fresh is not None
        and decide(fresh["probability"], int(fresh["replications"]), probability).verdict
        == "above",
        evaluator.table(probability), _frontier_table(evaluator, levels) if levels else None,
        evaluator.simulations + extra, metadata,
    )  # fmt: skip


def _check(
    scenario: Scenario,
    probability: float,
    levers: Mapping[str, LeverSpec] | None,
    replications: int,
    max_evaluations: int,
) -> tuple[Lever, ...]:
    if not 0 < probability < 1:
        raise ScenarioError.single("probability", "a probability between 0 and 1", probability)
    if replications < 1:
        raise ScenarioError.single("replications", "a whole number >= 1", replications)
    if levers is None:
        raise ScenarioError.single("levers", "{path: (low, high, cost per unit)}", None)
    parsed = parse_levers(scenario, levers)
    if not any(lever.cost > 0 for lever in parsed):
        raise ScenarioError.single(
            "levers", "a cost per unit (DKK) on at least one lever, e.g. (10, 60, 350000)",
            {lever.path: lever.cost for lever in parsed},
        )  # fmt: skip
    if max_evaluations < 2 * len(parsed) + 4:
        raise ScenarioError.single(
            "max_evaluations", f"at least {2 * len(parsed) + 4} (the initial design)",
            max_evaluations,
        )  # fmt: skip
    return parsed


def _frontier_levels(frontier: bool | Sequence[float]) -> list[float]:
    if frontier is False:
        return []
    levels = FRONTIER_PROBABILITIES if frontier is True else tuple(frontier)
    if not all(0 < float(q) < 1 for q in levels):
        raise ScenarioError.single("frontier", "probabilities between 0 and 1", levels)
    return sorted(float(q) for q in levels)


def _frontier_table(evaluator: Evaluator, levels: list[float]) -> pd.DataFrame:
    rows = []
    for level in levels:
        best = evaluator.best(level)
        row: dict[str, Any] = {"probability": level, "found": best is not None}
        for j, lever in enumerate(evaluator.levers):
            row[lever.path] = best.values[j] if best else math.nan
        row["lever_cost"] = best.lever_cost if best else math.nan
        row["search_probability"] = best.probability if best else math.nan
        row["ci_low"] = best.ci_low if best else math.nan
        row["ci_high"] = best.ci_high if best else math.nan
        row["programme_cost"] = best.programme_cost if best else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _mio(dkk: float) -> str:
    return f"{dkk / 1e6:,.2f} mio DKK" if abs(dkk) >= 1e6 else f"{dkk:,.0f} DKK"
