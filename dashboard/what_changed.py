"""The What changed page's sections and the overview's "Data updated on …: what changed" line.

The build stored what changed since the data it replaced (etl/changes.py); readside/changes.py
reads it; this module only lays it out in the reader's language."""

from __future__ import annotations

import math

import pandas as pd
from dash import dcc, html

from dashboard.components import data_table, href, notice
from readside import changes
from readside.claims import long_date
from readside.queries import Database
from readside.text import decimal, language, percent, t

PATH = "/changes"
CSV_DOWNLOAD = "/download/changes.csv"  # dashboard.downloads serves it
STATE_KEYS = {changes.FIRST: "changes.first", changes.COMPARED: "changes.compared"}
WHOLE_UNITS = ("persons", "current US$")


def updated_line(db: Database, lang: str) -> html.P:
    """'Data updated on 6 December 2026: what changed' (a link to the What changed page)."""
    info = changes.comparison(db)
    return html.P([t(lang, "overview.updated", date=long_date(str(info["built_at"]), lang)), " ",
                   dcc.Link(t(lang, "overview.what_changed"), href=href(PATH, lang=lang), id="overview-what-changed")],
                  className="note", id="overview-updated")


def status_line(info: dict, lang: str) -> str:
    date = long_date(str(info["built_at"]), lang)
    key = STATE_KEYS.get(info["comparison"], "changes.unreadable" if info["comparison"] else "changes.not_compared")
    previous = long_date(str(info["compared_built_at"] or ""), lang)
    return t(lang, key, date=date, previous=previous)


def sections(db: Database, lang: str) -> list:
    """Everything the page shows below its introduction."""
    lang = language(lang)
    info = changes.comparison(db)
    status = notice(status_line(info, lang))  # what was compared with what, or why nothing was
    status.id = "changes-status"
    out: list = [status]
    if info["comparison"] != changes.COMPARED:
        return out
    frame = changes.changes(db, lang)
    if frame.empty:
        return [*out, notice(t(lang, "changes.nothing"))]
    download = html.P(html.A(t(lang, "changes.download_csv"), href=CSV_DOWNLOAD, id="changes-csv", download=""))
    return [*out, download, *_datasets(frame, lang), *_years(frame, lang), *_revised(frame, lang),
            *_claims(frame, lang)]


def _items(lines: list[str], lang: str, list_id: str) -> html.Ul | html.P:
    return html.Ul([html.Li(line) for line in lines], id=list_id) if lines else html.P(t(lang, "changes.none"))


def _rows(value: object, lang: str) -> str:
    return decimal(float(value), lang, 0) if _number(value) else ""


def _number(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _datasets(frame: pd.DataFrame, lang: str) -> list:
    lines = []
    for _, row in frame[frame["kind"].isin(changes.DATASET_KINDS)].iterrows():
        source, file = t(lang, f"changes.source.{row.source}"), changes.file_name(row)
        if row.kind == "dataset_updated":
            lines.append(t(lang, "changes.dataset.updated", source=source, dataset=file, old=row.old_vintage,
                           new=row.new_vintage, old_rows=_rows(row.old_value, lang), new_rows=_rows(row.new_value, lang)))
        else:
            added = row.kind == "dataset_added"
            lines.append(t(lang, f"changes.dataset.{'added' if added else 'removed'}", source=source, dataset=file,
                           vintage=row.new_vintage if added else row.old_vintage,
                           rows=_rows(row.new_value if added else row.old_value, lang)))
    return [html.H2(t(lang, "changes.datasets_title")), _items(lines, lang, "changes-datasets")]


def _years(frame: pd.DataFrame, lang: str) -> list:
    lines = []
    years = frame[frame["kind"].isin(changes.YEAR_KINDS)]
    for (kind, name), rows in years.groupby(["kind", "series_name"], sort=False):
        listed = ", ".join(str(int(y)) for y in sorted(rows["year"]))
        key = "changes.years.added" if kind == "year_added" else "changes.years.removed"
        lines.append(t(lang, key, series=name, years=listed))
    return [html.H2(t(lang, "changes.years_title")), _items(lines, lang, "changes-years")]


def _value(value: object, unit: str, lang: str) -> str:
    if not _number(value):
        return ""
    return decimal(float(value), lang, 0 if unit in WHOLE_UNITS else 2)


def _revised(frame: pd.DataFrame, lang: str) -> list:
    out: list = [html.H2(t(lang, "changes.revised_title")),
                 html.P(t(lang, "changes.revised_intro", n=changes.SHOWN_PER_SERIES), className="note")]
    groups = changes.revised_groups(frame)
    if not groups:
        return [*out, html.P(t(lang, "changes.none"))]
    headers = [t(lang, f"changes.col.{c}") for c in ("area", "year", "old", "new", "change", "percent")]
    for number, (first, rows, total) in enumerate(groups):
        unit = str(first["unit"])
        shown = pd.DataFrame({
            "area": rows["area_name"].fillna("").astype(str), "year": rows["year"].astype(int),
            "old": [_value(v, unit, lang) for v in rows["old_value"]],
            "new": [_value(v, unit, lang) for v in rows["new_value"]],
            "change": [("+" if _number(v) and v > 0 else "") + _value(v, unit, lang) for v in rows["change"]],
            "percent": [percent(v, lang, 1, signed=True) if _number(v) else "" for v in rows["change_percent"]]})
        out += [html.H3(t(lang, "changes.revised_series", series=first["series_name"], old=first["old_vintage"],
                          new=first["new_vintage"], count=decimal(total, lang, 0))),
                data_table(shown, headers, f"changes-revised-{number}")]
    return out


def _status(status: object, revision: object, lang: str) -> str:
    if not isinstance(status, str):
        return t(lang, "changes.status_absent")
    word = t(lang, f"status.{status}")
    return t(lang, "changes.status_in", status=word, revision=revision) if isinstance(revision, str) else word


def _claims(frame: pd.DataFrame, lang: str) -> list:
    claims = frame[frame["kind"] == changes.CLAIM]
    out: list = [html.H2(t(lang, "changes.claims_title")), html.P(t(lang, "changes.claims_intro"), className="note")]
    if claims.empty:
        return [*out, html.P(t(lang, "changes.none"))]
    shown = pd.DataFrame({"claim": claims["claim_id"], "figure": claims["figure_id"],
                          "old": [_status(s, r, lang) for s, r in zip(claims["old_status"], claims["old_vintage"], strict=True)],
                          "new": [_status(s, r, lang) for s, r in zip(claims["new_status"], claims["new_vintage"], strict=True)]})
    headers = [t(lang, f"changes.col.{c}") for c in ("claim", "figure", "old", "new")]
    return [*out, data_table(shown, headers, "changes-claims"),
            html.P(dcc.Link(t(lang, "changes.claims_link"), href=href("/claims", lang=lang)))]
