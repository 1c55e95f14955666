"""sort_by gives exactly the order of one sort on the tuple of keys, ties and reverse included."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from recon.sorting import sorted_by

rows = st.lists(st.tuples(st.integers(0, 3), st.sampled_from("abc"), st.integers(0, 2), st.integers()),
                max_size=40)


@given(rows, st.booleans())
def test_same_order_as_a_tuple_key(items, reverse):
    want = sorted(items, key=lambda r: (r[0], r[1], r[2]), reverse=reverse)
    got = sorted_by(items, lambda r: r[0], lambda r: r[1], lambda r: r[2], reverse=reverse)
    assert got == want   # the 4th field tells apart items with equal keys: stability is checked too
