"""What the regional report is made of, as data: numbered figures and tables, talking points,
sections, chapters and country pages. The chapters (chapters.py, chapters_more.py) and the
annex (annex.py) fill it; render.py prints it. Figures and tables are numbered in reading
order by one `Numbers` per report, so the contents, the text and the captions agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from readside.documents.charts import Chart
from readside.documents.measures import TalkingPoint
from readside.text import t


@dataclass(frozen=True)
class Figure:
    number: int
    chart: Chart
    size: str = "half"  # half | wide

    def label(self, lang: str) -> str:
        return t(lang, "documents.report.figure", number=self.number)


@dataclass(frozen=True)
class Table:
    number: int
    title: str
    headers: list[str]
    rows: list[list[str]]
    source: str
    numeric: tuple[int, ...] = ()  # columns aligned right
    note: str = ""
    size: str = "wide"  # wide | half (beside another table or a figure)

    def label(self, lang: str) -> str:
        return t(lang, "documents.report.table", number=self.number)


@dataclass(frozen=True)
class Text:
    """A paragraph with no figure in it (what a source counts, how to read a chart)."""

    text: str


@dataclass(frozen=True)
class Points:
    """Sentences with figures, each from the talking-point machinery, with its citation."""

    points: list[TalkingPoint]


@dataclass(frozen=True)
class Row:
    """Two half-width items printed side by side (figures or tables), never split."""

    items: list


@dataclass(frozen=True)
class Notice:
    text: str


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list


@dataclass(frozen=True)
class Chapter:
    number: int
    key: str
    title: str
    intro: str
    sections: list[Section]
    findings: list[TalkingPoint] = field(default_factory=list)  # for the executive summary

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number}"


@dataclass(frozen=True)
class CountryPage:
    code: int
    name: str
    facts: list[str]  # subregion, membership
    key_figures: Table | None
    charts: list  # four slots: Figure or Notice
    partners: list[Table]
    notes: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"country-{self.code}"


class Numbers:
    """Figure and table numbers in reading order (one per report, never shared)."""

    def __init__(self) -> None:
        self.figures = 0
        self.tables = 0

    def figure(self, chart: Chart, size: str = "half") -> Figure | None:
        """A numbered figure, or None for a chart with nothing to draw (it gets no number)."""
        if not chart.drawable:
            return None
        self.figures += 1
        return Figure(self.figures, chart, size)

    def table(self, title: str, headers: list[str], rows: list[list[str]], source: str, numeric: tuple[int, ...] = (),
              note: str = "", size: str = "wide") -> Table | None:
        if not rows:
            return None
        self.tables += 1
        return Table(self.tables, title, headers, rows, source, numeric, note, size)


def row(*items: object) -> list:
    """Items for a section: a Row of two when both exist, else the one that does, drawn at the
    full width (no half-empty row)."""
    present = [i for i in items if i is not None]
    if len(present) == 2:
        return [Row(present)]
    return [replace(i, size="wide") for i in present]


def points(*found: TalkingPoint | None) -> list:
    present = [p for p in found if p is not None]
    return [Points(present)] if present else []
