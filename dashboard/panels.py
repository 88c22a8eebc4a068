"""Figure-and-table panels that more than one page shows (the remittances page and the country
profile); page modules are loaded by Dash and must not import each other."""

from __future__ import annotations

import pandas as pd

from dashboard import figures
from dashboard.components import data_table, notice
from etl.sources.worldbank import PAID, RECEIVED, RECEIVED_GDP
from readside import citations, queries
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
    fig = figures.grouped_bars(frame, category="year", lang=lang, fmt=money, y_title=t(lang, "axis.usd"), title=title,
                               source=_both_series(db, lang), year_basis=year_basis("worldbank"),
                               series={"received": t(lang, "remittances.received"), "paid": t(lang, "remittances.paid")})
    shown = frame.assign(
        received=frame["received"].map(lambda v: "" if pd.isna(v) else money(v, lang)),
        paid=frame["paid"].map(lambda v: "" if pd.isna(v) else money(v, lang)),
        gdp=frame["gdp"].map(lambda v: "" if pd.isna(v) else decimal(v, lang, 2)),
    )
    table = data_table(shown[["year", "received", "paid", "gdp"]],
                       [t(lang, "table.year"), t(lang, "remittances.received"), t(lang, "remittances.paid"),
                        t(lang, "remittances.measure_gdp")], f"{table_id}-data")
    return fig, table


def _both_series(db: queries.Database, lang: str) -> str:
    """The newest files of the received and the paid series: the chart draws both."""
    cited = [row for series in (RECEIVED, PAID) for row in citations.newest(db, "worldbank", like=f"%{series}%")]
    return citations.source_line(cited, lang)
