"""Load the claims registry (data/claims/*.yaml) into two tidy tables, `claim` and `claim_figure`.

One YAML file per document: `document` (id, title, date, language, symbol) and its `claims`.
Each claim: id, quote (exact), cited_source, cited_revision, optional `sentence` templates (en,
es, fr, pt) for the refreshed sentence, and `figures`. Each figure: id, metric (schemas/claim.py
METRICS: UN DESA's stock, change and shares, and every series of the other publishers the
paragraph checker reads), areas (M49 codes summed), value, unit, decimals; optional year,
base_year (changes), minus_areas (rest of world = [900] minus [904, 905]), origin_areas (UNHCR by
origin or corridor, KNOMAD corridor), detail (OECD kind of inflow, IDMC cause, IOM route: DETAILS),
sex (total), qualifier (exact, around, nearly, more than, less than, derived), refresh (quoted:
keep the year; latest: move to the latest year), part_of (the figure id of a stated total) and
checkable_with (which source would check a figure no loaded source publishes). Adding a claim is
adding YAML, never code; `migdash claims scan --save-yaml` writes one from a paragraph.

The templates may only use placeholders for the claim's own figures ({figure_id},
{figure_id_year}) and {revision}: anything else is rejected here, at build time, not when a
user opens the page. The pandera schemas in schemas/claim.py then validate both tables.
"""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

import pandas as pd
import yaml

from etl.errors import ValidationFailed

CLAIMS_DIR = Path(__file__).resolve().parents[1] / "data" / "claims"
LANGUAGES = ("en", "es", "fr", "pt")  # the OAS's four official languages
FIGURE_DEFAULTS = {"sex": "total", "qualifier": "exact", "refresh": "quoted", "areas": None, "minus_areas": None,
                   "origin_areas": None, "detail": None, "year": None, "base_year": None, "part_of": None,
                   "checkable_with": None}


def registry_files(directory: Path = CLAIMS_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def registry_digest(directory: Path = CLAIMS_DIR) -> str:
    """sha256 over the registry files, so editing a claim triggers a rebuild."""
    digest = hashlib.sha256()
    for path in registry_files(directory):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_registry(directory: Path = CLAIMS_DIR) -> dict[str, pd.DataFrame]:
    """{'claim': ..., 'claim_figure': ...} from every YAML file in `directory`."""
    claims, figures = [], []
    for path in registry_files(directory):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        meta = document["document"]
        for claim in document["claims"]:
            claims.append(_claim_row(meta, claim))
            figures += [_figure_row(claim["id"], figure) for figure in claim["figures"]]
            _check_placeholders(path, claim)
    claim_frame = pd.DataFrame(claims)
    figure_frame = pd.DataFrame(figures).astype({"year": "Int64", "base_year": "Int64"})
    return {"claim": claim_frame, "claim_figure": figure_frame}


def _claim_row(meta: dict, claim: dict) -> dict:
    sentence = claim.get("sentence") or {}
    return {
        "claim_id": claim["id"],
        "document_id": meta["id"],
        "document_title": meta["title"],
        "document_date": str(meta["date"]),
        "document_language": meta.get("language", "en"),
        "document_symbol": meta.get("symbol"),
        "quote": " ".join(claim["quote"].split()),
        "cited_source": claim["cited_source"],
        "cited_revision": claim["cited_revision"],
        **{f"sentence_{lang}": _squash(sentence.get(lang)) for lang in LANGUAGES},
    }


def _squash(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _codes(values: list[int] | None) -> str | None:
    return ",".join(str(int(v)) for v in values) if values else None


KNOWN_FIGURE_KEYS = {"id", "metric", "areas", "value", "unit", "decimals", *FIGURE_DEFAULTS}


def _figure_row(claim_id: str, figure: dict) -> dict:
    unknown = set(figure) - KNOWN_FIGURE_KEYS
    if unknown:
        raise ValidationFailed("claim_figure", f"claim {claim_id}, figure {figure.get('id')}: unknown keys {sorted(unknown)}")
    row = {**FIGURE_DEFAULTS, **figure}
    return {
        "claim_id": claim_id,
        "figure_id": row["id"],
        "metric": row["metric"],
        "areas": _codes(row["areas"]),
        "minus_areas": _codes(row["minus_areas"]),
        "origin_areas": _codes(row["origin_areas"]),
        "detail": row["detail"],
        "year": row["year"],
        "base_year": row["base_year"],
        "refresh": row["refresh"],
        "sex": row["sex"],
        "value": float(row["value"]),
        "unit": row["unit"],
        "decimals": int(row["decimals"]),
        "qualifier": row["qualifier"],
        "part_of": row["part_of"],
        **_localized("checkable_with", row["checkable_with"], claim_id, row["id"]),
    }


def _localized(key: str, value: object, claim_id: str, figure_id: str) -> dict[str, str | None]:
    """A text given as a string (English) or as {en, es, fr, pt}: columns `key`, `key_es`, `key_fr`, `key_pt`."""
    others = LANGUAGES[1:]
    if value is None or isinstance(value, str):
        return {key: value, **{f"{key}_{lang}": None for lang in others}}
    if isinstance(value, dict) and set(value) <= set(LANGUAGES) and "en" in value:
        return {key: value["en"], **{f"{key}_{lang}": value.get(lang) for lang in others}}
    raise ValidationFailed("claim_figure", f"claim {claim_id}, figure {figure_id}: {key} must be text or {{en, es, fr, pt}}")


def _check_placeholders(path: Path, claim: dict) -> None:
    allowed = {"revision"} | {f["id"] for f in claim["figures"]} | {f"{f['id']}_year" for f in claim["figures"]}
    for lang, template in (claim.get("sentence") or {}).items():
        used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        unknown = used - allowed
        if unknown:
            raise ValidationFailed("claim", f"{path.name}, claim {claim['id']}, sentence {lang}: unknown placeholders {sorted(unknown)}")
