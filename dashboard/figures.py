"""Plotly figure builders: pure functions from query results to figures (no SQL, no files).

Every figure carries its title and source line inside the image, so a PNG exported from the
toolbar can go straight onto a slide.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from readside.text import SEPARATORS, language, name_column, people, t
from readside.text import percent as percent_text

Formatter = Callable[[float, str], str]  # (value, lang) -> label, e.g. people, money

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000"]
TOTAL_COLOUR = "#000000"
FONT = "Arial, Helvetica, sans-serif"
SLIDE = {"width": 1600, "height": 900}  # 16:9


def graph_config(filename: str) -> dict:
    """dcc.Graph config: PNG export sized for a 16:9 slide."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 1, **SLIDE},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 16})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, template="plotly_white", font={"family": FONT})
    return fig


def americas_trend(
    subregions: pd.DataFrame, total: pd.DataFrame, *, lang: str, title: str, source: str, total_label: str | None = None
) -> go.Figure:
    """Stacked areas per subregion with the total (the Americas, or a grouping's) as a line on top."""
    lang = language(lang)
    if subregions.empty or total.empty:
        return empty_figure(title)
    name_col = name_column(lang)
    fig = go.Figure()
    for colour, (code, part) in zip(PALETTE, subregions.groupby("area_code", sort=False), strict=False):
        name = part[name_col].iloc[0]
        fig.add_trace(
            go.Scatter(
                x=part["year"], y=part["migrants"], name=name, stackgroup="subregions", mode="lines",
                line={"width": 0.5, "color": colour}, fillcolor=colour,
                customdata=[people(v, lang) for v in part["migrants"]],
                hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
                meta={"area_code": int(code)},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=total["year"], y=total["migrants"], name=total_label or t(lang, "overview.total"), mode="lines+markers",
            line={"color": TOTAL_COLOUR, "width": 3}, marker={"size": 7},
            customdata=[people(v, lang) for v in total["migrants"]],
            hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
        )
    )
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    fig.update_xaxes(title=t(lang, "axis.year"), tickvals=sorted(total["year"].unique()))
    fig.update_yaxes(title=t(lang, "axis.migrants"), rangemode="tozero")
    return fig


def lines(
    frame: pd.DataFrame, *, value: str, lang: str, title: str, source: str, y_title: str, percent: bool = False,
    fmt: Formatter = people,
) -> go.Figure:
    """One line per area (frame: year, area_code, name_en, name_es, <value>)."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    name_col = name_column(lang)
    fig = go.Figure()
    for colour, (_, part) in zip(PALETTE, frame.groupby("area_code", sort=False), strict=False):
        labels = [percent_text(v, lang) if percent else fmt(v, lang) for v in part[value]]  # es: "1,3 %"
        fig.add_trace(
            go.Scatter(
                x=part["year"], y=part[value], name=part[name_col].iloc[0], mode="lines+markers",
                line={"color": colour, "width": 3}, customdata=labels,
                hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
            )
        )
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    fig.update_xaxes(title=t(lang, "axis.year"), tickvals=sorted(frame["year"].unique()))
    fig.update_yaxes(title=y_title, rangemode="tozero", ticksuffix="%" if percent else "")
    return fig


def grouped_bars(
    frame: pd.DataFrame, *, category: str, series: dict[str, str], lang: str, title: str, source: str, y_title: str,
    fmt: Formatter = people, stacked: bool = False,
) -> go.Figure:
    """Bars per category, one colour per series (series: column -> legend label)."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    fig = go.Figure()
    for colour, (column, label) in zip(PALETTE, series.items(), strict=False):
        fig.add_trace(
            go.Bar(
                x=frame[category], y=frame[column], name=label, marker_color=colour,
                customdata=[fmt(v, lang) if pd.notna(v) else "" for v in frame[column]],
                hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    fig.update_layout(barmode="stack" if stacked else "group", hovermode="closest")
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return fig


def horizontal_bars(
    frame: pd.DataFrame, *, label: str, value: str, lang: str, title: str, source: str,
    fmt: Formatter = people, x_title: str | None = None,
) -> go.Figure:
    """Ranked horizontal bars, largest on top (for top origins / destinations)."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    ordered = frame.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=ordered[value], y=ordered[label], orientation="h", marker_color=PALETTE[3],
            customdata=[fmt(v, lang) for v in ordered[value]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_xaxes(title=x_title or t(lang, "axis.migrants"))
    return fig


def sankey(links: pd.DataFrame, names: dict[int, str], *, lang: str, title: str, source: str) -> go.Figure:
    """Origin -> destination flows (links: origin_code, destination_code, migrants)."""
    lang = language(lang)
    if links.empty:
        return empty_figure(title)
    origins = list(dict.fromkeys(links["origin_code"]))
    destinations = list(dict.fromkeys(links["destination_code"]))
    labels = [names[c] for c in origins] + [names[c] for c in destinations]
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "color": [PALETTE[i % len(PALETTE)] for i in range(len(origins))] + ["#999999"] * len(destinations), "pad": 18},
            link={
                "source": [origins.index(o) for o in links["origin_code"]],
                "target": [len(origins) + destinations.index(d) for d in links["destination_code"]],
                "value": links["migrants"].tolist(),
                "customdata": [people(v, lang) for v in links["migrants"]],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
            },
        )
    )
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    return fig


def heatmap(matrix: pd.DataFrame, *, lang: str, title: str, source: str) -> go.Figure:
    """Origin (rows) x destination (columns) matrix of migrant stock."""
    lang = language(lang)
    if matrix.empty:
        return empty_figure(title)
    text = [[people(v, lang) if pd.notna(v) else "" for v in row] for row in matrix.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(), x=list(matrix.columns), y=list(matrix.index), colorscale="Cividis",
            text=text, texttemplate="%{text}", hovertemplate="%{y} → %{x}: %{text}<extra></extra>",
        )
    )
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    fig.update_layout(hovermode="closest")
    return fig


def _frame_for_slide(fig: go.Figure, *, title: str, source: str, lang: str) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 20}},
        template="plotly_white",
        font={"family": FONT, "size": 14},
        separators=SEPARATORS[lang],
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
        margin={"l": 70, "r": 20, "t": 70, "b": 160},
        hovermode="x unified",
        autosize=True,
    )
    fig.add_annotation(
        text=source, showarrow=False, xref="paper", yref="paper", x=0, y=-0.3,
        xanchor="left", yanchor="top", font={"size": 11, "color": "#444"},
    )


def claim_chart(
    series: pd.DataFrame, points: pd.DataFrame, *, latest: int, lang: str, title: str, source: str, y_title: str
) -> go.Figure:
    """The claim's series with its quoted values marked on them, small enough for a card.

    series: series, revision, year, value: one colour per series; the latest revision solid, an
    earlier one dotted. points: series, year, value, label, hover: the quoted values, as open
    diamonds in the colour of their series. The legend names each colour once and each line
    style once, so it stays short however many series and revisions are drawn.
    """
    lang = language(lang)
    if series.empty and points.empty:
        return empty_figure(title)
    fig = go.Figure()
    names = list(dict.fromkeys([*series["series"], *points["series"]]))
    colours = {name: PALETTE[(3 + i) % len(PALETTE)] for i, name in enumerate(names)}
    dash_of = {r: "solid" if int(r) == latest else "dot" for r in series["revision"].unique()}
    for (name, revision), part in series.groupby(["series", "revision"], sort=False):
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], mode="lines+markers", legendgroup=name, name=name,
            showlegend=int(revision) == latest, line={"color": colours[name], "width": 3, "dash": dash_of[revision]},
            marker={"size": 6}, meta=t(lang, "revision.label", revision=revision),
            hovertemplate="%{fullData.name}, %{x} (%{meta}): %{y:.2f}<extra></extra>",
        ))
    for revision in sorted(dash_of, reverse=True):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=t(lang, "revision.label", revision=revision),
                                 line={"color": "#666", "width": 2, "dash": dash_of[revision]}, hoverinfo="skip"))
    for name, part in points.groupby("series", sort=False):
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], mode="markers+text", name=t(lang, "claims.quoted"), legendgroup="quoted",
            showlegend=False, text=part["label"], textposition="top center", customdata=part["hover"],
            hovertemplate="%{customdata}<extra></extra>",
            marker={"symbol": "diamond-open", "size": 15, "color": colours[name], "line": {"width": 3}},
        ))
    if not points.empty:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t(lang, "claims.quoted"), legendgroup="quoted",
                                 marker={"symbol": "diamond-open", "size": 13, "color": "#666", "line": {"width": 3}}))
    _frame_for_slide(fig, title=title, source=source, lang=lang)
    fig.update_layout(title={"font": {"size": 15}}, margin={"l": 60, "r": 10, "t": 50, "b": 90}, hovermode="closest",
                      legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"})
    fig.layout.annotations[-1].update(y=-0.22)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return fig


def add_claim_markers(fig: go.Figure, points: pd.DataFrame, *, lang: str) -> go.Figure:
    """Overlay quoted claims (year, value in persons, label) on a trend chart."""
    if points.empty:
        return fig
    fig.add_trace(go.Scatter(
        x=points["year"], y=points["value"], name=t(lang, "claims.quoted"), mode="markers",
        customdata=points["label"], hovertemplate="%{customdata}<extra></extra>",
        marker={"symbol": "diamond-open", "size": 16, "color": PALETTE[4], "line": {"width": 3}},
    ))
    return fig


def add_total_line(fig: go.Figure, frame: pd.DataFrame, *, x: str, y: str, label: str, lang: str) -> go.Figure:
    """A black line of markers over stacked bars: the total, drawn only at the rows given (the
    caller passes only the years where the total is a complete sum)."""
    if not frame.empty:
        fig.add_trace(go.Scatter(
            x=frame[x], y=frame[y], name=label, mode="lines+markers", line={"color": TOTAL_COLOUR, "width": 2},
            marker={"size": 7}, customdata=[people(v, language(lang)) for v in frame[y]],
            hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
        ))
    return fig
