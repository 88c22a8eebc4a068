"""What the World Bank's remittance sources share: the publisher, its licence, the three series
with their names in the four languages, and the aggregates kept."""

from __future__ import annotations

from etl.indicators import SeriesInfo
from etl.provenance import Publisher

SOURCE = "worldbank"
PUBLISHER = "World Bank"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
API_BASE = "https://api.worldbank.org/v2"
PER_PAGE = 5000
AGGREGATES = {"WLD": 900, "LCN": 904, "NAC": 905}
_CITATION = "World Bank, World Development Indicators, series {code}. {url}"
_AGGREGATE_NOTE = (
    " Regional totals are the World Bank's own aggregates (Latin America & Caribbean, LCN; North "
    "America, NAC), whose membership differs slightly from the UN regions they are shown as."
)


def _series(code: str, names: tuple[str, str, str, str], unit: str, about: str) -> SeriesInfo:
    """One series with its names in English, Spanish, French and Portuguese."""
    url = f"https://data.worldbank.org/indicator/{code}"
    en, es, fr, pt = names
    return SeriesInfo(code, en, es, unit, SOURCE, LICENCE, _CITATION.format(code=code, url=url),
                      about + _AGGREGATE_NOTE, name_fr=fr, name_pt=pt)


RECEIVED, PAID, RECEIVED_GDP = "BX.TRF.PWKR.CD.DT", "BM.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS"
SERIES = [
    _series(RECEIVED, ("Personal remittances, received", "Remesas personales recibidas",
                       "Envois de fonds personnels, reçus", "Remessas pessoais, recebidas"),
            "current US$", "Personal transfers and compensation of employees received, current US dollars."),
    _series(PAID, ("Personal remittances, paid", "Remesas personales pagadas", "Envois de fonds personnels, versés",
                   "Remessas pessoais, pagas"),
            "current US$", "Personal transfers and compensation of employees paid, current US dollars."),
    _series(RECEIVED_GDP, ("Personal remittances, received (% of GDP)", "Remesas personales recibidas (% del PIB)",
                           "Envois de fonds personnels, reçus (% du PIB)", "Remessas pessoais, recebidas (% do PIB)"),
            "% of GDP",
            "Personal remittances received as a share of gross domestic product."),
]
