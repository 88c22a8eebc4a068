"""Check a paragraph: read it (reading.py), check each tied figure with the claims checker, one row per figure.

Each understood figure becomes the same figure record as the claims registry (data/claims/*.yaml)
and is checked by readside.claims.check_figures — every UN DESA revision, every vintage of the
other publishers — then given one verdict (readside.claims.verdict), so /check and /claims never
disagree. A figure not understood gets one row with the reason.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pandas as pd

from readside import claims, vintage_values
from readside.claims import COMPUTABLE, Context, FigureCheck, Verdict, notes_text
from readside.consistency import consistency
from readside.queries import Database
from readside.scan.clauses import Sentence
from readside.scan.language import Detected
from readside.scan.places import Lexicon
from readside.scan.reading import read
from readside.scan.refresh import citation, refreshed_paragraph, refreshed_sentence
from readside.scan.tie import Tie
from readside.text import LANGUAGES, t

MAX_CHARS = 20_000
CPU_SECONDS = 3.0  # a request that has read for longer stops with a message (measured: 20,000 characters < 1 s)
NOT_UNDERSTOOD = "not understood"
REFRESHED = ["refreshed_en", "refreshed_es", "refreshed_fr", "refreshed_pt"]
COLUMNS = ["claim_id", "figure_id", "revision", "status", "quoted_as", "quoted", "actual", "basis", "unit", "note",
           "document_title", "quote", "consistency", *REFRESHED, "sentence_number", "metric", "area", "year",
           "base_year", "sex", "origin", "detail", "tied_by", "language", "source", "vintage", "newest_vintage",
           "newest_actual", "by_vintage"]
FIGURE_COLUMNS = ["claim_id", "figure_id", "metric", "areas", "minus_areas", "origin_areas", "detail", "year", "base_year",
                  "refresh", "sex", "value", "unit", "decimals", "qualifier", "part_of", "checkable_with",
                  "checkable_with_es", "checkable_with_fr", "checkable_with_pt"]


class TextTooLong(ValueError):
    """More than MAX_CHARS characters, or more than CPU_SECONDS of reading: the page and the command
    say so instead of scanning."""


@dataclass
class Scan:
    """What `scan` read and what the checker said: one row per figure, refreshed paragraph, citation."""

    lang: str
    detected: Detected
    text: str
    sentences: list[Sentence]
    found: list[Tie]
    rows: pd.DataFrame
    refreshed: str
    citation: str
    cited: int | None
    latest: int
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    checks: list[FigureCheck] = field(default_factory=list)
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)


def claim_id(sentence: int) -> str:
    return f"s{sentence}"


def scan(db: Database, text: str, lang: str | None = None, cited: int | None = None, title: str = "",
         fallback: str = "en") -> Scan:
    """Read a paragraph (in `lang`, or in the language detected when None), tie each figure, check
    it against every revision and vintage, and write the refreshed paragraph."""
    if len(text) > MAX_CHARS:
        raise TextTooLong(f"the text has {len(text):,} characters; the limit is {MAX_CHARS:,}")
    started = time.process_time()
    reading = read(text, Lexicon.load(db), lang, fallback)
    if time.process_time() - started > CPU_SECONDS:
        raise TextTooLong(f"reading the text took more than {CPU_SECONDS:g} s; check it in shorter parts")
    found, sentences, paragraph_lang = reading.ties, reading.sentences, reading.lang.lang
    cited = cited if cited is not None else cited_revision(text)
    figures = figure_frame(found)
    ctx = Context.load(db, claims=pd.DataFrame(), figures=figures)
    checks = claims.check_figures(ctx, figures, cited)
    decided = claims.verdicts(checks)
    newest = {key: v.newest.actual for key, v in decided.items()  # never a partial year's figure (readside.reporting)
              if v.status in (claims.DIFFERS, claims.REVISED) and v.newest is not None and not v.newest.partial}
    by_tie = {id(f): newest.get((claim_id(f.sentence), f.figure_id)) for f in found}
    cite = citation(db, ctx, {v.decided_by.source for v in decided.values() if v.newest is not None}, paragraph_lang)
    rows = _rows(found, sentences, decided, checks, figures, title)
    if not rows.empty:
        by_sentence = {s.number: f"{refreshed_sentence(s, found, by_tie)} {cite}".strip() for s in sentences}
        rows[f"refreshed_{paragraph_lang}"] = rows["sentence_number"].map(by_sentence)
    refreshed = refreshed_paragraph(text, sentences, found, by_tie)
    return Scan(paragraph_lang, reading.lang, text, sentences, found, rows, refreshed, cite, cited, ctx.latest, figures,
                checks, decided)


def cited_revision(text: str) -> int | None:
    """The revision a text names ('International Migrant Stock 2020', 'revisión 2019'), if any."""
    pattern = (r"International Migrant Stock\s+(\d{4})|International Migration\s+(\d{4})|(\d{4})\s+revision"
               r"|revisi[oó]n\s+(?:de\s+)?(\d{4})|r[ée]vision\s+(?:de\s+)?(\d{4})|revis[aã]o\s+(?:de\s+)?(\d{4})")
    match = re.search(pattern, text, flags=re.IGNORECASE)
    return int(next(g for g in match.groups() if g)) if match else None


# ---- figures as registry records ----


def figure_frame(found: list[Tie]) -> pd.DataFrame:
    """The understood figures as claim_figure rows (schemas/claim.py), ready for the checker."""
    rows = [_figure_row(f) for f in found if f.understood]
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS).astype({"year": "Int64", "base_year": "Int64"})


def _figure_row(item: Tie) -> dict:
    number = item.number
    checkable = item.metric in COMPUTABLE or item.metric in vintage_values.SOURCE
    where = {} if checkable else {("checkable_with" + ("" if code == "en" else f"_{code}")): t(code, f"scan.checkable.{item.metric}")
                                  for code in LANGUAGES}
    value = -abs(number.value) if item.negative else number.value
    return {
        "claim_id": claim_id(item.sentence), "figure_id": item.figure_id, "metric": item.metric,
        "areas": ",".join(str(c) for c in item.areas) or None, "minus_areas": ",".join(str(c) for c in item.minus) or None,
        "origin_areas": ",".join(str(c) for c in item.origins) or None, "detail": item.detail,
        "year": item.year, "base_year": item.base_year, "refresh": "quoted", "sex": item.sex,
        "value": value, "unit": number.unit, "decimals": number.decimals, "qualifier": number.qualifier,
        "part_of": item.part_of, **{"checkable_with": None, "checkable_with_es": None, "checkable_with_fr": None,
                                    "checkable_with_pt": None, **where},
    }


# ---- one row per figure ----


def _rows(found: list[Tie], sentences: list[Sentence], decided: dict, checks: list[FigureCheck], figures: pd.DataFrame,
          title: str) -> pd.DataFrame:
    by_figure: dict[tuple[str, str], list[FigureCheck]] = {}
    for check in checks:
        by_figure.setdefault((check.claim_id, check.figure_id), []).append(check)
    rows = []
    per_sentence = dict(tuple(figures.groupby("claim_id"))) if not figures.empty else {}
    for sentence in sentences:
        mine = per_sentence.get(claim_id(sentence.number))
        agrees = notes_text(consistency(mine), "en") if mine is not None and len(mine) > 1 else ""
        for item in (f for f in found if f.sentence == sentence.number):
            base = _row_base(item, sentence, title, agrees)
            key = (claim_id(item.sentence), item.figure_id)
            if not item.understood:
                rows.append({**base, "status": NOT_UNDERSTOOD, "note": t("en", f"scan.reason.{item.reason}"),
                             "reason": item.reason, "notes": ()})
                continue
            rows.append({**base, **_verdict_cells(decided[key], by_figure[key])})
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "notes", "reason"])
    return frame.astype({"revision": "Int64", "year": "Int64", "base_year": "Int64"})


def _row_base(item: Tie, sentence: Sentence, title: str, consistency: str) -> dict:
    number = item.number
    return {"claim_id": claim_id(sentence.number), "figure_id": item.figure_id, "revision": None,
            "quoted_as": number.text, "quoted": number.value if item.understood else None,
            "unit": number.unit if item.understood else "", "document_title": title, "quote": " ".join(sentence.text.split()),
            "consistency": consistency, **dict.fromkeys(REFRESHED, ""), "sentence_number": sentence.number,
            "metric": item.metric or "", "area": item.label("en"), "origin": item.origin_label("en"),
            "detail": item.detail or "", "year": item.year, "base_year": item.base_year,
            "sex": item.sex if item.understood else "", "tied_by": tied_by(item), "language": number.lang,
            "source": "", "vintage": "", "newest_vintage": "", "newest_actual": None, "by_vintage": ""}


def tied_by(item: Tie) -> str:
    """The words that decided the tie, with where they were: 'migrantes (phrase); Américas (phrase); 2020 (phrase)'."""
    return "; ".join(f"{e.role}: {' '.join(e.words.split())} ({e.scope})" for e in item.evidence)


def _verdict_cells(verdict: Verdict, checks: list[FigureCheck]) -> dict:
    decided, newest = verdict.decided_by, verdict.newest
    side_by_side = "; ".join(f"{c.vintage}: {c.status}" + (f" ({c.actual:.4g})" if c.actual is not None else "")
                             for c in checks if c.vintage)
    return {"revision": decided.revision, "status": verdict.status, "actual": decided.actual, "basis": decided.basis,
            "note": notes_text(verdict.notes, "en"), "notes": verdict.notes, "source": decided.source,
            "vintage": decided.vintage, "newest_vintage": newest.vintage if newest else "",
            "newest_actual": newest.actual if newest else None, "by_vintage": side_by_side, "reason": None}
