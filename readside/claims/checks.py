"""Statuses: each figure against every loaded UN DESA revision, or every vintage of its other
publisher (readside.vintage_values), with the same tolerance (precision.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from readside import vintage_values
from readside.claims.context import COMPUTABLE, Context
from readside.claims.notes import SHOWN_DECIMALS, Localized, Note, Quantity, Word, notes_text
from readside.claims.precision import covers

MATCHES, REVISED, DIFFERS = "matches", "revised", "differs"
NOT_PUBLISHED, NOT_CHECKABLE = "year not published", "not checkable with current sources"
NOT_REPORTED = "not reported"
SEVERITY = [DIFFERS, REVISED, NOT_REPORTED, NOT_PUBLISHED, MATCHES, NOT_CHECKABLE]  # most severe first
PUBLISHED, INTERPOLATED = "published", "interpolated"
NOT_REPORTED_NOTES = {vintage_values.PLACEHOLDER: "placeholder", vintage_values.BLANK: "blank"}
MEMBER_NOTES = ("aggregate_reporting", "members_summed")  # what a compared value rests on: shown with its verdict


@dataclass
class FigureCheck:
    claim_id: str
    figure_id: str
    revision: int
    status: str
    quoted: float
    actual: float | None
    unit: str
    basis: str = ""
    notes: tuple[Note, ...] = ()
    vintage: str = ""  # the revision or vintage checked, as its publisher names it
    source: str = "undesa_ims"
    current: bool = False  # the newest loaded revision or vintage of the figure's source
    partial: bool = False  # rests on a partial year (readside.reporting): never written into a refreshed sentence


def _unpublished(ctx: Context, figure: pd.Series, revision: int, year: int) -> tuple[tuple[Note, ...], float | None]:
    """Nearest published years around `year`, and a labelled linear interpolation between them."""
    published = ctx.published[revision]
    before, after = [y for y in published if y < year], [y for y in published if y > year]
    if not before:
        return (Note("before_first", {"year": year, "first": published[0]}),), None
    if not after:
        return (Note("after_last", {"year": year, "last": published[-1]}),), None
    lo, hi = before[-1], after[0]
    nearest = Note("nearest", {"year": year, "before": lo, "after": hi})
    a, b = ctx.value(revision, figure, lo), ctx.value(revision, figure, hi)
    if a is None or b is None or int(figure["year"]) != year:
        return (nearest,), None
    value = a + (b - a) * (year - lo) / (hi - lo)
    quantity = Quantity(value, figure["unit"], SHOWN_DECIMALS.get(figure["unit"], 2))
    return (nearest, Note("interpolated", {"year": year, "value": quantity})), value


def check_figure(ctx: Context, figure: pd.Series, revision: int) -> FigureCheck:
    """One figure against one revision (before `revised` is applied across revisions)."""
    quoted = float(figure["value"])
    made = {"claim_id": figure["claim_id"], "figure_id": figure["figure_id"], "revision": revision,
            "quoted": quoted, "unit": figure["unit"]}
    if figure["metric"] not in COMPUTABLE:
        return _not_checkable(ctx, figure)
    needed = [int(figure["year"])] + ([int(figure["base_year"])] if pd.notna(figure["base_year"]) else [])
    missing = [y for y in needed if y not in ctx.published[revision]]
    if missing:
        notes, value = _unpublished(ctx, figure, revision, missing[0])
        return FigureCheck(**made, status=NOT_PUBLISHED, actual=value, basis=INTERPOLATED if value is not None else "", notes=notes)
    actual = ctx.value(revision, figure, int(figure["year"]))
    if actual is None:
        return FigureCheck(**made, status=NOT_PUBLISHED, actual=None, notes=(Note("missing_area"),))
    status = MATCHES if covers(actual, quoted, int(figure["decimals"]), figure["qualifier"]) else DIFFERS
    return FigureCheck(**made, status=status, actual=actual, basis=PUBLISHED)


def _not_checkable(ctx: Context, figure: pd.Series) -> FigureCheck:
    """A metric no loaded source publishes: one row, naming the source that would check it."""
    en = figure["checkable_with"] if isinstance(figure.get("checkable_with"), str) else "-"
    where = Localized(en, *(text if isinstance(text := figure.get(f"checkable_with_{lang}"), str) else None
                            for lang in ("es", "fr", "pt")))
    return FigureCheck(figure["claim_id"], figure["figure_id"], None, NOT_CHECKABLE, float(figure["value"]), None,
                       figure["unit"], notes=(Note("not_checkable", {"source": where}),), source="", current=True)


def _check_vintages(ctx: Context, figure: pd.Series) -> list[FigureCheck]:
    """A figure of another publisher against each of its vintages, with the same tolerance."""
    source, series = vintage_values.SOURCE[figure["metric"]], Word(f"scan.series.{figure['metric']}")
    quoted, found = float(figure["value"]), vintage_values.values(ctx.sources, figure)
    out = []
    for i, value in enumerate(found):
        made = {"claim_id": figure["claim_id"], "figure_id": figure["figure_id"], "revision": None, "quoted": quoted,
                "unit": figure["unit"], "vintage": value.vintage, "source": source, "current": i == len(found) - 1}
        named = Note("series", {"series": series, "vintage": value.vintage})
        if value.state == vintage_values.PUBLISHED and value.value is not None:
            ok = covers(value.value, quoted, int(figure["decimals"]), figure["qualifier"])
            notes = (named, *members_notes(value, int(figure["year"])))
            if not ok and figure["metric"].startswith("remittances"):
                notes += (Note("remittance_definitions"),)
            out.append(FigureCheck(**made, status=MATCHES if ok else DIFFERS, actual=value.value, basis=PUBLISHED,
                                   notes=notes, partial=value.partial))
        elif value.state in NOT_REPORTED_NOTES:
            out.append(FigureCheck(**made, status=NOT_REPORTED, actual=None, notes=(named, Note(NOT_REPORTED_NOTES[value.state]))))
        elif value.state == vintage_values.PARTIAL and value.total is not None:
            note = Note("members_reporting", {"counted": value.total.reporting, "expected": value.total.expected})
            out.append(FigureCheck(**made, status=NOT_REPORTED, actual=None, notes=(named, note), partial=True))
        elif value.state == vintage_values.PARTIAL:
            out.append(FigureCheck(**made, status=NOT_PUBLISHED, actual=None, notes=(named, Note("partial_year"))))
        else:
            out.append(FigureCheck(**made, status=NOT_PUBLISHED, actual=None, notes=(named, Note("not_in_vintage"))))
    if not out:
        out.append(FigureCheck(figure["claim_id"], figure["figure_id"], None, NOT_PUBLISHED, quoted, None, figure["unit"],
                               notes=(Note("source_not_loaded", {"series": series}),), source=source, current=True))
    return out


def members_notes(value: vintage_values.Value, year: int) -> tuple[Note, ...]:
    """What a compared value rests on (readside.reporting): a publisher's aggregate in a partial
    year says how many members it counts; a sum over members, how many have a figure."""
    total = value.total
    if total is None:
        return ()
    if total.published and not total.complete:
        return (Note("aggregate_reporting", {"year": year, "counted": total.reporting, "expected": total.expected}),)
    if total.summed_short:
        return (Note("members_summed", {"counted": total.reporting, "expected": total.expected}),)
    return ()


def _apply_revised(checks: list[FigureCheck], cited: int, latest: int) -> None:
    """Latest revision: `differs` becomes `revised` when the cited revision matched."""
    at_cited = next((c for c in checks if c.revision == cited), None)
    if at_cited is None or at_cited.status != MATCHES:
        return
    for check in checks:
        if check.revision != latest or check.status not in (DIFFERS, NOT_PUBLISHED):
            continue
        if check.status == DIFFERS:
            check.status = REVISED
            check.notes = (Note("revised", {"cited": cited, "latest": latest}), *check.notes)
        else:
            check.notes = (Note("matched_cited", {"cited": cited}), *check.notes)


def check_claim(ctx: Context, claim_id: str) -> list[FigureCheck]:
    """Every figure of one claim against every loaded revision."""
    return check_figures(ctx, ctx.figures_of(claim_id), int(ctx.claim(claim_id)["cited_revision"]))


def check_figures(ctx: Context, figures: pd.DataFrame, cited: int | None) -> list[FigureCheck]:
    """Figures (registry rows or built in memory) against every loaded revision; `cited` is the
    revision the text cites (`revised` needs it; None: the text names none)."""
    out = []
    for figure in figures.to_dict("records"):  # plain dicts: a pandas row per figure costs ms
        if figure["metric"] in vintage_values.SOURCE:
            out += _check_vintages(ctx, figure)
            continue
        if figure["metric"] not in COMPUTABLE:
            out.append(_not_checkable(ctx, figure))
            continue
        checks = [check_figure(ctx, figure, r) for r in ctx.revisions]
        for check in checks:
            check.vintage, check.current = str(check.revision), check.revision == ctx.latest
        if cited is None:
            out += checks
            continue
        _apply_revised(checks, cited, ctx.latest)
        if cited not in ctx.revisions and figure["metric"] in COMPUTABLE:
            for check in checks:
                check.notes = (Note("cited_not_loaded", {"cited": cited}), *check.notes)
        out += checks
    return out


def check_all(ctx: Context) -> pd.DataFrame:
    """One row per claim figure and loaded revision; `notes` holds Note objects, `note` English text."""
    rows = [check for claim_id in ctx.claims["claim_id"] for check in check_claim(ctx, claim_id)]
    frame = pd.DataFrame([vars(r) for r in rows], columns=list(FigureCheck.__dataclass_fields__))
    frame["note"] = frame["notes"].map(lambda notes: notes_text(notes, "en"))
    return frame

