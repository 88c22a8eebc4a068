"""The regional report as one self-contained HTML file, or as a PDF printed by Chromium with its
contents' page numbers.

Chromium's print-to-PDF paginates but has no target-counter() for a table of contents, so the
PDF is printed twice: the first print's document outline (Chromium writes one from the
headings, `--generate-pdf-document-outline`) gives the page of every heading, and the second
print carries those numbers in the contents. The contents' lines have the same length in both
prints (page numbers sit in a box of their own), so the pages do not move; a third print runs
only if they did. The first print also tells whether the pages before the annex end on a page
filled enough (page_fill.py); if not, the next print sets the sources list at the size that
fills it. The charts are drawn once and reused by every print.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pypdf
from markupsafe import Markup

from readside.claims import long_date
from readside.documents import page_fill
from readside.documents.charts import svg
from readside.documents.render import environment, html_to_pdf
from readside.documents.report import Report, report
from readside.documents.report_model import Figure, Notice, Points, Row, Table, Text
from readside.queries import Database
from readside.text import t

MAX_PRINTS = 4
ANNEX, SOURCES, SUMMARY = "annex-title", "sources-title", "summary-title"  # the anchors of their headings


@dataclass(frozen=True)
class Entry:
    level: int
    title: str
    anchor: str
    countries: tuple = ()
    page: str = ""


def view(item: object, lang: str) -> dict:
    """A model item as the template's macros take it (charts drawn here, once)."""
    if isinstance(item, Figure):
        return {"kind": "figure", "label": item.label(lang), "title": item.chart.title, "source": item.chart.source,
                "note": item.chart.note, "size": item.size, "svg": _markup(svg(item.chart, lang, item.size))}
    if isinstance(item, Table):
        return {"kind": "table", "label": item.label(lang), "title": item.title, "headers": item.headers,
                "rows": item.rows, "source": item.source, "numeric": item.numeric, "note": item.note,
                "size": item.size}
    if isinstance(item, Points):
        return {"kind": "points", "points": item.points}
    if isinstance(item, Text):
        return {"kind": "text", "text": item.text}
    if isinstance(item, Notice):
        return {"kind": "notice", "text": item.text}
    if isinstance(item, Row):
        return {"kind": "row", "parts": [view(i, lang) for i in item.items]}
    raise TypeError(f"not a report item: {item!r}")


def _markup(text: str) -> Markup:
    return Markup(text)  # noqa: S704 - SVG drawn by matplotlib from our own data, escaped by it


@dataclass
class Prepared:
    """The report with its charts drawn: what both prints share."""

    content: Report
    chapters: list[dict]
    annex: list[dict]
    entries: list[Entry]


def prepare(content: Report) -> Prepared:
    lang = content.lang
    chapters = []
    entries = [Entry(1, t(lang, "documents.report.summary"), "summary-title")]
    for chapter in content.chapters:
        heading = t(lang, "documents.report.chapter_heading", number=chapter.number, title=chapter.title)
        sections = []
        entries.append(Entry(1, heading, f"{chapter.anchor}-title"))
        for index, section in enumerate(chapter.sections, start=1):
            anchor = f"{chapter.anchor}-{section.key}"
            section_heading = t(lang, "documents.report.section_heading", chapter=chapter.number, number=index,
                                title=section.title)
            sections.append({"anchor": anchor, "heading": section_heading,
                             "content": [view(i, lang) for i in section.items]})
            entries.append(Entry(2, section_heading, f"{anchor}-title"))
        chapters.append({"anchor": chapter.anchor, "heading": heading, "intro": chapter.intro, "sections": sections})
    annex = []
    for page in content.annex:
        charts = [view(c, lang) for c in page.charts]
        annex.append({"anchor": page.anchor, "name": page.name, "facts": page.facts, "notes": page.notes,
                      "key_figures": view(page.key_figures, lang) if page.key_figures else None,
                      "chart_rows": [charts[i:i + 2] for i in range(0, len(charts), 2)],
                      "partners": [view(p, lang) for p in page.partners]})
    entries.append(Entry(1, t(lang, "documents.report.sources"), "sources-title"))
    countries = tuple(Entry(2, p.name, f"{p.anchor}-title") for p in content.annex)
    entries.append(Entry(1, t(lang, "documents.report.annex"), "annex-title", countries))
    return Prepared(content, chapters, annex, entries)


def html(prepared: Prepared, pages: dict[str, int] | None = None, sources_size: float = page_fill.SIZE,
         summary_size: float = page_fill.SUMMARY_SIZE) -> str:
    """The report as one HTML document; with `pages`, the contents carry page numbers (PDF).
    `sources_size`, `summary_size`: the sources list's and the summary's type size, in em
    (page_fill.py)."""
    content = prepared.content
    lang = content.lang

    def numbered(entry: Entry) -> Entry:
        page = str(pages.get(entry.anchor, "")) if pages else ""
        return Entry(entry.level, entry.title, entry.anchor, tuple(numbered(c) for c in entry.countries), page)

    text = {key: t(lang, f"documents.report.{key}") for key in (
        "contents", "summary", "summary_intro", "annex", "annex_intro", "sources", "sources_intro", "editions",
        "disclaimer", "footer")}
    text["date"] = t(lang, "documents.report.date", date=content.date)
    text["build"] = t(lang, "documents.report.build", build=content.build_id[:12], built=content.built_at)
    text["edition_headers"] = [t(lang, f"documents.report.col_{k}") for k in ("source", "editions", "licence",
                                                                              "retrieved")]

    def see(chapter) -> str:
        return t(lang, "documents.report.see", number=chapter.number)

    def retrieved(source: dict) -> str:
        return t(lang, "briefs.html.retrieved", date=long_date(str(source.get("retrieved_at", ""))[:10], lang))

    return environment().get_template("report.html.j2").render(
        report=content, chapters=prepared.chapters, annex=prepared.annex, text=text, see=see, retrieved=retrieved,
        contents=[numbered(e) for e in prepared.entries], paged=pages is not None, sources_size=sources_size,
        summary_size=summary_size)


def outline_pages(pdf: bytes) -> list[tuple[str, int, float]]:
    """(title, page number from 1, y of the heading's top) of every heading in the PDF's outline,
    in document order."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int, float]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((" ".join(str(item.title).split()), reader.get_destination_page_number(item) + 1,
                              float(item.top or 0)))

    walk(reader.outline)
    return found


def match_outline(entries: list[Entry], outline: list[tuple[str, int, float]]) -> dict[str, tuple[int, float]]:
    """anchor -> (page, y of the heading): each contents entry takes the next outline heading
    with its title (both are in document order, so two headings with the same words are told
    apart)."""
    flat = [e for entry in entries for e in (entry, *entry.countries)]
    found: dict[str, tuple[int, float]] = {}
    position = 0
    for entry in flat:
        wanted = " ".join(entry.title.split())
        for index in range(position, len(outline)):
            if outline[index][0] == wanted:
                found[entry.anchor] = outline[index][1], outline[index][2]
                position = index + 1
                break
    return found


def match_pages(entries: list[Entry], outline: list[tuple[str, int, float]]) -> dict[str, int]:
    """anchor -> page of every contents entry."""
    return {anchor: page for anchor, (page, _) in match_outline(entries, outline).items()}


def pdf(prepared: Prepared) -> bytes:
    """Print until the contents' page numbers are those of the pages they point to and the
    summary and the pages before the annex each end on a page filled enough."""
    pages: dict[str, int] = {}
    size, summary = page_fill.SIZE, page_fill.SUMMARY_SIZE
    data = html_to_pdf(html(prepared, pages, size, summary), outline=True)
    for _ in range(MAX_PRINTS - 1):
        found = match_outline(prepared.entries, outline_pages(data))
        now = {anchor: page for anchor, (page, _) in found.items()}
        first_chapter = prepared.entries[1].anchor
        fitted = page_fill.sources_size(data, found[SOURCES], now[ANNEX], size) \
            if SOURCES in found and ANNEX in found else size
        fitted_summary = page_fill.summary_size(data, found[SUMMARY], now[first_chapter], summary) \
            if SUMMARY in found and first_chapter in found else summary
        if now == pages and (fitted, fitted_summary) == (size, summary):
            break
        if fitted_summary < summary:  # a smaller summary should end a page earlier, and so every page after it
            now = {anchor: page - 1 if page >= now[first_chapter] else page for anchor, page in now.items()}
        if fitted < size:  # a smaller list should end a page earlier, and so the pages after it
            now = {anchor: page - 1 if page >= now[ANNEX] else page for anchor, page in now.items()}
        pages, size, summary = now, fitted, fitted_summary
        data = html_to_pdf(html(prepared, pages, size, summary), outline=True)
    return data


def render_report(db: Database, lang: str, fmt: str, today: dt.date | None = None) -> bytes:
    """The report in a format: 'html' (UTF-8 bytes) or 'pdf'."""
    prepared = prepare(report(db, lang, today))
    return pdf(prepared) if fmt == "pdf" else html(prepared).encode("utf-8")


def file_name(lang: str, fmt: str) -> str:
    """migdash-report-es.pdf: ASCII, from validated parts only."""
    return f"migdash-report-{lang}.{fmt}"
