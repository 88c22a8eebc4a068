"""Chapter 4's sections from UNHCR's `refugees` package, as SICREMI reported them: asylum
applications lodged in the member states and the decisions taken on them (with the total
recognition rate), new displacement across borders between the subregions, and resettlement,
naturalisation and return; and the country annex's asylum line.

Every figure comes from readside/asylum.py, the queries the Refugees page and the country
panels use, so a figure reads the same in the report and on the site. Its rules hold here:
persons and cases are never added (a member state counting cases is listed as such), and the
total recognition rate is UNHCR's, (recognised + complementary) / (total - otherwise closed),
from sums. A section whose table holds no rows in this build is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from etl.areas import AMERICAS_SUBREGIONS
from readside import asylum, asylum_points
from readside.asylum_points import APPLICATIONS, DECISIONS, SOLUTIONS
from readside.documents.charts import Chart, Series
from readside.documents.figures import source_label
from readside.documents.measures import TalkingPoint, custom_point, frame_sentence
from readside.documents.points import asylum_point
from readside.documents.report_model import Numbers, Section, Text, points, row
from readside.documents.subjects import names, situation_codes
from readside.queries import Database
from readside.text import decimal, people, percent, t
from readside.transform import REST

SINCE = 2000  # the charts' first year
TOP_HOSTS = 12
SOLUTION_YEARS = 6


def asylum_sections(db: Database, lang: str, numbers: Numbers,
                    members: Sequence[int]) -> tuple[list[Section], list[TalkingPoint]]:
    """The sections this build has rows for, and the findings they give the summary."""
    loaded = asylum.loaded(db)
    sections: list[Section] = []
    findings: list[TalkingPoint] = []
    if "asylum_application" in loaded:
        section, claims = claims_section(db, lang, numbers, members)
        sections.append(section)
        findings += [p for p in (claims,) if p is not None]
    if "displacement_flow" in loaded:
        sections += [s for s in (flows_section(db, lang, numbers),) if s is not None]
    if "durable_solution" in loaded:
        sections += [s for s in (solutions_section(db, lang, numbers, members),) if s is not None]
    return sections, findings


def _nan(value: object) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def _count(value: object, lang: str) -> str:
    return "—" if value is None or pd.isna(value) else decimal(float(value), lang, 0)


def _rate(value: object, lang: str) -> str:
    """A rate (0-1) in percent, or a dash where there was no decision on the merits."""
    return "—" if value is None or pd.isna(value) else percent(100 * float(value), lang)


def _basis(basis: str, lang: str) -> str:
    return t(lang, f"asylum.basis.{basis}")


# ---------------------------------------------------------------- applications and decisions


def claims_section(db: Database, lang: str, numbers: Numbers,
                   members: Sequence[int]) -> tuple[Section, TalkingPoint | None]:
    vintage = asylum.vintages(db)[0]
    yearly = asylum.by_year(db, vintage, asylum=members)
    lodged = yearly[yearly["applied"].notna() & (yearly["applied"] > 0)]
    source = source_label(db, "unhcr", vintage, lang)
    if lodged.empty:
        return Section("displacement-asylum", t(lang, "documents.ch4.s_asylum"),
                       [Text(t(lang, "documents.ch4.asylum_text"))]), None
    year = int(lodged["year"].max())
    ranked = asylum.hosts(db, vintage, year, asylum=members)
    claims = claims_point(db, yearly, ranked, year, len(members), vintage, lang)
    decided = decisions_point(db, yearly, ranked, year, len(members), vintage, lang)
    situations = [asylum_points.situation_point(db, key, codes, lang) for key, codes in situation_codes(db).items()]
    items = [Text(t(lang, "documents.ch4.asylum_text")),
             *points(claims, decided, *(asylum_point(db, p, lang) for p in situations if p is not None)),
             numbers.figure(claims_chart(yearly, lang, source), "wide"),
             *row(numbers.figure(rate_chart(yearly, lang, source)), decisions_table(yearly, year, lang, numbers, source)),
             hosts_table(db, ranked, year, lang, numbers, source)]
    return Section("displacement-asylum", t(lang, "documents.ch4.s_asylum"), items), claims


def _in(ranked: pd.DataFrame, basis: str, column: str) -> pd.DataFrame:
    """The hosts with a figure (above 0) in one basis, largest first."""
    rows = ranked[(ranked["basis"] == basis) & ranked[column].notna() & (ranked[column] > 0)]
    return rows.sort_values(column, ascending=False, kind="stable")


def claims_point(db: Database, yearly: pd.DataFrame, ranked: pd.DataFrame, year: int, of: int, vintage: str,
                 lang: str) -> TalkingPoint | None:
    """Applications lodged in the member states in the latest year, counted in persons: how many
    reported, the largest, and the applications counted in cases beside them (not added)."""
    persons = _in(ranked, "persons", "applied")
    total = yearly.loc[(yearly["year"] == year) & (yearly["basis"] == "persons"), "applied"]
    if persons.empty or total.empty:
        return None
    value = float(total.iloc[0])
    top = int(persons["area_code"].iloc[0])
    details = [t(lang, "briefs.sum_of", counted=len(persons), total=of),
               t(lang, "briefs.largest", name=names(db, [top], lang)[top],
                 value=people(float(persons["applied"].iloc[0]), lang))]
    cases = _in(ranked, "cases", "applied")
    if not cases.empty:
        listed = names(db, cases["area_code"].astype(int).tolist(), lang)
        details.append(t(lang, "documents.tp.claims_cases", value=people(float(cases["applied"].sum()), lang),
                         names=", ".join(sorted(listed.values(), key=str.casefold))))
    shown = people(value, lang)
    sentence = frame_sentence(t(lang, "documents.tp.claims", year=year, value=shown), details, lang)
    return custom_point(db, "asylum_claims", sentence, label=t(lang, "documents.label.claims"), value=value,
                        shown=shown, year=year, source="unhcr", vintage=vintage, lang=lang, dataset=APPLICATIONS)


def decisions_point(db: Database, yearly: pd.DataFrame, ranked: pd.DataFrame, year: int, of: int, vintage: str,
                    lang: str) -> TalkingPoint | None:
    """Decisions taken in the member states that year on claims counted in persons, and UNHCR's
    total recognition rate of them."""
    found = yearly[(yearly["year"] == year) & (yearly["basis"] == "persons") & (yearly["total_decisions"] > 0)]
    deciding = _in(ranked, "persons", "total_decisions")
    if found.empty or deciding.empty:
        return None
    that = found.iloc[0]
    value = float(that["total_decisions"])
    details = [t(lang, "briefs.sum_of", counted=len(deciding), total=of)]
    if pd.notna(that["rate"]):
        details.append(t(lang, "documents.tp.recognition", rate=_rate(that["rate"], lang),
                         value=people(float(that["recognized"] + that["complementary"]), lang)))
    shown = people(value, lang)
    sentence = frame_sentence(t(lang, "documents.tp.decisions", year=year, value=shown), details, lang)
    return custom_point(db, "asylum_decisions", sentence, label=t(lang, "documents.label.decisions"), value=value,
                        shown=shown, year=year, source="unhcr", vintage=vintage, lang=lang, dataset=DECISIONS)


def _by_basis(yearly: pd.DataFrame, column: str, scale: float = 1.0) -> dict[str, dict[int, float]]:
    rows = yearly[yearly["year"] >= SINCE]
    return {basis: {int(y): _nan(v) * scale for y, v in zip(part["year"], part[column], strict=True)}
            for basis, part in rows.groupby("basis", sort=False)}


def claims_chart(yearly: pd.DataFrame, lang: str, source: str) -> Chart:
    """Applications lodged per year, in persons and in cases side by side (never stacked)."""
    found = _by_basis(yearly, "applied")
    years = sorted({y for values in found.values() for y in values})
    series = [Series(t(lang, f"documents.ch4.col_{basis}"), years,
                     [found[basis].get(y, float("nan")) for y in years], basis)
              for basis in asylum.BASES if basis in found and any(v > 0 for v in found[basis].values())]
    return Chart("grouped", t(lang, "documents.ch4.fig_claims"), source, series, "people")


def rate_chart(yearly: pd.DataFrame, lang: str, source: str) -> Chart:
    """UNHCR's total recognition rate per year and basis; no point without a decision on the merits."""
    found = _by_basis(yearly, "rate", 100.0)
    years = sorted({y for values in found.values() for y in values})
    series = [Series(t(lang, f"documents.ch4.col_{basis}"), years,
                     [found[basis].get(y, float("nan")) for y in years], basis)
              for basis in asylum.BASES if basis in found and any(v == v for v in found[basis].values())]
    return Chart("line", t(lang, "documents.ch4.fig_rate"), source, series, "percent",
                 note=t(lang, "documents.ch4.recognition_note"))


def decisions_table(yearly: pd.DataFrame, year: int, lang: str, numbers: Numbers, source: str):
    """The decisions of the latest year by outcome, one column per basis."""
    that = yearly[(yearly["year"] == year) & (yearly["total_decisions"] > 0)].set_index("basis")
    bases = [b for b in asylum.BASES if b in that.index]
    if not bases:
        return None
    rows = [[t(lang, f"asylum.col.{c}"), *(_count(that.at[b, c], lang) for b in bases)]
            for c in asylum.DECISION_COLUMNS]
    rows.append([t(lang, "asylum.col.rate"), *(_rate(that.at[b, "rate"], lang) for b in bases)])
    headers = [t(lang, "documents.ch4.col_decision"), *(t(lang, f"documents.ch4.col_{b}") for b in bases)]
    return numbers.table(t(lang, "documents.ch4.table_decisions", year=year), headers, rows, source,
                         tuple(range(1, len(bases) + 1)), size="half")


def hosts_table(db: Database, ranked: pd.DataFrame, year: int, lang: str, numbers: Numbers, source: str):
    """The member states receiving the most applications counted in persons, then every one
    counting cases, each row with its unit (never ranked together)."""
    shown = pd.concat([_in(ranked, "persons", "applied").head(TOP_HOSTS), _in(ranked, "cases", "applied")])
    if shown.empty:
        return None
    labels = names(db, shown["area_code"].astype(int).tolist(), lang)
    rows = [[labels[int(r.area_code)], _basis(r.basis, lang), _count(r.applied, lang), _count(r.total_decisions, lang),
             _rate(r.rate, lang)] for r in shown.itertuples(index=False)]
    headers = [t(lang, "documents.ch4.col_member"), t(lang, "asylum.col.basis"), t(lang, "documents.ch4.col_claims"),
               t(lang, "documents.ch4.col_decided"), t(lang, "documents.ch4.col_recognition")]
    ranked_persons = int((shown["basis"] == "persons").sum())
    return numbers.table(t(lang, "documents.ch4.table_claims", n=ranked_persons, year=year), headers, rows, source,
                         (2, 3, 4), t(lang, "documents.ch4.claims_note"))


# ---------------------------------------------------------------- new displacement across borders


def flows_section(db: Database, lang: str, numbers: Numbers) -> Section | None:
    vintage = asylum.vintages(db, "displacement_flow")[0]
    years = asylum.flow_years(db, vintage)
    if not years:
        return None
    year = years[-1]
    source = source_label(db, "unhcr", vintage, lang)
    links = asylum.flow_subregion_links(db, vintage, year)
    found = asylum_points.flow_point(db, lang)
    items = [Text(t(lang, "asylum.flows_intro")), *points(asylum_point(db, found, lang) if found else None),
             *row(numbers.figure(flow_trend_chart(db, vintage, lang, source)),
                  population_table(links, year, lang, numbers, source)),
             subregion_table(db, links, year, lang, numbers, source)]
    return Section("displacement-flows", t(lang, "documents.ch4.s_flows"), items)


def _nodes(db: Database, lang: str) -> dict[int, str]:
    return {**names(db, list(AMERICAS_SUBREGIONS), lang), REST: t(lang, "documents.report.rest_of_world")}


def flow_trend_chart(db: Database, vintage: str, lang: str, source: str) -> Chart:
    trend = asylum.flow_subregion_trend(db, vintage, since=SINCE)
    labels = _nodes(db, lang)
    series = [Series(labels[int(code)], part["year"].astype(int).tolist(), part["persons"].astype(float).tolist(),
                     int(code)) for code, part in trend.groupby("area_code", sort=False) if int(code) in labels]
    return Chart("line", t(lang, "asylum.flow_trend_title"), source, series, "people")


def population_table(links: pd.DataFrame, year: int, lang: str, numbers: Numbers, source: str):
    """Into the Americas in the year, by population type, from the Americas and from elsewhere."""
    into = links[links["destination_code"] != REST]
    if into.empty:
        return None
    inside = into["origin_code"] != REST
    rows = []
    for population in (*asylum.FLOW_POPULATIONS, None):
        column = population or "persons"
        near, far = into.loc[inside, column].sum(min_count=1), into.loc[~inside, column].sum(min_count=1)
        if population is not None and pd.isna(near) and pd.isna(far):
            continue
        label = t(lang, f"asylum.flow.{population}") if population else t(lang, "asylum.col.total")
        rows.append([label, _count(near, lang), _count(far, lang), _count(into[column].sum(min_count=1), lang)])
    headers = [t(lang, "documents.ch4.col_population"), t(lang, "documents.ch4.col_from_americas"),
               t(lang, "documents.ch4.col_from_elsewhere"), t(lang, "asylum.col.total")]
    return numbers.table(t(lang, "documents.ch4.table_populations", year=year), headers, rows, source, (1, 2, 3),
                         size="half")


def subregion_table(db: Database, links: pd.DataFrame, year: int, lang: str, numbers: Numbers, source: str):
    """From subregion (rows) into subregion (columns), the rest of the world on both sides."""
    if links.empty:
        return None
    labels = _nodes(db, lang)
    order = list(labels)
    matrix = links.pivot_table(index="origin_code", columns="destination_code", values="persons", aggfunc="sum")
    rows = [[labels[o], *(_count(matrix.at[o, d] if o in matrix.index and d in matrix.columns else None, lang)
                          for d in order)] for o in order if o in matrix.index]
    headers = [t(lang, "documents.ch4.col_flow_origin"), *(labels[d] for d in order)]
    return numbers.table(t(lang, "documents.ch4.table_flows", year=year), headers, rows, source,
                         tuple(range(1, len(order) + 1)), t(lang, "documents.ch4.flows_note"))


# ---------------------------------------------------------------- resettlement, naturalisation, return


def solutions_section(db: Database, lang: str, numbers: Numbers, members: Sequence[int]) -> Section | None:
    vintage = asylum.vintages(db, "durable_solution")[0]
    frame = asylum.solutions_in(db, vintage, members, since=SINCE)
    if frame.empty:
        return None
    source = source_label(db, "unhcr", vintage, lang)
    found = [solution_point(db, frame, s, len(members), vintage, lang) for s in ("resettlement", "naturalisation")]
    items = [Text(t(lang, "asylum.solutions_intro")), *points(*found),
             *row(numbers.figure(solutions_chart(frame, lang, source)), solutions_table(frame, lang, numbers, source))]
    return Section("displacement-solutions", t(lang, "documents.ch4.s_solutions"), items)


def solution_point(db: Database, frame: pd.DataFrame, solution: str, of: int, vintage: str,
                   lang: str) -> TalkingPoint | None:
    """People resettled into (naturalised by) the member states in the latest year with any."""
    rows = frame[(frame["solution"] == solution) & (frame["persons"] > 0)]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    latest = rows[rows["year"] == year].sort_values("persons", ascending=False, kind="stable")
    value = float(latest["persons"].sum())
    top = int(latest["area_code"].iloc[0])
    details = [t(lang, "briefs.sum_of", counted=len(latest), total=of),
               t(lang, "briefs.largest", name=names(db, [top], lang)[top],
                 value=people(float(latest["persons"].iloc[0]), lang))]
    shown = people(value, lang)
    sentence = frame_sentence(t(lang, f"documents.tp.{solution}", year=year, value=shown), details, lang)
    return custom_point(db, f"asylum_{solution}", sentence, label=t(lang, f"documents.label.{solution}"),
                        value=value, shown=shown, year=year, source="unhcr", vintage=vintage, lang=lang,
                        dataset=SOLUTIONS)


def _solutions_by_year(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.pivot_table(index="year", columns="solution", values="persons", aggfunc="sum")


def solutions_chart(frame: pd.DataFrame, lang: str, source: str) -> Chart:
    wide = _solutions_by_year(frame)
    years = [int(y) for y in wide.index]
    series = [Series(t(lang, f"asylum.solution.{s}"), years, [_nan(v) for v in wide[s]], s)
              for s in asylum.SOLUTIONS if s in wide.columns]
    return Chart("line", t(lang, "documents.ch4.fig_solutions"), source, series, "people")


def solutions_table(frame: pd.DataFrame, lang: str, numbers: Numbers, source: str):
    wide = _solutions_by_year(frame).tail(SOLUTION_YEARS)
    rows = [[str(int(y)), *(_count(wide.at[y, s] if s in wide.columns else None, lang) for s in asylum.SOLUTIONS)]
            for y in wide.index]
    headers = [t(lang, "documents.ch1.col_year"), *(t(lang, f"asylum.solution.{s}") for s in asylum.SOLUTIONS)]
    return numbers.table(t(lang, "documents.ch4.table_solutions"), headers, rows, source, (1, 2, 3),
                         t(lang, "documents.ch4.solutions_note"), size="half")


# ---------------------------------------------------------------- the country annex


def annex_lines(db: Database, members: Sequence[int], lang: str) -> dict[int, str]:
    """Per member state with applications: its latest year's applications lodged (per basis, each
    named) and the total recognition rate of that year's decisions."""
    if "asylum_application" not in asylum.loaded(db):
        return {}
    vintage = asylum.vintages(db)[0]
    frame = asylum.by_host_year(db, vintage, asylum=members)
    frame = frame[frame["applied"].notna() & (frame["applied"] > 0)]
    out = {}
    for code, part in frame.groupby("asylum_code"):
        year = int(part["year"].max())
        parts = [t(lang, "documents.annex.asylum_part" if pd.notna(r.rate) else "documents.annex.asylum_part_no_rate",
                   applied=_count(r.applied, lang), basis=_basis(r.basis, lang), rate=_rate(r.rate, lang))
                 for r in part[part["year"] == year].itertuples(index=False)]
        out[int(code)] = t(lang, "documents.annex.asylum", year=year, parts="; ".join(parts))
    return out

