"""The `provenance` table: one row per upstream file behind the database."""

import pandera.pandas as pa
from pandera.typing import Series


class ProvenanceSchema(pa.DataFrameModel):
    source: Series[str] = pa.Field(description="source module, e.g. undesa_ims")
    dataset: Series[str] = pa.Field(unique=True, description="file key within the source")
    revision: Series[int] = pa.Field(description="revision year of the file (edition, vintage or release year)")
    vintage: Series[str] = pa.Field(description="the publisher's own vintage label, e.g. 2025-07-01 or 2025.12.1")
    url: Series[str] = pa.Field(str_startswith="https://", description="publisher's download URL")
    fetched_from: Series[str] = pa.Field(description="where the bytes were read (publisher, mirror or snapshot)")
    publisher: Series[str] = pa.Field(description="publisher")
    licence: Series[str] = pa.Field(description="licence of the data")
    licence_url: Series[str] = pa.Field(description="licence text")
    citation: Series[str] = pa.Field(description="citation as the publisher suggests it")
    retrieved_at: Series[str] = pa.Field(str_matches=r"^\d{4}-\d\d-\d\dT", description="UTC time the bytes were retrieved")
    sha256: Series[str] = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="sha256 of the upstream file")
    bytes: Series[int] = pa.Field(gt=0, description="size of the upstream file")
    rows: Series[int] = pa.Field(ge=0, description="rows this file contributed")

    class Config:
        strict = True
        coerce = True
