"""Report: the regional report "International Migration in the Americas" in the four languages,
as one HTML file or a PDF, written from this build (served and cached by dashboard.report_downloads)."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import get_relative_path, html

from dashboard.components import database, href, needs_database, page_frame
from dashboard.report_downloads import FORMATS, files
from readside import queries
from readside.claims import long_date
from readside.text import LANGUAGE_NAMES, LANGUAGES, language, t

dash.register_page(__name__, path="/report", name="Report", order=9)

PATH = "/report"
CHAPTERS = ("ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7")


def report_href(lang: str, fmt: str) -> str:
    return href(get_relative_path(f"/report/{fmt}"), lang=lang)


def row(report_lang: str, statuses: dict, lang: str) -> html.Tr:
    """One language of the report: its name (in itself), the two downloads and their state."""
    cells = [html.Th(LANGUAGE_NAMES[report_lang], scope="row", lang=report_lang)]
    for fmt in FORMATS:
        state = statuses[(report_lang, fmt)]
        cells.append(html.Td([
            html.A(t(lang, f"report_page.download_{fmt}"), href=report_href(report_lang, fmt), className="download",
                   id=f"report-{report_lang}-{fmt}", hrefLang=report_lang),
            html.Span(t(lang, f"report_page.status.{state}"), className=f"report-status report-{state}"),
        ]))
    return html.Tr(cells)


@needs_database(PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    build = queries.build_info(db)
    statuses = {(f["lang"], f["fmt"]): f["status"] for f in files(Path(db.path), build["build_id"])}
    table = html.Table([
        html.Thead(html.Tr([html.Th(t(lang, "report_page.col_language"), scope="col"),
                            *(html.Th(fmt.upper(), scope="col") for fmt in FORMATS)])),
        html.Tbody([row(report_lang, statuses, lang) for report_lang in LANGUAGES]),
    ], className="report-files")
    return page_frame(
        lang, PATH, {},
        html.H1(t(lang, "report_page.title")),
        html.P(t(lang, "report_page.intro")),
        html.P(t(lang, "report_page.build", build=build["build_id"][:12],
                 date=long_date(str(build["built_at"])[:10], lang)), className="note"),
        table,
        html.P(t(lang, "report_page.timing"), className="note"),
        html.H2(t(lang, "report_page.contents")),
        html.Ul([html.Li(t(lang, f"documents.{key}.title")) for key in CHAPTERS] +
                [html.Li(t(lang, "documents.report.sources")), html.Li(t(lang, "documents.report.annex"))],
                className="report-chapters"),
    )
