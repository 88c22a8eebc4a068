"""Names of areas in the four languages, and where a text names one.

The area table's names, the groupings' names (the OAS = its 35 members) and data/scan/area_aliases.yaml
(Americas = 904 + 905; rest of the world = 900 − 904 − 905; demonyms as origins; names to ignore
such as "World Bank"). Built once per database build and kept (a few thousand names), not per request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

from readside import groupings, queries
from readside.queries import Database
from readside.scan.words import alternation, fold
from readside.text import LANGUAGES

ALIASES_FILE = Path(__file__).resolve().parents[2] / "data" / "scan" / "area_aliases.yaml"


@dataclass(frozen=True)
class Place:
    """An area (or an origin, or a name to ignore) named in the text."""

    start: int
    end: int
    areas: tuple[int, ...]
    minus: tuple[int, ...]
    labels: tuple[str, str, str, str]  # en, es, fr, pt
    role: str = "area"  # area | origin | ambiguous | ignore
    text: str = ""

    def shifted(self, offset: int) -> Place:
        return Place(self.start + offset, self.end + offset, self.areas, self.minus, self.labels, self.role, self.text)

    @property
    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return self.areas, self.minus


@dataclass(frozen=True)
class Lexicon:
    """Every name the scanner ties to areas: folded phrase -> (areas, minus, labels, role)."""

    entries: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[str, str, str, str], str]]
    pattern: re.Pattern

    @classmethod
    def of(cls, entries: dict) -> Lexicon:
        return cls(entries, re.compile(rf"(?<!\w)(?:{alternation(list(entries))})(?!\w)"))

    @classmethod
    def load(cls, db: Database) -> Lexicon:
        """The lexicon of the database's build, built on first use and kept for the next requests."""
        return _lexicon(queries.build_info(db)["build_id"], db)

    @classmethod
    def build(cls, db: Database) -> Lexicon:
        """The area table's names, the groupings' names and rosters, then the aliases file."""
        entries: dict = {}
        names = queries.area_names(db, queries.area_codes(db))
        for code, *labels in names.sort_values("code", ascending=False).itertuples(index=False):
            if code < 1000:  # countries, regions, subregions (the lowest code wins a shared name)
                for label in labels:
                    for name in _name_variants(str(label)):
                        entries[fold(name)] = ((int(code),), (), tuple(labels), "area")
        table = groupings.groupings(db)
        rosters = {g: tuple(int(c) for c, r in zip(m["member_code"], m["roster"], strict=True) if r)
                   for g in table["grouping"] for m in [groupings.members(db, g)]}
        for row in table.itertuples(index=False):
            labels = (row.name_en, row.name_es, row.name_fr, row.name_pt)
            for label in labels:
                for name in _name_variants(str(label)):
                    entries[fold(name)] = (rosters[row.grouping], (), labels, "area")
        labels_of = {int(code): tuple(str(v) for v in labels) for code, *labels in names.itertuples(index=False)}
        entries.update(_alias_entries(aliases(), rosters, labels_of))
        return cls.of(entries)

    def find(self, text: str) -> list[Place]:
        """Names in `text`, longest first; names to ignore ("World Bank") are dropped."""
        out = []
        for match in self.pattern.finditer(fold(text)):
            areas, minus, labels, role = self.entries[match.group()]
            out.append(Place(match.start(), match.end(), areas, minus, labels, role, text[match.start():match.end()]))
        return [p for p in out if p.role != "ignore"]


class _Keyed:
    """A database handle hashed by its build id, for the lexicon cache (the handle itself is not hashable)."""

    def __init__(self, build_id: str, db: Database):
        self.build_id, self.db = build_id, db

    def __hash__(self) -> int:
        return hash(self.build_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Keyed) and other.build_id == self.build_id


@lru_cache(maxsize=4)
def _cached(key: _Keyed) -> Lexicon:
    return Lexicon.build(key.db)


def _lexicon(build_id: str, db: Database) -> Lexicon:
    return _cached(_Keyed(build_id, db))


def _name_variants(name: str) -> list[str]:
    """'Venezuela (Bolivarian Republic of)' is also written 'Venezuela'."""
    short = re.sub(r"\s*\(.*?\)", "", name).strip()
    return [name] + ([short] if short and short != name else [])


@cache
def aliases() -> dict:
    return yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))


def _alias_entries(data: dict, rosters: dict[str, tuple[int, ...]], labels_of: dict[int, tuple]) -> dict:
    entries: dict = {}
    for item in data["areas"]:
        areas = rosters[item["grouping"]] if "grouping" in item else tuple(item["areas"])
        labels = tuple(item["label"][lang] for lang in LANGUAGES)
        entries.update({fold(n): (areas, tuple(item.get("minus", ())), labels, "area") for n in item["names"]})
    for item in data["origins"]:
        labels = tuple(_name_variants(n)[-1] for n in labels_of.get(item["code"], (item["names"][0],) * 4))
        entries.update({fold(n): ((item["code"],), (), labels, "origin") for n in item["names"]})
    entries.update({fold(n): ((), (), (n,) * 4, "ambiguous") for n in data["ambiguous"]})
    entries.update({fold(n): ((), (), (n,) * 4, "ignore") for n in data["ignore"]})
    return entries
