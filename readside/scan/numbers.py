"""Numbers as a paragraph writes them, read in the locale of the clause they sit in.

Babel parses the digits in the CLDR locale ("12,5" es/fr/pt, "7.2" en, "1 234" fr with any kind
of space, "70.369" es = 70 369); a number written in another locale's style does not parse and
is reported, never guessed. Scale words (million, mil millones, milliards, bilhões, thousand),
percent signs and words, money ("US$", "dólares") and multiples ("tres veces") give the unit the
claims registry uses: persons in millions, money in billions of US$, percent, times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal

from readside.scan.words import (
    ARTICLES,
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    MULTIPLES,
    PERCENT,
    QUALIFIERS,
    SCALES,
    TIMES,
    alternation,
    fold,
    folded_table,
    qualifier_of,
)
from readside.text import LOCALES, language

FIRST_YEAR, LAST_YEAR = 1950, 2039


@dataclass(frozen=True)
class Number:
    """A statistic as written: its span (qualifier to unit), value in the registry's unit, precision.

    `num_start`/`num_end` frame the digits alone and `power` is the scale word's power of ten
    (0: none), so the refreshed paragraph can rewrite the digits in the writer's own scale."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # million | percent | billion US$ | times | plain (no scale word, no unit)
    decimals: int
    qualifier: str
    problem: str | None = None  # why it cannot be read (reason key), if so
    num_start: int = 0
    num_end: int = 0
    power: int = 0
    lang: str = "en"
    negative: bool = False

    def shifted(self, offset: int) -> Number:
        return replace(self, start=self.start + offset, end=self.end + offset, num_start=self.num_start + offset,
                       num_end=self.num_end + offset)


def parse_number(text: str, lang: str) -> tuple[float, int]:
    """'12,5' es -> (12.5, 1); '1 234,5' fr -> (1234.5, 1); '7.2' en -> (7.2, 1). Raises ValueError."""
    locale = LOCALES[language(lang)]
    if language(lang) == "fr":
        text = re.sub(r"(?<=\d)[ \u00a0](?=\d{3})", "\u202f", text)
    try:
        value = parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError as exc:
        raise ValueError(str(exc)) from None
    mark = get_decimal_symbol(locale)
    decimals = len(text.rsplit(mark, 1)[1]) if mark in text else 0
    return float(value), decimals


@cache
def _pattern(lang: str) -> re.Pattern:
    group = r"[ ,.\u00a0\u202f]" if language(lang) == "fr" else r"[,.]"
    qualifiers = alternation([w for words in QUALIFIERS.values() for w in words])
    scales = alternation(list(SCALES))
    number = rf"\d{{1,3}}(?:{group}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
    return re.compile(
        rf"(?:(?<!\w)(?P<qual>{qualifiers})(?:\s+{ARTICLES})?\s+)?(?P<cur>{CURRENCY_BEFORE})?\s?(?P<sign>(?<![\w\d])[-−])?"
        rf"(?<![\w.,/])(?P<num>{number})(?![\w/]|[.,]\d)(?P<scale>\s+(?:{scales})(?!\w))?"
        rf"(?P<pct>{PERCENT})?(?P<cur2>\s+{fold(CURRENCY_AFTER)}(?!\w))?"
    )


@cache
def _multiple_pattern() -> re.Pattern:
    return re.compile(rf"(?:(?<!\w)(?P<qual>{alternation(QUALIFIERS['around'])})\s+)?(?<!\w)"
                      rf"(?P<num>{alternation(list(MULTIPLES))}|\d+)\s+(?:{TIMES})(?!\w)")


def find_numbers(text: str, lang: str) -> list[Number]:
    """Every number in `text` (a clause), years and days of the month included (told apart later)."""
    folded = fold(text)
    lang = language(lang)
    found = [_number(text, m, lang) for m in _pattern(lang).finditer(folded)]
    multiples = [_multiple(text, m, lang) for m in _multiple_pattern().finditer(folded)]
    taken = [(m.start, m.end) for m in multiples]
    return sorted(multiples + [n for n in found if not any(a <= n.start < b for a, b in taken)], key=lambda n: n.start)


def _multiple(text: str, match: re.Match, lang: str) -> Number:
    word = match["num"]
    value = float(word) if word.isdigit() else float(folded_table("multiples")[word])
    return Number(match.start(), match.end(), text[match.start():match.end()], value, "times", 0, "derived",
                  num_start=match.start("num"), num_end=match.end("num"), lang=lang)


def _number(text: str, match: re.Match, lang: str) -> Number:
    raw = text[match.start():match.end()]
    start = match.start() + (len(raw) - len(raw.lstrip()))
    qualifier = qualifier_of(match["qual"])
    digits = {"num_start": match.start("num"), "num_end": match.end("num"), "lang": lang,
              "negative": match["sign"] is not None}
    try:
        value, decimals = parse_number(text[match.start("num"):match.end("num")], lang)
    except ValueError:
        return Number(start, match.end(), raw.strip(), 0.0, "plain", 0, qualifier, problem="number", **digits)
    power = folded_table("scales")[" ".join(match["scale"].split())] if match["scale"] else 0
    unit, value, decimals = _unit(value, decimals, power, bool(match["pct"]), bool(match["cur"] or match["cur2"]))
    return Number(start, match.end(), raw.strip(), value, unit, decimals, qualifier, power=power, **digits)


def _unit(value: float, decimals: int, power: int, percent: bool, money: bool) -> tuple[str, float, int]:
    """The registry's unit: persons in millions, money in billions of US$, percent."""
    if percent:
        return "percent", value, decimals
    if money:
        shift = 9 - power
        return "billion US$", value / 10**shift, max(0, decimals + shift)
    if power:
        shift = 6 - power
        return "million", value / 10**shift, max(0, decimals + shift)
    return "plain", value, decimals


def as_persons(number: Number) -> Number:
    """'1,726,089 migrants': a count of persons, in the registry's millions (exact to the person)."""
    return replace(number, unit="million", value=number.value / 1e6, decimals=min(6, number.decimals + 6))


def is_year(number: Number) -> bool:
    return number.unit == "plain" and number.decimals == 0 and re.fullmatch(r"\d{4}", number.text) is not None \
        and FIRST_YEAR <= number.value <= LAST_YEAR and number.qualifier == "exact" and not number.negative
