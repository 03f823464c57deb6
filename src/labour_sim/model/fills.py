"""The raw numbers of a replication's streams, kept for the next setting that needs them.

Common random numbers make the raw output of every stream (the uniforms, exponentials and
gamma variates a stream is filled with, before any lever scales them) the same for every
setting of a scenario: only the cohort size decides how many rows of it are read. An
analysis that runs many settings on the same replications (a sweep, Morris and Sobol
designs, a goal search, the explorer) would otherwise draw them again at every setting;
:class:`Fills` keeps them from the second time a replication's stream is asked for (a
run that draws each replication once keeps nothing) and hands out row prefixes.

The numbers are exactly those of drawing afresh, because

* a stream is filled in row order, so the first ``n`` rows of a fill of ``N >= n`` rows are
  the fill of ``n`` rows (``tests/test_fills.py`` checks it for every kind);
* a duration is the family's standard variate times its scale, which is how the
  distribution samples (:func:`~labour_sim.distributions.scaled_sample`);
* an inverse CDF is applied element by element, so it can be applied once to the whole
  column of uniforms and read on any subset (:func:`~labour_sim.distributions.scaled_ppf`).

Arrays handed out are read-only views: callers scale or copy them, never write into them.
The cache holds at most :data:`CACHE_BYTES` per process (least recently used first out),
so memory stays flat however many replications run; it is per process, so every worker
keeps its own and no result depends on which worker ran what.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
from numpy.typing import NDArray
from scipy import special

from ..distributions import Distribution, scaled_ppf, scaled_sample
from ..streams import Stream, generator

__all__ = ["CACHE_BYTES", "Fills", "clear_fills", "kept_bytes", "kept_fills"]

FloatArray = NDArray[np.float64]

#: Bytes of raw fills kept per process (about 70 Lolland-Falster replications, 7 at 10x).
CACHE_BYTES = 192 * 2**20
#: A fill is kept with this many times the rows asked for (and grows by as much), so that
#: settings with ever larger cohorts do not draw the stream afresh at every step.
_GROWTH = 1.5

_cache: OrderedDict[Hashable, FloatArray] = OrderedDict()
_size = 0
_lock = threading.Lock()
#: The fills asked for once, most recent last: a fill is kept from its second ask, so a plain
#: run (each replication drawn once) keeps nothing.
_asked: OrderedDict[Hashable, None] = OrderedDict()
_ASKED = 1 << 15


def clear_fills() -> None:
    """Forget every kept fill (tests use it to compare cold and warm draws)."""
    global _size
    with _lock:
        _cache.clear()
        _asked.clear()
        _size = 0


def kept_bytes() -> int:
    """Bytes of fills kept in this process now (at most about :data:`CACHE_BYTES`)."""
    with _lock:
        return _size


def _kept_rows(key: Hashable) -> int:
    """How many rows are kept under ``key`` (0 if none)."""
    with _lock:
        kept = _cache.get(key)
    return 0 if kept is None else len(kept)


def kept_fills() -> list[tuple[Stream, str, int, int]]:
    """What is kept now: ``(stream, kind, rows, columns)`` for each fill, oldest first."""
    with _lock:
        items = [(key, len(value)) for key, value in _cache.items()]
    return [(Stream(k[2]), k[3], rows, k[4]) for k, rows in items]  # type: ignore[index]


def _first_ask(key: Hashable) -> bool:
    """Whether ``key`` is asked for the first time (of the last :data:`_ASKED` keys)."""
    with _lock:
        first = key not in _asked
        _asked[key] = None
        _asked.move_to_end(key)
        if len(_asked) > _ASKED:
            _asked.popitem(last=False)
    return first


def _rows(key: Hashable, rows: int, make: Callable[[int], FloatArray]) -> FloatArray:
    """The first ``rows`` rows of the array ``make(r)`` builds for ``r`` rows.

    Kept from the second time ``key`` is asked for: a run that draws each replication once
    keeps nothing (and holds no memory for it).
    """
    global _size
    with _lock:
        kept = _cache.get(key)
        if kept is not None and len(kept) >= rows:
            _cache.move_to_end(key)
            return kept[:rows]
    if kept is None and _first_ask(key):
        once = make(rows)
        once.flags.writeable = False
        return once
    grown = math.ceil(max(rows, 0 if kept is None else len(kept)) * _GROWTH)
    fresh = make(grown)
    fresh.flags.writeable = False
    with _lock:
        old = _cache.pop(key, None)
        _size -= 0 if old is None else old.nbytes
        _cache[key] = fresh
        _size += fresh.nbytes
        while _size > CACHE_BYTES and len(_cache) > 1:
            _, out = _cache.popitem(last=False)
            _size -= out.nbytes
    return fresh[:rows]


class Fills:
    """The raw fills of the streams of replication ``replication`` of a run seeded ``seed``.

    Each method returns the first ``rows`` rows of a stream filled in row order with
    ``columns`` numbers per row (a vector when ``columns`` is 0), as a read-only array:
    exactly what ``generator(seed, replication, stream)`` would draw for that shape.
    """

    def __init__(self, seed: int, replication: int) -> None:
        self.seed = seed
        self.replication = replication

    def _fill(
        self, stream: Stream, kind: str, rows: int, columns: int, draw: Callable[..., FloatArray]
    ) -> FloatArray:
        def make(r: int) -> FloatArray:
            shape = (r, columns) if columns else r
            return draw(generator(self.seed, self.replication, stream), shape)

        return _rows(self._key(stream, kind, columns), rows, make)

    def _key(self, stream: Stream, kind: str, columns: int) -> Hashable:
        return (self.seed, self.replication, int(stream), kind, columns)

    def uniforms(self, stream: Stream, rows: int, columns: int = 0) -> FloatArray:
        """``Generator.random``: uniforms on [0, 1)."""
        return self._fill(stream, "random", rows, columns, lambda g, shape: g.random(shape))

    def exponentials(self, stream: Stream, rows: int, columns: int = 0) -> FloatArray:
        """``Generator.standard_exponential``: exponentials of mean 1."""
        return self._fill(
            stream, "exponential", rows, columns, lambda g, shape: g.standard_exponential(shape)
        )

    def gammas(self, stream: Stream, shape_k: float, rows: int, columns: int = 0) -> FloatArray:
        """``Generator.standard_gamma(shape_k)``: gamma variates of scale 1."""
        return self._fill(
            stream, f"gamma {shape_k!r}", rows, columns,
            lambda g, shape: g.standard_gamma(shape_k, shape),
        )  # fmt: skip

    def sample(self, dist: Distribution, stream: Stream, rows: int, columns: int = 0) -> FloatArray:
        """``dist.sample(generator(...), shape)``: from the kept fill where the family allows."""
        scaled = scaled_sample(dist)
        if scaled is None:
            shape = (rows, columns) if columns else rows
            return dist.sample(generator(self.seed, self.replication, stream), shape)
        fill, k, scale = scaled
        raw = self.gammas(stream, k, rows, columns) if fill == "gamma" else (
            self.exponentials(stream, rows, columns)
        )  # fmt: skip
        return raw * scale

    def ppf(
        self, dist: Distribution, stream: Stream, rows: int, index: NDArray[np.bool_] | slice
    ) -> FloatArray:
        """``dist.ppf(u[index])`` for ``u`` the first ``rows`` uniforms of ``stream``.

        For a gamma, from the second time the column is read (another setting of the same
        replication), the inverse CDF is kept for the whole column: it is element by
        element, so any subset reads the same numbers. Otherwise (and the first time) it
        is computed on the subset, as ``dist.ppf`` does.
        """
        scaled = scaled_ppf(dist)
        u = self.uniforms(stream, rows)
        if scaled is None:
            return dist.ppf(u[index])
        k, scale = scaled
        key = self._key(stream, f"gammaincinv {k!r}", 0)
        if _kept_rows(key) == 0 and _first_ask(key):  # the first time: the subset only
            return dist.ppf(u[index])

        def make(r: int) -> FloatArray:
            return np.asarray(special.gammaincinv(k, self.uniforms(stream, r)), dtype=float)

        return _rows(key, rows, make)[index] * scale
