"""Translated strings and number formats.

Strings live in i18n/<lang>.json plus any i18n/<lang>/*.json (one file per page or feature,
so pages can be added without touching a shared file). Adding French or Portuguese is a copy
of those files under fr/pt with LANGUAGES extended.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
# Plotly `separators`: decimal mark, then thousands separator.
SEPARATORS = {"en": ".,", "es": ",."}


@cache
def strings(lang: str) -> dict[str, str]:
    folder = resources.files("readside").joinpath("i18n")
    merged: dict[str, str] = json.loads(folder.joinpath(f"{lang}.json").read_text(encoding="utf-8"))
    extra = folder.joinpath(lang)
    if extra.is_dir():
        for part in sorted(extra.iterdir(), key=lambda p: p.name):
            if part.name.endswith(".json"):
                merged.update(json.loads(part.read_text(encoding="utf-8")))
    return merged


def language(value: object) -> str:
    """A supported language code; anything else (including hostile input) falls back to English."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def t(lang: str, key: str, **values: object) -> str:
    template = strings(language(lang)).get(key) or strings(DEFAULT_LANGUAGE)[key]
    return template.format(**values) if values else template


def decimal(value: float, lang: str, digits: int = 1) -> str:
    formatted = f"{value:,.{digits}f}"
    if language(lang) == "es":
        formatted = formatted.replace(",", "\u202f").replace(".", ",")
    return formatted


def people(value: float, lang: str) -> str:
    """78718404 -> '78.7 million' / '78,7 millones'."""
    if abs(value) >= 1_000_000:
        return t(lang, "number.million", value=decimal(value / 1_000_000, lang))
    if abs(value) >= 1_000:
        return t(lang, "number.thousand", value=decimal(value / 1_000, lang))
    return decimal(value, lang, 0)


def percent(value: float, lang: str, digits: int = 1, signed: bool = False) -> str:
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{decimal(value, lang, digits)}\u00a0%" if language(lang) == "es" else f"{sign}{decimal(value, lang, digits)}%"


def money(value: float, lang: str) -> str:
    """US dollars in words: 'US$ 15.3 billion' / 'US$ 15,3 mil millones' (Spanish "billón" is
    10^12, so a billion is "mil millones")."""
    if abs(value) >= 1e9:
        return t(lang, "number.usd_billion", value=decimal(value / 1e9, lang))
    if abs(value) >= 1e6:
        return t(lang, "number.usd_million", value=decimal(value / 1e6, lang))
    return t(lang, "number.usd", value=decimal(value, lang, 0))


def percent_of_gdp(value: float, lang: str) -> str:
    return t(lang, "number.percent_gdp", value=decimal(value, lang, 2))


def signed_people(value: float, lang: str) -> str:
    """Net migration: '+1.2 million' / '-350 thousand'."""
    return ("+" if value > 0 else "−" if value < 0 else "") + people(abs(value), lang)
