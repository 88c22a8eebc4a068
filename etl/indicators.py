"""What the indicator sources (World Bank, UNHCR, UN WPP) have in common.

Each source module describes its series (`SeriesInfo`) and returns `Collected`: tidy rows for
the `indicator` table and one provenance row per upstream query or file. Codes are M49, as in
the rest of the database; anything the publisher reports for an area without an M49 code in
etl/reference (e.g. the World Bank's income groups) is left out and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pycountry

from etl import areas as area_reference

# `revision` is the publisher's vintage label (a World Bank "Last Updated Date", a UNHCR release
# such as 2025.12.1, a WPP edition): every vintage is kept side by side. `variant` is
# "estimate" or "projection" (WPP), and projections are never drawn or summed as estimates.
INDICATOR_COLUMNS = ["series", "area_code", "year", "value", "unit", "source", "revision", "variant"]
ESTIMATE, PROJECTION = "estimate", "projection"
SERIES_COLUMNS = ["code", "name_en", "name_es", "name_fr", "name_pt", "unit", "source", "licence", "citation",
                  "description"]
# ISO3-like codes without an ISO 3166 entry, as publishers use them.
EXTRA_ISO3 = {"CHI": 830}  # Channel Islands


@dataclass(frozen=True)
class SeriesInfo:
    """One series as the dashboard names it, with its unit and how to cite it."""

    code: str
    name_en: str
    name_es: str
    unit: str
    source: str
    licence: str
    citation: str
    description: str
    name_fr: str = ""  # French and Portuguese names (the OAS's other official languages)
    name_pt: str = ""

    def row(self) -> dict[str, str]:
        return {c: getattr(self, c) for c in SERIES_COLUMNS}


@dataclass
class Collected:
    """One source's contribution to a build."""

    indicator: pd.DataFrame
    provenance: list[dict] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # publisher area code -> rows dropped
    files: list[tuple[str, Path]] = field(default_factory=list)  # (path in a directory mirror, bytes on disk)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # further tables, e.g. displacement


def m49_of_iso3(iso3: str) -> int | None:
    """M49 code for an ISO 3166 alpha-3 code, if the project knows the area."""
    code = EXTRA_ISO3.get(iso3)
    if code is None:
        country = pycountry.countries.get(alpha_3=iso3) if len(iso3) == 3 else None
        code = int(country.numeric) if country else None
    return code if code in area_reference.known_codes() else None


def empty_indicator() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in INDICATOR_COLUMNS})


def series_table(series: list[SeriesInfo]) -> pd.DataFrame:
    return pd.DataFrame([s.row() for s in series], columns=SERIES_COLUMNS)
