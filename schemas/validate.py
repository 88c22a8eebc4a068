"""Run a schema lazily, report every failure at once, load nothing on failure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from etl.errors import ValidationFailed


def validate(table: str, frame: pd.DataFrame, schema: type[pa.DataFrameModel], report_dir: Path | None) -> pd.DataFrame:
    """The validated (coerced) frame, or ValidationFailed with counts per check and a report file."""
    try:
        return schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        raise ValidationFailed(table, summarize(cases), write_report(table, cases, report_dir)) from None


def summarize(cases: pd.DataFrame, examples: int = 3) -> str:
    lines = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        sample = ", ".join(
            f"row {idx}: {val!r}" for idx, val in zip(group["index"].head(examples), group["failure_case"].head(examples), strict=True)
        )
        where = "table" if pd.isna(column) else f"column '{column}'"
        lines.append(f"  - {where}, check {check}: {len(group)} failure(s) ({sample})")
    return "\n".join(lines)


def write_report(table: str, cases: pd.DataFrame, report_dir: Path | None) -> str | None:
    if report_dir is None:
        return None
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / f"validation-{table}.csv"
    cases.to_csv(path, index=False)
    return str(path)
