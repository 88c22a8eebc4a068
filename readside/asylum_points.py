"""Talking points from UNHCR's asylum and flow data, for the themes that ask for them:
special migration situations (claims by people from Venezuela, Haiti and northern Central
America in the Americas, with the recognition rate; new displacement into the Americas) and
data and statistics (which member states report decisions, and which count cases).

Plain sentences with their figure (`AsylumPoint`): the brief code (readside/documents/points.py,
its clearly marked hook) turns them into talking points with the publisher's citation. Persons
and cases are never added; a point never rests on a placeholder (no figure, no point).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from readside import asylum
from readside.queries import Database
from readside.text import people, percent, t

APPLICATIONS, DECISIONS, FLOWS = ("unhcr_refugees_asylum_applications_%", "unhcr_refugees_asylum_decisions_%",
                                  "unhcr_refugees_flows_%")


@dataclass(frozen=True)
class AsylumPoint:
    """One sentence and its figure; `dataset` selects the file it cites (provenance LIKE)."""

    key: str
    sentence: str
    label: str
    value: float
    shown: str
    year: int
    vintage: str
    dataset: str


def theme_points(db: Database, theme: str, lang: str, *, situations: Mapping[str, Sequence[int]],
                 members: Sequence[int]) -> list[AsylumPoint]:
    """The points of a theme (none for the themes that do not ask for asylum figures)."""
    loaded = asylum.loaded(db)
    if theme == "special-situations":
        points = [situation_point(db, key, codes, lang) for key, codes in situations.items()] \
            if "asylum_application" in loaded else []
        points.append(flow_point(db, lang) if "displacement_flow" in loaded else None)
        return [p for p in points if p is not None]
    if theme == "data-and-statistics" and "asylum_decision" in loaded:
        point = reporting_point(db, members, lang)
        return [point] if point is not None else []
    return []


def situation_point(db: Database, key: str, codes: Sequence[int], lang: str) -> AsylumPoint | None:
    """Claims lodged in the Americas by people from a situation's origins in the latest year
    with claims in persons, and the total recognition rate of the decisions on their claims."""
    vintage = asylum.vintages(db)[0]
    frame = asylum.by_year(db, vintage, origin=list(codes))
    persons = frame[(frame["basis"] == "persons") & frame["applied"].notna() & (frame["applied"] > 0)]
    if persons.empty:
        return None
    row = persons.iloc[-1]
    year = int(row["year"])
    origin = t(lang, f"briefs.situation.{key}")
    shown = people(float(row["applied"]), lang)
    main = t(lang, "asylum.tp.applied", year=year, origin=origin, value=shown)
    details = []
    if pd.notna(row["rate"]):
        details.append(t(lang, "asylum.tp.rate", rate=percent(float(row["rate"]) * 100, lang)))
    cases = frame[(frame["basis"] == "cases") & (frame["year"] == year) & frame["applied"].notna()]
    if not cases.empty and cases["applied"].iloc[0] > 0:
        details.append(t(lang, "asylum.tp.cases", value=people(float(cases["applied"].iloc[0]), lang)))
    sentence = t(lang, "briefs.sentence", main=main, details="; ".join(details)) if details else \
        t(lang, "briefs.sentence_plain", main=main)
    return AsylumPoint(f"asylum_{key}", sentence, t(lang, "asylum.tp.label_applied", origin=origin),
                       float(row["applied"]), shown, year, vintage, APPLICATIONS)


def flow_point(db: Database, lang: str) -> AsylumPoint | None:
    """People newly displaced across borders into the Americas in the latest year, and how
    many of them came from another country of the Americas."""
    vintage = asylum.vintages(db, "displacement_flow")[0]
    years = asylum.flow_years(db, vintage)
    if not years:
        return None
    year = years[-1]
    links = asylum.flow_subregion_links(db, vintage, year)
    into = links[links["destination_code"] != asylum.REST]
    total = float(into["persons"].sum())
    if total <= 0:
        return None
    from_americas = float(into.loc[into["origin_code"] != asylum.REST, "persons"].sum())
    shown = people(total, lang)
    sentence = t(lang, "asylum.tp.flows", year=year, value=shown, share=percent(100 * from_americas / total, lang))
    return AsylumPoint("asylum_flows", sentence, t(lang, "asylum.tp.label_flows"), total, shown, year, vintage, FLOWS)


def reporting_point(db: Database, members: Sequence[int], lang: str) -> AsylumPoint | None:
    """How many member states report asylum decisions for the latest year, and which of them
    count cases rather than persons."""
    vintage = asylum.vintages(db, "asylum_decision")[0]
    frame = db.frame("SELECT asylum_code, year, basis FROM asylum_decision WHERE vintage = ? "
                     "AND list_contains(?, asylum_code)", [vintage, list(members)])
    if frame.empty:
        return None
    year = int(frame["year"].max())
    latest = frame[frame["year"] == year]
    reporting = latest["asylum_code"].nunique()
    counting_cases = sorted(set(latest.loc[latest["basis"] == "cases", "asylum_code"]))
    names = asylum.names(db, counting_cases, lang)
    cases = t(lang, "asylum.tp.reporting_cases", count=len(counting_cases), names=", ".join(names)) \
        if counting_cases else t(lang, "asylum.tp.reporting_no_cases")
    sentence = t(lang, "asylum.tp.reporting", count=reporting, of=len(members), year=year, cases=cases)
    return AsylumPoint("asylum_reporting", sentence, t(lang, "asylum.tp.label_reporting"), float(reporting),
                       str(reporting), year, vintage, DECISIONS)
