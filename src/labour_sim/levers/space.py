"""Levers: which scenario numbers to vary, over which values, and what a unit costs.

A lever is a dotted scenario path, as in :meth:`Scenario.with_changes` (``staff.mentors``,
``companies.slots_per_company``, ``groups.jobparat.share``, ``placement.duration_weeks``
for a distribution's mean). It is given as

* a range ``(low, high)`` or ``(low, high, cost per unit in DKK)``, or :class:`Range` for a
  grid step too;
* explicit values, a list ``[1, 2, 3]`` or :class:`Values` (with a cost per unit).

Fields that hold whole numbers in the scenario (counts of staff, companies, slots,
attempts) are whole-number levers: their values are rounded to whole numbers before they
are set, and their bounds must be whole. Every lever is checked up front: the path must
hold a number in the scenario, and the scenario must accept the lever's low and high
values (all problems are reported together in one :class:`~labour_sim.ScenarioError`).

Designs (tables of lever settings, one row a point) are built here: the full grid of each
lever's values (:func:`grid_design`) and a Latin hypercube (:func:`latin_hypercube`, with
``scipy.stats.qmc``). Every random design draws from a generator seeded by
``SeedSequence(seed, spawn_key=(DESIGN_BRANCH, purpose, 0))``: a three-part key, so it
never shares a stream with a replication (whose keys have two parts).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import qmc

from ..errors import Problem, ScenarioError
from ..scenario import Scenario
from ..scenario.paths import number_at

__all__ = [
    "Design",
    "Lever",
    "LeverSpec",
    "Range",
    "Values",
    "changes_at",
    "design_generator",
    "grid_design",
    "latin_hypercube",
    "parse_levers",
]

#: First part of every design stream's spawn key ("LEVR" in ASCII).
DESIGN_BRANCH = 0x4C455652
#: Whole-number ranges with more values than this are searched on a coarser lattice.
MAX_WHOLE_LATTICE = 501
#: Values of a continuous lever's lattice when no step is given (20 steps, as budget_for).
CONTINUOUS_LATTICE = 21


class Design(IntEnum):
    """What a design stream is for. Values are part of the reproducibility contract."""

    LATIN_HYPERCUBE = 1
    MORRIS = 2
    MORRIS_BOOTSTRAP = 3
    SOBOL = 4
    SOBOL_BOOTSTRAP = 5
    GOAL_DESIGN = 6
    GOAL_OPTIMISER = 7


def design_generator(seed: int, purpose: Design) -> np.random.Generator:
    """The generator of a design (Latin hypercube, Morris or Sobol sample, optimiser)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(DESIGN_BRANCH, int(purpose), 0))
    return np.random.Generator(np.random.PCG64(sequence))


@dataclass(frozen=True)
class Range:
    """A lever's range: from ``low`` to ``high`` in the field's unit.

    Parameters
    ----------
    low, high : float
        Bounds (whole numbers for whole-number fields).
    cost : float, default 0
        Cost of one unit of the lever (DKK), for goal seeking.
    step : float, optional
        Grid step; default: as many levels as asked for in a sweep, and for goal seeking
        1 for whole-number levers and 20 steps for others.
    """

    low: float
    high: float
    cost: float = 0.0
    step: float | None = None


@dataclass(frozen=True)
class Values:
    """A lever's explicit values (in the field's unit), with a cost per unit (DKK)."""

    values: tuple[float, ...]
    cost: float = 0.0


#: What a lever can be given as: (low, high), (low, high, cost), Range, a list or Values.
LeverSpec = tuple[float, float] | tuple[float, float, float] | Range | Values | Sequence[float]


@dataclass(frozen=True)
class Lever:
    """One checked lever.

    Attributes
    ----------
    path : str
        Dotted scenario path.
    low, high : float
        Smallest and largest value.
    whole : bool
        Whether the field holds whole numbers (values are rounded).
    baseline : float
        The value in the scenario.
    cost : float
        Cost of one unit (DKK).
    step : float or None
        Grid step, if given.
    values : tuple of float or None
        Explicit values, if given (then ``low`` and ``high`` are their extremes).
    """

    path: str
    low: float
    high: float
    whole: bool
    baseline: float
    cost: float = 0.0
    step: float | None = None
    values: tuple[float, ...] | None = None

    def typed(self, value: float) -> float | int:
        """``value`` as the field holds it: a whole number for whole-number levers."""
        return math.floor(float(value) + 0.5) if self.whole else float(value)

    def grid(self, levels: int) -> NDArray[np.float64]:
        """The lever's values in a full-grid sweep (``levels`` evenly spaced for a range)."""
        if self.values is not None:
            return np.array(self.values, dtype=float)
        if self.step is not None:
            return self.lattice()
        return self._unique(np.linspace(self.low, self.high, max(levels, 2)))

    def lattice(self) -> NDArray[np.float64]:
        """The values goal seeking chooses from, in increasing order."""
        if self.values is not None:
            return np.array(self.values, dtype=float)
        if self.step is not None:
            count = math.floor((self.high - self.low) / self.step + 1e-9) + 1
            return self._unique(self.low + self.step * np.arange(count))
        if self.whole and self.high - self.low + 1 <= MAX_WHOLE_LATTICE:
            return np.arange(self.low, self.high + 1, dtype=float)
        size = MAX_WHOLE_LATTICE if self.whole else CONTINUOUS_LATTICE
        return self._unique(np.linspace(self.low, self.high, size))

    def at(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Map points ``u`` of the unit interval to lever values (rounded if whole)."""
        if self.values is not None:
            values = np.array(self.values, dtype=np.float64)
            index = np.minimum((u * len(values)).astype(np.int64), len(values) - 1)
            return np.asarray(values[index], dtype=np.float64)
        x = self.low + u * (self.high - self.low)
        return np.floor(x + 0.5) if self.whole else x

    def _unique(self, x: NDArray[Any]) -> NDArray[np.float64]:
        rounded = np.floor(x + 0.5) if self.whole else x
        return np.unique(np.asarray(rounded, dtype=np.float64))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready description (for metadata and run keys)."""
        return {
            "path": self.path, "low": self.low, "high": self.high, "whole": self.whole,
            "baseline": self.baseline, "cost": self.cost, "step": self.step,
            "values": list(self.values) if self.values is not None else None,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lever:
        """Rebuild a lever from :meth:`as_dict`."""
        values = data.get("values")
        return cls(
            str(data["path"]), float(data["low"]), float(data["high"]), bool(data["whole"]),
            float(data["baseline"]), float(data.get("cost", 0.0)),
            None if data.get("step") is None else float(data["step"]),
            None if values is None else tuple(float(v) for v in values),
        )  # fmt: skip


def parse_levers(scenario: Scenario, spec: Mapping[str, LeverSpec]) -> tuple[Lever, ...]:
    """Check ``{path: range or values}`` against ``scenario``; every problem at once.

    Raises
    ------
    ScenarioError
        Unknown paths, paths that hold no number, low not below high, non-whole values of
        whole-number fields, negative costs, or values the scenario rejects.
    """
    if not spec:
        raise ScenarioError.single("levers", "at least one lever, e.g. staff.mentors=10:60", {})
    levers: list[Lever] = []
    problems: list[Problem] = []
    for path, given in spec.items():
        try:
            levers.append(_lever(scenario, path, given))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems, "levers")
    return tuple(levers)


def _lever(scenario: Scenario, path: str, given: Any) -> Lever:
    baseline = current_value(scenario, path)
    if isinstance(baseline, bool) or not isinstance(baseline, int | float):
        raise ScenarioError.single(
            path, "the path of a number set in the scenario (e.g. staff.mentors)", baseline
        )
    whole = isinstance(baseline, int)
    low, high, cost, step, values = _bounds(path, given)
    problems: list[Problem] = []
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        problems.append(Problem(path, "low < high (finite numbers)", f"{low:g} to {high:g}"))
    if not (math.isfinite(cost) and cost >= 0):
        problems.append(Problem(path, "a cost per unit >= 0 (DKK)", repr(cost)))
    if step is not None and not step > 0:
        problems.append(Problem(path, "a positive step", repr(step)))
    extremes = [low, high] if values is None else list(values)
    if whole and any(v != math.floor(v) for v in extremes):
        problems.append(Problem(path, "whole numbers (the field counts things)", repr(given)))
    if problems:
        raise ScenarioError(problems)
    for value in {low, high}:
        try:
            scenario.with_changes({path: int(value) if whole else float(value)})
        except ScenarioError as exc:
            raise ScenarioError.single(
                path, f"a value the scenario accepts ({exc.problems[0].expected})", value
            ) from None
    return Lever(path, low, high, whole, float(baseline), cost, step, values)


def _bounds(
    path: str, given: Any
) -> tuple[float, float, float, float | None, tuple[float, ...] | None]:
    """``(low, high, cost, step, values)`` from any accepted lever form."""
    try:
        if isinstance(given, Range):
            return float(given.low), float(given.high), float(given.cost), given.step, None
        if isinstance(given, Values) or not isinstance(given, tuple):
            raw = given.values if isinstance(given, Values) else given
            values = tuple(sorted({float(v) for v in raw}))
            cost = float(given.cost) if isinstance(given, Values) else 0.0
            if len(values) < 2:
                raise ValueError
            return values[0], values[-1], cost, None, values
        if len(given) in (2, 3):
            cost = float(given[2]) if len(given) == 3 else 0.0
            return float(given[0]), float(given[1]), cost, None, None
    except (TypeError, ValueError):
        pass
    raise ScenarioError.single(
        path, "(low, high), (low, high, cost per unit), Range(...) or two or more values", given
    )


def current_value(scenario: Scenario, path: str) -> Any:
    """The number at dotted ``path`` (a quantity's value or a distribution's mean).

    List items are addressed by ``name`` or index, as in :meth:`Scenario.with_changes`.
    Returns ``None`` when the path does not exist or holds no value.
    """
    return number_at(scenario, path)


def changes_at(
    levers: Sequence[Lever], point: Sequence[float] | NDArray[np.float64]
) -> dict[str, float | int]:
    """The ``with_changes`` mapping that sets each lever to its value at ``point``."""
    return {lever.path: lever.typed(x) for lever, x in zip(levers, point, strict=True)}


def grid_design(levers: Sequence[Lever], levels: int = 5) -> pd.DataFrame:
    """Every combination of the levers' grid values: one row per point, one column per lever."""
    grids = [lever.grid(levels) for lever in levers]
    rows = list(itertools.product(*grids))
    return typed_table(levers, np.array(rows, dtype=float).reshape(len(rows), len(levers)))


def latin_hypercube(levers: Sequence[Lever], samples: int, seed: int) -> pd.DataFrame:
    """``samples`` points of a Latin hypercube over the levers' ranges (seeded, reproducible)."""
    if samples < 2:
        raise ScenarioError.single("samples", "a whole number >= 2", samples)
    sampler = qmc.LatinHypercube(len(levers), rng=design_generator(seed, Design.LATIN_HYPERCUBE))
    return scaled_design(levers, sampler.random(samples))


def scaled_design(levers: Sequence[Lever], unit: NDArray[np.float64]) -> pd.DataFrame:
    """Points of the unit cube (rows) mapped to lever values."""
    columns = [lever.at(unit[:, j]) for j, lever in enumerate(levers)]
    return typed_table(levers, np.column_stack(columns))


def typed_table(levers: Sequence[Lever], values: NDArray[np.float64]) -> pd.DataFrame:
    """A design table: whole-number levers as int64 columns, others as float64."""
    return pd.DataFrame(
        {
            lever.path: values[:, j].astype(np.int64) if lever.whole else values[:, j]
            for j, lever in enumerate(levers)
        }
    )
