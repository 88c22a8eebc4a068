"""Maps of the Americas (issue 14) as plain functions: the base map the app serves, the map's
figures against the database, the classes, the click, the derivation of the geometry."""

from __future__ import annotations

import json
import sys

import dash
import duckdb
import pandas as pd
import pytest

from dashboard import indicator_maps
from dashboard import maps as drawing
from dashboard.app import create_app
from etl import geometry
from etl.areas import AMERICAS_PARTS
from readside import corridors, maps, style
from readside.queries import Database
from readside.text import LANGUAGES, t
from tests.test_page_layouts import text_of

EASTERN_CARIBBEAN_MEMBERS = ("ATG", "KNA", "DMA", "LCA", "VCT", "GRD", "BRB", "TTO")


@pytest.fixture(scope="module")
def app(built_db):
    return create_app(built_db)


def map_page():
    """The page module Dash loaded (importing it again would register /map twice)."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == "/map")
    return sys.modules[entry["module"]]


def rows(db_path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# ---------------------------------------------------------------- the base map the app serves


def test_every_area_of_the_americas_has_a_shape_with_its_iso3(built_db):
    areas = dict(rows(built_db, "SELECT iso3, code FROM area WHERE kind = 'country' AND region IN (904, 905)"))
    assert len(areas) >= 55
    shapes = drawing.shapes()
    assert set(areas) == set(shapes)
    assert all(shapes[iso]["m49"] == code for iso, code in areas.items())


def test_every_oas_member_state_has_a_shape_and_the_small_ones_a_marker(built_db):
    members = [iso for (iso,) in rows(built_db, "SELECT iso3 FROM area WHERE oas_member")]
    assert len(members) == 35
    shapes = drawing.shapes()
    assert all(iso in shapes for iso in members)
    for iso in EASTERN_CARIBBEAN_MEMBERS:  # too small at 1:50m to see or click without a marker
        assert shapes[iso]["small"], iso
        lon, lat = shapes[iso]["ct"]
        inset = drawing.INSET
        assert inset["lonaxis"]["range"][0] <= lon <= inset["lonaxis"]["range"][1], iso
        assert inset["lataxis"]["range"][0] <= lat <= inset["lataxis"]["range"][1], iso
    assert not shapes["BRA"]["small"] and not shapes["USA"]["small"]


def test_the_base_map_is_plotlys_format_and_names_its_source():
    topology = json.loads(drawing.BASE_MAP.read_text(encoding="utf-8"))
    assert drawing.BASE_MAP.name == "world_50m.json"  # what plotly asks for at scope world, resolution 50
    assert set(topology["objects"]) == {"countries", "land"}
    assert topology["source"]["package"] == "world-atlas@2.0.2"
    notice = (drawing.BASE_MAP.parent / "NOTICE.md").read_text(encoding="utf-8")
    assert "public domain" in notice and "ISC" in notice and "etl/geometry.py" in notice
    assert drawing.BASE_MAP.stat().st_size < 400_000


def test_map_config_points_plotly_at_the_apps_own_base_map(app):
    with app.server.test_request_context("/map"):
        config = drawing.map_config("migdash-map")
    assert config["topojsonURL"] == "/assets/topojson/"
    assert config["toImageButtonOptions"]["width"] == 1600 and config["toImageButtonOptions"]["height"] == 900
    response = app.server.test_client().get("/assets/topojson/world_50m.json")
    assert response.status_code == 200 and json.loads(response.data)["type"] == "Topology"


# ---------------------------------------------------------------- the geometry's derivation


def synthetic_topology() -> dict:
    """Two features: 'host' 250 (France) with a polygon in Martinique's box and one in Europe;
    100 with one polygon in the Americas and one east of Greenwich."""
    def square(x: int, y: int) -> list[list[int]]:  # a closed square ring as one delta-encoded arc
        return [[x, y], [10, 0], [0, 10], [-10, 0], [0, -10]]
    arcs = [square(950, 1450), square(4100, 4500), square(200, 400), square(4100, 400)]
    return {
        "type": "Topology", "transform": {"scale": [0.02, 0.01], "translate": [-80, 0]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "MultiPolygon", "arcs": [[[0]], [[1]]], "id": "250"},
            {"type": "MultiPolygon", "arcs": [[[2]], [[~3]]], "id": "100"},
        ]}},
        "arcs": arcs,
    }


def test_derive_splits_territories_drops_far_polygons_and_renumbers_arcs():
    derived = geometry.derive(synthetic_topology(), {474: "MTQ", 100: "AAA"})
    features = {g["id"]: g for g in derived["objects"]["countries"]["geometries"]}
    assert set(features) == {"MTQ", "AAA"}
    assert features["MTQ"]["type"] == "Polygon"  # only the Caribbean polygon of the host
    assert features["AAA"]["type"] == "Polygon"  # the polygon east of Greenwich is dropped
    used = {i if i >= 0 else ~i for g in features.values() for ring in g["arcs"] for i in ring}
    assert used == set(range(len(derived["arcs"]))) and len(derived["arcs"]) == 2
    lon, lat = features["MTQ"]["properties"]["ct"]
    assert -61.0 < lon < -60.8 and 14.5 < lat < 14.6
    assert features["MTQ"]["properties"] == {"m49": 474, "ct": [lon, lat], "small": True}
    assert len(derived["objects"]["land"]["geometries"]) == 2


def test_area_and_centroid_of_a_square():
    area, (x, y) = geometry.area_and_centroid([(0, 0), (2, 0), (2, 2), (0, 2)])
    assert area == 4 and (x, y) == (1, 1)


# ---------------------------------------------------------------- the read side


def test_map_values_equal_the_published_stock(built_db):
    db = Database(built_db)
    frame = maps.values(db, "stock", "2024", 2024)
    expected = dict(rows(built_db, "SELECT destination_code, migrants FROM stock s JOIN area a ON a.code = s.destination_code "
                                   "WHERE revision = 2024 AND year = 2024 AND sex = 'total' AND origin_code = 900 "
                                   "AND a.kind = 'country' AND a.region IN (904, 905)"))
    assert dict(zip(frame["area_code"], frame["value"], strict=True)) == expected
    assert frame["value"].is_monotonic_decreasing


def test_every_indicator_has_editions_years_and_rows_or_none(built_db):
    db = Database(built_db)
    for key in maps.INDICATORS:
        editions = maps.editions(db, key)
        for edition in editions[:1]:
            years = maps.years(db, key, edition)
            assert years == sorted(years) and not maps.values(db, key, edition, years[-1]).empty, key
    assert maps.years(db, "stock", "'; DROP TABLE stock; --") == []


def test_protection_is_the_sum_of_the_three_populations(built_db):
    db = Database(built_db)
    edition = maps.editions(db, "protection")[0]
    frame = maps.values(db, "protection", edition, maps.years(db, "protection", edition)[-1])
    parts = frame[list(maps.PROTECTION)].fillna(0).sum(axis=1)
    assert (abs(frame["value"] - parts) < 1e-6).all()


def test_an_older_vintage_is_captioned_with_its_own_file(built_db):
    db = Database(built_db)
    editions = maps.editions(db, "remittances")
    for edition in editions:
        found = maps.edition_source(db, "remittances", edition)
        assert found and "BX.TRF.PWKR.CD.DT" in found["citation"]
        (dataset,) = rows(built_db, "SELECT dataset FROM provenance WHERE source = 'worldbank' AND vintage = ? "
                                    "AND citation = ?", [edition, found["citation"]])[0]
        assert edition in dataset


# ---------------------------------------------------------------- the figure and the page


def test_classes_are_increasing_and_diverge_around_zero():
    values = pd.Series([1_400, 8_000, 60_000, 130_000, 900_000, 52_000_000, 3_000, 45_000])
    classes = drawing.classify(values, signed=False)
    assert list(classes.edges) == sorted(set(classes.edges)) and len(classes.colours) == len(classes.edges) + 1
    assert classes.of(values.min()) == 0 and classes.of(values.max()) == len(classes.colours) - 1
    signed = drawing.classify(pd.Series([-5.0, -2.0, -0.5, 0.3, 1.2, 4.0, 9.0]), signed=True)
    assert 0.0 in signed.edges and signed.of(-0.1) < signed.of(0.1)
    assert len(drawing.classify(pd.Series([5.0]), signed=False).colours) == 1


def figure_for(app, built_db, key: str, lang: str):
    page = map_page()
    db = Database(built_db)
    edition = maps.editions(db, key)[0]
    year = maps.years(db, key, edition)[-1]
    with app.server.test_request_context("/map"):
        figure, table, summary, notice, hidden = page.update_map(key, edition, year, lang)
    return page, db, edition, year, figure, table, summary, hidden


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hover_data_equal_the_database_and_every_member_is_clickable(app, built_db, lang):
    page, db, edition, year, figure, table, summary, hidden = figure_for(app, built_db, "stock", lang)
    assert not hidden
    published = dict(rows(built_db, "SELECT destination_code, migrants FROM stock WHERE revision = ? AND year = ? "
                                    "AND sex = 'total' AND origin_code = 900", [int(edition), year]))
    seen = {}
    for trace in figure.data:
        for location, custom in zip(trace.locations, trace.customdata, strict=True):
            code, name, shown, status = custom
            expected = indicator_maps.hover_text("stock", published[code], year, lang) if code in published else t(lang, "map.no_figure")
            assert shown == expected, (location, shown)
            seen.setdefault(location, set()).add(trace.type)
    members = [iso for (iso,) in rows(built_db, "SELECT iso3 FROM area WHERE oas_member")]
    assert all("choropleth" in seen[iso] for iso in members)
    assert all("scattergeo" in seen[iso] for iso in EASTERN_CARIBBEAN_MEMBERS)
    assert str(year) in figure.layout.title.text and str(year) in figure.layout.coloraxis.colorbar.title.text
    assert any("2024" in a.text and "CC BY" in a.text for a in figure.layout.annotations)  # source and revision


def test_the_table_links_every_profile_and_names_the_parts(app, built_db):
    _, _, _, _, _, table, summary, _ = figure_for(app, built_db, "protection", "es")
    links = [c for c in _walk(table) if type(c).__name__ == "Link"]
    assert links and all(link.href.startswith("/country?area=") and "lang=es" in link.href for link in links)
    assert t("es", "map.part.oip") in text_of(table)
    assert "Estados Unidos" in summary


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def test_a_click_opens_the_profile_and_junk_is_ignored(app):
    page = map_page()
    click = {"points": [{"location": "LCA", "customdata": [662, "Saint Lucia", "…", "…"]}]}
    assert page.open_profile(click, "fr") == "/country?area=662&lang=fr"
    for junk in (None, {}, {"points": []}, {"points": [{"customdata": ["x"]}]}, "'; DROP"):
        assert page.open_profile(junk, "en") is dash.no_update


@pytest.mark.parametrize("value", ["'; DROP TABLE stock; --", "<script>", "net_migration_rate", "9" * 300])
def test_hostile_or_unloaded_choices_fall_back_with_a_notice(app, built_db, value):
    page = map_page()
    with app.server.test_request_context("/map"):
        layout = page.layout(lang="en", indicator=value, edition=value, year=value)
    text = text_of(layout)
    assert "Traceback" not in text and t("en", "map.title") in text
    assert t("en", "map.bad_indicator", value=value[:40], indicator=t("en", f"map.indicator.{page.DEFAULT}")) in text


def test_the_default_map_is_the_share_of_the_population():
    """% of population compares a small island with a large country; the stock in persons would
    paint almost every country in the top class."""
    assert map_page().DEFAULT == "share"


def test_the_unloaded_source_is_named_in_words_with_a_link_to_sources(bare_db):
    bare = create_app(bare_db)
    page = map_page()
    with bare.server.test_request_context("/map"):
        text = text_of(page.layout(lang="pt"))
    for source in ("worldbank", "unhcr"):
        assert t("pt", "notice.not_loaded", what=t("pt", f"what.{source}"), publisher=t("pt", f"publisher.{source}")) in text
    assert t("pt", "notice.sources_link") in text and "migdash etl" not in text


def test_the_locator_marks_the_area_or_is_absent():
    fig = drawing.locator("LCA", "Saint Lucia", lang="en", title="Where Saint Lucia is")
    assert list(fig.data[1].locations) == ["LCA"] and fig.data[2].type == "scattergeo"  # a ring: it is small
    assert drawing.locator("FRA", "France", lang="en", title="") is None
    assert drawing.locator(None, "World", lang="en", title="") is None


# ---------------------------------------------------------------- map tabs: Remittances, Refugees


def page_module(path: str):
    """A page module as Dash loaded it (importing it again would register the path twice)."""
    entry = next(p for p in dash.page_registry.values() if p["path"] == path)
    return sys.modules[entry["module"]]


def drawn_hover(figure) -> dict[int, str]:
    """M49 code -> hover text of every area given a figure on the main map (its shape)."""
    return {int(c[0]): c[2] for trace in figure.data if trace.type == "choropleth" and trace.geo == "geo" and trace.coloraxis
            for c in trace.customdata}


@pytest.mark.parametrize(("measure", "key", "series"), [("usd", "remittances", "BX.TRF.PWKR.CD.DT"),
                                                        ("gdp", "remittances_gdp", "BX.TRF.PWKR.DT.GD.ZS")])
def test_the_remittances_map_tab_equals_the_database_for_the_pages_choice(app, built_db, measure, key, series):
    page = page_module("/remittances")
    db = Database(built_db)
    vintage = maps.editions(db, key)[-1]  # the oldest: the map must follow the page's vintage, not the newest
    year = maps.years(db, key, vintage)[-1]
    with app.server.test_request_context("/remittances"):
        _, _, figure, _ = page.update_top(year, measure, vintage, "en")
    published = dict(rows(built_db, """
        SELECT i.area_code, i.value FROM indicator_vintages i JOIN area a ON a.code = i.area_code
        WHERE i.series = ? AND i.revision = ? AND i.year = ? AND i.variant = 'estimate' AND i.value <> 0
          AND a.kind = 'country' AND list_contains(?, a.region)""", [series, vintage, year, list(AMERICAS_PARTS)]))
    # a 0 in money stands for "not reported" (readside.reporting): no figure, drawn as none
    assert published
    expected = {code: indicator_maps.hover_text(key, value, year, "en") for code, value in published.items()}
    assert drawn_hover(figure) == expected
    assert str(year) in figure.layout.coloraxis.colorbar.title.text
    assert vintage in figure.layout.coloraxis.colorbar.title.text


def test_a_click_on_the_remittances_map_opens_the_profile(app):
    page = page_module("/remittances")
    assert page.open_profile({"points": [{"customdata": [662, "Saint Lucia", "x", "y"]}]}, "es") == \
        "/country?area=662&lang=es"
    assert page.open_profile({"points": [{}]}, "en") is dash.no_update


def test_the_hosts_map_sums_to_the_origins_hosts_and_highlights_the_origin(app, built_db):
    page = page_module("/refugees")
    db = Database(built_db)
    release = corridors.displacement_vintages(db)[0]
    year = corridors.displacement_years(db, release)[-1]
    with app.server.test_request_context("/refugees"):
        figure, table, _ = page.update_hosts_map(release, 862, year, "en")
    hosted = dict(rows(built_db, """SELECT asylum_code, sum(persons) FROM displacement WHERE vintage = ? AND year = ?
        AND origin_code = 862 AND population IN ('refugees', 'asylum_seekers', 'oip') GROUP BY ALL""",
                       [release, year]))
    circles = next(tr for tr in figure.data if tr.type == "scattergeo")
    drawn = {int(c[0]): size for c, size in zip(circles.customdata, circles.marker.size, strict=True)}
    on_map = {props["m49"] for props in drawing.shapes().values()}
    assert drawn == {code: persons for code, persons in hosted.items() if code in on_map}
    assert len(table.children[1].children) == len(hosted)  # every host, on the map or not
    origin = next(tr for tr in figure.data if tr.type == "choropleth" and tr.showlegend)
    assert list(origin.locations) == ["VEN"] and origin.colorscale[0][1] == style.area_colour(862)  # as on every chart
    assert "VEN" not in next(tr for tr in figure.data if tr.type == "choropleth").locations


def test_any_origin_asks_for_one_instead_of_a_map(app, built_db):
    page = page_module("/refugees")
    release = corridors.displacement_vintages(Database(built_db))[0]
    with app.server.test_request_context("/refugees"):
        figure, table, said = page.update_hosts_map(release, "any", None, "fr")
    assert table is None and t("fr", "map.hosts_pick_origin") in text_of(said)
