"""Data: choose dataset, revision, areas, years, sex -> preview -> download exactly that."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, clientside_callback, dash_table, dcc, html

from dashboard import queries
from dashboard.components import (
    database,
    notice,
    page_frame,
    parse_revision,
    revision_control,
    selection_notices,
    url_sync_script,
)
from dashboard.extract import DATASETS, SelectionError, parse_selection
from dashboard.queries import SEXES, NoDatabase
from dashboard.text import decimal, language, t
from etl.areas import AMERICAS_PARTS, AMERICAS_SUBREGIONS

dash.register_page(__name__, path="/data", name="Data", order=50)

PATH = "/data"
PREVIEW_ROWS = 200
DEFAULT_AREAS = [*AMERICAS_PARTS, *AMERICAS_SUBREGIONS]


def _split(value: object) -> list[str]:
    return [p for p in str(value or "").split(",") if p]


def layout(lang: str = "en", dataset: str = "stock", revision: str | None = None, areas: str | None = None,
           years: str | None = None, sex: str = "total", **_: object) -> html.Div:
    lang = language(lang)
    params = {"dataset": dataset, "revision": revision, "areas": areas, "years": years, "sex": sex}
    try:
        db = database()
        available = queries.revisions(db)
        selector = queries.areas_for_selector(db)
    except NoDatabase:
        return page_frame(lang, PATH, params, notice(t(lang, "notice.no_database"), "warning"))
    chosen, bad_revision = parse_revision(revision, available)
    dataset = dataset if dataset in DATASETS else "stock"
    known = set(selector["code"])
    chosen_areas = [int(a) for a in _split(areas) if a.isdigit() and int(a) in known] or DEFAULT_AREAS
    chosen_years = [int(y) for y in _split(years) if y.isdigit()]
    chosen_sexes = [s for s in _split(sex) if s in SEXES] or ["total"]
    name_col = "name_es" if lang == "es" else "name_en"
    area_options = [{"label": f"{row[name_col]} ({row['iso3'] or row['code']})", "value": int(row["code"])} for _, row in selector.iterrows()]
    controls = html.Div(
        [
            html.Div([html.Label(t(lang, "data.dataset"), id="data-dataset-label"),
                      dcc.RadioItems(id="data-dataset", value=dataset,
                                     options=[{"label": t(lang, f"data.dataset.{d}"), "value": d} for d in DATASETS])]),
            revision_control("data-revision", lang, available, chosen),
            html.Div([html.Label(t(lang, "data.areas"), htmlFor="data-areas"),
                      dcc.Dropdown(id="data-areas", options=area_options, value=chosen_areas, multi=True)], style={"minWidth": "360px"}),
            html.Div([html.Label(t(lang, "data.years"), htmlFor="data-years"),
                      dcc.Dropdown(id="data-years", options=queries.years(db, chosen), value=chosen_years, multi=True)]),
            html.Div([html.Label(t(lang, "data.sexes"), id="data-sex-label"),
                      dcc.Checklist(id="data-sex", value=chosen_sexes, inline=True,
                                    options=[{"label": " " + t(lang, f"sex.{s}"), "value": s} for s in SEXES])]),
        ],
        className="controls",
    )
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "data.title")),
        html.P(t(lang, "data.intro")),
        *selection_notices(lang, bad_revision, chosen, None),
        controls,
        html.Div(id="data-links", className="download-links"),
        html.P(id="data-count", **{"aria-live": "polite"}),
        dash_table.DataTable(id="data-preview", page_size=20, style_table={"overflowX": "auto"},
                             style_cell={"fontFamily": "Arial, sans-serif", "fontSize": "13px"}),
        dcc.Store(id="data-lang", data=lang),
        html.Div(id="data-url-sync", hidden=True),
    )


@callback(
    Output("data-preview", "data"), Output("data-preview", "columns"), Output("data-count", "children"),
    Output("data-links", "children"),
    Input("data-dataset", "value"), Input("data-revision", "value"), Input("data-areas", "value"),
    Input("data-years", "value"), Input("data-sex", "value"), State("data-lang", "data"),
)
def update_preview(dataset: object, revision: object, areas: object, years: object, sexes: object, lang: object):
    lang = language(lang)
    db = database()
    args = {"dataset": dataset, "revision": revision, "areas": _join(areas), "years": _join(years), "sex": _join(sexes)}
    try:
        selection = parse_selection(args, db)
    except SelectionError as error:
        return [], [], notice(t(lang, "data.invalid", error=str(error)), "warning"), None
    preview, total = queries.extract_preview(db, DATASETS[selection.dataset], selection, PREVIEW_ROWS)
    query = selection.query_string()
    links = [
        html.A(t(lang, "data.download_zip"), href=f"/download/zip?{query}", id="download-zip", className="download"),
        html.A(t(lang, "data.download_csv"), href=f"/download/csv?{query}", id="download-csv", className="download"),
        html.A(t(lang, "data.download_parquet"), href=f"/download/parquet?{query}", id="download-parquet", className="download"),
    ]
    count = t(lang, "data.rows", count=decimal(total, lang, 0), shown=min(total, PREVIEW_ROWS))
    columns = [{"name": c, "id": c} for c in preview.columns]
    return preview.to_dict("records"), columns, count, links


def _join(value: object) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


clientside_callback(
    url_sync_script("dataset", "revision", "areas", "years", "sex", "lang"),
    Output("data-url-sync", "children"),
    Input("data-dataset", "value"), Input("data-revision", "value"), Input("data-areas", "value"),
    Input("data-years", "value"), Input("data-sex", "value"), State("data-lang", "data"),
)
