"""The `displacement` table: UNHCR's people in need of protection by year x country of origin x
country of asylum, one row per population type and non-zero count, every vintage side by side
(the `refugees` R package releases and Refugee Data Finder downloads)."""

import pandera.pandas as pa
from pandera.typing import Series

POPULATIONS = ["refugees", "asylum_seekers", "oip", "returned_refugees", "idps", "returned_idps", "stateless",
               "ooc", "hst"]
KEY = ["revision", "vintage", "year", "origin_code", "asylum_code", "population"]


class DisplacementSchema(pa.DataFrameModel):
    revision: Series[int] = pa.Field(ge=1990, le=2100, description="year of the release (2025 for 2025.12.1)")
    vintage: Series[str] = pa.Field(str_length={"min_value": 4},
                                    description="the publisher's label: package release or download date")
    year: Series[int] = pa.Field(ge=1951, le=2100, description="end of the year the stock refers to")
    origin_code: Series[int] = pa.Field(
        gt=0, description="M49 code of the country of origin; 9901-9904 = UNHCR's unknown, stateless, "
                          "Tibetan, various")
    asylum_code: Series[int] = pa.Field(
        gt=0, description="M49 code of the country of asylum (or of return, for returnees); 9901 = unknown")
    population: Series[str] = pa.Field(isin=POPULATIONS, description="UNHCR's population type (field name)")
    persons: Series[int] = pa.Field(ge=0, description="head count; empty and zero counts are not stored")

    class Config:
        strict = True
        coerce = True
        unique = KEY
