"""The compiled binary searches return what ``numpy.searchsorted`` returns.

Sorted arrays with repeats and infinities (weeks that never come), values between, on and
beyond the elements, and the empty array.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from labour_sim.model.bisection import bisect_left, bisect_right

weeks = st.floats(min_value=-5.0, max_value=5.0) | st.just(np.inf) | st.just(-np.inf)
rounded = weeks.map(lambda x: float(np.round(x * 2) / 2))  # repeats are likely


@settings(max_examples=300, deadline=None)
@given(st.lists(rounded, max_size=12), st.lists(rounded | weeks, min_size=1, max_size=6))
def test_bisect_is_searchsorted(values: list[float], probes: list[float]) -> None:
    a = np.sort(np.array(values, dtype=np.float64))
    for x in probes:
        assert bisect_left(a, x) == np.searchsorted(a, x, side="left")
        assert bisect_right(a, x) == np.searchsorted(a, x, side="right")
