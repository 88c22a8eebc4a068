"""The rules for placeholder and partial data (readside/reporting.py), on the publishers' real files
and on the build, and where the read side applies them (briefs, the Remittances page, groupings,
maps, availability, extracts, the human cost).

Tests that read a raw upstream file skip without ../shared; they read it independently (csv,
python-calamine, the ETL's own reader only where the rule is the ETL's) and never type a figure
in. The others run on the session build, the snapshot when ../shared is absent.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import dash
import duckdb
import numpy as np
import pandas as pd
import pytest
import python_calamine

from dashboard import partial_years
from etl import areas
from etl.build import SNAPSHOT_DIR
from etl.groupings import roster_iso3
from etl.indicators import m49_of_iso3
from etl.snapshot import read_snapshot_table
from etl.sources import iom_missing_migrants as iom
from readside import availability, flows, maps, queries, regional, reporting
from readside.documents import layout, measures, points, subjects, values
from readside.documents.subjects import Subject
from readside.extract import parse_selection
from readside.queries import Database
from readside.text import LANGUAGES, t
from tests.test_sources_worldbank_files import read_csv_independently, read_xls_independently

UPSTREAM = Path(__file__).resolve().parents[2] / "shared/data/upstream"
RECEIVED_2025 = UPSTREAM / "worldbank/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv"
PAID_2023 = UPSTREAM / "worldbank/renamed_2023-05-10/personal-remittances-paid.xls"
IOM = UPSTREAM / "iom_missing_migrants"
IOM_EXPORT = IOM / "Missing_Migrants_Global_Figures_allData.xlsx"
USD, GDP = "current US$", "% of GDP"
VENEZUELA, CANADA, USA, BERMUDA, JAMAICA = 862, 124, 840, 60, 388


def needs(*paths: Path):
    missing = [p for p in paths if not p.exists()]
    return pytest.mark.skipif(bool(missing), reason=f"raw upstream file(s) not found: {missing} (see PROVENANCE.md)")


def frame_of(values: dict[tuple[str, int], float], iso3: set[str] | None = None) -> pd.DataFrame:
    """area_code (M49), year, value of an independent read, for the ISO3 codes asked (or all with a code)."""
    rows = [(m49_of_iso3(code), year, value) for (code, year), value in values.items()
            if (iso3 is None or code in iso3) and m49_of_iso3(code) is not None]
    return pd.DataFrame(rows, columns=["area_code", "year", "value"])


def oas_codes() -> list[int]:
    return sorted(m49_of_iso3(code) for code in roster_iso3("oas"))


@pytest.fixture(scope="module")
def received() -> dict[tuple[str, int], float]:
    if not RECEIVED_2025.is_file():
        pytest.skip(f"{RECEIVED_2025} not found")
    return read_csv_independently(RECEIVED_2025)[2]


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


# ---------------------------------------------------------------- the rules, on small frames


def test_a_zero_in_money_is_a_placeholder_and_a_zero_count_of_people_is_a_figure():
    assert reporting.is_placeholder(0.0, USD) and reporting.is_placeholder(0, GDP)
    assert reporting.is_placeholder(float("nan"), "persons") and reporting.is_placeholder(None, USD)
    assert not reporting.is_placeholder(0, "persons") and not reporting.is_placeholder(1.0, USD)
    flags = reporting.placeholder_flags([0, 5, np.nan, 0], [USD, USD, "persons", "persons"])
    assert flags.tolist() == [True, False, True, False]
    series = pd.DataFrame({"year": [2015, 2016, 2017, 2018, 2019, 2021], "value": [1, 2, 0, 0, 3, 0]})
    assert reporting.placeholder_runs(series, USD) == [(2017, 2018), (2021, 2021)]
    assert reporting.placeholder_runs(series, "persons") == []


def test_gaps_are_blank_years_never_zeros_or_joins():
    series = pd.DataFrame({"area_code": 1, "name": "x", "year": [2000, 2001, 2003, 2004], "value": [5.0, 0.0, 7.0, 8.0]})
    gapped = reporting.with_gaps(series, USD)
    assert gapped["year"].tolist() == [2000, 2001, 2002, 2003, 2004]
    assert gapped["value"].isna().tolist() == [False, True, True, False, False]
    assert set(gapped["name"]) == {"x"}


def test_a_year_is_partial_when_its_reporting_members_weigh_clearly_less_than_usual():
    rows = [(c, y, v) for c, v in ((1, 100.0), (2, 10.0), (3, 1.0)) for y in (2020, 2021, 2022)]
    rows += [(1, 2023, 100.0), (3, 2023, 1.0)]  # member 2 (9% of the sum) has not reported 2023
    rows += [(1, 2024, 100.0), (2, 2024, 10.0)]  # member 3 (under 1%) has not reported 2024
    cover = reporting.coverage(pd.DataFrame(rows, columns=["area_code", "year", "value"])).set_index("year")
    assert bool(cover.loc[2022, "complete"]) and not bool(cover.loc[2023, "complete"])
    assert (cover.loc[2023, "reporting"], cover.loc[2023, "expected"], cover.loc[2023, "missing"]) == (2, 3, (2,))
    assert bool(cover.loc[2024, "complete"])  # a tiny member missing does not make a fall
    assert reporting.latest_complete_year(cover.reset_index()) == 2024


def test_one_ranking_over_real_figures_ties_share_a_rank():
    frame = pd.DataFrame({"area_code": [1, 2, 3, 4, 1, 2, 3, 4], "year": [2022] * 4 + [2023] * 4,
                          "value": [5.0, 5.0, 0.0, 1.0, 6.0, 6.0, 0.0, 2.0]})
    table = reporting.ranking(frame, [1, 2, 3, 4], 2023, unit=USD)
    assert table["area_code"].tolist() == [1, 2, 4] and table["rank"].tolist() == [1, 1, 3]
    assert set(table["of"]) == {3}
    assert reporting.rank_of(frame, 3, "worldbank", [1, 2, 3, 4], unit=USD) is None  # only placeholders
    assert reporting.rank_of(frame, 4, "worldbank", [1, 2, 3, 4], unit=USD) == reporting.Rank(3, 3, 2023)
    assert reporting.rank_of(frame, 4, "worldbank", [1, 2], unit=USD) is None  # not in the set


@pytest.mark.parametrize(("value", "base", "kind", "words", "short"), [
    (150.0, 100.0, reporting.PERCENT, "+50.0% since 2000, from 100", "+50.0 % since 2000"),
    (1940.0, 100.0, reporting.TIMES, "19.4 times the 2000 figure of 100", "19.4 times the 2000 figure"),
    (7_640_872.0, 641.0, reporting.LEVEL, "641 in 2000", "641 in 2000"),  # a base too small to grow from
    (5.0, 0.0, reporting.LEVEL, "0 in 2000", "0 in 2000"),
])
def test_one_way_to_state_a_change_in_sentences_and_tables(value, base, kind, words, short):
    found = reporting.change("percent", value, base, 2000)
    shown = f"{base:,.0f}"
    assert found.kind == kind and found.meaningful == (kind != reporting.LEVEL)
    assert reporting.describe(found, "en", shown) == words
    assert reporting.describe(found, "en", shown, short=True) == short
    for lang in LANGUAGES:  # every language has the words of every kind
        assert reporting.describe(found, lang, shown) and reporting.describe(found, lang, shown, short=True)
    points = reporting.change("points", 25.3, 9.8, 2000)
    assert reporting.describe(points, "en", "9.8%", short=True) == "+15.5 pp since 2000"


# ---------------------------------------------------------------- the rules, on the publishers' files


@needs(RECEIVED_2025)
def test_venezuela_remittances_2017_2023_are_placeholders_never_ranked_nor_a_base(received):
    venezuela = frame_of(received, {"VEN"})
    assert reporting.placeholder_runs(venezuela, USD) == [(2017, 2023)]
    real = reporting.real(venezuela, USD)
    assert real["year"].max() == 2016 and (real["value"] > 0).all()
    members = oas_codes()
    oas = frame_of(received, set(roster_iso3("oas")))
    year = reporting.ranking_year(oas, "worldbank", members, unit=USD)
    ranked = reporting.ranking(oas, members, year, unit=USD)
    assert VENEZUELA not in set(ranked["area_code"]) and (ranked["value"] > 0).all()
    assert reporting.rank_of(oas, VENEZUELA, "worldbank", members, unit=USD) is None


@needs(RECEIVED_2025)
def test_2024_is_partial_for_lac_the_caribbean_south_america_and_the_oas_but_not_central_america(received):
    members = oas_codes()
    oas = reporting.coverage(frame_of(received, set(roster_iso3("oas"))), members, unit=USD).set_index("year")
    assert not oas.loc[2024, "complete"] and oas.loc[2023, "complete"]
    assert oas.loc[2024, "reporting"] == 28  # of the 35: Peru, Haiti, Bolivia, Guyana, Barbados have not reported
    assert {604, 332} <= set(oas.loc[2024, "missing"])
    codes = read_snapshot_table(SNAPSHOT_DIR, "area")  # UN DESA's subregions, as the ETL derived them
    for subregion, complete in ((areas.CARIBBEAN, False), (areas.SOUTH_AMERICA, False), (areas.CENTRAL_AMERICA, True)):
        countries = set(codes.loc[(codes["subregion"] == subregion) & (codes["kind"] == "country"), "code"])
        part = frame_of(received)
        cover = reporting.coverage(part[part["area_code"].isin(countries)], unit=USD).set_index("year")
        assert bool(cover.loc[2024, "complete"]) is complete, subregion
        assert bool(cover.loc[2023, "complete"]), subregion


@needs(PAID_2023)
def test_the_world_banks_north_america_paid_in_2022_is_canada_alone_and_is_partial():
    values = read_xls_independently(PAID_2023)[2]
    assert values[("NAC", 2022)] == values[("CAN", 2022)] and ("USA", 2022) not in values
    north = frame_of(values, {"USA", "CAN", "BMU"})
    cover = reporting.aggregate_coverage(north, [2020, 2021, 2022], "worldbank", unit=USD).set_index("year")
    assert cover.loc[2021, "complete"] and not cover.loc[2022, "complete"]
    assert cover.loc[2022, "share"] < 0.2 and set(cover.loc[2022, "missing"]) == {USA, BERMUDA}


@needs(IOM)
def test_iom_files_cover_no_2024_nor_2025_and_the_darien_is_one_route():
    files = [iom.read_incidents(p) for p in sorted(IOM.iterdir()) if p.suffix in (".xlsx", ".json", ".csv")]
    years = set(iom.coverage_table(files)["year"])
    assert {2023, 2026} <= years and not {2024, 2025} & years
    # the raw export says "Darien Gap" (independent read), the 2022 feed "Darien"
    rows = python_calamine.CalamineWorkbook.from_path(str(IOM_EXPORT)).get_sheet_by_index(0).to_python()
    route = rows[0].index("Migration route")
    assert "Darien Gap" in {r[route] for r in rows[1:]}
    feed = json.loads((IOM / "2022-json.json").read_text(encoding="utf-8"))
    assert "Darien" in {r["migration_route"] for r in feed}
    merged, _ = iom.merge(files)
    darien = merged[merged["route"].isin(["Darien", "Darien Gap"])]
    assert set(darien["route"]) == {"Darien"} and darien["year"].min() <= 2021 and darien["year"].max() >= 2022
    assert not set(iom.route_names()) & set(merged["route"].dropna())  # no older name is left


# ---------------------------------------------------------------- where the read side applies them


def test_venezuelas_remittance_point_is_its_last_real_figure_never_us_0(db):
    for lang in LANGUAGES:
        point = next(p for p in points.talking_points(db, Subject("area", str(VENEZUELA)), lang)
                     if p.key == "remittances")
        assert point.year == 2016 and point.value > 0 and point.rank is None
        assert t(lang, "briefs.not_reported", first=2017, last=2023) in point.sentence
        assert point.change is None or point.change > -100


def test_one_ranking_rule_every_member_of_a_metric_ranked_in_one_year_among_one_count(db):
    frames = measures.member_frames(db)
    seen: dict[str, set[tuple[int, int]]] = {}
    for code in frames.members:
        for point in points.area_points(db, code, "en", frames):
            if point.rank:
                seen.setdefault(point.key, set()).add((point.rank_year or point.year, point.of))
    assert seen and all(len(pairs) == 1 for pairs in seen.values()), seen
    jamaica = {p.key: p for p in points.area_points(db, JAMAICA, "en", frames)}
    hosted_year, hosted_of = next(iter(seen["hosted"]))
    if jamaica["hosted"].year != hosted_year:  # a figure of another year is not ranked among that year's
        assert jamaica["hosted"].rank is None and "rank" not in jamaica["hosted"].sentence


def test_the_key_figures_table_states_each_change_as_its_sentence_does(db):
    for subject in (Subject("area", "484"), Subject("area", str(JAMAICA)), Subject("theme", "overview"),
                    Subject("group", "oas")):
        for lang in ("en", "es"):
            content = layout.brief(db, subject, lang)
            for point, row in zip(content.points, content.table_rows, strict=True):
                if "×" in row[4] or t(lang, "briefs.change_short_times", times="", base="").strip() in row[4]:
                    assert row[4].split()[0] in point.sentence  # "19.4 times" in both
                if row[4].endswith(str(point.base_year)) and "%" in row[4]:
                    assert row[4].split()[0].replace("\u00a0", "") in point.sentence.replace("\u00a0", "")


def test_sums_and_aggregates_rest_on_their_latest_complete_year(db):
    oas = next(p for p in points.group_points(db, "oas", "en") if p.key == "sum_remittances")
    rows = queries.indicator_series(db, values.RECEIVED, subjects.oas_members(db))
    cover = reporting.coverage(rows, subjects.oas_members(db), unit=USD)
    assert oas.year == reporting.latest_complete_year(cover)
    later = reporting.partial_after(cover)
    if not later.empty:  # the newer partial year is named, never summed into the point
        assert t("en", "briefs.partial_year", year=int(later["year"].iloc[-1]),
                 counted=int(later["reporting"].iloc[-1]), total=35) in oas.sentence
    series = regional.regional_series(db, values.RECEIVED)
    lac = series[series["area_code"] == values.LAC]
    point = measures.aggregate_point(db, "lac", measures.METRICS["remittances"], values.LAC, "en")
    assert point.year == int(lac.loc[lac["complete"], "year"].max())


def test_the_remittances_page_never_compares_a_partial_year(db, built_db):
    from dashboard.app import create_app

    app = create_app(built_db)
    page = sys.modules[next(p for p in dash.page_registry.values() if p["path"] == "/remittances")["module"]]
    series = regional.regional_series(db, values.RECEIVED)
    partial = series[~series["complete"]]
    with app.server.test_request_context("/remittances"):
        trend, _, growth, _, note = page.update_regional(None, "en")
        headline = page.headline(db, "en")
    lac = series[(series["area_code"] == values.LAC) & series["complete"]]
    assert f"in {int(lac['year'].max())}," in headline
    grown = {(tr.name, int(x)) for tr in growth.data for x in tr.x}
    names = dict(zip(series["area_code"], series["name_en"], strict=True))
    for row in partial.itertuples():
        assert (names[row.area_code], row.year) not in grown and (names[row.area_code], row.year + 1) not in grown
    solid = {(tr.name, int(x)) for tr in trend.data if tr.legendgroup != partial_years.PARTIAL_GROUP and tr.y is not None
             for x, y in zip(tr.x, tr.y, strict=True) if y is not None and not math.isnan(y)}
    assert not {(names[r.area_code], r.year) for r in partial.itertuples()} & solid
    recent = partial[partial["year"] >= series["year"].max() - 5]
    if not recent.empty:
        assert any(tr.line.dash == "dot" for tr in trend.data) and note


def test_maps_availability_and_rankings_skip_placeholders(db):
    vintage = maps.editions(db, "remittances")[0]
    for year in maps.years(db, "remittances", vintage):
        shown = maps.values(db, "remittances", vintage, year)
        assert (shown["value"] != 0).all(), year
    ranking = queries.indicator_ranking(db, values.RECEIVED, 2020, (915, 916, 931, 905), limit=100)
    assert VENEZUELA not in set(ranking["area_code"]) and (ranking["value"] > 0).all()
    rows = availability.availability(db, [VENEZUELA]).set_index("series")
    real = reporting.real(queries.indicator_series(db, values.RECEIVED, [VENEZUELA]), USD)
    assert rows.loc[values.RECEIVED, "latest_year"] == real["year"].max()


def test_the_extract_keeps_the_publishers_0_and_flags_it(db):
    selection = parse_selection({"dataset": "remittances", "areas": str(VENEZUELA), "series": values.RECEIVED}, db)
    extract = pd.concat(list(queries.extract_chunks(db, selection)), ignore_index=True)
    assert reporting.NOT_REPORTED in queries.extract_columns("remittances")
    zeros = extract[extract["value"] == 0]
    assert not zeros.empty and zeros[reporting.NOT_REPORTED].all()
    assert not extract.loc[extract["value"] > 0, reporting.NOT_REPORTED].any()


def test_years_no_iom_file_covers_are_gaps_and_the_darien_one_route(db):
    by_year = flows.dead_and_missing_by_year(db).set_index("year")
    covered = set(flows.coverage(db)["year"])
    for year in range(min(covered), max(covered) + 1):
        if year not in covered:
            assert by_year.loc[year, "coverage"] == flows.NOT_COVERED and pd.isna(by_year.loc[year, "dead_and_missing"])
    routes = {r for (r,) in db.rows("SELECT DISTINCT route FROM missing_migrants WHERE route IS NOT NULL")}
    assert not routes & set(iom.route_names())
    assert "Darien" in routes


def test_kosovo_is_kept_under_its_documented_code(db):
    code = areas.residual_code("XKX")
    assert db.rows("SELECT kind, name_en FROM area WHERE code = ?", [code]) == [("residual", "Kosovo (World Bank/KNOMAD)")]
    assert db.rows("SELECT count(*) FROM bilateral_stock WHERE origin_code = ? OR destination_code = ?",
                   [code, code])[0][0] > 0


def test_the_country_card_and_chart_count_the_same_people(db, built_db):
    from dashboard.app import create_app

    app = create_app(built_db)
    page = sys.modules[next(p for p in dash.page_registry.values() if p["path"] == "/country")["module"]]
    card = next(p for p in points.talking_points(db, Subject("area", str(VENEZUELA)), "en") if p.key == "displaced_abroad")
    with app.server.test_request_context("/country"):
        figure, _ = page._refugee_panel(db, VENEZUELA, "Venezuela", "en")
    origin = next(tr for tr in figure.data if tr.name.startswith("From"))
    drawn = dict(zip(map(int, origin.x), origin.y, strict=True))
    assert drawn[card.year] == card.value


def test_placeholder_sql_and_python_agree(db):
    flagged = db.frame(f"SELECT value, unit, NOT {reporting.real_value_sql('i')} AS flag FROM indicator i")  # noqa: S608
    assert (flagged["flag"].to_numpy() == reporting.placeholder_flags(flagged["value"], flagged["unit"])).all()
    with duckdb.connect() as con:  # the Arrow flag of the extracts, too
        table = con.sql("SELECT * FROM (VALUES (0.0, 'current US$'), (0.0, 'persons'), (3.0, '% of GDP')) v(value, unit)")
        batch = table.to_arrow_table()
        assert reporting.not_reported_array(batch["value"], batch["unit"]).to_pylist() == [True, False, False]
