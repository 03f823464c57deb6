"""The raw numbers of a replication's streams, kept for the next setting that needs them.

Common random numbers make the raw output of every stream (the uniforms, exponentials and
gamma variates a stream is filled with, before any lever scales them) the same for every
setting of a scenario: only the cohort size decides how many rows of it are read. An
analysis that runs many settings on the same replications (a sweep, Morris and Sobol
designs, a goal search, the explorer) would otherwise draw them again at every setting;
:class:`Fills` keeps them from the time a second ``Fills`` of the replication (another
setting's draw) asks for its stream, so a run that draws each replication once keeps
nothing, and hands out row prefixes.

The numbers are exactly those of drawing afresh, because

* a stream is filled in row order, so the first ``n`` rows of a fill of ``N >= n`` rows are
  the fill of ``n`` rows (``tests/test_fills.py`` checks it for every kind);
* a duration is the family's standard variate times its scale, which is how the
  distribution samples (:func:`~labour_sim.distributions.scaled_sample`);
* an inverse CDF is applied element by element, so it can be applied once to the whole
  column of uniforms and read on any subset (:func:`~labour_sim.distributions.scaled_ppf`).

The same holds one level up: a *block* (:meth:`Fills.block`) keeps arrays derived row by row
from the streams (a cohort's per-citizen draws, see :mod:`.draws`), keyed by everything
they depend on besides the streams, so settings that change only other levers (the cohort
size among them) read the block's row prefix instead of transforming the fills again. A
block is built from fills that are drawn and not kept (``Fills(..., keep=False)``): once
the block is kept, the raw numbers it came from are not needed again.

Arrays handed out are read-only views: callers scale or copy them, never write into them.
The cache holds at most :data:`CACHE_BYTES` per process (least recently used first out),
so memory stays flat however many replications run; it is per process, so every worker
keeps its own and no result depends on which worker ran what.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, Union

import numpy as np
from numpy.typing import NDArray
from scipy import special

from ..distributions import Distribution, scaled_ppf, scaled_sample
from ..streams import Stream, generator

__all__ = ["CACHE_BYTES", "Block", "Fills", "clear_fills", "content", "kept_bytes", "kept_fills"]

FloatArray = NDArray[np.float64]
_Kept = Union[NDArray[Any], "Block"]
_K = TypeVar("_K", NDArray[Any], "Block")

#: Bytes of fills and blocks kept per process (about 1.6 MB a Lolland-Falster replication:
#: about 120 replications, 12 at 10x the cohort).
CACHE_BYTES = 192 * 2**20
#: A fill is kept with this many times the rows asked for (and grows by as much), so that
#: settings with ever larger cohorts do not draw the stream afresh at every step.
_GROWTH = 1.5

_cache: OrderedDict[Hashable, _Kept] = OrderedDict()
_size = 0
_lock = threading.Lock()
#: The fills asked for once, most recent last, each with the :class:`Fills` that asked (its
#: token): a fill is kept from its ask by a second ``Fills`` (another setting of the
#: replication), so a plain run, which draws each replication once, keeps nothing, however
#: often one draw asks for the same fill (the referral stream's growing chunks, the
#: readiness uniforms of each group).
_asked: OrderedDict[Hashable, int] = OrderedDict()
_ASKED = 1 << 15
_tokens = itertools.count(1)


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


def kept_fills() -> list[tuple[Stream | None, str, int, int]]:
    """What is kept now: ``(stream, kind, rows, columns)`` for each fill, oldest first.

    A block (:meth:`Fills.block`) has no stream (``None``), its name as kind and 0 columns.
    """
    with _lock:
        items = [(key, len(value)) for key, value in _cache.items()]
    return [
        (Stream(k[2]) if k[2] else None, k[3], rows, k[4])  # type: ignore[index]
        for k, rows in items
    ]


def _first_ask(key: Hashable, asker: int) -> bool:
    """Whether ``key`` is asked for the first time by any ``Fills`` but ``asker``'s.

    Of the last :data:`_ASKED` keys asked for; ``asker`` is the asking ``Fills``' token.
    """
    with _lock:
        first = _asked.get(key, asker) == asker
        _asked[key] = asker
        _asked.move_to_end(key)
        if len(_asked) > _ASKED:
            _asked.popitem(last=False)
    return first


class Block:
    """Arrays of the same length (rows), kept as one (see :meth:`Fills.block`); read-only."""

    def __init__(self, columns: dict[str, NDArray[Any]]) -> None:
        lengths = {len(a) for a in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"a block's columns have one length, not {sorted(lengths)}")
        for a in columns.values():
            a.flags.writeable = False
        self._columns = columns
        self._rows = lengths.pop() if lengths else 0

    def __len__(self) -> int:
        return self._rows

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self._columns[name]

    def prefix(self, rows: int) -> Block:
        """The first ``rows`` rows of every column (views)."""
        return Block({k: a[:rows] for k, a in self._columns.items()})

    @property
    def nbytes(self) -> int:
        """Bytes of all columns."""
        return sum(a.nbytes for a in self._columns.values())


def _prefix(kept: _Kept, rows: int) -> _Kept:
    return kept.prefix(rows) if isinstance(kept, Block) else kept[:rows]


def _frozen(made: _K) -> _K:
    if not isinstance(made, Block):
        made.flags.writeable = False
    return made


def _rows(
    key: Hashable,
    rows: int,
    make: Callable[[int], _K],
    asker: int | None,
    growth: float = _GROWTH,
) -> _K:
    """The first ``rows`` rows of the array (or block) ``make(r)`` builds for ``r`` rows.

    Kept from the first time a ``Fills`` other than the first to ask for ``key`` asks for
    it (``asker``: the asking one's token; ``None``: keep it now, the caller has counted
    the ask): a run that draws each replication once keeps nothing (and holds no memory
    for it). Kept with ``growth`` times the rows asked for (1: exactly those).
    """
    global _size
    with _lock:
        kept = _cache.get(key)
        if kept is not None and len(kept) >= rows:
            _cache.move_to_end(key)
            return _prefix(kept, rows)  # type: ignore[return-value]
    if kept is None and asker is not None and _first_ask(key, asker):
        return _frozen(make(rows))
    grown = math.ceil(max(rows, 0 if kept is None else len(kept)) * growth)
    fresh = _frozen(make(grown))
    with _lock:
        old = _cache.pop(key, None)
        _size -= 0 if old is None else old.nbytes
        _cache[key] = fresh
        _size += fresh.nbytes
        while _size > CACHE_BYTES and len(_cache) > 1:
            _, out = _cache.popitem(last=False)
            _size -= out.nbytes
    return _prefix(fresh, rows)  # type: ignore[return-value]


class Fills:
    """The raw fills of the streams of replication ``replication`` of a run seeded ``seed``.

    Each method returns the first ``rows`` rows of a stream filled in row order with
    ``columns`` numbers per row (a vector when ``columns`` is 0), as a read-only array:
    exactly what ``generator(seed, replication, stream)`` would draw for that shape.
    With ``keep=False`` nothing is kept or looked up: every call draws afresh (the numbers
    are the same either way).
    """

    def __init__(self, seed: int, replication: int, *, keep: bool = True) -> None:
        self.seed = seed
        self.replication = replication
        self.keep = keep
        self._token = next(_tokens)

    def _fill(
        self, stream: Stream, kind: str, rows: int, columns: int, draw: Callable[..., FloatArray]
    ) -> FloatArray:
        def make(r: int) -> FloatArray:
            shape = (r, columns) if columns else r
            return draw(generator(self.seed, self.replication, stream), shape)

        if not self.keep:
            return make(rows)
        return _rows(self._key(stream, kind, columns), rows, make, self._token)

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

        For a gamma, once a second ``Fills`` reads the column (another setting of the same
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
        # The first time (or keeping nothing): the subset only.
        if not self.keep or (_kept_rows(key) == 0 and _first_ask(key, self._token)):
            return dist.ppf(u[index])

        def make(r: int) -> FloatArray:
            return np.asarray(special.gammaincinv(k, self.uniforms(stream, r)), dtype=float)

        return _rows(key, rows, make, None)[index] * scale  # asked for above

    def block(
        self, name: str, spec: Hashable, rows: int, make: Callable[[Fills, int], Block]
    ) -> Block:
        """The first ``rows`` rows of the block ``make(fresh, r)`` builds.

        ``make(fresh, r)`` must build ``r`` rows, row ``k`` from row ``k`` of the streams of
        ``fresh`` (a ``Fills`` of this replication that keeps nothing) and from ``spec``
        alone, so that a prefix of a longer block is the block of fewer rows. ``spec`` (any
        hashable) must hold everything else the rows depend on: it is part of the key.
        Kept, as the fills are, once a second ``Fills`` asks for the same block.
        """
        fresh = Fills(self.seed, self.replication, keep=False)
        if not self.keep:
            return make(fresh, rows)
        key = (self.seed, self.replication, 0, name, 0, spec)
        return _rows(key, rows, lambda r: make(fresh, r), self._token)

    def cohort(self, name: str, spec: Hashable, rows: int, make: Callable[[], Block]) -> Block:
        """The block of ``rows`` rows ``make()`` builds for one cohort, kept under ``spec``.

        For what depends on the cohort as a whole (its referral weeks among it), so that no
        prefix is another cohort's: ``spec`` must hold all of it (arrays by their contents,
        see :func:`content`). ``make`` may read this object's fills, which stay kept for
        the cohorts of other settings. Kept once a second ``Fills`` asks for the same block.
        """
        if not self.keep:
            return make()
        key = (self.seed, self.replication, 0, name, 0, spec)
        return _rows(key, rows, lambda _: make(), self._token, growth=1.0)


def content(a: NDArray[Any]) -> tuple[tuple[int, ...], str, bytes]:
    """An array as a small hashable value: shape, type and a 32-byte digest of its bytes.

    A digest, not the bytes: keys are remembered (the last :data:`_ASKED` asked, and those
    kept), so a key holding a cohort's arrays would hold memory that grows with the run.
    """
    digest = hashlib.blake2b(np.ascontiguousarray(a).tobytes(), digest_size=32).digest()
    return a.shape, a.dtype.str, digest
