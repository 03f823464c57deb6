"""The compiled stable sort gives NumPy's stable argsort order.

Keys with many ties, ``nan`` (sorted after every number), ``-0.0`` beside ``0.0`` and
infinities; integer keys; subsets of rows sorted in place; lengths across the insertion
runs and several merge passes, and the empty array.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from labour_sim.model.sorting import sort_by, stable_order

special = st.sampled_from([np.nan, -0.0, 0.0, np.inf, -np.inf])
floats = st.floats(min_value=-3.0, max_value=3.0).map(lambda x: float(np.round(x))) | special
MOST = 80  # beyond several runs of 8 and merge passes


@settings(max_examples=400, deadline=None)
@given(st.lists(floats, max_size=MOST))
def test_stable_order_is_numpys_stable_argsort(values: list[float]) -> None:
    key = np.array(values, dtype=np.float64)
    np.testing.assert_array_equal(stable_order(key), np.argsort(key, kind="stable"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-3, 3), max_size=MOST), st.data())
def test_sort_by_orders_a_subset_of_rows_stably(values: list[int], data: st.DataObject) -> None:
    key = np.array(values, dtype=np.int64)
    keep = data.draw(st.lists(st.booleans(), min_size=len(key), max_size=len(key)))
    rows = np.flatnonzero(np.array(keep, dtype=bool)).astype(np.int64)
    order = rows.copy()
    sort_by(key, order, np.empty(len(order), np.int64))
    np.testing.assert_array_equal(order, rows[np.argsort(key[rows], kind="stable")])


def test_a_long_key_in_many_merge_passes() -> None:
    key = np.random.default_rng(3).integers(0, 40, 5000).astype(np.float64)
    key[::97] = np.nan
    np.testing.assert_array_equal(stable_order(key), np.argsort(key, kind="stable"))
