"""The `population` table: total population at mid-year (thousands), as printed beside the stock."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import PUBLISHED_YEARS, SEXES
from schemas.stock import published_year_mask


class PopulationSchema(pa.DataFrameModel):
    revision: Series[int] = pa.Field(isin=list(PUBLISHED_YEARS), description="UN DESA revision")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="mid-year of the estimate")
    area_code: Series[int] = pa.Field(gt=0, description="M49 code")
    sex: Series[str] = pa.Field(isin=SEXES, description="total | male | female")
    population_thousands: Series[float] = pa.Field(ge=0, description="total population, thousands")

    class Config:
        strict = True
        coerce = True
        unique = ["revision", "year", "area_code", "sex"]

    @pa.dataframe_check(error="year not published in this revision")
    def year_published(cls, df):  # noqa: N805
        return published_year_mask(df)
