"""Binary search in sorted arrays of weeks, for the compiled code.

``numpy.searchsorted`` inside numba is compiled from a generic implementation (NaN-aware
comparisons, every side and dtype) at each function that uses it, which costs about a second
of compile time per use. These two are compiled once, eagerly, for the only case the model
has: a sorted, contiguous float64 array (writable, or read-only as kept draws are) and a
float64 value, neither holding NaN; without reference counting (:func:`labour_sim.jit.helper`).
They return what ``numpy.searchsorted`` returns for ``side="left"`` and ``side="right"``.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from ..jit import helper

__all__ = ["bisect_left", "bisect_right"]

_SIGNATURE = [
    numba.int64(numba.types.Array(numba.float64, 1, "C", readonly=readonly), numba.float64)
    for readonly in (False, True)
]


@helper(_SIGNATURE)
def bisect_left(a: NDArray[np.float64], x: float) -> int:
    """Index of the first element of ``a`` not below ``x`` (``len(a)`` if none)."""
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@helper(_SIGNATURE)
def bisect_right(a: NDArray[np.float64], x: float) -> int:
    """Index of the first element of ``a`` above ``x`` (``len(a)`` if none)."""
    lo, hi = 0, a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if x < a[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo
