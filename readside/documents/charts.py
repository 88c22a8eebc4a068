"""Charts of the briefs and the report: the chart as data (`Chart`, `Series`) and its drawing as
static SVG by matplotlib (Agg, no browser, no display).

A document must open offline in a meeting room and print to PDF, so its charts are plain SVG
text inside the HTML: no script, no font or image fetched. Text stays text (svg.fonttype
'none': smaller, selectable, read by screen readers) in a generic sans-serif family, and the
SVG's metadata block and DOCTYPE (which name w3.org/creativecommons.org URLs) are dropped.
Colours: `palette()` and readside/style.py, as on the dashboard: an area has the same colour in a
brief as on every page, and year axes step as the dashboard's do.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen before pyplot loads
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from readside import style  # noqa: E402
from readside.text import money, people, percent, percent_of_gdp, round_figure  # noqa: E402


@dataclass(frozen=True)
class Series:
    label: str
    x: list
    y: list[float]
    key: object = None  # the area (M49 code) or measure it draws: its colour (readside/style.py)



@dataclass(frozen=True)
class Chart:
    """A static chart as data: `line` (series over years) or `bars` (one value per label)."""

    kind: str
    title: str
    source: str
    series: list[Series]
    unit: str  # people | money | percent | gdp

    def fmt(self, value: float, lang: str) -> str:
        return {"people": people, "money": money, "percent": lambda v, lg: percent(v, lg),
                "gdp": percent_of_gdp}[self.unit](value, lang)



OKABE_ITO = style.PALETTE


def palette() -> list[str]:
    """The documents' colours for series without an identity: the site's (readside/style.py)."""
    return style.PALETTE

STYLE = {
    "svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9, "axes.spines.top": False,
    "axes.spines.right": False, "axes.prop_cycle": matplotlib.cycler(color=palette()), "svg.hashsalt": "migdash",
    "text.color": style.TEXT, "axes.labelcolor": style.TEXT, "xtick.color": style.MUTED_TEXT,
    "ytick.color": style.MUTED_TEXT,
}
WIDTH, HEIGHT = 6.8, 3.1  # inches: two charts fit on an A4 page with the text around them


def svg(chart: Chart, lang: str) -> str:
    """The chart as an <svg> element to inline in HTML (titled by the surrounding <figure>);
    the namespace declarations it keeps (xmlns) name URLs but fetch nothing."""
    with matplotlib.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT if chart.kind == "line" else _bar_height(chart)))
        try:
            (_line if chart.kind == "line" else _bars)(ax, chart, lang)
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    return _inline(out.getvalue())


def _bar_height(chart: Chart) -> float:
    count = max((len(s.x) for s in chart.series), default=1)
    return min(1.0 + 0.24 * count, 4.2)


def _axis_format(chart: Chart, lang: str) -> FuncFormatter:
    """Tick labels written round, as on the dashboard's axes: '60 millions', 'US$ 150 milliards'."""
    if chart.unit in ("people", "money"):
        return FuncFormatter(lambda value, _pos: round_figure(value, lang, usd=chart.unit == "money"))
    return FuncFormatter(lambda value, _pos: chart.fmt(value, lang))


def _line(ax, chart: Chart, lang: str) -> None:
    keys = [series.key for series in chart.series]
    colours = style.colours_for(keys) if any(k is not None for k in keys) else palette()
    for colour, series in zip(colours, chart.series, strict=False):
        ax.plot(series.x, series.y, marker="o" if len(series.x) < 12 else None, markersize=3, linewidth=1.8,
                label=series.label, color=colour)
    ax.yaxis.set_major_formatter(_axis_format(chart, lang))
    years = [x for series in chart.series for x in series.x if isinstance(x, int | float)]
    if years:  # round steps (1990, 2000, 2010...), never every year written sideways
        ax.set_xticks(style.year_ticks(years, max_labels=9))
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
    drawn = [v for s in chart.series for v in s.y if v == v]  # a gap (NaN: not reported) draws nothing
    ax.set_ylim(bottom=min(0, *drawn))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if len(chart.series) > 1 or chart.series[0].label:
        ax.legend(frameon=False, fontsize=8)


def _bars(ax, chart: Chart, lang: str) -> None:
    series = chart.series[0]
    labels, values = list(reversed(series.x)), list(reversed(series.y))
    bars = ax.barh(labels, values, color=style.BAR)
    ax.bar_label(bars, labels=[chart.fmt(v, lang) for v in values], padding=3, fontsize=7.5)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.set_xlim(right=max(values) * 1.3 if values and max(values) > 0 else 1)
    ax.tick_params(axis="y", length=0)


def _inline(text: str) -> str:
    """Drop the XML declaration, DOCTYPE and metadata; keep only the <svg> element."""
    text = text[text.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
