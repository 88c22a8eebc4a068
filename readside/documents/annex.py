"""The report's country annex: one page per OAS member state, all with the same layout: what
the country is (subregion, membership), its key figures (the brief's talking points as a
table: value, rank among the member states, change, source), four charts (migrant stock,
remittances, people in need of international protection, and inflows where the OECD publishes
them, else internal displacement), and the top origins and destinations of its migrants.
A slot whose source has no figure for the country says so in the same place.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from readside import corridors, flows, groupings, reporting
from readside.claims import long_date
from readside.documents import report_points as rp
from readside.documents.chapters import cell
from readside.documents.charts import Chart, Series
from readside.documents.figures import source_label
from readside.documents.layout import table_row
from readside.documents.measures import METRICS, Frames
from readside.documents.points import area_points
from readside.documents.report_model import CountryPage, Notice, Numbers
from readside.documents.subjects import loaded_sources, names, short_names
from readside.documents.values import (
    RECEIVED,
    UNHCR_ASYLUM,
    UNHCR_ORIGIN,
    disaster_displacement,
    idmc_vintage,
    indicator,
    latest_revision,
    stock,
    vintage_of,
)
from readside.queries import Database, area_row
from readside.text import percent, t

PARTNERS = 5
NOTED = (192, 558, 862)  # member states whose roster entry carries a note (Cuba, Nicaragua, Venezuela)


def country_page(db: Database, code: int, lang: str, numbers: Numbers, frames: Frames) -> CountryPage:
    name = names(db, [code], lang)[code]
    available = loaded_sources(db)
    point_rows = [[*table_row(p, lang)[:5], t(lang, f"documents.source_short.{p.source}")]
                  for p in area_points(db, code, lang, frames)]
    headers = [t(lang, f"briefs.col.{c}") for c in ("figure", "year", "value")] + \
        [t(lang, "documents.annex.col_rank"), t(lang, "briefs.col.change"), t(lang, "briefs.col.source")]
    key_figures = numbers.table(t(lang, "documents.annex.key_figures", name=name), headers, point_rows,
                                t(lang, "documents.annex.key_source"), (1, 2, 3, 4))
    slots = [stock_slot(db, code, name, lang), remittance_slot(db, code, name, lang, available),
             protection_slot(db, code, name, lang, available), flows_slot(db, code, name, lang, available)]
    charts = [numbers.figure(s, "annex") if isinstance(s, Chart) else s for s in slots]
    charts = [c if c is not None else Notice(t(lang, "documents.annex.no_figure")) for c in charts]
    partners = [p for p in partner_tables(db, code, name, lang, numbers, available) if p is not None]
    return CountryPage(code, name, facts(db, code, lang), key_figures, charts, partners)


def facts(db: Database, code: int, lang: str) -> list[str]:
    """Subregion, and membership where it changed or is contested."""
    row = area_row(db, code) or {}
    out = []
    region = row.get("subregion") if pd.notna(row.get("subregion")) else row.get("region")
    if region is not None and pd.notna(region):
        out.append(t(lang, "documents.annex.subregion", name=names(db, [int(region)], lang)[int(region)]))
    roster = groupings.members(db, "oas")
    entry = roster[roster["member_code"] == code]
    if len(entry) and pd.notna(entry["until"].iloc[0]):
        out.append(t(lang, "documents.annex.member_until", date=long_date(str(entry["until"].iloc[0]), lang)))
    if code in NOTED:
        out.append(t(lang, f"documents.annex.note.{code}"))
    return out


def stock_slot(db: Database, code: int, name: str, lang: str) -> Chart | Notice:
    frame = stock(db, [code])
    return Chart("line", t(lang, "briefs.chart.stock", name=name),
                 source_label(db, "undesa_ims", latest_revision(db), lang),
                 [Series(name, frame["year"].astype(int).tolist(), frame["value"].tolist(), code)], "people")


def remittance_slot(db: Database, code: int, name: str, lang: str, available: set[str]) -> Chart | Notice:
    if "worldbank" not in available:
        return Notice(t(lang, "documents.report.not_loaded", what=t(lang, "briefs.source.worldbank")))
    frame = reporting.real(indicator(db, [RECEIVED], [code]), METRICS["remittances"].unit)
    frame = reporting.with_gaps(frame[frame["year"] >= 1990], METRICS["remittances"].unit)
    if frame.empty:  # a placeholder (a 0 where nothing was reported) is never drawn
        return Notice(t(lang, "documents.annex.no_remittances", name=name))
    return Chart("line", t(lang, "documents.annex.remittances"),
                 source_label(db, "worldbank", vintage_of(db, RECEIVED), lang),
                 [Series(name, frame["year"].astype(int).tolist(), frame["value"].tolist(), "received")], "money")


def protection_slot(db: Database, code: int, name: str, lang: str, available: set[str]) -> Chart | Notice:
    if "unhcr" not in available:
        return Notice(t(lang, "documents.report.not_loaded", what=t(lang, "briefs.source.unhcr")))
    series = []
    for key, codes in (("from", UNHCR_ORIGIN), ("in", UNHCR_ASYLUM)):
        frame = indicator(db, codes, [code])
        frame = frame[frame["year"] >= 1990]
        if not frame.empty:
            series.append(Series(t(lang, f"documents.annex.series.{key}"), frame["year"].astype(int).tolist(),
                                 frame["value"].tolist(), key))
    if not series:
        return Notice(t(lang, "documents.annex.no_protection", name=name))
    return Chart("line", t(lang, "briefs.chart.protection"),
                 source_label(db, "unhcr", vintage_of(db, UNHCR_ORIGIN[0]), lang), series, "people")


def flows_slot(db: Database, code: int, name: str, lang: str, available: set[str]) -> Chart | Notice:
    """OECD permanent-type inflows by category where the country reports them (only years with
    every category), else its inflows of foreign population, else IDMC's new displacements."""
    if "oecd" in available and code in rp.reporters(db):
        complete = rp.permanent_complete(db, [code])
        years = complete["year"].astype(int).tolist()
        if years:
            series = []
            for category in ("work", "family", "accompanying_family", "humanitarian", "free_movement", "other"):
                values = [float(rp.categories(db, [code], "permanent", y).get(category, 0.0)) for y in years]
                if any(values):
                    series.append(Series(t(lang, f"flows_page.permanent.{category}"), years, values, category))
            return Chart("stacked", t(lang, "documents.annex.inflows"),
                         source_label(db, "oecd", rp.oecd_vintage(db, rp.OECD_PERMANENT), lang), series, "people")
        foreign = flows.foreign_inflows(db, code).dropna()
        if len(foreign):
            return Chart("line", t(lang, "documents.annex.foreign"),
                         source_label(db, "oecd", rp.oecd_vintage(db, rp.OECD_FOREIGN), lang),
                         [Series(name, foreign["year"].astype(int).tolist(), foreign["persons"].tolist(), code)],
                         "people")
    if "idmc" in available:
        frame = disaster_displacement(db, [code])
        if len(frame):
            return Chart("columns", t(lang, "documents.annex.disaster"), source_label(db, "idmc", idmc_vintage(db), lang),
                         [Series("", frame["year"].astype(int).tolist(), frame["value"].tolist(), "disaster")], "people")
    return Notice(t(lang, "documents.annex.no_flows", name=name))


def partner_tables(db: Database, code: int, name: str, lang: str, numbers: Numbers, available: set[str]) -> list:
    """Where the country's immigrants were born and where its emigrants live (World Bank/KNOMAD,
    newest edition; shares of the country's total, residual origins included in it)."""
    edition, _ = rp.knomad_edition(db)
    if "knomad" not in available or edition is None:
        return [Notice(t(lang, "documents.report.not_loaded", what=t(lang, "briefs.source.knomad")))]
    source = source_label(db, "knomad", rp.knomad_vintage(db, edition), lang)
    year = corridors.bilateral_year(db, edition)
    out = []
    for direction in ("origins", "destinations"):
        frame = corridors.bilateral_partners(db, edition, code, direction=direction, limit=PARTNERS)
        labels = short_names(db, frame["area_code"].astype(int).tolist(), lang)
        rows = [[labels[int(r.area_code)], cell(r.migrants, lang), percent(100 * r.share, lang)]
                for r in frame.itertuples(index=False) if r.migrants > 0]
        headers = [t(lang, f"documents.annex.col_{direction}"), t(lang, "documents.annex.col_migrants"),
                   t(lang, "documents.annex.col_share")]
        out.append(numbers.table(t(lang, f"documents.annex.{direction}", name=name, year=year), headers, rows, source,
                                 (1, 2), size="half"))
    return out


def annex(db: Database, members: list[int], lang: str, numbers: Numbers, frames: Frames) -> list[CountryPage]:
    """The member states in the order of their names in the reader's language."""
    labels = names(db, members, lang)
    ordered = sorted(members, key=lambda c: _collation_key(labels[c]))
    return [country_page(db, code, lang, numbers, frames) for code in ordered]


def _collation_key(name: str) -> str:
    """Alphabetical as a reader expects it: accents ignored (Perú between Paraguay and Saint…)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
