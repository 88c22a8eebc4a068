"""A claim figure's value in every loaded vintage of the sources beside UN DESA's stock.

One function per source, each with its own rules, all giving `Value`s (oldest vintage first) in
the figure's unit; readside.claims turns them into statuses with the same tolerance as UN DESA
figures, for the registry (/claims) and the paragraph checker (/check) alike.
- World Bank: personal remittances received (BX.TRF.PWKR.CD.DT), paid (BM.TRF.PWKR.CD.DT), as a
  share of GDP (BX.TRF.PWKR.DT.GD.ZS, never summed), and their change; every vintage (Last Updated date).
- UNHCR: refugees, asylum-seekers, other people in need of international protection, and the
  three together ("displaced abroad"), by country of asylum, by origin, or for one corridor; every release.
- WPP: net migration (estimates only, never projections); every edition.
- KNOMAD: bilateral stock (origin -> destination); the 2013 and 2021 editions, each of one year.
- OECD: inflows (permanent: the sum of the categories; temporary: likewise; foreign population,
  national definitions); every dataset vintage.
- IOM Missing Migrants: dead and missing by route or by IOM region, per year (a year no file
  covers is not published; a partial year is never compared).
- IDMC: new internal displacements by disasters or by conflict and violence; every vintage.

What a figure may be compared with is readside.reporting's rule, the one every page applies
(`reporting.area_total`): an area's own cell (a country's, or a publisher's aggregate such as the
World Bank's LAC), else the sum of its members' real figures; a placeholder (a 0 in money) or a
blank is "not reported"; where blanks mean "not reported" (the World Bank), a year whose members
reporting weigh clearly less than usual is partial: a sum over members is then not compared, a
publisher's aggregate is compared as published and says how many members it counts, and a
change into or out of such a year is never computed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import pandas as pd

from readside import reporting
from readside.queries import Database, placeholders

PUBLISHED, NOT_PUBLISHED, PLACEHOLDER, BLANK, PARTIAL = "published", "not published", "placeholder", "blank", "partial"
WORLDBANK = {"remittances": "BX.TRF.PWKR.CD.DT", "remittances_paid": "BM.TRF.PWKR.CD.DT",
             "remittances_gdp": "BX.TRF.PWKR.DT.GD.ZS", "remittances_change_percent": "BX.TRF.PWKR.CD.DT"}
UNHCR = {"refugees": ("refugees",), "asylum_seekers": ("asylum_seekers",), "oip": ("oip",),
         "displaced_abroad": ("refugees", "asylum_seekers", "oip")}
SOURCE = {**dict.fromkeys(WORLDBANK, "worldbank"), **dict.fromkeys(UNHCR, "unhcr"), "net_migration": "wpp",
          "corridor": "knomad", "inflows": "oecd", "dead_missing": "iom_missing_migrants",
          "new_displacements": "idmc"}
IOM_REGIONS = {904: ("Central America", "South America", "Caribbean"), 905: ("North America",),
               915: ("Caribbean",), 916: ("Central America",), 931: ("South America",)}
AMERICAS_IOM = ("North America", "Central America", "South America", "Caribbean")
IOM_ROUTES = {"darien": ("Darien",), "us_mexico": ("US-Mexico border crossing",)}  # names harmonised by the ETL
OECD_FLOWS = {"permanent": "permanent", "temporary": "temporary", "foreign_population": "foreign_inflow_national"}
EMPTY = pd.DataFrame({"area_code": pd.Series(dtype="int64"), "year": pd.Series(dtype="int64"),
                      "value": pd.Series(dtype="float64")})


@dataclass(frozen=True)
class Value:
    """One vintage's value for one figure (None: that vintage does not publish it, or it is not
    reported), and the members behind it (readside.reporting.Total)."""

    vintage: str
    value: float | None
    state: str = PUBLISHED
    total: reporting.Total | None = None

    @property
    def partial(self) -> bool:
        """A publisher's aggregate compared as published in a year its members have not all reported."""
        return self.total is not None and not self.total.complete


def _codes(text: object) -> list[int]:
    return [int(c) for c in str(text).split(",")] if isinstance(text, str) and text else []


@dataclass
class Data:
    """Every row the figures need, read once per check (a few queries, then lookups)."""

    members: dict[int, tuple[int, ...]] = field(default_factory=dict)
    series: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)  # (series, vintage) -> area_code, year, value
    sources: dict[str, str] = field(default_factory=dict)  # series -> source
    units: dict[str, str] = field(default_factory=dict)  # series -> unit
    vintages: dict[str, list[str]] = field(default_factory=dict)  # series -> vintages, oldest first
    years: dict[tuple[str, str], set[int]] = field(default_factory=dict)  # (series, vintage) -> years
    covers: dict[tuple[str, str], dict] = field(default_factory=dict)  # (series, vintage) -> members -> coverage
    pairs: dict[tuple, dict[tuple[str, str], float]] = field(default_factory=dict)  # (origins, hosts, year) -> ...
    knomad: dict[tuple[int, int, int], float] = field(default_factory=dict)  # edition, origin, destination
    editions: list[int] = field(default_factory=list)
    iom: dict[tuple[str, str, int], float] = field(default_factory=dict)  # region, route, year
    iom_coverage: dict[int, tuple[str, str]] = field(default_factory=dict)  # year -> (coverage, vintage)
    iom_countries: dict[tuple[int, int], float] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Database, figures: pd.DataFrame) -> Data:
        data = cls()
        mine = figures[figures["metric"].isin(list(SOURCE))]
        if mine.empty:
            return data
        codes = {c for col in ("areas", "minus_areas", "origin_areas") if col in mine for text in mine[col] for c in _codes(text)}
        data.members = _members(db, sorted(codes))
        every = sorted(codes | {m for ms in data.members.values() for m in ms})
        years = sorted({int(y) + d for col in ("year", "base_year") for y in mine[col] if pd.notna(y)
                        for d in range(-reporting.WINDOW, reporting.WINDOW + 1)})  # the window of `coverage`
        sources = {SOURCE[m] for m in mine["metric"]}
        series = sorted({WORLDBANK[m] for m in mine["metric"] if m in WORLDBANK} |
                        {f"unhcr.{p}.{side}" for m in mine["metric"] if m in UNHCR for p in UNHCR[m]
                         for side in ("origin", "asylum")} | ({"wpp.net_migration"} if "wpp" in sources else set()))
        if series and every and years:
            _load_indicator(db, data, series, every, years)
        if "unhcr" in sources:
            _load_pairs(db, data, mine)
        if "knomad" in sources:
            _load_knomad(db, data, every)
        if "oecd" in sources and every:
            _load_oecd(db, data, every)
        if "iom_missing_migrants" in sources:
            _load_iom(db, data, every)
        if "idmc" in sources and every:
            _load_idmc(db, data, every)
        return data

    def total(self, series: str, vintage: str, codes: list[int], year: int, *, sums: bool = True) -> reporting.Total:
        """readside.reporting's figure of `codes` in one vintage and year, with the members behind it."""
        areas = {c: self.members.get(c, (c,)) for c in codes}
        return reporting.area_total(self.series.get((series, vintage), EMPTY), areas, year, self.sources.get(series, ""),
                                    unit=self.units.get(series, ""), sums=sums,
                                    covers=self.covers.setdefault((series, vintage), {}))

    def add(self, frame: pd.DataFrame, source: str, unit: str | None = None) -> None:
        """Rows (series, vintage, area_code, year, value[, unit]) kept per series and vintage."""
        for (name, vintage), part in frame.groupby(["series", "vintage"], sort=True):
            self.series[name, vintage] = part[["area_code", "year", "value"]].reset_index(drop=True)
            self.sources[name] = source
            self.units[name] = str(part["unit"].iloc[0]) if unit is None else unit


def _members(db: Database, codes: list[int]) -> dict[int, tuple[int, ...]]:
    """Member countries of each region, subregion or the world (a country is its own member)."""
    if not codes:
        return {}
    rows = db.rows(
        f"""SELECT g.code, list(DISTINCT c.code ORDER BY c.code) FROM area g JOIN area c ON c.kind = 'country'
            AND (g.code = 900 OR c.region = g.code OR c.subregion = g.code OR c.code = g.code)
            WHERE g.code IN ({placeholders(codes)}) GROUP BY g.code""",  # noqa: S608 - only placeholders are interpolated
        codes)
    return {int(code): tuple(int(m) for m in members) for code, members in rows}


def _load_indicator(db: Database, data: Data, series: list[str], codes: list[int], years: list[int]) -> None:
    frame = db.frame(
        f"""SELECT series, revision AS vintage, area_code, year, value, unit, source FROM indicator_vintages
            WHERE variant = 'estimate' AND series IN ({placeholders(series)}) AND area_code IN ({placeholders(codes)})
            AND year IN ({placeholders(years)})""",  # noqa: S608 - only placeholders are interpolated
        [*series, *codes, *years])
    for source, part in frame.groupby("source"):
        data.add(part, str(source))
    for s, v, source, years_of in db.rows(
            f"""SELECT series, revision, any_value(source), list(DISTINCT year) FROM indicator_vintages
                WHERE variant = 'estimate' AND series IN ({placeholders(series)}) GROUP BY series, revision
                ORDER BY series, revision""", series):  # noqa: S608
        data.vintages.setdefault(s, []).append(v)
        data.years[s, v] = {int(y) for y in years_of}
        data.sources.setdefault(s, source)


def _load_pairs(db: Database, data: Data, figures: pd.DataFrame) -> None:
    """UNHCR totals over origin x asylum pairs, one query per figure that names both."""
    if "origin_areas" not in figures:
        return
    for figure in figures[figures["metric"].isin(list(UNHCR)) & figures["origin_areas"].notna()
                          & figures["areas"].notna()].to_dict("records"):
        origins, hosts = _expand(data, _codes(figure["origin_areas"])), _expand(data, _codes(figure["areas"]))
        key = (tuple(origins), tuple(hosts), int(figure["year"]))
        if key in data.pairs:
            continue
        rows = db.rows(
            f"""SELECT population, vintage, sum(persons) FROM displacement WHERE year = ?
                AND origin_code IN ({placeholders(origins)}) AND asylum_code IN ({placeholders(hosts)})
                GROUP BY ALL""", [key[2], *origins, *hosts])  # noqa: S608 - only placeholders are interpolated
        data.pairs[key] = {(population, vintage): float(persons) for population, vintage, persons in rows}


def _load_knomad(db: Database, data: Data, codes: list[int]) -> None:
    frame = db.frame(
        f"""SELECT edition, origin_code, destination_code, migrants FROM bilateral_stock
            WHERE origin_code IN ({placeholders(codes)}) AND destination_code IN ({placeholders(codes)})""",  # noqa: S608
        [*codes, *codes])
    data.knomad = {(int(e), int(o), int(d)): float(m) for e, o, d, m in frame.itertuples(index=False)}
    data.editions = [int(e) for (e,) in db.rows("SELECT DISTINCT edition FROM bilateral_stock ORDER BY edition")]


def _load_oecd(db: Database, data: Data, codes: list[int]) -> None:
    frame = db.frame(
        f"""SELECT 'oecd.' || flow_type AS series, vintage, destination_code AS area_code, year, sum(persons) AS value
            FROM migration_flow WHERE destination_code IN ({placeholders(codes)})
            AND (flow_type <> 'foreign_inflow_national' OR category = 'total') GROUP BY ALL""", codes)  # noqa: S608
    data.add(frame, "oecd", "persons")
    for flow, vintage, years in db.rows("SELECT flow_type, vintage, list(DISTINCT year) FROM migration_flow "
                                        "GROUP BY ALL ORDER BY vintage"):
        data.vintages.setdefault(f"oecd.{flow}", []).append(vintage)
        data.years[f"oecd.{flow}", vintage] = {int(y) for y in years}
        data.sources[f"oecd.{flow}"] = "oecd"


def _load_iom(db: Database, data: Data, codes: list[int]) -> None:
    frame = db.frame("SELECT region, coalesce(route, ''), year, sum(dead_and_missing) FROM missing_migrants GROUP BY ALL")
    data.iom = {(r, route, int(y)): float(v) for r, route, y, v in frame.itertuples(index=False)}
    data.iom_coverage = {int(y): (c, v) for y, c, v in db.rows("SELECT year, coverage, vintage FROM missing_migrants_coverage")}
    countries = db.frame(
        f"""SELECT country_code, year, sum(dead_and_missing) FROM missing_migrants
            WHERE country_code IN ({placeholders(codes)}) GROUP BY ALL""", codes)  # noqa: S608
    data.iom_countries = {(int(c), int(y)): float(v) for c, y, v in countries.itertuples(index=False)}


def _load_idmc(db: Database, data: Data, codes: list[int]) -> None:
    frame = db.frame(
        f"""SELECT 'idmc.' || cause AS series, vintage, area_code, year, persons AS value FROM internal_displacement
            WHERE measure = 'new_displacements' AND area_code IN ({placeholders(codes)})""", codes)  # noqa: S608
    data.add(frame, "idmc", "persons")
    for cause, vintage, years in db.rows(
            "SELECT cause, vintage, list(DISTINCT year) FROM internal_displacement WHERE measure = 'new_displacements' "
            "GROUP BY ALL ORDER BY vintage"):
        data.vintages.setdefault(f"idmc.{cause}", []).append(vintage)
        data.years[f"idmc.{cause}", vintage] = {int(y) for y in years}
        data.sources[f"idmc.{cause}"] = "idmc"


# ---- one figure's values ----


def values(data: Data, figure: pd.Series) -> list[Value]:
    """The figure in every vintage of its source, oldest first, in its quoted unit."""
    metric = figure["metric"]
    source = SOURCE[metric]
    if source == "worldbank":
        return _worldbank(data, figure)
    return {"unhcr": _unhcr, "wpp": _wpp, "knomad": _knomad, "oecd": _oecd, "iom_missing_migrants": _iom,
            "idmc": _idmc}[source](data, figure)


def _scale(figure: pd.Series) -> float:
    return {"million": 1e6, "billion US$": 1e9, "percent": 1.0}.get(figure["unit"], 1.0)


def level(data: Data, series: str, vintage: str, codes: list[int], year: int, *, sums: bool = True) -> Value:
    """The figure of `codes` in one vintage and year by readside.reporting's rules, in the publisher's unit."""
    if year not in data.years.get((series, vintage), set()):
        return Value(vintage, None, NOT_PUBLISHED)
    if not codes or (not sums and len(codes) != 1):  # a share (of GDP) is never summed over areas
        return Value(vintage, None, NOT_PUBLISHED)
    total = data.total(series, vintage, codes, year, sums=sums)
    if total.value is None:  # a country's placeholder or blank is "not reported"; an aggregate's share, unpublished
        blank = data.sources.get(series) in reporting.BLANK_IS_NOT_REPORTED and \
            (sums or all(data.members.get(c, (c,)) == (c,) for c in codes))
        return Value(vintage, None, PLACEHOLDER if total.placeholder else BLANK if blank else NOT_PUBLISHED, total)
    if not total.published and not total.complete:  # a sum lacking members that weigh: never compared
        return Value(vintage, None, PARTIAL, total)
    return Value(vintage, total.value, PUBLISHED, total)


def in_unit(found: Value, figure: pd.Series) -> Value:
    return replace(found, value=found.value / _scale(figure)) if found.value is not None else found


def change(end: Value, base: Value) -> Value:
    """100 x (end / base - 1), never into or out of a partial year nor from a base of 0."""
    if end.state != PUBLISHED:
        return end
    if base.state != PUBLISHED:
        return replace(base, vintage=end.vintage)
    for one in (base, end):
        if one.partial:
            return Value(end.vintage, None, PARTIAL, one.total)
    if not base.value:
        return Value(end.vintage, None, NOT_PUBLISHED)
    return Value(end.vintage, 100 * (end.value / base.value - 1), PUBLISHED, end.total)


def _worldbank(data: Data, figure: pd.Series) -> list[Value]:
    series, metric = WORLDBANK[figure["metric"]], figure["metric"]
    codes, year = _codes(figure["areas"]), int(figure["year"])
    out = []
    for vintage in data.vintages.get(series, []):
        found = level(data, series, vintage, codes, year, sums=metric != "remittances_gdp")
        if metric == "remittances_change_percent":
            out.append(change(found, level(data, series, vintage, codes, int(figure["base_year"]))))
        else:
            out.append(in_unit(found, figure))
    return out


def _unhcr(data: Data, figure: pd.Series) -> list[Value]:
    populations = UNHCR[figure["metric"]]
    hosts, origins, year = _codes(figure["areas"]), _codes(figure.get("origin_areas")), int(figure["year"])
    vintages = sorted({v for p in populations for side in ("origin", "asylum") for v in data.vintages.get(f"unhcr.{p}.{side}", [])})
    out = []
    for vintage in vintages:
        published = all(year in data.years.get((f"unhcr.{p}.origin", vintage), set()) for p in populations)
        if not published:
            out.append(Value(vintage, None, NOT_PUBLISHED))
            continue
        if hosts and origins:  # one corridor: origin x asylum pairs (a pair not listed is none)
            key = (tuple(_expand(data, origins)), tuple(_expand(data, hosts)), year)
            total = sum(data.pairs.get(key, {}).get((p, vintage), 0.0) for p in populations)
            out.append(Value(vintage, total / _scale(figure)))
            continue
        side, codes = ("origin", origins) if origins else ("asylum", hosts)
        parts = [level(data, f"unhcr.{p}.{side}", vintage, codes, year) for p in populations]
        listed = [p for p in parts if p.state == PUBLISHED]
        if not listed:  # no population listed for the area that year
            out.append(Value(vintage, None, NOT_PUBLISHED))
            continue
        total = sum(p.value for p in listed)
        out.append(Value(vintage, total / _scale(figure), PUBLISHED, listed[0].total if len(listed) == 1 else None))
    return out


def _expand(data: Data, codes: list[int]) -> list[int]:
    return sorted({m for c in codes for m in data.members.get(c, (c,))})


def _wpp(data: Data, figure: pd.Series) -> list[Value]:
    codes, year = _codes(figure["areas"]), int(figure["year"])
    return [in_unit(level(data, "wpp.net_migration", vintage, codes, year), figure)
            for vintage in data.vintages.get("wpp.net_migration", [])]


def _knomad(data: Data, figure: pd.Series) -> list[Value]:
    year = int(figure["year"])
    origins, hosts = _expand(data, _codes(figure.get("origin_areas"))), _expand(data, _codes(figure["areas"]))
    out = []
    for edition in data.editions:
        if edition != year:
            out.append(Value(str(edition), None, NOT_PUBLISHED))
            continue
        total = sum(data.knomad.get((edition, o, d), 0.0) for o in origins for d in hosts)
        out.append(Value(str(edition), total / _scale(figure)))
    return out


def _oecd(data: Data, figure: pd.Series) -> list[Value]:
    series, codes, year = f"oecd.{OECD_FLOWS[figure['detail']]}", _codes(figure["areas"]), int(figure["year"])
    return [replace(in_unit(level(data, series, vintage, codes, year), figure), vintage=vintage_label(vintage))
            for vintage in data.vintages.get(series, [])]


def vintage_label(vintage: str) -> str:
    """'data to 2024, sha256:66980e30c252' -> 'data to 2024' (the hash tells files apart, not readers)."""
    return vintage.split(", sha256:")[0]


def _iom(data: Data, figure: pd.Series) -> list[Value]:
    year = int(figure["year"])
    coverage, vintage = data.iom_coverage.get(year, (None, ""))
    if coverage is None:
        return [Value("", None, NOT_PUBLISHED)]
    if coverage != "complete":
        return [Value(vintage, None, PARTIAL)]
    route = figure.get("detail")
    if isinstance(route, str) and route in IOM_ROUTES:
        total = sum(v for (region, r, y), v in data.iom.items() if y == year and r in IOM_ROUTES[route])
        return [Value(vintage, total / _scale(figure))]
    total = 0.0
    for code in _codes(figure["areas"]):
        if code == 900:
            total += sum(v for (_, _, y), v in data.iom.items() if y == year)
        elif code in IOM_REGIONS:
            total += sum(v for (region, _, y), v in data.iom.items() if y == year and region in IOM_REGIONS[code])
        else:
            total += data.iom_countries.get((code, year), 0.0)
    return [Value(vintage, total / _scale(figure))]


def _idmc(data: Data, figure: pd.Series) -> list[Value]:
    series, codes, year = f"idmc.{figure['detail']}", _codes(figure["areas"]), int(figure["year"])
    return [in_unit(level(data, series, vintage, codes, year), figure) for vintage in data.vintages.get(series, [])]


def undesa_population(db: Database, codes: list[int]) -> dict[tuple[int, int, int, str], float]:
    """(revision, year, area, sex) -> persons: UN DESA's population, the base of a share of the population."""
    frame = db.frame(
        f"""SELECT revision, year, area_code, sex, population_thousands FROM population
            WHERE area_code IN ({placeholders(codes)})""", codes)  # noqa: S608 - only placeholders are interpolated
    return {(int(r), int(y), int(a), s): 1000 * float(p) for r, y, a, s, p in frame.itertuples(index=False)}


def provenance(db: Database, sources: set[str]) -> dict[str, dict]:
    """Publisher, citation, URL, licence and access date of each source's newest file."""
    if not sources:
        return {}
    frame = db.frame(
        f"""SELECT source, publisher, dataset, vintage, citation, url, licence, retrieved_at FROM provenance
            WHERE source IN ({placeholders(sorted(sources))}) ORDER BY source, vintage DESC, dataset""",  # noqa: S608
        sorted(sources))
    out: dict[str, dict] = defaultdict(dict)
    for row in frame.to_dict("records"):
        out[row["source"]] = out[row["source"]] or row
    return dict(out)
