"""Charts of the briefs and the report: the chart as data (`Chart`, `Series`) and its drawing as
static SVG by matplotlib (Agg, no browser, no display).

A document must open offline in a meeting room and print to PDF, so its charts are plain SVG
text inside the HTML: no script, no font or image fetched. Text stays text (svg.fonttype
'none': smaller, selectable, read by screen readers), and the SVG's metadata block and DOCTYPE
(which name w3.org/creativecommons.org URLs) are dropped.

Each chart is drawn at the size it is printed (`SIZES`: half the text width for the 2 x 2 grids
of the briefs and the country pages, the full width for the report's wide figures), so 7-point
text prints at 7 points. The plot area is placed by fixed margins instead of matplotlib's
tight_layout, which laid every chart out twice and cost half of the report's drawing time.
Axes carry compact numbers with the unit once ("millions", "US$ billions").
Colours: `colours_for()`, the one place the documents take their colours from.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402 - the backend is chosen before pyplot loads
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from readside import style  # noqa: E402
from readside.text import decimal, money, people, percent, percent_of_gdp, t  # noqa: E402


@dataclass(frozen=True)
class Series:
    """One line, or one set of bars; `key` names the entity it is (an M49 code, or a measure such
    as "work" or "refugees"), which fixes its colour on every chart."""

    label: str
    x: list
    y: list[float]
    key: object = None


@dataclass(frozen=True)
class Chart:
    """A static chart as data: `line` (series over years), `bars` (one value per label,
    horizontal), `columns` (one value per year, vertical) or `stacked` (columns whose parts are
    the series)."""

    kind: str
    title: str
    source: str
    series: list[Series]
    unit: str  # people | money | percent | gdp
    note: str = ""  # a line under the chart (a partial year, what a star means)
    marked: list = field(default_factory=list)  # columns drawn hatched (a partial year)

    def fmt(self, value: float, lang: str) -> str:
        return {"people": people, "money": money, "percent": lambda v, lg: percent(v, lg),
                "gdp": percent_of_gdp}[self.unit](value, lang)

    @property
    def drawable(self) -> bool:
        return bool(self.series) and any(s.y for s in self.series)


# ---------------------------------------------------------------- colours

# The documents' own series keys, as the site's palette module names the same entities.
ALIASES: dict[object, object] = {
    0: 9801, "from": "emigrants", "in": "immigrants", "disaster": "disasters", "sids": "asylum_seekers",
    "venezuela": 862, "haiti": 332, "northern_central_america": 340, "asylum_seekers": "asylum_seekers",
}
BAR = style.OKABE_ITO["blue"]


def colours_for(keys: Sequence[object]) -> list[str]:
    """A colour per series of one chart, from the site's palette (readside/style.py): an area's
    or a measure's own colour wherever it appears, else the next one not yet used in the chart
    (so two series never look alike). Revisions and other ad-hoc series take the palette in order."""
    fixed = [_own_colour(ALIASES.get(k, k)) for k in keys]
    used = {c for c in fixed if c}
    spare = iter([c for c in [*style.PALETTE, *style.OTHER_COUNTRY_COLOURS] if c not in used])
    out: list[str] = []
    for colour in fixed:
        if colour is None or colour in out:
            colour = next(spare, style.NEUTRAL)
        out.append(colour)
    return out


def _own_colour(key: object) -> str | None:
    if isinstance(key, int):
        return style.area_colour(key)
    return style.measure_colour(str(key)) if key is not None else None


# ---------------------------------------------------------------- drawing

TEXT, MUTED, GRID = style.TEXT, style.MUTED_TEXT, style.GRID
FONTS = [f.strip().strip('"') for f in style.FONT_FAMILY.split(",") if f.strip() != "sans-serif"]
STYLE = {
    "svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": [*FONTS, "Liberation Sans", "DejaVu Sans"],
    "font.size": 7,
    "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#666666", "axes.labelcolor": MUTED,
    "xtick.color": MUTED, "ytick.color": MUTED, "xtick.labelsize": 6.5, "ytick.labelsize": 6.5,
    "legend.fontsize": 6.5, "svg.hashsalt": "migdash",
}
# Printed sizes in inches: half the text width of an A4 page (two side by side), the full width, and
# the country pages' shorter half (four charts and three tables on one page).
SIZES = {"half": (3.42, 2.15), "wide": (7.05, 2.6), "annex": (3.42, 1.62)}
CHAR_WIDTH = 0.05  # inches per character of 6.5-point sans-serif text (a generous mean advance, ~0.55 em)
SCALES = ((1e9, "billions"), (1e6, "millions"), (1e3, "thousands"))


def svg(chart: Chart, lang: str, size: str = "half") -> str:
    """The chart as an <svg> element to inline in HTML (titled by the surrounding <figure>);
    the namespace declarations it keeps (xmlns) name URLs but fetch nothing."""
    width, height = SIZES[size]
    if chart.kind == "bars":
        height = _bar_height(chart, height)
    with matplotlib.rc_context(STYLE):
        fig = plt.figure(figsize=(width, height))
        try:
            {"line": _line, "bars": _bars, "columns": _columns, "stacked": _columns}[chart.kind](fig, chart, lang)
            out = io.StringIO()
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    return _inline(out.getvalue())


def _bar_height(chart: Chart, default: float) -> float:
    count = max((len(s.x) for s in chart.series), default=1)
    return max(default * 0.6, min(0.32 + 0.165 * count, 4.2))


def _scale(values: Sequence[float], unit: str, lang: str) -> tuple[float, str]:
    """(divisor, axis label): people in thousands or millions, money in US$ millions or billions."""
    if unit in ("percent", "gdp"):
        return 1.0, t(lang, f"documents.axis.{unit}")
    top = max((abs(v) for v in values), default=0)
    for divisor, name in SCALES:
        if top >= divisor:
            return divisor, t(lang, f"documents.axis.{unit}.{name}")
    return 1.0, t(lang, f"documents.axis.{unit}.units")


def _compact(divisor: float, lang: str) -> FuncFormatter:
    def label(value: float, _pos: int) -> str:
        shown = value / divisor
        return decimal(shown, lang, 0 if float(shown).is_integer() or abs(shown) >= 10 else 1)
    return FuncFormatter(label)


def _axes(fig, left: float, bottom: float = 0.26, top: float = 0.12, right: float = 0.1):
    """Axes placed by margins in inches (fixed layout, no second drawing pass)."""
    width, height = fig.get_size_inches()
    return fig.add_axes((left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height))


def _values(chart: Chart) -> list[float]:
    if chart.kind == "stacked":
        totals: dict = {}
        for series in chart.series:
            for x, y in zip(series.x, series.y, strict=True):
                totals[x] = totals.get(x, 0.0) + (y if y is not None and y == y else 0.0)
        return list(totals.values())
    return [v for s in chart.series for v in s.y if v is not None and v == v]


def _y_axis(ax, chart: Chart, lang: str) -> None:
    divisor, label = _scale(_values(chart), chart.unit, lang)
    ax.yaxis.set_major_formatter(_compact(divisor, lang))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))
    ax.set_title(label, loc="left", fontsize=6.5, color=MUTED, pad=3)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    ax.tick_params(length=2, pad=2)


def _legend_rows(chart: Chart, width: float) -> int:
    labels = [s.label for s in chart.series if s.label]
    if len(labels) < 2:  # one series: the title names it
        return 0
    used, rows = 0.0, 1
    for label in labels:
        need = 0.3 + CHAR_WIDTH * len(label)
        if used and used + need > width - 0.2:
            rows, used = rows + 1, 0.0
        used += need
    return rows


def _below(ax) -> float:
    """How far below the axes a legend starts, as a fraction of the axes' height: under the year
    labels (0.17 inch) whatever the chart's size."""
    return 0.17 / (ax.get_position().height * ax.figure.get_size_inches()[1])


def _line(fig, chart: Chart, lang: str) -> None:
    rows = _legend_rows(chart, fig.get_size_inches()[0])
    ax = _axes(fig, left=0.42, bottom=0.22 + 0.14 * rows)
    colours = colours_for([s.key for s in chart.series])
    for series, colour in zip(chart.series, colours, strict=True):
        ax.plot(series.x, series.y, marker="o" if len(series.x) < 12 else None, markersize=2.5, linewidth=1.5,
                label=series.label, color=colour)
    _y_axis(ax, chart, lang)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6, steps=[1, 2, 5, 10]))
    drawn = [v for s in chart.series for v in s.y if v is not None and v == v]  # a gap (NaN: not reported)
    ax.set_ylim(bottom=min(0, *drawn))
    if rows:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(-0.1, -_below(ax)), ncol=4, borderaxespad=0,
                  handlelength=1.4, columnspacing=1.2, handletextpad=0.4)


def _bars(fig, chart: Chart, lang: str) -> None:
    series = chart.series[0]
    room = int((fig.get_size_inches()[0] * 0.5 - 0.1) / CHAR_WIDTH)  # characters a label may take
    labels = [_shortened(str(x), room) for x in reversed(series.x)]
    values = list(reversed(series.y))
    left = 0.1 + CHAR_WIDTH * max((len(x) for x in labels), default=4)
    ax = _axes(fig, left=left, bottom=0.05, top=0.05, right=0.05)
    colour = colours_for([series.key])[0] if series.key is not None else BAR
    bars = ax.barh(range(len(values)), values, color=colour, height=0.7, tick_label=labels)
    ax.bar_label(bars, labels=[chart.fmt(v, lang) for v in values], padding=2, fontsize=6, color=TEXT)
    ax.xaxis.set_visible(False)
    ax.spines["bottom"].set_visible(False)
    ax.set_xlim(0, max(values) * 1.35 if values and max(values) > 0 else 1)
    ax.set_ylim(-0.6, len(values) - 0.4)
    ax.tick_params(axis="y", length=0, pad=2, labelcolor=TEXT)


def _shortened(label: str, room: int) -> str:
    """A bar's label cut to the room beside the bars, with an ellipsis (full names are in the
    tables; a corridor keeps both ends)."""
    return label if len(label) <= room else label[:max(room - 1, 3)].rstrip() + "…"


def _columns(fig, chart: Chart, lang: str) -> None:
    stacked = chart.kind == "stacked"
    rows = _legend_rows(chart, fig.get_size_inches()[0]) if stacked else 0
    ax = _axes(fig, left=0.42, bottom=0.22 + 0.14 * rows)
    xs = [str(x) for x in chart.series[0].x]
    positions = list(range(len(xs)))
    base = [0.0] * len(xs)
    colours = colours_for([s.key for s in chart.series])
    for series, colour in zip(chart.series, colours, strict=True):
        values = [v if v is not None and v == v else 0.0 for v in series.y]
        hatch = ["////" if x in chart.marked else "" for x in series.x]
        bars = ax.bar(positions, values, bottom=base, color=colour, width=0.72, label=series.label)
        for bar, pattern in zip(bars, hatch, strict=True):
            if pattern:
                bar.set_hatch(pattern)
                bar.set_facecolor("white")
                bar.set_edgecolor(colour)
        base = [b + v for b, v in zip(base, values, strict=True)]
    _y_axis(ax, chart, lang)
    step = 1 if len(xs) <= 10 else 2 if len(xs) <= 20 else 5  # labels counted back from the latest
    ax.set_xticks(positions, [x if (len(xs) - 1 - i) % step == 0 else "" for i, x in enumerate(xs)])
    ax.tick_params(axis="x", length=0)
    if rows:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(-0.1, -_below(ax)), ncol=4, borderaxespad=0,
                  handlelength=1.0, columnspacing=1.0, handletextpad=0.4)


def _inline(text: str) -> str:
    """Drop the XML declaration, DOCTYPE and metadata; keep only the <svg> element."""
    text = text[text.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
