"""Figures and tables the asylum views share (the Refugees & displacement page's sections and
the country profile's panel): claims and decisions per year and basis, the total recognition
rate, rankings by persons with every row in the table, each chart beside its numbers."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from dashboard import figures
from dashboard.components import data_table, notice, table_box
from readside import asylum, citations, queries
from readside.text import LANGUAGES, decimal, name_column, percent, t

RANKED = 12  # hosts or origins on a ranking chart
MEASURES = ("applied", "total_decisions")


def box(box_id: str) -> html.Div:
    """Where a callback puts a chart with its table, or the notice that there is nothing to draw."""
    return html.Div(id=box_id, className="chart-box")


def chart(graph_id: str, figure, table, lang: str, *, height: str = "480px") -> list:
    """A slide-ready graph with its 'numbers behind the chart' table (None: they are in the
    table of the chart above)."""
    graph = dcc.Graph(id=graph_id, figure=figure, config=figures.graph_config(f"migdash-{graph_id}"),
                      style={"height": height})
    if table is None:
        return [graph]
    return [graph, html.Details([html.Summary(t(lang, "overview.table")), table_box(f"{graph_id}-table", lang, table)])]


def source_line(db: queries.Database, dataset: str, vintage: str, lang: str) -> str:
    """The chart's own file (one package dataset and release), cited in the page's language with
    its licence once, as every other chart."""
    return citations.source_line(citations.rows(db, "unhcr", datasets=[f"unhcr_refugees_{dataset}_{vintage}"]), lang)


def basis_label(basis: str, lang: str) -> str:
    return t(lang, f"asylum.basis.{basis}")


def trend_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Long rows for figures.lines: one line per measure and basis (never a sum of the two)."""
    parts = []
    for measure in MEASURES:
        for number, basis in enumerate(asylum.BASES):
            rows = frame[(frame["basis"] == basis) & frame[measure].notna()]
            if rows.empty:
                continue
            labels = {f"name_{code}": t(code, f"asylum.measure.{measure}", basis=basis_label(basis, code))
                      for code in LANGUAGES}
            parts.append(pd.DataFrame({"year": rows["year"], "value": rows[measure].astype(float),
                                       "area_code": MEASURES.index(measure) * 2 + number, **labels}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def rate_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The total recognition rate in percent, one line per basis; years without a substantive
    decision have no point (never 0)."""
    rows = frame[frame["rate"].notna()]
    return pd.DataFrame({
        "year": rows["year"], "value": rows["rate"].astype(float) * 100,
        "area_code": rows["basis"].map(asylum.BASES.index),
        **{f"name_{code}": rows["basis"].map(lambda b, code=code: t(code, "asylum.rate_of", basis=basis_label(b, code)))
           for code in LANGUAGES}})


def count(value: object, lang: str) -> str:
    return "" if pd.isna(value) else decimal(float(value), lang, 0)


def _rate(value: object, lang: str) -> str:
    return "" if pd.isna(value) else percent(float(value) * 100, lang)


def year_table(frame: pd.DataFrame, lang: str, table_id: str, *, reporting: bool = False):
    """Every figure behind the trend and rate charts, per year and basis; for a sum over
    several hosts, how many of them reported that year."""
    shown = pd.DataFrame({"year": frame["year"], "basis": frame["basis"].map(lambda b: basis_label(b, lang)),
                          **{c: frame[c].map(lambda v: count(v, lang)) for c in ("applied", *asylum.DECISION_COLUMNS)},
                          "rate": frame["rate"].map(lambda v: _rate(v, lang))})
    headers = [t(lang, "table.year"), t(lang, "asylum.col.basis"), t(lang, "asylum.col.applied"),
               *(t(lang, f"asylum.col.{c}") for c in asylum.DECISION_COLUMNS), t(lang, "asylum.col.rate")]
    if reporting:
        shown["reporting"] = frame["reporting"].map(lambda v: count(v, lang))
        headers.append(t(lang, "asylum.col.reporting"))
    return data_table(shown, headers, table_id)


def dominant_basis(ranked: pd.DataFrame) -> str:
    """The basis most of a ranking's claims are counted in (persons unless cases outnumber them)."""
    totals = ranked.groupby("basis")["applied"].sum()
    return "cases" if totals.get("cases", 0) > totals.get("persons", 0) else "persons"


def ranking_box(graph_id: str, ranked: pd.DataFrame, lang: str, source: str, title: str, empty: str,
                area_header: str, basis: str = "persons") -> list:
    """Bars of the largest in one basis (never persons and cases together), the table with
    every row (each labelled with its basis)."""
    shown_rows = ranked[(ranked["basis"] == basis) & ranked["applied"].notna() & (ranked["applied"] > 0)]
    if shown_rows.empty:
        return [notice(empty, "info")]
    name_col = name_column(lang)
    fig = figures.horizontal_bars(shown_rows.head(RANKED), label=name_col, value="applied", lang=lang, source=source,
                                  title=title, x_title=t(lang, "asylum.applied_axis", basis=basis_label(basis, lang)))
    shown = pd.DataFrame({"area": ranked[name_col], "basis": ranked["basis"].map(lambda b: basis_label(b, lang)),
                          "applied": ranked["applied"].map(lambda v: count(v, lang)),
                          "decided": ranked["total_decisions"].map(lambda v: count(v, lang)),
                          "rate": ranked["rate"].map(lambda v: _rate(v, lang))})
    headers = [area_header, t(lang, "asylum.col.basis"), t(lang, "asylum.col.applied"),
               t(lang, "asylum.col.total_decisions"), t(lang, "asylum.col.rate")]
    return chart(graph_id, fig, data_table(shown, headers, f"{graph_id}-data"), lang, height="520px")


def basis_breaks(frame: pd.DataFrame) -> set[int]:
    """Years whose mix of bases (persons only, cases only, or both) differs from the year
    before: a host moving claims from persons to cases would otherwise draw a fall."""
    mix = frame.groupby("year")["basis"].agg(frozenset)
    years = sorted(mix.index)
    return {int(year) for before, year in zip(years, years[1:], strict=False) if mix[year] != mix[before]}


def break_lines(fig, years: set[int]):
    """No line segment runs into one of `years` (its point stays, as a marker)."""
    for trace in fig.data:
        xs, ys, labels = [], [], []
        for x, y, label in zip(trace.x, trace.y, trace.customdata, strict=True):
            if x in years and xs:
                xs.append(None), ys.append(None), labels.append("")
            xs.append(x), ys.append(y), labels.append(label)
        trace.update(x=xs, y=ys, customdata=labels, connectgaps=False)
    return fig


def trend_figure(frame: pd.DataFrame, lang: str, *, source: str, title: str, rate: bool = False):
    """Claims lodged and decided (or the total recognition rate), one line per basis, with no
    line drawn across a change of basis (see basis_breaks)."""
    long = rate_frame(frame, lang) if rate else trend_frame(frame, lang)
    fig = figures.lines(long, value="value", lang=lang, source=source, percent=rate,
                        y_title=t(lang, "asylum.rate" if rate else "asylum.claims_axis"), title=title,
                        year_basis="calendar_year")  # claims lodged and decided during the year
    return break_lines(fig, basis_breaks(frame))
