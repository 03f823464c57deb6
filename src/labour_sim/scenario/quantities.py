"""Numbers with a unit and a provenance.

Every number in a scenario file is a small table that says what it is and where it comes
from, in the spirit of OpenFisca's parameters::

    slots_per_company = { value = 2, unit = "slots", assumption = "why", range = [1, 4] }
    grant = { value = 21130000, unit = "DKK", source = "apmf_rfk" }
    duration_weeks = { dist = "gamma", mean = 12, shape = 2, unit = "weeks", source = "..." }

Exactly one of ``source`` (a key of the scenario's ``[sources]`` table, a URL or a seed
article file name) and ``assumption`` (why this value, with a plausible ``range``) must be
given. :func:`Provenance.is_assumption` lets reports count how much of a scenario is assumed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Generic, Literal, TypeVar

import numpy as np
from annotated_types import Ge, Gt, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator

from ..distributions import Constant, Distribution, Exponential, Gamma, Lognormal, Weibull

__all__ = [
    "ArrayQuantity",
    "Count",
    "DistQuantity",
    "DurationDist",
    "MultiplierDist",
    "NonNegative",
    "Positive",
    "PositiveInt",
    "Probability",
    "Provenance",
    "Quantity",
    "Text",
    "Version",
    "iter_numbers",
    "number_only",
    "value_bounds",
]


def number_only(value: Any) -> Any:
    """Refuse what lax validation would turn into a number: booleans and text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"a number, not {_kind_of(value)}")
    return value


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text (write numbers without quotes)"
    return type(value).__name__


#: Labelled bounds (assumptions about what is physically sensible, not data). Each is far
#: above any real programme and far below what overflows or exhausts memory.
MAX_WEEKS = 2600.0  # a working life of 50 years, in weeks
MAX_MULTIPLIER = 100.0  # a lever effect beyond 100-fold is another programme, not a lever
MAX_DKK = 1e13  # several times the Danish state's annual budget
MAX_HOURS_PER_WEEK = 168.0  # the hours in a week (exact)
MAX_PER_WEEK = 10_000.0  # referrals or companies a week: the whole Danish benefit pool in months
MAX_HAZARD = 10.0  # per week: leaving within a day on average
MAX_PER_MONTH = 100_000.0  # referrals in one month
MAX_CITIZENS = 1_000_000  # more than all working-age Danes on public benefits
MAX_COMPANIES = 1_000_000  # more than all firms with employees in Denmark
MAX_SLOTS = 1_000  # citizens one company hosts at a time
MAX_CASEWORKERS = 10_000  # more than all Danish job centres employ
MAX_MENTORS = 100_000  # more mentors than the biggest cohort has citizens a tenth of
MAX_CASELOAD = 1_000  # cases per caseworker, or mentees per mentor
MAX_MONTHS = 1_200  # monthly counts: a hundred years

_WHOLE = BeforeValidator(number_only)

# Finite floats (bool and text refused) and whole numbers within a bound. mypy needs each
# alias spelled out, so they are written one by one rather than built by a function.
Finite = Annotated[float, Strict(), Field(allow_inf_nan=False)]
NonNegative = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Strict(), Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
Weeks = Annotated[float, Strict(), Field(ge=0, le=MAX_WEEKS, allow_inf_nan=False)]
Multiplier = Annotated[float, Strict(), Field(gt=0, le=MAX_MULTIPLIER, allow_inf_nan=False)]
Money = Annotated[float, Strict(), Field(ge=0, le=MAX_DKK, allow_inf_nan=False)]
HoursPerWeek = Annotated[float, Strict(), Field(ge=0, le=MAX_HOURS_PER_WEEK, allow_inf_nan=False)]
PerWeek = Annotated[float, Strict(), Field(ge=0, le=MAX_PER_WEEK, allow_inf_nan=False)]
Hazard = Annotated[float, Strict(), Field(ge=0, le=MAX_HAZARD, allow_inf_nan=False)]
PerMonth = Annotated[float, Strict(), Field(ge=0, le=MAX_PER_MONTH, allow_inf_nan=False)]
Citizens = Annotated[int, _WHOLE, Field(ge=0, le=MAX_CITIZENS)]
Companies = Annotated[int, _WHOLE, Field(ge=0, le=MAX_COMPANIES)]
Slots = Annotated[int, _WHOLE, Field(ge=1, le=MAX_SLOTS)]
Caseworkers = Annotated[int, _WHOLE, Field(ge=0, le=MAX_CASEWORKERS)]
Mentors = Annotated[int, _WHOLE, Field(ge=0, le=MAX_MENTORS)]
Caseload = Annotated[int, _WHOLE, Field(ge=1, le=MAX_CASELOAD)]
Count = Citizens
#: A format version: the number 1 (``true`` equals 1 in Python, so it is refused first).
Version = Annotated[Literal[1], BeforeValidator(number_only)]
PositiveInt = Annotated[int, _WHOLE, Field(ge=1, le=MAX_CITIZENS)]

V = TypeVar("V")

STRICT = ConfigDict(frozen=True, extra="forbid", strict=False)
Text = Annotated[str, Strict()]


class Provenance(BaseModel):
    """Unit and origin shared by every kind of quantity."""

    model_config = STRICT

    unit: Text = Field(min_length=1, max_length=100)
    source: Text | None = Field(default=None, min_length=1)
    assumption: Text | None = Field(default=None, min_length=1)
    range: tuple[Finite, Finite] | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Provenance:
        if (self.source is None) == (self.assumption is None):
            raise ValueError("exactly one of 'source' or 'assumption' (with a 'range')")
        if self.assumption is not None and self.range is None:
            raise ValueError("an assumption needs a plausible 'range = [low, high]'")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("'range' as [low, high] with low <= high")
        return self

    @property
    def is_assumption(self) -> bool:
        """True when the number is an assumption rather than a sourced fact."""
        return self.assumption is not None

    def __repr__(self) -> str:
        if self.source is not None:
            origin = f"source {self.source!r}"
        else:
            low, high = self.range or (math.nan, math.nan)
            origin = f"assumption, range {low:g} to {high:g}"
        return f"{type(self).__name__.split('[')[0]}({self._shown()} {self.unit}; {origin})"

    def __str__(self) -> str:
        return repr(self)

    def _shown(self) -> str:
        return ""


class Quantity(Provenance, Generic[V]):
    """A scalar with unit and provenance; ``V`` carries the bounds (e.g. a probability)."""

    value: V

    def _shown(self) -> str:
        return f"{self.value!r}"


class ArrayQuantity(Provenance):
    """A list of numbers with one unit and provenance (e.g. monthly referral counts)."""

    values: list[PerMonth] = Field(min_length=1, max_length=MAX_MONTHS)

    def _shown(self) -> str:
        head = ", ".join(f"{v:g}" for v in self.values[:3])
        return f"[{head}{', ...' if len(self.values) > 3 else ''}] ({len(self.values)} values)"


DistName = Literal["constant", "exponential", "gamma", "lognormal", "weibull"]


#: Shape and spread bounds, per family. Beyond them a distribution's moments overflow
#: (Weibull shape 0.005: Gamma(201)) or its draws are NaN (gamma shape 5e-324); within them
#: the coefficient of variation runs from 0.001 to 10 (Weibull: 0.01 to about 430).
GAMMA_SHAPE = (0.01, 1e6)
WEIBULL_SHAPE = (0.1, 100.0)
LOGNORMAL_CV = 100.0  # sd at most 100 times the mean


class DistQuantity(Provenance):
    """A distribution given by its mean and, where the family needs it, a shape or sd.

    ``range`` (for assumptions) refers to the mean. ``shape`` is the gamma or Weibull shape;
    ``sd`` the lognormal standard deviation (of the value, not of its logarithm). The
    distribution is built when the table is validated, and refused unless its mean and
    variance are finite.
    """

    dist: DistName
    mean: NonNegative
    shape: Positive | None = None
    sd: Positive | None = None

    @model_validator(mode="after")
    def _parameters(self) -> DistQuantity:
        needs = {"gamma": "shape", "weibull": "shape", "lognormal": "sd"}.get(self.dist)
        for key in ("shape", "sd"):
            if key != needs and getattr(self, key) is not None:
                raise ValueError(f"no '{key}' for dist = '{self.dist}' (it takes none)")
        if needs == "shape" and self.shape is None:
            raise ValueError(f"a 'shape' (> 0) for dist = '{self.dist}'")
        if needs == "sd" and self.sd is None:
            raise ValueError("an 'sd' (> 0) for dist = 'lognormal'")
        if self.dist not in ("constant",) and self.mean <= 0:
            raise ValueError(f"a 'mean' > 0 for dist = '{self.dist}'")
        low, high = {"gamma": GAMMA_SHAPE, "weibull": WEIBULL_SHAPE}.get(self.dist, (0, 0))
        if self.shape is not None and not low <= self.shape <= high:
            raise ValueError(
                f"'{self.dist}' shape from {low:g} to {high:g} (a labelled bound: beyond it the "
                f"moments overflow or draws degenerate); got {self.shape:g}"
            )
        if self.sd is not None and self.sd > LOGNORMAL_CV * self.mean:
            raise ValueError(
                f"'lognormal' sd at most {LOGNORMAL_CV:g} times the mean (a labelled bound); "
                f"got {self.sd:g} for mean {self.mean:g}"
            )
        _check_moments(self.build(), self.dist)
        return self

    def _shown(self) -> str:
        spread = f", shape {self.shape:g}" if self.shape is not None else ""
        spread += f", sd {self.sd:g}" if self.sd is not None else ""
        return f"{self.dist}(mean {self.mean:g}{spread})"

    def build(self) -> Distribution:
        """The frozen distribution spec this table describes."""
        if self.dist == "constant":
            return Constant(self.mean)
        if self.dist == "exponential":
            return Exponential(self.mean)
        if self.dist == "gamma":
            assert self.shape is not None
            return Gamma(self.mean, self.shape)
        if self.dist == "lognormal":
            assert self.sd is not None
            return Lognormal(self.mean, self.sd)
        assert self.shape is not None
        return Weibull(self.mean / math.gamma(1 + 1 / self.shape), self.shape)


class DurationDist(DistQuantity):
    """A distribution of durations in weeks (mean at most a working life)."""

    mean: Weeks


class MultiplierDist(DistQuantity):
    """A distribution of multipliers (mean about 1, at most ``MAX_MULTIPLIER``)."""

    mean: Annotated[float, Strict(), Field(ge=0, le=MAX_MULTIPLIER, allow_inf_nan=False)]


def _check_moments(dist: Distribution, name: str) -> None:
    """Refuse a distribution whose mean, variance or extreme quantiles are not finite."""
    try:
        moments = [dist.mean, dist.variance]
        with np.errstate(all="ignore"):
            moments += [float(x) for x in dist.ppf(np.array([0.0, 0.5, _TOP]))]
    except (OverflowError, ValueError, ZeroDivisionError):
        moments = [math.nan]
    if not all(math.isfinite(m) and m >= 0 for m in moments):
        raise ValueError(f"a '{name}' distribution with a finite mean and variance")


_TOP = 1.0 - 2.0**-53  # the largest uniform a draw can use


def iter_numbers(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Provenance]]:
    """Every quantity in ``model`` with its dotted path (list items by name or index)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, Provenance):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from iter_numbers(value, path + ".")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = getattr(item, "name", i)
                    yield from iter_numbers(item, f"{path}.{label}.")


def value_bounds(q: BaseModel) -> tuple[float, bool, float | None]:
    """``(lowest, strictly above it, highest)`` the type of a quantity's number allows.

    The number is a quantity's ``value`` or a distribution's ``mean``; ``-inf`` and ``None``
    where the type sets no bound.
    """
    field = type(q).model_fields.get("mean" if isinstance(q, DistQuantity) else "value")
    floor, strict, ceiling = -math.inf, False, None
    for item in field.metadata if field is not None else ():
        if isinstance(item, Ge):
            floor = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Gt):
            floor, strict = float(item.gt), True  # type: ignore[arg-type]
        elif isinstance(item, Le):
            ceiling = float(item.le)  # type: ignore[arg-type]
    return floor, strict, ceiling
