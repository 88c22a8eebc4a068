"""What a document is about: an area (M49 code), a grouping (oas, caricom, sica, can, mercosur)
or a theme of the Committee's work plan (data/briefs/themes.yaml), validated against the build;
the rosters (the 35 OAS member states, the member SIDS, the special situations' origins) and
area names in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from readside import groupings
from readside.queries import Database
from readside.text import language, name_column, strings, t

THEMES_FILE = Path(__file__).resolve().parents[2] / "data" / "briefs" / "themes.yaml"
OAS = "oas"
KINDS = ("area", "group", "theme")


class BriefError(ValueError):
    """A subject the build cannot write a brief about (unknown code, grouping or theme)."""

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values

    def message(self, lang: str) -> str:
        return t(lang, self.key, **self.values)


@dataclass(frozen=True)
class Subject:
    kind: str  # area | group | theme
    key: str  # "484", "caricom", "sids"

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.key}"

    @property
    def code(self) -> int:
        return int(self.key)


@cache
def theme_registry(path: Path = THEMES_FILE) -> dict:
    """The work plan's themes, the OAS member SIDS and the special situations' origins."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def themes() -> list[str]:
    return [theme["key"] for theme in theme_registry()["themes"]]


def theme_sources(key: str) -> list[str]:
    return next(theme["sources"] for theme in theme_registry()["themes"] if theme["key"] == key)


def parse_subject(db: Database, *, area: object = None, group: object = None, theme: object = None) -> Subject:
    """Exactly one of area (M49 country code), group or theme, validated against the build."""
    given = [(kind, value) for kind, value in zip(KINDS, (area, group, theme), strict=True) if value not in (None, "")]
    if len(given) != 1:
        raise BriefError("briefs.error.one_subject")
    kind, value = given[0]
    text = str(value).strip()[:40]
    if kind == "area":
        if not text.isdigit() or text not in {str(c) for c in country_codes(db)}:
            raise BriefError("briefs.error.area", value=text)
        return Subject("area", str(int(text)))
    if kind == "group":
        if text not in set(groupings.groupings(db)["grouping"]):
            raise BriefError("briefs.error.group", value=text)
        return Subject("group", text)
    if text not in themes():
        raise BriefError("briefs.error.theme", value=text, themes=", ".join(themes()))
    return Subject("theme", text)


def country_codes(db: Database) -> list[int]:
    return [c for (c,) in db.rows("SELECT code FROM area WHERE kind = 'country' ORDER BY code")]


def oas_members(db: Database) -> list[int]:
    """The roster: the 35 member states the Committee's documents speak of."""
    return [c for (c,) in db.rows("SELECT member_code FROM area_group WHERE grouping = ? AND roster ORDER BY 1", [OAS])]


def oas_sids(db: Database) -> list[int]:
    """The OAS member states on the UN's list of SIDS (checked against themes.yaml by the tests)."""
    return [c for (c,) in db.rows("SELECT code FROM area WHERE sids AND oas_member ORDER BY code")]


def codes_of_iso3(db: Database, iso3: Sequence[str]) -> list[int]:
    return [c for (c,) in db.rows("SELECT code FROM area WHERE iso3 IN (SELECT unnest(?)) ORDER BY code",
                                  [list(iso3)])]


def situation_codes(db: Database) -> dict[str, list[int]]:
    return {key: codes_of_iso3(db, iso3) for key, iso3 in theme_registry()["special_situations"].items()}


def names(db: Database, codes: Sequence[int], lang: str) -> dict[int, str]:
    """Each area's name in the reader's language (the whole small table is read: a document
    asks for names hundreds of times, and its Memo answers them from this one query)."""
    column = name_column(lang)
    frame = db.frame("SELECT code, name_en, name_es, name_fr, name_pt FROM area")
    found = dict(zip(frame["code"].astype(int), frame[column], strict=True))
    return {int(c): found[int(c)] for c in codes if int(c) in found}


def short_names(db: Database, codes: Sequence[int], lang: str) -> dict[int, str]:
    """Names for a chart's narrow labels: "Venezuela" for "República Bolivariana de Venezuela"
    where the strings files give a short form (documents.short.<M49>), else the area's name."""
    return {code: strings(language(lang)).get(f"documents.short.{code}") or name
            for code, name in names(db, codes, lang).items()}


def subject_title(db: Database, subject: Subject, lang: str) -> str:
    if subject.kind == "area":
        return names(db, [subject.code], lang)[subject.code]
    if subject.kind == "group":
        row = groupings.groupings(db).set_index("grouping").loc[subject.key]
        return str(row.get(f"name_{language(lang)}", row["name_en"]))
    return t(lang, f"briefs.theme.{subject.key}")


def loaded_sources(db: Database) -> set[str]:
    """Every source with a file behind this build (UN DESA, indicators, KNOMAD, OECD, IOM, IDMC)."""
    return {s for (s,) in db.rows("SELECT DISTINCT source FROM provenance")}
