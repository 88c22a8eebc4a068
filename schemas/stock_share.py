"""The `stock_share` table: migrants as a percentage of the total population, where published."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import PUBLISHED_YEARS, SEXES
from schemas.stock import published_year_mask


class StockShareSchema(pa.DataFrameModel):
    revision: Series[int] = pa.Field(isin=list(PUBLISHED_YEARS), description="UN DESA revision")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="mid-year of the estimate")
    area_code: Series[int] = pa.Field(gt=0, description="M49 code of the area of destination")
    sex: Series[str] = pa.Field(isin=SEXES, description="total | male | female")
    # Not capped at 100: the publisher prints 100.005 for the Holy See, whose stock and population
    # estimates come from different sources. Anything far above is a broken file, not rounding.
    percent_of_population: Series[float] = pa.Field(ge=0, le=101, description="migrant stock / total population x 100")

    class Config:
        strict = True
        coerce = True
        unique = ["revision", "year", "area_code", "sex"]

    @pa.dataframe_check(error="year not published in this revision")
    def year_published(cls, df):  # noqa: N805
        return published_year_mask(df)
