"""Run a schema lazily, report every failure at once, load nothing on failure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from schemas.errors import ValidationFailed


def validate(table: str, frame: pd.DataFrame, schema: type[pa.DataFrameModel], report_dir: Path | None) -> pd.DataFrame:
    """The validated (coerced) frame, or ValidationFailed with counts per check and a report file."""
    try:
        return schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        raise ValidationFailed(table, summarize(cases), write_report(table, cases, report_dir)) from None


def summarize(cases: pd.DataFrame, examples: int = 3) -> str:
    """One line per failed check: how many rows, and the first few with their values."""
    lines = []
    for check, group in cases.groupby("check", dropna=False, sort=False):
        table_level = (group["schema_context"] == "DataFrameSchema").all() and group["column"].nunique() > 1
        if table_level:
            rows = group.pivot_table(index="index", columns="column", values="failure_case", aggfunc="first")
            sample = "; ".join(f"row {idx}: {dict(row.items())}" for idx, row in rows.head(examples).iterrows())
            lines.append(f"  - check '{check}': {len(rows)} row(s) ({sample})")
            continue
        column = group["column"].iloc[0]
        where = "table" if pd.isna(column) else f"column '{column}'"
        sample = ", ".join(f"row {i}: {v!r}" for i, v in zip(group["index"].head(examples), group["failure_case"].head(examples), strict=True))
        lines.append(f"  - {where}, check {check}: {len(group)} failure(s) ({sample})")
    return "\n".join(lines)


def write_report(table: str, cases: pd.DataFrame, report_dir: Path | None) -> str | None:
    if report_dir is None:
        return None
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"validation-{table}.csv"
    cases.to_csv(path, index=False)
    return str(path)
