"""The command's formats (table, markdown, CSV) and the scanned figures as registry YAML."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pandera.errors
import yaml

from readside.claims import COMPUTABLE
from readside.claims_report import as_csv as frame_csv
from readside.claims_report import cell
from readside.scan.clauses import Sentence
from readside.scan.paragraph import COLUMNS, Scan, claim_id
from readside.scan.tie import Tie
from readside.scan.words import fold
from readside.text import LANGUAGES, t
from readside.vintage_values import SOURCE
from schemas.claim import ClaimFigureSchema

SHOWN = ["figure_id", "status", "quoted_as", "metric", "area", "year", "vintage", "actual", "tied_by", "note"]


def as_csv(result: Scan) -> str:
    """One row per figure: the `claims check` columns, then what the figure was tied to and by which
    words, and every revision or vintage side by side (`by_vintage`)."""
    return frame_csv(result.rows[COLUMNS])


def as_table(result: Scan) -> str:
    """Plain text: per sentence, its figures and statuses; then the refreshed paragraph."""
    out = [f"language: {result.lang}" + ("" if result.detected.chosen else " (detected)")]
    for number, rows in result.rows.groupby("sentence_number", sort=True):
        out += [f"== sentence {number}: {rows.iloc[0]['quote']}"]
        frame = rows[SHOWN].copy()
        frame["actual"] = frame["actual"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        out.append(frame.astype(object).fillna("").to_string(index=False, max_colwidth=70))
        if rows.iloc[0]["consistency"]:
            out.append(f"consistency: {rows.iloc[0]['consistency']}")
        out.append("")
    return "\n".join(out + _paragraph_lines(result))


def as_markdown(result: Scan) -> str:
    out = ["# Paragraph check", "", f"Language: {result.lang}" + ("" if result.detected.chosen else " (detected)"), ""]
    for _, rows in result.rows.groupby("sentence_number", sort=True):
        out += [f"> {rows.iloc[0]['quote']}", "", "| " + " | ".join(SHOWN) + " |", "|" + "---|" * len(SHOWN)]
        for row in rows[SHOWN].itertuples(index=False):
            out.append("| " + " | ".join(cell(v).replace("|", "\\|") for v in row) + " |")
        if rows.iloc[0]["consistency"]:
            out += ["", f"Internal consistency: {rows.iloc[0]['consistency']}"]
        out.append("")
    return "\n".join(out + _paragraph_lines(result))


def _paragraph_lines(result: Scan) -> list[str]:
    if result.rows.empty:
        return [t("en", "scan.nothing_found")]
    return [f"refreshed ({result.lang}):", result.refreshed.strip(), result.citation]


def slug(name: str) -> str:
    """A registry id from a file name: 'Concept paper 2023.txt' -> 'concept-paper-2023-txt'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "scanned-text"


def registry_yaml(result: Scan, document_id: str = "scanned-text", title: str = "Scanned text") -> str:
    """The understood figures as a registry document (data/claims/*.yaml), one claim per sentence:
    every metric the checker reads (schemas/claim.py METRICS), so a build loads them and /claims
    checks them as /check did. A figure the registry cannot hold is left out, said so."""
    keep = registrable(result.figures)
    claims_out = [_claim_yaml(result, sentence, keep, document_id) for sentence in result.sentences
                  if claim_id(sentence.number) in set(keep["claim_id"])]
    left_out = result.figures.loc[~result.figures.index.isin(keep.index), ["claim_id", "figure_id"]]
    document = {"document": {"id": document_id, "title": title, "date": date.today().isoformat(),
                             "language": result.lang, "symbol": None}, "claims": claims_out}
    header = [f"# Written by `migdash claims scan --save-yaml` on {date.today().isoformat()}."]
    if result.cited is None:
        header.append(f"# cited_revision: the text names none; {result.latest} (the latest loaded) is written: correct it.")
    if not left_out.empty:
        header.append("# Left out (the registry cannot hold them): "
                      + ", ".join(f"{c}/{f}" for c, f in left_out.itertuples(index=False)) + ".")
    return "\n".join(header) + "\n" + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110)


def registrable(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures the registry schema accepts: those it rejects are dropped (a part whose total
    was dropped keeps its value, without `part_of`), until the rest validates."""
    kept = figures
    while not kept.empty:
        known = set(zip(kept["claim_id"], kept["figure_id"], strict=True))
        kept = kept.assign(part_of=[p if (c, p) in known else None
                                    for c, p in zip(kept["claim_id"], kept["part_of"], strict=True)])
        try:
            return ClaimFigureSchema.validate(kept, lazy=True)
        except pandera.errors.SchemaErrors as errors:
            failed = set(errors.failure_cases["index"].dropna())
            if not failed:
                raise
            kept = kept.drop(index=[i for i in kept.index if i in failed])
    return kept


def _claim_yaml(result: Scan, sentence: Sentence, figures: pd.DataFrame, document_id: str) -> dict:
    mine = figures[figures["claim_id"] == claim_id(sentence.number)]
    template = _template(sentence, [f for f in result.found if f.sentence == sentence.number and f.understood
                                    and f.figure_id in set(mine["figure_id"])])
    kept = set(mine["figure_id"])
    return {
        "id": f"{document_id}-s{sentence.number}", "quote": " ".join(sentence.text.split()),
        "cited_source": _cited_source(result, mine),
        "cited_revision": result.cited or result.latest,
        "sentence": {result.lang: template},
        "figures": [_figure_yaml(row, kept) for _, row in mine.iterrows()],
    }


def _cited_source(result: Scan, figures: pd.DataFrame) -> str:
    """The sources the sentence's figures are checked against, UN DESA first."""
    sources = ["undesa_ims" if m in COMPUTABLE else SOURCE.get(m, "") for m in figures["metric"]]
    names = [("UN DESA, International Migrant Stock" + (f" {result.cited}" if result.cited else "")) if s == "undesa_ims"
             else t("en", f"scan.source.{s}") for s in dict.fromkeys(sorted(sources, key=lambda s: s != "undesa_ims"))
             if s]
    return "; ".join(names) or "UN DESA, International Migrant Stock"


def _template(sentence: Sentence, found: list[Tie]) -> str:
    """The sentence with its computable figures as {placeholders}: the registry's refreshed sentence."""
    text, out, last = sentence.text, [], 0
    for item in sorted(found, key=lambda f: f.number.start):
        if item.metric not in COMPUTABLE:
            continue
        out += [text[last:item.number.start].replace("{", "{{").replace("}", "}}"), "{" + item.figure_id + "}"]
        last = item.number.end
    out.append(text[last:].replace("{", "{{").replace("}", "}}"))
    return " ".join("".join(out).split())


def _figure_yaml(row: pd.Series, kept: set[str]) -> dict:
    out: dict = {"id": row["figure_id"], "metric": row["metric"]}
    for key in ("areas", "minus_areas", "origin_areas"):
        if isinstance(row[key], str):
            out[key] = [int(c) for c in row[key].split(",")]
    if isinstance(row["detail"], str):
        out["detail"] = row["detail"]
    for key in ("year", "base_year"):
        if pd.notna(row[key]):
            out[key] = int(row[key])
    out.update({"value": float(row["value"]), "unit": row["unit"], "decimals": int(row["decimals"])})
    for key, default in (("qualifier", "exact"), ("sex", "total")):
        if row[key] != default:
            out[key] = row[key]
    if isinstance(row["part_of"], str) and row["part_of"] in kept:
        out["part_of"] = row["part_of"]
    if isinstance(row["checkable_with"], str):
        out["checkable_with"] = {code: row["checkable_with" + ("" if code == "en" else f"_{code}")] for code in LANGUAGES}
    return out
