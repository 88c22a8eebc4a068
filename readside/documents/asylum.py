"""Chapter 4's UNHCR asylum section: claims lodged and decided, and durable solutions, in the
OAS member states. It reads the tables `asylum_application`, `asylum_decision` and
`durable_solution` when the build holds them (UNHCR's `refugees` package, newest release) and
is left out when it does not: the chapter is complete either way.

Claims are counted in persons only (a host that counts cases is not added to one that counts
persons); the total recognition rate is UNHCR's: (recognised + complementary protection) /
(all decisions - otherwise closed).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from readside.documents.charts import Chart, Series
from readside.documents.figures import source_label
from readside.documents.measures import TalkingPoint, custom_point, frame_sentence
from readside.documents.report_model import Numbers, Section, Text, points, row
from readside.documents.subjects import names, oas_members
from readside.queries import Database
from readside.text import decimal, people, percent, t

TABLES = ("asylum_application", "asylum_decision", "durable_solution")
SOLUTIONS = ("resettlement", "naturalisation", "returned_refugees")


def holds(db: Database, table: str) -> bool:
    """Whether this build has the table and rows in it (older builds have neither)."""
    try:
        return bool(db.rows(f"SELECT count(*) FROM {table}")[0][0])  # noqa: S608 - a name from TABLES
    except duckdb.CatalogException:
        return False


def newest_vintage(db: Database, table: str) -> str:
    return db.rows(f"SELECT vintage FROM {table} ORDER BY revision DESC, vintage DESC LIMIT 1")[0][0]  # noqa: S608


def claims(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """asylum_code, year, applied: claims lodged in each host (persons), newest release."""
    vintage = newest_vintage(db, "asylum_application")
    return db.frame(
        "SELECT asylum_code, year, sum(applied)::DOUBLE AS applied FROM asylum_application WHERE vintage = ? "
        "AND basis = 'persons' AND asylum_code IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 1, 2",
        [vintage, list(codes)],
    )


def decisions(db: Database, codes: Sequence[int], year: int) -> pd.DataFrame:
    """asylum_code, decided, recognition (UNHCR's total recognition rate, %) in one year."""
    if not holds(db, "asylum_decision"):
        return pd.DataFrame(columns=["asylum_code", "decided", "recognition"])
    vintage = newest_vintage(db, "asylum_decision")
    return db.frame(
        "SELECT asylum_code, sum(total_decisions)::DOUBLE AS decided, 100.0 * sum(recognized + complementary) / "
        "nullif(sum(total_decisions - otherwise_closed), 0) AS recognition FROM asylum_decision WHERE vintage = ? "
        "AND basis = 'persons' AND year = ? AND asylum_code IN (SELECT unnest(?)) GROUP BY ALL",
        [vintage, year, list(codes)],
    )


def solutions(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """solution, year, persons: durable solutions in the member states (resettled into them,
    naturalised there, refugees returned to them), newest release."""
    vintage = newest_vintage(db, "durable_solution")
    return db.frame(
        "SELECT solution, year, sum(persons)::DOUBLE AS persons FROM durable_solution WHERE vintage = ? AND "
        "((solution IN ('resettlement', 'naturalisation') AND asylum_code IN (SELECT unnest(?))) OR "
        "(solution = 'returned_refugees' AND origin_code IN (SELECT unnest(?)))) GROUP BY ALL ORDER BY 1, 2",
        [vintage, list(codes), list(codes)],
    )


def _cite_vintage(db: Database, vintage: str) -> tuple[str, str]:
    """(vintage, dataset pattern) to cite: the release's asylum file if the build names one."""
    rows = db.rows("SELECT dataset FROM provenance WHERE source = 'unhcr' AND vintage = ? AND dataset LIKE '%asylum%' "
                   "ORDER BY dataset LIMIT 1", [vintage])
    return vintage, (rows[0][0] if rows else "%")


def claims_point(db: Database, frame: pd.DataFrame, members: Sequence[int], lang: str) -> TalkingPoint | None:
    if frame.empty:
        return None
    year = int(frame["year"].max())
    latest = frame[frame["year"] == year].set_index("asylum_code")["applied"]
    total, top = float(latest.sum()), int(latest.idxmax())
    details = [t(lang, "briefs.sum_of", counted=int(latest.notna().sum()), total=len(members)),
               t(lang, "briefs.largest", name=names(db, [top], lang)[top], value=people(float(latest[top]), lang))]
    sentence = frame_sentence(t(lang, "documents.tp.claims", year=year, value=people(total, lang)), details, lang)
    vintage, dataset = _cite_vintage(db, newest_vintage(db, "asylum_application"))
    return custom_point(db, "asylum_claims", sentence, label=t(lang, "documents.label.claims"), value=total,
                        shown=people(total, lang), year=year, source="unhcr", vintage=vintage, lang=lang,
                        dataset=dataset)


def asylum_section(db: Database, lang: str, numbers: Numbers) -> Section | None:
    """The section, or None when the build holds no asylum claims."""
    if not holds(db, "asylum_application"):
        return None
    members = oas_members(db)
    frame = claims(db, members)
    if frame.empty:
        return None
    vintage = newest_vintage(db, "asylum_application")
    source = source_label(db, "unhcr", vintage, lang)
    yearly = frame[frame["year"] >= 2000].groupby("year")["applied"].sum()
    chart = Chart("columns", t(lang, "documents.ch4.fig_claims"), source,
                  [Series("", [int(y) for y in yearly.index], yearly.tolist(), "asylum_seekers")], "people")
    items = [Text(t(lang, "documents.ch4.asylum_text")), *points(claims_point(db, frame, members, lang)),
             *row(numbers.figure(chart), solutions_table(db, members, lang, numbers, source)),
             claims_table(db, frame, lang, numbers, source)]
    return Section("displacement-asylum", t(lang, "documents.ch4.s_asylum"), [i for i in items if i is not None])


def claims_table(db: Database, frame: pd.DataFrame, lang: str, numbers: Numbers, source: str, limit: int = 10):
    year = int(frame["year"].max())
    latest = frame[frame["year"] == year].set_index("asylum_code")["applied"].sort_values(ascending=False).head(limit)
    decided = decisions(db, list(latest.index), year).set_index("asylum_code")
    labels = names(db, [int(c) for c in latest.index], lang)
    rows = [[labels[int(c)], decimal(v, lang, 0),
             decimal(decided.at[c, "decided"], lang, 0) if c in decided.index else "—",
             percent(decided.at[c, "recognition"], lang) if c in decided.index and pd.notna(decided.at[c, "recognition"])
             else "—"] for c, v in latest.items()]
    headers = [t(lang, f"documents.ch4.col_{k}") for k in ("member", "claims", "decided", "recognition")]
    return numbers.table(t(lang, "documents.ch4.table_claims", n=len(rows), year=year), headers, rows, source,
                         (1, 2, 3), t(lang, "documents.ch4.recognition_note"))


def solutions_table(db: Database, members: Sequence[int], lang: str, numbers: Numbers, source: str):
    if not holds(db, "durable_solution"):
        return None
    frame = solutions(db, members)
    if frame.empty:
        return None
    year = int(frame["year"].max())
    wide = frame[frame["year"] >= year - 4].pivot(index="year", columns="solution", values="persons")
    rows = [[str(int(y)), *(decimal(wide.at[y, s], lang, 0) if s in wide.columns and pd.notna(wide.at[y, s]) else "—"
                            for s in SOLUTIONS)] for y in wide.index]
    headers = [t(lang, "documents.ch1.col_year"), *(t(lang, f"documents.ch4.solution.{s}") for s in SOLUTIONS)]
    return numbers.table(t(lang, "documents.ch4.table_solutions"), headers, rows, source, (1, 2, 3), size="half")
