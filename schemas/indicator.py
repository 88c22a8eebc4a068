"""The `indicator` table (World Bank, UNHCR, UN WPP series) and the `series` table naming them."""

import numpy as np
import pandera.pandas as pa
from pandera.typing import Series

PERCENT_UNITS = ("% of GDP",)
# Published shares of GDP exceed 100 (remittances to Lesotho, 1982-1995): the bound catches unit errors only.
MAX_PERCENT_OF_GDP = 1000


class IndicatorSchema(pa.DataFrameModel):
    series: Series[str] = pa.Field(description="series code, e.g. BX.TRF.PWKR.CD.DT")
    area_code: Series[int] = pa.Field(gt=0, description="M49 code")
    year: Series[int] = pa.Field(ge=1950, le=2100)
    value: Series[float] = pa.Field(description="in `unit`")
    unit: Series[str] = pa.Field(description="one unit per series")
    source: Series[str] = pa.Field(isin=["worldbank", "unhcr", "wpp"])
    revision: Series[str] = pa.Field(str_length={"min_value": 1},
                                     description="the publisher's vintage label (every vintage kept side by side)")
    variant: Series[str] = pa.Field(isin=["estimate", "projection"],
                                    description="projections (WPP) are kept apart, never drawn as estimates")

    class Config:
        strict = True
        coerce = True
        unique = ["series", "area_code", "year", "revision", "variant"]

    @pa.check("value", error="values must be finite")
    def finite(cls, value):  # noqa: N805
        return np.isfinite(value)

    @pa.dataframe_check(error="one unit per series")
    def one_unit_per_series(cls, df):  # noqa: N805
        return df.groupby("series")["unit"].transform("nunique") == 1

    @pa.dataframe_check(error="a share of GDP lies within 0-1000 (Lesotho received 236% of its GDP in 1980s "
                              "remittances; a larger figure is a unit mix-up, e.g. dollars filed as a share)")
    def percent_in_range(cls, df):  # noqa: N805
        return ~df["unit"].isin(PERCENT_UNITS) | df["value"].between(0, MAX_PERCENT_OF_GDP)

    @pa.dataframe_check(error="head counts and remittances are not negative")
    def counts_not_negative(cls, df):  # noqa: N805
        return ~df["unit"].isin(["persons", "current US$"]) | df["series"].str.startswith("wpp.") | (df["value"] >= 0)


class SeriesSchema(pa.DataFrameModel):
    code: Series[str] = pa.Field(unique=True)
    name_en: Series[str]
    name_es: Series[str]
    name_fr: Series[str] = pa.Field(str_length={"min_value": 1})
    name_pt: Series[str] = pa.Field(str_length={"min_value": 1})
    unit: Series[str]
    source: Series[str]
    licence: Series[str]
    citation: Series[str]
    description: Series[str]

    class Config:
        strict = True
        coerce = True
