"""Data: choose dataset, revision, areas, years, sex -> preview -> download exactly that.

The page and the download route share one validator (readside.extract): the page shows the
closest valid view with a notice for each parameter it left out, the links reproduce the
selection exactly, and the URL mirrors the controls so a link opens the same view.
"""

from __future__ import annotations

import inspect

import dash
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard.components import database, notice, page_frame, url_sync_script
from dashboard.downloads import api_path
from dashboard.openapi import API_PREFIX
from etl.areas import AMERICAS_PARTS, AMERICAS_SUBREGIONS
from readside import extract_queries, groupings, queries
from readside.extract import (
    Rejected,
    SelectionError,
    parse_selection,
    pick_sexes,
    query_string,
    read_selection,
)
from readside.extract_queries import EXTRACT_VIEWS, Selection
from readside.queries import SEXES, NoDatabase
from readside.text import decimal, language, name_column, strings, t

dash.register_page(__name__, path="/data", name="Data", order=50)

PATH = "/data"
PREVIEW_ROWS = 200
AMERICAS_PRESET = tuple(dict.fromkeys([*AMERICAS_PARTS, *AMERICAS_SUBREGIONS]))
URL_PARAMS = ("dataset", "revision", "areas", "years", "sex", "origins", "series", "lang")
DROPDOWN_LABELS = ("select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
                   "no_options_found")


# ---- layout ----


def layout(lang: str = "en", dataset: str | None = None, revision: str | None = None, areas: str | None = None,
           years: str | None = None, sex: str | None = None, origins: str | None = None, series: str | None = None,
           **_: object) -> html.Div:
    lang = language(lang)
    params = {"dataset": dataset, "revision": revision, "areas": areas, "years": years, "sex": sex, "origins": origins,
              "series": series}
    try:
        db = database()
        selection, rejected = read_selection(params, db)
        controls = _controls(db, selection, pick_sexes(sex)[0], explicit_years=bool(years), lang=lang)
    except NoDatabase:
        return page_frame(lang, PATH, params, notice(t(lang, "notice.no_database"), "warning"))
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "data.title")),
        html.P(t(lang, "data.intro")),
        *_rejection_notices(rejected, lang),
        controls,
        html.Div(id="data-notice", **{"aria-live": "polite"}),
        html.H2(t(lang, "data.downloads"), className="data-downloads-title"),
        html.Div(id="data-links", className="download-links"),
        html.P(id="data-count", **{"aria-live": "polite"}),
        _preview_box(lang),
        dcc.Store(id="data-lang", data=lang),
        html.Div(id="data-url-sync", hidden=True),
    )


def dropdown_labels(lang: str) -> dict[str, dict[str, str]]:
    """The dropdown's own texts (search box, counts, buttons), English unless given (Dash >= 4)."""
    if "labels" not in inspect.signature(dcc.Dropdown).parameters:
        return {}
    return {"labels": {key: t(lang, f"data.dropdown.{key}") for key in DROPDOWN_LABELS}}


def _rejection_notices(rejected: list[Rejected], lang: str) -> list[html.Div]:
    """One friendly warning per URL parameter the database cannot answer (shown as text, never run)."""
    return [notice(f"{r.message(lang)} {t(lang, 'data.left_out')}", "warning") for r in rejected]


def _controls(db: queries.Database, selection: Selection, sexes: tuple[str, ...], *, explicit_years: bool,
              lang: str) -> html.Div:
    """Controls initialised from the (validated) URL selection."""
    published = extract_queries.extract_years(db, selection.dataset, selection.revision)
    years = list(selection.years) if explicit_years and set(selection.years) != set(published) else []
    revisions = extract_queries.extract_revisions(db)
    return html.Div(
        [
            _dataset_control(revisions, selection.dataset, lang),
            html.Div(_revision_control(revisions[selection.dataset], selection.revision, lang, selection.dataset)),
            _area_control(db, list(selection.areas or AMERICAS_PRESET), lang),
            html.Div([html.Label(t(lang, "data.years"), htmlFor="data-years"),
                      dcc.Dropdown(id="data-years", options=published, value=years, multi=True,
                                   placeholder=t(lang, "data.years.all"), **dropdown_labels(lang))]),
            _sex_control(selection.dataset, list(sexes), lang),
            _series_control(db, selection, lang),
            _origins_control(db, selection, lang),
        ],
        className="controls data-controls",
    )


def _dataset_control(held: dict[str, list[int]], dataset: str, lang: str) -> html.Div:
    """Every dataset; those this build holds no rows of are shown disabled, with the command."""

    def option(key: str) -> dict:
        label = t(lang, f"data.dataset.{key}")
        if held[key]:
            return {"label": label, "value": key}
        return {"label": t(lang, "data.dataset.not_loaded", label=label), "value": key, "disabled": True}

    return html.Div(
        [html.Label(t(lang, "data.dataset"), id="data-dataset-label"),
         dcc.RadioItems(id="data-dataset", value=dataset, inputStyle={"marginRight": "6px"},
                        options=[option(d) for d in EXTRACT_VIEWS])],
        role="radiogroup", **{"aria-labelledby": "data-dataset-label"},
    )


def _revision_control(held: list[int], chosen: int, lang: str, dataset: str) -> list:
    return [html.Label(t(lang, "control.revision"), htmlFor="data-revision"),
            dcc.Dropdown(id="data-revision", options=_revision_options(held, lang, dataset), value=chosen,
                         clearable=False, searchable=False, **dropdown_labels(lang))]


def _revision_options(held: list[int], lang: str, dataset: str = "stock") -> list[dict]:
    """Each revision named as its publisher dates it (OECD's "data to", IDMC's export year…)."""
    own = f"data.revision_label.{dataset}"
    key = own if own in strings(language(lang)) else "revision.label"
    return [{"label": t(lang, key, revision=r), "value": r} for r in reversed(held)]


def _area_control(db: queries.Database, chosen: list[int], lang: str) -> html.Div:
    """Searchable multi-select (name, ISO3 or M49 code) with presets for the usual groups."""
    selector = queries.areas_for_selector(db)
    name = name_column(lang)
    options = [{"label": f"{row[name]} ({row['iso3'] if isinstance(row['iso3'], str) else row['code']})",
                "value": int(row["code"])} for _, row in selector.iterrows()]
    presets = [html.Button(t(lang, f"data.preset.{key}"), id=f"data-preset-{key}", n_clicks=0, className="preset",
                           type="button") for key in ("americas", "oas")]
    # every other grouping of data/groupings (CARICOM, SICA, CAN, Mercosur): its roster members
    presets += [html.Button(row[name], id={"type": "data-preset-group", "grouping": row["grouping"]}, n_clicks=0,
                            className="preset", type="button")
                for _, row in groupings.groupings(db).iterrows() if row["grouping"] != "oas"]
    presets.append(html.Button(t(lang, "data.preset.clear"), id="data-preset-clear", n_clicks=0, className="preset",
                               type="button"))
    return html.Div(
        [html.Label(t(lang, "data.areas"), htmlFor="data-areas"),
         dcc.Dropdown(id="data-areas", options=options, value=chosen, multi=True,
                      placeholder=t(lang, "data.areas.placeholder"), **dropdown_labels(lang)),
         html.Div(presets, className="presets")],
        className="data-areas",
    )


def _sex_control(dataset: str, sexes: list[str], lang: str) -> html.Div:
    return html.Div(
        [html.Label(t(lang, "data.sexes"), id="data-sex-label"),
         dcc.Checklist(id="data-sex", value=sexes, inline=True, inputStyle={"marginRight": "4px", "marginLeft": "10px"},
                       options=_sex_options(dataset, lang)),
         html.Div(id="data-sex-note", className="control-note")],
        role="group", **{"aria-labelledby": "data-sex-label"},
    )


def _sex_options(dataset: str, lang: str) -> list[dict]:
    disabled = not EXTRACT_VIEWS[dataset].has_sex
    return [{"label": t(lang, f"sex.{s}"), "value": s, "disabled": disabled} for s in SEXES]


def _origins_control(db: queries.Database, selection: Selection, lang: str) -> html.Div:
    return html.Div(
        [html.Label(t(lang, "data.origins"), id="data-origins-label"),
         dcc.Checklist(id="data-origins", value=["all"] if selection.all_origins else [],
                       options=_origin_options(db, selection.revision, lang)),
         html.Div(id="data-origins-note", className="control-note")],
        id="data-origins-block", hidden=not EXTRACT_VIEWS[selection.dataset].has_origin,
        role="group", **{"aria-labelledby": "data-origins-label"},
    )


def _series_control(db: queries.Database, selection: Selection, lang: str) -> html.Div:
    """Which series of an indicator dataset (none chosen: all of them); hidden for UN DESA's."""
    return html.Div(
        [html.Label(t(lang, "data.series"), htmlFor="data-series"),
         dcc.Dropdown(id="data-series", options=_series_options(db, selection.dataset, lang), value=list(selection.series),
                      multi=True, placeholder=t(lang, "data.series.all"), **dropdown_labels(lang))],
        id="data-series-block", hidden=not EXTRACT_VIEWS[selection.dataset].by_series, style={"minWidth": "320px"},
    )


def _series_options(db: queries.Database, dataset: str, lang: str) -> list[dict]:
    if not EXTRACT_VIEWS[dataset].by_series:
        return []
    name = name_column(lang)
    return [{"label": f"{row[name]} ({row['unit']})", "value": row["code"]}
            for _, row in extract_queries.extract_series(db, dataset).iterrows()]


def _origin_options(db: queries.Database, revision: int, lang: str) -> list[dict]:
    loaded = queries.has_origin_data(db, revision)
    return [{"label": t(lang, "data.origins.all"), "value": "all", "disabled": not loaded}]


def _preview_box(lang: str, table: object = None) -> html.Div:
    """The preview: a plain table in its own scrolling box (keyboard-focusable, named for screen
    readers). No grid library: a 200-row preview needs none, and every page then loads less."""
    return html.Div(table, id="data-preview", className="table-scroll", tabIndex="0", role="region",
                    **{"aria-label": t(lang, "data.preview_label")})


# ---- callbacks ----


@callback(
    Output("data-revision", "options"), Output("data-revision", "value"), Output("data-sex", "options"),
    Output("data-sex-note", "children"), Output("data-origins-block", "hidden"),
    Output("data-series", "options"), Output("data-series", "value"), Output("data-series-block", "hidden"),
    Input("data-dataset", "value"), State("data-revision", "value"), State("data-series", "value"),
    State("data-lang", "data"),
)
def on_dataset(dataset: object, revision: object, series: object, lang: object):
    """Revisions this dataset holds (refugee estimates end in 2020) and which controls apply."""
    lang = language(lang)
    revisions = extract_queries.extract_revisions(database())
    dataset = _dataset(dataset, revisions)
    held = revisions[dataset]
    chosen = revision if revision in held else (held[-1] if held else None)
    spec = EXTRACT_VIEWS[dataset]
    note = None if spec.has_sex else t(lang, "data.sexes.none")
    options = _series_options(database(), dataset, lang)
    kept = [s for s in _list(series) if s in {o["value"] for o in options}]
    return (_revision_options(held, lang, dataset), chosen if chosen != revision else dash.no_update,
            _sex_options(dataset, lang), note, not spec.has_origin,
            options, kept if kept != _list(series) else dash.no_update, not spec.by_series)


@callback(
    Output("data-years", "options"), Output("data-years", "value"), Output("data-origins", "options"),
    Output("data-origins-note", "children"),
    Input("data-dataset", "value"), Input("data-revision", "value"), State("data-years", "value"),
    State("data-lang", "data"),
)
def on_revision(dataset: object, revision: object, years: object, lang: object):
    """Years published in the chosen revision (chosen years kept where published), origin data loaded or not."""
    lang = language(lang)
    db = database()
    revisions = extract_queries.extract_revisions(db)
    dataset = _dataset(dataset, revisions)
    held = revisions[dataset]
    revision = revision if revision in held else held[-1]
    published = extract_queries.extract_years(db, dataset, revision)
    years = _list(years)
    chosen = [y for y in years if y in published]
    origins = _origin_options(db, revision, lang)
    note = t(lang, "data.origins.missing") if origins[0]["disabled"] else None
    return published, chosen if chosen != years else dash.no_update, origins, note


@callback(
    Output("data-areas", "value"),
    Input("data-preset-americas", "n_clicks"), Input("data-preset-oas", "n_clicks"), Input("data-preset-clear", "n_clicks"),
    Input({"type": "data-preset-group", "grouping": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def apply_preset(*_clicks: object) -> list[int]:
    """Replace the chosen areas by a preset group: a grouping's roster members, or the Americas."""
    triggered = ctx.triggered_id
    if triggered == "data-preset-americas":
        return list(AMERICAS_PRESET)
    grouping = "oas" if triggered == "data-preset-oas" else getattr(triggered, "grouping", None) or (
        triggered.get("grouping") if isinstance(triggered, dict) else None)
    if grouping:
        members = groupings.members(database(), str(grouping))
        return [int(c) for c in members.loc[members["roster"], "member_code"]]
    return []


@callback(
    Output("data-preview", "children"),
    Output("data-count", "children"), Output("data-links", "children"), Output("data-notice", "children"),
    Input("data-dataset", "value"), Input("data-revision", "value"), Input("data-areas", "value"),
    Input("data-years", "value"), Input("data-sex", "value"), Input("data-origins", "value"),
    Input("data-series", "value"), State("data-lang", "data"),
)
def update_preview(dataset: object, revision: object, areas: object, years: object, sexes: object, origins: object,
                   series: object, lang: object):
    """First rows, row count and download links for exactly the current selection."""
    lang = language(lang)
    db = database()
    args = {"dataset": dataset, "revision": revision, "areas": _join(areas), "years": _join(years),
            "sex": _join(sexes), "origins": "all" if "all" in _list(origins) else "total",
            "series": _join(_list(series))}
    try:
        selection = parse_selection(args, db)
    except SelectionError as error:
        return None, None, None, notice(error.message(lang), "warning")
    preview, total = extract_queries.extract_preview(db, selection, PREVIEW_ROWS)
    return preview_table(selection, preview, lang), _count(total, lang), _links(selection, lang), None


def _count(total: int, lang: str) -> str:
    if total == 0:
        return t(lang, "data.no_rows")
    if total == 1:
        return t(lang, "data.rows_one")
    if total <= PREVIEW_ROWS:
        return t(lang, "data.rows_all", count=decimal(total, lang, 0))
    return t(lang, "data.rows", count=decimal(total, lang, 0), shown=PREVIEW_ROWS)


def _dataset(value: object, held: dict[str, list[int]]) -> str:
    """The chosen dataset if this build holds it, else the default (also for a forged list or number)."""
    if isinstance(value, str) and value in EXTRACT_VIEWS and held[value]:
        return value
    return "stock"


def _list(value: object) -> list:
    """A multi-select's value as a list; a forged scalar counts as nothing chosen."""
    return list(value) if isinstance(value, list | tuple) else []


def _join(value: object) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def preview_table(selection: Selection, frame: pd.DataFrame, lang: str) -> html.Table:
    """Translated headers (each titled with its name in the downloaded file), values formatted
    in the reader's locale, every cell marked with its column for tests and styles."""
    value_column = EXTRACT_VIEWS[selection.dataset].value_column
    head = html.Thead(html.Tr([html.Th(t(lang, f"data.column.{c}"), scope="col", title=c, **{"data-col": c})
                               for c in frame.columns]))
    body = html.Tbody([
        html.Tr([html.Td(_category(value, lang) if c == "category" else _cell(value, lang, c == value_column),
                         **{"data-col": c},
                         className="number" if c == value_column else None)
                 for c, value in zip(frame.columns, row, strict=True)])
        for row in frame.itertuples(index=False)])
    return html.Table([head, body], className="data-table preview")


def _category(code: object, lang: str) -> str:
    """An OECD category of entry in words, its code (as in the download) beside it:
    'International students (STU)', 'Family (family)' is just 'Family'."""
    for prefix in ("flows_page.temporary", "flows_page.permanent"):
        key = f"{prefix}.{code}"
        if key in strings(lang):
            words = t(lang, key)
            return words if str(code).islower() else f"{words} ({code})"
    return _cell(code, lang, False)


def _cell(value: object, lang: str, is_value: bool) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool | np.bool_):  # the not_reported flag: words, not Python's True/False
        return t(lang, f"data.value.{str(bool(value)).lower()}")
    if is_value and isinstance(value, int | float):
        shown = decimal(float(value), lang, 0 if float(value).is_integer() else 3)
        return shown.rstrip("0").rstrip(",.") if not float(value).is_integer() else shown
    return str(value)


def _links(selection: Selection, lang: str) -> list:
    query = query_string(selection, lang)
    links = [(fmt, fmt, query) for fmt in ("zip", "csv")] + [("excel", "csv", query + "&excel=1"),
                                                            ("xlsx", "xlsx", query), ("parquet", "parquet", query)]
    return [
        *(html.A(t(lang, f"data.download_{name}"), href=f"{dash.get_relative_path(f'/download/{fmt}')}?{args}",
                 id=f"download-{name}", className="download", download="", title=t(lang, f"data.download_{name}.title"))
          for name, fmt, args in links),
        _api_link(selection, lang),
    ]


def _api_link(selection: Selection, lang: str) -> html.P:
    """The same selection through the versioned API (for scripts that poll), and its description."""
    return html.P([
        t(lang, "data.api.intro"), " ",
        html.A(t(lang, "data.api.link"), href=dash.get_relative_path(api_path(selection, "csv")), id="data-api-link"),
        " · ",
        html.A(t(lang, "data.api.openapi"), href=dash.get_relative_path(f"{API_PREFIX}/openapi.json")),
    ], className="api-link")


clientside_callback(
    url_sync_script(*URL_PARAMS),
    Output("data-url-sync", "children"),
    Input("data-dataset", "value"), Input("data-revision", "value"), Input("data-areas", "value"),
    Input("data-years", "value"), Input("data-sex", "value"), Input("data-origins", "value"),
    Input("data-series", "value"), State("data-lang", "data"),
)
