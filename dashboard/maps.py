"""Maps of the Americas drawn from the app's own base map (assets/topojson/world_50m.json).

plotly.js fetches a geo chart's base map from `config.topojsonURL`; map_config points it at
/assets/topojson/, so no map request leaves the app (the default is cdn.plot.ly). Values are
drawn in a few classed colours (quantiles, rounded): the Americas' figures span four orders of
magnitude (the United States' 52 million migrants beside Montserrat's 1,400), which a
continuous scale would paint all in one colour. Small island states, too small to see or click
at 1:50m, get a marker at their centroid on top of their shape.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import plotly.colors
import plotly.graph_objects as go
from dash import dcc

from dashboard.figures import FONT, FRAME, frame_chart, graph_config
from readside import style
from readside.text import language, name_column, t

BASE_MAP = Path(__file__).parent / "assets" / "topojson" / "world_50m.json"
Formatter = Callable[[float, str], str]
NO_FIGURE_COLOUR = style.NO_DATA
MEMBER_LINE, TERRITORY_LINE = "#1a1a1a", "#8c8c8c"
TERRITORY_OPACITY = 0.55
CLASSES = 6
GEO = {
    "scope": "world", "resolution": 50, "projection": {"type": "natural earth"},
    "lonaxis": {"range": [-168, -28]}, "lataxis": {"range": [-56, 78]},
    "showland": True, "landcolor": NO_FIGURE_COLOUR, "showocean": False,
    "showcountries": False, "showcoastlines": False, "showlakes": False, "showrivers": False,
    "showframe": False, "bgcolor": "#eef4f8", "domain": {"x": [0, 1], "y": [0, 1]},
}
# The Lesser Antilles and the ABC islands at eight times the main map's scale, over the Atlantic.
INSET = {**GEO, "projection": {"type": "mercator"}, "lonaxis": {"range": [-70.6, -58.9]},
         "lataxis": {"range": [9.8, 19.0]}, "domain": {"x": [0.75, 0.995], "y": [0.36, 0.9]},
         "showframe": True, "framecolor": "#666666", "framewidth": 1}


@cache
def shapes() -> dict[str, dict]:
    """ISO3 -> properties (m49, ct, small) of every area the base map draws (read once: a static asset)."""
    topology = json.loads(BASE_MAP.read_text(encoding="utf-8"))
    return {g["id"]: g["properties"] for g in topology["objects"]["countries"]["geometries"]}


def map_config(filename: str) -> dict:
    """graph_config (16:9 PNG export) plus the app's own base map; no scroll-zoom hijacking the page."""
    return {**graph_config(filename), "topojsonURL": dash.get_asset_url("topojson/"), "scrollZoom": False}


@dataclass(frozen=True)
class Classes:
    """Class edges (values below edges[0] are class 0, at or above edges[-1] the last), colours, labels."""

    edges: tuple[float, ...]
    colours: tuple[str, ...]

    def of(self, value: float) -> int:
        return bisect.bisect_right(self.edges, value)

    def labels(self, fmt: Formatter, lang: str) -> list[str]:
        if not self.edges:
            return [t(lang, "map.class_all")]
        shown = [fmt(e, lang) for e in self.edges]
        middle = [t(lang, "map.class_between", low=a, high=b) for a, b in zip(shown, shown[1:], strict=False)]
        return [t(lang, "map.class_below", value=shown[0]), *middle, t(lang, "map.class_above", value=shown[-1])]


ROUND_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


def _rounded(value: float) -> float:
    """The round number a person would put a class break at: 1, 2, 2.5 or 5 times a power of
    ten, the nearest on a logarithmic scale (920,000 -> 1 million, 57,000 -> 50,000)."""
    if value == 0:
        return 0.0
    magnitude = 10 ** np.floor(np.log10(abs(value)))
    step = min(ROUND_STEPS, key=lambda s: abs(np.log10(abs(value) / magnitude) - np.log10(s)))
    return float(np.copysign(step * magnitude, value))


def _edges(values: np.ndarray, count: int) -> list[float]:
    """Quantile edges rounded as a person would (1, 2, 2.5, 5 x 10^k), strictly inside the
    values' range."""
    if len(values) < 2 or count < 2:
        return []
    found = {_rounded(q) for q in np.quantile(values, np.arange(1, count) / count)}
    return sorted(e for e in found if values.min() < e <= values.max())


def classify(values: pd.Series, *, signed: bool, count: int = CLASSES) -> Classes:
    """Sequential yellow-green-blue classes, or orange (below zero) / purple (above) classes
    around zero where the values take both signs (net migration). Both are ColorBrewer schemes
    that read with the common colour-vision deficiencies."""
    data = values.dropna().to_numpy(dtype=float)
    if signed and (data < 0).any() and (data > 0).any():
        below, above = _edges(data[data < 0], count // 2), _edges(data[data > 0], count // 2)
        edges = [*below, 0.0, *above]
        reds = plotly.colors.sample_colorscale(plotly.colors.diverging.PuOr, list(np.linspace(0.05, 0.4, len(below) + 1)))
        blues = plotly.colors.sample_colorscale(plotly.colors.diverging.PuOr, list(np.linspace(0.6, 0.95, len(above) + 1)))
        return Classes(tuple(edges), tuple(reds + blues))
    edges = _edges(data, count)
    colours = plotly.colors.sample_colorscale(plotly.colors.sequential.YlGnBu, list(np.linspace(0.12, 1, len(edges) + 1)))
    return Classes(tuple(edges), tuple(colours))


def _colour_axis(classes: Classes, labels: list[str], legend_title: str) -> dict:
    """A stepped colour scale: class i is z = i, one flat colour band per class. Its legend sits
    over the empty Pacific, west of South America, at any width and in the slide export."""
    count = len(classes.colours)
    scale = [[stop, colour] for i, colour in enumerate(classes.colours) for stop in (i / count, (i + 1) / count)]
    return {"colorscale": scale, "cmin": -0.5, "cmax": count - 0.5,
            "colorbar": {"title": {"text": legend_title, "side": "top"}, "tickvals": list(range(count)),
                         "ticktext": labels, "len": 0.5, "thickness": 16, "x": 0.01, "xanchor": "left", "y": 0.02,
                         "yanchor": "bottom", "bgcolor": "rgba(255,255,255,0.85)", "tickfont": {"size": 12}}}


def americas_map(frame: pd.DataFrame, areas: pd.DataFrame, *, lang: str, title: str, source: str, legend_title: str,
                 hover: Callable[[float], str], fmt: Formatter, signed: bool = False) -> go.Figure:
    """Choropleth of `frame` (area_code, iso3, names, oas_member, value) over every area of
    `areas`: OAS member states outlined in black, other territories paler with a grey outline,
    areas without a figure grey; a marker on each small area, and the Eastern Caribbean again
    in an inset at eight times the scale, where its islands are a few pixels apart otherwise."""
    lang = language(lang)
    classes = classify(frame["value"], signed=signed)
    drawn = frame[frame["iso3"].isin(shapes())]
    missing = areas[~areas["area_code"].isin(frame["area_code"]) & areas["iso3"].isin(shapes())]
    status = {True: t(lang, "map.member"), False: t(lang, "map.territory")}
    groups = []
    for member in (True, False):
        part = drawn[drawn["oas_member"] == member]
        groups.append(Group(part, [classes.of(v) for v in part["value"]], status[member], "coloraxis",
                            _custom(part, lang, [hover(v) for v in part["value"]], status),
                            member))
    groups.append(Group(missing, [0] * len(missing), t(lang, "map.no_figure_legend"), None,
                        _custom(missing, lang, [t(lang, "map.no_figure")] * len(missing), status), None))
    fig = go.Figure()
    for geo in ("geo", "geo2"):
        for group in groups:
            fig.add_trace(_shapes_trace(group, geo))
    for geo in ("geo", "geo2"):
        for group in (groups[2], groups[1], groups[0]):  # members' markers on top
            markers = _markers_trace(group, geo)
            if markers is not None:
                fig.add_trace(markers)
    _frame_map(fig, title=title, source=source, lang=lang)
    fig.update_layout(coloraxis=_colour_axis(classes, classes.labels(fmt, lang), legend_title), geo2=INSET)
    fig.add_annotation(text=t(lang, "map.inset"), showarrow=False, xref="paper", yref="paper", x=INSET["domain"]["x"][0],
                       y=INSET["domain"]["y"][1], xanchor="left", yanchor="bottom", font={"size": 13, "color": "#333"},
                       name="inset")
    return fig


@dataclass(frozen=True)
class Group:
    """Areas drawn alike: OAS member states, other territories, or those without a figure."""

    part: pd.DataFrame
    z: list[int]
    name: str
    coloraxis: str | None
    custom: list[list]
    member: bool | None  # None: members and territories without a figure


def _custom(part: pd.DataFrame, lang: str, shown: list[str], status: dict[bool, str]) -> list[list]:
    """Per area: M49 code (for the click), name, the figure with its unit, member or territory."""
    return [[int(c), n, s, status[bool(m)]]
            for c, n, s, m in zip(part["area_code"], part[name_column(lang)], shown, part["oas_member"], strict=True)]


HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<br><i>%{customdata[3]}</i><extra></extra>"


def _fill(group: Group) -> dict:
    if group.coloraxis:
        return {"coloraxis": group.coloraxis}
    return {"colorscale": [[0, NO_FIGURE_COLOUR], [1, NO_FIGURE_COLOUR]], "showscale": False}


def _shapes_trace(group: Group, geo: str) -> go.Choropleth:
    """The group's shapes; one legend item (from the main map) names the group."""
    members = [bool(m) for m in group.part["oas_member"]]
    return go.Choropleth(
        locations=list(group.part["iso3"]), z=group.z, customdata=group.custom, locationmode="ISO-3", geo=geo,
        name=group.name, legendgroup=str(group.member), showlegend=geo == "geo", hovertemplate=HOVER,
        marker={"line": {"color": [MEMBER_LINE if m else TERRITORY_LINE for m in members],
                         "width": [0.9 if m else 0.5 for m in members]},
                "opacity": TERRITORY_OPACITY if group.member is False else 1.0}, **_fill(group))


def _markers_trace(group: Group, geo: str) -> go.Scattergeo | None:
    """A marker on each small area (in the inset: each one inside it): circles outlined in black
    for member states, grey diamonds for other territories."""
    lon, lat = INSET["lonaxis"]["range"], INSET["lataxis"]["range"]
    pick = [i for i, iso in enumerate(group.part["iso3"]) if shapes()[iso]["small"] and (
        geo == "geo" or (lon[0] <= shapes()[iso]["ct"][0] <= lon[1] and lat[0] <= shapes()[iso]["ct"][1] <= lat[1]))]
    if not pick:
        return None
    members = [bool(group.part["oas_member"].iloc[i]) for i in pick]
    marker = {"size": [11 if m else 8 for m in members], "symbol": ["circle" if m else "diamond" for m in members],
              "line": {"color": [MEMBER_LINE if m else TERRITORY_LINE for m in members],
                       "width": [1.5 if m else 1 for m in members]}}
    marker.update({"color": [group.z[i] for i in pick], "coloraxis": group.coloraxis} if group.coloraxis
                  else {"color": NO_FIGURE_COLOUR})
    return go.Scattergeo(
        locations=[group.part["iso3"].iloc[i] for i in pick], locationmode="ISO-3", mode="markers", geo=geo,
        name=group.name, legendgroup=str(group.member), showlegend=False, customdata=[group.custom[i] for i in pick],
        hovertemplate=HOVER, marker=marker)


def _frame_map(fig: go.Figure, *, title: str, source: str, lang: str) -> None:
    """Title, legend and source line framed as every chart's (figures.frame_chart), so a PNG goes
    onto a slide. `map` tells assets/chart_fit.js to stack the legend of classes and the inset
    under the map on a narrow screen, where they would cover it."""
    frame_chart(fig, title=title, source=source, lang=lang, axis_below=0)
    fig.update_layout(
        meta={"frame": FRAME, "map": True}, geo=GEO, margin={"l": 10, "r": 10}, uirevision="americas",
        legend={"itemclick": "toggle"}, hoverlabel={"font": {"family": FONT}}, hovermode="closest",
    )
    fig.update_annotations(selector={"name": "source"}, xshift=0)


INCIDENT_COLOUR = style.MEASURE_COLOURS["dead_and_missing"]  # vermillion (Okabe–Ito), as on the charts
INCIDENT_HOVER = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}"
                  "<extra></extra>")
MAX_MARKER = 34  # px across the largest incident's circle


def incidents_map(frame: pd.DataFrame, *, lang: str, title: str, source: str, legend: str,
                  hover: list[list[str]]) -> go.Figure:
    """IOM incidents as circles whose area is the dead and missing, on the app's own base map
    (every shape of the Americas in light grey for orientation). Area, not radius, scales with
    the count so a shipwreck of 60 does not look 60 times larger than a single death."""
    lang = language(lang)
    every = list(shapes())
    largest = float(frame["dead_and_missing"].max()) if not frame.empty else 1.0
    fig = go.Figure([
        go.Choropleth(locations=every, z=[0] * len(every), locationmode="ISO-3", hoverinfo="skip", showscale=False,
                      colorscale=[[0, "#e3e3e3"], [1, "#e3e3e3"]], marker={"line": {"color": "#ffffff", "width": 0.5}},
                      showlegend=False),
        go.Scattergeo(lat=list(frame["latitude"]), lon=list(frame["longitude"]), mode="markers", name=legend,
                      customdata=hover, hovertemplate=INCIDENT_HOVER, showlegend=True,
                      marker={"size": list(frame["dead_and_missing"]), "sizemode": "area",
                              "sizeref": 2.0 * largest / MAX_MARKER ** 2, "sizemin": 3, "color": INCIDENT_COLOUR,
                              "opacity": 0.6, "line": {"color": "#1a1a1a", "width": 0.6}}),
    ])
    _frame_map(fig, title=title, source=source, lang=lang)
    fig.update_layout(geo={**GEO, "landcolor": "#e3e3e3"}, uirevision="incidents")
    return fig


ORIGIN_COLOUR = style.OKABE_ITO["orange"]  # the origin country, where it has no colour of its own
HOST_COLOUR = style.OKABE_ITO["blue"]  # the circles of people hosted
HOST_HOVER = "<b>%{customdata[1]}</b><br>%{customdata[2]}<extra></extra>"


def hosts_map(hosts: pd.DataFrame, origin_iso3: str | None, *, lang: str, title: str, source: str, legend: str,
              origin_legend: str, hover: list[str], origin_colour: str | None = None) -> go.Figure:
    """Where one origin's displaced people are hosted: a circle on each host of the Americas
    (`hosts`: asylum_code, iso3, name, persons) whose area is the persons hosted, and the origin
    filled orange with a black outline. Hosts outside the
    base map are left to the table beside it; `hover` is one line per host."""
    lang = language(lang)
    every = [iso for iso in shapes() if iso != origin_iso3]
    largest = float(hosts["persons"].max()) if not hosts.empty else 1.0
    traces: list = [go.Choropleth(locations=every, z=[0] * len(every), locationmode="ISO-3", hoverinfo="skip",
                                  showscale=False, colorscale=[[0, "#e3e3e3"], [1, "#e3e3e3"]], showlegend=False,
                                  marker={"line": {"color": "#ffffff", "width": 0.5}})]
    if origin_iso3 in shapes():
        traces.append(_origin_trace(origin_iso3, origin_legend, origin_colour or ORIGIN_COLOUR))
    traces.append(go.Scattergeo(
        locations=list(hosts["iso3"]), locationmode="ISO-3", mode="markers", name=legend, showlegend=True,
        customdata=[[int(c), n, h] for c, n, h in zip(hosts["asylum_code"], hosts["name"], hover, strict=True)],
        hovertemplate=HOST_HOVER,
        marker={"size": list(hosts["persons"]), "sizemode": "area", "sizeref": 2.0 * largest / MAX_MARKER ** 2,
                "sizemin": 4, "color": HOST_COLOUR, "opacity": 0.7, "line": {"color": "#1a1a1a", "width": 0.8}}))
    fig = go.Figure(traces)
    _frame_map(fig, title=title, source=source, lang=lang)
    fig.update_layout(geo={**GEO, "landcolor": "#e3e3e3"}, uirevision="hosts")
    return fig


def _origin_trace(iso3: str, name: str, colour: str) -> go.Choropleth:
    """The origin's shape, filled (in the country's own colour where it has one) and outlined so
    the eye starts there."""
    return go.Choropleth(locations=[iso3], z=[1], locationmode="ISO-3", showscale=False, name=name, showlegend=True,
                         colorscale=[[0, colour], [1, colour]], hovertemplate=f"{name}<extra></extra>",
                         marker={"line": {"color": MEMBER_LINE, "width": 1.5}})


def locator(iso3: str | None, name: str, *, lang: str, title: str) -> go.Figure | None:
    """Where an area of the Americas lies (a ring around it if its shape is small), or None
    for an area the base map does not hold (outside the Americas, or an aggregate)."""
    if not iso3 or iso3 not in shapes():
        return None
    others = [iso for iso in shapes() if iso != iso3]
    fig = go.Figure([
        go.Choropleth(locations=others, z=[0] * len(others), locationmode="ISO-3", hoverinfo="skip", showscale=False,
                      colorscale=[[0, "#e3e3e3"], [1, "#e3e3e3"]], marker={"line": {"color": "#ffffff", "width": 0.4}}),
        go.Choropleth(locations=[iso3], z=[1], locationmode="ISO-3", showscale=False, name=name,
                      colorscale=[[0, style.OKABE_ITO["blue"]], [1, style.OKABE_ITO["blue"]]],
                      hovertemplate=f"{name}<extra></extra>",
                      marker={"line": {"color": MEMBER_LINE, "width": 0.8}}),
    ])
    if shapes()[iso3]["small"]:
        fig.add_trace(go.Scattergeo(locations=[iso3], locationmode="ISO-3", mode="markers", hoverinfo="skip",
                                    marker={"size": 22, "symbol": "circle-open", "color": style.HIGHLIGHT,
                                            "line": {"width": 3}}))
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 16}}, font={"family": FONT}, showlegend=False,
                      geo=GEO, margin={"l": 0, "r": 0, "t": 40, "b": 0}, autosize=True)
    return fig


def locator_graph(iso3: str | None, name: str, lang: str, graph_id: str) -> list:
    """The locator as a small graph, or nothing where the base map has no shape for the area."""
    fig = locator(iso3, name, lang=lang, title=t(lang, "map.locator_title", name=name))
    if fig is None:
        return []
    return [dcc.Graph(id=graph_id, figure=fig, config=map_config("migdash-locator"),
                      style={"height": "320px", "maxWidth": "460px"})]


__all__ = ["americas_map", "classify", "hosts_map", "incidents_map", "locator", "locator_graph", "map_config", "shapes"]
