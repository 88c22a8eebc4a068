"""What the last build changed, as stored by the build (etl/changes.py): read and rendered.

Why: after a refresh the secretariat asks which figures were revised and which quoted claims
now read differently. The build compared itself with the database it replaced; this module only
reads that record, for `migdash changes` (table, CSV, or Markdown to paste into a refresh memo)
and for the What changed page.
"""

from __future__ import annotations

import math
from io import StringIO

import duckdb
import pandas as pd

from readside.queries import Database
from readside.text import decimal, t

FIRST, COMPARED = "first build", "compared"
DATASET_KINDS = ("dataset_added", "dataset_removed", "dataset_updated")
YEAR_KINDS = ("year_added", "year_removed")
REVISED, CLAIM = "figure_revised", "claim_status"
SHOWN_PER_SERIES = 15  # the largest revisions of each series in the memo and on the page
CSV_COLUMNS = ["kind", "source", "series", "series_name", "area_code", "area_name", "year", "old_vintage",
               "new_vintage", "old_value", "new_value", "change", "change_percent", "rank", "unit", "claim_id",
               "figure_id", "old_status", "new_status", "file"]
# Series that are not in the `series` table (it names the indicator series): an i18n key each.
OTHER_SERIES = ("undesa_ims.stock", "iom_missing_migrants.incidents", "knomad.bilateral_stock")


def comparison(db: Database) -> dict:
    """The build's own line: when it was built and what it was compared with (a database written
    before builds compared themselves says nothing about it)."""
    try:
        row = db.rows("SELECT built_at, comparison, compared_with, compared_built_at FROM build")[0]
    except duckdb.Error:
        row = (db.rows("SELECT built_at FROM build")[0][0], None, None, None)
    return dict(zip(("built_at", "comparison", "compared_with", "compared_built_at"), row, strict=True))


def changes(db: Database, lang: str = "en") -> pd.DataFrame:
    """Every stored change with the series' and areas' names in `lang`, revisions ranked by size."""
    frame = db.frame(
        f"""
        SELECT c.*, a.name_{_lang(lang)} AS area_name, s.name_{_lang(lang)} AS indicator_name
        FROM change c LEFT JOIN area a ON a.code = c.area_code LEFT JOIN series s ON s.code = c.series
        ORDER BY CASE c.kind WHEN 'dataset_added' THEN 0 WHEN 'dataset_updated' THEN 1 WHEN 'dataset_removed' THEN 2
                 WHEN 'year_added' THEN 3 WHEN 'year_removed' THEN 4 WHEN 'figure_revised' THEN 5 ELSE 6 END,
                 c.source, c.series, c.rank, c.year, c.claim_id, c.figure_id
        """  # noqa: S608 - the column suffix is one of four constants
    )
    frame["series_name"] = [series_name(series, named, lang) for series, named
                            in zip(frame["series"], frame["indicator_name"], strict=True)]
    return frame.drop(columns="indicator_name")


def _lang(lang: str) -> str:
    return lang if lang in ("en", "es", "fr", "pt") else "en"


def series_name(series: object, named: object, lang: str) -> str:
    """The series' name in `lang`: the series table's, else this page's words, else its code."""
    if isinstance(named, str) and named:
        return named
    if not isinstance(series, str):
        return ""
    if series in OTHER_SERIES:
        return t(lang, f"changes.series.{series}")
    parts = series.split(".")
    if parts[0] == "oecd" and len(parts) >= 3:
        return t(lang, f"changes.series.oecd.{parts[1]}", category=".".join(parts[2:]))
    if parts[0] == "idmc" and len(parts) == 3:
        return t(lang, f"changes.series.idmc.{parts[1]}.{parts[2]}")
    return series


def counts(frame: pd.DataFrame) -> dict[str, int]:
    return frame["kind"].value_counts().to_dict()


def summary_line(db: Database) -> str:
    """One English line after `migdash etl`: what `migdash changes` lists."""
    info = comparison(db)
    if info["comparison"] != COMPARED:
        return ("what changed: nothing to compare (first build of this database)" if info["comparison"] == FIRST
                else "what changed: not compared (the previous database could not be read)")
    n = counts(changes(db))
    since = f"what changed since the build of {str(info['compared_built_at'])[:16].replace('T', ' ')} UTC"
    if not n:
        return f"{since}: nothing, the same files and the same figures"
    return (f"{since}: datasets {n.get('dataset_added', 0)} added, {n.get('dataset_updated', 0)} updated, "
            f"{n.get('dataset_removed', 0)} removed; {n.get('year_added', 0)} new years; {n.get(REVISED, 0):,} figures "
            f"revised; {n.get(CLAIM, 0)} claim figures changed status (`migdash changes` lists them)")


# ---- the command's three formats (English: the operator's and the memo's language) ----


def render(db: Database, fmt: str = "table") -> str:
    info = comparison(db)
    frame = changes(db)
    if fmt == "csv":
        return as_csv(frame)
    return as_markdown(frame, info) if fmt == "markdown" else as_table(frame, info)


def as_csv(frame: pd.DataFrame) -> str:
    buffer = StringIO()
    frame.reindex(columns=CSV_COLUMNS).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def heading(info: dict) -> list[str]:
    built = str(info["built_at"])[:10]
    if info["comparison"] == FIRST:
        return [f"Build of {built}: the first build of this database, there is nothing to compare it with yet."]
    if info["comparison"] != COMPARED:
        return [f"Build of {built}: the database it replaced could not be read, so nothing was compared."]
    return [f"Build of {built}, compared with the build of {str(info['compared_built_at'])[:10]} "
            f"({info['compared_with']})."]


def number(value: object, unit: object = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    digits = 0 if abs(float(value)) >= 100 or unit in ("persons", "rows") else 2
    return decimal(float(value), "en", digits)


def signed(value: object, unit: object = None) -> str:
    text = number(value, unit)
    return f"+{text}" if text and float(value) > 0 else text  # type: ignore[arg-type]


def percent_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{float(value):+.1f}%"


def file_name(row: pd.Series) -> str:
    """The upstream file's name (the last part of a URL or a mirror path)."""
    file = row.get("file")
    return file.rstrip("/").rsplit("/", 1)[-1] if isinstance(file, str) and file else str(row["series"])


def dataset_line(row: pd.Series) -> str:
    where = f"{row['series']}, file {file_name(row)}"
    if row["kind"] == "dataset_added":
        return f"{row['source']}: vintage {row['new_vintage']} added ({number(row['new_value'], 'rows')} rows; {where})"
    if row["kind"] == "dataset_removed":
        return (f"{row['source']}: vintage {row['old_vintage']} removed ({number(row['old_value'], 'rows')} rows; {where}; "
                "accepted with --accept-loss)")
    return (f"{row['source']}: vintage {row['old_vintage']} -> {row['new_vintage']}, "
            f"{number(row['old_value'], 'rows')} -> {number(row['new_value'], 'rows')} rows ({where})")


def year_lines(frame: pd.DataFrame) -> list[str]:
    out = []
    for (kind, source, name), rows in frame[frame["kind"].isin(YEAR_KINDS)].groupby(
            ["kind", "source", "series_name"], sort=False):
        word = "new years" if kind == "year_added" else "years no longer held"
        out.append(f"{name} ({source}): {word} {', '.join(str(int(y)) for y in sorted(rows['year']))}")
    return out


def revised_groups(frame: pd.DataFrame) -> list[tuple[pd.Series, pd.DataFrame, int]]:
    """(first row, the largest revisions, how many) per series, largest series first."""
    revised = frame[frame["kind"] == REVISED]
    groups = []
    for _, rows in revised.groupby(["source", "series"], sort=False):
        rows = rows.sort_values("rank")
        groups.append((rows.iloc[0], rows.head(SHOWN_PER_SERIES), len(rows)))
    return groups


def as_table(frame: pd.DataFrame, info: dict) -> str:
    out = heading(info)
    if info["comparison"] != COMPARED:
        return "\n".join(out) + "\n"
    sections = [("vintages and editions", [dataset_line(r) for _, r in frame[frame["kind"].isin(DATASET_KINDS)].iterrows()]),
                ("years", year_lines(frame))]
    for title, lines in sections:
        out += ["", f"== {title}", *(lines or ["(none)"])]
    out += ["", "== revised figures (the Americas' areas and groupings, largest first)"]
    groups = revised_groups(frame)
    for first, rows, total in groups:
        out += ["", f"{first['series_name']} ({first['source']}), {first['old_vintage']} -> {first['new_vintage']}: "
                    f"{total:,} figures revised"]
        shown = pd.DataFrame({"area": rows["area_name"], "year": rows["year"].astype(int),
                              "old": [number(v, rows["unit"].iloc[0]) for v in rows["old_value"]],
                              "new": [number(v, rows["unit"].iloc[0]) for v in rows["new_value"]],
                              "change": [signed(v, rows["unit"].iloc[0]) for v in rows["change"]],
                              "%": [percent_text(v) for v in rows["change_percent"]]})
        out.append(shown.to_string(index=False))
    if not groups:
        out.append("(none)")
    out += ["", "== claims whose status changed", *claim_lines(frame)]
    return "\n".join(out) + "\n"


def claim_lines(frame: pd.DataFrame) -> list[str]:
    claims = frame[frame["kind"] == CLAIM]
    return [f"{r.claim_id} / {r.figure_id}: {_status(r.old_status, r.old_vintage)} -> {_status(r.new_status, r.new_vintage)}"
            for r in claims.itertuples()] or ["(none)"]


def _status(status: object, revision: object) -> str:
    if not isinstance(status, str):
        return "(not in that build)"
    return f"{status} (revision {revision})" if isinstance(revision, str) else status


def as_markdown(frame: pd.DataFrame, info: dict) -> str:
    """A refresh memo: what arrived, what was revised (largest first), which claims moved."""
    out = ["# What changed in the data", "", *heading(info)]
    if info["comparison"] != COMPARED:
        return "\n".join(out) + "\n"
    datasets = [f"- {dataset_line(r)}" for _, r in frame[frame["kind"].isin(DATASET_KINDS)].iterrows()]
    out += ["", "## New and removed vintages and editions", "", *(datasets or ["None."])]
    out += ["", "## New years", "", *([f"- {line}" for line in year_lines(frame)] or ["None."])]
    out += ["", "## Revised figures", "",
            f"The Americas' areas and groupings, newest vintage against the previous build's newest; the "
            f"{SHOWN_PER_SERIES} largest revisions of each series (all of them: `migdash changes --format csv`)."]
    groups = revised_groups(frame)
    for first, rows, total in groups:
        unit = rows["unit"].iloc[0]
        out += ["", f"### {first['series_name']} — {first['old_vintage']} → {first['new_vintage']} "
                    f"({total:,} figures revised, unit: {unit})", "",
                "| Area | Year | Old | New | Change | % |", "|---|---:|---:|---:|---:|---:|"]
        out += [f"| {_cell(r.area_name)} | {int(r.year)} | {number(r.old_value, unit)} | {number(r.new_value, unit)} | "
                f"{signed(r.change, unit)} | {percent_text(r.change_percent)} |" for r in rows.itertuples()]
    if not groups:
        out += ["", "None."]
    claims = frame[frame["kind"] == CLAIM]
    out += ["", "## Claims whose status changed", ""]
    if claims.empty:
        out.append("None.")
    else:
        out += ["| Claim | Figure | Before | Now |", "|---|---|---|---|"]
        out += [f"| {r.claim_id} | {r.figure_id} | {_status(r.old_status, r.old_vintage)} | "
                f"{_status(r.new_status, r.new_vintage)} |" for r in claims.itertuples()]
    return "\n".join(out) + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|") if isinstance(text, str) else ""
