"""Partial years and placeholders on a chart (the rules of readside.reporting, drawn).

A year whose reporting members stand for clearly less than usual is drawn apart: the line of
complete years stops, and a dotted line with open markers in the same colour carries the
partial years, so the eye never reads a missing member as a fall. One legend entry says what
dotted means; a note under the chart names the years and who is missing.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from readside.style import MUTED_TEXT
from readside.text import language, name_column, t

Formatter = Callable[[float, str], str]

PARTIAL_GROUP = "partial-years"


def complete_only(frame: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """The frame with partial years blanked (a gap in the line of complete years)."""
    return frame.assign(**{value: frame[value].where(frame["complete"].astype(bool))})


def blank_safe(fmt: Formatter) -> Formatter:
    """A formatter that writes nothing for a blank (a gap in a series)."""
    return lambda v, lang: "" if pd.isna(v) else fmt(v, lang)


def add_partial_years(fig: go.Figure, frame: pd.DataFrame, *, lang: str, fmt: Formatter,
                      value: str = "value") -> go.Figure:
    """Dotted lines with open markers over each area's partial years, joined to the nearest
    complete year, in the colour of the area's own line (frame: year, area_code, names, value,
    reporting, expected, complete)."""
    lang = language(lang)
    name_col = name_column(lang)
    colours = {trace.name: trace.line.color for trace in fig.data if getattr(trace, "line", None) is not None}
    drawn = False
    for _, part in frame.sort_values("year").groupby("area_code", sort=False):
        part = part.reset_index(drop=True)
        partial = ~part["complete"].astype(bool)
        if not partial.any():
            continue
        name = part[name_col].iloc[0]
        # each partial year with its complete neighbours, so the dotted piece touches the solid line
        keep = partial | partial.shift(1, fill_value=False) | partial.shift(-1, fill_value=False)
        runs = (keep != keep.shift(fill_value=False)).cumsum()
        for _, piece in part[keep].groupby(runs[keep]):
            marks = ~piece["complete"].astype(bool)
            fig.add_trace(go.Scatter(
                x=piece["year"], y=piece[value], name=t(lang, "reporting.partial_legend"), mode="lines+markers",
                legendgroup=PARTIAL_GROUP, showlegend=False, hoverinfo="skip",
                line={"color": colours.get(name, MUTED_TEXT), "width": 2, "dash": "dot"},
                marker={"size": [9 if m else 0 for m in marks], "symbol": "circle-open",
                        "color": colours.get(name, MUTED_TEXT), "line": {"width": 2}},
            ))
        hover = part[partial]
        fig.add_trace(go.Scatter(
            x=hover["year"], y=hover[value], mode="markers", showlegend=False, legendgroup=PARTIAL_GROUP,
            name=name, marker={"size": 12, "opacity": 0, "color": colours.get(name, MUTED_TEXT)},
            customdata=[t(lang, "reporting.partial_hover", value=fmt(v, lang), reporting=int(r), expected=int(e))
                        for v, r, e in zip(hover[value], hover["reporting"], hover["expected"], strict=True)],
            hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
        ))
        drawn = True
    if drawn:  # one legend entry says what the dotted pieces are
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=t(lang, "reporting.partial_legend"),
                                 legendgroup=PARTIAL_GROUP, line={"color": MUTED_TEXT, "width": 2, "dash": "dot"},
                                 marker={"symbol": "circle-open", "size": 9, "color": MUTED_TEXT}))
    return fig


def partial_note(frame: pd.DataFrame, names: dict[int, str], lang: str, *, since: int | None = None) -> str:
    """'Drawn dotted, not comparable with a complete year: Caribbean 2024 (10 of 16 reporting;
    missing: Haiti, Curaçao…)'; recent years only (`since`), the older ones are in the table."""
    lang = language(lang)
    name_col = name_column(lang)
    partial = frame[~frame["complete"].astype(bool)]
    if since is not None:
        partial = partial[partial["year"] >= since]
    if partial.empty:
        return ""
    items = []
    for row in partial.itertuples(index=False):
        missing = ", ".join(names.get(int(c), str(c)) for c in row.missing)
        items.append(t(lang, "reporting.partial_item", area=getattr(row, name_col), year=int(row.year),
                       reporting=int(row.reporting), expected=int(row.expected), missing=missing or "—"))
    return t(lang, "reporting.partial_note", items="; ".join(items))


def coverage_label(reporting: object, expected: object, complete: bool, lang: str) -> str:
    """A table cell: '16 of 16', '10 of 16 (partial year)', or '' where not counted."""
    if pd.isna(reporting) or pd.isna(expected):
        return ""
    key = "reporting.counted" if complete else "reporting.counted_partial"
    return t(lang, key, reporting=int(reporting), expected=int(expected))
