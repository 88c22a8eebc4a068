"""The Refugees & displacement page's sections on UNHCR's asylum claims and decisions, new
displacement across borders by subregion, and durable solutions (readside.asylum).

Persons and cases are never added or ranked together: each is its own line, and hosts that
count cases are named in a note. Where a selection has no figure, a notice says so in the
reader's terms; no chart is ever drawn empty.
"""

from __future__ import annotations

import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures, grouping_profile
from dashboard.asylum_figures import (
    basis_label,
    box,
    chart,
    count,
    dominant_basis,
    ranking_box,
    source_line,
    trend_figure,
    year_table,
)
from dashboard.components import (
    data_table,
    database,
    notice,
    parse_choice,
    url_sync_script,
)
from readside import asylum, groupings, queries
from readside.text import LANGUAGES, language, name_column, t

ANY = "any"
TREND_SINCE = 2000  # flows of asylum-seekers are published for most countries from 2000 on (UNHCR)
DEFAULT_ORIGIN = 862  # Venezuela: the largest origin of asylum claims in the Americas
PARAMS = ("aorigin", "ahost", "ayear", "fyear", "solution")
SOLUTION_SINCE = 2000


def params(query: dict) -> dict:
    """This section's URL parameters (kept by the language switch)."""
    return {key: query.get(key) for key in PARAMS}


def sections(db: queries.Database, lang: str, query: dict) -> list:
    """The three sections, or one notice where UNHCR's package tables are not loaded."""
    loaded = asylum.loaded(db)
    return [*asylum_section(db, lang, query, loaded), *flow_section(db, lang, query, loaded),
            *solution_section(db, lang, query, loaded), dcc.Store(id="asy-lang", data=lang),
            html.Div(id="asy-url-sync", hidden=True)]


def _labelled(control_id: str, label: str, options: list[dict], value: object, width: str = "240px") -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id),
                     dcc.Dropdown(id=control_id, options=options, value=value, clearable=False)],
                    style={"minWidth": width})


def _country_options(frame: pd.DataFrame, lang: str) -> list[dict]:
    return [{"label": n, "value": int(c)} for c, n in zip(frame["code"], frame[name_column(lang)], strict=True)]


# ---- asylum applications and decisions ----


def asylum_section(db: queries.Database, lang: str, query: dict, loaded: set[str]) -> list:
    head = [html.H2(t(lang, "asylum.title")), html.P(t(lang, "asylum.intro")),
            html.P(t(lang, "asylum.rules"), className="note")]
    if "asylum_application" not in loaded:
        return [*head, notice(t(lang, "asylum.not_loaded"), "info")]
    vintage = asylum.vintages(db)[0]
    years = asylum.asylum_years(db, vintage)
    countries = queries.countries(db)
    americas = countries[countries["code"].isin(asylum.americas_countries(db))]
    groups = grouping_profile.group_options(db, lang)
    origins = [{"label": t(lang, "asylum.any_origin"), "value": ANY}, *groups, *_country_options(countries, lang)]
    hosts = [{"label": t(lang, "asylum.any_host"), "value": ANY}, *groups, *_country_options(americas, lang)]
    origin = parse_choice(query.get("aorigin"), [o["value"] for o in origins]) or DEFAULT_ORIGIN
    host = parse_choice(query.get("ahost"), [o["value"] for o in hosts]) or ANY
    controls = html.Div([
        _labelled("asy-origin", t(lang, "asylum.origin"), origins, origin, "280px"),
        _labelled("asy-host", t(lang, "asylum.host"), hosts, host, "280px"),
        _labelled("asy-year", t(lang, "asylum.year"), [{"label": str(y), "value": y} for y in reversed(years)],
                  parse_choice(query.get("ayear"), years) or years[-1], "140px"),
    ], className="controls")
    return [*head, controls, html.P(id="asy-release", className="note"), box("asy-trend-box"), box("asy-rate-box"),
            html.Div(id="asy-cases-note"), box("asy-hosts-box"), box("asy-origins-box")]


def _area(db: queries.Database, value: object) -> tuple[int | list[int] | None, int | None]:
    """(codes to filter on, the picked code) of a picker value: None for 'any', a grouping's
    roster members, or one country."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None, None
    grouping = groupings.grouping_of_code(db, value)
    if grouping is None:
        return value, value
    members = groupings.members(db, grouping)
    return [int(c) for c in members.loc[members["roster"], "member_code"]], value


def _names(db: queries.Database, lang: str) -> dict[int, str]:
    frame = queries.area_names(db, queries.area_codes(db))
    return dict(zip(frame["code"], frame[name_column(lang)], strict=True))


def _where(db: queries.Database, origin: int | None, host: int | None, lang: str) -> str:
    names = _names(db, lang)
    return t(lang, "asylum.where", origin=names.get(origin, t(lang, "asylum.anyone")),
             host=names.get(host, t(lang, "asylum.the_americas")))


def update_asylum_trend(origin: object, host: object, lang: object):
    """Claims lodged and decided per year, and the total recognition rate, one line per basis."""
    lang = language(lang)
    db = database()
    vintage = asylum.vintages(db)[0]
    (origins, origin_code), (hosts, host_code) = _area(db, origin), _area(db, host)
    where = _where(db, origin_code, host_code, lang)
    frame = asylum.by_year(db, vintage, origin=origins, asylum=hosts)
    release = t(lang, "asylum.release", release=vintage)
    if frame.empty:
        message = notice(t(lang, "asylum.none", where=where), "info")
        return message, [], release
    source = source_line(db, "asylum_applications", vintage, lang)
    trend_fig = trend_figure(frame, lang, source=source, title=t(lang, "asylum.trend_title", where=where))
    rate_box = notice(t(lang, "asylum.no_rate", where=where), "info") if frame["rate"].isna().all() else chart(
        "asy-rate", trend_figure(frame, lang, rate=True, source=source_line(db, "asylum_decisions", vintage, lang),
                                 title=t(lang, "asylum.rate_title", where=where)), None, lang, height="420px")
    table = year_table(frame, lang, "asy-trend-data", reporting=not isinstance(hosts, int))
    return chart("asy-trend", trend_fig, table, lang), rate_box, release


def update_asylum_rankings(origin: object, host: object, year: object, lang: object):
    """The hosts of the origin's claims and the origins of the host's claims in one year:
    ranked by persons; hosts counting cases are named in a note, never ranked with them."""
    lang = language(lang)
    db = database()
    vintage = asylum.vintages(db)[0]
    years = asylum.asylum_years(db, vintage)
    year = parse_choice(year, years) or years[-1]
    (origins, origin_code), (hosts, host_code) = _area(db, origin), _area(db, host)
    names = _names(db, lang)
    source = source_line(db, "asylum_applications", vintage, lang)
    ranked_hosts = asylum.hosts(db, vintage, year, origin=origins)
    if isinstance(hosts, list):  # a grouping: its members; one chosen country is ranked among the others
        ranked_hosts = ranked_hosts[ranked_hosts["area_code"].isin(hosts)]
    origin_name = names.get(origin_code, t(lang, "asylum.anyone"))
    hosts_box = ranking_box("asy-hosts", ranked_hosts, lang, source,
                            t(lang, "asylum.hosts_title", origin=origin_name, year=year),
                            t(lang, "asylum.no_hosts", origin=origin_name, year=year), t(lang, "asylum.host"))
    ranked_origins = asylum.origins(db, vintage, year, asylum=hosts)
    if isinstance(origins, list):
        ranked_origins = ranked_origins[ranked_origins["area_code"].isin(origins)]
    host_name = names.get(host_code, t(lang, "asylum.the_americas"))
    basis = dominant_basis(ranked_origins) if isinstance(hosts, int) else "persons"  # one host: its own basis
    origins_box = ranking_box("asy-origins", ranked_origins, lang, source,
                              t(lang, "asylum.origins_title", host=host_name, year=year,
                                basis=basis_label(basis, lang)),
                              t(lang, "asylum.no_origins", host=host_name, year=year), t(lang, "asylum.origin"), basis)
    return hosts_box, origins_box, cases_note(db, vintage, year, origins, hosts, lang)


def cases_note(db: queries.Database, vintage: str, year: int, origins: int | list[int] | None,
               hosts: int | list[int] | None, lang: str) -> list:
    """The hosts counting the selection's claims in cases in the year, with those cases:
    labelled, never ranked with persons."""
    found = asylum.case_hosts(db, vintage, year, origin=origins, asylum=hosts)
    if found.empty:
        return []
    listed = "; ".join(t(lang, "asylum.cases_host", name=row[name_column(lang)], applied=count(row["applied"], lang),
                         decided=count(row["total_decisions"], lang)) for _, row in found.iterrows())
    return [notice(t(lang, "asylum.cases_note", year=year, hosts=listed), "warning")]


# ---- new displacement across borders, by subregion ----


def flow_section(db: queries.Database, lang: str, query: dict, loaded: set[str]) -> list:
    head = [html.H2(t(lang, "asylum.flows_title")), html.P(t(lang, "asylum.flows_intro"))]
    if "displacement_flow" not in loaded:
        return [*head, notice(t(lang, "asylum.flows_not_loaded"), "info")]
    vintage = asylum.vintages(db, "displacement_flow")[0]
    years = asylum.flow_years(db, vintage)
    control = _labelled("flow-year", t(lang, "asylum.year"), [{"label": str(y), "value": y} for y in reversed(years)],
                        parse_choice(query.get("fyear"), years) or years[-1], "140px")
    return [*head, html.Div([control], className="controls"), box("flow-sankey-box"), box("flow-trend-box"),
            html.Div(id="flow-url-sync", hidden=True)]


def _subregion_names(db: queries.Database, lang: str) -> dict[int, str]:
    names = _names(db, lang)
    return {**names, asylum.REST: t(lang, "asylum.rest_of_world")}


def update_flow_sankey(year: object, lang: object):
    """Subregion -> subregion Sankey of the year's new displacement, with the table per population type."""
    lang = language(lang)
    db = database()
    vintage = asylum.vintages(db, "displacement_flow")[0]
    years = asylum.flow_years(db, vintage)
    year = parse_choice(year, years) or years[-1]
    links = asylum.flow_subregion_links(db, vintage, year)
    if links.empty:
        return [notice(t(lang, "asylum.flows_none", year=year), "info")]
    names = _subregion_names(db, lang)
    source = source_line(db, "flows", vintage, lang)
    fig = figures.sankey(links.rename(columns={"persons": "migrants"}), names, lang=lang, source=source,
                         title=t(lang, "asylum.sankey_title", year=year))
    shown = pd.DataFrame({"origin": links["origin_code"].map(names), "asylum": links["destination_code"].map(names),
                          **{p: links[p].map(lambda v: count(v, lang)) for p in asylum.FLOW_POPULATIONS},
                          "persons": links["persons"].map(lambda v: count(v, lang))})
    headers = [t(lang, "asylum.col.from"), t(lang, "asylum.col.into"),
               *(t(lang, f"asylum.flow.{p}") for p in asylum.FLOW_POPULATIONS), t(lang, "asylum.col.total")]
    return chart("flow-sankey", fig, data_table(shown, headers, "flow-sankey-data"), lang, height="560px")


def update_flow_trend(_: object, lang: object):
    """People newly displaced into each subregion of the Americas, per year."""
    lang = language(lang)
    db = database()
    vintage = asylum.vintages(db, "displacement_flow")[0]
    trend = asylum.flow_subregion_trend(db, vintage, since=TREND_SINCE)
    if trend.empty:
        return [notice(t(lang, "asylum.flows_none_trend"), "info")]
    names = _subregion_names(db, lang)
    frame = trend.assign(**{f"name_{code}": trend["area_code"].map(_subregion_names(db, code)) for code in LANGUAGES})
    fig = figures.lines(frame, value="persons", lang=lang, y_title=t(lang, "axis.persons"),
                        source=source_line(db, "flows", vintage, lang), title=t(lang, "asylum.flow_trend_title"), year_basis="calendar_year")
    shown = pd.DataFrame({"year": frame["year"], "area": frame["area_code"].map(names),
                          "persons": frame["persons"].map(lambda v: count(v, lang))})
    table = data_table(shown, [t(lang, "table.year"), t(lang, "asylum.col.into"), t(lang, "axis.persons")],
                       "flow-trend-data")
    return chart("flow-trend", fig, table, lang)


# ---- durable solutions ----


def solution_section(db: queries.Database, lang: str, query: dict, loaded: set[str]) -> list:
    head = [html.H2(t(lang, "asylum.solutions_title")), html.P(t(lang, "asylum.solutions_intro"))]
    if "durable_solution" not in loaded:
        return [*head, notice(t(lang, "asylum.solutions_not_loaded"), "info")]
    chosen = parse_choice(query.get("solution"), list(asylum.SOLUTIONS)) or "resettlement"
    control = html.Div([html.Label(t(lang, "asylum.solution"), id="sol-choice-label"),
                        dcc.RadioItems(id="sol-choice", inline=True, value=chosen,
                                       options=[{"label": t(lang, f"asylum.solution.{s}"), "value": s}
                                                for s in asylum.SOLUTIONS])],
                       role="radiogroup", className="controls", **{"aria-labelledby": "sol-choice-label"})
    return [*head, control, box("sol-trend-box"), html.Div(id="sol-url-sync", hidden=True)]


def update_solutions(solution: object, lang: object):
    """The countries of the Americas with most people resettled in / naturalised by / returned
    to them since 2000, one line each."""
    lang = language(lang)
    db = database()
    solution = parse_choice(solution, list(asylum.SOLUTIONS)) or "resettlement"
    vintage = asylum.vintages(db, "durable_solution")[0]
    frame = asylum.solution_countries(db, vintage, solution, since=SOLUTION_SINCE)
    label = t(lang, f"asylum.solution.{solution}")
    if frame.empty:
        return [notice(t(lang, "asylum.solutions_none", solution=label, since=SOLUTION_SINCE), "info")]
    name_col = name_column(lang)
    fig = figures.lines(frame, value="persons", lang=lang, y_title=t(lang, "axis.persons"),
                        source=source_line(db, "solutions", vintage, lang),
                        title=t(lang, f"asylum.solution_title.{solution}", since=SOLUTION_SINCE), year_basis="calendar_year")
    shown = pd.DataFrame({"year": frame["year"], "area": frame[name_col],
                          "persons": frame["persons"].map(lambda v: count(v, lang))})
    table = data_table(shown, [t(lang, "table.year"), t(lang, "table.area"), label], "sol-trend-data")
    return chart("sol-trend", fig, table, lang)


def register_callbacks() -> None:
    """Attach this module's callbacks to the app being set up. Dash moves its global callback
    list into the first app that starts and empties it; a page module runs again for every app,
    this helper module only once per process. The Refugees page calls this, so every app (the
    tests start many in one process) gets the asylum callbacks, not only the first."""
    lang = State("asy-lang", "data")
    callback(Output("asy-trend-box", "children"), Output("asy-rate-box", "children"), Output("asy-release", "children"),
             Input("asy-origin", "value"), Input("asy-host", "value"), lang)(update_asylum_trend)
    callback(Output("asy-hosts-box", "children"), Output("asy-origins-box", "children"),
             Output("asy-cases-note", "children"),
             Input("asy-origin", "value"), Input("asy-host", "value"), Input("asy-year", "value"), lang,
             )(update_asylum_rankings)
    callback(Output("flow-sankey-box", "children"), Input("flow-year", "value"), lang)(update_flow_sankey)
    callback(Output("flow-trend-box", "children"), Input("flow-year", "id"), lang)(update_flow_trend)
    callback(Output("sol-trend-box", "children"), Input("sol-choice", "value"), lang)(update_solutions)
    clientside_callback(  # the controls exist only where the package tables are loaded
        url_sync_script("aorigin", "ahost", "ayear"),
        Output("asy-url-sync", "children"),
        Input("asy-origin", "value"), Input("asy-host", "value"), Input("asy-year", "value"),
    )
    clientside_callback(url_sync_script("fyear"), Output("flow-url-sync", "children"), Input("flow-year", "value"))
    clientside_callback(url_sync_script("solution"), Output("sol-url-sync", "children"), Input("sol-choice", "value"))
