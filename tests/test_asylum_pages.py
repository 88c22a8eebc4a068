"""The asylum, new-displacement and solutions sections of the Refugees page, the country
profile's asylum panel, their extracts, availability and talking points, as plain functions
against the session database (the publisher's files, or the bundled snapshot without them):
every figure equals the database, persons and cases stay apart, every chart has data, and a
selection without data gives one notice in the reader's language instead of a chart."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
from dash import html

from dashboard import asylum_panel, asylum_sections
from dashboard.app import create_app
from dashboard.components import database
from etl.build import SNAPSHOT_DIR, UNHCR_PACKAGE_TABLES
from etl.snapshot import read_snapshot_table
from readside import asylum, availability, extract, extract_queries
from readside.documents.points import talking_points
from readside.documents.subjects import Subject
from readside.queries import Database
from readside.text import LANGUAGES, decimal, t
from tests.db_copies import copy_without
from tests.test_flows_pages import assert_drawn, rows, table_rows
from tests.test_flows_pages import graphs as graphs_of
from tests.test_page_layouts import layouts
from tests.test_page_layouts import text_of as text_in

US, COLOMBIA, MEXICO, SPAIN, VENEZUELA = 840, 170, 484, 724, 862


@pytest.fixture(scope="module")
def app(built_db):
    return create_app(built_db)


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


@pytest.fixture(scope="module")
def vintage(db) -> str:
    return asylum.vintages(db)[0]


@pytest.fixture(scope="module")
def empty_db(built_db, tmp_path_factory) -> str:
    """A copy of the session database without UNHCR's package tables."""
    return str(copy_without(built_db, tmp_path_factory.mktemp("asylum-empty") / "empty.duckdb", UNHCR_PACKAGE_TABLES))


def text_of(parts) -> str:
    """Text of a component, or of a list of them (what section and panel builders return)."""
    return text_in(html.Div(parts) if isinstance(parts, list) else parts)


def graphs(parts) -> list:
    return graphs_of(html.Div(parts) if isinstance(parts, list) else parts)


def sql_by_basis(built_db, sql: str, params=()) -> dict[str, int]:
    return {basis: int(value) for basis, value in rows(built_db, sql, params)}


def test_refugees_page_shows_the_three_sections_in_every_language(app):
    for lang in LANGUAGES:
        with app.server.test_request_context("/refugees"):
            text = text_of(layouts()["/refugees"](lang=lang))
        for key in ("asylum.title", "asylum.flows_title", "asylum.solutions_title", "asylum.rules"):
            assert t(lang, key) in text, (lang, key)


def test_trend_keeps_persons_and_cases_apart_and_equals_the_database(app, built_db):
    """Venezuelans' claims in the Americas: one line per measure and basis, the table per basis."""
    with app.server.test_request_context("/refugees"):
        trend_box, rate_box, _ = asylum_sections.update_asylum_trend(VENEZUELA, "any", "en")
    (trend,) = [g.figure for g in graphs(trend_box) if g.id == "asy-trend"]
    names = {trace.name for trace in trend.data}
    assert {"Applications lodged (persons)", "Applications lodged (cases)", "Decisions taken (persons)"} <= names
    expected = sql_by_basis(built_db, """SELECT basis, sum(applied) FROM asylum_application a JOIN area h
        ON h.code = a.asylum_code AND h.kind = 'country' AND h.region IN (904, 905)
        WHERE origin_code = ? AND year = 2024 GROUP BY basis""", [VENEZUELA])
    persons = next(tr for tr in trend.data if tr.name == "Applications lodged (persons)")
    assert dict(zip(persons.x, persons.y, strict=True))[2024] == expected["persons"]
    table = next(c for c in trend_box[1].children[1].children if c is not None)
    by_year = {(r[0], r[1]): r[2] for r in table_rows(table)}
    assert by_year[("2024", "persons")] == decimal(expected["persons"], "en", 0)
    for graph in graphs(trend_box) + graphs(rate_box):
        assert_drawn(graph.figure)


def test_a_host_counting_cases_is_labelled_and_never_ranked_with_persons(app, built_db, vintage):
    year = max(y for (y,) in rows(built_db, "SELECT year FROM asylum_application WHERE asylum_code = ? "
                                            "AND basis = 'cases'", [US]))
    with app.server.test_request_context("/refugees"):
        hosts_box, origins_box, note = asylum_sections.update_asylum_rankings("any", "any", year, "en")
    (bars,) = [g.figure for g in graphs(hosts_box)]
    persons = sql_by_basis(built_db, "SELECT basis, sum(applied) FROM asylum_application WHERE asylum_code = ? "
                                     "AND year = ? GROUP BY basis", [US, year])
    ranked = dict(zip(bars.data[0].y, bars.data[0].x, strict=True))
    assert ranked["United States of America"] == persons["persons"]  # its cases are not in the bar
    text = text_of(note[0])
    assert "United States of America" in text and decimal(persons["cases"], "en", 0) in text
    assert t("en", "asylum.cases_note", year=year, hosts="").split(":")[0] in text


def test_country_panel_for_a_host_that_counts_cases(app, built_db, vintage):
    """Every country profile gets the panel; the United States' cases are labelled, apart."""
    for lang in LANGUAGES:
        with app.server.test_request_context("/country"):
            panel = asylum_panel.country_panel(database(), US, "USA", lang)
        text = text_of(panel)
        assert t(lang, "asylum.country_title", name="USA") in text
        assert t(lang, "asylum.basis.cases") in text and t(lang, "asylum.basis.persons") in text
        for graph in graphs(panel):
            assert_drawn(graph.figure)
    latest = max(y for (y,) in rows(built_db, "SELECT year FROM asylum_application WHERE asylum_code = ?", [US]))
    applied = sql_by_basis(built_db, "SELECT basis, sum(applied) FROM asylum_application WHERE asylum_code = ? "
                                     "AND year = ? GROUP BY basis", [US, latest])
    with app.server.test_request_context("/country"):
        panel = asylum_panel.country_panel(database(), US, "USA", "en")
    figures_line = text_of(next(c for c in panel if getattr(c, "id", None) == "country-asylum-figures"))
    for basis, value in applied.items():
        assert f"{latest}, in {basis}: {decimal(value, 'en', 0)} applications lodged" in figures_line


def test_country_outside_the_americas_shows_only_applicants_from_the_americas(app, built_db, vintage):
    with app.server.test_request_context("/country"):
        panel = asylum_panel.country_panel(database(), SPAIN, "Spain", "en")
    assert t("en", "asylum.country_intro_outside", name="Spain") in text_of(panel)
    latest = int(asylum.country_years(Database(built_db), vintage, SPAIN)["year"].max())
    expected = sql_by_basis(built_db, """SELECT basis, sum(applied) FROM asylum_application a JOIN area o
        ON o.code = a.origin_code AND o.kind = 'country' AND o.region IN (904, 905)
        WHERE asylum_code = ? AND year = ? GROUP BY basis""", [SPAIN, latest])
    figures_line = text_of(next(c for c in panel if getattr(c, "id", None) == "country-asylum-figures"))
    assert f"{decimal(expected['persons'], 'en', 0)} applications lodged" in figures_line


def test_no_data_gives_one_notice_and_no_chart(app, built_db, empty_db):
    quiet = next(code for (code,) in rows(built_db, """SELECT code FROM area WHERE kind = 'country'
        AND region IN (904, 905) AND code NOT IN (SELECT asylum_code FROM asylum_application) ORDER BY code"""))
    with app.server.test_request_context("/country"):
        panel = asylum_panel.country_panel(database(), quiet, "X", "es")
    assert not graphs(panel) and t("es", "asylum.country_none", name="X") in text_of(panel)
    empty = create_app(empty_db)
    with empty.server.test_request_context("/refugees"):
        sections = asylum_sections.sections(database(), "fr", {})
        panel = asylum_panel.country_panel(database(), US, "USA", "fr")
    text = text_of(sections)
    for key in ("asylum.not_loaded", "asylum.flows_not_loaded", "asylum.solutions_not_loaded"):
        assert t("fr", key) in text
    assert not graphs(sections) and not graphs(panel) and t("fr", "asylum.not_loaded") in text_of(panel)


def test_flow_sankey_table_and_trend_equal_the_database(app, built_db, vintage):
    year = max(asylum.flow_years(Database(built_db), asylum.vintages(Database(built_db), "displacement_flow")[0]))
    with app.server.test_request_context("/refugees"):
        sankey_box = asylum_sections.update_flow_sankey(year, "es")
        trend_box = asylum_sections.update_flow_trend(None, "es")
    (sankey,) = [g.figure for g in graphs(sankey_box)]
    (into,) = rows(built_db, """SELECT sum(persons) FROM displacement_flow f JOIN area h ON h.code = f.asylum_code
        AND h.kind = 'country' AND h.region IN (904, 905) WHERE year = ?""", [year])
    labels = sankey.data[0].node.label
    rest = t("es", "asylum.rest_of_world")
    drawn_into = sum(v for target, v in zip(sankey.data[0].link.target, sankey.data[0].link.value, strict=True)
                     if labels[target] != rest)
    assert drawn_into == into[0]
    assert_drawn(sankey)
    (trend,) = [g.figure for g in graphs(trend_box)]
    subregions = {name for (name,) in rows(built_db, "SELECT name_es FROM area WHERE code IN (905, 915, 916, 931)")}
    assert {tr.name for tr in trend.data} <= subregions  # the M49 terms: 'América septentrional'


def test_solutions_for_every_choice(app):
    for solution in asylum.SOLUTIONS:
        with app.server.test_request_context("/refugees"):
            box = asylum_sections.update_solutions(solution, "pt")
        (graph,) = graphs(box)
        assert_drawn(graph.figure)
        assert t("pt", f"asylum.solution_title.{solution}", since=2000) in graph.figure.layout.title.text


def test_extracts_carry_their_own_file_and_each_row_its_unit(db):
    for dataset in UNHCR_PACKAGE_TABLES:
        revision = extract_queries.extract_revisions(db)[dataset][-1]
        year = extract_queries.extract_years(db, dataset, revision)[-1]
        selection = extract.parse_selection({"dataset": dataset, "revision": revision, "areas": f"{US},{COLOMBIA}",
                                             "years": str(year)}, db)
        frame = pd.read_csv(io.BytesIO(b"".join(extract.csv_chunks(db, selection))))
        assert len(frame) and set(frame["asylum_code"]) <= {US, COLOMBIA}
        if dataset.startswith("asylum_"):
            assert (frame["unit"] == frame["basis"]).all() and set(frame["unit"]) <= {"persons", "cases"}
        archive = zipfile.ZipFile(io.BytesIO(b"".join(extract.zip_chunks(db, selection))))
        package = json.loads(archive.read("datapackage.json"))
        dataset_name = {"asylum_application": "asylum_applications", "asylum_decision": "asylum_decisions",
                        "displacement_flow": "flows", "durable_solution": "solutions",
                        "refugee_demographics": "demographics"}[dataset]
        assert [s["file"] for s in package["sources"]] == [f"unhcr_refugees_{dataset_name}_{frame['vintage'][0]}"]
        assert set(frame["citation"]) == {package["sources"][0]["title"]} and set(frame["source"]) == {"unhcr"}


def test_availability_counts_the_new_series(db):
    series = set(availability.column_keys(db, "unhcr"))
    assert {"unhcr.asylum_applications.asylum", "unhcr.asylum_decisions.asylum", "unhcr.flows.asylum",
            "unhcr.resettlement.asylum"} <= series
    matrix = availability.member_matrix(db, "es", "unhcr").set_index("area_code")
    assert matrix.loc[MEXICO, "unhcr.asylum_decisions.asylum"] == max(
        y for (y,) in db.rows("SELECT year FROM asylum_decision WHERE asylum_code = ?", [MEXICO]))
    for code in series:
        assert availability.series_label(code, "fr", availability.series_names(db, "fr")) != code


def test_special_situations_and_data_briefs_use_the_asylum_figures(db, built_db):
    points = {p.key: p for p in talking_points(db, Subject("theme", "special-situations"), "en")}
    point = points["asylum_venezuela"]
    (expected,) = rows(built_db, """SELECT sum(applied) FROM asylum_application a JOIN area h ON h.code = a.asylum_code
        AND h.kind = 'country' AND h.region IN (904, 905) WHERE origin_code = ? AND basis = 'persons' AND year = ?""",
                       [VENEZUELA, point.year])
    assert point.value == expected[0] and "dataset `asylum_applications`" in point.citation
    assert "asylum_flows" in points
    data = {p.key: p for p in talking_points(db, Subject("theme", "data-and-statistics"), "es")}
    assert "Estados Unidos" in data["asylum_reporting"].sentence


def test_snapshot_holds_the_americas_rows_of_the_new_tables():
    americas = set(read_snapshot_table(SNAPSHOT_DIR, "area").query("kind == 'country' and region in (904, 905)")["code"])
    manifest = json.loads((SNAPSHOT_DIR / "manifest.json").read_text())
    for table in UNHCR_PACKAGE_TABLES:
        frame = read_snapshot_table(SNAPSHOT_DIR, table)
        assert len(frame) == manifest["files"][f"{table}.parquet"]["rows"] > 0, table
        assert (frame["origin_code"].isin(americas) | frame["asylum_code"].isin(americas)).all(), table


def test_no_english_left_on_the_pages_in_other_languages(app):
    """The sections' own strings in es/fr/pt differ from the English ones (names aside)."""
    with app.server.test_request_context("/refugees"):
        english = text_of(asylum_sections.sections(database(), "en", {}))
        for lang in ("es", "fr", "pt"):
            other = text_of(asylum_sections.sections(database(), lang, {}))
            for sentence in (t("en", "asylum.intro"), t("en", "asylum.rules"), t("en", "asylum.flows_intro")):
                assert sentence in english and sentence not in other, lang
