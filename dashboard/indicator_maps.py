"""One mapped indicator as a figure: units, legend edges, caption and hover text, shared by the
Map page and the pages that show the same figures as a map tab (Remittances). A module of its
own because a Dash page module cannot be imported by another page (it would register twice)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import maps as drawing
from dashboard.components import source_line
from readside import citations, maps
from readside.queries import Database
from readside.text import (
    decimal,
    money,
    people,
    percent,
    percent_of_gdp,
    round_figure,
    signed_people,
    t,
)


def formatter(key: str):
    """(value, lang) -> text in the indicator's unit, as the rest of the app writes it."""
    spec = maps.INDICATORS[key]
    return {
        "persons": signed_people if spec.signed else people,
        "percent": lambda v, lang: percent(v, lang),
        "usd": money,
        "percent_gdp": percent_of_gdp,
        "per_thousand": lambda v, lang: t(lang, "map.per_thousand", value=decimal(v, lang, 1)),
    }[spec.unit]


def legend_formatter(key: str):
    """Class edges in the legend: the unit is in its title, the digits are those of the edge
    (edges have two significant digits: 0.25, 6.2, 16)."""
    unit = maps.INDICATORS[key].unit
    if unit in ("persons", "usd"):  # round breaks written round: '1 million', 'US$ 500 million'
        return lambda v, lang: ("+" if maps.INDICATORS[key].signed and v > 0 else "") + round_figure(v, lang,
                                                                                               usd=unit == "usd")
    return lambda v, lang: decimal(v, lang, 0 if float(v).is_integer() else significant_decimals(v))


def significant_decimals(value: float, significant: int = 2) -> int:
    """Decimals that show `significant` digits of the value: 0.25 -> 2, 6.2 -> 1, 16 -> 0."""
    if value == 0:
        return 0
    return max(0, min(3, significant - 1 - math.floor(math.log10(abs(value)))))


def edition_label(key: str, edition: str, newest: bool, lang: str) -> str:
    label = t(lang, f"map.edition.{maps.INDICATORS[key].source}", edition=edition)
    return t(lang, "map.edition_newest", edition=label) if newest else label


def map_figure(db: Database, key: str, edition: str, year: int, frame: pd.DataFrame, areas: pd.DataFrame,
               lang: str) -> go.Figure:
    """The choropleth captioned with the very edition's citation (never the newest file's)."""
    spec = maps.INDICATORS[key]
    indicator = t(lang, f"map.indicator.{key}")
    edition_text = edition_label(key, edition, False, lang)
    if spec.source == "undesa_ims":
        source = source_line(db, int(edition), lang)
    else:
        like = f"%{spec.series[0]}%" if spec.source == "worldbank" and spec.series else None
        cited = citations.rows(db, spec.source, vintages=[edition], like=like)[:1] or \
            citations.rows(db, spec.source, vintages=[edition])[:1]
        source = citations.source_line(cited, lang) or spec.source
    legend = t(lang, "map.legend", unit=t(lang, f"map.unit.{spec.unit}"), year=year, edition=edition_text)
    return drawing.americas_map(frame, areas, lang=lang, fmt=legend_formatter(key), signed=spec.signed, legend_title=legend,
                                title=t(lang, "map.figure_title", indicator=indicator, year=year), source=source,
                                hover=lambda v: hover_text(key, v, year, lang))


def hover_text(key: str, value: float, year: int, lang: str) -> str:
    """The figure with its unit and year, as the hover label and the table say it."""
    return t(lang, f"map.value.{key}", value=formatter(key)(value, lang), year=year)


def clicked_area(click: object) -> int | None:
    """The M49 code a click on an area (shape or marker) carries, or None for anything else."""
    try:
        return int(click["points"][0]["customdata"][0])  # type: ignore[index]
    except (TypeError, KeyError, IndexError, ValueError):
        return None
