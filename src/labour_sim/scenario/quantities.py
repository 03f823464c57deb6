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
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..distributions import Constant, Distribution, Exponential, Gamma, Lognormal, Weibull

__all__ = [
    "ArrayQuantity",
    "Count",
    "DistQuantity",
    "NonNegative",
    "Positive",
    "PositiveInt",
    "Probability",
    "Provenance",
    "Quantity",
]

NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1)]
Count = Annotated[int, Field(ge=0)]
PositiveInt = Annotated[int, Field(ge=1)]

V = TypeVar("V")

STRICT = ConfigDict(frozen=True, extra="forbid", strict=False)


class Provenance(BaseModel):
    """Unit and origin shared by every kind of quantity."""

    model_config = STRICT

    unit: str = Field(min_length=1)
    source: str | None = Field(default=None, min_length=1)
    assumption: str | None = Field(default=None, min_length=1)
    range: tuple[float, float] | None = None
    note: str | None = None

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


class Quantity(Provenance, Generic[V]):
    """A scalar with unit and provenance; ``V`` carries the bounds (e.g. a probability)."""

    value: V


class ArrayQuantity(Provenance):
    """A list of numbers with one unit and provenance (e.g. monthly referral counts)."""

    values: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(min_length=1)


DistName = Literal["constant", "exponential", "gamma", "lognormal", "weibull"]


class DistQuantity(Provenance):
    """A distribution given by its mean and, where the family needs it, a shape or sd.

    ``range`` (for assumptions) refers to the mean. ``shape`` is the gamma or Weibull shape;
    ``sd`` the lognormal standard deviation (of the value, not of its logarithm).
    """

    dist: DistName
    mean: NonNegative
    shape: Positive | None = None
    sd: Positive | None = None

    @model_validator(mode="after")
    def _parameters(self) -> DistQuantity:
        needs = {"gamma": "shape", "weibull": "shape", "lognormal": "sd"}.get(self.dist)
        if needs == "shape" and self.shape is None:
            raise ValueError(f"'{self.dist}' needs 'shape' (> 0)")
        if needs == "sd" and self.sd is None:
            raise ValueError("'lognormal' needs 'sd' (> 0)")
        if self.dist not in ("constant",) and self.mean <= 0:
            raise ValueError(f"'{self.dist}' needs 'mean' > 0")
        return self

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
