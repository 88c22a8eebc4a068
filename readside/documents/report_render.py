"""The regional report as one self-contained HTML file, or as a PDF printed by Chromium with its
contents' page numbers.

Chromium's print-to-PDF paginates but has no target-counter() for a table of contents, so the
PDF is printed twice: the first print's document outline (Chromium writes one from the
headings, `--generate-pdf-document-outline`) gives the page of every heading, and the second
print carries those numbers in the contents. The contents' lines have the same length in both
prints (page numbers sit in a box of their own), so the pages do not move; a third print runs
only if they did. The charts are drawn once and reused by both prints.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pypdf
from markupsafe import Markup

from readside.claims import long_date
from readside.documents.charts import svg
from readside.documents.render import environment, html_to_pdf
from readside.documents.report import Report, report
from readside.documents.report_model import Figure, Notice, Points, Row, Table, Text
from readside.queries import Database
from readside.text import t

MAX_PRINTS = 3


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
        annex.append({"anchor": page.anchor, "name": page.name, "facts": page.facts,
                      "key_figures": view(page.key_figures, lang) if page.key_figures else None,
                      "chart_rows": [charts[i:i + 2] for i in range(0, len(charts), 2)],
                      "partners": [view(p, lang) for p in page.partners]})
    entries.append(Entry(1, t(lang, "documents.report.sources"), "sources-title"))
    countries = tuple(Entry(2, p.name, f"{p.anchor}-title") for p in content.annex)
    entries.append(Entry(1, t(lang, "documents.report.annex"), "annex-title", countries))
    return Prepared(content, chapters, annex, entries)


def html(prepared: Prepared, pages: dict[str, int] | None = None) -> str:
    """The report as one HTML document; with `pages`, the contents carry page numbers (PDF)."""
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
        contents=[numbered(e) for e in prepared.entries], paged=pages is not None)


def outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """(title, page number from 1) of every heading in the PDF's outline, in document order."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((" ".join(str(item.title).split()), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def match_pages(entries: list[Entry], outline: list[tuple[str, int]]) -> dict[str, int]:
    """anchor -> page: each contents entry takes the next outline heading with its title (both
    are in document order, so two headings with the same words are told apart)."""
    flat = [e for entry in entries for e in (entry, *entry.countries)]
    pages: dict[str, int] = {}
    position = 0
    for entry in flat:
        wanted = " ".join(entry.title.split())
        for index in range(position, len(outline)):
            if outline[index][0] == wanted:
                pages[entry.anchor] = outline[index][1]
                position = index + 1
                break
    return pages


def pdf(prepared: Prepared) -> bytes:
    """Print until the contents' page numbers are those of the pages they point to."""
    pages: dict[str, int] = {}
    data = html_to_pdf(html(prepared, pages), outline=True)
    for _ in range(MAX_PRINTS - 1):
        found = match_pages(prepared.entries, outline_pages(data))
        if found == pages:
            break
        pages = found
        data = html_to_pdf(html(prepared, pages), outline=True)
    return data


def render_report(db: Database, lang: str, fmt: str, today: dt.date | None = None) -> bytes:
    """The report in a format: 'html' (UTF-8 bytes) or 'pdf'."""
    prepared = prepare(report(db, lang, today))
    return pdf(prepared) if fmt == "pdf" else html(prepared).encode("utf-8")


def file_name(lang: str, fmt: str) -> str:
    """migdash-report-es.pdf: ASCII, from validated parts only."""
    return f"migdash-report-{lang}.{fmt}"
