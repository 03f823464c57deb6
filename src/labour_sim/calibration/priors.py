"""Priors on scenario numbers: what calibration may change, and within what belief.

A parameter is a dotted scenario path (as in :meth:`Scenario.with_changes`) with a prior::

    {"placement.outcomes.ordinary": "uniform(0.05, 0.3)",
     "companies.recruitment_per_week": "loguniform(1, 10)",
     "intake.rate_per_week": Prior("normal", 7.3, 1.0)}

The same spec strings work on the command line (``--param PATH=uniform(0.05,0.3)``).
``uniform(low, high)`` and ``loguniform(low, high)`` bound the value, and must lie within
the field's own bounds (``[0, 1]`` for a probability); ``normal(mean, sd)`` does not, and
values the scenario rejects (a negative probability, hiring probabilities that sum above 1)
count as impossible: the prior is truncated to valid scenarios.

A path that holds a whole number in the scenario (``staff.mentors``) is an integer
parameter: proposed values are rounded before they are set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel
from scipy import stats as sps

from ..errors import Problem, ScenarioError
from ..scenario import DistQuantity, Quantity, Scenario, value_bounds
from ..scenario.paths import number_at

__all__ = ["Parameter", "Prior", "parse_parameters", "parse_prior"]

Kind = Literal["uniform", "loguniform", "normal"]
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_SPEC = re.compile(rf"^\s*([a-z-]+)\s*\(\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\)\s*$")
_ALIASES = {"uniform": "uniform", "loguniform": "loguniform", "log-uniform": "loguniform",
            "normal": "normal"}  # fmt: skip
EXAMPLES = "uniform(0.05, 0.3), loguniform(1, 100) or normal(7.3, 1)"


@dataclass(frozen=True)
class Prior:
    """A prior belief about one number.

    Parameters
    ----------
    kind : {'uniform', 'loguniform', 'normal'}
        The family.
    a, b : float
        ``low, high`` for uniform and log-uniform (``0 < low`` for log-uniform);
        ``mean, sd`` for normal.
    """

    kind: Kind
    a: float
    b: float

    def __post_init__(self) -> None:
        problem = self._problem()
        if problem:
            raise ScenarioError.single("prior", problem, str(self))

    def _problem(self) -> str | None:
        if self.kind not in _ALIASES.values():
            return f"a prior such as {EXAMPLES}"
        if not (math.isfinite(self.a) and math.isfinite(self.b)):
            return "finite numbers"
        if self.kind == "uniform" and not self.a < self.b:
            return "uniform(low, high) with low < high"
        if self.kind == "loguniform" and not 0 < self.a < self.b:
            return "loguniform(low, high) with 0 < low < high"
        if self.kind == "normal" and not self.b > 0:
            return "normal(mean, sd) with sd > 0"
        return None

    def __str__(self) -> str:
        return f"{self.kind}({self.a:g}, {self.b:g})"

    @property
    def frozen(self) -> Any:
        """The scipy.stats frozen distribution."""
        if self.kind == "uniform":
            return sps.uniform(self.a, self.b - self.a)
        if self.kind == "loguniform":
            return sps.loguniform(self.a, self.b)
        return sps.norm(self.a, self.b)

    def rv(self) -> Any:
        """The same prior as a :class:`pyabc.RV` (with a fast density, see :mod:`.density`)."""
        from .density import PriorRV  # imports pyabc, slow to import

        if self.kind == "uniform":
            return PriorRV("uniform", self.a, self.b - self.a)
        if self.kind == "loguniform":
            return PriorRV("loguniform", self.a, self.b)
        return PriorRV("norm", self.a, self.b)

    @property
    def centre(self) -> float:
        """The prior median."""
        return float(self.frozen.median())

    def to_scale(self, values: Any) -> Any:
        """Values on the scale widths are compared on: log for log-uniform, else as is."""
        x = np.asarray(values, dtype=float)
        return np.log(x) if self.kind == "loguniform" else x

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Central prior interval holding ``level`` of the belief."""
        low, high = self.frozen.ppf([(1 - level) / 2, (1 + level) / 2])
        return float(low), float(high)


def parse_prior(spec: Prior | str, path: str = "prior") -> Prior:
    """A :class:`Prior` from a spec string such as ``"uniform(0.05, 0.3)"`` (or a Prior)."""
    if isinstance(spec, Prior):
        return spec
    match = _SPEC.match(spec) if isinstance(spec, str) else None
    if match is None or match.group(1) not in _ALIASES:
        raise ScenarioError.single(path, f"a prior such as {EXAMPLES}", spec)
    kind = _ALIASES[match.group(1)]
    try:
        return Prior(kind, float(match.group(2)), float(match.group(3)))  # type: ignore[arg-type]
    except ScenarioError as exc:
        raise ScenarioError.single(path, exc.problems[0].expected, spec) from None


@dataclass(frozen=True)
class Parameter:
    """A scenario number being calibrated.

    Attributes
    ----------
    path : str
        Dotted scenario path (see :meth:`Scenario.with_changes`).
    prior : Prior
        The belief before seeing the observations.
    integer : bool
        The scenario holds a whole number there: values are rounded before use.
    key : str
        Name of the parameter inside the ABC run (``p0``, ``p1``, ...).
    """

    path: str
    prior: Prior
    integer: bool
    key: str

    def value(self, x: float) -> float | int:
        """``x`` as the scenario takes it (rounded for an integer parameter)."""
        return round(x) if self.integer else float(x)


def changes(parameters: tuple[Parameter, ...], values: Mapping[str, float]) -> dict[str, Any]:
    """``{path: value}`` for :meth:`Scenario.with_changes` from ``{key: value}``."""
    return {p.path: p.value(values[p.key]) for p in parameters}


def parse_parameters(scenario: Scenario, spec: Mapping[str, Prior | str]) -> tuple[Parameter, ...]:
    """Validate ``{path: prior}`` against ``scenario``; every problem in one error.

    Each path must name a number of the scenario; a bounded prior (uniform, log-uniform)
    must lie within the field's own bounds (a probability's ``[0, 1]``: values outside
    would be dropped without a word), and the prior's median must be a value the scenario
    accepts there (which also catches rules between fields, and normal priors).
    """
    if not spec:
        raise ScenarioError.single(
            "parameters", "at least one {path: prior}, e.g. placement.outcomes.ordinary", "none"
        )
    data = scenario.model_dump(mode="json")
    problems: list[Problem] = []
    out: list[Parameter] = []
    for i, (path, prior_spec) in enumerate(spec.items()):
        try:
            prior = parse_prior(prior_spec, f"parameters.{path}")
            current = _current(data, path)
            parameter = Parameter(path, prior, isinstance(current, int), f"p{i}")
            _check_support(scenario, parameter)
            scenario.with_changes({path: parameter.value(prior.centre)})
        except ScenarioError as exc:
            problems += exc.problems
            continue
        out.append(parameter)
    if problems:
        raise ScenarioError(problems, "parameters")
    return tuple(out)


def _current(data: Any, path: str) -> Any:
    """The number at ``path`` (a quantity's value or mean), or raise a ScenarioError."""
    node = number_at(data, path)
    if node is None:
        raise ScenarioError.single(
            path, "the dotted path of a number in the scenario (e.g. staff.mentors)", path
        )
    return node


def _check_support(scenario: Scenario, parameter: Parameter) -> None:
    """Raise a ScenarioError if a bounded prior reaches outside the field's bounds.

    Normal priors are unbounded: they are truncated to valid scenarios instead. A prior may
    end at a bound the field excludes (``gt``): it draws that very value with probability 0.
    """
    prior = parameter.prior
    q = _quantity(scenario, parameter.path)
    if prior.kind == "normal" or q is None:
        return
    floor, strict, ceiling = value_bounds(q)
    top = math.inf if ceiling is None else ceiling
    low, high = parameter.value(prior.a), parameter.value(prior.b)  # as the scenario gets them
    if low < floor or high > top:
        within = f"a prior within {'(' if strict else '['}{floor:g}, {top:g}]"
        raise ScenarioError([Problem(f"parameters.{parameter.path}", within, str(prior))])


def _quantity(scenario: Scenario, path: str) -> Quantity[Any] | DistQuantity | None:
    """The quantity whose number is at ``path`` (its own path, or ``.value``/``.mean`` in it).

    List items by name or index, as :mod:`labour_sim.scenario.paths` finds them.
    """
    node: Any = scenario
    parts = path.split(".")
    if parts[-1] in ("value", "mean"):
        parts.pop()
    for part in parts:
        if isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        elif isinstance(node, tuple | list):
            names = [getattr(item, "name", None) for item in node]
            if part in names:
                node = node[names.index(part)]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        else:
            return None
    return node if isinstance(node, Quantity | DistQuantity) else None
