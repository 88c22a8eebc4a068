"""Overview: the Americas' international migrant stock, total and by subregion, 1990 -> latest."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures, what_changed
from dashboard.briefing import overview_points_block
from dashboard.components import (
    data_table,
    database,
    needs_database,
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
from etl.areas import AMERICAS_PARTS
from readside import groupings, queries
from readside.text import decimal, language, name_column, people, percent, t

dash.register_page(__name__, path="/", name="Overview", order=0)

PATH = "/"
BASE_YEARS = (2000, 1990)
# What "the Americas" means on this page: the UN's regions, or the OAS member states (the 35 of
# the Committee's documents, or the members of each year).
SCOPES = ("americas", "oas", "oas_dated")
OAS = "oas"


@needs_database(PATH)
def layout(
    lang: str = "en", revision: str | None = None, sex: str = "total", claims: str = "0", scope: str = "americas",
    **_: object,
) -> html.Div:
    lang = language(lang)
    params = {"revision": revision, "sex": sex, "claims": claims, "scope": scope}
    show_claims = "1" if claims == "1" else "0"
    available = queries.revisions(database())
    chosen, sex, notices = resolve_selection(lang, revision, sex, available)
    scope = scope if scope in SCOPES else SCOPES[0]
    controls = html.Div(
        [revision_control("overview-revision", lang, available, chosen), sex_control("overview-sex", lang, sex),
         _scope_control(lang, scope)],
        className="controls",
    )
    # The first view is drawn with the page (no callback round trip before the first chart);
    # update_overview redraws it when a control changes.
    title, headline, cards, figure, source, table, note = update_overview(
        chosen, sex, ["show"] if show_claims == "1" else [], scope, lang)
    return page_frame(
        lang, PATH, params,
        html.H1(title, id="overview-title"),
        html.P(t(lang, "overview.intro")),
        what_changed.updated_line(database(), lang),
        *notices,
        controls,
        html.P(headline, id="overview-headline", className="headline", **{"aria-live": "polite"}),
        dcc.Checklist(
            id="overview-claims", options=[{"label": " " + t(lang, "claims.show_on_chart"), "value": "show"}],
            value=["show"] if show_claims == "1" else [],
        ),
        html.Div(cards, id="overview-cards", className="cards"),
        dcc.Graph(id="overview-trend", figure=figure, config=figures.graph_config("migdash-americas-by-subregion"),
                  style={"height": "560px"}),
        html.P(source, id="overview-source", className="source-line"),
        numbers_behind("overview-trend", lang, html.Div(table, id="overview-table")),
        html.Div(note, id="overview-scope-note"),
        overview_points_block(database(), lang),
        dcc.Store(id="overview-lang", data=lang),
        dcc.Store(id="overview-claims-flag", data=show_claims),
        html.Div(id="overview-url-sync", hidden=True),
    )


def _scope_control(lang: str, scope: str) -> html.Div:
    return html.Div([
        html.Label(t(lang, "overview.scope"), id="overview-scope-label"),
        dcc.RadioItems(id="overview-scope", value=scope, inline=True,
                       options=[{"label": t(lang, f"overview.scope.{s}"), "value": s} for s in SCOPES]),
    ], role="radiogroup", **{"aria-labelledby": "overview-scope-label"})


def headline_cards(total: pd.DataFrame, world: pd.DataFrame, female: pd.DataFrame, lang: str) -> list[html.Div]:
    """Latest total, change since 2000 and 1990, share of the world's migrants, share female."""
    latest_year = int(total["year"].iloc[-1])
    latest = int(total["migrants"].iloc[-1])
    by_year = total.set_index("year")["migrants"]
    cards = []
    for base in BASE_YEARS:
        if base in by_year.index:
            change = latest - int(by_year[base])
            cards.append(_card(t(lang, "overview.card.change", base=base), people(change, lang),
                               percent(100 * change / by_year[base], lang, signed=True)))
    world_latest = world.set_index("year")["migrants"].get(latest_year)
    if world_latest:
        cards.append(_card(t(lang, "overview.card.world_share", year=latest_year), percent(100 * latest / world_latest, lang),
                           t(lang, "overview.card.of_world", world=people(world_latest, lang))))
    female_latest = female.set_index("year")["migrants"].get(latest_year)
    if female_latest:
        cards.append(_card(t(lang, "overview.card.female", year=latest_year), percent(100 * female_latest / latest, lang),
                           people(female_latest, lang)))
    return cards


def _card(label: str, value: str, detail: str) -> html.Div:
    return html.Div([html.Div(label, className="card-label"), html.Div(value, className="card-value"),
                     html.Div(detail, className="card-detail")], className="card")


@callback(
    Output("overview-title", "children"),
    Output("overview-headline", "children"),
    Output("overview-cards", "children"),
    Output("overview-trend", "figure"),
    Output("overview-source", "children"),
    Output("overview-table", "children"),
    Output("overview-scope-note", "children"),
    Input("overview-revision", "value"),
    Input("overview-sex", "value"),
    Input("overview-claims", "value"),
    Input("overview-scope", "value"),
    State("overview-lang", "data"),
    prevent_initial_call=True,  # the layout holds the first view
)
def update_overview(revision: object, sex: object, show_claims: object, scope: object, lang: object):
    """Everything on the page for one revision, sex and meaning of "the Americas"."""
    lang = language(lang)
    db = database()
    revision, _ = parse_revision(revision, queries.revisions(db))
    sex, _ = parse_sex(sex)
    scope = scope if isinstance(scope, str) and scope in SCOPES else SCOPES[0]
    subregions, total, female = _series_for(db, scope, revision, sex)
    source = source_line(db, revision, lang)
    first, last = int(total["year"].min()), int(total["year"].max())
    where = t(lang, f"overview.where.{scope}")
    chart_title = t(lang, "overview.chart_title_scope", where=where, sex=t(lang, f"sex.{sex}"), revision=revision)
    figure = figures.americas_trend(subregions, total, lang=lang, title=chart_title, source=source,
                                    total_label=t(lang, f"overview.total.{scope}"))
    if scope == "americas" and isinstance(show_claims, list) and "show" in show_claims:
        figures.add_claim_markers(figure, claim_points(db, sex, lang), lang=lang)
    headline = t(lang, f"overview.headline.{scope}", total=people(int(total["migrants"].iloc[-1]), lang), year=last)
    cards = headline_cards(total, queries.world_total(db, revision, sex), female, lang)
    if sex == "female":
        cards = cards[:-1]  # the female share of female migrants says nothing
    title = t(lang, "overview.title_scope", where=where, first=first, last=last)
    note = scope_note(db, scope, revision, last, sex, lang)
    return title, headline, cards, figure, source, _table(subregions, total, lang, scope), note


def _series_for(db: queries.Database, scope: str, revision: int, sex: str):
    """(by subregion, total, female total) of the UN's Americas or of the OAS member states."""
    if scope == "americas":
        return (queries.americas_by_subregion(db, revision, sex), queries.americas_total(db, revision, sex),
                queries.americas_total(db, revision, "female"))
    mode = groupings.DATED if scope == "oas_dated" else groupings.ROSTER
    return (groupings.group_by_subregion(db, OAS, revision, sex, mode),
            groupings.group_total(db, OAS, revision, sex, mode)[["year", "migrants"]],
            groupings.group_total(db, OAS, revision, "female", mode)[["year", "migrants"]])


def scope_note(db: queries.Database, scope: str, revision: int, year: int, sex: str, lang: str) -> list:
    """What the total counts: for the OAS, whose figures are summed (and whose are missing);
    always, the territories that are in the UN's Americas and not OAS member states."""
    name_col = name_column(lang)
    outside = groupings.americas_outside(db, OAS, revision, year, sex)
    counted = outside.dropna(subset=["migrants"])
    parts = []
    if scope != "americas":
        mode = groupings.DATED if scope == "oas_dated" else groupings.ROSTER
        row = groupings.groupings(db).set_index("grouping").loc[OAS]
        roster = row[f"roster_note_{lang}"] if f"roster_note_{lang}" in row else row["roster_note_en"]
        totals = groupings.group_total(db, OAS, revision, sex, mode).set_index("year").loc[year]
        missing = groupings.without_data(db, OAS, revision, year, mode)
        parts.append(html.P(t(lang, "overview.sum_of_members", counted=int(totals["members_counted"]),
                              total=int(totals["members_total"]), year=year), className="note"))
        if scope == "oas":
            parts.append(html.P(roster, className="note"))
        if not missing.empty:
            parts.append(html.P(t(lang, "overview.members_without_data", names=", ".join(missing[name_col])),
                                className="note"))
        parts.append(html.P(html.A(t(lang, "overview.download_group"), className="download", id="overview-download",
                                   href=_group_download(db, revision, sex, lang))))
    table = data_table(counted.assign(shown=counted["migrants"].map(lambda v: decimal(v, lang, 0)))[
        [name_col, "iso3", "shown"]], [t(lang, "table.area"), "ISO3", t(lang, "table.migrants")], "overview-outside-data")
    parts.append(html.Details([
        html.Summary(t(lang, "overview.outside", n=len(outside), migrants=people(counted["migrants"].sum(), lang),
                       year=year)),
        table]))
    return parts


def _group_download(db: queries.Database, revision: int, sex: str, lang: str) -> str:
    years = ",".join(str(y) for y in queries.years(db, revision))
    code = int(groupings.groupings(db).set_index("grouping").loc[OAS, "code"])
    return dash.get_relative_path("/download/zip") + (
        f"?dataset=stock_by_group&revision={revision}&areas={code}&years={years}&sex={sex}&lang={lang}")


def claim_points(db: queries.Database, sex: str, lang: str) -> pd.DataFrame:
    """Figures quoted for the Americas total, as markers (persons) with their document."""
    quoted = queries.quoted_stock_points(db, AMERICAS_PARTS)
    quoted = quoted[quoted["sex"] == sex]
    labels = [f"{people(v * 1e6, lang)} ({year}) — {doc}" for v, year, doc in zip(quoted["value"], quoted["year"], quoted["document_title"], strict=True)]
    return pd.DataFrame({"year": quoted["year"], "value": quoted["value"] * 1e6, "label": labels})


def _table(subregions: pd.DataFrame, total: pd.DataFrame, lang: str, scope: str = "americas") -> html.Table:
    name_col = name_column(lang)
    total_rows = total[["year", "migrants"]].assign(**{name_col: t(lang, f"overview.total.{scope}")})
    table = pd.concat([subregions[["year", name_col, "migrants"]], total_rows[["year", name_col, "migrants"]]])
    table = table.sort_values(["year", name_col])
    table = table.assign(migrants=table["migrants"].map(lambda v: decimal(v, lang, 0)))
    headers = [t(lang, "table.year"), t(lang, "table.area"), t(lang, "table.migrants")]
    return data_table(table, headers, "overview-data")


clientside_callback(
    url_sync_script("revision", "sex", "claims", "scope", "lang"),
    Output("overview-url-sync", "children"),
    Input("overview-revision", "value"),
    Input("overview-sex", "value"),
    Input("overview-claims-flag", "data"),
    Input("overview-scope", "value"),
    State("overview-lang", "data"),
)

clientside_callback(
    "function(value) { return (value && value.includes('show')) ? '1' : '0'; }",
    Output("overview-claims-flag", "data"),
    Input("overview-claims", "value"),
)
