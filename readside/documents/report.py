"""The regional report, regenerated: "International Migration in the Americas" in the manner of
the OAS's SICREMI reports, written from one build of the database in one language.

Title page (build date, each source's editions), contents, an executive summary of the
chapters' main findings, seven chapters (chapters.py, chapters_more.py), a country annex of the
35 OAS member states (annex.py) and the sources with their citations. Every sentence with a
figure is a talking point (measures.py), so it reads as in the briefs and carries its citation.
render.py prints it as one HTML file or a PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from readside import queries
from readside.claims import long_date
from readside.documents.annex import annex
from readside.documents.chapters import (
    corridors_chapter,
    displacement_chapter,
    flows_chapter,
    stock_chapter,
)
from readside.documents.chapters_more import caveats_chapter, cost_chapter, remittances_chapter
from readside.documents.measures import TalkingPoint, member_frames
from readside.documents.memo import memo
from readside.documents.report_model import Chapter, CountryPage, Numbers
from readside.documents.subjects import oas_members
from readside.documents.values import edition_label
from readside.queries import Database
from readside.text import language, t

CHAPTERS = (stock_chapter, corridors_chapter, flows_chapter, displacement_chapter, remittances_chapter, cost_chapter,
            caveats_chapter)
MAX_FINDINGS = 12


@dataclass(frozen=True)
class Report:
    lang: str
    title: str
    subtitle: str
    date: str
    build_id: str
    built_at: str
    editions: list[list[str]]  # source, editions in this build, licence, retrieved
    findings: list[tuple[TalkingPoint, Chapter]]
    chapters: list[Chapter]
    annex: list[CountryPage]
    sources: list[dict]
    figures: int
    tables: int


def report(db: Database, lang: str, today: dt.date | None = None) -> Report:
    """Everything the report says, from one build (pinned), in one language."""
    lang = language(lang)
    db = memo(db)
    numbers = Numbers()
    chapters = [make(db, lang, numbers) for make in CHAPTERS]
    members = oas_members(db)
    pages = annex(db, members, lang, numbers, member_frames(db, members))
    info = queries.build_info(db)
    return Report(
        lang=lang, title=t(lang, "documents.report.title"), subtitle=t(lang, "documents.report.subtitle"),
        date=long_date((today or dt.date.today()).isoformat(), lang), build_id=info["build_id"],
        built_at=long_date(str(info["built_at"])[:10], lang), editions=editions(db, lang),
        findings=findings(chapters), chapters=chapters, annex=pages, sources=sources(db),
        figures=numbers.figures, tables=numbers.tables,
    )


def findings(chapters: list[Chapter]) -> list[tuple[TalkingPoint, Chapter]]:
    """The executive summary: each chapter's main findings, in chapter order (8-12 when every
    source is loaded)."""
    return [(point, chapter) for chapter in chapters for point in chapter.findings][:MAX_FINDINGS]


def editions(db: Database, lang: str) -> list[list[str]]:
    """Per source in this build: its editions (newest first: the figures use the newest, the
    chapters that compare editions name the others), licence and when it was retrieved."""
    frame = db.frame("SELECT source, vintage, revision, licence, max(retrieved_at) AS retrieved FROM provenance "
                     "GROUP BY ALL ORDER BY source, revision DESC, vintage DESC")
    rows = []
    for source, part in frame.groupby("source", sort=False):
        vintages = list(dict.fromkeys(edition_label(v, lang) for v in part["vintage"]))
        rows.append([t(lang, f"briefs.source.{source}"), "; ".join(vintages),
                     ", ".join(sorted(set(part["licence"]))), long_date(str(part["retrieved"].max())[:10], lang)])
    return sorted(rows, key=lambda r: r[0].casefold())


def sources(db: Database) -> list[dict]:
    """Every file behind the build, with the publisher's citation, URL, licence, retrieval and
    sha256: the report draws on all of them."""
    return db.frame("SELECT source, dataset, vintage, citation, url, licence, retrieved_at, sha256 FROM provenance "
                    "ORDER BY source, revision DESC, dataset").to_dict("records")
