"""Overview: the Americas' international migrant stock, total and by subregion, 1990 -> latest."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures
from dashboard.components import (
    data_table,
    database,
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
from etl.areas import AMERICAS_PARTS
from readside import queries
from readside.text import language, people, percent, t

dash.register_page(__name__, path="/", name="Overview", order=0)

PATH = "/"
BASE_YEARS = (2000, 1990)


@needs_database(PATH)
def layout(
    lang: str = "en", revision: str | None = None, sex: str = "total", claims: str = "0", **_: object
) -> html.Div:
    lang = language(lang)
    params = {"revision": revision, "sex": sex, "claims": claims}
    show_claims = "1" if claims == "1" else "0"
    available = queries.revisions(database())
    chosen, sex, notices = resolve_selection(lang, revision, sex, available)
    controls = html.Div(
        [revision_control("overview-revision", lang, available, chosen), sex_control("overview-sex", lang, sex)],
        className="controls",
    )
    return page_frame(
        lang, PATH, params,
        html.H1(id="overview-title"),
        html.P(t(lang, "overview.intro")),
        *notices,
        controls,
        html.P(id="overview-headline", className="headline", **{"aria-live": "polite"}),
        dcc.Checklist(
            id="overview-claims", options=[{"label": " " + t(lang, "claims.show_on_chart"), "value": "show"}],
            value=["show"] if show_claims == "1" else [],
        ),
        html.Div(id="overview-cards", className="cards"),
        dcc.Graph(id="overview-trend", config=figures.graph_config("migdash-americas-by-subregion"), style={"height": "560px"}),
        html.P(id="overview-source", className="source-line"),
        html.Details([html.Summary(t(lang, "overview.table")), html.Div(id="overview-table")]),
        dcc.Store(id="overview-lang", data=lang),
        dcc.Store(id="overview-claims-flag", data=show_claims),
        html.Div(id="overview-url-sync", hidden=True),
    )


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
    Input("overview-revision", "value"),
    Input("overview-sex", "value"),
    Input("overview-claims", "value"),
    State("overview-lang", "data"),
)
def update_overview(revision: object, sex: object, show_claims: object, lang: object):
    """Everything on the page for one revision and sex."""
    lang = language(lang)
    db = database()
    revision, _ = parse_revision(revision, queries.revisions(db))
    sex, _ = parse_sex(sex)
    subregions = queries.americas_by_subregion(db, revision, sex)
    total = queries.americas_total(db, revision, sex)
    source = source_line(db, revision, lang)
    first, last = int(total["year"].min()), int(total["year"].max())
    chart_title = t(lang, "overview.chart_title", sex=t(lang, f"sex.{sex}"), revision=revision)
    figure = figures.americas_trend(subregions, total, lang=lang, title=chart_title, source=source)
    if isinstance(show_claims, list) and "show" in show_claims:
        figures.add_claim_markers(figure, claim_points(db, sex, lang), lang=lang)
    headline = t(lang, "overview.headline", total=people(int(total["migrants"].iloc[-1]), lang), year=last)
    cards = headline_cards(total, queries.world_total(db, revision, sex), queries.americas_total(db, revision, "female"), lang)
    if sex == "female":
        cards = cards[:-1]  # the female share of female migrants says nothing
    return t(lang, "overview.title", first=first, last=last), headline, cards, figure, source, _table(subregions, total, lang)


def claim_points(db: queries.Database, sex: str, lang: str) -> pd.DataFrame:
    """Figures quoted for the Americas total, as markers (persons) with their document."""
    quoted = queries.quoted_stock_points(db, AMERICAS_PARTS)
    quoted = quoted[quoted["sex"] == sex]
    labels = [f"{people(v * 1e6, lang)} ({year}) — {doc}" for v, year, doc in zip(quoted["value"], quoted["year"], quoted["document_title"], strict=True)]
    return pd.DataFrame({"year": quoted["year"], "value": quoted["value"] * 1e6, "label": labels})


def _table(subregions: pd.DataFrame, total: pd.DataFrame, lang: str) -> html.Table:
    name_col = "name_es" if lang == "es" else "name_en"
    total_rows = total.assign(**{name_col: t(lang, "overview.total")})
    table = pd.concat([subregions[["year", name_col, "migrants"]], total_rows[["year", name_col, "migrants"]]])
    table = table.sort_values(["year", name_col])
    table = table.assign(migrants=table["migrants"].map("{:,}".format))
    headers = [t(lang, "table.year"), t(lang, "table.area"), t(lang, "table.migrants")]
    return data_table(table, headers, "overview-data")


clientside_callback(
    url_sync_script("revision", "sex", "claims", "lang"),
    Output("overview-url-sync", "children"),
    Input("overview-revision", "value"),
    Input("overview-sex", "value"),
    Input("overview-claims-flag", "data"),
    State("overview-lang", "data"),
)

clientside_callback(
    "function(value) { return (value && value.includes('show')) ? '1' : '0'; }",
    Output("overview-claims-flag", "data"),
    Input("overview-claims", "value"),
)
