"""Translated strings and number formats.

Strings live in i18n/<lang>.json plus any i18n/<lang>/*.json (one file per page or feature,
so pages can be added without touching a shared file). Every language has the same keys with
the same {placeholders} (tests/test_i18n.py checks it).

Numbers are formatted with Babel from CLDR data, one locale per language: "es" (decimal comma,
"." grouping, 4-digit numbers not grouped), "fr" (decimal comma, narrow no-break space U+202F
grouping) and "pt_BR" (Brazilian Portuguese, the usage of the OAS's Portuguese documents:
"1.726.089", "bilhões" for 10^9). Large amounts are written with words from the string files
("78,7 millions", "US$ 15,3 bilhões"); Spanish never says "billón" (10^12) for 10^9.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from importlib import resources

from babel import Locale
from babel.numbers import format_compact_decimal, format_decimal, parse_pattern

LANGUAGES = ("en", "es", "fr", "pt")
DEFAULT_LANGUAGE = "en"
# Each language's name in that language, for the language switch.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}
# Accessible name of the language switch, in the page's language.
LANGUAGE_SWITCH_LABEL = {"en": "Language", "es": "Idioma", "fr": "Langue", "pt": "Idioma"}
# CLDR locale behind each language's number formats.
LOCALES = {"en": "en", "es": "es", "fr": "fr", "pt": "pt_BR"}
# CLDR's minimumGroupingDigits where it is not 1 (Babel does not apply it): Spanish writes
# "1234" but "12.345".
MIN_GROUPING_DIGITS = {"es": 2}
# Plotly `separators`: decimal mark, then thousands separator (the same symbols as CLDR's,
# except Spanish charts group 4-digit axis labels too: plotly has no minimum grouping).
SEPARATORS = {"en": ".,", "es": ",.", "fr": ",\u202f", "pt": ",."}


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


def name_column(lang: str) -> str:
    """The area-name column for a language: 'name_en', 'name_es', 'name_fr', 'name_pt'."""
    return f"name_{language(lang)}"


def t(lang: str, key: str, **values: object) -> str:
    template = strings(language(lang)).get(key) or strings(DEFAULT_LANGUAGE)[key]
    return template.format(**values) if values else template


def decimal(value: float, lang: str, digits: int = 1) -> str:
    """1726089.4 -> '1,726,089.4' / '1.726.089,4' / '1 726 089,4' (U+202F) / '1.726.089,4'."""
    lang = language(lang)
    # Round as Python does (as before Babel), then let CLDR place the symbols.
    rounded = Decimal(f"{value:.{digits}f}")
    pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
    grouped = abs(rounded) >= 10 ** (2 + MIN_GROUPING_DIGITS.get(lang, 1))
    return format_decimal(rounded, format=pattern, locale=LOCALES[lang], group_separator=grouped)


@cache
def _percent_affixes(lang: str) -> tuple[str, str]:
    """CLDR's percent sign and spacing: '7.2%', '7,2 %' (U+00A0, es and fr), '7,2%' (pt)."""
    pattern = parse_pattern(_locale(lang).percent_formats[None].pattern)
    return pattern.prefix[0], pattern.suffix[0]


def people(value: float, lang: str) -> str:
    """78718404 -> '78.7 million' / '78,7 millones' / '78,7 millions' / '78,7 milhões'."""
    if _shown(abs(value) / 1e3, 1) >= 1_000:  # 999,960 is '1.0 million', not '1,000.0 thousand'
        return _counted(lang, "number.million", value / 1e6)
    if _shown(abs(value), 0) >= 1_000:
        return _counted(lang, "number.thousand", value / 1e3)
    return decimal(value, lang, 0)


def _shown(value: float, digits: int) -> float:
    """The value as it will be displayed with `digits` decimals (picks the unit after rounding)."""
    return float(f"{value:.{digits}f}")


def _counted(lang: str, key: str, value: float, digits: int = 1) -> str:
    """`key` with its number; French and Portuguese take the singular below 2 ("1,5 million",
    "1,5 milhão"): a language may add a "<key>#one" variant, chosen by CLDR's plural rules."""
    lang = language(lang)
    shown = decimal(value, lang, digits)
    singular = f"{key}#one"
    if singular in strings(lang) and _plural_form(lang, Decimal(f"{abs(value):.{digits}f}")) == "one":
        key = singular
    return t(lang, key, value=shown)


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


def _plural_form(lang: str, number: Decimal) -> str:
    return _locale(lang).plural_form(number)


def percent(value: float, lang: str, digits: int = 1, signed: bool = False) -> str:
    """A value already in percent: 7.2 -> '7.2%' / '7,2 %' / '7,2 %' / '7,2%'."""
    sign = "+" if signed and value > 0 else ""
    prefix, suffix = _percent_affixes(language(lang))
    return f"{sign}{prefix}{decimal(value, lang, digits)}{suffix}"


def money(value: float, lang: str) -> str:
    """US dollars in words: 'US$ 15.3 billion' / 'US$ 15,3 mil millones' (Spanish "billón" is
    10^12, so a billion is "mil millones") / 'US$ 15,3 milliards' / 'US$ 15,3 bilhões'."""
    if _shown(abs(value) / 1e6, 1) >= 1_000:
        return _counted(lang, "number.usd_billion", value / 1e9)
    if _shown(abs(value), 0) >= 1_000_000:
        return _counted(lang, "number.usd_million", value / 1e6)
    return t(lang, "number.usd", value=decimal(value, lang, 0))


def percent_of_gdp(value: float, lang: str) -> str:
    return t(lang, "number.percent_gdp", value=decimal(value, lang, 2))


def signed_people(value: float, lang: str) -> str:
    """Net migration: '+1.2 million' / '-350 thousand'."""
    return ("+" if value > 0 else "−" if value < 0 else "") + people(abs(value), lang)


def compact(value: float, lang: str) -> str:
    """A chart's tick label in CLDR's short form: '60B' / '60 mil M' / '60 Md' / '60 bi',
    '1.5M' / '1,5 M' / '1,5 M' / '1,5 mi' (never plotly's English/SI '60B' or '60G')."""
    text = format_compact_decimal(abs(value), locale=LOCALES[language(lang)], fraction_digits=1)
    return ("\u2212" if value < 0 else "") + text


# English puts "the" before these names inside a sentence ("In 2024, the United States of America
# was home to..."); Spanish, French and Portuguese templates are written so the name needs none.
_ARTICLE_EN = ("United ", "Dominican Republic", "Central African Republic", "Bahamas", "Netherlands", "Philippines",
               "Maldives", "Comoros", "Seychelles", "Gambia", "Caribbean", "Americas", "OAS member states",
               "Andean Community", "Russian Federation", "Republic of ", "Czech Republic", "State of Palestine",
               "Holy See")


def in_sentence(name: str, lang: str) -> str:
    """An area's name as it stands inside an English sentence: 'the United States of America',
    'the Cayman Islands', 'the OAS member states'; unchanged in other languages."""
    if language(lang) != "en" or name.startswith("the "):
        return name
    needs = name.startswith(_ARTICLE_EN) or name.endswith(("Islands", "Islands (Malvinas)", "Islands (British)"))
    return f"the {name}" if needs else name


def capitalised(text: str) -> str:
    """The first letter in capitals, the rest untouched: a sentence that starts with a
    placeholder ('{publisher} publishes…' -> 'El Banco Mundial no publica…')."""
    return text[:1].upper() + text[1:]


def round_figure(value: float, lang: str, *, usd: bool = False) -> str:
    """A round number as a person writes it, with no decimal it does not need: '1 million',
    '50 thousand', '2.5 million', 'US$ 1 billion' (a map's class breaks), never '920.0 thousand'."""
    for limit, key in ((1e9, "number.usd_billion"), (1e6, "number.usd_million" if usd else "number.million"),
                       (1e3, None if usd else "number.thousand")):
        if key and abs(value) >= limit and (usd or limit < 1e9):
            scaled = value / limit
            return _counted(lang, key, scaled, 0 if float(scaled).is_integer() else 1)
    return t(lang, "number.usd", value=decimal(value, lang, 0)) if usd else decimal(value, lang, 0)
