"""Groupings of areas that the UN's M49 does not have (the OAS member states, CARICOM, SICA, the
Andean Community, Mercosur): `grouping` names them, `area_group` lists their members with dates."""

import pandera.pandas as pa
from pandera.typing import Series

DATE = r"^\d{4}(-\d\d-\d\d)?$"  # a year where the organisation gives only the year, else the day


class GroupingSchema(pa.DataFrameModel):
    grouping: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z]+$", description="grouping key, e.g. oas")
    code: Series[int] = pa.Field(unique=True, ge=9800, lt=9900, description="area code of the grouping's sums")
    name_en: Series[str] = pa.Field(str_length={"min_value": 1})
    name_es: Series[str] = pa.Field(str_length={"min_value": 1})
    name_fr: Series[str] = pa.Field(str_length={"min_value": 1})
    name_pt: Series[str] = pa.Field(str_length={"min_value": 1})
    source: Series[str] = pa.Field(str_contains="https://", description="where the organisation states its membership")
    roster_note_en: Series[str] = pa.Field(description="who 'the members' are by default, and why")
    roster_note_es: Series[str]
    roster_note_fr: Series[str]
    roster_note_pt: Series[str]

    class Config:
        strict = True
        coerce = True


class AreaGroupSchema(pa.DataFrameModel):
    grouping: Series[str] = pa.Field(description="grouping key")
    member_code: Series[int] = pa.Field(gt=0, lt=1000, description="M49 code of a member country or territory")
    since: Series[str] = pa.Field(str_matches=DATE, description="year (or date) the membership began")
    until: Series[str] = pa.Field(nullable=True, str_matches=DATE, description="date a withdrawal took effect")
    roster: Series[bool] = pa.Field(description="counted among 'the members' by default (the 35 OAS member states...)")
    note: Series[str] = pa.Field(nullable=True, description="where membership changed or is disputed")

    class Config:
        strict = True
        coerce = True
        unique = ["grouping", "member_code"]

    @pa.dataframe_check(error="a membership ends after it begins")
    def ends_after_it_begins(cls, df):  # noqa: N805
        return df["until"].isna() | (df["until"].str[:4] >= df["since"].str[:4])


class StockByGroupSchema(pa.DataFrameModel):
    """The view `stock_by_group` (no table behind it): a grouping's migrant stock as the sum of
    its roster members' published figures. Describes the columns of its extract."""

    revision: Series[int] = pa.Field(description="UN DESA revision of the members' figures")
    year: Series[int] = pa.Field(description="mid-year of the estimate")
    area_code: Series[int] = pa.Field(ge=9800, lt=9900, description="code of the grouping (kind 'grouping')")
    sex: Series[str] = pa.Field(isin=["total", "male", "female"])
    migrants: Series[int] = pa.Field(ge=0, description="sum of country figures: the members' published stock")
    members_counted: Series[int] = pa.Field(ge=0, description="members with a published figure in the sum")
    members_total: Series[int] = pa.Field(ge=0, description="members of the grouping's roster")
