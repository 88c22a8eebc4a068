"""Property tests of what a quoted figure covers (the rules in dashboard/claims_check.py)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from readside.claims import covers, tolerance

QUALIFIERS = ("exact", "around", "nearly", "more than", "derived")


def test_the_briefs_examples():
    assert covers(33.6, 34, 0, "around") and not covers(36.0, 34, 0, "around")
    assert covers(70.25, 70.3, 1, "exact") and covers(70.35, 70.3, 1, "exact")
    assert not covers(70.24, 70.3, 1, "exact") and not covers(70.36, 70.3, 1, "exact")
    assert covers(46.5, 47, 0, "exact") and covers(47.5, 47, 0, "exact") and not covers(47.6, 47, 0, "exact")
    assert covers(74.1, 78, 0, "nearly") and covers(78.5, 78, 0, "nearly")
    assert not covers(74.0, 78, 0, "nearly") and not covers(78.6, 78, 0, "nearly")
    assert covers(1e9, 60, 0, "more than") and not covers(59.4, 60, 0, "more than")


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=3), st.floats(min_value=-0.49, max_value=0.49))
def test_exact_covers_what_rounds_to_the_quote(units, decimals, offset):
    quoted = units / 10**decimals
    actual = quoted + offset / 10**decimals
    assert covers(actual, quoted, decimals, "exact")
    assert round(actual, decimals) == quoted


@given(st.integers(min_value=1, max_value=10_000), st.integers(min_value=0, max_value=3), st.floats(min_value=0.51, max_value=50))
def test_exact_rejects_what_rounds_elsewhere(units, decimals, offset):
    quoted = units / 10**decimals
    for sign in (1, -1):
        assert not covers(quoted + sign * offset / 10**decimals, quoted, decimals, "exact")


@given(st.floats(min_value=1, max_value=1000), st.floats(min_value=0, max_value=0.0499))
def test_around_covers_within_five_percent_either_side(quoted, share):
    assert covers(quoted * (1 + share), quoted, 0, "around")
    assert covers(quoted * (1 - share), quoted, 0, "around")


@given(st.floats(min_value=1, max_value=1000), st.floats(min_value=0.051, max_value=0.5))
def test_around_rejects_beyond_five_percent_or_rounding(quoted, excess):
    if quoted * excess > max(0.5 + 1e-6, 0.05 * quoted):
        assert not covers(quoted * (1 + excess), quoted, 0, "around")
        assert not covers(quoted * (1 - excess), quoted, 0, "around")


@given(st.floats(min_value=10, max_value=100), st.integers(min_value=0, max_value=2))
def test_nearly_is_slightly_below_never_clearly_above(quoted, decimals):
    low, high = tolerance(quoted, decimals, "nearly")
    assert high <= quoted + 0.5 * 10**-decimals + 1e-6
    assert math.isclose(low, quoted - max(0.05 * quoted, 0.5 * 10**-decimals), abs_tol=1e-6)
    assert not covers(quoted + 10**-decimals, quoted, decimals, "nearly")
    assert covers(quoted * 0.97, quoted, decimals, "nearly")


@given(st.floats(min_value=0.1, max_value=1e4), st.integers(min_value=0, max_value=3))
def test_every_interval_contains_the_quote_and_widens_with_fewer_decimals(quoted, decimals):
    for qualifier in QUALIFIERS:
        assert covers(quoted, quoted, decimals, qualifier)
        low, high = tolerance(quoted, decimals, qualifier)
        coarser_low, coarser_high = tolerance(quoted, max(decimals - 1, 0), qualifier)
        assert coarser_low <= low and coarser_high >= high


@given(st.floats(min_value=0.1, max_value=1e4), st.integers(min_value=0, max_value=3))
def test_around_is_never_narrower_than_exact(quoted, decimals):
    exact, around = tolerance(quoted, decimals, "exact"), tolerance(quoted, decimals, "around")
    assert around[0] <= exact[0] and around[1] >= exact[1]
