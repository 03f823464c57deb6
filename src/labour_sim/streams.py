"""Random streams: one ``SeedSequence`` per run, one stream per replication and process.

The stream of random process ``s`` in replication ``r`` of a run with seed ``seed`` is
``SeedSequence(seed, spawn_key=(r, s))``. Stream ids are fixed forever (never renumber, only
append), so

* a replication's numbers do not depend on how many workers run it or in what order;
* adding a new random process does not shift the numbers of existing ones;
* two scenarios run with the same seed share their random numbers wherever they share
  structure (common random numbers).

Per-citizen and per-company draws are made as arrays whose row ``k`` belongs to citizen
(or company) ``k``: row ``k`` is the same whatever the cohort size, because the arrays are
filled in row order from their own stream.

A replication creates one generator per stream, so :func:`generator` builds the very state
``PCG64(SeedSequence(seed, spawn_key=(replication, stream)))`` would have without building
the ``SeedSequence``: the seed sequence's mixing of ``seed`` and ``replication`` is done
once per replication (cached) and only the stream's own word is mixed in per stream
(``tests/test_streams.py`` checks the states are identical).
"""

from __future__ import annotations

from enum import IntEnum
from functools import lru_cache
from numbers import Integral
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence
from numpy.typing import NDArray

from .errors import ScenarioError

__all__ = ["Stream", "check_seed", "generator"]


class Stream(IntEnum):
    """Named random processes. Values are part of the reproducibility contract."""

    ARRIVALS = 1
    GROUP = 2
    READINESS = 3
    ASSESSMENT = 4
    PREPARATION = 5
    PLACEMENT_DURATION = 6
    PLACEMENT_OUTCOME = 7
    JOB_DURATION = 8
    HOURS_GROWTH = 9
    RELAPSE = 10
    AFTER_PLACEMENT = 11
    DROPOUT = 12
    COMPANY_RECRUITMENT = 13
    COMPANY_WILLINGNESS = 14
    COMPANY_TENURE = 15
    COMPANY_SECTOR = 16
    CITIZEN_SECTOR = 17
    GROWTH_DECISION = 18
    HYBRID_PLACEMENT = 19
    USUAL_EXIT = 20
    USUAL_OUTCOME = 21
    USUAL_JOB = 22


def check_seed(value: object, name: str = "seed") -> None:
    """Refuse what ``SeedSequence`` refuses as a seed or replication number, by name.

    Parameters
    ----------
    value : object
        A seed or a replication number: a whole number >= 0 (``True`` is not one).
    name : str, default "seed"
        The argument's name, for the error.

    Raises
    ------
    ScenarioError
        Naming ``name``, if ``value`` is not a whole number >= 0.
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ScenarioError.single(name, "a whole number >= 0", value)


def generator(seed: int, replication: int, stream: Stream) -> np.random.Generator:
    """The generator of ``stream`` in ``replication`` of a run seeded with ``seed``.

    The same generator (same PCG64 state) as ``Generator(PCG64(SeedSequence(seed,
    spawn_key=(replication, stream))))``, built faster.
    """
    if seed < 0 or replication < 0:
        check_seed(seed)
        check_seed(replication, "replication")
    if not 0 < stream <= len(Stream):  # not a declared stream: the reference way
        seq = np.random.SeedSequence(seed, spawn_key=(replication, int(stream)))
        return np.random.Generator(np.random.PCG64(seq))
    state = _replication_states(int(seed), int(replication))[int(stream) - 1]
    # PCG64 takes any ISeedSequence (its stubs only name SeedSequence).
    return np.random.Generator(np.random.PCG64(_State(state)))  # type: ignore[arg-type]


# numpy's SeedSequence, step for step (numpy/random/bit_generator.pyx): a pool of four
# 32-bit words mixed from the entropy words, then hashed into the requested state words.
_M32 = 0xFFFFFFFF
_POOL = 4
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


def _words(x: int) -> list[int]:
    """``x`` as 32-bit words, least significant first (``[0]`` for zero)."""
    out = [x & _M32]
    x >>= 32
    while x > 0:
        out.append(x & _M32)
        x >>= 32
    return out


def _hashmix(value: int, hash_const: int) -> tuple[int, int]:
    value ^= hash_const
    hash_const = (hash_const * _MULT_A) & _M32
    value = (value * hash_const) & _M32
    return value ^ (value >> 16), hash_const


def _mix(x: int, y: int) -> int:
    r = (_MIX_L * x - _MIX_R * y) & _M32
    return r ^ (r >> 16)


@lru_cache(maxsize=256)
def _replication_pool(seed: int, replication: int) -> tuple[tuple[int, ...], int]:
    """The pool and hash constant after mixing ``seed`` and ``replication`` (not the stream)."""
    run = _words(seed)
    run += [0] * (_POOL - len(run))  # padded because a spawn key follows
    pool = []
    hash_const = _INIT_A
    for w in run[:_POOL]:
        h, hash_const = _hashmix(w, hash_const)
        pool.append(h)
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                h, hash_const = _hashmix(pool[src], hash_const)
                pool[dst] = _mix(pool[dst], h)
    for w in run[_POOL:] + _words(replication):
        for dst in range(_POOL):
            h, hash_const = _hashmix(w, hash_const)
            pool[dst] = _mix(pool[dst], h)
    return tuple(pool), hash_const


@lru_cache(maxsize=64)
def _replication_states(seed: int, replication: int) -> NDArray[np.uint64]:
    """PCG64 seed words (``generate_state(4, uint64)``) of every stream of a replication.

    Row ``s - 1`` is stream ``s``: its id, the last entropy word, mixed into the
    replication's pool, then hashed into eight 32-bit words; all streams at once.
    """
    mixer, hash_const = _replication_pool(seed, replication)
    pool = np.array([mixer] * len(Stream), dtype=np.uint64)
    word = np.arange(1, len(Stream) + 1, dtype=np.uint64)
    m32 = np.uint64(_M32)
    for dst in range(_POOL):
        value, hash_const = word ^ np.uint64(hash_const), (hash_const * _MULT_A) & _M32
        value = (value * np.uint64(hash_const)) & m32
        value ^= value >> np.uint64(16)
        r = (np.uint64(_MIX_L) * pool[:, dst] - np.uint64(_MIX_R) * value) & m32
        pool[:, dst] = r ^ (r >> np.uint64(16))
    out = np.empty((len(Stream), 8), dtype=np.uint64)
    h = _INIT_B
    for i in range(8):  # SeedSequence.generate_state
        v = pool[:, i % _POOL] ^ np.uint64(h)
        h = (h * _MULT_B) & _M32
        v = (v * np.uint64(h)) & m32
        out[:, i] = v ^ (v >> np.uint64(16))
    words = out.astype(np.uint32)
    words.flags.writeable = False
    return words.view(np.uint64)


class _State(ISeedSequence):
    """Precomputed seed words, handed to ``PCG64`` as a seed sequence would hand them."""

    def __init__(self, words: NDArray[np.uint64]) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> NDArray[Any]:
        assert n_words == 4 and np.dtype(dtype) == np.uint64, "PCG64 asks for 4 uint64 words"
        return self.words.copy()
