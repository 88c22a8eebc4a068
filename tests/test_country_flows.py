"""The country profile's OECD inflows, IDMC displacement and IOM dead-and-missing panels, as
plain functions against the session database: every number behind a chart equals independent
SQL on the build, a country the OECD does not report on gets one line and no chart, and a
grouping keeps its own profile (no flow panel)."""

from __future__ import annotations

import pytest
from dash import html

from dashboard.app import create_app
from readside.text import decimal
from tests.test_flows_pages import graphs, page, rows, table_id, table_rows
from tests.test_page_layouts import text_of


@pytest.fixture(scope="module")
def country(built_db):
    """The country page module, its callbacks called inside a request of an app on the build."""
    app = create_app(built_db)
    with app.server.test_request_context("/country"):
        yield page("country")


def _tables(panel: list) -> dict[str, list[list[str]]]:
    """Every numbers-behind-the-chart table of a panel, by id."""
    found = {}
    for part in panel:
        if isinstance(part, html.Details):
            table = part.children[1]
            found[table_id(table)] = table_rows(table)
    return found


def _counts(values, lang: str = "en") -> list[str]:
    return ["" if v is None else decimal(v, lang, 0) for v in values]


def test_mexico_oecd_inflows_equal_the_database(country, built_db):
    panel = country.update_oecd_panel(484, "en")
    assert [g.id for g in graphs(html.Div(panel))] == ["country-oecd-permanent", "country-oecd-foreign"]
    tables = _tables(panel)
    foreign = rows(built_db, "SELECT year, persons FROM migration_flow WHERE destination_code = 484 "
                             "AND flow_type = 'foreign_inflow_national' ORDER BY year")
    assert tables["country-oecd-foreign-data"] == [[str(y), decimal(p, "en", 0)] for y, p in foreign]
    work = dict(rows(built_db, "SELECT year, persons FROM migration_flow WHERE destination_code = 484 "
                               "AND flow_type = 'permanent' AND category = 'work'"))
    permanent = tables["country-oecd-permanent-data"]
    assert {int(r[0]): r[1] for r in permanent} == {y: decimal(p, "en", 0) for y, p in work.items()}
    # the total is a sum only where all the country's categories are published, else blank
    (categories,), = rows(built_db, "SELECT count(DISTINCT category) FROM migration_flow "
                                    "WHERE destination_code = 484 AND flow_type = 'permanent'")
    complete = dict(rows(built_db, "SELECT year, sum(persons) FROM migration_flow WHERE destination_code = 484 "
                                   "AND flow_type = 'permanent' GROUP BY year HAVING count(*) = ?", [categories]))
    totals = {int(r[0]): r[-1] for r in permanent}
    assert totals == {y: decimal(complete[y], "en", 0) if y in complete else "" for y in totals}
    assert "" in totals.values()  # this build has a year with a category missing: no total drawn there
    figure = graphs(html.Div(panel))[0].figure
    line = next(trace for trace in figure.data if trace.type == "scatter")
    assert f"sum of the {categories} categories" in line.name
    assert list(line.x) == sorted(complete)


def test_mexico_displacement_and_dead_and_missing_equal_the_database(country, built_db):
    idmc = country.update_idmc_panel(484, "en")
    expected = {}
    for cause in ("disaster", "conflict"):
        for year, persons in rows(built_db, """SELECT year, persons FROM internal_displacement
                WHERE area_code = 484 AND cause = ? AND measure = 'new_displacements' AND vintage =
                (SELECT max(vintage) FROM internal_displacement WHERE cause = ? AND measure = 'new_displacements')""",
                                  [cause, cause]):
            expected.setdefault(year, {})[cause] = persons
    shown = _tables(idmc)["country-idmc-data"]
    assert shown == [[str(y), *_counts([expected[y].get("disaster"), expected[y].get("conflict")])]
                     for y in sorted(expected)]
    figure = graphs(html.Div(idmc))[0].figure
    assert "CC BY-NC 4.0" in figure.layout.annotations[0].text

    iom = country.update_iom_panel(484, "en")
    recorded = rows(built_db, "SELECT year, sum(dead_and_missing) FROM missing_migrants WHERE country_code = 484 "
                              "GROUP BY year ORDER BY year")
    assert [y for y, _ in recorded] == [2022, 2023]
    assert _tables(iom)["country-iom-data"] == [[str(y), decimal(n, "en", 0)] for y, n in recorded]
    assert "only for 2022, 2023" in text_of(html.Div(iom))


def test_a_country_the_oecd_does_not_report_gets_one_line_and_no_chart(country):
    panel = country.update_oecd_panel(332, "en")
    assert graphs(html.Div(panel)) == []
    assert "The OECD publishes no inflows of migrants for Haiti" in text_of(html.Div(panel))
    for lang in ("es", "fr", "pt"):
        assert "OCDE" in text_of(html.Div(country.update_oecd_panel(332, lang)))


def test_a_reporter_with_only_foreign_inflows_says_so(country, built_db):
    panel = country.update_oecd_panel(152, "es")  # Chile: DF_MIG only
    assert [g.id for g in graphs(html.Div(panel))] == ["country-oecd-foreign"]
    assert "tipo permanente" in text_of(html.Div(panel))


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_every_panel_draws_for_mexico_in_each_language(country, lang):
    for update in (country.update_oecd_panel, country.update_idmc_panel, country.update_iom_panel):
        drawn = graphs(html.Div(update(484, lang)))
        assert drawn and all(g.figure.data for g in drawn)


def test_a_grouping_gets_no_flow_panel(country):
    for update in (country.update_oecd_panel, country.update_idmc_panel, country.update_iom_panel):
        assert update(9801, "en") == []
