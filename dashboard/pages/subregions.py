"""Subregions: stock per subregion, immigrants vs emigrants, migrants as % of population."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures
from dashboard.components import (
    chart_block,
    data_table,
    database,
    missing_notice,
    needs_database,
    page_frame,
    parse_revision,
    parse_sex,
    resolve_selection,
    revision_control,
    sex_control,
    source_line,
    url_sync_script,
)
from etl.areas import AMERICAS_SUBREGIONS
from readside import corridors, queries
from readside.text import decimal, language, name_column, t

dash.register_page(__name__, path="/subregions", name="Subregions", order=10)

PATH = "/subregions"


@needs_database(PATH)
def layout(lang: str = "en", revision: str | None = None, sex: str = "total", **_: object) -> html.Div:
    lang = language(lang)
    params = {"revision": revision, "sex": sex}
    available = queries.revisions(database())
    chosen, sex, notices = resolve_selection(lang, revision, sex, available)
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "subregions.title")),
        html.P(t(lang, "subregions.intro")),
        *notices,
        html.Div([revision_control("sub-revision", lang, available, chosen), sex_control("sub-sex", lang, sex)], className="controls"),
        *chart_block("sub-stock", "migdash-subregions-stock", lang, height="620px"),
        html.Div(id="sub-flows-notice"),
        *chart_block("sub-flows", "migdash-subregions-immigrants-emigrants", lang),
        *chart_block("sub-share", "migdash-subregions-share", lang),
        dcc.Store(id="sub-lang", data=lang),
        html.Div(id="sub-url-sync", hidden=True),
    )


@callback(
    Output("sub-stock", "figure"), Output("sub-stock-table", "children"),
    Output("sub-flows", "figure"), Output("sub-flows-table", "children"), Output("sub-flows-notice", "children"),
    Output("sub-share", "figure"), Output("sub-share-table", "children"),
    Input("sub-revision", "value"), Input("sub-sex", "value"), State("sub-lang", "data"),
)
def update_subregions(revision: object, sex: object, lang: object):
    lang = language(lang)
    db = database()
    revision, _ = parse_revision(revision, queries.revisions(db))
    sex, _ = parse_sex(sex)
    source = source_line(db, revision, lang)
    sex_label = t(lang, f"sex.{sex}")
    name_col = name_column(lang)

    stock = queries.stock_series(db, revision, AMERICAS_SUBREGIONS, sex)
    # one panel per subregion, each on its own scale: beside Northern America's 59 million the
    # Caribbean's 1.5 million would be a flat line on one shared scale
    stock_fig = figures.small_multiples(
        stock, value="migrants", lang=lang, source=source, y_title=t(lang, "axis.migrants"),
        title=t(lang, "subregions.stock_title", sex=sex_label, revision=revision),
    )
    stock_table = _table(stock, name_col, "migrants", lang, people_format=True)

    flows, flows_notice = _immigrants_vs_emigrants(db, revision, sex, lang, name_col, stock)
    year = int(stock["year"].max()) if not stock.empty else revision
    flows_title, flows_source = t(lang, "subregions.flows_title", sex=sex_label, year=year, revision=revision), source
    editions = corridors.bilateral_editions(db)
    if flows["emigrants"].isna().all() and editions:  # no UN DESA origin data: the KNOMAD matrix, labelled
        flows, flows_notice = _knomad_immigrants_vs_emigrants(db, editions[0], revision, lang, name_col)
        flows_title = t(lang, "subregions.flows_title_knomad", edition=editions[0])
        flows_source = corridors.knomad_source_line(db, editions[0], lang)
    flows_fig = figures.grouped_bars(
        flows, category=name_col, lang=lang, source=flows_source, y_title=t(lang, "axis.migrants"),
        series={"immigrants": t(lang, "subregions.immigrants"), "emigrants": t(lang, "subregions.emigrants")},
        title=flows_title, horizontal=True,
    )
    flows_table = data_table(
        flows.assign(immigrants=flows["immigrants"].map(lambda v: _fmt_optional(v, lang)),
                     emigrants=flows["emigrants"].map(lambda v: _fmt_optional(v, lang)))[[name_col, "immigrants", "emigrants"]],
        [t(lang, "table.area"), t(lang, "subregions.immigrants"), t(lang, "subregions.emigrants")], "sub-flows-data",
    )

    share = queries.share_series(db, revision, AMERICAS_SUBREGIONS, sex)
    share_fig = figures.lines(
        share, value="percent_of_population", lang=lang, source=source, y_title=t(lang, "axis.percent"), percent=True,
        title=t(lang, "subregions.share_title", sex=sex_label, revision=revision),
    )
    share_table = _table(share, name_col, "percent_of_population", lang, people_format=False)
    return stock_fig, stock_table, flows_fig, flows_table, flows_notice, share_fig, share_table


def _knomad_immigrants_vs_emigrants(db, edition: int, revision: int, lang: str, name_col: str):
    """Both bars from one matrix (never UN DESA's immigrants beside KNOMAD's emigrants)."""
    totals = corridors.bilateral_subregion_totals(db, edition)
    names = queries.area_names(db, list(AMERICAS_SUBREGIONS)).set_index("code")[name_col]
    frame = totals.assign(**{name_col: totals["area_code"].map(names)})
    message = missing_notice(lang, t(lang, "subregions.knomad_instead", revision=revision, edition=edition), "info")
    return frame[[name_col, "immigrants", "emigrants"]], message


def _immigrants_vs_emigrants(db, revision: int, sex: str, lang: str, name_col: str, stock: pd.DataFrame):
    """Latest-year immigrants per subregion beside its emigrants (needs origin data)."""
    if stock.empty:
        return pd.DataFrame(columns=[name_col, "immigrants", "emigrants"]), None
    year = stock["year"].max()
    latest = stock[stock["year"] == year].rename(columns={"migrants": "immigrants"})
    out = queries.emigrants(db, revision, AMERICAS_SUBREGIONS, sex)
    out = out[out["year"] == year][["area_code", "migrants"]].rename(columns={"migrants": "emigrants"})
    merged = latest.merge(out, on="area_code", how="left")
    message = None if not out.empty else missing_notice(lang, t(lang, "notice.no_origin_data", revision=revision), "info")
    return merged[[name_col, "immigrants", "emigrants"]], message


def _fmt_optional(value: float, lang: str) -> str:
    return "" if pd.isna(value) else decimal(value, lang, 0)


def _table(frame: pd.DataFrame, name_col: str, value: str, lang: str, *, people_format: bool) -> html.Table:
    shown = frame[["year", name_col, value]].copy()
    shown[value] = shown[value].map(lambda v: decimal(v, lang, 0 if people_format else 2))
    headers = [t(lang, "table.year"), t(lang, "table.area"), t(lang, "axis.percent") if not people_format else t(lang, "table.migrants")]
    return data_table(shown, headers, f"table-{value}")


clientside_callback(
    url_sync_script("revision", "sex", "lang"),
    Output("sub-url-sync", "children"),
    Input("sub-revision", "value"), Input("sub-sex", "value"), State("sub-lang", "data"),
)
