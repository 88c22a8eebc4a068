"""The `asylum_application` and `asylum_decision` tables: UNHCR's asylum claims lodged and
decided, per year x origin x asylum country x procedure, every release side by side.

`basis` says whether the host counts persons or cases (a case may hold several persons):
the two are never added, so it is part of the key. The total recognition rate, as UNHCR
defines it, is (recognized + complementary) / (total_decisions - otherwise_closed).
"""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.unhcr_pairs import PAIR_KEY, UnhcrPairModel

BASES = ["persons", "cases"]
PROCEDURE_TYPES = ["G", "J", "U"]
CODE = r"^[A-Z]{1,3}$"
APPLICATION_KEY = [*PAIR_KEY, "procedure_type", "application_type", "decision_level", "basis"]
DECISION_KEY = [*PAIR_KEY, "procedure_type", "decision_level", "basis"]


class AsylumApplicationSchema(UnhcrPairModel):
    procedure_type: Series[str] = pa.Field(isin=PROCEDURE_TYPES,
                                           description="authority the claim was lodged with: G government, J joint, "
                                                       "U UNHCR")
    application_type: Series[str] = pa.Field(str_matches=CODE,
                                             description="stage of the procedure: N new, R repeat, A appeal... "
                                                         "(UNHCR's code)")
    decision_level: Series[str] = pa.Field(str_matches=CODE,
                                           description="level of the procedure: FI first instance, AR administrative "
                                                       "review... (UNHCR's code)")
    basis: Series[str] = pa.Field(isin=BASES, description="persons, or cases (a case may hold several persons): "
                                                          "never add the two")
    applied: Series[int] = pa.Field(ge=0, description="asylum claims lodged in the year, in persons or cases (basis)")

    class Config:
        strict = True
        coerce = True
        unique = APPLICATION_KEY


class AsylumDecisionSchema(UnhcrPairModel):
    procedure_type: Series[str] = pa.Field(isin=PROCEDURE_TYPES,
                                           description="authority deciding: G government, J joint, U UNHCR")
    decision_level: Series[str] = pa.Field(str_matches=CODE,
                                           description="level of the procedure: FI first instance, AR administrative "
                                                       "review... (UNHCR's code)")
    basis: Series[str] = pa.Field(isin=BASES, description="persons, or cases (a case may hold several persons): "
                                                          "never add the two")
    recognized: Series[int] = pa.Field(ge=0, description="recognised as refugees (Convention status)")
    complementary: Series[int] = pa.Field(ge=0, description="granted a complementary form of protection")
    rejected: Series[int] = pa.Field(ge=0, description="claims rejected")
    otherwise_closed: Series[int] = pa.Field(ge=0, description="claims closed without a substantive decision")
    total_decisions: Series[int] = pa.Field(ge=0, description="all decisions as the publisher totals them (a few "
                                                              "rows differ from the sum of their parts)")

    class Config:
        strict = True
        coerce = True
        unique = DECISION_KEY
