"""Overview: the Americas' international migrant stock, total and by subregion, 1990 -> latest."""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import figures, queries
from dashboard.components import data_table, database, notice, page_frame
from dashboard.queries import SEXES, NoDatabase
from dashboard.text import language, people, percent, t

dash.register_page(__name__, path="/", name="Overview", order=0)

PATH = "/"


def parse_revision(value: object, available: list[int]) -> tuple[int, str | None]:
    """The requested revision if loaded, else the latest with a notice to show."""
    latest = available[-1]
    if value in (None, ""):
        return latest, None
    try:
        revision = int(str(value))
    except ValueError:
        return latest, str(value)[:40]
    return (revision, None) if revision in available else (latest, str(value)[:40])


def layout(lang: str = "en", revision: str | None = None, sex: str = "total", **_: object) -> html.Div:
    lang = language(lang)
    params = {"revision": revision, "sex": sex}
    try:
        available = queries.revisions(database())
    except NoDatabase:
        return page_frame(lang, PATH, params, notice(t(lang, "notice.no_database"), "warning"))
    chosen, bad_revision = parse_revision(revision, available)
    notices = []
    if bad_revision is not None:
        notices.append(notice(t(lang, "notice.bad_revision", value=bad_revision, revision=chosen), "warning"))
    if sex not in SEXES:
        notices.append(notice(t(lang, "notice.bad_sex", value=str(sex)[:40]), "warning"))
        sex = "total"
    controls = html.Div(
        [
            html.Div(
                [
                    html.Label(t(lang, "control.revision"), htmlFor="overview-revision"),
                    dcc.Dropdown(
                        id="overview-revision",
                        options=[{"label": t(lang, "revision.label", revision=r), "value": r} for r in reversed(available)],
                        value=chosen, clearable=False, searchable=False,
                    ),
                ]
            ),
            html.Div(
                [
                    html.Label(t(lang, "control.sex"), id="overview-sex-label"),
                    dcc.RadioItems(
                        id="overview-sex",
                        options=[{"label": t(lang, f"sex.{s}"), "value": s} for s in SEXES],
                        value=sex, inline=True, inputStyle={"marginRight": "4px", "marginLeft": "10px"},
                    ),
                ],
                role="radiogroup", **{"aria-labelledby": "overview-sex-label"},
            ),
        ],
        className="controls",
    )
    return page_frame(
        lang, PATH, params,
        html.H1(id="overview-title"),
        html.P(t(lang, "overview.intro")),
        *notices,
        controls,
        html.P(id="overview-headline", className="headline", **{"aria-live": "polite"}),
        html.P(id="overview-change"),
        dcc.Graph(id="overview-trend", config=figures.graph_config("migdash-americas-by-subregion"), style={"height": "560px"}),
        html.P(id="overview-source", className="source-line"),
        html.Details([html.Summary(t(lang, "overview.table")), html.Div(id="overview-table")]),
        dcc.Store(id="overview-lang", data=lang),
        html.Div(id="overview-url-sync", hidden=True),
    )


@callback(
    Output("overview-title", "children"),
    Output("overview-headline", "children"),
    Output("overview-change", "children"),
    Output("overview-trend", "figure"),
    Output("overview-source", "children"),
    Output("overview-table", "children"),
    Input("overview-revision", "value"),
    Input("overview-sex", "value"),
    State("overview-lang", "data"),
)
def update_overview(revision: object, sex: object, lang: object):
    """Everything on the page for one revision and sex: two queries, one figure."""
    lang = language(lang)
    db = database()
    revision, _ = parse_revision(revision, queries.revisions(db))
    sex = sex if sex in SEXES else "total"
    subregions = queries.americas_by_subregion(db, revision, sex)
    total = queries.americas_total(db, revision, sex)
    source = queries.provenance_for(db, revision) or {}
    source_line = t(lang, "source.line", publisher=source.get("publisher", "UN DESA"), revision=revision, licence=source.get("licence", ""))
    first, last = int(total["year"].min()), int(total["year"].max())
    title = t(lang, "overview.title", first=first, last=last)
    chart_title = t(lang, "overview.chart_title", sex=t(lang, f"sex.{sex}"), revision=revision)
    figure = figures.americas_trend(subregions, total, lang=lang, title=chart_title, source=source_line)
    latest = int(total["migrants"].iloc[-1])
    headline = t(lang, "overview.headline", total=people(latest, lang), year=last)
    base = total[total["year"] == 2000]
    change = ""
    if not base.empty:
        base_value = int(base["migrants"].iloc[0])
        change = t(
            lang, "overview.change", change=people(latest - base_value, lang), base=2000,
            pct=percent(100 * (latest - base_value) / base_value, lang, signed=True),
        )
    name_col = "name_es" if lang == "es" else "name_en"
    table = subregions[["year", name_col, "migrants"]]
    total_rows = total.assign(**{name_col: t(lang, "overview.total")})[["year", name_col, "migrants"]]
    table = pd.concat([table, total_rows]).sort_values(["year", name_col])
    table = table.assign(migrants=table["migrants"].map("{:,}".format))
    headers = [t(lang, "table.year"), t(lang, "table.area"), t(lang, "table.migrants")]
    return title, headline, change, figure, source_line, data_table(table, headers, "overview-data")


# Keep the URL shareable without re-rendering the page: replaceState, no navigation event.
clientside_callback(
    """
    function(revision, sex, lang) {
        const params = new URLSearchParams(window.location.search);
        params.set('revision', revision); params.set('sex', sex); params.set('lang', lang);
        window.history.replaceState(null, '', window.location.pathname + '?' + params.toString());
        return '';
    }
    """,
    Output("overview-url-sync", "children"),
    Input("overview-revision", "value"),
    Input("overview-sex", "value"),
    State("overview-lang", "data"),
)
