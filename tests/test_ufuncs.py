"""The model's transcendental functions are the C library's, whatever the CPU.

NumPy's ``exp``, ``log1p``, ``expm1`` and ``power`` of float64 arrays take SIMD routines on
CPUs with AVX-512 that differ from the C library in the last bits, which changed job spells
and discounted costs from one machine to the next. :mod:`labour_sim.ufuncs` must equal
Python's ``math`` functions (the C library) element by element, and no module that computes
a replication's numbers may call NumPy's own.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from labour_sim import ufuncs

SRC = Path(__file__).resolve().parents[1] / "src" / "labour_sim"
#: Where a replication's numbers are computed: draws, durations, costs, summary rows.
NUMBER_MODULES = ("distributions.py", "model", "replication", "business", "experiments")
NUMPY_TRANSCENDENTAL = re.compile(r"\bnp\.(exp|expm1|log1p|power)\(")


def test_ufuncs_are_the_c_library_element_by_element() -> None:
    rng = np.random.default_rng(20261202)
    u = rng.random(20_000)
    x = rng.normal(0.0, 20.0, 20_000)
    y = rng.random(20_000) * 4.0
    cases = {
        "exp": (ufuncs.exp(x), [math.exp(v) for v in x]),
        "log1p": (ufuncs.log1p(-u), [math.log1p(-v) for v in u]),
        "expm1": (ufuncs.expm1(x / 10), [math.expm1(v / 10) for v in x]),
        "power": (ufuncs.power(u * 50, y), [(a * 50) ** b for a, b in zip(u, y, strict=True)]),
    }
    for name, (got, want) in cases.items():
        assert np.array_equal(got, np.array(want)), name


def test_ufuncs_keep_the_shape() -> None:
    a = np.linspace(0.0, 1.0, 12).reshape(3, 4)
    assert ufuncs.log1p(a).shape == (3, 4)
    assert ufuncs.power(a, 0.5).shape == (3, 4)


def test_no_module_computing_numbers_calls_numpy_transcendentals() -> None:
    found = []
    for part in NUMBER_MODULES:
        root = SRC / part
        for path in [root] if root.is_file() else sorted(root.rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if NUMPY_TRANSCENDENTAL.search(line):
                    found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "use labour_sim.ufuncs:\n" + "\n".join(found)
