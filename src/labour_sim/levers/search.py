"""The least-cost search behind :func:`~labour_sim.levers.what_would_it_take`.

Problem: choose one value per lever from its lattice (:meth:`.space.Lever.lattice`) to
minimise the levers' cost ``sum(cost_j * value_j)`` (DKK) subject to the target being
reached in at least a share ``p`` of the replications. Every setting runs the same
replications on the same seed (common random numbers), so the estimated probability
moves with the levers and not with luck, and a setting run twice gives the same answer
(evaluations are memoised).

Three steps, all sharing one pool of evaluated settings:

1. **Design**: the all-high and all-low settings and a Latin hypercube of lattice points,
   run in one parallel batch. If the all-high setting misses ``p``, nothing in the box
   reaches it.
2. **Surrogate + optimiser**: per replication ``r``, the target's outcome count ``Y_r(x)``
   is interpolated over the evaluated settings (``scipy.interpolate.RBFInterpolator``,
   linear kernel: exact at the evaluated settings, no overshoot), and the probability
   anywhere is ``mean_r [Y_r(x) >= threshold]``. ``scipy.optimize.differential_evolution``
   (integer variables: lattice indices) finds the least-cost setting that the surrogate
   says reaches ``p``; that setting is run, added to the pool and the surrogate refitted,
   until the optimiser proposes a setting already run.
3. **Polish** (verified, on the real model): from the cheapest evaluated setting that
   reaches ``p``, each lever in turn (the most expensive steps first) is lowered one
   lattice step; if that still reaches ``p``, the lowest value that does is found by
   bisection (the probability is assumed to grow with each lever, as in
   :func:`~labour_sim.experiments.budget_for`). Rounds repeat until no lever can be
   lowered: the answer is then within one lattice step of the least value of each lever
   given the others.

``max_evaluations`` bounds the settings run; the answer says when the bound stopped it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.interpolate import RBFInterpolator
from scipy.optimize import differential_evolution
from scipy.stats import qmc

from ..experiments import Execution
from ..experiments.posterior import PosteriorDraws
from ..scenario import Scenario
from .points import run_points
from .space import Lever, typed_table

__all__ = ["Evaluation", "Evaluator", "least_cost"]

Index = tuple[int, ...]


@dataclass(frozen=True)
class Evaluation:
    """One evaluated setting (search seed, common random numbers).

    Attributes
    ----------
    index : tuple of int
        Lattice index of each lever.
    values : tuple of float
        Lever values.
    probability, ci_low, ci_high : float
        Share of replications reaching the target, with its Wilson 95 % interval.
    lever_cost : float
        ``sum(cost_j * value_j)`` (DKK).
    programme_cost : float
        Mean programme cost over the replications (DKK).
    outcomes : numpy.ndarray
        The target's outcome in each replication.
    phase : str
        ``design``, ``surrogate`` or ``polish``.
    order : int
        Position in the order of evaluation.
    """

    index: Index
    values: tuple[float, ...]
    probability: float
    ci_low: float
    ci_high: float
    lever_cost: float
    programme_cost: float
    outcomes: NDArray[np.float64]
    phase: str
    order: int


class Evaluator:
    """Runs settings on the search seed, memoised; counts settings and replications."""

    def __init__(
        self,
        scenario: Scenario,
        levers: Sequence[Lever],
        target: str,
        replications: int,
        seed: int,
        max_evaluations: int,
        execution: Execution,
        bar: Any = None,
        calibration: PosteriorDraws | None = None,
    ) -> None:
        self.scenario, self.levers, self.target = scenario, tuple(levers), target
        self.calibration = calibration
        self.replications, self.seed, self.execution = replications, seed, execution
        self.lattices = [lever.lattice() for lever in self.levers]
        self.costs = np.array([lever.cost for lever in self.levers])
        self.max_evaluations, self.bar = max_evaluations, bar
        self.pool: dict[Index, Evaluation] = {}
        self.simulations = 0
        self.stopped_by_budget = False

    @property
    def sizes(self) -> list[int]:
        """Lattice size of each lever."""
        return [len(lattice) for lattice in self.lattices]

    def values(self, index: Index) -> tuple[float, ...]:
        """Lever values of a lattice index."""
        return tuple(float(lattice[i]) for lattice, i in zip(self.lattices, index, strict=True))

    def cost(self, index: Index) -> float:
        """``sum(cost_j * value_j)`` at ``index`` (DKK)."""
        return float(self.costs @ np.array(self.values(index)))

    def evaluate(self, indices: Sequence[Index], phase: str) -> None:
        """Run the settings not run yet (within the budget), as one parallel batch."""
        new = list(dict.fromkeys(i for i in indices if i not in self.pool))
        room = self.max_evaluations - len(self.pool)
        if len(new) > room:
            self.stopped_by_budget = True
            new = new[: max(room, 0)]
        if not new:
            return
        design = typed_table(self.levers, np.array([self.values(i) for i in new]))
        column = f"target:{self.target}"
        runs = run_points(
            self.scenario, self.levers, design, self.replications, self.seed,
            keep=[column], execution=self.execution, calibration=self.calibration,
        )  # fmt: skip
        self.simulations += runs.simulations
        for k, index in enumerate(new):
            row = runs.table.iloc[k]
            self.pool[index] = Evaluation(
                index, self.values(index), float(row[f"probability:{self.target}"]),
                float(row[f"ci_low:{self.target}"]), float(row[f"ci_high:{self.target}"]),
                self.cost(index), float(row.get("cost:programme", np.nan)),
                runs.kept[column][k], phase, len(self.pool),
            )  # fmt: skip
        if self.bar is not None:
            self.bar.update(len(new))

    def meets(self, index: Index, p: float) -> bool:
        """Whether ``index`` was run and reached the target in at least a share ``p``."""
        found = self.pool.get(index)
        return found is not None and found.probability >= p

    def best(self, p: float) -> Evaluation | None:
        """The cheapest evaluated setting reaching ``p`` (ties: the least generous)."""
        feasible = [e for e in self.pool.values() if e.probability >= p]
        if not feasible:
            return None
        return min(feasible, key=lambda e: (round(e.lever_cost, 6), sum(e.index), e.order))

    def table(self, p: float) -> pd.DataFrame:
        """Every evaluated setting, in the order run."""
        rows = []
        for e in sorted(self.pool.values(), key=lambda e: e.order):
            row: dict[str, Any] = {"order": e.order, "phase": e.phase}
            row.update(
                {lever.path: lever.typed(v) for lever, v in zip(self.levers, e.values, strict=True)}
            )
            row.update(
                {
                    "lever_cost": e.lever_cost,
                    "probability": e.probability,
                    "ci_low": e.ci_low,
                    "ci_high": e.ci_high,
                    "reaches": e.probability >= p,
                    "programme_cost": e.programme_cost,
                }
            )
            rows.append(row)
        return pd.DataFrame(rows)


def initial_design(evaluator: Evaluator, rng: np.random.Generator) -> None:
    """Evaluate the all-high and all-low settings and a Latin hypercube, in one batch."""
    sizes = evaluator.sizes
    k = len(sizes)
    corners: list[Index] = [tuple(n - 1 for n in sizes), tuple(0 for _ in sizes)]
    count = max(4, 2 * k + 2)
    unit = qmc.LatinHypercube(k, rng=rng).random(count)
    spread = [
        tuple(min(int(u * n), n - 1) for u, n in zip(point, sizes, strict=True)) for point in unit
    ]
    evaluator.evaluate(corners + spread, "design")


def least_cost(
    evaluator: Evaluator, p: float, threshold: float, rng: np.random.Generator, rounds: int = 8
) -> Evaluation | None:
    """The least-cost setting reaching ``p`` (surrogate search, then verified polish).

    ``None`` when the all-high setting (run by :func:`initial_design`) misses ``p``.
    """
    if not evaluator.meets(tuple(n - 1 for n in evaluator.sizes), p):
        return None
    for _ in range(rounds):
        if len(evaluator.pool) >= evaluator.max_evaluations:
            break
        candidate = _surrogate_candidate(evaluator, p, threshold, rng)
        if candidate is None or candidate in evaluator.pool:
            break
        evaluator.evaluate([candidate], "surrogate")
    start = evaluator.best(p)
    return None if start is None else polish(evaluator, p, start)


def polish(evaluator: Evaluator, p: float, start: Evaluation) -> Evaluation:
    """Lower each lever while the target is still reached (bisection; verified runs)."""
    current = start.index
    steps = [
        lever.cost * float(np.min(np.diff(lattice)))
        for lever, lattice in zip(evaluator.levers, evaluator.lattices, strict=True)
    ]
    order = sorted(range(len(current)), key=lambda j: -steps[j])
    for _ in range(4):
        moved = False
        for j in order:
            lowered = _lowest(evaluator, p, current, j)
            if lowered != current[j]:
                current, moved = _with(current, j, lowered), True
        if not moved:
            break
    return evaluator.pool[current]


def _lowest(evaluator: Evaluator, p: float, index: Index, j: int) -> int:
    """The least lattice index of lever ``j`` (others fixed) that still reaches ``p``."""
    hi = index[j]
    if hi == 0 or not _tried(evaluator, p, _with(index, j, hi - 1), j):
        return hi
    lo, hi = -1, hi - 1  # invariant: hi reaches p; lo does not (or is below the lattice)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _tried(evaluator, p, _with(index, j, mid), j):
            hi = mid
        elif _with(index, j, mid) in evaluator.pool or _fails(
            evaluator, p, _with(index, j, mid), j
        ):
            lo = mid
        else:
            break  # out of budget
    return hi


def _tried(evaluator: Evaluator, p: float, index: Index, j: int) -> bool:
    """Run ``index`` unless it is known to miss ``p``; whether it reaches ``p``."""
    if not _fails(evaluator, p, index, j):
        evaluator.evaluate([index], "polish")
    return evaluator.meets(index, p)


def _fails(evaluator: Evaluator, p: float, index: Index, j: int) -> bool:
    """Known to miss ``p``: a setting that differs only by more of lever ``j`` missed it.

    This uses only what the bisection assumes already: the probability grows with lever
    ``j`` when the other levers are held fixed.
    """
    return any(
        e.probability < p
        and e.index[j] >= index[j]
        and all(a == b for i, (a, b) in enumerate(zip(e.index, index, strict=True)) if i != j)
        for e in evaluator.pool.values()
    )


def _with(index: Index, j: int, value: int) -> Index:
    return (*index[:j], value, *index[j + 1 :])


def _surrogate_candidate(
    evaluator: Evaluator, p: float, threshold: float, rng: np.random.Generator
) -> Index | None:
    """The least-cost lattice setting the surrogate says reaches ``p`` (or None)."""
    pool = list(evaluator.pool.values())
    sizes = np.array(evaluator.sizes)
    scale = np.maximum(sizes - 1, 1).astype(float)
    k = len(sizes)
    if len(pool) < k + 2:
        return None
    x = np.array([e.index for e in pool], dtype=float) / scale
    y = np.array([e.outcomes for e in pool])
    try:
        surrogate = RBFInterpolator(x, y, kernel="linear", degree=1)
    except (np.linalg.LinAlgError, ValueError):
        return None
    lattices = evaluator.lattices
    costs = evaluator.costs
    worst = float(sum(c * lat[-1] for c, lat in zip(costs, lattices, strict=True))) + 1.0

    def probability(z: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray((surrogate(z / scale) >= threshold - 1e-9).mean(axis=1), dtype=float)

    def objective(columns: NDArray[np.float64]) -> NDArray[np.float64]:
        z = np.rint(np.atleast_2d(columns.T)).astype(int)
        cost = sum(costs[j] * lattices[j][z[:, j]] for j in range(k))
        tie = worst * 1e-9 * (z / scale).sum(axis=1)  # cheaper first, then less generous
        prob = probability(z.astype(float))
        return np.where(prob >= p, cost + tie, worst * (2.0 + p - prob))

    found = differential_evolution(
        objective, [(0, n - 1) for n in sizes], integrality=[True] * k, vectorized=True,
        updating="deferred", rng=rng, maxiter=200, popsize=12, tol=1e-10, polish=False,
        x0=np.array(max(pool, key=lambda e: e.probability).index, dtype=float),
    )  # fmt: skip
    best = tuple(int(v) for v in np.rint(found.x))
    if probability(np.array([best], dtype=float))[0] < p:
        return None
    return best
