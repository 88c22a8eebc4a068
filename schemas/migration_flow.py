"""The `migration_flow` table: OECD inflows of migrants by destination, year and entry category
(standardised permanent-type and temporary inflows, and national-definition inflows of foreign
population), every vintage side by side."""

import pandera.pandas as pa
from pandera.typing import Series

FLOW_TYPES = ["permanent", "temporary", "foreign_inflow_national"]
PERMANENT_CATEGORIES = ["work", "family", "accompanying_family", "humanitarian", "free_movement", "other"]
KEY = ["source", "vintage", "year", "destination_code", "category", "flow_type"]


class MigrationFlowSchema(pa.DataFrameModel):
    source: Series[str] = pa.Field(isin=["oecd"], description="publisher's source module")
    vintage: Series[str] = pa.Field(
        str_length={"min_value": 4},
        description="content-derived label of the file ('data to 2024, sha256:c5d2b760eac1'): the OECD files "
                    "carry no release date")
    year: Series[int] = pa.Field(ge=1990, le=2100, description="calendar year of the inflows")
    destination_code: Series[int] = pa.Field(gt=0, description="M49 code of the destination country (REF_AREA)")
    category: Series[str] = pa.Field(
        str_matches=r"^[a-z_]+$|^[A-Z0-9_]+$",
        description="entry category: for permanent flows one of " + ", ".join(PERMANENT_CATEGORIES)
                    + "; for temporary flows the OECD's own code (WHM, SEAS, TRA, INTRA, OTH, STU); "
                      "'total' for foreign_inflow_national")
    flow_type: Series[str] = pa.Field(
        isin=FLOW_TYPES,
        description="permanent = DF_MIG_INT_PER, temporary = DF_MIG_INT_TEMP (both standardised, comparable "
                    "across countries); foreign_inflow_national = DF_MIG measure B11 (national definitions)")
    persons: Series[float] = pa.Field(ge=0, description="inflows (persons) = OBS_VALUE x 10^UNIT_MULT")
    status: Series[str] = pa.Field(
        nullable=True, description="SDMX OBS_STATUS as published: A normal, E estimated, P provisional, ...")

    class Config:
        strict = True
        coerce = True
        unique = KEY
