"""The `displacement_flow` table: people newly displaced across borders during the year
(UNHCR's `flows` dataset), per origin x asylum country and population type, one row per
non-zero count, every release side by side. A flow in the year, not a stock at its end."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.unhcr_pairs import PAIR_KEY, UnhcrPairModel

FLOW_POPULATIONS = ["refugees", "asylum_seekers", "refugee_like", "oip"]


class DisplacementFlowSchema(UnhcrPairModel):
    population: Series[str] = pa.Field(isin=FLOW_POPULATIONS,
                                       description="refugees (arrivals, prima facie and temporary protection), "
                                                   "asylum_seekers (new applications), refugee_like, oip (other "
                                                   "people in need of international protection)")
    persons: Series[int] = pa.Field(gt=0, description="people newly displaced in the year; empty and zero counts "
                                                      "are not stored")

    class Config:
        strict = True
        coerce = True
        unique = [*PAIR_KEY, "population"]
