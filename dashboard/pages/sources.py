"""Sources & method: every upstream file behind the build, with licence, checksum and citation."""

from __future__ import annotations

import re

import dash
from dash import dcc, html

from dashboard import queries
from dashboard.components import data_table, database, needs_database, page_frame
from dashboard.text import language, t

NON_ID = re.compile(r"[^A-Za-z0-9_-]")

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
                html.Pre(f"{row.citation} {row.url} ({row.licence}: {row.licence_url})", id=_citation_id(row.dataset),
                         className="citation"),
                dcc.Clipboard(target_id=_citation_id(row.dataset), title=t(lang, "sources.citation")),
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
        html.H2(t(lang, "sources.series")),
        html.P(t(lang, "sources.series_intro")),
        _series_table(db, lang),
        html.H2(t(lang, "sources.method")),
        html.P(t(lang, "sources.method_text")),
    )


def _citation_id(dataset: str) -> str:
    """A DOM id from a dataset name (World Bank series codes contain dots, which Dash ids may not)."""
    return "citation-" + NON_ID.sub("-", dataset)


def _series_table(db: queries.Database, lang: str) -> html.Table:
    """Every indicator series: name, unit, source, licence, and how many observations this build holds."""
    series = queries.series_table(db)
    counts = queries.series_counts(db)
    name_col = "name_es" if lang == "es" else "name_en"
    shown = series.assign(
        loaded=series["code"].map(lambda code: f"{counts[code]:,}" if code in counts else t(lang, "sources.not_loaded"))
    )
    headers = [t(lang, f"sources.series_col.{c}") for c in ("code", "name", "unit", "source", "licence", "loaded")]
    return data_table(shown[["code", name_col, "unit", "source", "licence", "loaded"]], headers, "sources-series")
