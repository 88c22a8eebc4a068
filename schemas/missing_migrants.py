"""The `missing_migrants` table (IOM Missing Migrants Project: one row per incident record) and
`missing_migrants_coverage` (which years the loaded files cover completely or partially)."""

import pandera.pandas as pa
from pandera.typing import Series

KEY = ["incident_id", "part"]
COVERAGE = ["complete", "partial"]


class MissingMigrantsSchema(pa.DataFrameModel):
    incident_id: Series[str] = pa.Field(str_length={"min_value": 1},
                                        description="IOM's incident id: 'Main ID' (xlsx, CSV) = 'web_id' (JSON)")
    part: Series[int] = pa.Field(ge=1, description="record number within the incident in its file (split "
                                                   "incidents and corrections share one id)")
    date: Series[pa.DateTime] = pa.Field(nullable=True, description="date of the incident as IOM reports it")
    year: Series[int] = pa.Field(ge=2014, le=2100, description="year of the incident")
    region: Series[str] = pa.Field(nullable=True, description="IOM's region of incident (the Americas: North "
                                                              "America, Central America, Caribbean, South America)")
    country_code: Series[pa.Int64] = pa.Field(nullable=True, gt=0, description="M49 code of the country of "
                                              "incident; only the JSON feed names it (empty for xlsx and CSV)")
    route: Series[str] = pa.Field(nullable=True, description="IOM's migration route, e.g. 'US-Mexico border crossing'")
    dead: Series[pa.Int64] = pa.Field(nullable=True, description="number of dead (negative = a correction record)")
    missing: Series[pa.Int64] = pa.Field(nullable=True, description="minimum estimated number of missing")
    dead_and_missing: Series[int] = pa.Field(description="total dead and missing (CSV: dead + missing)")
    survivors: Series[pa.Int64] = pa.Field(nullable=True, description="number of survivors")
    cause: Series[str] = pa.Field(nullable=True, description="IOM's cause of death")
    latitude: Series[float] = pa.Field(nullable=True, ge=-90, le=90)
    longitude: Series[float] = pa.Field(nullable=True, ge=-180, le=180)
    source_quality: Series[pa.Int64] = pa.Field(nullable=True, ge=0, le=5, description="IOM's source quality (1-5)")
    vintage: Series[str] = pa.Field(str_matches=r"^\d{4}-\d\d-\d\d$",
                                    description="file's generation date (xlsx) or latest incident date")

    class Config:
        strict = True
        coerce = True
        unique = KEY


class MissingMigrantsCoverageSchema(pa.DataFrameModel):
    year: Series[int] = pa.Field(ge=2014, le=2100, unique=True)
    coverage: Series[str] = pa.Field(isin=COVERAGE, description="complete: a file runs into December of the year "
                                     "or later; partial: otherwise. Years absent from every file are not listed")
    vintage: Series[str] = pa.Field(str_matches=r"^\d{4}-\d\d-\d\d$", description="vintage of the file that "
                                    "gives the year its coverage")

    class Config:
        strict = True
        coerce = True
