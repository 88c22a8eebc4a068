"""A build never holds less than the build it replaces, unless the operator says so.

Why: a mirror that lost a file, a download cut at a line end (which no format check can see
when the publisher promises no record count), a vintage replaced by a smaller one: each would
silently shrink what the dashboard serves. Before anything is written, the new build's
holdings are compared with the previous database's, and any loss stops the build with the
numbers, unless `--accept-loss SOURCE` names the source.

A holding is one unit of a source with its vintage and row count: a provenance dataset (one
upstream file or query: a World Bank series' vintage, a UNHCR release, a KNOMAD edition, an
OECD dataflow...), and for IOM's Missing Migrants, whose files overlap and supersede each
other by year, the incidents of each year. A unit the previous build held that this one lacks
is a loss; so is a unit whose rows shrink (whatever its vintage label: a file that replaces
another under the same dataset name must hold at least as much).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from etl.errors import EtlError

HOLDING_COLUMNS = ["source", "unit", "vintage", "rows", "file"]
MIRROR = "local mirror: "  # provenance names a mirror's file so; the file name is what an operator looks for
IOM = "iom_missing_migrants"
ALL = "all"  # --accept-loss all: every source
PREVIOUS_HOLDINGS = """
WITH years AS (SELECT year, count(*) AS rows, list(DISTINCT vintage) AS vintages FROM core.missing_migrants
               GROUP BY year)
SELECT source, dataset AS unit, vintage, rows, fetched_from AS file FROM core.provenance
WHERE source <> 'iom_missing_migrants'
UNION ALL
SELECT 'iom_missing_migrants', 'incidents of ' || y.year, c.coverage, y.rows,
       (SELECT string_agg(p.fetched_from, ', ' ORDER BY p.fetched_from) FROM core.provenance p
        WHERE p.source = 'iom_missing_migrants' AND list_contains(y.vintages, p.vintage))
FROM years y LEFT JOIN core.missing_migrants_coverage c ON c.year = y.year
"""


class DataLoss(EtlError):
    """The build would hold less than the previous one; `losses` are one line each."""

    def __init__(self, losses: list[str], sources: list[str]):
        self.losses, self.sources = losses, sources
        accept = " ".join(f"--accept-loss {s}" for s in sources)
        super().__init__(f"[{', '.join(sources)}] refused: this build would hold less data than the database it replaces: "
                         f"{'; '.join(losses)}. If that is intended, run again with {accept}")


def previous_holdings(db_path: Path) -> pd.DataFrame | None:
    """The previous database's holdings, or None when there is none (or it cannot be read)."""
    if not db_path.is_file():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            return con.execute(PREVIOUS_HOLDINGS).df()
    except duckdb.Error:
        return None


def holdings(provenance: list[dict] | pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The same holdings computed from a build's tables before they are written."""
    frame = pd.DataFrame(provenance)
    if frame.empty:
        frame = pd.DataFrame(columns=["source", "dataset", "vintage", "rows", "fetched_from"])
    units = frame[frame["source"] != IOM].rename(columns={"dataset": "unit", "fetched_from": "file"})[HOLDING_COLUMNS]
    incidents = tables.get("missing_migrants")
    if incidents is not None and len(incidents):
        coverage = tables.get("missing_migrants_coverage", pd.DataFrame(columns=["year", "coverage"]))
        files = dict(zip(frame.loc[frame["source"] == IOM, "vintage"], frame.loc[frame["source"] == IOM, "fetched_from"],
                         strict=True))
        by_year = incidents.groupby("year").agg(rows=("vintage", "size"), vintages=("vintage", lambda v: sorted(set(v))))
        by_year = by_year.reset_index().merge(coverage[["year", "coverage"]], on="year", how="left")
        units = pd.concat([units, pd.DataFrame({
            "source": IOM, "unit": "incidents of " + by_year["year"].astype(int).astype(str),
            "vintage": by_year["coverage"], "rows": by_year["rows"],
            "file": [", ".join(files.get(v, v) for v in vintages) for vintages in by_year["vintages"]]})],
            ignore_index=True)
    return units


def losses(previous: pd.DataFrame, current: pd.DataFrame, sources: set[str]) -> dict[str, list[str]]:
    """Per source among `sources`: each unit lost or shrunk, as a line with the numbers."""
    found: dict[str, list[str]] = {}
    now = {(r.source, r.unit): r for r in current.itertuples(index=False)}
    for old in previous[previous["source"].isin(sources)].itertuples(index=False):
        new = now.get((old.source, old.unit))
        if new is None:
            line = (f"{old.source}: {old.unit} ({_vintage(old.vintage)}{int(old.rows):,} rows, file "
                    f"{_file(old.file)}) is not in this build")
        elif int(new.rows) < int(old.rows):
            line = (f"{old.source}: {old.unit} shrinks from {int(old.rows):,} rows ({_vintage(old.vintage, True)}) "
                    f"to {int(new.rows):,} ({_vintage(new.vintage, True)}) in file {_file(new.file)}")
        else:
            continue
        found.setdefault(old.source, []).append(line)
    return found


def refuse_losses(previous: pd.DataFrame | None, current: pd.DataFrame, sources: set[str],
                  accept: set[str]) -> list[str]:
    """Raise DataLoss for losses in sources not accepted; return the accepted ones' lines (notes)."""
    if previous is None:
        return []
    found = losses(previous, current, sources)
    refused = {s: lines for s, lines in found.items() if s not in accept and ALL not in accept}
    if refused:
        raise DataLoss([line for lines in refused.values() for line in lines], sorted(refused))
    return [f"{line} (accepted with --accept-loss)" for lines in found.values() for line in lines]


def _file(name: object) -> str:
    return str(name).replace(MIRROR, "") if isinstance(name, str) and name else "unknown"


def _vintage(vintage: object, bare: bool = False) -> str:
    if not isinstance(vintage, str) or not vintage:
        return "" if not bare else "no vintage"
    return vintage if bare else f"vintage {vintage}, "
