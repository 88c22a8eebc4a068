"""The `area` table: one row per M49 code appearing in any loaded revision."""

import pandera.pandas as pa
from pandera.typing import Series

KINDS = ["world", "region", "subregion", "country", "sdg_region", "development_group", "income_group", "residual", "grouping"]


class AreaSchema(pa.DataFrameModel):
    code: Series[int] = pa.Field(gt=0, unique=True, description="UN M49 location code")
    iso3: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3, countries only")
    name_en: Series[str] = pa.Field(str_length={"min_value": 1}, description="English name, as published by UN DESA")
    name_es: Series[str] = pa.Field(str_length={"min_value": 1}, description="Spanish name")
    name_fr: Series[str] = pa.Field(str_length={"min_value": 1}, description="French name (CLDR for countries)")
    name_pt: Series[str] = pa.Field(str_length={"min_value": 1}, description="Portuguese name (CLDR, Brazil)")
    kind: Series[str] = pa.Field(isin=KINDS, description="world, region, subregion, country, a group, or a publisher's residual (unknown origin, Other South...)")
    region: Series[pa.Int64] = pa.Field(nullable=True, description="M49 code of the geographic region")
    subregion: Series[pa.Int64] = pa.Field(nullable=True, description="M49 code of the subregion")
    oas_member: Series[bool] = pa.Field(description="one of the 35 OAS member states")
    sids: Series[bool] = pa.Field(description="small island developing state (UN M49 list)")

    class Config:
        strict = True
        coerce = True

    @pa.dataframe_check(error="every region/subregion parent is itself an area")
    def parents_exist(cls, df):  # noqa: N805
        codes = set(df["code"])
        parents = set(df["region"].dropna()) | set(df["subregion"].dropna())
        return parents <= codes
