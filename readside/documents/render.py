"""A brief as one self-contained HTML file (Jinja2), and as a PDF (headless Chromium).

The HTML inlines its CSS and its charts (SVG text): no script, no font, no image or style
sheet is fetched from anywhere, so it opens offline in a meeting room and prints as it shows.
The PDF is that same HTML printed by Chromium's own print-to-PDF: the browser the test suite
already drives (Debian's /usr/bin/chromium, installed by `make browser-deps`), so no second
layout engine (WeasyPrint's Pango/cairo stack, or a bundled browser) is needed and the PDF
looks exactly like the HTML a delegate previews.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from readside import style
from readside.claims import long_date
from readside.documents.charts import Chart, svg
from readside.documents.layout import Brief, brief
from readside.documents.subjects import Subject
from readside.queries import Database
from readside.text import t

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PDF_TIMEOUT = 180  # seconds; a brief prints in about one, the report's 80 pages in about ten


class PdfError(RuntimeError):
    """Chromium is missing or failed: the message names `make browser-deps`."""


@dataclass(frozen=True)
class RenderedChart:
    title: str
    source: str
    svg: Markup
    note: str = ""
    number: str = ""  # "Figure 3" in the report


def environment() -> Environment:
    env = Environment(loader=PackageLoader("readside.documents", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    env.globals["font_family"] = Markup(style.FONT_FAMILY.replace("sans-serif", '"Liberation Sans", "DejaVu Sans", sans-serif'))  # noqa: S704 - a constant
    return env


def css_string(text: object) -> Markup:
    """Text as a quoted CSS string (the running footer of a printed page): every character that
    could end the string or the style element is escaped as a CSS code point."""
    escaped = "".join(c if c.isalnum() or c in " .,:;()-–—'/" else f"\\{ord(c):x} " for c in str(text))
    return Markup(f'"{escaped}"')  # noqa: S704 - every other character is escaped above


def rendered(chart: Chart, lang: str, size: str = "half", number: str = "") -> RenderedChart:
    return RenderedChart(chart.title, chart.source, Markup(svg(chart, lang, size)), chart.note, number)  # noqa: S704 - our own SVG


def pairs(items: list) -> list[list]:
    """Charts two by two: each pair prints side by side and never splits across pages."""
    return [items[i:i + 2] for i in range(0, len(items), 2)]


def render_html(content: Brief) -> str:
    """The brief as one HTML document (UTF-8 text)."""
    lang = content.lang
    charts = [rendered(c, lang) for c in content.charts]
    text = {key: t(lang, f"briefs.html.{key}") for key in (
        "talking_points", "key_figures", "charts", "caveats", "sources", "availability", "vintages", "footer",
        "no_points")}
    text["date"] = t(lang, "briefs.html.date", date=content.date)
    text["build"] = t(lang, "briefs.html.build", build=content.build_id[:12])
    intro = t(lang, f"briefs.meeting.{content.subject.key}") if content.subject.kind == "theme" else ""

    def retrieved(source: dict) -> str:
        return t(lang, "briefs.html.retrieved", date=long_date(str(source.get("retrieved_at", "")), lang))

    return environment().get_template("brief.html.j2").render(
        brief=content, rows=pairs(charts), text=text, intro=intro, retrieved=retrieved)


def brief_html(db: Database, subject: Subject, lang: str) -> str:
    return render_html(brief(db, subject, lang))


def chromium() -> str:
    """The Chromium binary: $MIGDASH_CHROMIUM, else the first on PATH, else /usr/bin/chromium."""
    configured = os.environ.get("MIGDASH_CHROMIUM")
    if configured:
        return configured
    found = next((shutil.which(name) for name in CHROMIUM_CANDIDATES if shutil.which(name)), None)
    if found is None:
        raise PdfError("no Chromium found for the PDF (run `make browser-deps`, which installs Debian's chromium, "
                       "or set MIGDASH_CHROMIUM); the HTML brief (--format html) needs no browser")
    return found


def html_to_pdf(html: str, outline: bool = False) -> bytes:
    """Print the HTML with headless Chromium (fresh profile, no network, no header/footer; the
    page numbers are the document's own @page margin boxes). With `outline`, the PDF gets a
    document outline (bookmarks) from the headings, which the report reads its pages from."""
    binary = chromium()
    with tempfile.TemporaryDirectory(prefix="migdash-brief-") as folder:
        source, target = Path(folder, "brief.html"), Path(folder, "brief.pdf")
        source.write_text(html, encoding="utf-8")
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-pdf-header-footer", f"--user-data-dir={Path(folder, 'profile')}",
                   *(["--generate-pdf-document-outline"] if outline else []),
                   f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfError(f"Chromium ({binary}) could not print the brief: {error}") from error
        if not target.is_file() or target.stat().st_size == 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
            raise PdfError(f"Chromium ({binary}) wrote no PDF: {detail[0]}")
        return target.read_bytes()


def render(db: Database, subject: Subject, lang: str, fmt: str) -> bytes:
    """The brief in a format: 'html' (UTF-8 bytes) or 'pdf'."""
    html = brief_html(db, subject, lang)
    return html_to_pdf(html) if fmt == "pdf" else html.encode("utf-8")


def file_name(db: Database, subject: Subject, lang: str, fmt: str) -> str:
    """migdash-brief-area-484-es.pdf: ASCII, from validated parts only."""
    return f"migdash-brief-{subject.slug}-{lang}.{fmt}"
