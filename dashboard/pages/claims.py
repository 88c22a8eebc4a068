"""Claims: each quoted sentence beside every revision's figures, with a refreshed sentence to copy."""

from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboard import claims_check, figures, queries
from dashboard.components import data_table, database, needs_database, page_frame, source_line
from dashboard.text import language, t

dash.register_page(__name__, path="/claims", name="Claims", order=5)

PATH = "/claims"


@needs_database(PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    checks = claims_check.check_all(db)
    claims = queries.claims(db)
    figure_rows = queries.claim_figures(db)
    latest = queries.revisions(db)[-1]
    cards = [
        claim_card(db, claim, figure_rows[figure_rows["claim_id"] == claim["claim_id"]],
                   checks[checks["claim_id"] == claim["claim_id"]], latest, lang)
        for _, claim in claims.iterrows()
    ]
    return page_frame(lang, PATH, {}, html.H1(t(lang, "claims.title")), html.P(t(lang, "claims.intro")), *cards)


def claim_card(db, claim: pd.Series, figure_rows: pd.DataFrame, checks: pd.DataFrame, latest: int, lang: str) -> html.Article:
    status = claims_check.claim_status(checks, latest)
    claim_id = claim["claim_id"]
    sentence = claims_check.refreshed_sentence(db, claim, figure_rows, lang)
    refreshed = (
        [html.P(f"{sentence} {claims_check.citation(db, lang)}", id=f"refreshed-{claim_id}", className="refreshed"),
         dcc.Clipboard(target_id=f"refreshed-{claim_id}", id=f"copy-{claim_id}", title=t(lang, "claims.copy"), className="copy-button")]
        if sentence else [html.P(t(lang, "claims.not_refreshable"), className="refreshed")]
    )
    consistency = [html.P(t(lang, "claims.consistency", note=note), className="consistency") for note in claims_check.consistency(figure_rows)]
    return html.Article(
        [
            html.Header([
                html.Span(t(lang, f"status.{status}"), className=f"badge badge-{status.replace(' ', '-')}", id=f"status-{claim_id}"),
                html.Span(t(lang, "claims.document", title=claim["document_title"], date=claim["document_date"]), className="document"),
            ]),
            html.Blockquote(claim["quote"], lang=claim["document_language"]),
            html.P(t(lang, "claims.cites", source=claim["cited_source"]), className="source-line"),
            *consistency,
            _chart(db, figure_rows, lang, claim_id),
            _figures_table(checks, lang, claim_id),
            html.H3(t(lang, "claims.refreshed")),
            *refreshed,
        ],
        className=f"claim-card claim-{status.replace(' ', '-')}", id=f"claim-{claim_id}",
    )


def _chart(db, figure_rows: pd.DataFrame, lang: str, claim_id: str):
    stock = figure_rows[figure_rows["metric"] == "stock"]
    if stock.empty:
        return html.Div()
    areas = stock["areas"].iloc[0]
    same_areas = stock[stock["areas"] == areas]
    codes = [int(c) for c in areas.split(",")]
    series = queries.area_sum_series(db, codes).assign(value=lambda f: f["migrants"] / 1e6)
    points = pd.DataFrame({"year": same_areas["year"].astype(int), "value": same_areas["value"],
                           "label": [f"{v:g}" for v in same_areas["value"]]})
    latest = int(series["revision"].max()) if not series.empty else 0
    title = t(lang, "claims.chart_title", figure=", ".join(same_areas["figure_id"]))
    fig = figures.claim_chart(series[["revision", "year", "value"]], points, lang=lang, title=title,
                              source=source_line(db, latest, lang) if latest else "", y_title=t(lang, "number.million", value=""))
    return dcc.Graph(figure=fig, id=f"chart-{claim_id}", config=figures.graph_config(f"migdash-claim-{claim_id}"), style={"height": "380px"})


def _figures_table(checks: pd.DataFrame, lang: str, claim_id: str) -> html.Table:
    shown = pd.DataFrame({
        "figure": checks["figure_id"],
        "revision": checks["revision"],
        "quoted": [f"{q:g} {u}" for q, u in zip(checks["quoted"], checks["unit"], strict=True)],
        "actual": [("" if pd.isna(a) else f"{a:.2f} {u}") for a, u in zip(checks["actual"], checks["unit"], strict=True)],
        "status": [t(lang, f"status.{s}") for s in checks["status"]],
        "note": checks["note"],
    })
    headers = [t(lang, "claims.figure"), t(lang, "control.revision"), t(lang, "claims.quoted_value"),
               t(lang, "table.migrants"), "Status", t(lang, "claims.note")]
    return data_table(shown, headers, f"figures-{claim_id}")
