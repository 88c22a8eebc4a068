"""Claims: each quoted sentence beside every revision's figures, with a refreshed sentence to copy.

Everything is read through the query layer once per request (claims_check.Context), then
rendered in the reader's language; the page has no callbacks (dcc.Clipboard copies in the browser).
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboard import figures
from dashboard.components import data_table, database, needs_database, page_frame, source_line
from etl.areas import AMERICAS_PARTS
from readside import citations, style
from readside import claims as claims_check
from readside.claims import INTERPOLATED, SHOWN_DECIMALS, Context
from readside.consistency import consistency
from readside.text import decimal, language, t

dash.register_page(__name__, path="/claims", name="Claims", order=5)

PATH = "/claims"


@needs_database(PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    ctx = Context.load(database())
    checks = claims_check.check_all(ctx)
    cards = [claim_card(ctx, claim_id, checks[checks["claim_id"] == claim_id], lang) for claim_id in ctx.claims["claim_id"]]
    return page_frame(lang, PATH, {}, html.H1(t(lang, "claims.title")), html.P(t(lang, "claims.intro")), *cards)


def claim_card(ctx: Context, claim_id: str, checks: pd.DataFrame, lang: str) -> html.Article:
    """Quote, document, status badge, consistency, chart, figures per revision, refreshed sentence."""
    claim = ctx.claim(claim_id)
    status = claims_check.claim_status(checks, ctx.latest)
    mine = ctx.figures_of(claim_id)
    agrees = [_consistency(note, lang) for note in consistency(mine)]
    return html.Article(
        [
            _header(claim, status, ctx.latest, lang, claim_id),
            html.Blockquote(claim["quote"], lang=claim["document_language"]),
            # what the document itself cites, in the document's words (and language)
            html.P([t(lang, "claims.cites", source=""),
                    html.Span(claim["cited_source"], lang=claim["document_language"])], className="source-line"),
            *_cited_revision_notice(ctx, claim_id, lang),
            *agrees,
            _chart(ctx, claim, mine, lang, claim_id),
            _figures_table(ctx, checks, lang, claim_id),
            html.H3(t(lang, "claims.refreshed")),
            *_refreshed(ctx, claim_id, lang),
        ],
        className=f"claim-card claim-{status.replace(' ', '-')}", id=f"claim-{claim_id}",
    )


def _consistency(note: claims_check.Note, lang: str) -> html.P:
    """A quote that does not add up is flagged in bold; one that does is stated plainly."""
    text = t(lang, "claims.consistency", note=note.text(lang))
    if note.ok:
        return html.P(text, className="consistency-ok", style={"color": "#1f4e2c"})
    return html.P(text, className="consistency consistency-bad")


def _header(claim: pd.Series, status: str, latest: int, lang: str, claim_id: str) -> html.Header:
    label = t(lang, f"status.{status}")
    date = claims_check.long_date(claim["document_date"], lang) if len(claim["document_date"]) == 10 else claim["document_date"]
    document = [html.Span(t(lang, "claims.document", title=claim["document_title"], date=date), className="document")]
    if isinstance(claim["document_symbol"], str) and claim["document_symbol"]:
        document.append(html.Span(" · " + t(lang, "claims.symbol", symbol=claim["document_symbol"]), className="document"))
    return html.Header([
        html.Span(label, className=f"badge badge-{status.replace(' ', '-')}", id=f"status-{claim_id}",
                  title=t(lang, "claims.status", revision=latest, status=label)),
        *document,
    ])


def _cited_revision_notice(ctx: Context, claim_id: str, lang: str) -> list[html.P]:
    """Say so when the revision the document cites is not loaded (claims 2 and 3 cite 2015, 2013)."""
    cited = int(ctx.claim(claim_id)["cited_revision"])
    if cited in ctx.revisions or not ctx.figures_of(claim_id)["metric"].isin(claims_check.COMPUTABLE).any():
        return []
    loaded = ", ".join(str(r) for r in ctx.revisions)
    return [html.P(t(lang, "claims.cited_not_loaded", cited=cited, loaded=loaded), className="source-line cited-not-loaded")]


def _refreshed(ctx: Context, claim_id: str, lang: str) -> list:
    """The refreshed sentence with its citation, and the button that copies exactly that text."""
    text = claims_check.sentence_with_citation(ctx, claim_id, lang)
    if not text:
        return [html.P(t(lang, "claims.not_refreshable"), className="refreshed")]
    return [
        html.P(text, id=f"refreshed-{claim_id}", className="refreshed", lang=lang),
        dcc.Clipboard(target_id=f"refreshed-{claim_id}", id=f"copy-{claim_id}", title=t(lang, "claims.copy"), className="copy-button"),
    ]


def _chart(ctx: Context, claim: pd.Series, mine: pd.DataFrame, lang: str, claim_id: str) -> html.Div | dcc.Graph:
    """Every stock series the claim quotes: the latest revision, and the cited one if loaded."""
    stock = mine[mine["metric"] == "stock"]
    if stock.empty:
        return html.Div()
    shown = sorted({ctx.latest} | ({int(claim["cited_revision"])} & set(ctx.revisions)))
    lines, points = [], []
    for _, figure in stock.iterrows():
        name = ctx.area_label(figure, lang)
        key = _colour_key(figure)
        for revision in shown:
            lines += [{"series": name, "area_code": key, "revision": revision, "year": y,
                       "value": ctx.value(revision, figure, y)} for y in ctx.published[revision]]
        points.append({"series": name, "area_code": key, "year": int(figure["year"]), "value": float(figure["value"]),
                       "label": decimal(float(figure["value"]), lang, int(figure["decimals"])),
                       "hover": f"{claims_check.quoted_text(figure, lang)} ({int(figure['year'])}) — {claim['document_title']}"})
    series = pd.DataFrame(lines).drop_duplicates(["series", "revision", "year"]).dropna(subset=["value"])
    names = list(dict.fromkeys(p["series"] for p in points))
    fig = figures.claim_chart(series, pd.DataFrame(points), latest=ctx.latest, lang=lang,
                              title=t(lang, "claims.chart_title", areas=", ".join(names)),
                              source=source_line(database(), ctx.latest, lang), y_title=t(lang, "claims.axis_millions"))
    return dcc.Graph(figure=fig, id=f"chart-{claim_id}", config=figures.graph_config(f"migdash-claim-{claim_id}"), style={"height": "420px"})


def _colour_key(figure: pd.Series) -> object:
    """What a claim's series is drawn in: its area's colour (readside/style.py), the Americas'
    for Latin America and the Caribbean + Northern America, none for other sums."""
    plus, minus = _codes(figure["areas"]), _codes(figure["minus_areas"])
    if minus:
        return "+".join(map(str, plus)) + "-" + "-".join(map(str, minus))
    if sorted(plus) == sorted(AMERICAS_PARTS):
        return style.AMERICAS
    return plus[0] if len(plus) == 1 else "+".join(map(str, plus))


def _codes(text: object) -> list[int]:
    """'904,905' (the registry's list of M49 codes) -> [904, 905]."""
    return [int(c) for c in str(text).split(",")] if isinstance(text, str) and text else []


def figure_label(ctx: Context, figure: pd.Series, lang: str) -> str:
    """'Americas, 2019', 'Rest of the world, change 1990–2013' — what the figure is about."""
    return ctx.figure_label(figure, lang)


def _value_text(actual: object, basis: str, unit: str, lang: str) -> str:
    if actual is None or pd.isna(actual):
        return ""
    text = claims_check.format_value(float(actual), unit, SHOWN_DECIMALS.get(unit, 2), lang)
    return t(lang, "claims.basis.interpolated", value=text) if basis == INTERPOLATED else text


def _figures_table(ctx: Context, checks: pd.DataFrame, lang: str, claim_id: str) -> html.Table:
    """One row per figure and revision, every cell in the reader's language (the card already says
    when the cited revision is not loaded, so the rows do not repeat it)."""
    by_id = ctx.figures_of(claim_id).set_index("figure_id")
    rows, said = [], {}
    for c in checks.itertuples(index=False):
        figure = by_id.loc[c.figure_id]
        note = claims_check.notes_text([n for n in c.notes if n.key != "cited_not_loaded"], lang)
        shown_note = "" if said.get(c.figure_id) == note else note  # a note once, not once per revision
        said[c.figure_id] = note
        # a UN DESA revision or another source's vintage; none where no loaded source publishes it
        edition = "" if c.vintage is None or (isinstance(c.vintage, float) and pd.isna(c.vintage)) else c.vintage
        rows.append((figure_label(ctx, figure, lang), citations.vintage(edition, lang),
                     claims_check.quoted_text(figure, lang), _value_text(c.actual, c.basis, c.unit, lang),
                     t(lang, f"status.{c.status}"), shown_note))
    sources = {s for s in checks["source"].dropna() if s} if "source" in checks else set()
    edition = t(lang, "remittances.vintage") if sources == {"worldbank"} else t(lang, "control.revision")
    headers = [t(lang, "claims.figure"), edition, t(lang, "claims.quoted_value"),
               t(lang, "claims.actual"), t(lang, "claims.status_column"), t(lang, "claims.note")]
    frame = pd.DataFrame(rows, columns=range(len(headers)))
    keep = [i for i in range(len(headers)) if i not in (1, 5) or frame[i].astype(str).str.len().any()]
    return data_table(frame[keep], [headers[i] for i in keep], f"figures-{claim_id}")
