"""Flows by subregion: who lives where (origin x destination stock), net migration and
displacement between the Americas' subregions and the rest of the world.

Three publishers answer three different questions here, and their figures are never added:
the migrant stock by origin and destination (UN DESA's own table when loaded, else the World
Bank/KNOMAD matrices), UN WPP's net migration (a residual) and UNHCR's displaced people (who are
already part of the stock). A chart whose data is absent is replaced by one notice naming the
command that loads it: never an empty frame.
"""

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
    notice,
    page_frame,
    parse_choice,
    parse_sex,
    selection_notices,
    sex_control,
    source_line,
    url_sync_script,
)
from etl.areas import AMERICAS_SUBREGIONS
from readside import citations, corridors, queries
from readside.style import year_basis
from readside.text import decimal, language, name_column, signed_people, t
from readside.transform import REST, subregion_links

dash.register_page(__name__, path="/corridors", name="Corridors", order=20)

PATH = "/corridors"
TOP_N = 20
DISPLACED = ("refugees", "asylum_seekers", "oip")  # people in need of international protection
UNDESA, KNOMAD = "undesa", "knomad"


# ---- which stock source: UN DESA's origin x destination table, else KNOMAD ----


def stock_choices(db: queries.Database) -> list[str]:
    """Loaded origin x destination sources, default first: UN DESA revisions whose origin table
    is loaded (newest first), then the KNOMAD editions (newest first)."""
    undesa = [f"{UNDESA}-{r}" for r in reversed(queries.revisions(db)) if queries.has_origin_data(db, r)]
    return undesa + [f"{KNOMAD}-{e}" for e in corridors.bilateral_editions(db)]


def split_choice(choice: str) -> tuple[str, int]:
    """'knomad-2021' -> ('knomad', 2021)."""
    kind, edition = choice.split("-")
    return kind, int(edition)


def choice_label(lang: str, choice: str, *, long: bool = False) -> str:
    kind, edition = split_choice(choice)
    return t(lang, f"flows.{'name' if long else 'option'}.{kind}", revision=edition, edition=edition)


def resolve_stock_choice(lang: str, db: queries.Database, source: object, revision: object,
                         choices: list[str]) -> tuple[str, list[html.Div]]:
    """The source from the URL (or the older `revision=` link), else the default, with a notice
    saying what was asked for, why it is not shown and which command loads it."""
    chosen = choices[0]
    asked = parse_choice(source, choices) if source not in (None, "") else None
    if asked:
        return asked, []
    if source not in (None, ""):
        return chosen, [notice(t(lang, "flows.showing_instead", value=str(source)[:40],
                                 shown=choice_label(lang, chosen, long=True)), "warning")]
    revisions = queries.revisions(db)
    wanted = parse_choice(revision, revisions) if revision not in (None, "") else revisions[-1]
    if wanted is None:
        return chosen, [notice(t(lang, "notice.bad_revision", value=str(revision)[:40], revision=revisions[-1]), "warning")]
    if f"{UNDESA}-{wanted}" in choices:
        return f"{UNDESA}-{wanted}", []
    kind = "warning" if revision not in (None, "") else "info"
    return chosen, [missing_notice(lang, t(lang, "flows.undesa_od_missing", revision=wanted,
                             shown=choice_label(lang, chosen, long=True)), kind)]


def stock_years(db: queries.Database, choice: str) -> list[int]:
    kind, edition = split_choice(choice)
    if kind == UNDESA:
        return queries.years(db, edition)
    year = corridors.bilateral_year(db, edition)
    return [year] if year else []


# ---- layout ----


@needs_database(PATH)
def layout(lang: str = "en", source: str | None = None, revision: str | None = None, sex: str = "total",
           year: str | None = None, wpp: str | None = None, release: str | None = None, dyear: str | None = None,
           **_: object) -> html.Div:
    lang = language(lang)
    params = {"source": source, "revision": revision, "sex": sex, "year": year, "wpp": wpp, "release": release,
              "dyear": dyear}
    db = database()
    return page_frame(
        lang, PATH, params,
        html.H1(t(lang, "corridors.title")),
        html.P(t(lang, "corridors.intro")),
        *_stock_section(lang, db, source, revision, sex, year),
        *_net_section(lang, db, wpp),
        *_displacement_section(lang, db, release, dyear),
        dcc.Store(id="corr-lang", data=lang),
        html.Div(id="corr-url-sync", hidden=True),
    )


def _dropdown(control_id: str, label: str, options: list, value: object) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id),
                     dcc.Dropdown(id=control_id, options=options, value=value, clearable=False, searchable=False)])


def _stock_section(lang: str, db: queries.Database, source: object, revision: object, sex: object,
                   year: object) -> list:
    """Source/edition selector, Sankey, matrix and top corridors; one notice if nothing is loaded."""
    heading = [html.H2(t(lang, "flows.stock_heading")), html.P(t(lang, "flows.stock_intro"))]
    choices = stock_choices(db)
    if not choices:
        return [*heading, html.Div(missing_notice(lang, t(lang, "flows.no_stock_data"), "warning"), id="corr-notice")]
    chosen, notices = resolve_stock_choice(lang, db, source, revision, choices)
    sex, bad_sex = parse_sex(sex)
    notices += selection_notices(lang, None, 0, bad_sex)
    years = stock_years(db, chosen)
    chosen_year = parse_choice(year, years) or years[-1]
    options = [{"label": choice_label(lang, c), "value": c} for c in choices]
    undesa_controls = html.Div(
        [_dropdown("corr-year", t(lang, "corridors.year"), years, chosen_year), sex_control("corr-sex", lang, sex)],
        id="corr-undesa-controls", className="controls", style=_shown(split_choice(chosen)[0] == UNDESA),
    )
    return [
        *heading,
        html.Div([_dropdown("corr-source", t(lang, "flows.source_control"), options, chosen), undesa_controls],
                 className="controls"),
        html.Div(notices, id="corr-notice"),
        *chart_block("corr-sankey", "migdash-corridors-sankey", lang, height="560px"),
        *chart_block("corr-matrix", "migdash-corridors-matrix", lang, height="520px"),
        html.H2(id="corr-top-title"),
        html.P(id="corr-top-note"),
        html.Div(id="corr-top"),
    ]


def _net_section(lang: str, db: queries.Database, wpp: object) -> list:
    """WPP net migration of the four subregions; one notice if WPP is not loaded."""
    heading = [html.H2(t(lang, "flows.net_heading")), html.P(t(lang, "flows.net_intro"))]
    editions = corridors.net_migration_editions(db)
    if not editions:
        return [*heading, missing_notice(lang, t(lang, "flows.no_net"), "info")]
    options = [{"label": t(lang, "flows.option.wpp", edition=e), "value": e} for e in editions]
    return [
        *heading,
        html.Div(_dropdown("corr-wpp", t(lang, "flows.wpp_control"), options, parse_choice(wpp, editions) or editions[0]),
                 className="controls"),
        *chart_block("corr-net", "migdash-net-migration-subregions", lang, height="520px"),
        html.Div(id="corr-net-sync", hidden=True),
    ]


def _displacement_section(lang: str, db: queries.Database, release: object, dyear: object) -> list:
    """UNHCR displacement between subregions; one notice if UNHCR's origin table is empty."""
    heading = [html.H2(t(lang, "flows.disp_heading")), html.P(t(lang, "flows.disp_intro"))]
    vintages = [v for v in corridors.displacement_vintages(db) if corridors.displacement_years(db, v, DISPLACED)]
    if not vintages:
        return [*heading, html.Div(missing_notice(lang, t(lang, "flows.no_displacement"), "info"), id="corr-disp-notice")]
    vintage = parse_choice(release, vintages) or vintages[0]
    years = corridors.displacement_years(db, vintage, DISPLACED)
    return [
        *heading,
        html.Div([_dropdown("corr-release", t(lang, "flows.release_control"), vintages, vintage),
                  _dropdown("corr-disp-year", t(lang, "flows.disp_year"), years, parse_choice(dyear, years) or years[-1])],
                 className="controls"),
        *chart_block("corr-disp", "migdash-displacement-subregions", lang, height="560px"),
        html.Div(id="corr-disp-sync", hidden=True),
    ]


# ---- who lives where ----


@callback(
    Output("corr-undesa-controls", "style"), Output("corr-year", "options"), Output("corr-year", "value"),
    Input("corr-source", "value"), State("corr-year", "value"),
)
def update_year_choices(source: object, year: object):
    """Years of the chosen source: UN DESA's revision years, or the one year of a KNOMAD matrix
    (which has no sex split, so the year and sex controls are hidden for it)."""
    db = database()
    choices = stock_choices(db)
    choice = parse_choice(source, choices) or choices[0]
    years = stock_years(db, choice)
    return _shown(split_choice(choice)[0] == UNDESA), years, parse_choice(year, years) or years[-1]


def _shown(visible: bool) -> dict:
    """Inline display style: the stylesheet's flex layout of .controls would override `hidden`."""
    return {} if visible else {"display": "none"}


@callback(
    Output("corr-sankey", "figure"), Output("corr-sankey-table", "children"),
    Output("corr-matrix", "figure"), Output("corr-matrix-table", "children"),
    Output("corr-top-title", "children"), Output("corr-top-note", "children"), Output("corr-top", "children"),
    Input("corr-source", "value"), Input("corr-year", "value"), Input("corr-sex", "value"),
    State("corr-lang", "data"),
)
def update_corridors(source: object, year: object, sex: object, lang: object):
    """Sankey, matrix and top corridors of one source and edition, each titled with it."""
    lang = language(lang)
    db = database()
    choices = stock_choices(db)
    choice = parse_choice(source, choices) or choices[0]
    kind, edition = split_choice(choice)
    if kind == KNOMAD:
        return _knomad_stock(db, edition, lang)
    return _undesa_stock(db, edition, year, parse_sex(sex)[0], lang)


def _undesa_stock(db: queries.Database, revision: int, year: object, sex: str, lang: str) -> tuple:
    years = queries.years(db, revision)
    year = parse_choice(year, years) or years[-1]
    label, short = (choice_label(lang, f"{UNDESA}-{revision}", long=long) for long in (True, False))
    totals = queries.stock_series(db, revision, AMERICAS_SUBREGIONS, sex)
    totals = totals[totals["year"] == year]
    links = subregion_links(queries.flows_between(db, revision, year, AMERICAS_SUBREGIONS, sex), totals)
    titles = (t(lang, "flows.sankey_title_sex", sex=t(lang, f"sex.{sex}"), year=year, source=short),
              t(lang, "flows.matrix_title", year=year, source=short))
    charts = _flow_charts(db, links, titles, source_line(db, revision, lang), lang, "corr-links-data")
    base = years[0]
    top = queries.top_corridors(db, revision, year, base, TOP_N, sex)
    table = _top_table(top.assign(year=year), lang, year, base, "corr-top-data")
    return (*charts, t(lang, "flows.top_title", n=TOP_N, year=year, source=label),
            t(lang, "flows.top_note_undesa", base=base), table)


def _knomad_stock(db: queries.Database, edition: int, lang: str) -> tuple:
    year = corridors.bilateral_year(db, edition)
    label, short = (choice_label(lang, f"{KNOMAD}-{edition}", long=long) for long in (True, False))
    links = corridors.bilateral_subregion_links(db, edition)
    titles = (t(lang, "flows.sankey_title", year=year, source=short), t(lang, "flows.matrix_title", year=year, source=short))
    charts = _flow_charts(db, links, titles, corridors.knomad_source_line(db, edition, lang), lang, "corr-links-data")
    older = [e for e in corridors.bilateral_editions(db) if e < edition]
    base = older[0] if older else None
    top = corridors.bilateral_top_corridors(db, edition, base, TOP_N)
    note = (t(lang, "flows.top_note_change", base=base, edition=edition) if base
            else t(lang, "flows.top_note_single"))
    table = _top_table(top, lang, year, base, "corr-top-data")
    return (*charts, t(lang, "flows.top_title", n=TOP_N, year=year, source=label), note, table)


def subregion_names(db: queries.Database, lang: str) -> dict[int, str]:
    """Node names: the four subregions in the page's language, and the rest of the world."""
    frame = queries.area_names(db, AMERICAS_SUBREGIONS)
    names = dict(zip(frame["code"], frame[name_column(lang)], strict=True))
    return names | {REST: t(lang, "corridors.rest")}


def _flow_charts(db: queries.Database, links: pd.DataFrame, titles: tuple[str, str], source: str, lang: str,
                 table_id: str, headers: tuple[str, ...] = ("table.origin", "table.destination", "table.migrants")) -> tuple:
    """Sankey and origin x destination matrix of subregion links, with the same table behind both."""
    names = subregion_names(db, lang)
    sankey = figures.sankey(links, names, lang=lang, title=titles[0], source=source)
    named = links.assign(origin=links["origin_code"].map(names), destination=links["destination_code"].map(names))
    matrix = named.pivot_table(index="origin", columns="destination", values="migrants", aggfunc="sum")
    heat = figures.heatmap(matrix, lang=lang, title=titles[1], source=source)
    shown = named.assign(migrants=named["migrants"].map(lambda v: decimal(v, lang, 0)))[["origin", "destination", "migrants"]]
    table = data_table(shown, [t(lang, h) for h in headers], table_id)
    return sankey, table, heat, table


def _top_table(top: pd.DataFrame, lang: str, year: int, base: int | None, table_id: str) -> html.Table:
    """Ranked corridors with real country names; the change column only when there is a base."""
    suffix = language(lang)
    shown = pd.DataFrame({"origin": top[f"origin_{suffix}"], "destination": top[f"destination_{suffix}"],
                          "migrants": top["migrants"].map(lambda v: decimal(v, lang, 0))})
    headers = [t(lang, "table.origin"), t(lang, "table.destination"), t(lang, "flows.col.migrants_year", year=year)]
    if base is not None:
        change = top["migrants"] - top["base_migrants"]
        shown["change"] = change.map(lambda v: "" if pd.isna(v) else ("+" if v > 0 else "") + decimal(v, lang, 0))
        headers.append(t(lang, "flows.col.change", base=base, year=year))
    return data_table(shown, headers, table_id)


# ---- net migration (WPP) ----


@callback(Output("corr-net", "figure"), Output("corr-net-table", "children"),
          Input("corr-wpp", "value"), State("corr-lang", "data"))
def update_net_migration(edition: object, lang: object):
    """Net migration of the four subregions in one WPP edition (estimates only)."""
    lang = language(lang)
    db = database()
    editions = corridors.net_migration_editions(db)
    edition = parse_choice(edition, editions) or editions[0]
    frame = corridors.net_migration_by_area(db, edition, AMERICAS_SUBREGIONS)
    info = corridors.provenance_of(db, "wpp", edition) or {}
    source = t(lang, "flows.wpp_source", publisher=citations.publisher(info.get("publisher", "UN DESA"), lang),
               edition=edition, licence=info.get("licence", ""))
    title = t(lang, "flows.net_title", first=frame["year"].min(), last=frame["year"].max(), edition=edition)
    fig = figures.lines(frame, value="value", lang=lang, title=title, source=source, fmt=signed_people,
                        y_title=t(lang, "wpp.net_migration"), year_basis=year_basis("wpp"))
    fig.update_yaxes(rangemode="normal", zeroline=True, zerolinecolor="#444")
    name_col = name_column(lang)
    wide = frame.pivot(index="year", columns=name_col, values="value")[list(dict.fromkeys(frame[name_col]))]
    shown = wide.map(lambda v: "" if pd.isna(v) else decimal(v, lang, 0)).reset_index()
    return fig, data_table(shown, [t(lang, "table.year"), *wide.columns], "corr-net-data")


# ---- displacement (UNHCR) ----


@callback(Output("corr-disp-year", "options"), Output("corr-disp-year", "value"),
          Input("corr-release", "value"), State("corr-disp-year", "value"))
def update_displacement_years(release: object, year: object):
    """Years of the chosen UNHCR release in which the displaced populations are reported."""
    db = database()
    vintages = corridors.displacement_vintages(db)
    years = corridors.displacement_years(db, parse_choice(release, vintages) or vintages[0], DISPLACED)
    return years, parse_choice(year, years) or years[-1]


@callback(Output("corr-disp", "figure"), Output("corr-disp-table", "children"),
          Input("corr-release", "value"), Input("corr-disp-year", "value"), State("corr-lang", "data"))
def update_displacement(release: object, year: object, lang: object):
    """Displaced people between subregions for one release and year, titled with both."""
    lang = language(lang)
    db = database()
    vintages = corridors.displacement_vintages(db)
    vintage = parse_choice(release, vintages) or vintages[0]
    years = corridors.displacement_years(db, vintage, DISPLACED)
    year = parse_choice(year, years) or years[-1]
    links = corridors.displacement_subregion_links(db, vintage, year, DISPLACED)
    info = corridors.provenance_of(db, "unhcr", vintage) or {}
    source = t(lang, "flows.unhcr_source", publisher=citations.publisher(info.get("publisher", "UNHCR"), lang),
               vintage=vintage, licence=info.get("licence", ""))
    title = t(lang, "flows.disp_title", year=year, vintage=vintage)
    headers = ("table.origin", "flows.col.asylum", "flows.col.persons")
    sankey, table, _, _ = _flow_charts(db, links, (title, title), source, lang, "corr-disp-data", headers)
    return sankey, table


clientside_callback(
    url_sync_script("source", "year", "sex", "lang"),
    Output("corr-url-sync", "children"),
    Input("corr-source", "value"), Input("corr-year", "value"), Input("corr-sex", "value"),
    State("corr-lang", "data"),
)
clientside_callback(url_sync_script("wpp"), Output("corr-net-sync", "children"), Input("corr-wpp", "value"))
clientside_callback(url_sync_script("release", "dyear"), Output("corr-disp-sync", "children"),
                    Input("corr-release", "value"), Input("corr-disp-year", "value"))
