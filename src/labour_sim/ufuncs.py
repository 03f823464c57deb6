"""Transcendental functions that give the same floats on every x86-64 CPU.

NumPy computes ``exp``, ``log1p``, ``expm1`` and ``power`` of float64 arrays with SIMD code
chosen at run time: on CPUs with AVX-512 they come from vectorised routines whose results
differ from the C library's in the last bits, so the same seed gave different job spells,
business-as-usual job ends and discounted costs on such a machine (and, rarely, a different
event order). These are NumPy ufuncs compiled with numba that call the C library's scalar
functions (numba runs without Intel's SVML here: ``numba.config.USING_SVML`` is False),
which is what NumPy itself does on every other CPU: the same floats everywhere, and the
same as NumPy without AVX-512.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["exp", "expm1", "log1p", "power"]

_OPTIONS = {"cache": True, "nopython": True}
_vectorize: Any = numba.vectorize  # untyped: its ufuncs are wrapped below


@_vectorize(["float64(float64)"], **_OPTIONS)  # type: ignore[untyped-decorator]
def _exp(x: float) -> float:
    return math.exp(x)


@_vectorize(["float64(float64)"], **_OPTIONS)  # type: ignore[untyped-decorator]
def _log1p(x: float) -> float:
    return math.log1p(x)


@_vectorize(["float64(float64)"], **_OPTIONS)  # type: ignore[untyped-decorator]
def _expm1(x: float) -> float:
    return math.expm1(x)


@_vectorize(["float64(float64, float64)"], **_OPTIONS)  # type: ignore[untyped-decorator]
def _power(x: float, y: float) -> float:
    return float(x**y)


def exp(x: ArrayLike) -> NDArray[np.float64]:
    """``e ** x``, elementwise (the C library's ``exp``)."""
    return np.asarray(_exp(x), dtype=np.float64)


def log1p(x: ArrayLike) -> NDArray[np.float64]:
    """``log(1 + x)``, elementwise (the C library's ``log1p``)."""
    return np.asarray(_log1p(x), dtype=np.float64)


def expm1(x: ArrayLike) -> NDArray[np.float64]:
    """``e ** x - 1``, elementwise (the C library's ``expm1``)."""
    return np.asarray(_expm1(x), dtype=np.float64)


def power(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """``x ** y``, elementwise (the C library's ``pow``)."""
    return np.asarray(_power(x, y), dtype=np.float64)
