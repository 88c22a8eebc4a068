"""Plotly figure builders: pure functions from query results to figures (no SQL, no files).

Every figure carries its title and source line inside the image, so a PNG exported from the
toolbar can go straight onto a slide. Colours, fonts and tick steps come from readside/style.py
(the same as the briefs'); each area keeps its colour on every page. The layout is framed once
(frame_chart): title at the top, legend above the plot, source line below the axis; the page's
assets/chart_fit.js then fits that frame to the width the chart is drawn at.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Callable, Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from readside import style
from readside.text import SEPARATORS, compact, language, money, name_column, people, t
from readside.text import percent as percent_text

Formatter = Callable[[float, str], str]  # (value, lang) -> label, e.g. people, money

PALETTE = style.PALETTE
TOTAL_COLOUR = style.TOTAL
FONT = style.FONT_FAMILY
SLIDE = style.SLIDE
FRAME = "migdash-frame"  # layout.meta.frame: assets/chart_fit.js fits these charts
EDGE, GAP = 10, 8  # px, as in chart_fit.js
ASSUMED_WIDTH = 1100  # px: the first drawing's guess of the chart's width, before chart_fit.js
BAR_COLOUR = style.BAR


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


# ---------------------------------------------------------------- the frame


def _lines_of(text: str, px_per_char: float, width: float = ASSUMED_WIDTH) -> int:
    return sum(max(1, math.ceil(len(part) * px_per_char / width)) for part in text.split("<br>")) if text else 0


def _legend_rows(fig: go.Figure) -> int:
    """Rows of the horizontal legend at the assumed width (0 when plotly shows no legend)."""
    shown = [tr for tr in fig.data if "showlegend" in tr]
    named = [tr.name for tr in shown if tr.name and tr.showlegend is not False]
    if len(named) < 2 and not any(tr.showlegend for tr in shown):
        return 0
    return math.ceil(sum(len(n) * 7.6 + 46 for n in named) / ASSUMED_WIDTH)


def frame_chart(fig: go.Figure, *, title: str, source: str, lang: str, axis_below: int = 50) -> go.Figure:
    """Title top left, legend in rows above the plot, source line under the x axis, starting at
    the chart's left edge. The margins are first guessed for a wide chart; chart_fit.js measures
    and corrects them (and wraps the title and source line) at the drawn width."""
    legend_rows = _legend_rows(fig)
    title_height = _lines_of(title, style.TITLE_SIZE * 0.55) * style.TITLE_SIZE * 1.3
    source_height = _lines_of(source, style.SOURCE_SIZE * 0.55) * style.SOURCE_SIZE * 1.3
    top = EDGE + title_height + (GAP + legend_rows * 22 if legend_rows else 0) + GAP
    bottom = axis_below + (GAP + source_height if source else 0) + EDGE
    fig.update_layout(
        meta={"frame": FRAME},
        title={"text": title, "x": 0, "xref": "container", "xanchor": "left", "y": 1, "yref": "container",
               "yanchor": "top", "pad": {"t": EDGE, "l": EDGE}, "font": {"size": style.TITLE_SIZE}, "automargin": False},
        template="plotly_white",
        font={"family": FONT, "size": style.FONT_SIZE, "color": style.TEXT},
        separators=SEPARATORS[lang],
        legend={"orientation": "h", "x": 0, "xref": "paper", "xanchor": "left", "y": 1, "yref": "paper",
                "yanchor": "bottom", "bgcolor": "rgba(0,0,0,0)", "traceorder": "normal"},
        margin={"l": 70, "r": 20, "t": math.ceil(top), "b": math.ceil(bottom), "autoexpand": True},
        hovermode="x unified",
        autosize=True,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    fig.add_annotation(
        name="source", text=source, showarrow=False, xref="paper", yref="paper", x=0, y=0, xanchor="left",
        yanchor="top", align="left", xshift=EDGE - 70, yshift=-(axis_below + GAP),
        font={"size": style.SOURCE_SIZE, "color": style.MUTED_TEXT},
    )
    return fig


def _frame_for_slide(fig: go.Figure, *, title: str, source: str, lang: str) -> None:
    """Former name of frame_chart (kept for callers on other branches)."""
    frame_chart(fig, title=title, source=source, lang=lang)


# ---------------------------------------------------------------- axes


def year_axis(fig: go.Figure, years: Iterable[int], *, lang: str, basis: str = "mid_year", **where: int) -> go.Figure:
    """Years as plain integers at round steps that plotly picks for the drawn width (every year
    for a short series, every 10 or 20 on a phone for a long one), titled with what a year means
    for the source: 'as of 1 July' (UN DESA), 'as of 31 December' (UNHCR), 'January to
    December' (flows: World Bank, WPP, OECD, IOM, IDMC)."""
    years = [int(y) for y in years if pd.notna(y)]
    span = (max(years) - min(years)) if years else 0
    # plotly's automatic step is 0.5 on a short range: at most 6 years are labelled one by one
    ticks = {"tickmode": "auto", "nticks": span + 1} if span <= 5 else {"tickmode": "auto", "nticks": 0}
    fig.update_xaxes(title=t(lang, f"axis.year_{basis}"), tickformat="d", showgrid=False, **ticks, **where)
    return fig


def _value_extent(fig: go.Figure, axis: str) -> tuple[float, float]:
    """Lowest and highest value drawn on the value axis, stacks (areas, stacked bars) summed."""
    low, high = 0.0, 0.0
    stacked_bars = fig.layout.barmode in ("stack", "relative")
    stacks: dict[object, dict[object, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for trace in fig.data:
        if trace.type not in ("scatter", "bar"):
            continue
        horizontal = getattr(trace, "orientation", None) == "h"
        values, keys = (trace.x, trace.y) if horizontal else (trace.y, trace.x)
        if (axis == "x") != horizontal or values is None:
            continue
        keys = keys if keys is not None else range(len(values))
        group = trace.stackgroup if trace.type == "scatter" else ("bars" if stacked_bars else None)
        for key, value in zip(keys, values, strict=False):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if group is None:
                low, high = min(low, value), max(high, value)
            else:
                stacks[group][key][0 if value < 0 else 1] += value
    for group in stacks.values():
        for negative, positive in group.values():
            low, high = min(low, negative), max(high, positive)
    return low, high


def value_axis(fig: go.Figure, *, lang: str, unit: str = "people", axis: str = "y", target: int = 5,
               **where: int) -> go.Figure:
    """Round tick values written in the page's language: '60 mil M' / '60 Md' / '60 bi', never
    plotly's '60B'; '7,5 %' where the language puts a space before the sign."""
    low, high = _value_extent(fig, axis)
    if low == high == 0:
        return fig
    ticks = style.nice_ticks(low, high, target)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    if unit == "percent":
        digits = 0 if step >= 1 else 1 if step >= 0.1 else 2
        labels = [percent_text(v, lang, digits) for v in ticks]
    else:
        labels = [compact(v, lang) for v in ticks]
    update = {"tickmode": "array", "tickvals": ticks, "ticktext": labels, **where}
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**update)
    return fig


def unit_of(fmt: Formatter, percent: bool = False) -> str:
    return "percent" if percent else "money" if fmt is money else "people"


# ---------------------------------------------------------------- charts


def americas_trend(
    subregions: pd.DataFrame, total: pd.DataFrame, *, lang: str, title: str, source: str, total_label: str | None = None
) -> go.Figure:
    """Stacked areas per subregion with the total (the Americas, or a grouping's) as a line on top."""
    lang = language(lang)
    if subregions.empty or total.empty:
        return empty_figure(title)
    name_col = name_column(lang)
    fig = go.Figure()
    groups = list(subregions.groupby("area_code", sort=False))
    for colour, (code, part) in zip(style.colours_for([c for c, _ in groups]), groups, strict=True):
        fig.add_trace(
            go.Scatter(
                x=part["year"], y=part["migrants"], name=part[name_col].iloc[0], stackgroup="subregions", mode="lines",
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
    frame_chart(fig, title=title, source=source, lang=lang)
    year_axis(fig, total["year"], lang=lang)
    fig.update_yaxes(title=t(lang, "axis.migrants"), rangemode="tozero")
    return value_axis(fig, lang=lang)


def lines(
    frame: pd.DataFrame, *, value: str, lang: str, title: str, source: str, y_title: str, percent: bool = False,
    fmt: Formatter = people, year_basis: str = "mid_year",
) -> go.Figure:
    """One line per area (frame: year, area_code, name_en, name_es, <value>), each in its area's colour."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    name_col = name_column(lang)
    fig = go.Figure()
    groups = list(frame.groupby("area_code", sort=False))
    for colour, (_, part) in zip(style.colours_for([c for c, _ in groups]), groups, strict=True):
        labels = [percent_text(v, lang) if percent else fmt(v, lang) for v in part[value]]  # es: "1,3 %"
        fig.add_trace(
            go.Scatter(
                x=part["year"], y=part[value], name=part[name_col].iloc[0], mode="lines+markers",
                line={"color": colour, "width": 3}, marker={"size": 5 if len(part) > 20 else 7}, customdata=labels,
                hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
            )
        )
    frame_chart(fig, title=title, source=source, lang=lang)
    year_axis(fig, frame["year"], lang=lang, basis=year_basis)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return value_axis(fig, lang=lang, unit=unit_of(fmt, percent))


def small_multiples(
    frame: pd.DataFrame, *, value: str, lang: str, title: str, source: str, y_title: str, fmt: Formatter = people,
    year_basis: str = "mid_year", columns: int = 2,
) -> go.Figure:
    """One panel per area, each with its own scale, so that the Caribbean's 1.5 million is as
    readable as Northern America's 59 million (one shared scale draws the small ones flat)."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    name_col = name_column(lang)
    groups = list(frame.groupby("area_code", sort=False))
    rows = math.ceil(len(groups) / columns)
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, horizontal_spacing=0.12, vertical_spacing=0.16,
                        subplot_titles=[part[name_col].iloc[0] for _, part in groups])
    for i, (colour, (_, part)) in enumerate(zip(style.colours_for([c for c, _ in groups]), groups, strict=True)):
        row, col = i // columns + 1, i % columns + 1
        fig.add_trace(go.Scatter(
            x=part["year"], y=part[value], name=part[name_col].iloc[0], mode="lines+markers", showlegend=False,
            line={"color": colour, "width": 3}, marker={"size": 6}, customdata=[fmt(v, lang) for v in part[value]],
            hovertemplate="%{fullData.name}, %{x}: %{customdata}<extra></extra>",
        ), row=row, col=col)
        single = go.Figure(fig.data[-1])
        fig.update_yaxes(rangemode="tozero", row=row, col=col, **_tick_update(single, lang, unit_of(fmt)))
    for annotation in fig.layout.annotations:  # the panels' titles: the area, in its colour's text
        annotation.update(font={"size": 14, "color": style.TEXT}, name="panel")
    frame_chart(fig, title=title, source=source, lang=lang)
    fig.update_layout(hovermode="closest")
    year_axis(fig, frame["year"], lang=lang, basis=year_basis)
    fig.update_xaxes(title=None)
    fig.update_xaxes(title=t(lang, f"axis.year_{year_basis}"), row=rows)
    fig.update_yaxes(title=None)
    fig.layout.yaxis.title = y_title
    return fig


def _tick_update(single: go.Figure, lang: str, unit: str) -> dict:
    low, high = _value_extent(single, "y")
    ticks = style.nice_ticks(low, high, 4)
    labels = [percent_text(v, lang, 0) for v in ticks] if unit == "percent" else [compact(v, lang) for v in ticks]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": labels}


def grouped_bars(
    frame: pd.DataFrame, *, category: str, series: dict[str, str], lang: str, title: str, source: str, y_title: str,
    fmt: Formatter = people, stacked: bool = False, year_basis: str = "mid_year", horizontal: bool = False,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Bars per category, one colour per series (series: column -> legend label; a column named
    after a measure, e.g. 'female', 'refugees', 'received', takes that measure's colour).
    `horizontal`: categories down the side, first on top (names of countries stay readable on a
    phone, where vertical bars would write them sideways). `colours`: a series' colour where its
    column name says nothing (readside/style.py otherwise)."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    fig = go.Figure()
    rows = frame.iloc[::-1] if horizontal else frame
    for colour, (column, label) in zip(style.colours_for(list(series), measures=True), series.items(), strict=True):
        colour = (colours or {}).get(column, colour)
        values, categories = rows[column], rows[category]
        fig.add_trace(
            go.Bar(
                x=values if horizontal else categories, y=categories if horizontal else values,
                orientation="h" if horizontal else "v", name=label, marker_color=colour,
                customdata=[fmt(v, lang) if pd.notna(v) else "" for v in values],
                hovertemplate=("%{y}" if horizontal else "%{x}") + ": %{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    frame_chart(fig, title=title, source=source, lang=lang)
    fig.update_layout(barmode="stack" if stacked else "group", hovermode="closest")
    if horizontal:
        fig.update_xaxes(title=y_title, rangemode="tozero")
        return value_axis(fig, lang=lang, unit=unit_of(fmt), axis="x", target=3)
    if category == "year":
        year_axis(fig, frame[category], lang=lang, basis=year_basis)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return value_axis(fig, lang=lang, unit=unit_of(fmt))


# A bar's name longer than LONG_LABEL characters (an IOM route) is written on lines of LABEL_WRAP;
# country names ('Venezuela (Bolivarian Republic of)', 34) stay on one line, where a ranking of
# twenty bars has no room for two.
LONG_LABEL, LABEL_WRAP = 36, 26


def horizontal_bars(
    frame: pd.DataFrame, *, label: str, value: str, lang: str, title: str, source: str,
    fmt: Formatter = people, x_title: str | None = None, colour: str = BAR_COLOUR,
) -> go.Figure:
    """Ranked horizontal bars, largest on top (for top origins / destinations)."""
    lang = language(lang)
    if frame.empty:
        return empty_figure(title)
    ordered = frame.iloc[::-1]
    # a route's long name on two lines: on a phone it would take the plot's width and run past
    # the chart's left edge
    names = ["<br>".join(textwrap.wrap(str(n), LABEL_WRAP)) if len(str(n)) > LONG_LABEL else n for n in ordered[label]]
    fig = go.Figure(
        go.Bar(
            x=ordered[value], y=names, orientation="h", marker_color=colour,
            customdata=[fmt(v, lang) for v in ordered[value]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    frame_chart(fig, title=title, source=source, lang=lang)
    fig.update_layout(hovermode="closest", showlegend=False)
    fig.update_xaxes(title=x_title or t(lang, "axis.migrants"))
    return value_axis(fig, lang=lang, unit="percent" if fmt.__name__ == "percent_of_gdp" else unit_of(fmt),
                      axis="x", target=3)


def sankey(links: pd.DataFrame, names: dict[int, str], *, lang: str, title: str, source: str) -> go.Figure:
    """Origin -> destination flows (links: origin_code, destination_code, migrants): each origin
    in its area's colour, and its links in the same colour, lighter."""
    lang = language(lang)
    if links.empty:
        return empty_figure(title)
    origins = list(dict.fromkeys(links["origin_code"]))
    destinations = list(dict.fromkeys(links["destination_code"]))
    labels = [names[c] for c in origins] + [names[c] for c in destinations]
    origin_colours = dict(zip(origins, style.colours_for(origins), strict=True))
    destination_colours = [style.area_colour(c) or style.NEUTRAL for c in destinations]
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "color": [origin_colours[c] for c in origins] + destination_colours, "pad": 18,
                  "line": {"width": 0}},
            link={
                "source": [origins.index(o) for o in links["origin_code"]],
                "target": [len(origins) + destinations.index(d) for d in links["destination_code"]],
                "value": links["migrants"].tolist(),
                "color": [_translucent(origin_colours[o], 0.45) for o in links["origin_code"]],
                "customdata": [people(v, lang) for v in links["migrants"]],
                "hovertemplate": "%{source.label} → %{target.label}: %{customdata}<extra></extra>",
            },
        )
    )
    frame_chart(fig, title=title, source=source, lang=lang, axis_below=0)
    return fig


def _translucent(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red},{green},{blue},{alpha})"


def heatmap(matrix: pd.DataFrame, *, lang: str, title: str, source: str) -> go.Figure:
    """Origin (rows) x destination (columns) matrix of migrant stock, coloured on a logarithmic
    scale: corridors run from thousands to tens of millions, and a linear scale paints every
    cell but the largest the same dark."""
    lang = language(lang)
    if matrix.empty:
        return empty_figure(title)
    values = matrix.to_numpy(dtype=float)
    text = [[people(v, lang) if pd.notna(v) else "" for v in row] for row in values]
    shown = [[math.log10(v) if pd.notna(v) and v > 0 else None for v in row] for row in values]
    logs = [v for row in shown for v in row if v is not None]
    low, high = (math.floor(min(logs)), math.ceil(max(logs))) if logs else (0, 1)
    ticks = list(range(low, high + 1))
    fig = go.Figure(
        go.Heatmap(
            z=shown, x=list(matrix.columns), y=list(matrix.index), colorscale="YlGnBu", zmin=low, zmax=high,
            text=text, texttemplate="%{text}", hovertemplate="%{y} → %{x}: %{text}<extra></extra>",
            colorbar={"tickvals": ticks, "ticktext": [compact(10 ** v, lang) for v in ticks], "thickness": 14,
                      "title": {"text": t(lang, "axis.migrants"), "side": "right"}},
            xgap=1, ygap=1,
        )
    )
    frame_chart(fig, title=title, source=source, lang=lang)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(showgrid=False, autorange="reversed")
    return fig


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
    colours = dict(zip(names, style.colours_for([_series_key(series, points, n) for n in names]), strict=True))
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
    frame_chart(fig, title=title, source=source, lang=lang)
    fig.update_layout(title={"font": {"size": 15}}, hovermode="closest")
    years = [*series["year"], *points["year"]]
    year_axis(fig, years, lang=lang)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return fig


def _series_key(series: pd.DataFrame, points: pd.DataFrame, name: str) -> object:
    """The area code behind a claim chart's series name, where the frames carry one."""
    for frame in (series, points):
        if "area_code" in frame and (frame["series"] == name).any():
            return frame.loc[frame["series"] == name, "area_code"].iloc[0]
    return name


def add_claim_markers(fig: go.Figure, points: pd.DataFrame, *, lang: str) -> go.Figure:
    """Overlay quoted claims (year, value in persons, label) on a trend chart."""
    if points.empty:
        return fig
    fig.add_trace(go.Scatter(
        x=points["year"], y=points["value"], name=t(lang, "claims.quoted"), mode="markers",
        customdata=points["label"], hovertemplate="%{customdata}<extra></extra>",
        marker={"symbol": "diamond-open", "size": 16, "color": style.MEASURE_COLOURS["quoted"], "line": {"width": 3}},
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
