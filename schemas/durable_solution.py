"""The `durable_solution` table: UNHCR's durable solutions per year x origin x asylum country
(`solutions` dataset), one row per solution and non-zero count, every release side by side.

For returned refugees the origin is the country they returned to and the asylum country the
one they left; for resettlement the asylum country is the country of resettlement; for
naturalisation the country that naturalised them; returned IDPs stay in their own country."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.unhcr_pairs import PAIR_KEY, UnhcrPairModel

SOLUTIONS = ["returned_refugees", "resettlement", "naturalisation", "returned_idps"]


class DurableSolutionSchema(UnhcrPairModel):
    solution: Series[str] = pa.Field(isin=SOLUTIONS, description="returned_refugees, resettlement (arrivals), "
                                                                 "naturalisation, returned_idps")
    persons: Series[int] = pa.Field(gt=0, description="people in the year; empty and zero counts are not stored")

    class Config:
        strict = True
        coerce = True
        unique = [*PAIR_KEY, "solution"]
