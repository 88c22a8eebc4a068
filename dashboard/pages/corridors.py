"""Flows by subregion: origin -> destination between the Americas' subregions and the rest of the world."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures, queries
from dashboard.components import (
    chart_block,
    data_table,
    database,
    needs_database,
    notice,
    page_frame,
    parse_revision,
    parse_sex,
    resolve_selection,
    revision_control,
    sex_control,
    source_line,
    url_sync_script,
)
from dashboard.text import language, t
from dashboard.transform import REST, subregion_links
from etl.areas import AMERICAS_SUBREGIONS

dash.register_page(__name__, path="/corridors", name="Corridors", order=20)

PATH = "/corridors"
TOP_N = 20


@needs_database(PATH)
def layout(lang: str = "en", revision: str | None = None, sex: str = "total", year: str | None = None, **_: object) -> html.Div:
    lang = language(lang)
    params = {"revision": revision, "sex": sex, "year": year}
    db = database()
    available = queries.revisions(db)
    chosen, sex, notices = resolve_selection(lang, revision, sex, available)
    years = queries.years(db, chosen)
    chosen_year = int(year) if str(year).isdigit() and int(str(year)) in years else years[-1]
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "corridors.title")),
        html.P(t(lang, "corridors.intro")),
        *notices,
        html.Div(
            [
                revision_control("corr-revision", lang, available, chosen),
                html.Div([html.Label(t(lang, "corridors.year"), htmlFor="corr-year"),
                          dcc.Dropdown(id="corr-year", options=years, value=chosen_year, clearable=False)]),
                sex_control("corr-sex", lang, sex),
            ],
            className="controls",
        ),
        html.Div(id="corr-notice"),
        *chart_block("corr-sankey", "migdash-corridors-sankey", lang, height="560px"),
        *chart_block("corr-matrix", "migdash-corridors-matrix", lang, height="520px"),
        html.H2(id="corr-top-title"),
        html.Div(id="corr-top"),
        dcc.Store(id="corr-lang", data=lang),
        html.Div(id="corr-url-sync", hidden=True),
    )


@callback(
    Output("corr-notice", "children"),
    Output("corr-sankey", "figure"), Output("corr-sankey-table", "children"),
    Output("corr-matrix", "figure"), Output("corr-matrix-table", "children"),
    Output("corr-top-title", "children"), Output("corr-top", "children"),
    Input("corr-revision", "value"), Input("corr-year", "value"), Input("corr-sex", "value"),
    State("corr-lang", "data"),
)
def update_corridors(revision: object, year: object, sex: object, lang: object):
    lang = language(lang)
    db = database()
    revision, _ = parse_revision(revision, queries.revisions(db))
    sex, _ = parse_sex(sex)
    years = queries.years(db, revision)
    year = year if year in years else years[-1]
    source = source_line(db, revision, lang)
    name_col = "name_es" if lang == "es" else "name_en"
    sankey_title = t(lang, "corridors.sankey_title", sex=t(lang, f"sex.{sex}"), year=year, revision=revision)
    base = years[0]
    top_title = t(lang, "corridors.top_title", n=TOP_N, year=year, base=base)
    if not queries.has_origin_data(db, revision):
        message = notice(t(lang, "notice.no_origin_data", revision=revision), "warning")
        empty = figures.empty_figure(t(lang, "notice.no_origin_data", revision=revision)[:90] + "…")
        return message, empty, None, empty, None, top_title, None
    totals = queries.stock_series(db, revision, AMERICAS_SUBREGIONS, sex)
    totals = totals[totals["year"] == year]
    names = dict(zip(totals["area_code"], totals[name_col], strict=True)) | {REST: t(lang, "corridors.rest")}
    links = subregion_links(queries.flows_between(db, revision, year, AMERICAS_SUBREGIONS, sex), totals)
    sankey = figures.sankey(links, names, lang=lang, title=sankey_title, source=source)
    named = links.assign(origin=links["origin_code"].map(names), destination=links["destination_code"].map(names))
    matrix = named.pivot_table(index="origin", columns="destination", values="migrants", aggfunc="sum")
    heat = figures.heatmap(matrix, lang=lang, title=t(lang, "corridors.matrix_title", year=year), source=source)
    links_table = data_table(
        named.assign(migrants=named["migrants"].map("{:,}".format))[["origin", "destination", "migrants"]],
        [t(lang, "table.origin"), t(lang, "table.destination"), t(lang, "table.migrants")], "corr-links-data",
    )
    top = queries.top_corridors(db, revision, year, base, TOP_N, sex)
    return None, sankey, links_table, heat, links_table, top_title, _top_table(top, lang, base)


def _top_table(top: pd.DataFrame, lang: str, base: int) -> html.Table:
    suffix = "es" if lang == "es" else "en"
    change = (top["migrants"] - top["base_migrants"]).map(lambda v: "" if pd.isna(v) else f"{v:+,.0f}")
    shown = pd.DataFrame(
        {"origin": top[f"origin_{suffix}"], "destination": top[f"destination_{suffix}"],
         "migrants": top["migrants"].map("{:,}".format), "change": change}
    )
    headers = [t(lang, "table.origin"), t(lang, "table.destination"), t(lang, "table.migrants"), t(lang, "table.change", base=base)]
    return data_table(shown, headers, "corr-top-data")


clientside_callback(
    url_sync_script("revision", "year", "sex", "lang"),
    Output("corr-url-sync", "children"),
    Input("corr-revision", "value"), Input("corr-year", "value"), Input("corr-sex", "value"),
    State("corr-lang", "data"),
)
