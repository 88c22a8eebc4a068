"""The area dimension: M49 codes, names in the four languages, hierarchy and flags.

Kinds and hierarchy come from the order of the publisher's stock table itself: geographic
regions are printed in capitals, a subregion is an aggregate followed by countries, countries
carry M49 codes below 900. ISO3 comes from pycountry (ISO 3166-1); country names in Spanish,
French and Portuguese from CLDR through Babel; OAS and SIDS membership from etl/reference/areas.yaml.
"""

from __future__ import annotations

import gettext
import re
from functools import cache
from importlib import resources

import pandas as pd
import pycountry
import yaml
from babel import Locale

from etl.groupings import roster_iso3

WORLD = 900
LATIN_AMERICA_AND_CARIBBEAN = 904
NORTHERN_AMERICA = 905
# The UN's "Americas" = Latin America and the Caribbean + Northern America (incl. territories
# such as Puerto Rico, Aruba, Bermuda, unlike the 35 OAS member states).
AMERICAS_PARTS = (LATIN_AMERICA_AND_CARIBBEAN, NORTHERN_AMERICA)
CARIBBEAN, CENTRAL_AMERICA, SOUTH_AMERICA = 915, 916, 931
AMERICAS_SUBREGIONS = (CARIBBEAN, CENTRAL_AMERICA, SOUTH_AMERICA, NORTHERN_AMERICA)
KINDS = ("world", "region", "subregion", "country", "sdg_region", "development_group", "income_group", "residual",
         "grouping")
AREA_COLUMNS = ["code", "iso3", "name_en", "name_es", "name_fr", "name_pt", "kind", "region", "subregion",
                "oas_member", "sids"]
_SMALL_WORDS = {"and", "the", "of", "excluding"}


@cache
def reference() -> dict:
    text = resources.files("etl").joinpath("reference/areas.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def known_codes() -> frozenset[int]:
    """Every M49 code the project can name: ISO 3166-1 countries, the reference's extra areas
    (e.g. Channel Islands 830) and the aggregates it translates. A code outside it is a
    publisher change to look at, not a new area to invent."""
    ref = reference()
    extra = {int(k) for k in (*ref["aggregate_names_es"], *ref["country_names_es"])}
    residual = {int(r["code"]) for r in ref["residual_areas"]}
    return frozenset({int(c.numeric) for c in pycountry.countries} | extra | residual)


@cache
def residual_code(key: str) -> int:
    """Explicit code of a publisher's non-area origin or destination (UNHCR 'UNK', KNOMAD
    'OTHER_NORTH'...), from etl/reference/areas.yaml; KeyError for a key not listed there."""
    return {r["key"]: int(r["code"]) for r in reference()["residual_areas"]}[key]


def residual_areas() -> pd.DataFrame:
    """The residual origins/destinations as area rows (kind 'residual', no parent)."""
    rows = [{"code": int(r["code"]), "iso3": None, **{f"name_{lang}": r[f"name_{lang}"] for lang in ("en", "es", "fr", "pt")},
             "kind": "residual", "region": None, "subregion": None, "oas_member": False, "sids": False}
            for r in reference()["residual_areas"]]
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


def display_name(name: str) -> str:
    """'LATIN AMERICA AND THE CARIBBEAN' -> 'Latin America and the Caribbean'; others unchanged."""
    if not name.isupper():
        return name
    words = name.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def aggregate_kind(name: str, next_is_country: bool) -> str:
    if name.isupper():
        return "region"
    if next_is_country:
        return "subregion"
    if "income" in name.lower():
        return "income_group"
    if re.search(r"develop|land-locked|small island|LLDC|SIDS", name, re.IGNORECASE):
        return "development_group"
    return "sdg_region"


def classify(areas: pd.DataFrame) -> pd.DataFrame:
    """Kind, region and subregion of each area of one revision, from the sheet order."""
    codes, names = areas["code"].tolist(), areas["name"].tolist()
    rows, region, subregion = [], None, None
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        next_is_country = i + 1 < len(codes) and codes[i + 1] < WORLD
        if code == WORLD:
            rows.append((code, name, "world", None, None))
            continue
        if code < WORLD:
            rows.append((code, name, "country", region, subregion))
            continue
        kind = aggregate_kind(name, next_is_country)
        if kind == "region":
            region, subregion = code, code if next_is_country else None
            rows.append((code, name, kind, None, None))
        elif kind == "subregion":
            subregion = code
            rows.append((code, name, kind, region, None))
        else:
            region = subregion = None
            rows.append((code, name, kind, None, None))
    return pd.DataFrame(rows, columns=["code", "name", "kind", "region", "subregion"])


@cache
def _spanish() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)


def iso_country(code: int) -> tuple[str | None, str | None]:
    """(ISO3, Spanish name) for an M49 country code, or (None, None) where ISO has none. The
    Spanish name is the OAS's short name where the Committee's documents use one ('Suriname',
    'Saint Kitts y Nevis'), else CLDR's through Babel, as in French and Portuguese ('Bolivia',
    'Venezuela', not ISO's 'Estado Plurinacional de Bolivia'); ISO's translation only where
    CLDR has none."""
    country = pycountry.countries.get(numeric=f"{code:03d}")
    if country is None:
        return None, None
    oas = reference().get("oas_short_names_es", {})
    name = oas.get(code) or cldr_country_name(code, "es") or natural_order(_spanish().gettext(country.name))
    return country.alpha_3, name


@cache
def _cldr(lang: str) -> Locale:
    return Locale.parse({"es": "es", "fr": "fr", "pt": "pt_BR"}[lang])


def cldr_country_name(code: int, lang: str) -> str | None:
    """Spanish, French or (Brazilian) Portuguese name of an M49 country code from CLDR (through
    Babel): the short names people write ('Bolivie', 'Estados Unidos'), not ISO's inverted forms."""
    country = pycountry.countries.get(numeric=f"{code:03d}")
    return _cldr(lang).territories.get(country.alpha_2) if country else None


def other_language_names(code: int, kind: str, name_en: str) -> dict[str, str]:
    """name_fr and name_pt of an area: CLDR for countries, the reference for aggregates."""
    ref = reference()
    out = {}
    for lang in ("fr", "pt"):
        named = cldr_country_name(code, lang) if kind == "country" else None
        out[f"name_{lang}"] = named or ref[f"aggregate_names_{lang}"].get(code) or name_en
    return out


def natural_order(name: str) -> str:
    """ISO's inverted form to the one people write: 'Bolivia, Estado Plurinacional de' ->
    'Estado Plurinacional de Bolivia'."""
    head, sep, tail = name.partition(", ")
    if sep and tail.split()[-1] in {"de", "del", "de la", "la"}:
        return f"{tail} {head}"
    return name


def build_area_dimension(per_revision: dict[int, pd.DataFrame]) -> pd.DataFrame:
    """One row per M49 code across revisions; the latest revision's name and hierarchy win."""
    ref = reference()
    oas = roster_iso3("oas")
    sids = set(ref["small_island_developing_states"]["m49"])
    names_es = {int(k): v for k, v in {**ref["aggregate_names_es"], **ref["country_names_es"]}.items()}
    merged: dict[int, tuple] = {}
    for revision in sorted(per_revision, reverse=True):
        for row in classify(per_revision[revision]).itertuples(index=False):
            merged.setdefault(int(row.code), row)
    records = []
    for code, row in sorted(merged.items()):
        iso3, name_es = iso_country(code) if row.kind == "country" else (None, None)
        name_en = display_name(row.name)
        records.append(
            {
                "code": code,
                "iso3": iso3,
                "name_en": name_en,
                "name_es": names_es.get(code) or name_es or name_en,
                **other_language_names(code, row.kind, name_en),
                "kind": row.kind,
                "region": _int_or_none(row.region),
                "subregion": _int_or_none(row.subregion),
                "oas_member": iso3 in oas,
                "sids": code in sids,
            }
        )
    frame = pd.concat([pd.DataFrame.from_records(records, columns=AREA_COLUMNS), residual_areas()],
                      ignore_index=True)
    return frame.astype({"region": "Int64", "subregion": "Int64"})


def add_countries_beyond(areas: pd.DataFrame, codes: set[int]) -> pd.DataFrame:
    """The area table plus ISO 3166 countries that another publisher reports but UN DESA's
    destination tables do not list (WPP's Guernsey and Jersey beside DESA's Channel Islands):
    named from ISO 3166 and placed in no region, so no regional sum picks them up twice."""
    missing = sorted(codes - set(areas["code"]))
    rows = []
    for code in missing:
        country = pycountry.countries.get(numeric=f"{code:03d}")
        if country is None:
            continue  # not a country: the validation names it
        iso3, name_es = iso_country(code)
        name_en = getattr(country, "common_name", country.name)
        rows.append({"code": code, "iso3": iso3, "name_en": name_en, "name_es": name_es,
                     **other_language_names(code, "country", name_en), "kind": "country", "region": None, "subregion": None,
                     "oas_member": iso3 in roster_iso3("oas"), "sids": False})
    if not rows:
        return areas
    extra = pd.DataFrame(rows, columns=AREA_COLUMNS).astype({"region": "Int64", "subregion": "Int64"})
    return pd.concat([areas, extra], ignore_index=True).sort_values("code", ignore_index=True)


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type]
