"""The `stock` table: international migrant stock by revision, year, destination, origin, sex."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.common import PUBLISHED_YEARS, SEX_SUM_MIN_ABS, SEX_SUM_TOLERANCE, SEXES

KEY = ["revision", "year", "destination_code", "origin_code", "sex"]


def published_year_mask(df: pd.DataFrame) -> pd.Series:
    allowed = {(rev, year) for rev, years in PUBLISHED_YEARS.items() for year in years}
    return pd.Series([pair in allowed for pair in zip(df["revision"], df["year"], strict=True)], index=df.index)


def sex_sum_mask(df: pd.DataFrame, value: str, keys: list[str]) -> pd.Series:
    """True where male + female equals total within rounding, or where a part is missing."""
    wide = df.pivot_table(index=keys, columns="sex", values=value, aggfunc="first")
    if not {"total", "male", "female"} <= set(wide.columns):
        return pd.Series(True, index=df.index)
    gap = (wide["male"] + wide["female"] - wide["total"]).abs()
    ok = gap.isna() | (gap <= (wide["total"] * SEX_SUM_TOLERANCE).clip(lower=SEX_SUM_MIN_ABS))
    return df.join(ok.rename("_ok"), on=keys)["_ok"].fillna(True).astype(bool)


class StockSchema(pa.DataFrameModel):
    revision: Series[int] = pa.Field(isin=list(PUBLISHED_YEARS), description="UN DESA revision (year published)")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="mid-year (1 July) of the estimate")
    destination_code: Series[int] = pa.Field(gt=0, description="M49 code of the area of destination")
    origin_code: Series[int] = pa.Field(gt=0, description="M49 code of the origin; 900 (World) = all origins")
    sex: Series[str] = pa.Field(isin=SEXES, description="total | male | female")
    migrants: Series[int] = pa.Field(ge=0, description="international migrants (persons)")

    class Config:
        strict = True
        coerce = True
        unique = KEY

    @pa.dataframe_check(error="year not published in this revision")
    def year_published(cls, df):  # noqa: N805
        return published_year_mask(df)

    @pa.dataframe_check(error="male + female differs from total beyond rounding")
    def sexes_add_up(cls, df):  # noqa: N805
        return sex_sum_mask(df, "migrants", ["revision", "year", "destination_code", "origin_code"])
