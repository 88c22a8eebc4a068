"""One verdict per figure across its revisions or vintages: the status /claims and /check both show."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from readside.claims.checks import (
    DIFFERS,
    MATCHES,
    MEMBER_NOTES,
    NOT_CHECKABLE,
    NOT_PUBLISHED,
    NOT_REPORTED,
    PUBLISHED,
    REVISED,
    SEVERITY,
    FigureCheck,
)
from readside.claims.notes import SHOWN_DECIMALS, Note, Quantity


@dataclass(frozen=True)
class Verdict:
    """One figure's status across every revision or vintage of its source, and the check behind it.

    matches: the newest revision or vintage that publishes the year matches (every matching one is
    named); revised: an older one matched, the newest differs; differs: none matches; not reported:
    the publisher's cell is a placeholder or blank, or a sum lacks members that weigh; year not
    published; not checkable. A value compared in a partial year (a publisher's aggregate, such as
    the World Bank's LAC in 2024) keeps the note saying how many members it counts."""

    status: str
    decided_by: FigureCheck
    newest: FigureCheck | None  # the newest check with a published value (what a refresh writes)
    notes: tuple[Note, ...]


def verdict(checks: list[FigureCheck]) -> Verdict:
    published = [c for c in checks if c.basis == PUBLISHED]
    if not published:
        status = next((s for s in (NOT_REPORTED, NOT_PUBLISHED) if any(c.status == s for c in checks)), checks[-1].status)
        last = [c for c in checks if c.current] or checks[-1:]
        return Verdict(status, last[0], None, last[0].notes)
    newest = published[-1]
    matched = [c for c in published if c.status == MATCHES]
    values = {"vintages": ", ".join(c.vintage for c in matched), "newest": newest.vintage, "series": _series(newest),
              "value": Quantity(newest.actual, newest.unit, SHOWN_DECIMALS.get(newest.unit, 2))}
    kind = "revision" if newest.source == "undesa_ims" else "vintage"
    resting = tuple(n for n in newest.notes if n.key in MEMBER_NOTES)  # a partial aggregate, a sum short of members
    if newest.status == MATCHES:
        return Verdict(MATCHES, newest, newest, (Note(f"matches_{kind}", values), *resting))
    if matched:
        return Verdict(REVISED, matched[-1], newest, (Note(f"revised_{kind}", values), *resting))
    extra = tuple(n for n in newest.notes if n.key == "remittance_definitions")
    return Verdict(DIFFERS, newest, newest, (Note(f"differs_{kind}", values), *resting, *extra))


def _series(check: FigureCheck) -> object:
    return next((n.values["series"] for n in check.notes if n.key == "series"), "")


def verdicts(checks: list[FigureCheck]) -> dict[tuple[str, str], Verdict]:
    """(claim_id, figure_id) -> Verdict, in the order the checks came."""
    grouped: dict[tuple[str, str], list[FigureCheck]] = {}
    for check in checks:
        grouped.setdefault((check.claim_id, check.figure_id), []).append(check)
    return {key: verdict(group) for key, group in grouped.items()}


def as_checks(frame: pd.DataFrame) -> list[FigureCheck]:
    fields = list(FigureCheck.__dataclass_fields__)
    return [FigureCheck(**{k: (None if k in ("revision", "actual") and pd.isna(v) else v) for k, v in row.items() if k in fields})
            for row in frame.to_dict("records")]


def claim_status(checks: pd.DataFrame, latest: int | None = None) -> str:
    """The badge of a claim: its most severe checkable figure verdict (the same as /check gives)."""
    statuses = {v.status for v in verdicts(as_checks(checks)).values()}
    checkable = statuses - {NOT_CHECKABLE}
    return next(s for s in SEVERITY if s in (checkable or statuses))

