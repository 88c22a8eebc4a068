"""The `refugee_demographics` table: UNHCR's population by sex and age group where it
publishes the breakdown (`demographics` dataset), per origin x asylum country, population
type and location. Where no breakdown is published only the total (sex and age 'total') is
stored; a published breakdown is kept whole, zeros included."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.unhcr_pairs import PAIR_KEY, UnhcrPairModel

POPULATION_TYPES = ["REF", "ASY", "OIP", "OOC", "IDP", "RET", "RDP", "STA", "HST"]
SEXES = ["total", "female", "male"]
AGE_GROUPS = ["0-4", "5-11", "12-17", "18-59", "60+", "other", "total"]
CODE = r"^[A-Z]{1,3}$"


class RefugeeDemographicsSchema(UnhcrPairModel):
    population: Series[str] = pa.Field(isin=POPULATION_TYPES,
                                       description="UNHCR's population type: REF refugees, ASY asylum-seekers, OIP "
                                                   "others in need of international protection, OOC others of "
                                                   "concern, IDP, RET returned refugees, RDP returned IDPs, STA "
                                                   "stateless, HST host community")
    location: Series[str] = pa.Field(description="where in the host country, as UNHCR names it")
    location_type: Series[str] = pa.Field(str_matches=CODE, description="UNHCR's location type code (U, R, V)")
    accommodation_type: Series[str] = pa.Field(str_matches=CODE, description="UNHCR's accommodation type code")
    sex: Series[str] = pa.Field(isin=SEXES, description="total | female | male")
    age_group: Series[str] = pa.Field(isin=AGE_GROUPS, description="0-4, 5-11, 12-17, 18-59, 60+, other (age "
                                                                   "unknown) or total")
    persons: Series[int] = pa.Field(ge=0, description="people at the end of the year")

    class Config:
        strict = True
        coerce = True
        unique = [*PAIR_KEY, "population", "location", "location_type", "accommodation_type", "sex", "age_group"]
