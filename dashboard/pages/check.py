"""Check a text: paste a paragraph, see every statistic in it tied, checked and refreshed.

The reading and the checking are readside.scan's (the same as `migdash claims scan`); this page
only renders them. The paragraph's language is detected (the dropdown overrides it). The text
travels in the callback's request body, never in the URL, and is not stored: the CSV download
scans it again from the textarea.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components import data_table, database, needs_database, notice, page_frame
from readside import claims as claims_check
from readside import scan
from readside.claims import SHOWN_DECIMALS, Quantity, render
from readside.claims.labels import metric_label
from readside.consistency import consistency
from readside.text import LANGUAGE_NAMES, LANGUAGES, decimal, language, t

dash.register_page(__name__, path="/check", name="Check", order=6)

PATH = "/check"
AUTO = "auto"
BUTTON = {"padding": ".45rem 1rem", "fontSize": "1rem", "cursor": "pointer"}


@needs_database(PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    database()  # a missing database shows the page's notice, not a failing callback later
    options = [{"label": t(lang, "scan.lang_auto"), "value": AUTO}] + \
        [{"label": LANGUAGE_NAMES[code], "value": code} for code in LANGUAGES]
    return page_frame(
        lang, PATH, {},
        html.H1(t(lang, "scan.title")),
        html.P(t(lang, "scan.intro")),
        html.P(t(lang, "scan.privacy"), className="note", id="check-privacy"),
        dcc.Store(id="check-page-lang", data=lang),
        html.Label(t(lang, "scan.text_label"), htmlFor="check-text"),
        dcc.Textarea(id="check-text", value="", style={"width": "100%", "height": "12rem"}),
        html.Div([
            html.Div([
                html.Label(t(lang, "scan.lang_label"), htmlFor="check-lang"),
                dcc.Dropdown(id="check-lang", value=AUTO, clearable=False, searchable=False, options=options),
            ], style={"minWidth": "14rem"}),
            html.Button(t(lang, "scan.check"), id="check-run", type="button", n_clicks=0, className="button",
                        style=BUTTON),
            html.Button(t(lang, "scan.download"), id="check-download-button", type="button", hidden=True, className="button",
                        style=BUTTON),
        ], className="controls", style={"alignItems": "end"}),
        dcc.Download(id="check-download"),
        dcc.Loading(html.Div(notice(t(lang, "scan.empty")), id="check-results", **{"aria-live": "polite"})),
    )


@callback(
    Output("check-results", "children"), Output("check-download-button", "hidden"),
    Input("check-run", "n_clicks"), State("check-text", "value"), State("check-lang", "value"),
    State("check-page-lang", "data"), prevent_initial_call=True,
)
def run_check(_: int, text: str | None, text_lang: str | None, lang: str | None) -> tuple[list, bool]:
    lang = language(lang)
    result = _scan(text, text_lang, lang)
    if not isinstance(result, scan.Scan):
        return [result], True
    return results(result, lang), result.rows.empty


@callback(
    Output("check-download", "data"),
    Input("check-download-button", "n_clicks"), State("check-text", "value"), State("check-lang", "value"),
    State("check-page-lang", "data"), prevent_initial_call=True,
)
def download(_: int, text: str | None, text_lang: str | None, lang: str | None) -> dict:
    result = _scan(text, text_lang, language(lang))
    if not isinstance(result, scan.Scan):
        raise PreventUpdate
    return {"content": scan.as_csv(result), "filename": "migdash-text-check.csv", "type": "text/csv"}


def _scan(text: str | None, text_lang: str | None, lang: str) -> scan.Scan | html.Div:
    """The scan, or the notice that says why there is none (empty, too long, too slow)."""
    text = text if isinstance(text, str) else ""
    if not text.strip():
        return notice(t(lang, "scan.empty"))
    if len(text) > scan.MAX_CHARS:
        return notice(t(lang, "scan.too_long", count=decimal(len(text), lang, 0), limit=decimal(scan.MAX_CHARS, lang, 0)),
                      "warning")
    chosen = text_lang if text_lang in LANGUAGES else None
    try:
        return scan.scan(database(), text, chosen, fallback=lang)
    except scan.TextTooLong:
        return notice(t(lang, "scan.too_slow", seconds=decimal(scan.CPU_SECONDS, lang, 0)), "warning")


def results(result: scan.Scan, lang: str) -> list:
    """Language, summary, one table per sentence with figures, then the refreshed paragraph to copy."""
    name = LANGUAGE_NAMES[result.lang]
    said = t(lang, "scan.chosen" if result.detected.chosen else "scan.detected", language=name)
    if result.rows.empty:
        return [html.P(said, id="check-language", className="source-line"), notice(t(lang, "scan.nothing_found"))]
    understood = sum(f.understood for f in result.found)
    sentences = [_sentence(result, s, lang) for s in result.sentences if any(f.sentence == s.number for f in result.found)]
    return [
        html.P(said, id="check-language", className="source-line"),
        html.P(t(lang, "scan.summary", count=len(result.found), understood=understood,
                 not_understood=len(result.found) - understood), id="check-summary", className="headline"),
        html.H2(t(lang, "scan.results")),
        *sentences,
        html.H2(t(lang, "scan.refreshed")),
        html.P(t(lang, "scan.refreshed_note"), className="note"),
        html.P(f"{result.refreshed.strip()} {result.citation}", id="check-refreshed", className="refreshed", lang=result.lang),
        dcc.Clipboard(target_id="check-refreshed", id="check-copy", title=t(lang, "scan.copy"), className="copy-button"),
    ]


def _sentence(result: scan.Scan, sentence: scan.Sentence, lang: str) -> html.Section:
    figures = result.figures[result.figures["claim_id"] == scan.claim_id(sentence.number)]
    agrees = [html.P(t(lang, "claims.consistency", note=n.text(lang)),
                     className="consistency-ok" if n.ok else "consistency consistency-bad")
              for n in consistency(figures)]
    return html.Section([
        html.Blockquote(" ".join(sentence.text.split()), lang=sentence.lang.lang),
        *agrees,
        _table(result, sentence.number, lang),
    ], className="check-sentence")


def _table(result: scan.Scan, number: int, lang: str) -> html.Table:
    """One row per figure: what it was read as and why, the quote, its verdict, every vintage side by side."""
    by_id = {f.figure_id: f for f in result.found if f.sentence == number}
    rows = result.rows[result.rows["sentence_number"] == number]
    body = []
    for row in rows.itertuples(index=False):
        found = by_id[row.figure_id]
        key = (row.claim_id, row.figure_id)
        checks = [c for c in result.checks if (c.claim_id, c.figure_id) == key]
        body.append((label(found, lang), _tied_by(found, lang), row.quoted_as, _badge(row.status, lang),
                     _vintages(checks, lang), _note(row, lang)))
    headers = [t(lang, f"scan.column.{c}") for c in ("understood", "tied_by", "quoted", "status", "vintages", "note")]
    return data_table(pd.DataFrame(body), headers, f"check-figures-{number}")


def label(found: scan.Tie, lang: str) -> str:
    """'South America, international migrants 2020' — what the figure was read as ('—' if not understood)."""
    if not found.understood:
        return "—"
    return metric_label(lang, found.metric, area=found.label(lang), origin=found.origin_label(lang), detail=found.detail,
                        sex=found.sex, year=found.year or "", base=found.base_year or "")


def _tied_by(found: scan.Tie, lang: str) -> str:
    """'migrantes (its phrase) · América del Sur (the sentence) · 2020 (the sentence)'."""
    return " · ".join(f"{' '.join(e.words.split())} ({t(lang, f'scan.scope.{e.scope}')})" for e in found.evidence)


def _vintages(checks: list, lang: str) -> str:
    """'2019: year not published · 2020: 73,5 millones, matches · 2024: 73,1 millones, matches'."""
    out = []
    for check in checks:
        if not check.vintage:
            continue
        value = "" if check.actual is None else \
            render(Quantity(check.actual, check.unit, SHOWN_DECIMALS.get(check.unit, 2)), lang) + ", "
        out.append(f"{check.vintage}: {value}{t(lang, f'status.{check.status}')}")
    return " · ".join(out)


def _badge(status: str, lang: str) -> html.Span:
    """The status in words (never colour alone)."""
    return html.Span(t(lang, f"status.{status}"), className=f"badge badge-{status.replace(' ', '-')}")


def _note(row: object, lang: str) -> str:
    if row.status == scan.NOT_UNDERSTOOD:
        return t(lang, f"scan.reason.{row.reason}")
    return claims_check.notes_text(row.notes, lang)
