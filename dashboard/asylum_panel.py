"""A country profile's asylum panel (UNHCR, readside.asylum): claims lodged in the country and
decided there per year, the total recognition rate, and the largest origins of the claims.

Persons and cases are separate lines, never added; a country counting cases says so. A
country outside the Americas shows only its applicants from the Americas (said in the panel).
Where UNHCR publishes nothing for the country, one notice and no chart.
"""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.asylum_figures import (
    basis_label,
    chart,
    dominant_basis,
    ranking_box,
    source_line,
    trend_figure,
    year_table,
)
from dashboard.components import notice
from readside import asylum, queries
from readside.text import decimal, percent, t


def country_panel(db: queries.Database, code: int, name: str, lang: str) -> list:
    """Heading, key figures of the latest year, trend (with the rate in its table), top origins."""
    head = [html.H2(t(lang, "asylum.country_title", name=name))]
    if "asylum_application" not in asylum.loaded(db):
        return [*head, notice(t(lang, "asylum.not_loaded"), "info")]
    inside = asylum.in_americas(db, code)
    head.append(html.P(t(lang, "asylum.country_intro" if inside else "asylum.country_intro_outside", name=name),
                       className="note"))
    vintage = asylum.vintages(db)[0]
    frame = asylum.country_years(db, vintage, code)
    if frame.empty:
        return [*head, notice(t(lang, "asylum.country_none", name=name), "info")]
    latest = int(frame["year"].max())
    source = source_line(db, "asylum_applications", vintage, lang)
    trend = trend_figure(frame, lang, source=source, title=t(lang, "asylum.country_trend_title", name=name))
    parts = [*head, html.Ul(key_figures(frame[frame["year"] == latest], latest, lang), id="country-asylum-figures"),
             *cases_line(frame, name, lang),
             *chart("country-asylum-trend", trend, year_table(frame, lang, "country-asylum-data"), lang, height="440px")]
    if frame["rate"].notna().any():
        rate = trend_figure(frame, lang, rate=True, source=source_line(db, "asylum_decisions", vintage, lang),
                            title=t(lang, "asylum.country_rate_title", name=name))
        parts += chart("country-asylum-rate", rate, None, lang, height="380px")
    ranked = asylum.country_origins(db, vintage, latest, code)
    basis = dominant_basis(ranked)
    parts += ranking_box("country-asylum-origins", ranked, lang, source,
                         t(lang, "asylum.origins_title", host=name, year=latest, basis=basis_label(basis, lang)),
                         t(lang, "asylum.no_origins", host=name, year=latest), t(lang, "asylum.origin"), basis)
    return parts


def key_figures(rows: pd.DataFrame, year: int, lang: str) -> list:
    """One line per basis: claims lodged, decisions and the total recognition rate of the year."""
    lines = []
    for _, row in rows.iterrows():
        values = {"year": year, "basis": basis_label(row["basis"], lang),
                  "applied": "—" if pd.isna(row["applied"]) else decimal(row["applied"], lang, 0),
                  "decided": "—" if pd.isna(row["total_decisions"]) else decimal(row["total_decisions"], lang, 0),
                  "rate": "—" if pd.isna(row["rate"]) else percent(row["rate"] * 100, lang)}
        lines.append(html.Li(t(lang, "asylum.key_figures", **values)))
    return lines


def cases_line(frame: pd.DataFrame, name: str, lang: str) -> list:
    """The years in which the country counted claims in cases: labelled, never added to persons."""
    years = sorted({int(y) for y in frame.loc[frame["basis"] == "cases", "year"]})
    if not years:
        return []
    return [notice(t(lang, "asylum.country_cases", name=name, years=", ".join(map(str, years))), "warning")]
