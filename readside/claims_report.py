"""The secretariat's report of the claims registry (`migdash claims check`): table, markdown, CSV.

One row per claim figure and revision or vintage, with the figure's verdict (readside.claims.verdict,
the same status /claims and /check show) in `verdict`; `--fail-on` reads the verdicts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from io import StringIO

import pandas as pd

from readside.claims import (
    SEVERITY,
    Context,
    as_checks,
    check_all,
    claim_status,
    notes_text,
    quoted_text,
    sentence_with_citation,
    verdicts,
)
from readside.consistency import consistency
from readside.queries import Database

REPORT_COLUMNS = ["claim_id", "figure_id", "revision", "vintage", "status", "verdict", "quoted_as", "quoted", "actual", "basis", "unit", "note",
                  "document_title", "quote", "consistency", "refreshed_en", "refreshed_es", "refreshed_fr", "refreshed_pt"]


def report(ctx: Context) -> pd.DataFrame:
    """One row per claim figure and revision: quote, status, note, consistency, refreshed sentences."""
    checks = check_all(ctx)
    claims = ctx.claims.set_index("claim_id")
    per_claim = pd.DataFrame({
        "consistency": {c: notes_text(consistency(ctx.figures_of(c)), "en") for c in claims.index},
        "refreshed_en": {c: sentence_with_citation(ctx, c, "en") or "" for c in claims.index},
        **{f"refreshed_{lang}": {c: sentence_with_citation(ctx, c, lang) or "" for c in claims.index}
           for lang in ("es", "fr", "pt")},
    })
    out = checks.merge(claims[["quote", "document_title"]], left_on="claim_id", right_index=True)
    out = out.merge(per_claim, left_on="claim_id", right_index=True)
    wording = {(f["claim_id"], f["figure_id"]): quoted_text(f, "en") for _, f in ctx.figures.iterrows()}
    out["quoted_as"] = [wording[key] for key in zip(out["claim_id"], out["figure_id"], strict=True)]
    decided = verdicts(as_checks(checks))
    out["verdict"] = [decided[key].status for key in zip(out["claim_id"], out["figure_id"], strict=True)]
    return out[REPORT_COLUMNS].reset_index(drop=True)


SHOWN_COLUMNS = ["figure_id", "vintage", "status", "verdict", "quoted_as", "actual", "basis", "note"]


def cell(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.2f}"
    return "" if value is None else str(value)


def as_table(frame: pd.DataFrame, latest: int) -> str:
    """Plain text: per claim, its quote, one row per figure and revision, then the refreshed sentences."""
    out = []
    for claim_id, rows in frame.groupby("claim_id", sort=False):
        first = rows.iloc[0]
        out += [f"== {claim_id}: {claim_status(rows, latest)} in the {latest} revision — {first['document_title']}",
                f"quote: {first['quote']}"]
        shown = rows[SHOWN_COLUMNS].copy()
        shown["actual"] = shown["actual"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        out.append(shown.to_string(index=False, max_colwidth=90))
        if first["consistency"]:
            out.append(f"consistency: {first['consistency']}")
        out += [f"refreshed (en): {first['refreshed_en'] or '(cannot be refreshed with current sources)'}",
                f"refreshed (es): {first['refreshed_es'] or '(no puede actualizarse con las fuentes actuales)'}", ""]
    return "\n".join(out)


def as_markdown(frame: pd.DataFrame, latest: int) -> str:
    """For a briefing note: a section per claim with its quote, figures table and refreshed sentences."""
    columns = SHOWN_COLUMNS
    out = [f"# Claims check against UN DESA International Migrant Stock (latest revision: {latest})", ""]
    for claim_id, rows in frame.groupby("claim_id", sort=False):
        first = rows.iloc[0]
        out += [f"## {claim_id} — {claim_status(rows, latest)}", "", f"*{first['document_title']}*", "", f"> {first['quote']}", "",
                "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in rows[columns].itertuples(index=False):
            cells = [cell(v) for v in row]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if first["consistency"]:
            out += ["", f"Internal consistency: {first['consistency']}"]
        out += ["", f"- Refreshed (en): {first['refreshed_en'] or '(cannot be refreshed with current sources)'}",
                f"- Refreshed (es): {first['refreshed_es'] or '(no puede actualizarse con las fuentes actuales)'}", ""]
    return "\n".join(out)


def as_csv(frame: pd.DataFrame) -> str:
    buffer = StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def normalise_status(name: str) -> str:
    """'year-not-published' and 'year_not_published' name the status 'year not published'."""
    return name.replace("-", " ").replace("_", " ").strip().lower()


def reached(frame: pd.DataFrame, fail_on: Iterable[str], latest: int | None = None) -> list[str]:
    """Statuses among `fail_on` that some figure's verdict has (what holds now)."""
    wanted = {normalise_status(s) for s in fail_on}
    return sorted(set(frame["verdict"]) & wanted)


def run_check(db: Database, fmt: str = "table", fail_on: Iterable[str] = ()) -> tuple[str, list[str]]:
    """The `migdash claims check` command: the report text and the --fail-on statuses reached."""
    unknown = sorted({normalise_status(s) for s in fail_on} - set(SEVERITY))
    if unknown:
        raise ValueError(f"unknown status for --fail-on: {unknown}; choose from {SEVERITY}")
    ctx = Context.load(db)
    frame = report(ctx)
    text = {"csv": as_csv, "markdown": lambda f: as_markdown(f, ctx.latest)}.get(fmt, lambda f: as_table(f, ctx.latest))(frame)
    return text, reached(frame, fail_on, ctx.latest)
