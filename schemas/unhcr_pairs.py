"""What the tables read from UNHCR's `refugees` package share: one release side by side with
the others, and a year x country of origin x country of asylum pair on every row."""

import pandera.pandas as pa
from pandera.typing import Series

PAIR_KEY = ["revision", "vintage", "year", "origin_code", "asylum_code"]


class UnhcrPairModel(pa.DataFrameModel):
    revision: Series[int] = pa.Field(ge=1990, le=2100, description="year of the release (2025 for 2025.12.1)")
    vintage: Series[str] = pa.Field(str_length={"min_value": 4},
                                    description="release of UNHCR's refugees package (e.g. 2025.12.1), or "
                                                "'<year>.unlabelled.<sha256>' for a file that is not a known release")
    year: Series[int] = pa.Field(ge=1951, le=2100, description="calendar year the figures refer to")
    origin_code: Series[int] = pa.Field(
        gt=0, description="M49 code of the country of origin; 9901-9904 = UNHCR's unknown, stateless, Tibetan, "
                          "various")
    asylum_code: Series[int] = pa.Field(gt=0, description="M49 code of the country of asylum; 9901 = unknown")
