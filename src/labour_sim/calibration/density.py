"""The priors as pyabc random variables whose density costs microseconds, not a millisecond.

pyabc evaluates the prior density of every proposal (to reject impossible ones) and of
every accepted particle (its weight), one parameter at a time. scipy.stats' generic
``pdf`` spends about 0.2 ms a call parsing arguments and building masks, so with four
parameters the prior cost about a tenth of a Lolland-Falster simulation.

:class:`PriorRV` is pyabc's own :class:`pyabc.RV` (scipy samples it, so every proposal is
the same) with ``pdf`` of a single value computed by the very expressions scipy evaluates
for the three prior families (``uniform``, ``loguniform``, ``norm``), on the same
one-element arrays: the same density bit for bit, so the same weights and posterior
(``tests/test_calibration.py`` compares it with scipy's on values inside, on and outside
the support). Anything else (an array of values, another family) goes to scipy. The prior of
the model index (one model, ``randint(0, 1)``), which pyabc multiplies in every time, is
:class:`OneModel`, with the same shortcut.

Imports pyabc (slow to import): only :func:`labour_sim.calibrate` loads this module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyabc

__all__ = ["OneModel", "PriorRV"]

# scipy.stats._continuous_distns._norm_pdf_C
_NORM_C = np.sqrt(2 * np.pi)


class PriorRV(pyabc.RV):  # type: ignore[misc]
    """A :class:`pyabc.RV` of family ``uniform``, ``loguniform`` or ``norm`` (scipy's names).

    Built as ``PriorRV(name, *args)`` with scipy's positional arguments (``loc, scale``
    for ``uniform`` and ``norm``, ``a, b`` for ``loguniform``).
    """

    def pdf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Density at ``x``: scipy's value, computed without scipy's overhead for a scalar."""
        density = _DENSITIES.get(self.name)
        if density is None or args or kwargs or self.kwargs or np.ndim(x) != 0:
            return super().pdf(x, *args, **kwargs)
        return density(float(x), *self.args)


class OneModel(pyabc.RV):  # type: ignore[misc]
    """pyabc's default model prior for one model (``randint(0, 1)``), its pmf without scipy."""

    def __init__(self) -> None:
        super().__init__("randint", 0, 1)

    def copy(self) -> OneModel:
        """A new one (pyabc copies its priors)."""
        return OneModel()

    def pmf(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Mass at ``x``: 1 at model 0, else 0 (nan at nan), scipy's value."""
        if args or kwargs or np.ndim(x) != 0:
            return super().pmf(x, *args, **kwargs)
        return np.float64(np.nan if x != x else 1.0 if x == 0 else 0.0)


def _outside(z: float, low: float, high: float) -> np.float64 | None:
    """The value scipy gives where ``z`` (the standardised value) is nan or outside its support."""
    if z != z:
        return np.float64(np.nan)
    if not low <= z <= high:
        return np.float64(0.0)
    return None


def _uniform(x: float, loc: float, scale: float) -> np.float64:
    z = (x - loc) / scale
    out = _outside(z, 0.0, 1.0)
    return out if out is not None else np.float64(1.0 / scale)


def _loguniform(x: float, a: float, b: float) -> np.float64:
    out = _outside(x, a, b)  # loc 0, scale 1: z is x
    if out is not None:
        return out
    z, lo, hi = np.array([x]), np.array([float(a)]), np.array([float(b)])
    return np.exp(-np.log(z) - np.log(np.log(hi) - np.log(lo)))[0]  # type: ignore[no-any-return]


def _norm(x: float, loc: float, scale: float) -> np.float64:
    z = (x - loc) / scale
    if z != z:
        return np.float64(np.nan)
    a = np.array([z])
    return (np.exp(-(a**2) / 2.0) / _NORM_C)[0] / scale  # type: ignore[no-any-return]


#: The families with a fast density, by scipy's name.
_DENSITIES = {"uniform": _uniform, "loguniform": _loguniform, "norm": _norm}
