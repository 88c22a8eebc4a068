"""The `refugee_stock` table: UN DESA's estimate of refugees and asylum seekers within the stock.

These people are already counted in `stock`: never add them on top of it.
"""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import PUBLISHED_YEARS
from schemas.stock import published_year_mask


class RefugeeStockSchema(pa.DataFrameModel):
    revision: Series[int] = pa.Field(isin=list(PUBLISHED_YEARS), description="UN DESA revision")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="mid-year of the estimate")
    area_code: Series[int] = pa.Field(gt=0, description="M49 code of the area of asylum")
    refugees: Series[int] = pa.Field(ge=0, description="refugees incl. asylum seekers (persons), part of the stock")

    class Config:
        strict = True
        coerce = True
        unique = ["revision", "year", "area_code"]

    @pa.dataframe_check(error="year not published in this revision")
    def year_published(cls, df):  # noqa: N805
        return published_year_mask(df)
