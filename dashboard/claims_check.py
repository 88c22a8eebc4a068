"""Check every quoted figure against every loaded revision, and refresh the sentence.

Tolerance (what "matches" means), from how the figure was quoted:
- exact (the default): the data, in the quoted unit, rounds to the quoted value at the quoted
  decimals — "70.3 million" matches 70.25 to 70.35 million; "47 million" matches 46.5 to 47.5.
- "around" / "about": within 5% of the quoted value (or the rounding interval if wider).
- "nearly" / "almost": at most the quoted value (plus rounding), and no more than 5% below it.
- "more than": above the quoted value minus rounding.
Statuses per figure and revision: `matches`, `differs`, `year not published` (nearest
published years and a linear interpolation, labelled as such), `not checkable with current
sources` (metric no loaded source publishes: says which source would check it). In the
latest revision, `revised` replaces `differs` when the figure matched the revision it cites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dashboard import queries
from dashboard.queries import Database
from dashboard.text import decimal, language

MATCHES, REVISED, DIFFERS = "matches", "revised", "differs"
NOT_PUBLISHED, NOT_CHECKABLE = "year not published", "not checkable with current sources"
SEVERITY = [DIFFERS, REVISED, NOT_PUBLISHED, MATCHES, NOT_CHECKABLE]  # most severe first
COMPUTABLE = {"stock", "change_percent"}
RELATIVE_SPREAD = 0.05


def tolerance(quoted: float, decimals: int, qualifier: str) -> tuple[float, float]:
    """[low, high] of data values (in the quoted unit) that the quoted wording covers."""
    half = 0.5 * 10 ** (-decimals) + 1e-9
    spread = max(half, RELATIVE_SPREAD * abs(quoted))
    if qualifier == "around":
        return quoted - spread, quoted + spread
    if qualifier == "nearly":
        return quoted - spread, quoted + half
    if qualifier == "more than":
        return quoted - half, math.inf
    return quoted - half, quoted + half


def covers(actual: float, quoted: float, decimals: int, qualifier: str) -> bool:
    low, high = tolerance(quoted, decimals, qualifier)
    return low <= actual <= high


@dataclass
class FigureCheck:
    claim_id: str
    figure_id: str
    revision: int
    status: str
    quoted: float
    actual: float | None
    unit: str
    note: str = ""


def _codes(text: object) -> list[int]:
    return [int(c) for c in str(text).split(",")] if isinstance(text, str) and text else []


def _level(db: Database, revision: int, figure: pd.Series, year: int) -> float | None:
    """Stock of the figure's areas (minus its minus_areas) in one year, persons."""
    plus = queries.stock_sum(db, revision, _codes(figure["areas"]), year, figure["sex"])
    minus_codes = _codes(figure["minus_areas"])
    minus = queries.stock_sum(db, revision, minus_codes, year, figure["sex"]) if minus_codes else 0
    return None if plus is None or minus is None else float(plus - minus)


def _in_unit(db: Database, revision: int, figure: pd.Series, year: int) -> float | None:
    """The figure's value in its quoted unit for one revision and (end) year."""
    level = _level(db, revision, figure, year)
    if level is None:
        return None
    if figure["metric"] == "stock":
        return level / 1e6
    base = _level(db, revision, figure, int(figure["base_year"]))
    return None if not base else 100 * (level / base - 1)


def _interpolated(db: Database, revision: int, figure: pd.Series, year: int, published: list[int]) -> tuple[str, float | None]:
    """Nearest published years around `year` and a linear interpolation between them."""
    before = [y for y in published if y < year]
    after = [y for y in published if y > year]
    if not before or not after:
        return f"nearest published years: {published[0]}–{published[-1]}", None
    lo, hi = before[-1], after[0]
    a, b = _in_unit(db, revision, figure, lo), _in_unit(db, revision, figure, hi)
    if a is None or b is None:
        return f"nearest published years: {lo} and {hi}", None
    value = a + (b - a) * (year - lo) / (hi - lo)
    return f"nearest published years: {lo} and {hi}; linear interpolation for {year} (not published): {value:.2f} {figure['unit']}", value


def check_figure(db: Database, figure: pd.Series, revision: int, published: list[int]) -> FigureCheck:
    quoted = float(figure["value"])
    made = {"claim_id": figure["claim_id"], "figure_id": figure["figure_id"], "revision": revision, "quoted": quoted, "unit": figure["unit"]}
    if figure["metric"] not in COMPUTABLE:
        return FigureCheck(**made, status=NOT_CHECKABLE, actual=None, note=str(figure["checkable_with"] or "no loaded source publishes this metric"))
    needed = [int(figure["year"])] + ([int(figure["base_year"])] if pd.notna(figure["base_year"]) else [])
    missing = [y for y in needed if y not in published]
    if missing:
        note, value = _interpolated(db, revision, figure, missing[0], published)
        return FigureCheck(**made, status=NOT_PUBLISHED, actual=value, note=note)
    actual = _in_unit(db, revision, figure, int(figure["year"]))
    if actual is None:
        return FigureCheck(**made, status=NOT_PUBLISHED, actual=None, note="an area of the figure has no value that year")
    status = MATCHES if covers(actual, quoted, int(figure["decimals"]), figure["qualifier"]) else DIFFERS
    return FigureCheck(**made, status=status, actual=actual)


def check_all(db: Database) -> pd.DataFrame:
    """One row per claim figure and loaded revision, with `revised` applied to the latest one."""
    figures = queries.claim_figures(db)
    claims = queries.claims(db).set_index("claim_id")
    revisions = queries.revisions(db)
    published = {r: queries.years(db, r) for r in revisions}
    rows = [check_figure(db, figure, r, published[r]) for _, figure in figures.iterrows() for r in revisions]
    frame = pd.DataFrame([vars(r) for r in rows])
    latest = revisions[-1]
    for index, row in frame[(frame["revision"] == latest) & frame["status"].isin([DIFFERS, NOT_PUBLISHED])].iterrows():
        cited = int(claims.loc[row["claim_id"], "cited_revision"])
        at_cited = frame[(frame["claim_id"] == row["claim_id"]) & (frame["figure_id"] == row["figure_id"]) & (frame["revision"] == cited)]
        if at_cited.empty or at_cited["status"].iloc[0] != MATCHES:
            continue
        if row["status"] == DIFFERS:
            frame.loc[index, "status"] = REVISED
            frame.loc[index, "note"] = f"matched the cited {cited} revision; the {latest} revision differs"
        else:
            frame.loc[index, "note"] = f"matched the cited {cited} revision; {row['note']}"
    cited_missing = claims["cited_revision"][~claims["cited_revision"].isin(revisions)]
    for claim_id, cited in cited_missing.items():
        mask = (frame["claim_id"] == claim_id) & (frame["status"] != NOT_CHECKABLE)
        frame.loc[mask, "note"] = frame.loc[mask, "note"].map(lambda n, c=cited: f"cited revision {c} is not loaded" + (f"; {n}" if n else ""))
    return frame


def claim_status(checks: pd.DataFrame, latest: int) -> str:
    """The badge of a claim: its most severe figure status in the latest revision."""
    statuses = set(checks[checks["revision"] == latest]["status"])
    checkable = statuses - {NOT_CHECKABLE}
    return next(s for s in SEVERITY if s in (checkable or statuses))


def consistency(figures: pd.DataFrame) -> list[str]:
    """Parts quoted beside their total: does the sentence add up on its own terms?"""
    notes = []
    for total_id, parts in figures[figures["part_of"].notna()].groupby("part_of"):
        total = figures[figures["figure_id"] == total_id]
        if total.empty:
            continue
        quoted_total, part_sum = float(total["value"].iloc[0]), float(parts["value"].sum())
        terms = " + ".join(decimal(v, "en", int(d)) for v, d in zip(parts["value"], parts["decimals"], strict=True))
        verdict = "=" if math.isclose(part_sum, quoted_total, abs_tol=0.05) else "≠"
        gap = quoted_total - part_sum
        notes.append(f"{terms} = {part_sum:.1f} {verdict} {quoted_total:.1f} {total['unit'].iloc[0]} (gap {gap:+.1f})")
    return notes


def format_value(value: float, unit: str, decimals: int, lang: str) -> str:
    lang = language(lang)
    if unit == "million":
        number = decimal(value, lang, max(decimals, 1))
        return f"{number} millones" if lang == "es" else f"{number} million"
    if unit == "percent":
        number = decimal(value, lang, decimals)
        return f"{number}\u00a0%" if lang == "es" else f"{number}%"
    if unit == "billion US$":
        number = decimal(value, lang, decimals)
        return f"{number} mil millones de US$" if lang == "es" else f"US${number} billion"
    return decimal(value, lang, decimals)


def refreshed_sentence(db: Database, claim: pd.Series, figures: pd.DataFrame, lang: str) -> str | None:
    """The claim's wording with the latest revision's figures, or None if it cannot be refreshed."""
    template = claim.get(f"sentence_{language(lang)}")
    if not isinstance(template, str) or not template:
        return None
    revision = queries.revisions(db)[-1]
    latest_year = queries.years(db, revision)[-1]
    values: dict[str, object] = {"revision": revision}
    for _, figure in figures.iterrows():
        year = latest_year if figure["refresh"] == "latest" else int(figure["year"])
        value = _in_unit(db, revision, figure, year)
        if value is None:
            return None
        values[figure["figure_id"]] = format_value(value, figure["unit"], int(figure["decimals"]), lang)
        values[f"{figure['figure_id']}_year"] = year
    return template.format(**values)


def citation(db: Database, lang: str) -> str:
    revision = queries.revisions(db)[-1]
    source = queries.provenance_citation(db, revision) or {}
    accessed = str(source.get("retrieved_at", ""))[:10]
    label = "consultado el" if language(lang) == "es" else "accessed"
    return f"{source.get('citation', '')} {source.get('url', '')} ({source.get('licence', '')}; {label} {accessed})."


def report(db: Database) -> pd.DataFrame:
    """The secretariat's table: one row per claim figure and revision, quote, status, refreshed sentence."""
    checks = check_all(db)
    claims = queries.claims(db).set_index("claim_id")
    figures = queries.claim_figures(db)
    refreshed = {}
    for claim_id, claim in claims.iterrows():
        mine = figures[figures["claim_id"] == claim_id]
        sentence = refreshed_sentence(db, claim, mine, "en")
        refreshed[claim_id] = f"{sentence} {citation(db, 'en')}" if sentence else ""
    out = checks.merge(claims[["quote", "document_title"]], left_on="claim_id", right_index=True)
    out["refreshed_sentence"] = out["claim_id"].map(refreshed)
    return out[["claim_id", "figure_id", "revision", "status", "quoted", "actual", "unit", "note", "document_title", "quote", "refreshed_sentence"]]
