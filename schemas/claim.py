"""The claims registry: sentences quoted in OAS documents and the figures each one asserts."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

METRICS = ["stock", "change_percent", "flow_change_percent", "ratio", "remittances", "remittances_change_percent"]
QUALIFIERS = ["exact", "around", "nearly", "more than", "less than", "derived"]
UNITS = ["million", "percent", "times", "billion US$"]


class ClaimSchema(pa.DataFrameModel):
    claim_id: Series[str] = pa.Field(unique=True, str_matches=r"^[a-z0-9-]+$", description="stable id of the claim")
    document_id: Series[str] = pa.Field(description="document the claim is quoted from")
    document_title: Series[str] = pa.Field(description="title of the document")
    document_date: Series[str] = pa.Field(str_matches=r"^\d{4}(-\d\d(-\d\d)?)?$", description="date or year of the document")
    document_language: Series[str] = pa.Field(isin=["en", "es", "fr", "pt"], description="language of the quote")
    document_symbol: Series[str] = pa.Field(nullable=True, description="OAS document symbol, if any")
    quote: Series[str] = pa.Field(str_length={"min_value": 10}, description="the sentence exactly as quoted")
    cited_source: Series[str] = pa.Field(description="source the document cites")
    cited_revision: Series[int] = pa.Field(ge=1990, le=2100, description="revision / vintage the document cites")
    sentence_en: Series[str] = pa.Field(nullable=True, description="template of the refreshed sentence, English")
    sentence_es: Series[str] = pa.Field(nullable=True, description="template of the refreshed sentence, Spanish")
    sentence_fr: Series[str] = pa.Field(nullable=True, description="template of the refreshed sentence, French")
    sentence_pt: Series[str] = pa.Field(nullable=True, description="template of the refreshed sentence, Portuguese")

    class Config:
        strict = True
        coerce = True


class ClaimFigureSchema(pa.DataFrameModel):
    claim_id: Series[str] = pa.Field(description="claim the figure belongs to")
    figure_id: Series[str] = pa.Field(str_matches=r"^[a-z0-9_]+$", description="id, unique within the claim")
    metric: Series[str] = pa.Field(
        isin=METRICS,
        description="what is asserted; a ratio divides the claim's figure with the same areas by the other figure of that metric",
    )
    areas: Series[str] = pa.Field(str_matches=r"^\d+(,\d+)*$", description="M49 codes summed (comma-separated)")
    minus_areas: Series[str] = pa.Field(nullable=True, str_matches=r"^\d+(,\d+)*$", description="M49 codes subtracted, e.g. rest of world")
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1950, le=2100, description="year asserted")
    base_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1950, le=2100, description="start year of a change")
    refresh: Series[str] = pa.Field(isin=["quoted", "latest"], description="year used in the refreshed sentence")
    sex: Series[str] = pa.Field(isin=["total", "male", "female"], description="sex")
    value: Series[float] = pa.Field(description="value as quoted, in `unit`")
    unit: Series[str] = pa.Field(isin=UNITS, description="unit of the quoted value")
    decimals: Series[int] = pa.Field(ge=0, le=6, description="decimals as quoted: sets the rounding tolerance")
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS, description="around / nearly / ... as quoted")
    part_of: Series[str] = pa.Field(nullable=True, description="figure id of the total this figure is a part of")
    checkable_with: Series[str] = pa.Field(nullable=True, description="which source would check a figure we cannot")
    checkable_with_es: Series[str] = pa.Field(nullable=True, description="the same in Spanish, where given")
    checkable_with_fr: Series[str] = pa.Field(nullable=True, description="the same in French, where given")
    checkable_with_pt: Series[str] = pa.Field(nullable=True, description="the same in Portuguese, where given")

    class Config:
        strict = True
        coerce = True
        unique = ["claim_id", "figure_id"]

    @pa.dataframe_check(error="part_of must name a figure of the same claim")
    def parts_exist(cls, df):  # noqa: N805
        known = set(zip(df["claim_id"], df["figure_id"], strict=True))
        return df["part_of"].isna() | pd.Series([(c, p) in known for c, p in zip(df["claim_id"], df["part_of"], strict=True)], index=df.index)

    @pa.dataframe_check(error="stock figures need a year; changes need a year and a base year")
    def years_present(cls, df):  # noqa: N805
        needs_year = df["metric"].isin(["stock", "change_percent"])
        needs_base = df["metric"] == "change_percent"
        return ~needs_year | df["year"].notna() & (~needs_base | df["base_year"].notna())

    @pa.dataframe_check(error="a ratio needs a figure of the same claim with the ratio's areas (its numerator)")
    def ratios_have_a_numerator(cls, df):  # noqa: N805
        operands = {(c, a) for c, a, m in zip(df["claim_id"], df["areas"], df["metric"], strict=True) if m != "ratio"}
        return (df["metric"] != "ratio") | pd.Series([(c, a) in operands for c, a in zip(df["claim_id"], df["areas"], strict=True)], index=df.index)
