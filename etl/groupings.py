"""Groupings as data: data/groupings/<key>.yaml -> the `grouping` and `area_group` tables.

Each file names one organisation (in four languages), the page where it states its members,
and the members by ISO3 with `since`, optional `until` and `note` where membership changed or
is disputed, and `roster` (default: still a member) for who counts among "the members" by
default. A grouping is also an area (kind 'grouping', code 98xx) so that every area picker,
extract and claim can name it; its figures are always sums of its members' published figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry
import yaml

from etl.claims import LANGUAGES, registry_digest, registry_files
from etl.errors import ValidationFailed

GROUPINGS_DIR = Path(__file__).resolve().parents[1] / "data" / "groupings"


def groupings_digest(directory: Path = GROUPINGS_DIR) -> str:
    """sha256 over the grouping files, so editing a membership triggers a rebuild (the claims
    registry's digest, over another folder of YAML files)."""
    return registry_digest(directory)


def load_groupings(directory: Path = GROUPINGS_DIR) -> dict[str, pd.DataFrame]:
    """{'grouping': one row per organisation, 'area_group': one row per member}."""
    groupings, members = [], []
    for path in registry_files(directory):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        groupings.append(_grouping_row(document, path))
        members += [_member_row(document["grouping"], member, path) for member in document["members"]]
    return {"grouping": pd.DataFrame(groupings), "area_group": pd.DataFrame(members)}


def _grouping_row(document: dict, path: Path) -> dict:
    missing = [lang for lang in LANGUAGES if not document.get("name", {}).get(lang)
               or not document.get("roster_note", {}).get(lang)]
    if missing:
        raise ValidationFailed("grouping", f"{path.name}: name or roster_note missing in {missing}")
    return {"grouping": document["grouping"], "code": int(document["code"]), "source": document["source"],
            **{f"name_{lang}": document["name"][lang] for lang in LANGUAGES},
            **{f"roster_note_{lang}": document["roster_note"][lang] for lang in LANGUAGES}}


def _member_row(grouping: str, member: dict, path: Path) -> dict:
    country = pycountry.countries.get(alpha_3=str(member.get("iso3")))
    if country is None:
        raise ValidationFailed("area_group", f"{path.name}: {member.get('iso3')!r} is not an ISO 3166 alpha-3 code")
    until = member.get("until")
    return {"grouping": grouping, "member_code": int(country.numeric), "since": str(member["since"]),
            "until": None if until is None else str(until), "roster": bool(member.get("roster", until is None)),
            "note": member.get("note")}


def roster_iso3(grouping: str, directory: Path = GROUPINGS_DIR) -> frozenset[str]:
    """ISO3 codes of a grouping's roster (the OAS's 35 member states...): the one list the area
    table's `oas_member` flag and the grouping sums both read."""
    document = yaml.safe_load((directory / f"{grouping}.yaml").read_text(encoding="utf-8"))
    return frozenset(m["iso3"] for m in document["members"] if m.get("roster", m.get("until") is None))


def grouping_areas(groupings: pd.DataFrame) -> pd.DataFrame:
    """The groupings as rows of the area table (kind 'grouping', outside the M49 hierarchy)."""
    return pd.DataFrame({"code": groupings["code"], "iso3": None,
                         **{f"name_{lang}": groupings[f"name_{lang}"] for lang in LANGUAGES},
                         "kind": "grouping", "region": None, "subregion": None, "oas_member": False, "sids": False})
