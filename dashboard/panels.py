"""Figure-and-table panels that more than one page shows (the remittances page and the country
profile); page modules are loaded by Dash and must not import each other."""

from __future__ import annotations

import pandas as pd

from dashboard import figures
from dashboard.components import data_table, notice
from etl.sources.worldbank import PAID, RECEIVED, RECEIVED_GDP
from readside import citations, queries, reporting
from readside.style import year_basis
from readside.text import capitalised, decimal, money, t

__all__ = ["PAID", "RECEIVED", "RECEIVED_GDP", "remittance_panel"]


def remittance_panel(db: queries.Database, code: int, name: str, lang: str, table_id: str):
    """Received and paid for one country, with the share of GDP in the table (also used by the
    country profile)."""
    title = t(lang, "remittances.country_title", name=name)
    received = queries.indicator_series(db, RECEIVED, [code])
    paid = queries.indicator_series(db, PAID, [code])
    share = queries.indicator_series(db, RECEIVED_GDP, [code])
    if received.empty and paid.empty:
        return figures.empty_figure(title), notice(t(lang, "country.no_series", publisher=capitalised(t(lang, "publisher.worldbank")),
                                                     what=t(lang, "what.worldbank"), name=name), "info")
    frame = pd.merge(received[["year", "value"]].rename(columns={"value": "received"}),
                     paid[["year", "value"]].rename(columns={"value": "paid"}), on="year", how="outer")
    frame = frame.merge(share[["year", "value"]].rename(columns={"value": "gdp"}), on="year", how="left")
    parts = {"received": (received, "remittances.received"), "paid": (paid, "remittances.paid"),
             "gdp": (share, "remittances.measure_gdp")}
    notes = placeholder_notes(parts, lang)
    drawn = frame.assign(**{c: frame[c].mask(reporting.placeholder_flags(frame[c].fillna(1.0), units(part)))
                            for c, (part, _) in parts.items()})
    source = _both_series(db, lang)
    fig = figures.grouped_bars(drawn, category="year", lang=lang, fmt=money, y_title=t(lang, "axis.usd"), title=title,
                               year_basis=year_basis("worldbank"),
                               source="<br>".join([source, *notes]),
                               series={"received": t(lang, "remittances.received"), "paid": t(lang, "remittances.paid")})
    shown = frame.assign(
        received=_cells(frame["received"], units(received), lambda v: money(v, lang), lang),
        paid=_cells(frame["paid"], units(paid), lambda v: money(v, lang), lang),
        gdp=_cells(frame["gdp"], units(share), lambda v: decimal(v, lang, 2), lang),
    )
    table = data_table(shown[["year", "received", "paid", "gdp"]],
                       [t(lang, "table.year"), t(lang, "remittances.received"), t(lang, "remittances.paid"),
                        t(lang, "remittances.measure_gdp")], f"{table_id}-data")
    return fig, table


def units(part: pd.DataFrame) -> str:
    return str(part["unit"].iloc[0]) if not part.empty else ""


def placeholder_notes(parts: dict, lang: str) -> list[str]:
    """One line per series whose file holds placeholders (readside.reporting): 'Received: the file's
    0 for 2017–2023 stands for "not reported", left blank'."""
    notes = []
    for part, label in parts.values():
        runs = reporting.placeholder_runs(part, units(part))
        if runs:
            years = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in runs)
            notes.append(t(lang, "reporting.panel_note", series=t(lang, label), years=years))
    return notes


def _cells(values: pd.Series, unit: str, fmt, lang: str) -> list[str]:
    """Table cells: the figure, blank where the file has none, and a placeholder said as such."""
    return ["" if pd.isna(v) else t(lang, "reporting.not_reported_cell") if reporting.is_placeholder(v, unit)
            else fmt(v) for v in values]


def _both_series(db: queries.Database, lang: str) -> str:
    """The newest files of the received and the paid series: the chart draws both."""
    cited = [row for series in (RECEIVED, PAID) for row in citations.newest(db, "worldbank", like=f"%{series}%")]
    return citations.source_line(cited, lang)
