"""Sources & method: every upstream file behind the build, with licence, checksum and citation."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import queries
from dashboard.components import data_table, database, needs_database, page_frame
from dashboard.text import language, t

dash.register_page(__name__, path="/sources", name="Sources", order=90)

PATH = "/sources"


@needs_database(PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    provenance = queries.provenance(db)
    build = queries.build_info(db)
    table = provenance.assign(sha256=provenance["sha256"].str.slice(0, 16) + "…", rows=provenance["rows"].map("{:,}".format))
    columns = ["revision", "dataset", "licence", "retrieved_at", "sha256", "rows"]
    headers = [t(lang, f"sources.col.{c}") for c in ("revision", "dataset", "licence", "retrieved", "sha256", "rows")]
    citations = [
        html.Div(
            [
                html.Pre(f"{row.citation} {row.url} ({row.licence}: {row.licence_url})", id=f"citation-{row.dataset}", className="citation"),
                dcc.Clipboard(target_id=f"citation-{row.dataset}", title=t(lang, "sources.citation")),
            ],
            className="citation-block",
        )
        for row in provenance.itertuples()
    ]
    return page_frame(
        lang, PATH, {},
        html.H1(t(lang, "sources.title")),
        html.P(t(lang, "sources.intro")),
        html.P(t(lang, "sources.build", **build), id="sources-build"),
        data_table(table[columns], headers, "sources-table"),
        html.H2(t(lang, "sources.citation")),
        *citations,
        html.H2(t(lang, "sources.method")),
        html.P(t(lang, "sources.method_text")),
    )
