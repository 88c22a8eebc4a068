"""The claims registry: sentences quoted in OAS documents and the figures each one asserts."""

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

# What a figure asserts, by the source that checks it (readside.claims: UN DESA per revision;
# readside.vintage_values: the other publishers per vintage; the last two no loaded source publishes).
UNDESA_METRICS = ["stock", "change_percent", "share", "share_sex"]
VINTAGE_METRICS = ["remittances", "remittances_paid", "remittances_gdp", "remittances_change_percent",  # World Bank
                   "refugees", "asylum_seekers", "oip", "displaced_abroad",  # UNHCR
                   "net_migration", "corridor", "inflows", "dead_missing", "new_displacements"]  # WPP, KNOMAD, OECD, IOM, IDMC
UNCHECKED_METRICS = ["flow_change_percent", "ratio"]
METRICS = UNDESA_METRICS + VINTAGE_METRICS + UNCHECKED_METRICS
# `detail` of a figure: the OECD's kind of inflow, IDMC's cause, IOM's route (none: a region or country's total).
DETAILS = {"inflows": ["permanent", "temporary", "foreign_population"], "new_displacements": ["disaster", "conflict"],
           "dead_missing": ["darien", "us_mexico"]}
NEEDS_DETAIL = ["inflows", "new_displacements"]
BY_ORIGIN = ["refugees", "asylum_seekers", "oip", "displaced_abroad", "corridor"]  # may name origin_areas
CHANGES = ["change_percent", "remittances_change_percent"]
CODES = r"^\d+(,\d+)*$"
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
    areas: Series[str] = pa.Field(nullable=True, str_matches=CODES,
                                  description="M49 codes summed (comma-separated): destination, host or country of the figure")
    minus_areas: Series[str] = pa.Field(nullable=True, str_matches=CODES, description="M49 codes subtracted, e.g. rest of world")
    origin_areas: Series[str] = pa.Field(nullable=True, str_matches=CODES,
                                         description="M49 codes of origin (UNHCR by origin or corridor, KNOMAD corridor)")
    detail: Series[str] = pa.Field(nullable=True, description="OECD kind of inflow, IDMC cause or IOM route (DETAILS)")
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1950, le=2100, description="year asserted")
    base_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1950, le=2100, description="start year of a change")
    refresh: Series[str] = pa.Field(isin=["quoted", "latest"], description="year used in the refreshed sentence")
    sex: Series[str] = pa.Field(isin=["total", "male", "female"], description="sex")
    value: Series[float] = pa.Field(description="value as quoted, in `unit`")
    unit: Series[str] = pa.Field(isin=UNITS, description="unit of the quoted value")
    decimals: Series[int] = pa.Field(ge=0, le=9, description="decimals as quoted, in `unit`: sets the rounding tolerance")
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

    @pa.dataframe_check(error="figures checked against data need a year; changes need a year and a base year")
    def years_present(cls, df):  # noqa: N805
        needs_year = ~df["metric"].isin(UNCHECKED_METRICS)
        needs_base = df["metric"].isin(CHANGES)
        return ~needs_year | df["year"].notna() & (~needs_base | df["base_year"].notna())

    @pa.dataframe_check(error="a figure names its areas, its areas of origin (by origin) or an IOM route")
    def somewhere(cls, df):  # noqa: N805
        route = (df["metric"] == "dead_missing") & df["detail"].notna()
        by_origin = df["metric"].isin(BY_ORIGIN) & df["origin_areas"].notna()
        return df["areas"].notna() | route | by_origin

    @pa.dataframe_check(error="origin_areas only for UNHCR and KNOMAD figures; a corridor needs them")
    def origins_where_published(cls, df):  # noqa: N805
        allowed = df["origin_areas"].isna() | df["metric"].isin(BY_ORIGIN)
        return allowed & ((df["metric"] != "corridor") | df["origin_areas"].notna())

    @pa.dataframe_check(error="detail must be one of DETAILS for its metric (inflows and new displacements need one)")
    def details_known(cls, df):  # noqa: N805
        known = pd.Series([d is None or (isinstance(d, float) and pd.isna(d)) or d in DETAILS.get(m, [])
                           for m, d in zip(df["metric"], df["detail"], strict=True)], index=df.index)
        return known & (~df["metric"].isin(NEEDS_DETAIL) | df["detail"].notna())

    @pa.dataframe_check(error="a ratio needs a figure of the same claim with the ratio's areas (its numerator)")
    def ratios_have_a_numerator(cls, df):  # noqa: N805
        operands = {(c, a) for c, a, m in zip(df["claim_id"], df["areas"], df["metric"], strict=True) if m != "ratio"}
        return (df["metric"] != "ratio") | pd.Series([(c, a) in operands for c, a in zip(df["claim_id"], df["areas"], strict=True)], index=df.index)
