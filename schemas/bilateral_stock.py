"""The `bilateral_stock` table: a second publisher's origin x destination migrant stock
(World Bank / KNOMAD bilateral migration matrices), kept apart from UN DESA's `stock`."""

import pandera.pandas as pa
from pandera.typing import Series

KEY = ["source", "edition", "year", "origin_code", "destination_code"]


class BilateralStockSchema(pa.DataFrameModel):
    source: Series[str] = pa.Field(isin=["knomad"], description="publisher's source module")
    edition: Series[int] = pa.Field(ge=1990, le=2100, description="matrix edition: the year KNOMAD names it by")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="year of the estimates (the title's year)")
    origin_code: Series[int] = pa.Field(
        gt=0, description="M49 code of the origin; 9911/9912 = KNOMAD's 'Other North'/'Other South'")
    destination_code: Series[int] = pa.Field(
        gt=0, description="M49 code of the destination; 9911/9912 as for origins")
    migrants: Series[int] = pa.Field(
        gt=0, description="migrant stock (persons); empty and zero cells are not stored, the World "
                          "row and column neither (checked against their parts instead)")

    class Config:
        strict = True
        coerce = True
        unique = KEY


class BilateralCheckSchema(pa.DataFrameModel):
    """Findings of the World checks: a World total that differs from its parts, or a publisher's
    marker read as none. Zero rows means every total equals the sum of its parts."""

    source: Series[str] = pa.Field(isin=["knomad"])
    edition: Series[int] = pa.Field(ge=1990, le=2100)
    year: Series[int] = pa.Field(ge=1990, le=2100)
    check: Series[str] = pa.Field(
        isin=["destination_total", "origin_total", "world_total", "missing_marker"],
        description="which total (or a marker cell) the finding is about")
    origin: Series[str] = pa.Field(description="publisher's origin name ('World' for a destination total)")
    destination: Series[str] = pa.Field(description="publisher's destination name ('World' for an origin total)")
    cell: Series[str] = pa.Field(str_matches=r"^[A-Z]+\d+$", description="the sheet cell, A1 style")
    published: Series[float] = pa.Field(nullable=True, description="the publisher's World figure")
    sum_of_parts: Series[float] = pa.Field(nullable=True, description="sum of the cells it totals")
    difference: Series[float] = pa.Field(nullable=True, description="published - sum_of_parts")
    note: Series[str]

    class Config:
        strict = True
        coerce = True
