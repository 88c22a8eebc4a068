"""Each quoted figure's status in the latest revision of one database file, for the build's
record of what changed (etl/changes.py stores it; the etl floor cannot import this checker, so
`migdash etl` hands this function to the build)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from readside import claims
from readside.queries import Database

COLUMNS = ["claim_id", "figure_id", "revision", "status"]


def latest_statuses(path: Path) -> pd.DataFrame:
    """claim_id, figure_id, revision, status: every registry figure against the file's latest
    UN DESA revision (no rows when the file holds no claim or no revision)."""
    db = Database(path)
    try:
        ctx = claims.Context.load(db)
        if ctx.claims.empty or not ctx.revisions:
            return pd.DataFrame(columns=COLUMNS)
        checks = claims.check_all(ctx)
    finally:
        db.close()
    latest = checks[checks["revision"] == ctx.latest]
    return latest[COLUMNS].reset_index(drop=True)
