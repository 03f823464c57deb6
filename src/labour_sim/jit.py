"""How the compiled kernels' small helpers are compiled: numba, cached, no reference counts.

numba counts the references to every array a compiled function is handed: an atomic
increment and decrement per array per call. For the helpers the engine and the summary row
call in their loops (a heap push or pop, a queue operation, a bisection, a leaf of a sum),
that cost more than their work. A helper that allocates nothing needs no counting, so
:func:`helper` compiles it without numba's runtime (numba's ``_nrt`` option, underscored
in numba: should a release drop it, drop it here, and only speed changes); compiling fails,
with numba's error, if the helper allocates after all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

__all__ = ["helper"]

_F = TypeVar("_F", bound=Callable[..., Any])
_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "_nrt": False}


def helper(signature: Any = None) -> Callable[[_F], _F]:
    """``numba.njit(signature, cache=True, nogil=True)`` without reference counting.

    Parameters
    ----------
    signature : numba signature, optional
        The one signature to compile for (inferred at the first call if None).
    """

    def wrap(function: _F) -> _F:
        args = () if signature is None else (signature,)
        return cast(_F, numba.njit(*args, **_OPTIONS)(function))

    return wrap
