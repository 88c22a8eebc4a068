"""IDMC's internal displacement by country and year (`internal_displacement`) and disaster
displacement by hazard type (`disaster_events_by_hazard`), every export's vintage side by side.
Licence CC BY-NC 4.0."""

import pandera.pandas as pa
from pandera.typing import Series

KEY = ["vintage", "year", "area_code", "cause", "measure"]
HAZARD_KEY = ["vintage", "year", "area_code", "hazard"]


class InternalDisplacementSchema(pa.DataFrameModel):
    vintage: Series[str] = pa.Field(str_matches=r"^\d{4}-\d\d-\d\d$", description="the export's 'Last update' date")
    year: Series[int] = pa.Field(ge=2008, le=2100, description="calendar year (stock: at its end)")
    area_code: Series[int] = pa.Field(gt=0, description="M49 code of the country")
    cause: Series[str] = pa.Field(isin=["conflict", "disaster"], description="conflict and violence, or disasters")
    measure: Series[str] = pa.Field(isin=["new_displacements", "stock"],
                                    description="new internal displacements in the year, or IDPs at its end")
    persons: Series[int] = pa.Field(ge=0, description="IDMC's raw figure (event export: sum of the events' raw figures)")
    persons_rounded: Series[pa.Int64] = pa.Field(nullable=True, ge=0,
                                                 description="IDMC's rounded figure; empty for event sums")

    class Config:
        strict = True
        coerce = True
        unique = KEY


class DisasterEventsByHazardSchema(pa.DataFrameModel):
    vintage: Series[str] = pa.Field(str_matches=r"^\d{4}-\d\d-\d\d$")
    year: Series[int] = pa.Field(ge=2008, le=2100)
    area_code: Series[int] = pa.Field(gt=0)
    hazard: Series[str] = pa.Field(description="IDMC's hazard type (Flood, Storm, Earthquake...)")
    persons: Series[int] = pa.Field(ge=0, description="new displacements summed over the events (raw figures)")

    class Config:
        strict = True
        coerce = True
        unique = HAZARD_KEY
