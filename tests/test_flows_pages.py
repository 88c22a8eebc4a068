"""Corridors, country partners and the source comparison as plain functions, against the
session database built from the publishers' files: every figure and table equals the
database, every chart has data, and an empty table gives one notice naming its command."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import dash
import duckdb
import pytest
from dash import dcc, html

from dashboard.app import create_app
from dashboard.components import table_markup
from readside.text import decimal, t
from tests.db_copies import copy_without
from tests.test_page_layouts import text_of


def page(name: str):
    """The page module Dash loaded (its callbacks are plain functions)."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == f"/{name}")
    return sys.modules[entry["module"]]


def rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


class _BodyCells(HTMLParser):
    """The <tbody> cells of a table's markup, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._in_body |= tag == "tbody"
        if self._in_body and tag == "tr":
            self.rows.append([])
        if self._in_body and tag == "td":
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_cell &= tag != "td"

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def table_id(component) -> str | None:
    """The id of a data_table: the component's, or that of the <table> in a text-only table's markup."""
    if (markup := table_markup(component)) is not None:
        found = re.match(r'<table id="([^"]*)"', markup)
        return found.group(1) if found else None
    return getattr(component, "id", None)


def table_rows(table: html.Table | html.Div) -> list[list[str]]:
    """The body cells of a data_table (components, or the markup of a text-only table), as text."""
    if (markup := table_markup(table)) is not None:
        parser = _BodyCells()
        parser.feed(markup)
        return parser.rows
    _, body = table.children
    return [[text_of(cell) for cell in row.children] for row in body.children]


def graphs(component) -> list:
    """Every dcc.Graph in a component tree."""
    if isinstance(component, dcc.Graph):
        return [component]
    children = getattr(component, "children", None)
    items = children if isinstance(children, list | tuple) else [children] if children is not None else []
    return [g for child in items for g in graphs(child)]


def assert_drawn(figure) -> None:
    """A chart with data: at least one trace holding values (an empty frame has no trace)."""
    assert figure.data, figure.layout.title.text
    trace = figure.data[0]
    values = trace.link.value if trace.type == "sankey" else trace.y if trace.y is not None else trace.z
    assert len(values) > 0


@pytest.fixture(scope="module")
def app(built_db):
    return create_app(built_db)


@pytest.fixture(scope="module")
def editions(built_db) -> list[int]:
    found = [e for (e,) in rows(built_db, "SELECT DISTINCT edition FROM bilateral_stock ORDER BY edition DESC")]
    if not found:
        pytest.skip("the session database holds no World Bank/KNOMAD matrix (built without ../shared)")
    return found


@pytest.fixture(scope="module")
def empty_db(built_db, tmp_path_factory) -> str:
    """A copy of the session database whose matrices, UNHCR pairs and WPP series are emptied."""
    path = copy_without(built_db, tmp_path_factory.mktemp("flows-empty") / "empty.duckdb",
                        ("bilateral_stock", "bilateral_check", "displacement"))
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM core.indicator WHERE source = 'wpp'")
    return str(path)


# ---- corridors: who lives where ----


def test_knomad_top_corridor_equals_the_matrix_cell_and_its_change(app, built_db, editions):
    newest = editions[0]
    with app.server.test_request_context("/corridors"):
        out = page("corridors").update_corridors(f"knomad-{newest}", None, "total", "en")
    top = table_rows(out[6])
    mexico = next(r for r in top if r[:2] == ["Mexico", "United States of America"])
    (value,), = rows(built_db, "SELECT migrants FROM bilateral_stock WHERE source = 'knomad' AND edition = ? "
                               "AND origin_code = 484 AND destination_code = 840", [newest])
    assert mexico[2] == decimal(value, "en", 0) and top[0] == mexico
    if len(editions) > 1:
        (base,), = rows(built_db, "SELECT migrants FROM bilateral_stock WHERE source = 'knomad' AND edition = ? "
                                  "AND origin_code = 484 AND destination_code = 840", [editions[1]])
        assert mexico[3] == ("+" if value > base else "") + decimal(value - base, "en", 0)
    assert len(top) == page("corridors").TOP_N
    assert ["Venezuela (Bolivarian Republic of)", "Colombia"] in [r[:2] for r in top]
    assert "World Bank/KNOMAD" in out[4] and str(newest) in out[4]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_knomad_sankey_adds_up_to_every_pair_touching_the_americas(app, built_db, editions, lang):
    with app.server.test_request_context("/corridors"):
        sankey, _, heat, _, *_ = page("corridors").update_corridors(f"knomad-{editions[0]}", None, "total", lang)
    (expected,), = rows(built_db, """
        SELECT sum(b.migrants) FROM bilateral_stock b
        JOIN area o ON o.code = b.origin_code JOIN area d ON d.code = b.destination_code
        WHERE b.source = 'knomad' AND b.edition = ?  -- drawn: either end in the Americas (904, 905)
          AND (coalesce(o.region, 0) IN (904, 905) OR coalesce(d.region, 0) IN (904, 905))""", [editions[0]])
    assert sum(sankey.data[0].link.value) == expected
    assert sorted(sankey.data[0].node.label[:5]) == sorted(heat.data[0].y)
    assert f"{editions[0]}" in sankey.layout.title.text and "KNOMAD" in sankey.layout.title.text
    source = sankey.layout.annotations[-1].text
    assert "CC BY 4.0" in source and "KNOMAD" in source and ("UN DESA" in source or "DAES" in source)


def test_every_corridors_chart_has_data(app, built_db, editions):
    corridors = page("corridors")
    with app.server.test_request_context("/corridors"):
        for edition in editions:
            out = corridors.update_corridors(f"knomad-{edition}", None, "total", "es")
            assert_drawn(out[0]) and assert_drawn(out[2])
        net, _ = corridors.update_net_migration(None, "en")
        assert_drawn(net)
        layout = corridors.layout(lang="en")
    if rows(built_db, "SELECT count(*) FROM displacement")[0][0]:
        with app.server.test_request_context("/corridors"):
            disp, _ = corridors.update_displacement(None, None, "en")
        assert_drawn(disp)
    assert {g.id for g in graphs(layout)} >= {"corr-sankey", "corr-matrix", "corr-net"}


def test_without_un_desa_origin_table_the_default_is_the_newest_knomad_with_a_notice(app, built_db, editions):
    with app.server.test_request_context("/corridors"):
        layout = page("corridors").layout(lang="en", revision="2024")
    source = next(c for c in _walk(layout) if getattr(c, "id", None) == "corr-source")
    if not rows(built_db, "SELECT count(*) FROM stock WHERE revision = 2024 AND origin_code <> 900")[0][0]:
        assert source.value == f"knomad-{editions[0]}"
        notice = text_of(next(c for c in _walk(layout) if getattr(c, "id", None) == "corr-notice"))
        assert "2024" in notice and t("en", "notice.sources_link") in notice and "migdash etl" not in notice


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children] if children is not None else []:
        yield from _walk(child)


# ---- corridors: net migration and displacement ----


def test_net_migration_lines_are_the_wpp_estimates_never_projections(app, built_db):
    newest = rows(built_db, "SELECT max(revision) FROM indicator_vintages WHERE series = 'wpp.net_migration' "
                            "AND variant = 'estimate'")[0][0]
    if newest is None:
        pytest.skip("no WPP in the session database")
    with app.server.test_request_context("/corridors"):
        figure, table = page("corridors").update_net_migration(newest, "en")
    assert [tr.name for tr in figure.data] == ["Caribbean", "Central America", "South America", "Northern America"]
    central = dict(zip(map(int, figure.data[1].x), figure.data[1].y, strict=True))
    expected = dict(rows(built_db, "SELECT year, value FROM indicator_vintages WHERE series = 'wpp.net_migration' "
                                   "AND variant = 'estimate' AND revision = ? AND area_code = 916", [newest]))
    assert central == expected
    assert newest in figure.layout.title.text and "immigrants − emigrants" in figure.layout.annotations[-1].text
    assert len(table_rows(table)) == len(expected)


def test_displacement_sankey_sums_the_three_protected_populations(app, built_db):
    found = rows(built_db, "SELECT max(vintage) FROM displacement")[0][0]
    if found is None:
        pytest.skip("UNHCR's origin table is empty in the session database")
    with app.server.test_request_context("/corridors"):
        years, year = page("corridors").update_displacement_years(found, None)
        figure, _ = page("corridors").update_displacement(found, year, "en")
    (expected,), = rows(built_db, """
        SELECT sum(x.persons) FROM displacement x
        JOIN area o ON o.code = x.origin_code JOIN area d ON d.code = x.asylum_code
        WHERE x.vintage = ? AND x.year = ? AND x.population IN ('refugees', 'asylum_seekers', 'oip')
          AND (coalesce(o.region, 0) IN (904, 905) OR coalesce(d.region, 0) IN (904, 905))""", [found, year])
    assert sum(figure.data[0].link.value) == expected and year == years[-1]
    assert found in figure.layout.title.text and str(year) in figure.layout.title.text
    assert "never add" in figure.layout.annotations[-1].text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_empty_table_gives_one_notice_in_words_and_no_chart(empty_db, lang):
    app = create_app(empty_db)
    with app.server.test_request_context("/corridors"):
        layout = page("corridors").layout(lang=lang)
    text = text_of(layout)
    has_od = rows(empty_db, "SELECT count(*) FROM stock WHERE origin_code <> 900")[0][0]
    for key in (["flows.no_displacement", "flows.no_net"] + ([] if has_od else ["flows.no_stock_data"])):
        assert text.count(t(lang, key)) == 1, key
    assert "migdash etl" not in text
    assert graphs(layout) == [] or has_od
    with app.server.test_request_context("/country"):
        partners = page("country").update_partners(484, None, "total", lang)
        comparison = page("country").update_comparison(484, lang)
    if not has_od:
        assert partners[-1] is True and t(lang, "flows.no_partners") in text_of(partners[-2])
    assert t(lang, "flows.no_knomad") in text_of(html.Div(comparison))
    with app.server.test_request_context("/sources"):
        layout = page("sources").layout(lang=lang)
    sources = text_of(layout)  # the commands live here, folded for whoever runs the dashboard
    assert sources.count(t(lang, "flows.no_knomad")) == 1 and "migdash etl --mirror knomad=DIR_OR_URL" in sources
    assert not {"sources-comparison", "sources-checks"} & {getattr(c, "id", None) for c in _walk(layout)}


# ---- country profile ----


def test_country_partners_come_from_knomad_when_un_desa_has_no_origin_table(app, built_db, editions):
    if rows(built_db, "SELECT count(*) FROM stock WHERE origin_code <> 900")[0][0]:
        pytest.skip("UN DESA's origin table is loaded: the profile uses it")
    with app.server.test_request_context("/country"):
        origins, _, destinations, table, using, hidden = page("country").update_partners(484, None, "total", "en")
    first = table_rows(table)[0]
    (value,), = rows(built_db, "SELECT migrants FROM bilateral_stock WHERE source = 'knomad' AND edition = ? "
                               "AND origin_code = 484 AND destination_code = 840", [editions[0]])
    assert first == ["United States of America", f"{value:,}"] and not hidden
    assert destinations.data[0].y[-1] == "United States of America"  # largest on top
    assert all("World Bank/KNOMAD" in f.layout.title.text for f in (origins, destinations))
    assert "World Bank/KNOMAD" in text_of(using)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_source_comparison_puts_each_total_beside_the_other(app, built_db, editions, lang):
    with app.server.test_request_context("/country"):
        panel = html.Div(page("country").update_comparison(484, lang))
    (knomad,), = rows(built_db, "SELECT sum(migrants) FROM bilateral_stock WHERE source = 'knomad' AND edition = ? "
                                "AND destination_code = 484", [editions[0]])
    revision, year, undesa = rows(built_db, """
        SELECT revision, year, migrants FROM stock WHERE origin_code = 900 AND destination_code = 484 AND sex = 'total'
          AND revision = (SELECT max(revision) FROM stock) ORDER BY abs(year - ?), year DESC LIMIT 1""",
                                  [rows(built_db, "SELECT max(year) FROM bilateral_stock WHERE edition = ?",
                                        [editions[0]])[0][0]])[0]
    text = text_of(panel)
    assert decimal(knomad, lang, 0) in text and decimal(undesa, lang, 0) in text
    assert str(revision) in text and f"({year})" in text
    assert decimal(knomad + undesa, lang, 0) not in text  # never a sum across sources
    assert len(next(c for c in _walk(panel) if getattr(c, "id", None) == "country-comparison-lines").children) == 3


# ---- sources page ----


def test_sources_page_compares_knomad_and_un_desa_for_oas_members_and_lists_world_checks(app, built_db, editions):
    with app.server.test_request_context("/sources"):
        layout = page("sources").layout(lang="en")
    table = next(c for c in _walk(layout) if table_id(c) == "sources-comparison")
    body = table_rows(table)
    members = {n for (n,) in rows(built_db, "SELECT name_en FROM area WHERE oas_member AND kind = 'country'")}
    assert {r[0] for r in body} <= members and len(body) >= 30
    mexico = next(r for r in body if r[0] == "Mexico")
    (knomad,), = rows(built_db, "SELECT sum(migrants) FROM bilateral_stock WHERE edition = ? AND destination_code = 484",
                      [editions[0]])
    assert mexico[2] == decimal(knomad, "en", 0)
    text = text_of(layout)
    totals = rows(built_db, "SELECT count(*) FROM bilateral_check WHERE \"check\" <> 'missing_marker'")[0][0]
    assert ("Every World total equals the sum of its parts" in text) == (totals == 0)
    checks = rows(built_db, "SELECT count(*) FROM bilateral_check")[0][0]
    found = [c for c in _walk(layout) if table_id(c) == "sources-checks"]
    assert (len(table_rows(found[0])) if found else 0) == checks


def test_spanish_pages_say_mil_millones_never_billon(app):
    for name in ("corridors", "sources"):
        with app.server.test_request_context(f"/{name}"):
            assert "billón" not in text_of(page(name).layout(lang="es")).lower()


# ---- refugees & displacement corridors, remittance vintages, extracts of the pair tables ----


def test_displacement_corridors_from_venezuela_equal_the_pairs(app, built_db):
    (release,), = rows(built_db, "SELECT max(vintage) FROM displacement WHERE vintage NOT LIKE '%-%'")
    (year,), = rows(built_db, "SELECT max(year) FROM displacement WHERE vintage = ?", [release])
    with app.server.test_request_context("/refugees"):
        sankey, table, trend, _ = page("refugees").update_pairs(release, 862, "any", year, "en")
    expected = rows(built_db, """
        SELECT a.name_en, sum(persons) FROM displacement d JOIN area a ON a.code = d.asylum_code
        WHERE vintage = ? AND year = ? AND origin_code = 862 AND population IN ('refugees', 'asylum_seekers', 'oip')
        GROUP BY ALL ORDER BY 2 DESC LIMIT 1""", [release, year])[0]
    assert_drawn(sankey)
    assert sankey.data[0].link.value[0] == expected[1]
    assert table_rows(table)[0][1] == expected[0] == "Colombia"
    assert len(trend.data) == len(rows(built_db, "SELECT DISTINCT vintage FROM displacement"))


@pytest.mark.parametrize("hostile", [None, "'; DROP TABLE displacement; --", ["x"], True, 99999])
def test_displacement_callback_reads_hostile_inputs_as_defaults(app, hostile):
    with app.server.test_request_context("/refugees"):
        sankey, *_ = page("refugees").update_pairs(hostile, hostile, hostile, hostile, hostile)
    assert_drawn(sankey)


def test_remittance_vintages_are_kept_side_by_side_and_their_differences_named(app, built_db):
    vintages = [v for (v,) in rows(built_db, "SELECT DISTINCT revision FROM indicator_vintages "
                                            "WHERE series = 'BX.TRF.PWKR.CD.DT' ORDER BY 1 DESC")]
    assert len(vintages) >= 2
    with app.server.test_request_context("/remittances"):
        text = text_of(page("remittances").layout(lang="en"))
        older, *_ = page("remittances").update_regional(vintages[-1], "en")
    assert "disagree" in text and vintages[0] in text and vintages[-1] in text
    (lac,), = rows(built_db, "SELECT value FROM indicator_vintages WHERE series = 'BX.TRF.PWKR.CD.DT' "
                             "AND area_code = 904 AND revision = ? ORDER BY year DESC LIMIT 1", [vintages[-1]])
    assert older.data[0].y[-1] == pytest.approx(lac)


@pytest.mark.parametrize(("dataset", "revision", "area", "key"), [
    ("displacement", 2025, 170, ["asylum_code", "origin_code", "vintage", "population", "persons"]),
    ("bilateral_stock", 2021, 840, ["destination_code", "origin_code", "migrants"]),
])
def test_pair_extracts_equal_their_tables(app, built_db, dataset, revision, area, key):
    import io

    import pandas as pd

    column = "asylum_code" if dataset == "displacement" else "destination_code"
    edition = "revision" if dataset == "displacement" else "edition"
    (year,), = rows(built_db, f"SELECT max(year) FROM {dataset} WHERE {edition} = ?", [revision])  # noqa: S608
    response = app.server.test_client().get(f"/download/csv?dataset={dataset}&revision={revision}&areas={area}&years={year}")
    assert response.status_code == 200
    got = pd.read_csv(io.StringIO(response.get_data(as_text=True)))
    expected = pd.DataFrame(rows(built_db, f"SELECT {', '.join(key)} FROM {dataset} WHERE {edition} = ? AND "  # noqa: S608
                                           f"{column} = ? AND year = ? ORDER BY ALL", [revision, area, year]), columns=key)
    pd.testing.assert_frame_equal(got[key].sort_values(key).reset_index(drop=True), expected, check_dtype=False)
    assert got["licence"].eq("CC BY 4.0").all()


def test_subregions_without_un_desa_origin_data_show_both_bars_from_one_matrix(app, built_db):
    (revision,), = rows(built_db, "SELECT max(revision) FROM stock")
    if rows(built_db, "SELECT count(*) FROM stock WHERE revision = ? AND origin_code <> 900", [revision])[0][0]:
        pytest.skip("UN DESA's origin x destination data is loaded: the page uses it")
    (edition,), = rows(built_db, "SELECT max(edition) FROM bilateral_stock")
    with app.server.test_request_context("/subregions"):
        _, _, flows, _, message, _, _ = page("subregions").update_subregions(revision, "total", "en")
    assert "KNOMAD" in flows.layout.title.text and "KNOMAD" in text_of(message)
    (emigrants,), = rows(built_db, """SELECT sum(migrants) FROM bilateral_stock b JOIN area o ON o.code = b.origin_code
                                      WHERE edition = ? AND o.subregion = 916""", [edition])
    bars = {trace.name: dict(zip(trace.y, trace.x, strict=True)) for trace in flows.data}  # horizontal bars
    assert bars["Emigrants (born in the subregion, living anywhere)"]["Central America"] == emigrants


def test_each_years_incident_map_cites_the_iom_file_that_covers_that_year(built_db):
    from readside import flows
    from readside.queries import Database

    db = Database(built_db)
    covered = rows(built_db, "SELECT year, vintage FROM missing_migrants_coverage")
    if not covered:
        pytest.skip("no IOM file in this build")
    for year, vintage in covered:
        cited = flows.file_covering(db, year)
        (expected,), = rows(built_db, "SELECT citation FROM provenance WHERE source = 'iom_missing_migrants' "
                                      "AND vintage = ?", [vintage])
        assert cited["citation"] == expected, year
    assert flows.file_covering(db, 1900) is None
