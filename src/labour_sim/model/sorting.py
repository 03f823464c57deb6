"""A stable sort of row numbers by a key, for the compiled code.

``numpy.argsort(kind="stable")`` inside numba is compiled from numba's generic merge sort at
each function and for each array type that uses it: about 0.5 s of compile time per use,
four uses in the engine's log and the effect's spells. :func:`sort_by` is compiled once,
eagerly, for the two key types the model has (contiguous float64 and int64 arrays), without
reference counting (:func:`labour_sim.jit.helper`): the caller hands it the buffers.
:func:`stable_order` is the argsort itself (it allocates, so it is counted as usual).

It gives NumPy's stable order: keys ascending, ``nan`` after every number, equal keys (and
``-0.0`` with ``0.0``, and ``nan`` with ``nan``) in the order they came.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from ..jit import helper

__all__ = ["sort_by", "stable_order"]

_RUN = 8  # rows sorted by insertion before the merges

_SIGNATURE = [
    numba.void(numba.types.Array(dtype, 1, "C"), numba.int64[::1], numba.int64[::1])
    for dtype in (numba.float64, numba.int64)
]
_SIGNATURE_ORDER = numba.int64[::1](numba.types.Array(numba.float64, 1, "C"))


@numba.njit(inline="always")
def _before(x: float, y: float) -> bool:
    """Whether ``x`` sorts strictly before ``y`` (``nan`` after every number)."""
    return x < y or (y != y and x == x)


@helper(_SIGNATURE)
def sort_by(
    key: NDArray[np.float64] | NDArray[np.int64], order: NDArray[np.int64], work: NDArray[np.int64]
) -> None:
    """Reorder ``order`` (row numbers into ``key``) stably by ``key[order]``, in place.

    Parameters
    ----------
    key : array of float64 or int64
        The sort key of each row.
    order : array of int64
        The rows to sort, in their present order (``np.arange(n)`` for an argsort).
    work : array of int64
        A buffer at least as long as ``order`` (its contents are overwritten).
    """
    n = order.shape[0]
    for lo in range(0, n, _RUN):  # insertion sort of each run of _RUN rows
        hi = min(lo + _RUN, n)
        for i in range(lo + 1, hi):
            row = order[i]
            x = key[row]
            j = i
            while j > lo and _before(x, key[order[j - 1]]):
                order[j] = order[j - 1]
                j -= 1
            order[j] = row
    src, dst = order, work
    width, swapped = _RUN, False
    while width < n:  # merge runs of width rows pairwise, from src into dst
        for lo in range(0, n, 2 * width):
            mid, hi = min(lo + width, n), min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            if mid < hi and _before(key[src[mid]], key[src[mid - 1]]):
                a, b = key[src[i]], key[src[j]]
                while i < mid and j < hi:
                    if _before(b, a):
                        dst[k] = src[j]
                        j += 1
                        if j < hi:
                            b = key[src[j]]
                    else:
                        dst[k] = src[i]
                        i += 1
                        if i < mid:
                            a = key[src[i]]
                    k += 1
            for m in range(i, mid):  # the rest of either run (all of it if in order)
                dst[k] = src[m]
                k += 1
            for m in range(j, hi):
                dst[k] = src[m]
                k += 1
        src, dst = dst, src
        width, swapped = 2 * width, not swapped
    if swapped:  # the sorted rows are in work
        for k in range(n):
            order[k] = src[k]


@numba.njit(_SIGNATURE_ORDER, cache=True, nogil=True)
def stable_order(key: NDArray[np.float64]) -> NDArray[np.int64]:
    """``np.argsort(key, kind="stable")`` (see :func:`sort_by`)."""
    n = key.shape[0]
    order = np.empty(n, np.int64)
    for i in range(n):  # np.arange(n), which would compile another 0.3 s
        order[i] = i
    sort_by(key, order, np.empty(n, np.int64))
    return order
