"""Where a target is met: box rules read off a sweep, in plain words.

Given a sweep and a target, a setting *meets* it when the target's probability there is at
least ``p``. The description is built from the sweep table alone, with no fitted model:

1. **Direction** of each lever: the sign of the Spearman correlation between the lever and
   the probability across the sweep (more mentors help: up; a longer intake hurts: down).
   A lever whose correlation is exactly 0 made no difference that the sweep could see
   (with common random numbers a lever that does nothing leaves every outcome unchanged).
2. **Necessary bounds**: the least generous value of each lever among the settings that
   met the target ("no setting with fewer than 30 mentors met it").
3. **Box rules**: each *minimal* setting that met the target (no other setting that met it
   is at most as generous in every lever) gives the rule "every lever at least as generous
   as here". If the probability grows with every lever (monotone), the region where the
   target is met is exactly the union of these boxes, on the settings tried.
4. **Honesty check**: how many settings the union of the rules puts on the right side.
   Settings it gets wrong are where the monotone reading fails: noise near the boundary
   (each probability is an estimate from the sweep's replications) or a lever that helps
   only up to a point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats as sps

from ..errors import ScenarioError


class SweepTable(Protocol):
    """What a description needs of a sweep (a :class:`~.sweep.Sweep` is one)."""

    @property
    def table(self) -> pd.DataFrame:
        """One row per setting: lever values and ``probability:TARGET`` columns."""

    @property
    def paths(self) -> list[str]:
        """The levers' dotted paths."""

    @property
    def targets(self) -> list[str]:
        """The targets' names."""


__all__ = ["Region", "Rule", "describe_region"]


@dataclass(frozen=True)
class Rule:
    """One box: every lever in ``bounds`` at least (or at most) its value.

    Attributes
    ----------
    bounds : tuple of (path, sign, value)
        ``sign`` +1 means "at least", -1 "at most".
    settings : int
        Sweep settings inside the box.
    met : int
        Of those, how many meet the target.
    """

    bounds: tuple[tuple[str, int, float], ...]
    settings: int
    met: int

    def words(self) -> str:
        """E.g. ``staff.mentors at least 30 and companies.slots_per_company at least 2``."""
        if not self.bounds:
            return "any setting"
        return " and ".join(_bound_words(path, sign, value) for path, sign, value in self.bounds)


@dataclass(frozen=True)
class Region:
    """Where a target is met on a sweep; :meth:`lines` says it in plain words.

    Attributes
    ----------
    target : str
        The target.
    probability : float
        The probability it must be reached with.
    settings, met : int
        Settings in the sweep, and how many meet the target.
    directions : dict of str to int
        +1 (the probability grows with the lever), -1 (falls) or 0 (no visible effect).
    necessary : tuple of (path, sign, value)
        The least generous value of each lever among the settings that met the target.
    rules : tuple of Rule
        Box rules, most settings first.
    correct : int
        Settings the union of the rules classifies correctly.
    best : pandas.Series
        The sweep row with the highest probability of the target.
    """

    target: str
    probability: float
    settings: int
    met: int
    directions: dict[str, int]
    necessary: tuple[tuple[str, int, float], ...]
    rules: tuple[Rule, ...]
    correct: int
    best: pd.Series

    def table(self) -> pd.DataFrame:
        """The rules as a table: ``rule, settings, met``."""
        return pd.DataFrame(
            [{"rule": r.words(), "settings": r.settings, "met": r.met} for r in self.rules]
        )

    def lines(self, max_rules: int = 5) -> list[str]:
        """The region in plain words."""
        want = f"{self.target} with at least {self.probability:.0%} probability"
        paths = list(self.directions)
        if self.met == 0:
            setting = ", ".join(f"{p}={self.best[p]:.4g}" for p in paths)
            p = self.best[f"probability:{self.target}"]
            return [
                f"{want}: not met at any of the {self.settings} settings tried; "
                f"the highest probability is {p:.0%}, at {setting}."
            ]
        out = [f"{want}: met at {self.met} of {self.settings} settings tried."]
        if self.met == self.settings:
            return [*out[:1], "Every setting tried meets it: the levers' ranges are not limiting."]
        if self.necessary:
            needs = ", ".join(_bound_words(*bound) for bound in self.necessary)
            out.append(f"Every setting that met it had {needs}.")
        out.append("It is met wherever the levers are at least as generous as in one of:")
        for rule in self.rules[:max_rules]:
            out.append(f"  - {rule.words()} ({rule.met} of {rule.settings} such settings met it)")
        if len(self.rules) > max_rules:
            out.append(f"  - ... and {len(self.rules) - max_rules} more such settings")
        out.append(
            f"These rules put {self.correct} of {self.settings} settings on the right side"
            + (
                "."
                if self.correct == self.settings
                else " (the others lie near the boundary, where each probability is an "
                "estimate, or a lever helps only up to a point)."
            )
        )
        idle = [p for p, d in self.directions.items() if d == 0]
        if idle:
            out.append(f"No effect seen of: {', '.join(idle)}.")
        return out


def describe_region(sweep: SweepTable, target: str, probability: float = 0.8) -> Region:
    """Describe where ``target`` is reached with at least ``probability`` on ``sweep``."""
    if target not in sweep.targets:
        raise ScenarioError.single("target", f"one of {sweep.targets}", target)
    if not 0 < probability < 1:
        raise ScenarioError.single("probability", "a probability between 0 and 1", probability)
    table = sweep.table
    paths = sweep.paths
    p = table[f"probability:{target}"].to_numpy(dtype=float)
    x = table[paths].to_numpy(dtype=float)
    met = p >= probability
    directions = {path: _direction(x[:, j], p) for j, path in enumerate(paths)}
    sign = np.array([directions[path] for path in paths], dtype=float)
    oriented = x * sign  # larger is "more generous" in every column (0 where no effect)
    rules = _rules(paths, sign, oriented, met)
    inside = np.zeros(len(table), dtype=bool)
    for rule in rules:
        inside |= _inside(paths, rule, x)
    return Region(
        target,
        probability,
        len(table),
        int(met.sum()),
        directions,
        _necessary(paths, sign, oriented, met),
        tuple(rules),
        int((inside == met).sum()),
        table.iloc[int(np.argmax(p))],
    )


def _direction(values: NDArray[np.float64], p: NDArray[np.float64]) -> int:
    if np.ptp(values) == 0 or np.ptp(p) == 0:
        return 0
    rho = sps.spearmanr(values, p).statistic
    return 0 if not math.isfinite(rho) or rho == 0 else int(np.sign(rho))


def _necessary(
    paths: list[str], sign: NDArray[np.float64], oriented: NDArray[np.float64], met: np.ndarray
) -> tuple[tuple[str, int, float], ...]:
    if not met.any():
        return ()
    bounds = []
    for j, path in enumerate(paths):
        least = oriented[met, j].min()
        if sign[j] != 0 and least > oriented[:, j].min():
            bounds.append((path, int(sign[j]), float(least * sign[j])))
    return tuple(bounds)


def _rules(
    paths: list[str], sign: NDArray[np.float64], oriented: NDArray[np.float64], met: np.ndarray
) -> list[Rule]:
    candidates = np.unique(oriented[met], axis=0)
    floor = oriented.min(axis=0)
    rules = []
    for m in candidates:
        others = candidates[(candidates <= m).all(axis=1) & (candidates < m).any(axis=1)]
        if len(others):
            continue  # not minimal: a less generous setting also met the target
        bounds = tuple(
            (path, int(sign[j]), float(m[j] * sign[j]))
            for j, path in enumerate(paths)
            if sign[j] != 0 and m[j] > floor[j]
        )
        inside = (oriented >= m).all(axis=1)
        rules.append(Rule(bounds, int(inside.sum()), int((inside & met).sum())))
    rules.sort(key=lambda r: (-r.met, r.settings - r.met))
    return rules


def _inside(paths: list[str], rule: Rule, x: NDArray[np.float64]) -> NDArray[np.bool_]:
    ok = np.ones(len(x), dtype=bool)
    for path, sign, value in rule.bounds:
        column = x[:, paths.index(path)]
        ok &= column >= value if sign > 0 else column <= value
    return ok


def _bound_words(path: str, sign: int, value: float) -> str:
    return f"{path} {'at least' if sign > 0 else 'at most'} {value:.4g}"
