"""The data-availability matrix (issue 13, item 5): the `availability` view against the tables it
summarises, the pure matrix shaping, `migdash availability` in its three formats, the CSV
download and the page's notices. Runs on the session database (upstream files or snapshot)."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
import pytest

from dashboard.app import create_app
from migdash.cli import main
from readside import availability
from readside.availability import BEHIND, BY_SOURCE, CURRENT, GAP, SOURCES
from readside.queries import Database
from readside.text import t
from tests.test_page_layouts import text_of

MEXICO = 484
VIEW_COLUMNS = ["area_code", "source", "series", "first_year", "latest_year", "vintage", "observations"]


def scalar(db_path, sql: str, params: list | None = None):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()[0]


def view_row(db_path, code: int, series: str) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as con:
        frame = con.execute("SELECT * FROM availability WHERE area_code = ? AND series = ?", [code, series]).df()
    assert len(frame) == 1, (code, series, frame)
    return frame.iloc[0].to_dict()


# ---------------------------------------------------------------- the view


def test_view_has_the_documented_columns_and_one_row_per_area_and_series(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        assert [r[0] for r in con.execute("DESCRIBE availability").fetchall()] == VIEW_COLUMNS
        duplicates = con.execute("SELECT count(*) FROM (SELECT area_code, series FROM availability "
                                 "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
    assert duplicates == 0


def test_every_loaded_source_is_in_the_view(built_db):
    with duckdb.connect(str(built_db), read_only=True) as con:
        loaded = {s for (s,) in con.execute("SELECT DISTINCT source FROM provenance").fetchall()}
        listed = {s for (s,) in con.execute("SELECT DISTINCT source FROM availability").fetchall()}
    assert loaded == listed
    assert listed <= set(SOURCES)


def test_mexico_remittances_end_where_the_indicator_ends(built_db):
    row = view_row(built_db, MEXICO, "BX.TRF.PWKR.CD.DT")
    assert row["latest_year"] == scalar(built_db, "SELECT max(year) FROM indicator WHERE area_code = ? AND series = ?",
                                        [MEXICO, "BX.TRF.PWKR.CD.DT"])
    assert row["first_year"] == scalar(built_db, "SELECT min(year) FROM indicator WHERE area_code = ? AND series = ?",
                                       [MEXICO, "BX.TRF.PWKR.CD.DT"])
    assert row["vintage"] == scalar(built_db, "SELECT max(revision) FROM indicator_vintages WHERE series = ?",
                                    ["BX.TRF.PWKR.CD.DT"])
    assert row["observations"] == scalar(built_db, "SELECT count(*) FROM indicator WHERE area_code = ? AND series = ?",
                                         [MEXICO, "BX.TRF.PWKR.CD.DT"])


def test_un_desa_stock_is_counted_in_its_newest_revision(built_db):
    row = view_row(built_db, MEXICO, "undesa_ims.stock.destination")
    newest = scalar(built_db, "SELECT max(revision) FROM stock")
    assert row["vintage"] == str(newest)
    assert row["latest_year"] == scalar(built_db, "SELECT max(year) FROM stock WHERE revision = ?", [newest])
    assert row["observations"] == scalar(
        built_db, "SELECT count(*) FROM stock WHERE revision = ? AND destination_code = ? AND origin_code = 900 "
                  "AND sex = 'total'", [newest, MEXICO])


def test_un_desa_emigrants_count_by_origin_when_the_origin_destination_table_is_loaded(od_db):
    """The generated 2020 origin × destination workbook: Central America (916) as an origin."""
    row = view_row(od_db, 916, "undesa_ims.stock.origin")
    assert row["vintage"] == "2020"
    assert row["observations"] == scalar(od_db, "SELECT count(*) FROM stock WHERE revision = 2020 AND "
                                                "destination_code = 900 AND origin_code = 916 AND sex = 'total'") > 0
    assert view_row(od_db, 916, "undesa_ims.stock.destination")["vintage"] == str(scalar(od_db, "SELECT max(revision) FROM stock"))


def test_wpp_counts_estimates_only(built_db):
    row = view_row(built_db, MEXICO, "wpp.net_migration")
    projections_to = scalar(built_db, "SELECT max(year) FROM net_migration_projection")
    assert projections_to is None or row["latest_year"] < projections_to
    assert row["latest_year"] == scalar(built_db, "SELECT max(year) FROM net_migration WHERE area_code = ? "
                                                  "AND vintage = ?", [MEXICO, row["vintage"]])


def test_a_matrix_counts_an_area_on_the_side_its_series_is_about(built_db):
    edition = scalar(built_db, "SELECT max(edition) FROM bilateral_stock WHERE source = 'knomad'")
    if edition is None:
        pytest.skip("no World Bank/KNOMAD matrix in this build")
    for side, column in (("origin", "origin_code"), ("destination", "destination_code")):
        row = view_row(built_db, MEXICO, f"knomad.stock.{side}")
        assert row["vintage"] == str(edition)
        assert row["observations"] == scalar(
            built_db, f"SELECT count(*) FROM bilateral_stock WHERE source = 'knomad' AND edition = ? AND {column} = ?",  # noqa: S608
            [edition, MEXICO])


def test_idmc_and_iom_rows(built_db):
    vintage = scalar(built_db, "SELECT max(vintage) FROM internal_displacement WHERE cause = 'disaster' "
                               "AND measure = 'new_displacements'")
    if vintage is None:
        pytest.skip("no IDMC data in this build")
    row = view_row(built_db, MEXICO, "idmc.disaster.new_displacements")
    assert (row["vintage"], row["latest_year"]) == (vintage, scalar(
        built_db, "SELECT max(year) FROM internal_displacement WHERE area_code = ? AND cause = 'disaster' "
                  "AND measure = 'new_displacements' AND vintage = ?", [MEXICO, vintage]))
    incidents = scalar(built_db, "SELECT count(DISTINCT incident_id) FROM missing_migrants WHERE country_code = ?",
                       [MEXICO])
    if incidents:
        assert view_row(built_db, MEXICO, "iom_missing_migrants.dead_and_missing.incident_country")[
            "observations"] == incidents


# ---------------------------------------------------------------- the matrix, pure


ROSTER = pd.DataFrame({"area_code": [1, 2, 3], "iso3": ["AAA", "BBB", "CCC"], "name_en": ["A", "B", "C"]})
ROWS = pd.DataFrame({"area_code": [1, 1, 2, 2, 9], "source": ["x", "x", "x", "y", "x"],
                     "latest_year": [2020, 2024, 2019, 2010, 2030]})


def test_shape_matrix_keeps_members_without_data_and_the_latest_year_per_cell():
    matrix = availability.shape_matrix(ROWS, ROSTER, ["x", "y", "z"], "source")
    assert list(matrix["area_code"]) == [1, 2, 3]  # area 9 is no member; area 3 has no data at all
    assert matrix["x"].tolist() == [2024, 2019, pd.NA]
    assert matrix["y"].isna().tolist() == [True, False, True]
    assert matrix["z"].isna().all()


def test_cell_status_marks_gaps_and_years_behind_the_column():
    matrix = availability.shape_matrix(ROWS, ROSTER, ["x", "y", "z"], "source")
    status = availability.cell_status(matrix, ["x", "y", "z"])
    assert status["x"].tolist() == [CURRENT, BEHIND, GAP]
    assert status["y"].tolist() == [GAP, CURRENT, GAP]
    assert status["z"].tolist() == [GAP, GAP, GAP]


@pytest.mark.parametrize("value", [None, "", "nope", "'; DROP TABLE area; --", 5, ["worldbank"]])
def test_parse_columns_refuses_anything_but_a_source(value):
    assert availability.parse_columns(value) == BY_SOURCE
    assert availability.parse_columns("oecd") == "oecd"


# ---------------------------------------------------------------- the matrix, from the database


def test_member_matrix_is_the_35_member_states_by_source(built_db):
    db = Database(built_db)
    matrix = availability.member_matrix(db, "es")
    assert len(matrix) == 35 and matrix["area_code"].is_unique
    assert list(matrix.columns) == ["area_code", "iso3", "name", *SOURCES]
    assert "México" in set(matrix["name"])
    view = availability.availability(db)
    for _, member in matrix.iterrows():
        for source in SOURCES:
            years = view[(view["area_code"] == member["area_code"]) & (view["source"] == source)]["latest_year"]
            expected = years.max() if len(years) else pd.NA
            assert (pd.isna(member[source]) and pd.isna(expected)) or member[source] == expected, (member, source)


def test_member_matrix_by_series_of_one_source(built_db):
    matrix = availability.member_matrix(Database(built_db), "en", "worldbank")
    assert "BX.TRF.PWKR.CD.DT" in matrix.columns
    mexico = matrix.set_index("area_code").loc[MEXICO]
    assert mexico["BX.TRF.PWKR.CD.DT"] == scalar(
        built_db, "SELECT max(year) FROM indicator WHERE area_code = ? AND series = 'BX.TRF.PWKR.CD.DT'", [MEXICO])


def test_every_series_in_the_build_has_a_name_in_every_language(built_db):
    db = Database(built_db)
    for lang in ("en", "es", "fr", "pt"):
        names = availability.series_names(db, lang)
        for series in availability.series_overview(db)["series"]:
            assert availability.series_label(series, lang, names) != series, (lang, series)


# ---------------------------------------------------------------- the command line


def run_cli(capsys, *args: str) -> str:
    assert main(["availability", *args]) == 0
    return capsys.readouterr().out


def test_cli_csv_is_one_row_per_area_and_series(built_db, capsys):
    frame = pd.read_csv(io.StringIO(run_cli(capsys, "--db", str(built_db), "--format", "csv")))
    assert {"area_code", "latest_year", "series", "source", "vintage"} <= set(frame.columns)
    assert len(frame) == scalar(built_db, "SELECT count(*) FROM availability")
    assert not frame.duplicated(["area_code", "series"]).any()
    mexico = frame[(frame["area_code"] == MEXICO) & (frame["series"] == "BX.TRF.PWKR.CD.DT")]
    assert mexico["latest_year"].tolist() == [view_row(built_db, MEXICO, "BX.TRF.PWKR.CD.DT")["latest_year"]]


def test_cli_markdown_and_table(built_db, capsys):
    text = run_cli(capsys, "--db", str(built_db), "--format", "markdown", "--grouping", "oas")
    lines = text.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert header[:3] == ["area_code", "iso3", "area"] and "latest_year" in header
    assert lines[1].startswith("|---|")
    rows = [line.split("|")[1].strip() for line in lines[2:]]
    assert {int(c) for c in rows} == {int(c) for c in availability.members(Database(built_db))["area_code"]}
    table = run_cli(capsys, "--db", str(built_db), "--grouping", "oas")
    assert table.splitlines()[0].split()[:2] == ["area_code", "iso3"] and "latest_year" in table.splitlines()[0]
    assert any(line.split()[:2] == [str(MEXICO), "MEX"] for line in table.splitlines())


def test_cli_refuses_an_unknown_grouping_and_a_missing_database(built_db, tmp_path, capsys):
    assert main(["availability", "--db", str(built_db), "--grouping", "nato"]) == 2
    assert main(["availability", "--db", str(tmp_path / "absent.duckdb")]) == 2
    assert "migdash etl" in capsys.readouterr().err


# ---------------------------------------------------------------- the download and the page


def test_the_csv_download_is_the_matrix_shown(built_db):
    client = create_app(built_db).server.test_client()
    response = client.get("/download/availability.csv?lang=fr&columns=sources")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    frame = pd.read_csv(io.BytesIO(response.data), dtype={"iso3": str})
    assert list(frame.columns) == ["area_code", "iso3", "name", *SOURCES] and len(frame) == 35
    assert "Mexique" in set(frame["name"])
    expected = availability.member_matrix(Database(built_db), "fr")
    assert frame["worldbank"].isna().tolist() == expected["worldbank"].isna().tolist()
    hostile = client.get("/download/availability.csv?columns=%27%3B%20DROP%20TABLE%20area")
    assert hostile.status_code == 200 and hostile.data.splitlines()[0] == response.data.splitlines()[0]


def test_the_page_names_each_source_not_loaded(bare_db):
    app = create_app(bare_db)
    layout = availability_layout()
    missing = {s: t("en", "availability.not_loaded", source=availability.source_label(s, "en")) for s in ("worldbank", "idmc")}
    with app.server.test_request_context("/availability"):
        page = text_of(layout(lang="en"))
    assert missing["worldbank"] in page and missing["idmc"] in page and "migdash etl" not in page
    with app.server.test_request_context("/availability"):
        one = text_of(layout(lang="en", columns="worldbank"))
    assert missing["worldbank"] in one and t("en", "availability.download") not in one


def test_the_page_marks_a_gap_with_text_and_warns_about_a_bad_choice(built_db):
    app = create_app(built_db)
    with app.server.test_request_context("/availability"):
        page = text_of(availability_layout()(lang="pt", columns="bogus"))
    assert t("pt", "availability.bad_columns", value="bogus") in page
    assert "—" in page and t("pt", "availability.gap") in page  # at least one gap, in words too


def availability_layout():
    import dash

    return next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/availability")
