"""A country's OECD inflows, IDMC internal displacement and IOM dead and missing on its profile.

Each panel is a chart with its numbers, or one line saying the publisher has no figure for the
country: never an empty chart. Flows are entries, not stocks, and are never added to the stock;
a permanent-type total is drawn only where every category the country publishes is present."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import figures
from dashboard.components import data_table, not_loaded_notice, notice, numbers_behind
from readside import citations, flows
from readside.queries import Database
from readside.text import decimal, t

PERMANENT = ("work", "family", "accompanying_family", "humanitarian", "free_movement", "other")


def _cited(cited: list[dict], lang: str) -> str:
    """One source line naming every file a chart's figures come from, in the page's language."""
    return citations.source_line(cited, lang)


def _counts(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """Counts of people as the locale writes them; a missing figure stays blank, never 0."""
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else decimal(v, lang, 0))
    return shown


def chart(graph_id: str, figure, table, lang: str, height: str = "460px") -> list:
    """A slide-ready graph and its 'numbers behind the chart' table (as chart_block, filled in)."""
    return [dcc.Graph(id=graph_id, figure=figure, config=figures.graph_config(f"migdash-{graph_id}"),
                      style={"height": height}),
            numbers_behind(graph_id, lang, table)]


def oecd_panel(db: Database, code: int, name: str, lang: str) -> list:
    """Permanent-type inflows by category (with the complete-sum total) and foreign-population
    inflows; one line when the OECD publishes no inflows for the country."""
    if "migration_flow" not in flows.loaded(db):
        return [not_loaded_notice(lang, "oecd")]
    permanent = flows.inflows_by_category(db, code, "permanent")
    foreign = flows.foreign_inflows(db, code)
    if permanent.empty and foreign.empty:
        return [notice(t(lang, "country_flows.no_oecd", name=name), "info")]
    parts: list = []
    if permanent.empty:
        parts.append(notice(t(lang, "country_flows.no_permanent", name=name), "info"))
    else:
        parts += _permanent_chart(db, code, permanent, name, lang)
    if foreign.empty:
        parts.append(notice(t(lang, "country_flows.no_foreign", name=name), "info"))
    else:
        parts += _foreign_chart(db, code, foreign, name, lang)
    return parts


def _permanent_chart(db: Database, code: int, frame: pd.DataFrame, name: str, lang: str) -> list:
    wide = frame.pivot_table(index="year", columns="category", values="persons", aggfunc="sum").reset_index()
    present = [c for c in PERMANENT if c in wide.columns] + [c for c in wide.columns if c not in (*PERMANENT, "year")]
    series = {c: t(lang, f"flows_page.permanent.{c}") if c in PERMANENT else c for c in present}
    totals = flows.complete_permanent_totals(db, code)
    total_label = t(lang, "country_flows.total_label", count=len(present))
    figure = figures.grouped_bars(wide, category="year", series=series, lang=lang, stacked=True,
                                  title=t(lang, "flows_page.permanent_title", name=name),
                                  source=_cited(flows.flow_citations(db, code, "permanent"), lang),
                                  y_title=t(lang, "axis.persons"), year_basis="calendar_year")
    figures.add_total_line(figure, totals, x="year", y="persons", label=total_label, lang=lang)
    merged = wide.merge(totals[["year", "persons"]].rename(columns={"persons": "total"}), on="year", how="left")
    shown = _counts(merged, [*present, "total"], lang)
    table = data_table(shown[["year", *present, "total"]], [t(lang, "table.year"), *series.values(), total_label],
                       "country-oecd-permanent-data")
    return chart("country-oecd-permanent", figure, table, lang)


def _foreign_chart(db: Database, code: int, frame: pd.DataFrame, name: str, lang: str) -> list:
    label = t(lang, "country_flows.foreign_series")
    figure = figures.grouped_bars(frame, category="year", series={"persons": label}, lang=lang,
                                  title=t(lang, "country_flows.foreign_title", name=name),
                                  source=_cited(flows.flow_citations(db, code, "foreign_inflow_national"), lang),
                                  y_title=t(lang, "axis.persons"), year_basis="calendar_year")
    table = data_table(_counts(frame, ["persons"], lang)[["year", "persons"]], [t(lang, "table.year"), label],
                       "country-oecd-foreign-data")
    return chart("country-oecd-foreign", figure, table, lang)


def idmc_panel(db: Database, code: int, name: str, lang: str) -> list:
    """New displacements by disasters and by conflict per year, each from IDMC's newest release
    of that cause, cited with its CC BY-NC 4.0 licence; one line when IDMC has no figure."""
    if "internal_displacement" not in flows.loaded(db):
        return [not_loaded_notice(lang, "idmc")]
    frame = flows.country_displacement(db, code)
    if frame.empty:
        return [notice(t(lang, "country_flows.no_idmc", name=name), "info")]
    series = {"disaster": t(lang, "country_flows.idmc_disaster"), "conflict": t(lang, "country_flows.idmc_conflict")}
    vintages = sorted({v for v in (*frame["disaster_vintage"], *frame["conflict_vintage"]) if isinstance(v, str)})
    figure = figures.grouped_bars(frame, category="year", series=series, lang=lang,
                                  title=t(lang, "country_flows.idmc_title", name=name),
                                  source=_cited(flows.idmc_citations(db, vintages), lang),
                                  y_title=t(lang, "axis.persons"), year_basis="calendar_year")
    table = data_table(_counts(frame, ["disaster", "conflict"], lang)[["year", "disaster", "conflict"]],
                       [t(lang, "table.year"), *series.values()], "country-idmc-data")
    note = html.P(t(lang, "country_flows.idmc_note"), className="note")
    return [note, *chart("country-idmc", figure, table, lang)]


def iom_panel(db: Database, code: int, name: str, lang: str) -> list:
    """Dead and missing recorded in the country, for the years whose IOM files name a country
    (the coverage said in a line); one line when none is recorded there."""
    if "missing_migrants" not in flows.loaded(db):
        return [not_loaded_notice(lang, "iom_missing_migrants")]
    frame = flows.country_dead_and_missing(db, code)
    years = ", ".join(str(int(y)) for y in frame["year"])
    if frame.empty:
        return [notice(t(lang, "country_flows.no_iom_years"), "info")]
    if not frame["dead_and_missing"].sum():
        return [notice(t(lang, "country_flows.no_iom", name=name, years=years), "info")]
    label = t(lang, "flows_page.dead_missing")
    cited = [c for c in (flows.file_covering(db, int(y)) for y in frame["year"]) if c]
    source = f"{_cited(list({c['dataset']: c for c in cited}.values()), lang)} {t(lang, 'flows_page.minimum_estimates')}"
    labelled = frame.assign(year=frame["year"].astype(int).astype(str))  # two bars, not a continuous axis
    figure = figures.grouped_bars(labelled, category="year", series={"dead_and_missing": label}, lang=lang,
                                  title=t(lang, "country_flows.iom_title", name=name), source=source,
                                  y_title=t(lang, "axis.persons"), year_basis="calendar_year")
    table = data_table(_counts(labelled, ["dead_and_missing"], lang)[["year", "dead_and_missing"]],
                       [t(lang, "table.year"), label], "country-iom-data")
    note = html.P(t(lang, "country_flows.iom_coverage", years=years), className="note")
    return [note, *chart("country-iom", figure, table, lang)]
