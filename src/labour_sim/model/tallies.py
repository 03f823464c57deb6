"""Compiled tallies over a replication's log, for the result tables (no simulation here).

:func:`first_times` is ``np.minimum.at`` per milestone done in one pass over the log: the
same minimum, so the same weeks bit for bit, without a pass (and a mask) per milestone.
:func:`row_keys` marks the hybrid placements in one pass; :func:`by_citizen` is a stable
argsort by citizen in linear time.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = ["by_citizen", "first_times", "row_keys"]


@numba.njit(cache=True, nogil=True)
def first_times(
    citizen: NDArray[np.int64],
    state: NDArray[np.int64],
    week: NDArray[np.float64],
    members: NDArray[np.bool_],
    n: int,
) -> NDArray[np.float64]:
    """First week each of ``n`` citizens entered a state of each milestone (``inf``: never).

    Parameters
    ----------
    citizen, state, week : arrays
        The log's columns (weeks); any row order.
    members : array of bool, shape (milestones, states)
        ``members[m, s]``: state ``s`` reaches milestone ``m``.
    n : int
        Number of citizens.

    Returns
    -------
    array of float, shape (milestones, n)
        Weeks.
    """
    m = members.shape[0]
    out = np.full((m, n), np.inf)
    for i in range(citizen.shape[0]):
        c, s, w = citizen[i], state[i], week[i]
        for k in range(m):
            if members[k, s] and w < out[k, c]:
                out[k, c] = w
    return out


@numba.njit(cache=True, nogil=True)
def by_citizen(citizen: NDArray[np.int64], n: int) -> NDArray[np.int64]:
    """Row order by citizen, rows of a citizen in log order: ``argsort(kind="stable")``.

    A counting sort over the ``n`` citizens (linear in the rows): the same permutation as
    the stable argsort, since both keep equal keys in their original order.
    """
    counts = np.zeros(n + 1, dtype=np.int64)
    for i in range(citizen.shape[0]):
        counts[citizen[i] + 1] += 1
    for k in range(n):
        counts[k + 1] += counts[k]
    order = np.empty(citizen.shape[0], dtype=np.int64)
    for i in range(citizen.shape[0]):
        c = citizen[i]
        order[counts[c]] = i
        counts[c] += 1
    return order


@numba.njit(cache=True, nogil=True)
def row_keys(
    state: NDArray[np.int64],
    citizen: NDArray[np.int64],
    attempt: NDArray[np.int64],
    hybrid: NDArray[np.bool_],
    placement: int,
    key: int,
) -> NDArray[np.int64]:
    """Each log row's state, or ``key`` for a placement whose attempt was hybrid.

    Parameters
    ----------
    state, citizen, attempt : arrays
        The log's columns.
    hybrid : array of bool, shape (citizens, attempts)
        Whether each attempt of each citizen was a hybrid placement; rows naming a citizen
        or attempt outside it keep their state.
    placement, key : int
        The placement state, and the key a hybrid one gets.
    """
    out = np.empty(state.shape[0], np.int64)
    n, m = hybrid.shape
    for i in range(state.shape[0]):
        s = state[i]
        if s == placement:
            c, a = citizen[i], attempt[i]
            if 0 <= c < n and 0 <= a < m and hybrid[c, a]:
                s = key
        out[i] = s
    return out
