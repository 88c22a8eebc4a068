"""Cross-table checks pandera cannot express alone: the publisher's own totals must add up."""

from __future__ import annotations

import pandas as pd

from etl.areas import AMERICAS_SUBREGIONS, LATIN_AMERICA_AND_CARIBBEAN, NORTHERN_AMERICA, WORLD
from etl.errors import ValidationFailed

HIERARCHY_TOLERANCE = 0.001  # relative: parts may differ from their total by rounding only
PLURAL = {"subregion": "subregions", "country": "countries"}
REQUIRED_AREAS = (WORLD, LATIN_AMERICA_AND_CARIBBEAN, NORTHERN_AMERICA, *AMERICAS_SUBREGIONS)


def check_required_areas(stock: pd.DataFrame) -> None:
    """The dashboard's headline areas must be in every revision's destination totals."""
    totals = stock[(stock["origin_code"] == WORLD) & (stock["sex"] == "total")]
    problems = []
    for revision, group in totals.groupby("revision"):
        missing = sorted(set(REQUIRED_AREAS) - set(group["destination_code"]))
        if missing:
            problems.append(f"  - revision {revision}: no rows for area code(s) {missing}")
    if problems:
        raise ValidationFailed("stock", "required areas missing:\n" + "\n".join(problems))


def check_hierarchy(stock: pd.DataFrame, area: pd.DataFrame) -> None:
    """Subregions sum to their region, countries to their subregion, where every part is published."""
    totals = stock[stock["origin_code"] == WORLD]
    problems = []
    for level, parent in (("subregion", "region"), ("country", "subregion")):
        problems += _level_gaps(totals, area, level, parent)
    if problems:
        raise ValidationFailed("stock", "parts do not add up to their published total:\n" + "\n".join(problems[:20]))


def _level_gaps(totals: pd.DataFrame, area: pd.DataFrame, level: str, parent: str) -> list[str]:
    children = area.loc[(area["kind"] == level) & area[parent].notna(), ["code", parent]]
    expected = children.groupby(parent).size().rename("expected")
    parts = totals.merge(children, left_on="destination_code", right_on="code")
    sums = (
        parts.groupby(["revision", "year", "sex", parent])["migrants"]
        .agg(part_sum="sum", parts="size")
        .reset_index()
        .join(expected, on=parent)
    )
    published = totals.rename(columns={"destination_code": parent, "migrants": "published"})
    sums = sums.merge(published[["revision", "year", "sex", parent, "published"]], on=["revision", "year", "sex", parent])
    complete = sums[sums["parts"] == sums["expected"]]
    gap = (complete["part_sum"] - complete["published"]).abs()
    bad = complete[gap > complete["published"] * HIERARCHY_TOLERANCE]
    return [
        f"  - revision {r.revision}, {r.year}, {r.sex}: {PLURAL[level]} of {parent} {getattr(r, parent)} sum to "
        f"{r.part_sum:,}, published total {r.published:,}"
        for r in bad.itertuples()
    ]
