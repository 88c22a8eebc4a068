"""The regional report's cost, stage by stage: the content (every question to the database), the
charts (matplotlib), the HTML, and the PDF (Chromium printing twice for the contents' page
numbers), against the 90-second target on 2 cores; beside it, one chart drawn with our fixed
layout and with matplotlib's tight_layout (the baseline it replaced), and a brief's PDF."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

import matplotlib.pyplot as plt
import pypdf

from readside.documents import charts as charts_module
from readside.documents.layout import brief
from readside.documents.memo import memo
from readside.documents.render import html_to_pdf, render_html
from readside.documents.report import report
from readside.documents.report_render import html, pdf, prepare
from readside.documents.subjects import Subject
from readside.queries import Database

TARGET_SECONDS = 90.0
LANG = "es"


def _timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _tight_svg(chart: charts_module.Chart, lang: str) -> str:
    """The baseline: the same chart laid out by tight_layout (drawn twice), as briefs did before."""
    with plt.rc_context(charts_module.STYLE):
        fig = plt.figure(figsize=charts_module.SIZES["half"])
        try:
            ax = fig.add_subplot()
            for series, colour in zip(chart.series, charts_module.colours_for([s.key for s in chart.series]),
                                      strict=True):
                ax.plot(series.x, series.y, linewidth=1.5, color=colour, label=series.label)
            ax.yaxis.set_major_formatter(charts_module._compact(1e6, lang))
            if len(chart.series) > 1:
                ax.legend(frameon=False)
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg")
        finally:
            plt.close(fig)
    return out.getvalue()


def chart_side_by_side(content, repeats: int = 3) -> dict:
    """Median seconds per line chart: ours (fixed margins) and the tight_layout baseline."""
    items = [i for c in content.chapters for s in c.sections for i in s.items]
    items += [part for i in items for part in getattr(i, "items", [])]  # the figures printed two by two
    lines = [i.chart for i in items if getattr(i, "chart", None) is not None and i.chart.kind == "line"][:8]
    ours, base = [], []
    for _ in range(repeats):
        for chart in lines:
            ours.append(_timed(lambda c=chart: charts_module.svg(c, LANG))[1])
            base.append(_timed(lambda c=chart: _tight_svg(c, LANG))[1])
    return {"charts": len(lines), "ours": statistics.median(ours), "baseline": statistics.median(base)}


def run(db_path: Path) -> dict:
    db = Database(db_path)
    content, content_wall, content_cpu = _timed(lambda: report(memo(db), LANG))
    prepared, charts_wall, charts_cpu = _timed(lambda: prepare(content))
    text, html_wall, _ = _timed(lambda: html(prepared))
    document, pdf_wall, _ = _timed(lambda: pdf(prepared))
    pages = len(pypdf.PdfReader(io.BytesIO(document)).pages)
    _, brief_wall, _ = _timed(lambda: html_to_pdf(render_html(brief(db, Subject("area", "484"), LANG))))
    total = content_wall + charts_wall + html_wall + pdf_wall
    return {
        "lang": LANG, "pages": pages, "figures": content.figures, "tables": content.tables,
        "content": (content_wall, content_cpu), "charts": (charts_wall, charts_cpu), "html": html_wall,
        "pdf_prints": pdf_wall, "total_pdf": total, "total_html": content_wall + charts_wall + html_wall,
        "html_mb": len(text.encode()) / 2**20, "pdf_mb": len(document) / 2**20, "brief_pdf": brief_wall,
        "chart": chart_side_by_side(content), "target": TARGET_SECONDS,
    }
