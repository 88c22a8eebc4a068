"""What every UNHCR reader shares: the publisher and its licence, the indicator series built
from the `population` figures, and UNHCR's country codes read as M49 codes.

UNHCR's files name countries by ISO 3166 alpha-3 code, except where there is no country: an
unknown origin (UNK, or UNHCR's own UKN in the `flows` dataset), stateless people (XXA, or STA
in `flows`), Tibetans (TIB) and "various" origins (VAR). Those map to the explicit residual
areas of etl/reference/areas.yaml and are never dropped, so sums over origins reach UNHCR's
own totals.
"""

from __future__ import annotations

from etl.areas import residual_code
from etl.indicators import SeriesInfo, m49_of_iso3
from etl.provenance import Publisher

SOURCE = "unhcr"
PUBLISHER = "UNHCR, the UN Refugee Agency"
LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
PUBLISHED_BY = Publisher(SOURCE, PUBLISHER, LICENCE, LICENCE_URL)
FIRST_YEAR = 1990  # the indicator series start here; the pair tables keep every published year
POPULATIONS = {  # API field -> (English, Spanish); French and Portuguese in POPULATIONS_FR_PT
    "refugees": ("Refugees", "Personas refugiadas"),
    "asylum_seekers": ("Asylum-seekers", "Solicitantes de asilo"),
    "oip": ("Other people in need of international protection",
            "Otras personas con necesidad de protección internacional"),
}
POPULATIONS_FR_PT = {
    "refugees": ("Personnes réfugiées", "Refugiados"),
    "asylum_seekers": ("Demandeurs d'asile", "Solicitantes de refúgio"),
    "oip": ("Autres personnes ayant besoin d'une protection internationale",
            "Outras pessoas com necessidade de proteção internacional"),
}
SIDES = {  # query -> (area field, English, Spanish, French, Portuguese)
    "origin": ("coo_iso", "by country of origin", "por país de origen", "par pays d'origine", "por país de origem"),
    "asylum": ("coa_iso", "by country of asylum", "por país de asilo", "par pays d'asile", "por país de refúgio"),
}
CITATION = "UNHCR, Refugee Data Finder, population statistics. https://www.unhcr.org/refugee-statistics/download/"
# UNHCR's non-country origins/destinations -> residual area key (etl/reference/areas.yaml)
RESIDUALS = {"UNK": "UNK", "UKN": "UNK", "XXA": "XXA", "STA": "XXA", "TIB": "TIB", "VAR": "VAR"}


def series_code(population: str, side: str) -> str:
    return f"unhcr.{population}.{side}"


SERIES = [
    SeriesInfo(
        series_code(population, side), f"{en} {side_en}", f"{es} {side_es}", "persons", SOURCE, LICENCE,
        CITATION,
        f"{en} under UNHCR's mandate at the end of each year, {side_en}. Already counted in the "
        "international migrant stock of the host country.",
        name_fr=f"{POPULATIONS_FR_PT[population][0]} {side_fr}", name_pt=f"{POPULATIONS_FR_PT[population][1]} {side_pt}",
    )
    for population, (en, es) in POPULATIONS.items()
    for side, (_, side_en, side_es, side_fr, side_pt) in SIDES.items()
]


def area_code(code: object) -> int | None:
    """M49 code of a UNHCR ISO3 country code, or the residual area of its non-country codes."""
    if not isinstance(code, str):
        return None
    if code in RESIDUALS:
        return residual_code(RESIDUALS[code])
    return m49_of_iso3(code)
