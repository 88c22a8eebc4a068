"""The `refugees` package's datasets beside `population`, each into its own table:

- `asylum_applications` -> `asylum_application`: claims lodged per year x origin x asylum
  country x procedure type (G government, J joint, U UNHCR) x application type (N new,
  R repeat, A appeal...) x decision level (FI first instance, AR administrative review...),
  and whether the host counts persons or cases (`app_pc` P/C -> basis). A case can hold
  several persons: the two are never added, so basis is part of the key.
- `asylum_decisions` -> `asylum_decision`: recognised (Convention status), complementary
  protection (`dec_other`), rejected, otherwise closed and the total, per basis. The total is
  the publisher's: a few hundred rows round their parts differently, and stay as published.
- `flows` -> `displacement_flow`: people newly displaced across borders in the year (refugee
  arrivals, new asylum applications, refugee-like, other people in need of international
  protection), one row per population type and count.
- `solutions` -> `durable_solution`: returned refugees, resettlement arrivals, naturalisation
  and returned IDPs, one row per solution and count.
- `demographics` -> `refugee_demographics`: the population by sex and age group where UNHCR
  publishes the breakdown (`f_total + m_total > 0`); elsewhere only the total. Every cell of
  a published breakdown is kept, zeros included (a real zero, not a placeholder).

Each data frame is checked column by column; an error names the file, the row of the data
frame (1-based), the column (its position, and its name in the message) and the value.
Empty counts of flows and solutions mean nothing reported and are not stored (as in
`displacement`); applications and decisions publish every cell, so an empty one is an error.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.errors import UpstreamFormatError
from etl.sources.unhcr.common import RESIDUALS, SOURCE, area_code
from etl.sources.unhcr.rfile import numbers

TABLES = {"asylum_applications": "asylum_application", "asylum_decisions": "asylum_decision",
          "flows": "displacement_flow", "solutions": "durable_solution", "demographics": "refugee_demographics"}
PAIR = ["revision", "vintage", "year", "origin_code", "asylum_code"]
PROCEDURES = ("G", "J", "U")  # government, joint, UNHCR
BASIS = {"P": "persons", "C": "cases"}
FLOW_POPULATIONS = ("refugees", "asylum_seekers", "refugee_like", "oip")
SOLUTIONS = ("returned_refugees", "resettlement", "naturalisation", "returned_idps")
DECISIONS = {"dec_recognized": "recognized", "dec_other": "complementary", "dec_rejected": "rejected",
             "dec_closed": "otherwise_closed", "dec_total": "total_decisions"}
DEMOGRAPHIC_POPULATIONS = ("REF", "ASY", "OIP", "OOC", "IDP", "RET", "RDP", "STA", "HST")
SEXES = {"f": "female", "m": "male"}
AGE_GROUPS = {"0_4": "0-4", "5_11": "5-11", "12_17": "12-17", "18_59": "18-59", "60": "60+", "other": "other"}
SHORT_CODE = r"[A-Z]{1,3}"  # UNHCR's application types, decision levels, location and accommodation types
FIRST_YEAR, LAST_YEAR = 1951, 2100


@dataclass(frozen=True)
class Frame:
    """One data frame of the package, read column by column with errors that say where."""

    table: pd.DataFrame
    dataset: str
    name: str  # the file, as errors name it

    def require(self, columns: Collection[str]) -> None:
        missing = [c for c in columns if c not in self.table.columns]
        if missing:
            raise UpstreamFormatError(SOURCE, self.name, f"the data frame `{self.dataset}` has no column(s) {missing}; "
                                                         f"it has {list(self.table.columns)}")

    def fail(self, detail: str, bad: np.ndarray, column: str) -> None:
        """Raise at the first row where `bad` holds."""
        first = int(np.argmax(bad))
        value = self.table[column].iloc[first]
        value = None if pd.isna(value) else value.item() if isinstance(value, np.generic) else value
        raise UpstreamFormatError(SOURCE, self.name, f"{column}: {detail}", row=first + 1,
                                  column=list(self.table.columns).index(column), value=value)

    def years(self) -> np.ndarray:
        years = numbers(self.table, "year", self.name)
        bad = ~(np.isfinite(years) & (years == np.round(years)) & (years >= FIRST_YEAR) & (years <= LAST_YEAR))
        if bad.any():
            self.fail("not a year", bad, "year")
        return years.astype("int64")

    def areas(self, column: str, side: str) -> np.ndarray:
        codes = self.table[column].astype(object)
        mapping = {code: area_code(code) for code in codes.dropna().unique()}
        bad = codes.map(lambda c: mapping.get(c) is None).to_numpy(dtype=bool)
        if bad.any():
            self.fail(f"{side} code is neither an ISO 3166 country the project knows nor one of UNHCR's residual "
                      f"codes {sorted(RESIDUALS)}", bad, column)
        return codes.map(mapping).to_numpy(dtype="int64")

    def codes(self, column: str, allowed: Collection[str] | None, what: str) -> np.ndarray:
        """A code column: one of `allowed`, or (None) a short upper-case code; never empty."""
        values = self.table[column].astype(object)
        text = values.where(values.notna(), "").astype(str)
        ok = text.isin(list(allowed)) if allowed is not None else text.str.fullmatch(SHORT_CODE)
        if not ok.all():
            self.fail(f"{what}, expected {list(allowed) if allowed is not None else 'a code like FI or N'}",
                      ~ok.to_numpy(dtype=bool), column)
        return text.to_numpy(dtype=object)

    def text(self, column: str) -> np.ndarray:
        values = self.table[column].astype(object)
        bad = values.isna().to_numpy(dtype=bool) | (values.astype(str).str.strip() == "").to_numpy(dtype=bool)
        if bad.any():
            self.fail("empty", bad, column)
        return values.astype(str).to_numpy(dtype=object)

    def counts(self, column: str, *, required: bool) -> np.ndarray:
        """Head counts as float64 (NaN = not reported, allowed only where `required` is False)."""
        values = numbers(self.table, column, self.name)
        filled = np.where(np.isnan(values), 0.0, values)
        bad = ~np.isfinite(filled) | (filled < 0) | (filled != np.round(filled))
        if required:
            bad |= np.isnan(values)
        if bad.any():
            self.fail("empty where a count is published" if required and np.isnan(values[np.argmax(bad)])
                      else "not a count", bad, column)
        return values

    def unique(self, keyed: pd.DataFrame, key: list[str]) -> None:
        """No two rows with the same key: the error is at the second and names the first."""
        repeated = keyed.duplicated(key, keep=False).to_numpy()
        if repeated.any():
            found = keyed[repeated].assign(_row=np.flatnonzero(repeated)).sort_values([*key, "_row"]).head(2)
            first, second = (int(r) for r in found["_row"])
            pair = f"{self.table['coo_iso'].iloc[first]} -> {self.table['coa_iso'].iloc[first]}"
            same = ", ".join(k for k in key if k not in PAIR)
            raise UpstreamFormatError(SOURCE, self.name, f"year {keyed['year'].iloc[first]}, {pair}"
                                                         f"{f' ({same})' if same else ''} repeats row {first + 1}",
                                      row=second + 1, column=list(self.table.columns).index("coo_iso"))

    def pairs(self, revision: int, vintage: str) -> pd.DataFrame:
        """revision, vintage, year, origin_code, asylum_code of every row."""
        self.require(("year", "coo_iso", "coa_iso"))
        return pd.DataFrame({"revision": revision, "vintage": vintage, "year": self.years(),
                             "origin_code": self.areas("coo_iso", "origin"),
                             "asylum_code": self.areas("coa_iso", "asylum")})


def read_dataset(dataset: str, table: pd.DataFrame, name: str, revision: int, vintage: str) -> pd.DataFrame:
    """The table rows of one package dataset (not `population`, read by population.py)."""
    frame = Frame(table, dataset, name)
    return READERS[dataset](frame, revision, vintage)


def max_year(table: pd.DataFrame, name: str) -> int:
    """The latest year a data frame reaches (the label of a release not in RELEASES)."""
    years = numbers(table, "year", name) if "year" in table.columns else np.array([])
    years = years[np.isfinite(years)]
    return int(years.max()) if len(years) else 0


def applications(frame: Frame, revision: int, vintage: str) -> pd.DataFrame:
    frame.require(("year", "coo_iso", "coa_iso", "procedure_type", "app_type", "dec_level", "app_pc", "applied"))
    rows = frame.pairs(revision, vintage).assign(
        procedure_type=frame.codes("procedure_type", PROCEDURES, "not a procedure type"),
        application_type=frame.codes("app_type", None, "not an application type"),
        decision_level=frame.codes("dec_level", None, "not a decision level"),
        basis=_basis(frame, "app_pc"),
        applied=frame.counts("applied", required=True).astype("int64"))
    frame.unique(rows, ["year", "origin_code", "asylum_code", "procedure_type", "application_type", "decision_level",
                        "basis"])
    return rows


def decisions(frame: Frame, revision: int, vintage: str) -> pd.DataFrame:
    frame.require(("year", "coo_iso", "coa_iso", "procedure_type", "dec_level", "dec_pc", *DECISIONS))
    rows = frame.pairs(revision, vintage).assign(
        procedure_type=frame.codes("procedure_type", PROCEDURES, "not a procedure type"),
        decision_level=frame.codes("dec_level", None, "not a decision level"),
        basis=_basis(frame, "dec_pc"))
    for column, field in DECISIONS.items():
        rows[field] = frame.counts(column, required=True).astype("int64")
    frame.unique(rows, ["year", "origin_code", "asylum_code", "procedure_type", "decision_level", "basis"])
    return rows


def _basis(frame: Frame, column: str) -> np.ndarray:
    """P -> persons, C -> cases; anything else (an empty cell too) is an error: a row that
    cannot say which it counts could be added to the other."""
    codes = frame.codes(column, tuple(BASIS), "neither P (persons) nor C (cases)")
    return np.array([BASIS[c] for c in codes], dtype=object)


def flows(frame: Frame, revision: int, vintage: str) -> pd.DataFrame:
    return _long(frame, revision, vintage, FLOW_POPULATIONS, "population")


def solutions(frame: Frame, revision: int, vintage: str) -> pd.DataFrame:
    return _long(frame, revision, vintage, SOLUTIONS, "solution")


def _long(frame: Frame, revision: int, vintage: str, counts: tuple[str, ...], kind: str) -> pd.DataFrame:
    """One row per pair and non-empty, non-zero count; `kind` says which count it is."""
    frame.require(("year", "coo_iso", "coa_iso", *counts))
    pairs = frame.pairs(revision, vintage)
    frame.unique(pairs, ["year", "origin_code", "asylum_code"])
    parts = []
    for column in counts:
        values = frame.counts(column, required=False)
        kept = np.isfinite(values) & (values > 0)
        parts.append(pairs[kept].assign(**{kind: column, "persons": values[kept].astype("int64")}))
    return pd.concat(parts, ignore_index=True)


def demographics(frame: Frame, revision: int, vintage: str) -> pd.DataFrame:
    cells = {f"{s}_{a}": (sex, age) for s, sex in SEXES.items() for a, age in {**AGE_GROUPS, "total": "total"}.items()}
    frame.require(("year", "coo_iso", "coa_iso", "pop_type", "location", "loc_type", "acc_type", *cells, "total"))
    keys = frame.pairs(revision, vintage).assign(
        population=frame.codes("pop_type", DEMOGRAPHIC_POPULATIONS, "not one of UNHCR's population types"),
        location=frame.text("location"), location_type=frame.codes("loc_type", None, "not a location type"),
        accommodation_type=frame.codes("acc_type", None, "not an accommodation type"))
    frame.unique(keys, ["year", "origin_code", "asylum_code", "population", "location", "location_type",
                        "accommodation_type"])
    values = {column: frame.counts(column, required=True) for column in [*cells, "total"]}
    for s in SEXES:
        parts = sum(values[f"{s}_{a}"] for a in AGE_GROUPS)
        if (parts != values[f"{s}_total"]).any():
            frame.fail(f"the age groups do not add up to {s}_total", parts != values[f"{s}_total"], f"{s}_total")
    published = (values["f_total"] + values["m_total"]) > 0  # the sex and age breakdown exists
    parts = [keys.assign(sex="total", age_group="total", persons=values["total"].astype("int64"))]
    parts += [keys[published].assign(sex=sex, age_group=age, persons=values[column][published].astype("int64"))
              for column, (sex, age) in cells.items()]
    return pd.concat(parts, ignore_index=True)


READERS = {"asylum_applications": applications, "asylum_decisions": decisions, "flows": flows,
           "solutions": solutions, "demographics": demographics}
