"""Internal consistency: does a quote add up on its own terms, without the data?

Parts against their stated total (`part_of`), a change against the quoted levels it spans, and a
ratio against the two quoted figures it compares (numerator: the figure with the ratio's own
areas; denominator: the other figure of the same metric). The verdict is `consistent` when the
recomputed value is inside the quoted interval, `consistent only within the quoted precision`
when only the intervals overlap, and `inconsistent` otherwise. Shared by /claims and /check.
"""

from __future__ import annotations

import pandas as pd

from readside.claims import Note, Num, Quantity, Quoted, Word, figure_interval


def _verdict(central: float, derived: tuple[float, float], quoted: tuple[float, float]) -> tuple[str, bool]:
    if quoted[0] <= central <= quoted[1]:
        return "consistent", True
    if derived[0] <= quoted[1] and quoted[0] <= derived[1]:
        return "loosely_consistent", True
    return "inconsistent", False


def _parts_vs_total(figures: pd.DataFrame) -> list[Note]:
    notes = []
    for total_id, parts in figures[figures["part_of"].notna()].groupby("part_of"):
        total = figures[figures["figure_id"] == total_id]
        if total.empty:
            continue
        total = total.iloc[0]
        intervals = [figure_interval(p) for _, p in parts.iterrows()]
        low, high = sum(i[0] for i in intervals), sum(i[1] for i in intervals)
        part_sum, quoted = float(parts["value"].sum()), figure_interval(total)
        ok = low <= quoted[1] and quoted[0] <= high
        decimals = int(total["decimals"])
        notes.append(Note("parts_total", {
            "terms": tuple(Num(v, int(d)) for v, d in zip(parts["value"], parts["decimals"], strict=True)),
            "sum": Num(part_sum, decimals), "relation": "=" if ok else "≠",
            "total": Quantity(float(total["value"]), total["unit"], decimals),
            "gap": Num(float(total["value"]) - part_sum, decimals, signed=True),
        }, ok=ok))
    return notes


def _same_series(a: pd.Series, b: pd.Series) -> bool:
    return all(a[k] == b[k] or (pd.isna(a[k]) and pd.isna(b[k])) for k in ("areas", "minus_areas", "sex"))


def _change_vs_levels(figures: pd.DataFrame) -> list[Note]:
    """A quoted change against the quoted levels at its two ends (claim 3: 34 -> 61 vs 'nearly 78%')."""
    notes = []
    stocks = figures[figures["metric"] == "stock"]
    for _, change in figures[figures["metric"] == "change_percent"].iterrows():
        ends = {int(s["year"]): s for _, s in stocks.iterrows() if _same_series(s, change)}
        base, end = ends.get(int(change["base_year"])), ends.get(int(change["year"]))
        if base is None or end is None:
            continue
        (bl, bh), (el, eh) = figure_interval(base), figure_interval(end)
        central = 100 * (float(end["value"]) / float(base["value"]) - 1)
        derived = (100 * (el / bh - 1), 100 * (eh / bl - 1))
        verdict, ok = _verdict(central, derived, figure_interval(change))
        notes.append(Note("change_levels", {
            "base": Quantity(float(base["value"]), base["unit"], int(base["decimals"])),
            "end": Quantity(float(end["value"]), end["unit"], int(end["decimals"])),
            "derived": Quantity(central, "percent", 1), "low": Quantity(derived[0], "percent", 1), "high": Quantity(derived[1], "percent", 1),
            "quoted": Quoted.of(change), "verdict": Word(f"claims.verdict.{verdict}"),
        }, ok=ok))
    return notes


def _ratio_vs_parts(figures: pd.DataFrame) -> list[Note]:
    """A quoted ratio ('three times higher') against the two quoted figures it compares."""
    notes = []
    for _, ratio in figures[figures["metric"] == "ratio"].iterrows():
        others = figures[figures["metric"] != "ratio"]
        numerator = others[others["areas"] == ratio["areas"]]
        if numerator.empty:
            continue
        numerator = numerator.iloc[0]
        denominator = others[(others["metric"] == numerator["metric"]) & (others["areas"] != ratio["areas"])]
        if denominator.empty or not float(denominator["value"].iloc[0]):
            continue
        denominator = denominator.iloc[0]
        (nl, nh), (dl, dh) = figure_interval(numerator), figure_interval(denominator)
        central = float(numerator["value"]) / float(denominator["value"])
        verdict, ok = _verdict(central, (nl / dh, nh / dl), figure_interval(ratio))
        notes.append(Note("ratio", {
            "numerator": Quoted.of(numerator), "denominator": Quoted.of(denominator),
            "derived": Quantity(central, "times", 1), "quoted": Quoted.of(ratio), "verdict": Word(f"claims.verdict.{verdict}"),
        }, ok=ok))
    return notes


def consistency(figures: pd.DataFrame) -> list[Note]:
    """Does the quote add up on its own terms? Parts vs total, change vs levels, ratio vs parts."""
    return [*_parts_vs_total(figures), *_change_vs_levels(figures), *_ratio_vs_parts(figures)]
