"""What a build did with each source, in words an operator can act on.

Why: the notes used to say "not loaded" for sources whose rows were in fact kept from the
previous build, and `--strict` failed on optional inputs that are never in a mirror. Each source
now says whether it was loaded (files and rows), kept from the previous build (which vintages)
or absent, and whether it was asked for: `--strict` fails only for a source asked for and lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from etl.indicators import Collected
from etl.sources import undesa_ims

LOADED, KEPT, ABSENT = "loaded", "kept", "absent"
VINTAGE_WORD = {"undesa_ims": "revisions", "knomad": "editions", "wpp": "editions"}


@dataclass(frozen=True)
class SourceReport:
    """One source's outcome; `asked` is True when the operator asked for it (a mirror was given
    for it, or the build fetched from the publishers)."""

    source: str
    state: str  # LOADED | KEPT | ABSENT
    asked: bool
    files: int = 0
    rows: int | None = 0  # None: not counted (a build that found its inputs unchanged)
    vintages: tuple[str, ...] = ()
    why: str | None = None  # why it was not loaded (unreachable, no mirror given)
    optional_absent: tuple[str, ...] = field(default=())  # optional inputs not available (each has its note)

    @property
    def lost(self) -> bool:
        """Asked for and not loaded: what `--strict` reports."""
        return self.asked and self.state != LOADED

    def line(self) -> str:
        held = f"{VINTAGE_WORD.get(self.source, 'vintages')} {', '.join(self.vintages)}" if self.vintages else ""
        if self.state == LOADED:
            text = f"{self.source}: loaded {self.files} file{'s' if self.files != 1 else ''}"
            text += f", {self.rows:,} rows" if self.rows is not None else ""
            text += f" ({held})" if held else ""
        elif self.state == KEPT:
            text = f"{self.source}: {self.why}; kept from the previous build: {held} ({self.rows:,} rows)"
        else:
            text = f"{self.source}: {self.why}; absent (no previous build holds it)"
        return text


def vintages_of(provenance: Iterable[dict]) -> tuple[str, ...]:
    """The distinct vintage labels of a source's provenance rows, in order."""
    return tuple(sorted({str(p.get("vintage") or p.get("revision")) for p in provenance}))


def strict_failures(reports: Iterable[SourceReport]) -> list[SourceReport]:
    return [r for r in reports if r.lost]


def asked_for(name: str, mirrors: dict[str, str], offline: bool) -> bool:
    """Asked for: fetched from the publisher (no mirror at all), or given a mirror."""
    return not offline or name in mirrors


def rows_of(collected: Collected) -> int:
    return len(collected.indicator) + sum(len(frame) for frame in collected.tables.values())


def source_reports(names: Iterable[str], mirrors: dict[str, str], offline: bool, loaded: dict[str, Collected],
                   why: dict[str, str], previous_provenance: dict[str, list[dict]],
                   kept: dict[str, Collected] | None = None) -> list[SourceReport]:
    """One report per source of `names`, in that order: loaded, kept (which vintages) or absent."""
    reports = []
    for name in names:
        asked = asked_for(name, mirrors, offline)
        if name in loaded:
            collected = loaded[name]
            reports.append(SourceReport(name, LOADED, asked, len(collected.files), rows_of(collected),
                                        vintages_of(collected.provenance)))
            continue
        provenance = previous_provenance.get(name, [])
        rows = rows_of(kept[name]) if kept and name in kept else sum(int(p.get("rows") or 0) for p in provenance)
        reports.append(SourceReport(name, KEPT if provenance else ABSENT, asked, rows=rows,
                                    vintages=vintages_of(provenance), why=why[name]))
    return reports


def undesa_report(fetched: list, row_counts: dict[str, int] | None = None) -> SourceReport:
    """UN DESA's line: its workbooks are required, so it is always loaded (or the build failed);
    the optional origin x destination workbooks it could not get are named (each has its note)."""
    got = {dataset.key for dataset, _ in fetched}
    optional = tuple(d.key for d in undesa_ims.DATASETS if not d.required and d.key not in got)
    rows = sum(row_counts.get(t, 0) for t in ("stock", "stock_share", "population", "refugee_stock")) \
        if row_counts is not None else None
    revisions = tuple(sorted({str(dataset.revision) for dataset, _ in fetched}))
    return SourceReport(undesa_ims.SOURCE, LOADED, True, len(fetched), rows, revisions, optional_absent=optional)
