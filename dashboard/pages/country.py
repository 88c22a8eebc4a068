"""Country profile: any area's immigrant stock, share of population, sex split, partners; or a
grouping's (OAS, CARICOM, SICA, CAN, Mercosur) sums of country figures (dashboard.grouping_profile)."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import asylum_panel, country_flows, figures, grouping_profile
from dashboard.briefing import country_points, country_points_block, talking_point_section
from dashboard.components import (
    chart_block,
    data_table,
    database,
    indicator_source_line,
    missing_notice,
    needs_database,
    not_loaded_notice,
    notice,
    numbers_behind,
    page_frame,
    parse_revision,
    parse_sex,
    resolve_selection,
    revision_control,
    sex_control,
    source_line,
    url_sync_script,
)
from dashboard.maps import locator_graph
from dashboard.panels import remittance_panel
from readside import corridors, groupings, queries
from readside.documents.subjects import Subject
from readside.inputs import is_whole_number, whole_number
from readside.style import year_basis
from readside.text import (
    LANGUAGES,
    capitalised,
    decimal,
    language,
    name_column,
    people,
    percent,
    signed_people,
    t,
)

dash.register_page(__name__, path="/country", name="Country", order=30)

PATH = "/country"
DEFAULT_AREA = 484  # Mexico: the largest country of origin in the Americas


def parse_area(value: object, known: set[int]) -> tuple[int, str | None]:
    """A known M49 code from the URL, else the default with the rejected value to report."""
    if value in (None, ""):
        return DEFAULT_AREA, None
    text = str(value).strip()
    code = whole_number(text)
    if code is not None and code in known:
        return code, None
    return DEFAULT_AREA, text[:40]


@needs_database(PATH)
def layout(lang: str = "en", area: str | None = None, revision: str | None = None, sex: str = "total", **_: object) -> html.Div:
    lang = language(lang)
    params = {"area": area, "revision": revision, "sex": sex}
    db = database()
    available = queries.revisions(db)
    countries = queries.countries(db)
    name_col = name_column(lang)
    group_options = grouping_profile.group_options(db, lang)
    code, bad_area = parse_area(area, set(countries["code"]) | {o["value"] for o in group_options})
    chosen, sex, notices = resolve_selection(lang, revision, sex, available)
    if bad_area is not None:
        default_name = countries.loc[countries["code"] == code, name_col].iloc[0]
        notices.append(notice(t(lang, "notice.bad_area", value=bad_area, name=default_name), "warning"))
    options = group_options + [{"label": f"{row[name_col]} ({row['iso3'] or row['code']})", "value": int(row["code"])} for _, row in countries.iterrows()]
    selector = html.Div(
        [html.Label(t(lang, "group.select"), htmlFor="country-area"),
         dcc.Dropdown(id="country-area", options=options, value=code, clearable=False, searchable=True)],
        style={"minWidth": "320px"},
    )
    return page_frame(
        lang, PATH, params,
        html.H1(id="country-title"),
        html.P(id="country-facts"),
        html.Div(id="country-locator"),
        *notices,
        html.Div([selector, revision_control("country-revision", lang, available, chosen), sex_control("country-sex", lang, sex)], className="controls"),
        country_points_block(),
        *chart_block("country-trend", "migdash-country-trend", lang, height="460px"),
        *chart_block("country-share", "migdash-country-share", lang, height="460px"),
        *chart_block("country-sex-split", "migdash-country-sex", lang, height="460px"),
        html.Div(id="country-partners-notice"),
        html.Div([*chart_block("country-origins", "migdash-country-origins", lang, height="480px"),
                  *chart_block("country-destinations", "migdash-country-destinations", lang, height="480px")],
                 id="country-partners"),
        html.Div(id="country-comparison"),
        html.Div(id="country-indicators"),
        html.Div(id="country-asylum"),
        html.Div(id="country-oecd"),
        html.Div(id="country-idmc"),
        html.Div(id="country-iom"),
        html.Div(id="country-members"),
        dcc.Store(id="country-lang", data=lang),
        html.Div(id="country-url-sync", hidden=True),
    )


@callback(
    Output("country-title", "children"), Output("country-facts", "children"),
    Output("country-trend", "figure"), Output("country-trend-table", "children"),
    Output("country-share", "figure"), Output("country-share-table", "children"),
    Output("country-sex-split", "figure"), Output("country-sex-split-table", "children"),
    Input("country-area", "value"), Input("country-revision", "value"), Input("country-sex", "value"),
    State("country-lang", "data"),
)
def update_country(area: object, revision: object, sex: object, lang: object):
    lang = language(lang)
    db = database()
    revision, _ = parse_revision(revision, queries.revisions(db))
    sex, _ = parse_sex(sex)
    grouping = _grouping(db, area)
    if grouping is not None:
        return _group_profile(db, grouping, revision, sex, lang)
    row = queries.area_row(db, whole_number(area)) if is_whole_number(area) else None
    row = row or queries.area_row(db, DEFAULT_AREA)
    name_col = name_column(lang)
    name, code = row[name_col], int(row["code"])
    subregion = queries.area_row(db, int(row["subregion"])) if pd.notna(row["subregion"]) else None
    subregion_name = subregion[name_col] if subregion else "—"
    source = source_line(db, revision, lang)
    sex_label = t(lang, f"sex.{sex}")
    facts = _facts(row, name, subregion_name, lang)

    trend = queries.stock_series(db, revision, [code], sex)
    trend_fig = figures.lines(trend, value="migrants", lang=lang, source=source, y_title=t(lang, "axis.migrants"),
                              title=t(lang, "country.trend_title", name=name, sex=sex_label, revision=revision))
    codes = [code] + ([int(row["subregion"])] if subregion else [])
    share = queries.share_series(db, revision, codes, sex)
    share_fig = figures.lines(share, value="percent_of_population", lang=lang, source=source, percent=True,
                              y_title=t(lang, "axis.percent"),
                              title=t(lang, "country.share_title", name=name, subregion=subregion_name, revision=revision))
    by_sex = queries.stock_by_sex(db, revision, code)
    split = by_sex[by_sex["sex"] != "total"].pivot(index="year", columns="sex", values="migrants").reset_index()
    split_fig = figures.grouped_bars(
        split if {"male", "female"} <= set(split.columns) else pd.DataFrame(), category="year", lang=lang, source=source,
        series={"female": t(lang, "sex.female"), "male": t(lang, "sex.male")}, y_title=t(lang, "axis.migrants"),
        title=t(lang, "country.sex_title", name=name, revision=revision),
    )
    return (
        t(lang, "country.title", name=name), facts,
        trend_fig, _table(trend, ["year", "migrants"], lang),
        share_fig, _table(share, ["year", name_col, "percent_of_population"], lang),
        split_fig, _table(by_sex, ["year", "sex", "migrants"], lang),
    )


def _grouping(db: queries.Database, area: object) -> str | None:
    """The grouping ('oas', 'caricom'...) a selector value names (codes 9801-9805), else None."""
    return groupings.grouping_of_code(db, whole_number(area)) if is_whole_number(area) else None


def _group_profile(db: queries.Database, grouping: str, revision: int, sex: str, lang: str) -> tuple:
    """Title, membership rule and the three stock panels of a grouping, as sums of country figures."""
    name = grouping_profile.grouping_row(db, grouping)[name_column(lang)]
    panels = grouping_profile.stock_panels(db, grouping, revision, sex, source_line(db, revision, lang), lang)
    return (t(lang, "group.title", name=name), grouping_profile.facts(db, grouping, lang), *panels)


def _area(db: queries.Database, area: object) -> dict:
    """The area row of a selector value, else the default area."""
    return (queries.area_row(db, whole_number(area)) if is_whole_number(area) else None) or queries.area_row(db, DEFAULT_AREA)


@callback(
    Output("country-origins", "figure"), Output("country-origins-table", "children"),
    Output("country-destinations", "figure"), Output("country-destinations-table", "children"),
    Output("country-partners-notice", "children"), Output("country-partners", "hidden"),
    Input("country-area", "value"), Input("country-revision", "value"), Input("country-sex", "value"),
    State("country-lang", "data"),
)
def update_partners(area: object, revision: object, sex: object, lang: object):
    """Top origins and destinations from UN DESA's origin x destination table when it is loaded
    for the revision, else from the newest KNOMAD matrix (named as such); without either, one
    notice and no chart."""
    lang = language(lang)
    db = database()
    if _grouping(db, area) is not None:  # partners are a country's: one line, no chart
        return (*[dash.no_update] * 4, grouping_profile.country_only_note(lang), True)
    revision, _ = parse_revision(revision, queries.revisions(db))
    row = _area(db, area)
    name, code = row[name_column(lang)], int(row["code"])
    if queries.has_origin_data(db, revision):
        return _undesa_partners(db, revision, code, name, parse_sex(sex)[0], lang)
    editions = corridors.bilateral_editions(db)
    if not editions:
        return (*[dash.no_update] * 4, missing_notice(lang, t(lang, "flows.no_partners"), "info"), True)
    return _knomad_partners(db, editions[0], revision, code, name, lang)


def _undesa_partners(db: queries.Database, revision: int, code: int, name: str, sex: str, lang: str) -> tuple:
    years = queries.years(db, revision)
    label = t(lang, "flows.option.undesa", revision=revision)
    year = years[-1]
    origins = queries.top_partners(db, revision, year, code, direction="origins", sex=sex)
    destinations = queries.top_partners(db, revision, year, code, direction="destinations", sex=sex)
    return _partner_charts(origins, destinations, source_line(db, revision, lang), label, year, name, lang, None)


def _knomad_partners(db: queries.Database, edition: int, revision: int, code: int, name: str, lang: str) -> tuple:
    label = t(lang, "flows.option.knomad", edition=edition)
    origins = corridors.bilateral_partners(db, edition, code, direction="origins")
    destinations = corridors.bilateral_partners(db, edition, code, direction="destinations")
    using = missing_notice(lang, t(lang, "flows.partners_using", source=t(lang, "flows.name.knomad", edition=edition),
                     revision=revision), "info")
    return _partner_charts(origins, destinations, corridors.knomad_source_line(db, edition, lang), label,
                           corridors.bilateral_year(db, edition), name, lang, using)


def _partner_charts(origins: pd.DataFrame, destinations: pd.DataFrame, source: str, label: str, year: int,
                    name: str, lang: str, using: html.Div | None) -> tuple:
    """Two ranked bar charts titled with the source and edition, or one notice when the source
    lists no partner for this area (never an empty chart)."""
    if origins.empty and destinations.empty:
        return (*[dash.no_update] * 4, notice(t(lang, "flows.no_partner_rows", source=label, name=name), "info"), True)
    name_col = name_column(lang)
    charts = []
    for frame, key in ((origins, "flows.origins_title"), (destinations, "flows.destinations_title")):
        charts += [figures.horizontal_bars(frame, label=name_col, value="migrants", lang=lang, source=source,
                                           title=t(lang, key, name=name, year=year, source=label)),
                   _table(frame, [name_col, "migrants"], lang)]
    return (*charts, using, False)


@callback(Output("country-locator", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_locator(area: object, lang: object) -> list:
    """Where the area lies on the map of the Americas (nothing for an area outside it)."""
    db = database()
    if _grouping(db, area) is not None:  # a grouping has no single place: the partners' note says so
        return []
    row = _area(db, area)
    return locator_graph(row["iso3"], row[name_column(language(lang))], language(lang), "country-locator-map")


@callback(Output("country-comparison", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_comparison(area: object, lang: object) -> list:
    """KNOMAD's matrix total beside UN DESA's published total for the area as destination, with
    the difference and one line per source on what it counts; never their sum."""
    lang = language(lang)
    db = database()
    if _grouping(db, area) is not None:  # comparing a sum with a sum says nothing new: the note covers it
        return []
    row = _area(db, area)
    name, code = row[name_column(lang)], int(row["code"])
    heading = [html.H2(t(lang, "flows.comparison_heading", name=name)), html.P(t(lang, "flows.comparison_intro"))]
    editions = corridors.bilateral_editions(db)
    if not editions:
        return [*heading, missing_notice(lang, t(lang, "flows.no_knomad"), "info")]
    found = corridors.source_comparison(db, editions[0], [code])
    if found.empty:
        return [*heading, notice(t(lang, "flows.compare.no_knomad_area", edition=editions[0], name=name), "info")]
    return [*heading, html.Ul(_comparison_lines(found.iloc[0], editions[0], name, lang), id="country-comparison-lines")]


def _comparison_lines(found: pd.Series, edition: int, name: str, lang: str) -> list:
    lines = [html.Li(t(lang, "flows.compare.knomad", edition=edition, year=found["year"], name=name,
                       value=decimal(found["knomad"], lang, 0)))]
    if pd.isna(found["undesa"]):
        return [*lines, html.Li(t(lang, "flows.compare.no_undesa", name=name))]
    share = percent(found["difference"] / found["undesa"] * 100, lang, signed=True).replace("-", "−")
    return [
        *lines,
        html.Li(t(lang, "flows.compare.undesa", revision=found["revision"], year=found["undesa_year"], name=name,
                  value=decimal(found["undesa"], lang, 0))),
        html.Li(t(lang, "flows.compare.difference", value=signed_people(found["difference"], lang), percent=share)),
    ]


@callback(Output("country-indicators", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_indicator_panels(area: object, lang: object) -> list:
    """Remittances, refugees and net migration of the chosen area, or which command loads them."""
    lang = language(lang)
    db = database()
    loaded = queries.loaded_sources(db)
    grouping = _grouping(db, area)
    if grouping is not None:
        return [*(not_loaded_notice(lang, s) for s in ("worldbank", "unhcr") if s not in loaded),
                *grouping_profile.indicator_panels(db, grouping, loaded, lang)]
    row = _area(db, area)
    code, name = int(row["code"]), row[name_column(lang)]
    panels: list = []
    for source, build in (("worldbank", _remittance_panel), ("unhcr", _refugee_panel), ("wpp", _net_migration_panel)):
        if source not in loaded:
            panels.append(not_loaded_notice(lang, source))
            continue
        figure, table = build(db, code, name, lang)
        if not figure.data:  # nothing published for this area: the notice, never an empty chart
            panels.append(table)
            continue
        panels += [dcc.Graph(id=f"country-{source}", figure=figure, config=figures.graph_config(f"migdash-country-{source}"),
                             style={"height": "460px"}),
                   numbers_behind(f"country-{source}", lang, table)]
    return panels


def _flow_panel(area: object, lang: object, build) -> list:
    """One of a country's flow panels (dashboard.country_flows); nothing for a grouping, whose
    sums these are not (the partners' note already says a grouping shows only what adds up)."""
    db = database()
    if _grouping(db, area) is not None:
        return []
    row = _area(db, area)
    lang = language(lang)
    return build(db, int(row["code"]), row[name_column(lang)], lang)


@callback(Output("country-asylum", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_asylum_panel(area: object, lang: object) -> list:
    """UNHCR's asylum claims lodged and decided in the country, recognition rate, top origins (issue 25)."""
    return _flow_panel(area, lang, asylum_panel.country_panel)


@callback(Output("country-oecd", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_oecd_panel(area: object, lang: object) -> list:
    """OECD permanent-type inflows by category and foreign-population inflows, or the line that
    the OECD publishes none for this country."""
    return _flow_panel(area, lang, country_flows.oecd_panel)


@callback(Output("country-idmc", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_idmc_panel(area: object, lang: object) -> list:
    """IDMC's new displacements by disasters and by conflict per year, or the line that it has none."""
    return _flow_panel(area, lang, country_flows.idmc_panel)


@callback(Output("country-iom", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_iom_panel(area: object, lang: object) -> list:
    """IOM's dead and missing recorded in the country in the years whose files name a country."""
    return _flow_panel(area, lang, country_flows.iom_panel)


def _remittance_panel(db: queries.Database, code: int, name: str, lang: str):
    figure, table = remittance_panel(db, code, name, lang, "country-remittances")
    figure.update_layout(title={"text": t(lang, "country.remittances_title", name=name)})
    return figure, table


def _refugee_panel(db: queries.Database, code: int, name: str, lang: str):
    """People in need of international protection from the area (by origin) and in it (by asylum),
    per year: refugees + asylum-seekers + others in need of international protection, the same
    three populations its talking-point card counts (readside.documents.measures), each part in the hover and
    the table."""
    populations = ("refugees", "asylum_seekers", "oip")
    sides = {}
    for side, key in (("origin", "country.protection_from"), ("asylum", "country.protection_in")):
        parts = {p: queries.indicator_series(db, f"unhcr.{p}.{side}", [code]).set_index("year")["value"]
                 for p in populations}
        wide = pd.DataFrame(parts)
        if not wide.empty:
            sides[t(lang, key, name=name)] = wide
    title = t(lang, "country.protection_title", name=name)
    if not sides:
        return figures.empty_figure(title), notice(t(lang, "country.no_series", publisher=capitalised(t(lang, "publisher.unhcr")),
                                                     what=t(lang, "what.unhcr"), name=name))
    totals = pd.DataFrame({label: wide.sum(axis=1, min_count=1) for label, wide in sides.items()}).sort_index()
    totals = totals.rename_axis("year").reset_index()
    figure = figures.grouped_bars(totals, category="year", lang=lang, title=title, y_title=t(lang, "axis.persons"),
                                  source=indicator_source_line(db, "unhcr", lang), series={c: c for c in sides},
                                  year_basis=year_basis("unhcr"))
    for trace, wide in zip(figure.data, sides.values(), strict=False):  # each bar's parts in its hover
        parts = wide.reindex(totals["year"])
        trace.customdata = [t(lang, "reporting.protection_parts", total=people(total, lang),
                              **{p: people(row[p], lang) if pd.notna(row[p]) else "—" for p in populations})
                            if pd.notna(total) else "" for total, (_, row) in zip(trace.y, parts.iterrows(), strict=True)]
    shown = pd.DataFrame({"year": totals["year"]})
    headers = [t(lang, "table.year")]
    for label, wide in sides.items():
        parts = wide.reindex(totals["year"])
        shown[label] = [decimal(v, lang, 0) if pd.notna(v) else "" for v in parts.sum(axis=1, min_count=1)]
        headers.append(label)
        for p in populations:
            shown[f"{label} {p}"] = [decimal(v, lang, 0) if pd.notna(v) else "" for v in parts[p]]
            headers.append(t(lang, "reporting.protection_part", side=label, population=t(lang, f"refugees.pop.{p}")))
    return figure, data_table(shown, headers, "country-refugees-data")


def _net_migration_panel(db: queries.Database, code: int, name: str, lang: str):
    net = queries.indicator_series(db, "wpp.net_migration", [code])
    rates = queries.indicator_series(db, "wpp.net_migration_rate", [code])
    title = t(lang, "country.net_migration_title", name=name)
    if net.empty:
        return figures.empty_figure(title), notice(t(lang, "country.no_series", publisher=capitalised(t(lang, "publisher.wpp")), what=t(lang, "what.wpp"), name=name))
    figure = figures.grouped_bars(net.rename(columns={"value": "net"}), category="year", lang=lang, title=title,
                                  y_title=t(lang, "wpp.net_migration"), fmt=signed_people,
                                  source=indicator_source_line(db, "wpp", lang), series={"net": t(lang, "wpp.net_migration")},
                                  year_basis=year_basis("wpp"))
    figure.update_yaxes(rangemode="normal")
    merged = net[["year", "value"]].merge(rates[["year", "value"]], on="year", how="left", suffixes=("", "_rate"))
    shown = merged.assign(value=merged["value"].map(lambda v: decimal(v, lang, 0)),
                          value_rate=merged["value_rate"].map(lambda v: "" if pd.isna(v) else decimal(v, lang, 1)))
    return figure, data_table(shown, [t(lang, "table.year"), t(lang, "wpp.net_migration"), t(lang, "wpp.rate")],
                              "country-net-migration-data")


def _facts(row: dict, name: str, subregion_name: str, lang: str) -> str:
    flags = [t(lang, "country.oas") if row["oas_member"] else t(lang, "country.not_oas")]
    if row["sids"]:
        flags.append(t(lang, "country.sids"))
    facts = t(lang, "country.facts", name=name, code=row["code"], iso3=row["iso3"] or "—", subregion=subregion_name)
    return f"{facts} · {' · '.join(flags)}"


HEADERS = {"year": "table.year", "migrants": "table.migrants", "sex": "control.sex", "percent_of_population": "axis.percent",
           **{f"name_{lang}": "table.area" for lang in LANGUAGES}}


def _table(frame: pd.DataFrame, columns: list[str], lang: str) -> html.Table:
    shown = frame[columns].copy()
    if "migrants" in shown:
        shown["migrants"] = shown["migrants"].map(lambda v: decimal(v, lang, 0))
    if "percent_of_population" in shown:
        shown["percent_of_population"] = shown["percent_of_population"].map(lambda v: decimal(v, lang, 2))
    if "sex" in shown:
        shown["sex"] = shown["sex"].map(lambda s: t(lang, f"sex.{s}"))
    return data_table(shown, [t(lang, HEADERS[c]) for c in columns], f"country-table-{'-'.join(columns)}")



@callback(Output("country-talking-points", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_talking_points(area: object, lang: object) -> list:
    """The same sentences as the area's (or grouping's) brief, each with a copy button (dashboard.briefing)."""
    grouping = _grouping(database(), area)
    if grouping is not None:
        return talking_point_section(database(), Subject("group", grouping), language(lang), "country-tp")
    return country_points(area, lang)


@callback(Output("country-members", "children"), Input("country-area", "value"), State("country-lang", "data"))
def update_members(area: object, lang: object) -> list:
    """A grouping's members with their membership notes and the rule the sums use; nothing for a country."""
    db = database()
    grouping = _grouping(db, area)
    return [] if grouping is None else grouping_profile.members_section(db, grouping, language(lang))


clientside_callback(
    url_sync_script("area", "revision", "sex", "lang"),
    Output("country-url-sync", "children"),
    Input("country-area", "value"), Input("country-revision", "value"), Input("country-sex", "value"),
    State("country-lang", "data"),
)
