"""What a published figure may be used for: placeholders, members reporting, one ranking, one change.

Equal to the publisher's cell is not enough. These rules decide what a page, card, brief, map,
rank or change may rest on; they are pure functions over frames of `area_code, year, value`
(no SQL, no Dash), applied by every reader of those figures.

1. **Placeholders.** A value that stands for "not reported" is never ranked, never a talking
   point and never the base of a change; charts leave a gap and say why; extracts keep the
   publisher's value and flag it (`placeholder_flags`). Two kinds exist: a blank (the ETL stores
   no row) and an exact 0 in a flow of money or in its share of GDP. No economy receives or pays
   exactly nothing: the World Bank writes 0 where the balance of payments records no item
   (Venezuela's remittances received 2017-2023, Turks and Caicos' 2019-2023, Barbados' share of
   GDP 2018-2020 beside a non-zero amount). Counts of people are never placeholders: UNHCR,
   IDMC, IOM and WPP print 0 only as a figure.
2. **Members reporting.** A sum over members (a subregion, a grouping) or a publisher's own
   aggregate (the World Bank's "Latin America & Caribbean", "North America") is as complete as
   the members behind it. Where a blank means "not reported" (`BLANK_IS_NOT_REPORTED`: the World
   Bank's country series), each year is weighed: every member that reports within `WINDOW`
   years is expected, and weighs its own figure, or else its nearest one. A year whose reporting
   members stand for less than `COMPLETE_SHARE` of that weight is *partial*: drawn apart, never
   compared with a complete year, never the year of a talking point (the Caribbean's 2024
   remittances without Haiti; the World Bank's North America paid in 2022 = Canada alone).
   Sources that list only what happened (UNHCR, IDMC, IOM, OECD) have no blank cells: a missing
   row there is none, not a member missing.
3. **One ranking.** Areas are ranked among a set (the OAS member states' roster), in one year per
   metric (its latest complete year), over real figures only, largest first, ties sharing a rank;
   "of N" is how many were ranked. An area without a real figure that year is not ranked.
4. **One way to state a change** (`describe`): a percentage up to `TIMES_FROM` times the base,
   "N times the figure" up to `MEANINGFUL_MULTIPLE`, and beyond (a base too small to grow from)
   only the base level ("from 641 in 2000"); the same words in sentences and in tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from readside.text import decimal, percent, t

# Units in which an exact 0 stands for "not reported" (the World Bank's remittance series).
ZERO_IS_NOT_REPORTED = ("current US$", "% of GDP")
# Sources whose country series print a blank where a country did not report: their sums
# over members have years of partial coverage. Others list only what was counted.
BLANK_IS_NOT_REPORTED = frozenset({"worldbank"})
WINDOW = 3  # a member reporting within this many years of Y is expected in Y
COMPLETE_SHARE = 0.95  # reporting members must stand for this much of the expected figure
TIMES_FROM = 10.0  # from 10 times the base on, a change reads "N times the figure"
MEANINGFUL_MULTIPLE = 20.0  # beyond this, the base is too small to grow from: say the base level
PERCENT, POINTS, LEVEL, TIMES = "percent", "points", "level", "times"


# ---------------------------------------------------------------- 1. placeholders


def is_placeholder(value: object, unit: str) -> bool:
    """A blank, or an exact 0 in a unit where 0 means "not reported"."""
    if value is None or pd.isna(value):
        return True
    return unit in ZERO_IS_NOT_REPORTED and float(value) == 0.0


def placeholder_flags(values: Sequence | pd.Series | np.ndarray, units: Sequence | pd.Series | str) -> np.ndarray:
    """True where the publisher's value stands for "not reported" (vectorised `is_placeholder`):
    the flag an extract writes beside the value it keeps as published."""
    values = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").to_numpy(dtype=float)
    units = np.full(len(values), units, dtype=object) if isinstance(units, str) else np.asarray(units, dtype=object)
    zero_unit = np.isin(units, ZERO_IS_NOT_REPORTED)
    return np.isnan(values) | (zero_unit & (values == 0.0))


# The flag an extract writes beside each indicator value (kept as the publisher printed it).
NOT_REPORTED = "not_reported"
NOT_REPORTED_FIELD = {
    "name": NOT_REPORTED, "type": "boolean", "constraints": {"required": True},
    "description": "true where the publisher's value, kept as published, stands for 'not reported': an exact 0 in "
                   "a flow of money or its share of GDP (the World Bank writes 0 where the balance of payments "
                   "records no item, e.g. Venezuela's remittances received 2017-2023). migdash never ranks, "
                   "compares or charts such a value.",
}


def not_reported_array(values, units):
    """`placeholder_flags` on Arrow arrays (an extract's batch): a BooleanArray beside `values`."""
    import pyarrow
    import pyarrow.compute as pc

    zero = pc.fill_null(pc.equal(values, 0), False)
    money = pc.is_in(units, value_set=pyarrow.array(ZERO_IS_NOT_REPORTED))
    return pc.or_(pc.is_null(values), pc.and_(zero, money))


def real(frame: pd.DataFrame, unit: str, value: str = "value") -> pd.DataFrame:
    """The rows whose value is a figure (placeholders dropped)."""
    return frame[~placeholder_flags(frame[value], unit)]


def real_value_sql(alias: str = "i") -> str:
    """The same rule in SQL, for queries over `indicator` rows (`value`, `unit` of the alias):
    constants only, so it may be interpolated into a query."""
    units = ", ".join(f"'{u}'" for u in ZERO_IS_NOT_REPORTED)
    return f"({alias}.value IS NOT NULL AND NOT ({alias}.value = 0 AND {alias}.unit IN ({units})))"


def placeholder_runs(frame: pd.DataFrame, unit: str, value: str = "value") -> list[tuple[int, int]]:
    """(first, last) year of each run of placeholders in one area's series, oldest first:
    Venezuela's remittances received -> [(2017, 2023)]."""
    flags = placeholder_flags(frame[value], unit)
    years = [int(y) for y in frame.loc[flags, "year"]]
    runs: list[tuple[int, int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def with_gaps(frame: pd.DataFrame, unit: str, value: str = "value", by: str | None = "area_code") -> pd.DataFrame:
    """The series with placeholders blanked and missing years inserted as blanks, so a line
    chart breaks where nothing was reported instead of drawing a 0 or joining across."""
    if frame.empty:
        return frame
    out = frame.copy()
    out.loc[placeholder_flags(out[value], unit), value] = np.nan
    parts = [out] if by is None else [part for _, part in out.groupby(by, sort=False)]
    filled = []
    for part in parts:
        years = range(int(part["year"].min()), int(part["year"].max()) + 1)
        spread = part.set_index("year").reindex(years)
        for column in part.columns.drop(["year", value]):  # names, codes: constant per part
            spread[column] = spread[column].ffill().bfill()
        filled.append(spread.rename_axis("year").reset_index()[list(part.columns)])
    return pd.concat(filled, ignore_index=True)


# ---------------------------------------------------------------- 2. members reporting


def coverage(frame: pd.DataFrame, members: Iterable[int] | None = None, *, unit: str = "",
             value: str = "value") -> pd.DataFrame:
    """year, reporting, expected, share, complete, missing: per year of the span, how much of
    the members' figure the members reporting that year stand for (rule 2). `frame` holds the
    members' rows (area_code, year, value); placeholders of `unit` count as not reported."""
    columns = ["year", "reporting", "expected", "share", "complete", "missing"]
    figures = real(frame, unit, value)
    if figures.empty:
        return pd.DataFrame(columns=columns)
    wide = figures.pivot_table(index="year", columns="area_code", values=value, aggfunc="sum")
    wide = wide.reindex(range(int(wide.index.min()), int(wide.index.max()) + 1))
    if members is not None:
        wide = wide[[c for c in wide.columns if c in set(members)]]
    weight = wide.ffill(limit=WINDOW).fillna(wide.bfill(limit=WINDOW)).abs().to_numpy()
    reported = wide.notna().to_numpy()
    expected = ~np.isnan(weight)
    got = expected & reported
    total = np.where(expected, weight, 0.0).sum(axis=1)
    covered = np.where(got, weight, 0.0).sum(axis=1)
    counted, wanted = got.sum(axis=1), expected.sum(axis=1)
    share = np.divide(covered, total, out=np.where(counted == wanted, 1.0, 0.0), where=total > 0)
    codes = np.asarray(wide.columns, dtype=int)
    missing = []
    for row in range(len(wide)):  # expected members without a figure, largest first
        gap = expected[row] & ~reported[row]
        order = np.argsort(-weight[row, gap], kind="stable")
        missing.append(tuple(int(c) for c in codes[gap][order]))
    out = pd.DataFrame({"year": wide.index.astype(int), "reporting": counted, "expected": wanted, "share": share,
                        "complete": share >= COMPLETE_SHARE, "missing": missing}, columns=columns)
    return out[out["reporting"] > 0].reset_index(drop=True)


def always_complete(years: Iterable[int]) -> pd.DataFrame:
    """The coverage of a source without blank cells: every year complete."""
    years = sorted({int(y) for y in years})
    return pd.DataFrame({"year": years, "reporting": pd.NA, "expected": pd.NA, "share": 1.0, "complete": True,
                         "missing": [()] * len(years)})


def coverage_for(frame: pd.DataFrame, source: str, members: Iterable[int] | None = None, *, unit: str = "",
                 value: str = "value") -> pd.DataFrame:
    """`coverage` where the source prints blanks for members not reporting, else all complete."""
    if source in BLANK_IS_NOT_REPORTED:
        return coverage(frame, members, unit=unit, value=value)
    return always_complete(real(frame, unit, value)["year"])


def complete_years(cover: pd.DataFrame) -> list[int]:
    return [int(y) for y in cover.loc[cover["complete"].astype(bool), "year"]]


def latest_complete_year(cover: pd.DataFrame) -> int | None:
    years = complete_years(cover)
    return max(years) if years else None


def partial_after(cover: pd.DataFrame) -> pd.DataFrame:
    """The partial years after the latest complete one (the publisher's newest, still filling in)."""
    last = latest_complete_year(cover)
    later = cover[~cover["complete"].astype(bool)]
    return later if last is None else later[later["year"] > last]


def sum_over_members(frame: pd.DataFrame, source: str, members: Iterable[int] | None = None, *, unit: str = "",
                     value: str = "value") -> pd.DataFrame:
    """year, value (sum of the members' real figures), reporting, expected, share, complete."""
    figures = real(frame, unit, value)
    if members is not None:
        figures = figures[figures["area_code"].isin(set(members))]
    sums = figures.groupby("year", as_index=False)[value].sum()
    cover = coverage_for(figures, source, members, unit=unit, value=value)
    merged = sums.merge(cover.drop(columns=["reporting"]), on="year", how="left")
    counted = figures.groupby("year")["area_code"].nunique().rename("reporting")
    return merged.merge(counted, on="year", how="left")


def aggregate_coverage(members_frame: pd.DataFrame, years: Iterable[int], source: str, *, unit: str = "",
                       value: str = "value") -> pd.DataFrame:
    """The coverage of a publisher's own aggregate in its years, judged by its members' rows
    (the World Bank's "North America" paid in 2022 holds Canada's figure alone)."""
    years = sorted({int(y) for y in years})
    if source not in BLANK_IS_NOT_REPORTED or members_frame.empty:
        return always_complete(years)
    cover = coverage(members_frame, unit=unit, value=value).set_index("year")
    out = always_complete(years).set_index("year")
    known = [y for y in years if y in cover.index]
    out.loc[known, ["reporting", "expected", "share", "complete"]] = \
        cover.loc[known, ["reporting", "expected", "share", "complete"]].to_numpy()
    out.loc[known, "missing"] = pd.Series(cover.loc[known, "missing"].tolist(), index=known, dtype=object)
    return out.reset_index()


@dataclass(frozen=True)
class Total:
    """An area's figure in one year and the members behind it: what a quoted figure may be
    compared with (the paragraph checker and the claims registry)."""

    value: float | None  # None: no real figure (a placeholder, a blank, or no member listed)
    published: bool  # every area's own cell (a country's, or an aggregate such as the World Bank's LAC), no sum
    reporting: int  # members with a real figure that year
    expected: int  # members expected that year (rule 2); where blanks mean nothing, the members listed
    complete: bool
    placeholder: bool = False  # an area's own cell stands for "not reported" (a 0 in money)
    missing: tuple[int, ...] = ()

    @property
    def summed_short(self) -> bool:
        """A sum over members in which some members have no figure (said so beside the sum)."""
        return not self.published and self.reporting < self.expected


def area_total(frame: pd.DataFrame, areas: Mapping[int, Sequence[int]], year: int, source: str, *, unit: str = "",
               value: str = "value", sums: bool = True, covers: dict | None = None) -> Total:
    """The figure of `areas` (code -> its member countries; a country is its own member) in `year`:
    per area, the publisher's own real cell (a country's, or its aggregate), else the sum of its
    members' real figures (as `sum_over_members`; never for a share: `sums=False`); and the year's
    coverage over all the members (as `aggregate_coverage` for an aggregate, `coverage_for` for a
    sum: where blanks mean "not reported", a year whose reporting members weigh clearly less than
    usual is partial). `frame` holds the rows (area_code, year, value) of one series and vintage
    for the areas and their members, `WINDOW` years either side of `year` at least. `covers`
    keeps the coverage of each member set for a caller that checks many figures in one frame."""
    members = tuple(sorted({int(m) for its in areas.values() for m in its}))
    mask = frame["year"].to_numpy() == year
    cells = dict(zip(frame["area_code"].to_numpy()[mask].tolist(), frame[value].to_numpy()[mask].tolist(), strict=True))
    real_cells = {code: v for code, v in cells.items() if not is_placeholder(v, unit)}
    total, found, published, placeholder = 0.0, False, True, False
    for code, its in areas.items():
        if code in real_cells:
            total, found = total + float(real_cells[code]), True
            continue
        published = False
        if code in cells and [int(m) for m in its] == [code]:  # a country's own placeholder
            placeholder = True
            continue
        parts = [float(real_cells[m]) for m in its if m in real_cells] if sums else []
        total, found = total + sum(parts), found or bool(parts)
    listed = sum(1 for m in members if m in real_cells)
    result = total if found else None
    alone = all([int(m) for m in its] == [code] for code, its in areas.items())
    if source not in BLANK_IS_NOT_REPORTED or (alone and published):  # countries each with a figure: complete
        return Total(result, published, listed, len(members), True, placeholder and not found)
    covers = {} if covers is None else covers
    if members not in covers:
        covers[members] = coverage_for(frame[frame["area_code"].isin(members)], source, members, unit=unit, value=value)
    row = covers[members].loc[lambda c: c["year"] == year]
    if row.empty:  # no member reported within WINDOW years: an aggregate stands as published (aggregate_coverage)
        return Total(result, published, listed, listed, published and found, placeholder and not found)
    first = row.iloc[0]
    return Total(result, published, int(first["reporting"]), int(first["expected"]), bool(first["complete"]),
                 placeholder and not found, tuple(first["missing"]))


# ---------------------------------------------------------------- 3. one ranking


@dataclass(frozen=True)
class Rank:
    rank: int
    of: int
    year: int


def ranking_year(frame: pd.DataFrame, source: str, members: Iterable[int], *, unit: str = "",
                 value: str = "value") -> int | None:
    """The year a metric is ranked in among `members`: its latest complete year."""
    members = list(members)
    figures = real(frame[frame["area_code"].isin(members)], unit, value)
    return latest_complete_year(coverage_for(figures, source, members, unit=unit, value=value))


def ranking(frame: pd.DataFrame, members: Iterable[int], year: int, *, unit: str = "",
            value: str = "value") -> pd.DataFrame:
    """area_code, value, rank, of: the members with a real figure in `year`, largest first
    (ties share the better rank)."""
    members = set(members)
    that = real(frame[(frame["year"] == year) & frame["area_code"].isin(members)], unit, value)
    that = that.groupby("area_code", as_index=False)[value].sum().sort_values(value, ascending=False)
    return that.assign(rank=that[value].rank(ascending=False, method="min").astype(int), of=len(that))


def ranks(frame: pd.DataFrame, source: str, members: Iterable[int], *, unit: str = "",
          value: str = "value") -> dict[int, Rank]:
    """Every ranked member's place in the metric's ranking year (members without a real figure
    that year are absent): one computation for all, e.g. the briefs of the 35 member states."""
    members = list(members)
    year = ranking_year(frame, source, members, unit=unit, value=value)
    if year is None:
        return {}
    table = ranking(frame, members, year, unit=unit, value=value)
    return {int(c): Rank(int(r), int(n), year) for c, r, n in zip(table["area_code"], table["rank"], table["of"],
                                                                  strict=True)}


def rank_of(frame: pd.DataFrame, code: int, source: str, members: Iterable[int], *, unit: str = "",
            value: str = "value") -> Rank | None:
    """One area's place among `members` in the metric's ranking year, or None (not a member,
    no ranking year, or no real figure that year)."""
    members = list(members)
    return ranks(frame, source, members, unit=unit, value=value).get(code) if code in members else None


# ---------------------------------------------------------------- 4. one change


@dataclass(frozen=True)
class Change:
    """A change from a base year, and how it may be said: `kind` is percent, points, times or
    level (only the base level: a net flow, or a base too small to grow from)."""

    kind: str
    value: float
    base_value: float
    base_year: int
    amount: float | None  # % or points; None for level
    times: float | None = None

    @property
    def meaningful(self) -> bool:
        return self.kind != LEVEL


def change(kind: str, value: float, base_value: float, base_year: int) -> Change:
    """kind: percent (a count or an amount), points (a share) or level (a net flow)."""
    if kind == POINTS:
        return Change(POINTS, value, base_value, base_year, value - base_value)
    if kind == PERCENT and meaningful_base(value, base_value):
        ratio = value / base_value
        amount = 100 * (ratio - 1)
        return Change(TIMES if ratio >= TIMES_FROM else PERCENT, value, base_value, base_year, amount, ratio)
    return Change(LEVEL, value, base_value, base_year, None)


def meaningful_base(value: float, base_value: float) -> bool:
    """A growth rate is said only from a positive base the value is less than
    MEANINGFUL_MULTIPLE times (from 641 to 7.6 million is not "11,920 times")."""
    return base_value > 0 and value >= 0 and value / base_value <= MEANINGFUL_MULTIPLE


def describe(found: Change, lang: str, base_shown: str, *, short: bool = False) -> str:
    """The words of a change, in a sentence ("+306.1% since 2000, from US$ 877.7 million";
    "19.4 times the 2000 figure of 1,600"; "641 in 2000") or a table cell (short)."""
    base = found.base_year
    if found.kind == TIMES:
        key = "briefs.change_short_times" if short else "briefs.change.times"
        return t(lang, key, times=decimal(found.times or 0.0, lang, 1), base=base, base_value=base_shown)
    if found.kind == LEVEL:
        return t(lang, "briefs.change.level", base=base, base_value=base_shown)
    amount = found.amount or 0.0
    if short:
        unit = t(lang, "briefs.unit.points") if found.kind == POINTS else "%"
        return t(lang, "briefs.change_short", change=signed(decimal(abs(amount), lang, 1), amount),
                         base=base, unit=unit)
    if found.kind == POINTS:
        return t(lang, "briefs.change.points", change=signed(decimal(abs(amount), lang, 1), amount),
                         base=base, base_value=base_shown)
    return t(lang, "briefs.change.percent", change=signed(percent(abs(amount), lang), amount),
                     base=base, base_value=base_shown)


def signed(text: str, value: float) -> str:
    """A formatted magnitude with its sign: '+1.2 million', '−350 thousand' (U+2212)."""
    return ("+" if value > 0 else "−" if value < 0 else "") + text.lstrip("-−")
