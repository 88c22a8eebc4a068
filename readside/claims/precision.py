"""Precision: the interval of values a quoted figure covers, from its decimals and qualifier."""

from __future__ import annotations

import math

import pandas as pd

RELATIVE_SPREAD = 0.05  # "around" and "nearly": 5 % of the quoted value (or its rounding, if wider)


def tolerance(quoted: float, decimals: int, qualifier: str) -> tuple[float, float]:
    """[low, high] of values (in the quoted unit) that the quoted wording covers."""
    half = 0.5 * 10 ** (-decimals) + 1e-9  # 1e-9: a binary 70.35 still rounds to the quoted 70.3
    spread = max(half, RELATIVE_SPREAD * abs(quoted))
    if qualifier == "around":
        return quoted - spread, quoted + spread
    if qualifier == "nearly":
        return quoted - spread, quoted + half
    if qualifier == "more than":
        return quoted, math.inf
    if qualifier == "less than":
        return -math.inf, quoted
    return quoted - half, quoted + half


def covers(actual: float, quoted: float, decimals: int, qualifier: str) -> bool:
    low, high = tolerance(quoted, decimals, qualifier)
    return low <= actual <= high


def figure_interval(figure: pd.Series) -> tuple[float, float]:
    return tolerance(float(figure["value"]), int(figure["decimals"]), str(figure["qualifier"]))

