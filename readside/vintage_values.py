"""A claim figure's value in every loaded vintage of the sources beside UN DESA's stock.

One function per source, each with its own rules, all giving `Value`s (oldest vintage first) in
the figure's unit; readside.claims turns them into statuses with the same tolerance as UN DESA
figures, for the registry (/claims) and the paragraph checker (/check) alike.
- World Bank: personal remittances received (BX.TRF.PWKR.CD.DT), paid (BM.TRF.PWKR.CD.DT), as a
  share of GDP (BX.TRF.PWKR.DT.GD.ZS), and their change; every vintage (Last Updated date).
- UNHCR: refugees, asylum-seekers, other people in need of international protection, and the
  three together ("displaced abroad"), by country of asylum, by origin, or for one corridor; every release.
- WPP: net migration (estimates only, never projections); every edition.
- KNOMAD: bilateral stock (origin -> destination); the 2013 and 2021 editions, each of one year.
- OECD: inflows (permanent: the sum of the categories; temporary: likewise; foreign population,
  national definitions); every dataset vintage.
- IOM Missing Migrants: dead and missing by route or by IOM region, per year (a year no file
  covers is not published; a partial year is never compared).
- IDMC: new internal displacements by disasters or by conflict and violence; every vintage.
An area the publisher does not aggregate is summed over its member countries. Where a missing
member means "not reported" (World Bank, OECD, WPP), a sum with a member missing is partial and
says how many reported; where a publisher lists only what happened (UNHCR, IDMC, IOM), a missing
member counts 0. A 0 where money is reported is a placeholder for "not reported", never a value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from readside.queries import Database, placeholders

PUBLISHED, NOT_PUBLISHED, PLACEHOLDER, PARTIAL = "published", "not published", "placeholder", "partial"
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
IOM_ROUTES = {"darien": ("Darien", "Darien Gap"), "us_mexico": ("US-Mexico border crossing",)}


@dataclass(frozen=True)
class Value:
    """One vintage's value for one figure (None: that vintage does not publish it)."""

    vintage: str
    value: float | None
    state: str = PUBLISHED
    reporting: tuple[int, int] | None = None  # (members with a value, members) of a sum


def _codes(text: object) -> list[int]:
    return [int(c) for c in str(text).split(",")] if isinstance(text, str) and text else []


@dataclass
class Data:
    """Every row the figures need, read once per check (a few queries, then pure lookups)."""

    members: dict[int, tuple[int, ...]] = field(default_factory=dict)
    indicator: dict[tuple[str, str, int, int], float] = field(default_factory=dict)  # series, vintage, area, year
    vintages: dict[str, list[str]] = field(default_factory=dict)  # series -> vintages, oldest first
    years: dict[tuple[str, str], set[int]] = field(default_factory=dict)  # (series, vintage) -> years
    pairs: dict[tuple, dict[tuple[str, str], float]] = field(default_factory=dict)  # (origins, hosts, year) -> ...
    knomad: dict[tuple[int, int, int], float] = field(default_factory=dict)  # edition, origin, destination
    editions: list[int] = field(default_factory=list)
    oecd: dict[tuple[str, str, int, int], float] = field(default_factory=dict)  # flow type, vintage, area, year
    oecd_vintages: dict[str, list[str]] = field(default_factory=dict)
    iom: dict[tuple[str, str, int], float] = field(default_factory=dict)  # region, route, year
    iom_coverage: dict[int, tuple[str, str]] = field(default_factory=dict)  # year -> (coverage, vintage)
    iom_countries: dict[tuple[int, int], float] = field(default_factory=dict)
    idmc: dict[tuple[str, str, int, int], float] = field(default_factory=dict)  # cause, vintage, area, year
    idmc_vintages: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, db: Database, figures: pd.DataFrame) -> Data:
        data = cls()
        mine = figures[figures["metric"].isin(list(SOURCE))]
        if mine.empty:
            return data
        codes = {c for col in ("areas", "minus_areas", "origin_areas") if col in mine for text in mine[col] for c in _codes(text)}
        data.members = _members(db, sorted(codes))
        every = sorted(codes | {m for ms in data.members.values() for m in ms})
        years = sorted({int(y) for col in ("year", "base_year") for y in mine[col] if pd.notna(y)})
        sources = {SOURCE[m] for m in mine["metric"]}
        series = sorted({WORLDBANK[m] for m in mine["metric"] if m in WORLDBANK} |
                        {f"unhcr.{p}.{side}" for m in mine["metric"] if m in UNHCR for p in UNHCR[m]
                         for side in ("origin", "asylum")} | ({"wpp.net_migration"} if "wpp" in sources else set()))
        if series:
            _load_indicator(db, data, series, every, years)
        if "unhcr" in sources:
            _load_pairs(db, data, mine)
        if "knomad" in sources:
            _load_knomad(db, data, every)
        if "oecd" in sources:
            _load_oecd(db, data, every)
        if "iom_missing_migrants" in sources:
            _load_iom(db, data, every)
        if "idmc" in sources:
            _load_idmc(db, data, every)
        return data


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
        f"""SELECT series, revision, area_code, year, value FROM indicator_vintages
            WHERE variant = 'estimate' AND series IN ({placeholders(series)}) AND area_code IN ({placeholders(codes)})
            AND year IN ({placeholders(years)})""",  # noqa: S608 - only placeholders are interpolated
        [*series, *codes, *years])
    data.indicator = {(s, v, int(a), int(y)): float(x) for s, v, a, y, x in frame.itertuples(index=False)}
    for s, v in db.rows(
            f"""SELECT DISTINCT series, revision FROM indicator_vintages WHERE variant = 'estimate'
                AND series IN ({placeholders(series)}) ORDER BY series, revision""", series):  # noqa: S608
        data.vintages.setdefault(s, []).append(v)
    for s, v, years in db.rows(
            f"""SELECT series, revision, list(DISTINCT year) FROM indicator_vintages WHERE variant = 'estimate'
                AND series IN ({placeholders(series)}) GROUP BY series, revision""", series):  # noqa: S608
        data.years[s, v] = {int(y) for y in years}


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
        f"""SELECT flow_type, vintage, destination_code, year, sum(persons) FROM migration_flow
            WHERE destination_code IN ({placeholders(codes)}) AND (flow_type <> 'foreign_inflow_national' OR category = 'total')
            GROUP BY ALL""", codes)  # noqa: S608
    data.oecd = {(f, v, int(a), int(y)): float(p) for f, v, a, y, p in frame.itertuples(index=False)}
    for flow, vintage in db.rows("SELECT DISTINCT flow_type, vintage FROM migration_flow ORDER BY vintage"):
        data.oecd_vintages.setdefault(flow, []).append(vintage)


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
        f"""SELECT cause, vintage, area_code, year, persons FROM internal_displacement
            WHERE measure = 'new_displacements' AND area_code IN ({placeholders(codes)})""", codes)  # noqa: S608
    data.idmc = {(c, v, int(a), int(y)): float(p) for c, v, a, y, p in frame.itertuples(index=False)}
    for cause, vintage, years in db.rows(
            "SELECT cause, vintage, list(DISTINCT year) FROM internal_displacement WHERE measure = 'new_displacements' "
            "GROUP BY ALL ORDER BY vintage"):
        data.idmc_vintages.setdefault(cause, []).append(vintage)
        data.years[f"idmc.{cause}", vintage] = {int(y) for y in years}


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


def _sum(data: Data, lookup, codes: list[int], has_aggregate, zero_is_placeholder: bool) -> tuple[float | None, str, tuple | None]:
    """Sum of `lookup(code)` over the areas: the publisher's aggregate where it has one, else its
    member countries, each of which must report (else the sum is partial: n of m reporting)."""
    total, counted, expected, placeholders_ = 0.0, 0, 0, 0
    for code in codes:
        for member in [code] if has_aggregate(code) else list(data.members.get(code, (code,))):
            expected += 1
            one = lookup(member)
            if one is None:
                continue
            if one == 0 and zero_is_placeholder:
                placeholders_ += 1
                continue
            counted += 1
            total += one
    if counted == expected:
        return total, PUBLISHED, None
    if counted == 0:
        return None, PLACEHOLDER if placeholders_ else NOT_PUBLISHED, None
    return None, PARTIAL, (counted, expected)


def _worldbank(data: Data, figure: pd.Series) -> list[Value]:
    series, metric = WORLDBANK[figure["metric"]], figure["metric"]
    codes, year = _codes(figure["areas"]), int(figure["year"])
    out = []
    for vintage in data.vintages.get(series, []):
        def level(y: int, v: str = vintage) -> tuple[float | None, str, tuple | None]:
            if y not in data.years.get((series, v), set()):
                return None, NOT_PUBLISHED, None
            if metric == "remittances_gdp" and len(codes) != 1:
                return None, NOT_PUBLISHED, None
            # a 0 in money or its share of GDP is "not reported" (readside.reporting.ZERO_IS_NOT_REPORTED)
            return _sum(data, lambda c: data.indicator.get((series, v, c, y)), codes,
                        lambda c: (series, v, c, y) in data.indicator, True)
        value, state, reporting = level(year)
        if state == PUBLISHED and metric == "remittances_change_percent":
            base, base_state, _ = level(int(figure["base_year"]))
            value, state = (100 * (value / base - 1), PUBLISHED) if base_state == PUBLISHED and base else (None, base_state)
        elif state == PUBLISHED and metric != "remittances_change_percent":
            value = value / _scale(figure)
        out.append(Value(vintage, value, state, reporting))
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
        total = 0.0
        for population in populations:
            if hosts and origins:
                key = (tuple(_expand(data, origins)), tuple(_expand(data, hosts)), year)
                total += data.pairs.get(key, {}).get((population, vintage), 0.0)
            else:
                side, codes = ("origin", origins) if origins else ("asylum", hosts)
                series = f"unhcr.{population}.{side}"
                total += sum(data.indicator.get((series, vintage, c, year), 0.0) for c in _expand(data, codes))
        out.append(Value(vintage, total / _scale(figure)))
    return out


def _expand(data: Data, codes: list[int]) -> list[int]:
    return sorted({m for c in codes for m in data.members.get(c, (c,))})


def _wpp(data: Data, figure: pd.Series) -> list[Value]:
    series, codes, year = "wpp.net_migration", _codes(figure["areas"]), int(figure["year"])
    out = []
    for vintage in data.vintages.get(series, []):
        if year not in data.years.get((series, vintage), set()):
            out.append(Value(vintage, None, NOT_PUBLISHED))
            continue
        value, state, reporting = _sum(data, lambda c, v=vintage: data.indicator.get((series, v, c, year)), codes,
                                       lambda c, v=vintage: (series, v, c, year) in data.indicator, False)
        out.append(Value(vintage, value / _scale(figure) if value is not None else None, state, reporting))
    return out


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
    flow = {"permanent": "permanent", "temporary": "temporary", "foreign_population": "foreign_inflow_national"}[figure["detail"]]
    codes, year = _codes(figure["areas"]), int(figure["year"])
    out = []
    for vintage in data.oecd_vintages.get(flow, []):
        value, state, reporting = _sum(data, lambda c, v=vintage: data.oecd.get((flow, v, c, year)), codes,
                                       lambda c, v=vintage: (flow, v, c, year) in data.oecd, False)
        out.append(Value(vintage_label(vintage), value / _scale(figure) if state == PUBLISHED else None, state, reporting))
    return out


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
    cause, codes, year = figure["detail"], _codes(figure["areas"]), int(figure["year"])
    out = []
    for vintage in data.idmc_vintages.get(cause, []):
        if year not in data.years.get((f"idmc.{cause}", vintage), set()):
            out.append(Value(vintage, None, NOT_PUBLISHED))
            continue
        total = sum(data.idmc.get((cause, vintage, c, year), 0.0) for c in _expand(data, codes))
        out.append(Value(vintage, total / _scale(figure)))
    return out


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
