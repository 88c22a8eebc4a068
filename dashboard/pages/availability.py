"""Data availability: which OAS member state has figures from which source, up to which year
(for the data-and-statistics meeting). Gaps are marked by a symbol and a text, not by colour
alone; the matrix downloads as CSV; each series' vintage is listed under it."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard.components import (
    data_table,
    database,
    href,
    indicator_source_line,
    missing_notice,
    needs_database,
    notice,
    page_frame,
    table_box,
    url_sync_script,
)
from readside import availability, citations
from readside.availability import BEHIND, BY_SOURCE, GAP, SOURCES
from readside.queries import Database
from readside.text import decimal, language, t

dash.register_page(__name__, path="/availability", name="Availability", order=85)

PATH = "/availability"
DOWNLOAD = "/download/availability.csv"
FIXED = ("area_code", "iso3", "name")
# Colour is a second cue only: every gap also reads "—" plus a text for screen readers.
HEADER = {"whiteSpace": "normal", "minWidth": "5em", "maxWidth": "9em", "textAlign": "center", "verticalAlign": "bottom"}
STYLES = {GAP: {"background": "#f6d5cf", "color": "#5c1a0b"}, BEHIND: {"background": "#fbeec2"}}


@needs_database(PATH)
def layout(lang: str = "en", columns: str | None = None, **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    chosen = availability.parse_columns(columns)
    return page_frame(
        lang, PATH, {"columns": columns},
        html.H1(t(lang, "availability.title")),
        html.P(t(lang, "availability.intro")),
        html.P(t(lang, "availability.members", note=availability.roster_note(db, lang)), className="note"),
        *_bad_choice(lang, columns, chosen),
        html.Div([html.Div([html.Label(t(lang, "availability.columns"), htmlFor="avail-columns"),
                            dcc.Dropdown(id="avail-columns", options=_column_options(lang), value=chosen,
                                         clearable=False, searchable=False)])], className="controls"),
        html.P(t(lang, "availability.legend"), className="note"),
        html.Div(matrix_section(db, lang, chosen), id="avail-matrix-section"),
        html.P(t(lang, "availability.iom_note"), className="note"),
        html.H2(t(lang, "availability.vintages_title")),
        html.P(t(lang, "availability.vintages_intro")),
        vintages_table(db, lang),
        html.Div([html.P(indicator_source_line(db, s, lang), className="source-line") for s in availability.loaded_sources(db)]),
        dcc.Store(id="avail-lang", data=lang),
        html.Div(id="avail-url-sync", hidden=True),
    )


def _column_options(lang: str) -> list[dict]:
    return [{"label": t(lang, "availability.by_source"), "value": BY_SOURCE},
            *({"label": t(lang, "availability.series_of", source=availability.source_label(s, lang)), "value": s}
              for s in SOURCES)]


def _bad_choice(lang: str, value: object, chosen: str) -> list:
    if value in (None, "") or value == chosen:
        return []
    return [notice(t(lang, "availability.bad_columns", value=str(value)[:40]), "warning")]


def matrix_section(db: Database, lang: str, chosen: str) -> list:
    """Notices for sources not loaded, the CSV link and the matrix (none when nothing to show)."""
    loaded = availability.loaded_sources(db)
    missing = [s for s in (SOURCES if chosen == BY_SOURCE else (chosen,)) if s not in loaded]
    notices = [missing_notice(lang, t(lang, "availability.not_loaded", source=availability.source_label(s, lang), mirror=s))
               for s in missing]
    if chosen != BY_SOURCE and chosen in missing:
        return notices
    link = html.A(t(lang, "availability.download"), id="avail-download", className="download",
                  href=href(DOWNLOAD, lang=lang, columns=chosen))
    return [*notices, html.Div(link, className="download-links"), matrix_table(db, lang, chosen)]


def matrix_table(db: Database, lang: str, chosen: str) -> html.Div:
    """Member states × sources (or one source's series), the latest year in each cell."""
    matrix = availability.member_matrix(db, lang, chosen)
    keys = [c for c in matrix.columns if c not in FIXED]
    status = availability.cell_status(matrix, keys)
    head = html.Thead(html.Tr([html.Th(t(lang, "availability.col.member"), scope="col"),
                               *(html.Th(_header(db, lang, chosen, k), scope="col", style=HEADER) for k in keys)]))
    body = html.Tbody([
        html.Tr([html.Th(row["name"], scope="row"),
                 *(_cell(row[k], status.at[i, k], matrix[k].max(), lang) for k in keys)])
        for i, row in matrix.iterrows()])
    counts = [html.Td(t(lang, "availability.count", n=decimal(matrix[k].notna().sum(), lang, 0),
                        total=decimal(len(matrix), lang, 0))) for k in keys]
    foot = html.Tfoot(html.Tr([html.Th(t(lang, "availability.with_data"), scope="row"), *counts]))
    table = html.Table([html.Caption(t(lang, "availability.caption"), style={"textAlign": "left"}), head, body, foot],
                       id="avail-matrix", className="data-table")
    box = table_box("avail-matrix-box", lang, table)
    box.style = {"maxHeight": "none", "position": "relative"}  # keeps the hidden texts inside the scroll box
    return box


def _header(db: Database, lang: str, chosen: str, key: str) -> str:
    if chosen == BY_SOURCE:
        return availability.source_label(key, lang)
    return availability.series_label(key, lang, availability.series_names(db, lang))


def _cell(value: object, state: str, newest: object, lang: str) -> html.Td:
    """A year, a year marked as behind the column's newest, or a gap: symbol + hidden text."""
    if state == GAP:
        parts = [html.Span("—", **{"aria-hidden": "true"}),
                 html.Span(t(lang, "availability.gap"), className="visually-hidden")]
    elif state == BEHIND:
        parts = [str(int(value)), html.Span("*", **{"aria-hidden": "true"}),
                 html.Span(t(lang, "availability.behind", newest=int(newest)), className="visually-hidden")]
    else:
        parts = [str(int(value))]
    return html.Td(parts, className=f"avail-{state}", style={"textAlign": "center", **STYLES.get(state, {})})


def vintages_table(db: Database, lang: str) -> html.Div:
    """Every series behind the matrix with its vintage and years among the member states."""
    codes = [int(c) for c in availability.members(db)["area_code"]]
    overview = availability.series_overview(db, codes)
    names = availability.series_names(db, lang)
    shown = pd.DataFrame({
        "source": overview["source"].map(lambda s: availability.source_label(s, lang)),
        "series": overview["series"].map(lambda s: availability.series_label(s, lang, names)),
        "vintage": overview["vintage"].map(lambda v: citations.vintage(v, lang)), "first": overview["first_year"].astype(str),
        "latest": overview["latest_year"].astype(str),
        "areas": [t(lang, "availability.count", n=decimal(n, lang, 0), total=decimal(len(codes), lang, 0))
                  for n in overview["areas"]]})
    headers = [t(lang, f"availability.col.{c}") for c in ("source", "series", "vintage", "first", "latest", "areas")]
    box = table_box("avail-vintages-box", lang, data_table(shown, headers, "avail-vintages"))
    box.style = {"maxHeight": "none"}
    return box


@callback(Output("avail-matrix-section", "children"), Input("avail-columns", "value"), State("avail-lang", "data"),
          prevent_initial_call=True)
def update_matrix(columns: object, lang: object) -> list:
    return matrix_section(database(), language(lang), availability.parse_columns(columns))


clientside_callback(url_sync_script("columns"), Output("avail-url-sync", "children"), Input("avail-columns", "value"))
