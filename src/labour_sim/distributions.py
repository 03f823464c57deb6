"""Probability distributions as small frozen specifications.

Every duration and every readiness or willingness draw in the model comes from one of these.
Each spec knows its moments (``mean``, ``variance``), samples from an explicit
:class:`numpy.random.Generator` (never a global one) and, where the model needs it,
inverts its CDF (``ppf``) so that a hazard ratio can be applied exactly to a uniform draw.

All specs are *scale families*: multiplying a draw by ``c`` gives a draw from the same family
with mean ``c * mean``. The model uses that to apply lever multipliers to durations drawn
once per citizen, which keeps common random numbers exact across scenarios.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy import special

from . import ufuncs

__all__ = [
    "Constant",
    "Distribution",
    "Exponential",
    "Gamma",
    "Lognormal",
    "Weibull",
    "proportional_hazard_ppf",
    "proportional_hazard_u",
    "scaled_ppf",
    "scaled_sample",
]

FloatArray = NDArray[np.float64]
_BELOW_ONE = 1.0 - 2.0**-53


class Distribution(Protocol):
    """What the model needs of a distribution."""

    @property
    def mean(self) -> float:
        """Expected value, in the unit of the quantity (weeks for durations)."""
        ...

    @property
    def variance(self) -> float:
        """Variance, in the unit squared."""
        ...

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
        """Draw ``size`` independent values from ``rng``."""
        ...

    def ppf(self, u: FloatArray) -> FloatArray:
        """Inverse CDF at probabilities ``u`` in [0, 1)."""
        ...


@dataclass(frozen=True)
class Constant:
    """A degenerate distribution: always ``value``."""

    value: float

    @property
    def mean(self) -> float:  # noqa: D102
        return self.value

    @property
    def variance(self) -> float:  # noqa: D102
        return 0.0

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:  # noqa: D102
        return np.full(size, self.value, dtype=float)

    def ppf(self, u: FloatArray) -> FloatArray:  # noqa: D102
        return np.full(np.shape(u), self.value, dtype=float)


@dataclass(frozen=True)
class Exponential:
    """Exponential distribution with the given mean (rate ``1 / mean``)."""

    mean_value: float

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_value

    @property
    def variance(self) -> float:  # noqa: D102
        return self.mean_value**2

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:  # noqa: D102
        return rng.exponential(self.mean_value, size)

    def ppf(self, u: FloatArray) -> FloatArray:  # noqa: D102
        return np.asarray(-self.mean_value * ufuncs.log1p(-np.asarray(u, dtype=float)), dtype=float)


@dataclass(frozen=True)
class Gamma:
    """Gamma distribution given by its mean and shape ``k`` (coefficient of variation 1/sqrt k)."""

    mean_value: float
    shape: float

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_value

    @property
    def variance(self) -> float:  # noqa: D102
        return self.mean_value**2 / self.shape

    @property
    def scale(self) -> float:
        """Scale parameter, ``mean / shape``: a draw is a standard gamma variate times it."""
        return self.mean_value / self.shape

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:  # noqa: D102
        return rng.standard_gamma(self.shape, size) * self.scale

    def ppf(self, u: FloatArray) -> FloatArray:  # noqa: D102
        return np.asarray(special.gammaincinv(self.shape, np.asarray(u, dtype=float)) * self.scale)


@dataclass(frozen=True)
class Lognormal:
    """Lognormal distribution given by its mean and standard deviation (not of the log)."""

    mean_value: float
    sd: float

    @property
    def sigma(self) -> float:
        """Standard deviation of the logarithm."""
        return math.sqrt(math.log1p((self.sd / self.mean_value) ** 2))

    @property
    def mu(self) -> float:
        """Mean of the logarithm."""
        return math.log(self.mean_value) - self.sigma**2 / 2

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_value

    @property
    def variance(self) -> float:  # noqa: D102
        return self.sd**2

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:  # noqa: D102
        return rng.lognormal(self.mu, self.sigma, size)

    def ppf(self, u: FloatArray) -> FloatArray:  # noqa: D102
        z = special.ndtri(np.asarray(u, dtype=float))
        return np.asarray(ufuncs.exp(self.mu + self.sigma * z), dtype=float)


@dataclass(frozen=True)
class Weibull:
    """Weibull distribution with scale ``scale`` and shape ``k``.

    A shape below 1 gives a falling hazard: most jobs that end, end early, which is what
    retention data for former cash-benefit recipients show.
    """

    scale: float
    shape: float

    @property
    def mean(self) -> float:  # noqa: D102
        return self.scale * math.gamma(1 + 1 / self.shape)

    @property
    def variance(self) -> float:  # noqa: D102
        g1 = math.gamma(1 + 1 / self.shape)
        g2 = math.gamma(1 + 2 / self.shape)
        return self.scale**2 * (g2 - g1**2)

    def sample(self, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:  # noqa: D102
        return self.scale * rng.weibull(self.shape, size)

    def ppf(self, u: FloatArray) -> FloatArray:  # noqa: D102
        u = np.asarray(u, dtype=float)
        return self.scale * ufuncs.power(-ufuncs.log1p(-u), 1 / self.shape)

    @classmethod
    def from_survival(cls, t1: float, s1: float, t2: float, s2: float) -> Weibull:
        """Weibull through two survival points ``S(t1) = s1`` and ``S(t2) = s2``."""
        h1, h2 = -math.log(s1), -math.log(s2)
        shape = math.log(h2 / h1) / math.log(t2 / t1)
        return cls(scale=t1 / h1 ** (1 / shape), shape=shape)


def scaled_sample(dist: Distribution) -> tuple[str, float, float] | None:
    """``(fill, k, scale)`` if ``dist.sample`` is a standard variate times ``scale``.

    ``fill`` is ``"gamma"`` (``Generator.standard_gamma(k)``) or ``"exponential"``
    (``Generator.standard_exponential``, ``k`` unused); the product is the very float
    ``dist.sample`` returns, so a kept fill of standard variates can stand in for the
    generator (see :mod:`labour_sim.model.fills`). ``None`` for the other families.
    """
    if isinstance(dist, Gamma):
        return "gamma", dist.shape, dist.scale
    if isinstance(dist, Exponential):  # numpy draws scale * standard_exponential
        return "exponential", 1.0, dist.mean_value
    return None


def scaled_ppf(dist: Distribution) -> tuple[float, float] | None:
    """``(k, scale)`` if ``dist.ppf(u)`` is ``gammaincinv(k, u) * scale``, else ``None``.

    The inverse incomplete gamma function is the one costly inverse CDF of the model, and
    it does not depend on the mean, so it can be kept for a column of uniforms.
    """
    if isinstance(dist, Gamma):
        return dist.shape, dist.scale
    return None


def proportional_hazard_ppf(
    dist: Distribution, u: FloatArray, hazard_ratio: float | FloatArray
) -> FloatArray:
    """Draw from ``dist`` with its hazard multiplied by ``hazard_ratio``.

    Under proportional hazards the survival function becomes ``S(t) ** hazard_ratio``, so
    the draw for uniform ``u`` is ``F^-1(1 - (1 - u) ** (1 / hazard_ratio))``. The same ``u``
    gives a longer spell when the ratio falls: common random numbers stay monotone.
    """
    return dist.ppf(proportional_hazard_u(u, hazard_ratio))


def proportional_hazard_u(u: FloatArray, hazard_ratio: float | FloatArray) -> FloatArray:
    """The uniform ``1 - (1 - u) ** (1 / hazard_ratio)`` whose ``ppf`` is the draw.

    :func:`proportional_hazard_ppf` is ``dist.ppf`` of it; computed once, it serves every
    distribution drawn from the same ``u`` and ratio. Element by element: where the ratio
    is 1 it is ``u`` itself (as floats; the formula would change about 2 % of them in the
    last bit), elsewhere the formula. So a subset or a row prefix of ``u`` (with its
    ratios) gives the same numbers as the whole array.
    """
    u = np.asarray(u, dtype=float)
    ones = np.asarray(hazard_ratio) == 1.0
    if np.all(ones):
        return u
    # Keep u' below 1: a tiny ratio gives a very long, but finite, spell.
    scaled = np.minimum(-ufuncs.expm1(ufuncs.log1p(-u) / hazard_ratio), _BELOW_ONE)
    return np.where(ones, u, scaled) if np.any(ones) else scaled
