"""A grouping's profile offers only honest sums: each equals the members' own rows (checked with
independent SQL), members without a figure are named, % of population is recomputed only over
members having both figures, and % of GDP is never summed."""

from __future__ import annotations

import duckdb
import pytest

from dashboard.components import table_markup
from dashboard.grouping_profile import HOSTED, sum_note
from dashboard.panels import RECEIVED, RECEIVED_GDP
from readside import groupings
from readside.queries import Database

GROUPS = ("oas", "caricom", "sica", "can", "mercosur")


def rows(db, sql: str, params=()) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def newest_revision(db) -> int:
    return rows(db, "SELECT max(revision) FROM stock")[0][0]


@pytest.mark.parametrize("grouping", GROUPS)
@pytest.mark.parametrize("series", [RECEIVED, *HOSTED])
def test_indicator_sums_equal_the_members_rows(built_db, grouping, series):
    expected = {year: (total, counted) for year, total, counted in rows(built_db, """
        SELECT i.year, sum(i.value), count(*) FROM indicator i
        WHERE i.series = ? AND i.value IS NOT NULL
          AND NOT (i.value = 0 AND i.unit IN ('current US$', '% of GDP'))  -- "not reported" (readside.reporting)
          AND i.area_code IN (SELECT member_code FROM area_group WHERE grouping = ? AND roster)
        GROUP BY i.year""", [series, grouping])}
    computed = groupings.indicator_by_group(Database(built_db), grouping, series)
    got = {int(r.year): (r.value, r.members_counted) for r in computed.itertuples()}
    assert got.keys() == expected.keys()
    for year, (total, counted) in expected.items():
        assert got[year][0] == pytest.approx(total) and got[year][1] == counted


def test_remittances_are_summed_somewhere(built_db):
    """The parametrised sums above would pass on an empty table: the real data has figures."""
    sums = groupings.indicator_by_group(Database(built_db), "oas", RECEIVED)
    if sums.empty:
        pytest.skip("no World Bank series in this build")
    assert (sums["members_total"] == 35).all() and sums["value"].gt(0).all()


@pytest.mark.parametrize("grouping", GROUPS)
def test_members_without_an_indicator_are_the_roster_minus_the_counted(built_db, grouping):
    db = Database(built_db)
    sums = groupings.indicator_by_group(db, grouping, RECEIVED)
    if sums.empty:
        pytest.skip("no World Bank series in this build")
    year = int(sums["year"].max())
    roster = {c for (c,) in rows(built_db, "SELECT member_code FROM area_group WHERE grouping = ? AND roster", [grouping])}
    having = {c for (c,) in rows(built_db, "SELECT area_code FROM indicator WHERE series = ? AND year = ? "
                                           "AND value IS NOT NULL", [RECEIVED, year])}
    without = groupings.indicator_members_without(db, grouping, RECEIVED, year)
    assert set(without["member_code"]) == roster - having
    counted = int(sums.loc[sums["year"] == year, "members_counted"].iloc[0])
    assert counted + len(without) == len(roster)


def test_percent_of_gdp_is_never_summed(built_db):
    db = Database(built_db)
    assert not groupings.is_summable(db, RECEIVED_GDP)
    assert groupings.is_summable(db, RECEIVED)
    with pytest.raises(groupings.NotSummable):
        groupings.indicator_by_group(db, "oas", RECEIVED_GDP)
    assert not groupings.is_summable(db, "wpp.net_migration_rate")


@pytest.mark.parametrize("grouping", GROUPS)
@pytest.mark.parametrize("sex", ["total", "female"])
def test_share_is_summed_stock_over_summed_population_of_members_with_both(built_db, grouping, sex):
    revision = newest_revision(built_db)
    expected = {year: (migrants, people, counted) for year, migrants, people, counted in rows(built_db, """
        SELECT s.year, sum(s.migrants), sum(p.population_thousands) * 1000, count(*)
        FROM stock s JOIN population p ON p.area_code = s.destination_code AND p.year = s.year
             AND p.revision = s.revision AND p.sex = s.sex
        WHERE s.revision = ? AND s.sex = ? AND s.origin_code = 900
          AND s.destination_code IN (SELECT member_code FROM area_group WHERE grouping = ? AND roster)
        GROUP BY s.year""", [revision, sex, grouping])}
    share = groupings.population_share(Database(built_db), grouping, revision, sex)
    assert set(share["year"]) == set(expected) and expected
    for r in share.itertuples():
        migrants, people, counted = expected[r.year]
        assert r.members_counted == counted
        assert r.percent_of_population == pytest.approx(100 * migrants / people)
        assert r.percent_of_population != pytest.approx(_mean_of_shares(built_db, grouping, revision, r.year, sex), rel=1e-9)


def _mean_of_shares(db, grouping: str, revision: int, year: int, sex: str) -> float:
    """The wrong answer (every member weighing the same), which the share must not be."""
    return rows(db, """
        SELECT avg(100.0 * s.migrants / (p.population_thousands * 1000)) FROM stock s
        JOIN population p ON p.area_code = s.destination_code AND p.year = s.year AND p.revision = s.revision AND p.sex = s.sex
        WHERE s.revision = ? AND s.year = ? AND s.sex = ? AND s.origin_code = 900
          AND s.destination_code IN (SELECT member_code FROM area_group WHERE grouping = ? AND roster)""",
        [revision, year, sex, grouping])[0][0]


def test_share_leaves_out_and_names_a_member_without_population(built_db, tmp_path):
    """Remove Haiti's population in a copy: CARICOM's share is computed over the 14 others and
    Haiti is named; its stock still counts in the stock sum."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(built_db.read_bytes())
    revision = newest_revision(built_db)
    with duckdb.connect(str(copy)) as con:
        con.execute("DELETE FROM core.population WHERE area_code = 332 AND revision = ?", [revision])
    db = Database(copy)
    share = groupings.population_share(db, "caricom", revision)
    assert (share["members_counted"] == share["members_total"] - 1).all()
    year = int(share["year"].max())
    without = groupings.share_members_without(db, "caricom", revision, year)
    assert list(without["name_en"]) == ["Haiti"]
    haiti = rows(copy, "SELECT migrants FROM stock WHERE destination_code = 332 AND revision = ? AND year = ? "
                       "AND sex = 'total' AND origin_code = 900", [revision, year])[0][0]
    stock = groupings.stock_by_group(db, "caricom", revision)
    total = stock[(stock["sex"] == "total") & (stock["year"] == year)].iloc[0]
    assert total["migrants"] == pytest.approx(share.loc[share["year"] == year, "migrants"].iloc[0] + haiti)


@pytest.mark.parametrize("grouping", GROUPS)
def test_stock_by_group_reads_the_view_for_every_sex(built_db, grouping):
    revision = newest_revision(built_db)
    expected = {(year, sex): migrants for year, sex, migrants in rows(built_db, """
        SELECT s.year, s.sex, sum(s.migrants) FROM stock s
        WHERE s.revision = ? AND s.origin_code = 900
          AND s.destination_code IN (SELECT member_code FROM area_group WHERE grouping = ? AND roster)
        GROUP BY ALL""", [revision, grouping])}
    frame = groupings.stock_by_group(Database(built_db), grouping, revision)
    assert {(r.year, r.sex): r.migrants for r in frame.itertuples()} == expected
    assert {"total", "male", "female"} <= set(frame["sex"])


def test_the_sum_note_names_the_members_without_a_figure(built_db):
    db = Database(built_db)
    without = groupings.members(db, "sica").head(2)[["member_code", "name_es"]]
    note = sum_note(6, 8, 2024, without, "es")
    assert "6 de 8" in note and all(name in note for name in without["name_es"])
    assert "suma de cifras de países" in note.lower()
    assert "todos los miembros" in sum_note(8, 8, 2024, without.iloc[0:0], "es")


def country_page(path: str = "/country"):
    """The page module Dash loaded (its callbacks are plain functions)."""
    import sys

    import dash

    entry = next(p for p in dash.page_registry.values() if p["path"] == path)
    return sys.modules[entry["module"]]


@pytest.fixture(scope="module")
def app(built_db):
    from dashboard.app import create_app

    return create_app(built_db)


def test_every_grouping_is_in_the_area_picker_and_the_url_keeps_it(app, built_db):
    from tests.test_page_layouts import text_of

    codes = dict(rows(built_db, "SELECT grouping, code FROM grouping"))
    assert codes == {"oas": 9801, "caricom": 9802, "sica": 9803, "can": 9804, "mercosur": 9805}
    with app.server.test_request_context("/country"):
        layout = country_page().layout(lang="fr", area="9803")
    picker = next(c for c in _walk(layout) if getattr(c, "id", None) == "country-area")
    assert picker.value == 9803 and set(codes.values()) <= {o["value"] for o in picker.options}
    assert "somme des chiffres des pays" in next(o["label"] for o in picker.options if o["value"] == 9803)
    assert "9803" not in text_of(layout)  # accepted, so no "unknown area" notice quoting it


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        if hasattr(child, "children") or hasattr(child, "id"):
            yield from _walk(child)


def test_a_grouping_profile_sums_and_says_so(app, built_db):
    page = country_page()
    revision = newest_revision(built_db)
    with app.server.test_request_context("/country"):
        title, facts, trend, _, share, _, split, _ = page.update_country(9802, revision, "total", "en")
        partners = page.update_partners(9802, revision, "total", "en")
        locator, comparison = page.update_locator(9802, "en"), page.update_comparison(9802, "en")
        panels = page.update_indicator_panels(9802, "en")
        members = page.update_members(9802, "en")
        assert page.update_members(484, "en") == []
    assert "sum of country figures" in title and "Montserrat" in facts
    expected = dict(rows(built_db, "SELECT year, migrants FROM stock_by_group WHERE grouping = 'caricom' "
                                   "AND revision = ? AND sex = 'total'", [revision]))
    assert dict(zip(map(int, trend.data[0].x), trend.data[0].y, strict=True)) == expected
    for figure in (trend, share, split):
        assert "Sum of country figures" in figure.layout.annotations[0].text
    assert partners[-1] is True and "not shown for a grouping" in str(partners[-2].children)
    assert locator == [] and comparison == []
    graphs = [p.id for p in panels if type(p).__name__ == "Graph"]
    assert graphs == ["country-group-remittances", "country-group-refugees"]
    assert any("% of GDP are not offered" in str(getattr(p, "children", "")) for p in panels)
    table = next(c for c in members if getattr(c, "id", None) == "country-group-members" or table_markup(c))
    shown = table_markup(table) or str(table.children)
    assert "Montserrat" in shown and "British Overseas Territory" in shown


def test_the_remittances_page_offers_the_groupings_as_sums(app, built_db):
    remittances = country_page("/remittances")
    expected = dict(rows(built_db, """
        SELECT i.year, sum(i.value) FROM indicator i WHERE i.series = ? AND i.value IS NOT NULL
          AND i.area_code IN (SELECT member_code FROM area_group WHERE grouping = 'sica' AND roster)
        GROUP BY i.year""", [RECEIVED]))
    if not expected:
        pytest.skip("no World Bank series in this build")
    with app.server.test_request_context("/remittances"):
        layout = remittances.layout(lang="es", area="9803")
        figure, table = remittances.update_country(9803, "es")
    picker = next(c for c in _walk(layout) if getattr(c, "id", None) == "rem-area")
    assert picker.value == 9803 and {9801, 9802, 9803, 9804, 9805} <= {o["value"] for o in picker.options}
    drawn = {}
    for trace in figure.data:  # complete and partial years are two traces of one series
        drawn.update({int(x): y for x, y in zip(trace.x, trace.y, strict=True) if y is not None and y == y})
    assert drawn.keys() == expected.keys()
    assert all(drawn[year] == pytest.approx(total) for year, total in expected.items())
    assert "suma de cifras de países" in figure.layout.title.text


def test_the_refugees_corridors_take_a_grouping_as_host_or_origin(app, built_db):
    from readside import corridors

    refugees = country_page("/refugees")
    db = Database(built_db)
    releases = corridors.displacement_vintages(db)
    if not releases:
        pytest.skip("no UNHCR release in this build")
    caricom = {c for (c,) in rows(built_db, "SELECT member_code FROM area_group WHERE grouping = 'caricom' AND roster")}
    with app.server.test_request_context("/refugees"):
        layout = refugees.layout(lang="en")
        sankey, _, trend, _ = refugees.update_pairs(releases[0], 862, 9802, None, "en")
        _, _, said = refugees.update_hosts_map(releases[0], 9802, None, "en")
    picker = next(c for c in _walk(layout) if getattr(c, "id", None) == "ref-pair-host")
    assert {9801, 9802, 9803, 9804, 9805} <= {o["value"] for o in picker.options}
    names = dict(rows(built_db, "SELECT code, name_en FROM area"))
    hosts = set(sankey.data[0].node.label) - {names[862]}
    assert "CARICOM" in sankey.layout.title.text and hosts and hosts <= {names[c] for c in caricom}
    expected = dict(rows(built_db, """
        SELECT year, sum(persons) FROM displacement WHERE vintage = ? AND year >= 1990 AND origin_code = 862
          AND population IN (SELECT unnest(?))
          AND asylum_code IN (SELECT member_code FROM area_group WHERE grouping = 'caricom' AND roster)
        GROUP BY year""", [releases[0], list(refugees.ACROSS_BORDERS)]))
    newest = trend.data[0]  # the newest release is drawn first
    assert {int(x): y for x, y in zip(newest.x, newest.y, strict=True)} == pytest.approx(
        {int(k): v for k, v in expected.items()})
    assert "choose a country of origin" in str(said)
