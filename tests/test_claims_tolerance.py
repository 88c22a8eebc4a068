"""Property tests of what a quoted figure covers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.claims_check import covers, tolerance


def test_around_34_million():
    assert covers(33.6, 34, 0, "around")
    assert not covers(36.0, 34, 0, "around")


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=2), st.floats(min_value=-0.49, max_value=0.49))
def test_exact_covers_what_rounds_to_the_quote(units, decimals, offset):
    quoted = units / 10**decimals
    actual = quoted + offset / 10**decimals
    assert covers(actual, quoted, decimals, "exact")
    assert round(actual, decimals) == quoted


@given(st.floats(min_value=1, max_value=1000), st.floats(min_value=0.051, max_value=0.5))
def test_around_rejects_beyond_five_percent_or_rounding(quoted, excess):
    if quoted * excess > max(0.5 + 1e-6, 0.05 * quoted):
        assert not covers(quoted * (1 + excess), quoted, 0, "around")


@given(st.floats(min_value=10, max_value=100), st.integers(min_value=0, max_value=2))
def test_nearly_never_covers_clearly_more(quoted, decimals):
    low, high = tolerance(quoted, decimals, "nearly")
    assert high <= quoted + 0.5 * 10**-decimals + 1e-6
    assert low < quoted
    assert not covers(quoted + 10**-decimals, quoted, decimals, "nearly")


@given(st.floats(min_value=0.1, max_value=1e4), st.integers(min_value=0, max_value=3))
def test_intervals_contain_the_quote_itself(quoted, decimals):
    for qualifier in ("exact", "around", "nearly", "more than"):
        assert covers(quoted, quoted, decimals, qualifier)
