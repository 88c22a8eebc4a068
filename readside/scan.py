"""The paragraph checker: find every statistic in a paragraph and check it as a registry claim.

Why: concept papers carry many figures per paragraph ("73.5 million … 58.7 million … 12.5
million"); turning each into registry YAML by hand before it can be checked is slow. The scanner
reads a paragraph in English, Spanish, French or Portuguese, turns each figure into the same
figure row as data/claims/*.yaml (metric, areas, minus_areas, year, base_year, sex, value, unit,
decimals, qualifier, part_of) and hands it to readside.claims: same statuses, same tolerance,
same internal consistency. There is no second checker here.

Never guessed: a figure whose area, year or metric the text does not state is listed as
`not understood`, with the reason. The rules, one sentence at a time:
- numbers in the paragraph's CLDR locale (Babel: "12,5" es/fr/pt, "7.2" en, "1 234" fr), with
  scale words (million, mil millones, milliards, bilhões, thousand…), "%" / "per cent" / "por
  ciento", money ("US$", "dólares") and multiples ("three times", "tres veces");
- qualifiers before the number ("around", "casi el", "plus de", "quase") as in the registry;
- area: a name (area table, groupings, data/scan/area_aliases.yaml) in the text between this
  figure and the next, else between the previous figure and this one, else the nearest before it;
  a demonym or "from X" there makes the figure one by origin (not understood);
- year: the nearest 4-digit year; a change takes "between 2000 and 2019" or the years of the
  stock figures of the same area in the sentence;
- metric from keywords near the figure, then in the sentence (migrants → stock; increase →
  change; remittances → remittances, refugees → refugees, % of the population → share).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal

from readside import claims, groupings, queries
from readside.claims import COMPUTABLE, Context, FigureCheck, format_value, notes_text
from readside.queries import Database
from readside.text import LANGUAGES, LOCALES, language, t
from schemas.claim import METRICS

MAX_CHARS = 20_000
NOT_UNDERSTOOD = "not understood"
ALIASES_FILE = Path(__file__).resolve().parents[1] / "data" / "scan" / "area_aliases.yaml"
EXTRA_COLUMNS = ["sentence_number", "metric", "area", "year", "base_year", "sex"]
COLUMNS = claims.REPORT_COLUMNS + EXTRA_COLUMNS


class TextTooLong(ValueError):
    """More than MAX_CHARS characters: the page and the command say so instead of scanning."""


# ---- the words of the four languages ----

QUALIFIERS = {
    "around": ["around", "about", "approximately", "roughly", "some", "close to", "alrededor de", "aproximadamente",
               "unos", "unas", "cerca de", "en torno a", "environ", "approximativement", "autour de", "quelque",
               "em torno de", "por volta de"],
    "nearly": ["nearly", "almost", "just under", "casi", "poco menos de", "près de", "presque", "quase"],
    "more than": ["more than", "over", "above", "in excess of", "más de", "por encima de", "plus de", "au-delà de",
                  "mais de", "acima de"],
    "less than": ["less than", "fewer than", "under", "menos de", "moins de"],
}
ARTICLES = r"(?:el|la|los|las|del|de|le|les|o|a|os|as|the)"
SCALES = {  # word -> power of ten
    "mil millones": 9, "miles de millones": 9, "mil milhões": 9, "billion": 9, "billions": 9, "milliard": 9,
    "milliards": 9, "bilhão": 9, "bilhões": 9, "million": 6, "millions": 6, "millón": 6, "millones": 6,
    "milhão": 6, "milhões": 6, "thousand": 3, "mil": 3, "mille": 3, "milliers": 3,
}
PERCENT = r"\s?%|\s+per\s?cent|\s+percent|\s+por\s+ciento|\s+pour\s?cent|\s+por\s+cento"
CURRENCY_BEFORE = r"us\s?\$|usd|\$"  # matched on folded (lower-case) text
CURRENCY_AFTER = r"(?:de\s+)?(?:US\s?dollars|dollars|dólares|USD|US\$)"
MULTIPLES = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
             "diez": 10, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10, "duas": 2, "três": 3,
             "quatro": 4, "dez": 10}
TIMES = r"times|veces|fois|vezes"
KEYWORDS = {  # what a figure is about; matched on accent-free lower-case text, word starts
    "remittances": ["remittance", "remesa", "envois de fonds", "transferts de fonds", "remessa"],
    "refugees": ["refugee", "asylum", "refugiad", "asilo", "réfugié", "refugie", "demandeurs d'asile"],
    "flows": ["flow", "movement", "inflow", "entries", "arrivals", "flujo", "movimiento", "flux", "entrées",
              "fluxo", "movimento"],
    "change": ["increase", "grew", "grown", "growth", "rise", "rose", "jump", "up by", "more than doubled",
               "aument", "crec", "increment", "hausse", "augment", "progress", "croissance", "crescimento",
               "cresceu", "subiu"],
    "population": ["of the population", "of the total population", "de la población", "de la population",
                   "da população", "de su población", "de sa population", "da sua população"],
    "migrants": ["migrant", "immigrant", "migrante", "inmigrante", "immigré", "imigrante", "foreign-born",
                 "born abroad", "nacidos en el extranjero", "nés à l'étranger", "nascidos no exterior"],
    "women": ["women", "female", "mujeres", "femmes", "mulheres", "migrant women"],
    "men": ["men", "male", "hombres", "hommes", "homens"],
    "previous_year": ["previous year", "year before", "año anterior", "année précédente", "ano anterior"],
    "parts": ["including", "of which", "of whom", "among them", "de los cuales", "de las cuales", "entre ellos",
              "incluidos", "dont", "parmi lesquels", "dos quais", "das quais", "incluindo", "entre eles"],
    "origin": ["from", "born in", "procedentes de", "provenientes de", "originarios de", "nacidos en",
               "originaires de", "venant de", "nés en", "provenientes de", "oriundos de", "nascidos em"],
}
REVISION_CITED = (r"International Migrant Stock\s+(\d{4})|International Migration\s+(\d{4})|(\d{4})\s+revision"
                  r"|revisi[oó]n\s+(?:de\s+)?(\d{4})|r[ée]vision\s+(?:de\s+)?(\d{4})|revis[aã]o\s+(?:de\s+)?(\d{4})")
YEAR_RANGE = (r"(?:between|from|entre|de|desde|du|des)\s+(\d{4})\s+(?:and|to|y|a|al|hasta|et|à|au|e|para|até)\s+"
              r"(\d{4})|(\d{4})\s?[-–]\s?(\d{4})")
FIRST_YEAR, LAST_YEAR = 1950, 2039
PREPOSITION = (r"(?<!\w)(?:in|within|across|for|en|em|na|no|nas|nos|dans|au|aux|a|à|para|hacia|vers)\s+"
               r"(?:the\s+|el\s+|la\s+|los\s+|las\s+|les\s+|le\s+|l'|o\s+|os\s+|as\s+)?$")
WHOLE_WORDS = {"women", "men", "parts", "origin", "previous_year"}


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so offsets stay those of the text."""
    return "".join((unicodedata.normalize("NFD", c)[0].lower() or c) if len(c.lower()) == 1 else c for c in text)


def _words(phrases: list[str]) -> str:
    return "|".join(re.escape(fold(p)) for p in sorted(set(phrases), key=len, reverse=True))


def has_keyword(kind: str, folded: str) -> bool:
    """A keyword of `kind` starts a word of `folded` ('migrant' in 'migrantes'; 'men' only as a word)."""
    end = r"(?!\w)" if kind in WHOLE_WORDS else ""
    return re.search(rf"(?<!\w)(?:{_words(KEYWORDS[kind])}){end}", folded) is not None


# ---- numbers ----


@dataclass(frozen=True)
class Number:
    """A statistic as written: its span (qualifier to unit), value in the registry's unit, precision."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # million | percent | billion US$ | times | plain (no scale word, no unit)
    decimals: int
    qualifier: str
    problem: str | None = None  # why it cannot be read (reason key), if so


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


def _number_pattern(lang: str) -> re.Pattern:
    group = r"[ ,.\u00a0\u202f]" if language(lang) == "fr" else r"[,.]"
    qualifiers = _words([w for words in QUALIFIERS.values() for w in words])
    scales = _words(list(SCALES))
    number = rf"\d{{1,3}}(?:{group}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
    return re.compile(
        rf"(?:(?<!\w)(?P<qual>{qualifiers})(?:\s+{ARTICLES})?\s+)?(?P<cur>{CURRENCY_BEFORE})?\s?"
        rf"(?<![\w.,/])(?P<num>{number})(?![\w/]|[.,]\d)(?P<scale>\s+(?:{scales})(?!\w))?"
        rf"(?P<pct>{PERCENT})?(?P<cur2>\s+{fold(CURRENCY_AFTER)}(?!\w))?"
    )


_PATTERNS = {lang: _number_pattern(lang) for lang in LANGUAGES}
_MULTIPLE = re.compile(rf"(?:(?<!\w)(?P<qual>{_words(QUALIFIERS['around'])})\s+)?(?<!\w)(?P<num>{_words(list(MULTIPLES))}|\d+)"
                       rf"\s+(?:{TIMES})(?!\w)")


@cache
def _folded_table(name: str) -> dict[str, int]:
    return {fold(k): v for k, v in {"scales": SCALES, "multiples": MULTIPLES}[name].items()}


def _qualifier(text: str | None) -> str:
    if not text:
        return "exact"
    return next(q for q, words in QUALIFIERS.items() if fold(text) in {fold(w) for w in words})


def find_numbers(text: str, lang: str) -> list[Number]:
    """Every number in `text` (a sentence), years and days of the month included (told apart later)."""
    folded = fold(text)
    found = [_number(text, m, lang) for m in _PATTERNS[language(lang)].finditer(folded)]
    multiples = [_multiple(text, m) for m in _MULTIPLE.finditer(folded)]
    taken = [(m.start, m.end) for m in multiples]
    return sorted(multiples + [n for n in found if not any(a <= n.start < b for a, b in taken)], key=lambda n: n.start)


def _multiple(text: str, match: re.Match) -> Number:
    word = match["num"]
    value = float(word) if word.isdigit() else float(_folded_table("multiples")[word])
    return Number(match.start(), match.end(), text[match.start():match.end()], value, "times", 0, "derived")


def _number(text: str, match: re.Match, lang: str) -> Number:
    span = text[match.start():match.end()].strip()
    start = match.start() + (len(text[match.start():match.end()]) - len(text[match.start():match.end()].lstrip()))
    qualifier = _qualifier(match["qual"])
    try:
        value, decimals = parse_number(text[match.start("num"):match.end("num")], lang)
    except ValueError:
        return Number(start, match.end(), span, 0.0, "plain", 0, qualifier, problem="number")
    power = _folded_table("scales")[" ".join(match["scale"].split())] if match["scale"] else 0
    unit, value, decimals = _unit(value, decimals, power, bool(match["pct"]), bool(match["cur"] or match["cur2"]))
    problem = "qualifier" if qualifier == "less than" else None
    return Number(start, match.end(), span, value, unit, decimals, qualifier, problem)


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


def is_year(number: Number) -> bool:
    return number.unit == "plain" and number.decimals == 0 and re.fullmatch(r"\d{4}", number.text) is not None \
        and FIRST_YEAR <= number.value <= LAST_YEAR


# ---- places ----


@dataclass(frozen=True)
class Place:
    """An area (or an origin, or a name to ignore) named in the text."""

    start: int
    end: int
    areas: tuple[int, ...]
    minus: tuple[int, ...]
    labels: tuple[str, str, str, str]  # en, es, fr, pt
    role: str = "area"  # area | origin | ambiguous | ignore


@dataclass(frozen=True)
class Lexicon:
    """Every name the scanner ties to areas: folded phrase -> (areas, minus, labels, role)."""

    entries: dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[str, str, str, str], str]]
    pattern: re.Pattern

    @classmethod
    def of(cls, entries: dict) -> Lexicon:
        return cls(entries, re.compile(rf"(?<!\w)(?:{_words(list(entries))})(?!\w)"))

    @classmethod
    def load(cls, db: Database) -> Lexicon:
        """The area table's names, the groupings' names and rosters, then the aliases file."""
        entries: dict = {}
        names = queries.area_names(db, queries.area_codes(db))
        for code, *labels in names.sort_values("code", ascending=False).itertuples(index=False):
            if code < 1000:  # countries, regions, subregions (the lowest code wins a shared name)
                for label in labels:
                    for name in _name_variants(str(label)):
                        entries[fold(name)] = ((int(code),), (), tuple(labels), "area")
        rosters = {g: tuple(int(c) for c, r in zip(m["member_code"], m["roster"], strict=True) if r)
                   for g in groupings.groupings(db)["grouping"] for m in [groupings.members(db, g)]}
        for row in groupings.groupings(db).itertuples(index=False):
            labels = (row.name_en, row.name_es, row.name_fr, row.name_pt)
            for label in labels:
                for name in _name_variants(str(label)):
                    entries[fold(name)] = (rosters[row.grouping], (), labels, "area")
        entries.update(_alias_entries(aliases(), rosters))
        return cls.of(entries)

    def find(self, text: str) -> list[Place]:
        """Names in `text`, longest first; names to ignore ("World Bank") are dropped."""
        out = []
        for match in self.pattern.finditer(fold(text)):
            areas, minus, labels, role = self.entries[match.group()]
            out.append(Place(match.start(), match.end(), areas, minus, labels, role))
        return [p for p in out if p.role != "ignore"]


def _name_variants(name: str) -> list[str]:
    """'Venezuela (Bolivarian Republic of)' is also written 'Venezuela'."""
    short = re.sub(r"\s*\(.*?\)", "", name).strip()
    return [name] + ([short] if short and short != name else [])


@cache
def aliases() -> dict:
    return yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))


def _alias_entries(data: dict, rosters: dict[str, tuple[int, ...]]) -> dict:
    entries: dict = {}
    for item in data["areas"]:
        areas = rosters[item["grouping"]] if "grouping" in item else tuple(item["areas"])
        labels = tuple(item["label"][lang] for lang in LANGUAGES)
        entries.update({fold(n): (areas, tuple(item.get("minus", ())), labels, "area") for n in item["names"]})
    for item in data["origins"]:
        entries.update({fold(n): ((item["code"],), (), (n,) * 4, "origin") for n in item["names"]})
    entries.update({fold(n): ((), (), (n,) * 4, "ambiguous") for n in data["ambiguous"]})
    entries.update({fold(n): ((), (), (n,) * 4, "ignore") for n in data["ignore"]})
    return entries


# ---- one figure, understood or not ----


@dataclass
class Found:
    """A statistic of the text, as registry figure fields, or the reason it was not understood."""

    sentence: int
    number: Number
    metric: str | None = None
    areas: tuple[int, ...] = ()
    minus: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    year: int | None = None
    base_year: int | None = None
    sex: str = "total"
    part_of: str | None = None
    reason: str | None = None
    figure_id: str = ""
    total: Found | None = field(default=None, repr=False)  # the stated total this figure is a part of

    @property
    def understood(self) -> bool:
        return self.reason is None

    def label(self, lang: str) -> str:
        return self.labels[LANGUAGES.index(language(lang))] if self.labels else ""


@dataclass
class Sentence:
    """One sentence and what it says: its numbers, years, places."""

    number: int
    text: str
    start: int
    numbers: list[Number]
    years: list[Number]
    places: list[Place]

    @property
    def folded(self) -> str:
        return fold(self.text)


def split_sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence): a sentence ends at . ! ? followed by a space (not at '73.5')."""
    start = 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[\"“«¿¡(]?[A-ZÁÉÍÓÚÑÇÀÂÊÔ0-9])|\n\s*\n", text):
        if text[start:match.start()].strip():
            yield start, text[start:match.start()]
        start = match.end()
    if text[start:].strip():
        yield start, text[start:]


def read_sentence(number: int, start: int, text: str, lang: str, lexicon: Lexicon) -> Sentence:
    places = lexicon.find(text)
    numbers = [n for n in find_numbers(text, lang) if not any(p.start <= n.start < p.end for p in places)]
    numbers = [n for n in numbers if not _day_of_month(text, n)]
    years = [n for n in numbers if is_year(n) and not _agenda(text, n)]
    figures = [n for n in numbers if not is_year(n)]
    return Sentence(number, text, start, figures, years, places)


@cache
def _months() -> str:
    return _words([m for lang in LANGUAGES for m in t(lang, "claims.months").split()])


def _day_of_month(text: str, number: Number) -> bool:
    after = fold(text[number.end:number.end + 16])
    return number.unit == "plain" and re.match(rf"\s+(?:de\s+)?(?:{_months()})(?!\w)", after) is not None


def _agenda(text: str, number: Number) -> bool:
    """'the 2030 Agenda' / 'Agenda 2030' names no year of data."""
    return re.search(r"agenda\s*$", fold(text[max(0, number.start - 12):number.start])) is not None \
        or re.match(r"\s+agenda", fold(text[number.end:number.end + 10])) is not None


# ---- what each number is about ----


def _segments(sentence: Sentence, index: int) -> tuple[str, str, int, int]:
    """Text before this figure (from the previous one) and after it (to the next), with offsets."""
    numbers = sentence.numbers
    lead_start = numbers[index - 1].end if index else 0
    trail_end = numbers[index + 1].start if index + 1 < len(numbers) else len(sentence.text)
    return sentence.text[lead_start:numbers[index].start], sentence.text[numbers[index].end:trail_end], lead_start, trail_end


def _place(sentence: Sentence, index: int) -> Place | None:
    """The area right after the figure when a preposition introduces it ('58.7 million in North
    America'), else the nearest before it since the previous figure ('In the Americas, … 73.5
    million'), else any after it ('272 million worldwide'), else the nearest before."""
    number = sentence.numbers[index]
    _, _, lead_start, trail_end = _segments(sentence, index)
    trailing = [p for p in sentence.places if number.end <= p.start < trail_end]
    leading = [p for p in sentence.places if lead_start <= p.start < number.start]
    before = [p for p in sentence.places if p.start < number.start]
    introduced = [p for p in trailing[:1] if re.search(PREPOSITION, fold(sentence.text[number.end:p.start]))]
    return (introduced or leading[-1:] or trailing[:1] or before[-1:] or [None])[0]


def _year(sentence: Sentence, number: Number) -> int | None:
    """The year right after the figure ('70.3 million in 2019'), else the nearest in the sentence."""
    if not sentence.years:
        return None
    after = [y for y in sentence.years if 0 <= y.start - number.end <= 12]
    if after:
        return int(after[0].value)
    return int(min(sentence.years, key=lambda y: min(abs(y.start - number.end), abs(number.start - y.end))).value)


def _keyword(sentence: Sentence, index: int, kind: str) -> bool:
    lead, trail, _, _ = _segments(sentence, index)
    return has_keyword(kind, fold(lead + " " + trail))


def _about(sentence: Sentence, index: int, kind: str) -> bool:
    """A keyword near the figure, else anywhere in the sentence."""
    return _keyword(sentence, index, kind) or has_keyword(kind, sentence.folded)


def _metric(sentence: Sentence, index: int) -> str | None:
    unit = sentence.numbers[index].unit
    if unit == "billion US$":
        return "remittances" if _about(sentence, index, "remittances") else None
    if unit == "times":
        return "ratio"
    if unit == "percent":
        return _percent_metric(sentence, index)
    if unit == "million":
        if _keyword(sentence, index, "refugees"):
            return "refugees"
        return "stock" if _about(sentence, index, "migrants") else "refugees" if _about(sentence, index, "refugees") else None
    return None


def _percent_metric(sentence: Sentence, index: int) -> str | None:
    if _about(sentence, index, "remittances"):
        return "remittances_change_percent" if _about(sentence, index, "change") else None
    if _about(sentence, index, "flows") and _about(sentence, index, "change"):
        return "flow_change_percent"
    if _keyword(sentence, index, "population"):
        return "share"
    if _keyword(sentence, index, "women") or _keyword(sentence, index, "men"):
        return "share_sex"
    if _about(sentence, index, "change"):
        return "change_percent"
    return "share" if has_keyword("population", sentence.folded) else None


def _sex(sentence: Sentence, index: int) -> str:
    if _keyword(sentence, index, "women"):
        return "female"
    return "male" if _keyword(sentence, index, "men") else "total"


def understand(sentence: Sentence) -> list[Found]:
    """Each figure of the sentence as registry fields, or why it was not understood."""
    found = [_first_pass(sentence, i) for i in range(len(sentence.numbers))]
    for item in found:
        if item.understood and item.metric in ("change_percent", "remittances_change_percent"):
            _change_years(sentence, item, found)
    for item in found:
        if item.understood and item.metric == "ratio":
            _ratio(item, found)
    _parts(sentence, found)
    return found


def _first_pass(sentence: Sentence, index: int) -> Found:
    number = sentence.numbers[index]
    found = Found(sentence.number, number)
    if number.problem:
        return replace(found, reason=number.problem)
    if number.unit == "plain" and number.value >= 1000 and _about(sentence, index, "migrants"):
        number = _persons(number)  # '1,726,089 migrants': a count of persons, in the registry's millions
        sentence.numbers[index] = number
        found = Found(sentence.number, number)
    elif number.unit == "plain":
        return replace(found, reason="unit")
    place = _place(sentence, index)
    if place is not None and (place.role == "origin" or _origin_before(sentence, place)):
        return replace(found, reason="origin")
    metric = _metric(sentence, index)
    if metric is None:
        return replace(found, reason="metric")
    if place is None or place.role == "ambiguous":
        return replace(found, metric=metric, reason="area" if place is None else "ambiguous_area")
    year = _year(sentence, number) if metric in ("stock", "refugees", "remittances", "share", "share_sex") else None
    if year is None and metric in ("stock", "remittances"):
        return replace(found, metric=metric, reason="year")
    return replace(found, metric=metric, areas=place.areas, minus=place.minus, labels=place.labels, year=year,
                   sex=_sex(sentence, index) if metric == "stock" else "total")


def _persons(number: Number) -> Number:
    return replace(number, unit="million", value=number.value / 1e6, decimals=min(6, number.decimals + 6))


def _origin_before(sentence: Sentence, place: Place) -> bool:
    """'migrants from Venezuela', 'nacidos en Colombia': the place is an origin, not where they live."""
    return re.search(rf"(?<!\w)(?:{_words(KEYWORDS['origin'])})\s+(?:{ARTICLES}\s+)?$",
                     fold(sentence.text[:place.start])) is not None


def _change_years(sentence: Sentence, item: Found, found: list[Found]) -> None:
    """Base and end year: a stated period, the year before ('previous year'), the stock figures of
    the same area in the sentence, or another change in the sentence ('compared to the 42%')."""
    period = re.search(YEAR_RANGE, sentence.text, flags=re.IGNORECASE)
    if period:
        years = [int(y) for y in period.groups() if y]
        item.base_year, item.year = min(years), max(years)
        return
    if has_keyword("previous_year", sentence.folded) and sentence.years:
        item.year = _year(sentence, item.number)
        item.base_year = item.year - 1 if item.year else None
        return
    levels = sorted({f.year for f in found if f.metric == "stock" and f.understood and f.year
                     and (f.areas, f.minus) == (item.areas, item.minus)})
    if len(levels) >= 2:
        item.base_year, item.year = levels[0], levels[-1]
        return
    other = next((f for f in found if f is not item and f.metric == item.metric and f.base_year), None)
    if other is None:
        item.reason = "period"
    else:
        item.base_year, item.year = other.base_year, other.year


def _ratio(item: Found, found: list[Found]) -> None:
    """'three times higher' is checkable only against the two figures it compares."""
    others = [f for f in found if f.understood and f.metric != "ratio"]
    numerator = [f for f in others if (f.areas, f.minus) == (item.areas, item.minus)]
    denominator = [f for f in others if numerator and f.metric == numerator[0].metric and f.areas != item.areas]
    if not numerator or not denominator:
        item.reason = "ratio"


def _parts(sentence: Sentence, found: list[Found]) -> None:
    """'73.5 million …, including 58.7 million in … and 12.5 million in …': parts of a stated total."""
    match = re.search(rf"(?<!\w)(?:{_words(KEYWORDS['parts'])})(?!\w)", sentence.folded)
    if not match:
        return
    before = [f for f in found if f.understood and f.number.end <= match.start()]
    after = [f for f in found if f.understood and f.number.start >= match.end()]
    if not before:
        return
    total = before[-1]
    for part in after:
        if (part.metric, part.year, part.number.unit) == (total.metric, total.year, total.number.unit) and part.areas != total.areas:
            part.total = total


# ---- the scan ----


@dataclass
class Scan:
    """What `scan` found and what the checker said: rows, refreshed paragraph, citation."""

    lang: str
    text: str
    sentences: list[Sentence]
    found: list[Found]
    rows: pd.DataFrame
    refreshed: str
    citation: str
    cited: int | None
    latest: int
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)


def cited_revision(text: str) -> int | None:
    """The revision a text names ('International Migrant Stock 2020', 'revisión 2019'), if any."""
    match = re.search(REVISION_CITED, text, flags=re.IGNORECASE)
    return int(next(g for g in match.groups() if g)) if match else None


def scan(db: Database, text: str, lang: str, cited: int | None = None, title: str = "") -> Scan:
    """Read a paragraph, tie each figure to a series, check it against every revision and vintage."""
    if len(text) > MAX_CHARS:
        raise TextTooLong(f"the text has {len(text):,} characters; the limit is {MAX_CHARS:,}")
    lang = language(lang)
    lexicon = Lexicon.load(db)
    sentences = [read_sentence(i + 1, start, s, lang, lexicon) for i, (start, s) in enumerate(split_sentences(text))]
    found = [f for s in sentences for f in understand(s)]
    _name_figures(found)
    cited = cited if cited is not None else cited_revision(text)
    figures = figure_frame(found, lang)
    ctx = Context.load(db, claims=pd.DataFrame(), figures=figures)
    rows, latest_values = _check(ctx, found, figures, sentences, cited, lang, title)
    citation = claims.citation(ctx, lang)
    if latest_values:  # the refreshed sentence and its citation, as `claims check` gives them
        by_sentence = {s.number: f"{refreshed_sentence(s, found, latest_values, lang)} {citation}" for s in sentences}
        rows[f"refreshed_{lang}"] = rows["sentence_number"].map(by_sentence)
    refreshed = refreshed_paragraph(text, sentences, found, latest_values, lang)
    return Scan(lang, text, sentences, found, rows, refreshed, citation, cited, ctx.latest, figures)


def _name_figures(found: list[Found]) -> None:
    """Figure ids f1, f2… per sentence; parts point at their total's id."""
    for sentence in {f.sentence for f in found}:
        for i, item in enumerate((f for f in found if f.sentence == sentence), start=1):
            item.figure_id = f"f{i}"
    for item in found:
        item.part_of = item.total.figure_id if item.total is not None else None


def claim_id(sentence: int) -> str:
    return f"s{sentence}"


def figure_frame(found: list[Found], lang: str) -> pd.DataFrame:
    """The understood figures as claim_figure rows (schemas/claim.py), ready for the checker."""
    rows = [_figure_row(f, lang) for f in found if f.understood]
    columns = ["claim_id", "figure_id", "metric", "areas", "minus_areas", "year", "base_year", "refresh", "sex",
               "value", "unit", "decimals", "qualifier", "part_of", "checkable_with", "checkable_with_es",
               "checkable_with_fr", "checkable_with_pt"]
    return pd.DataFrame(rows, columns=columns).astype({"year": "Int64", "base_year": "Int64"})


def _figure_row(item: Found, lang: str) -> dict:
    number = item.number
    computable = item.metric in COMPUTABLE
    where = {} if computable else {("checkable_with" + ("" if code == "en" else f"_{code}")): t(code, f"scan.checkable.{item.metric}")
                                   for code in LANGUAGES}
    return {
        "claim_id": claim_id(item.sentence), "figure_id": item.figure_id, "metric": item.metric,
        "areas": ",".join(str(c) for c in item.areas), "minus_areas": ",".join(str(c) for c in item.minus) or None,
        "year": item.year, "base_year": item.base_year, "refresh": "quoted", "sex": item.sex,
        "value": number.value, "unit": number.unit, "decimals": number.decimals, "qualifier": number.qualifier,
        "part_of": item.part_of, **{"checkable_with": None, "checkable_with_es": None, "checkable_with_fr": None,
                                    "checkable_with_pt": None, **where},
    }


def _check(ctx: Context, found: list[Found], figures: pd.DataFrame, sentences: list[Sentence], cited: int | None,
           lang: str, title: str) -> tuple[pd.DataFrame, dict[tuple[int, str], float]]:
    """One row per figure and revision (one row per figure not understood), and the latest values."""
    rows, latest = [], {}
    for sentence in sentences:
        mine = figures[figures["claim_id"] == claim_id(sentence.number)]
        checks = {(c.figure_id, c.revision): c for c in claims.check_figures(ctx, mine, cited)}
        consistency = notes_text(claims.consistency(mine), "en")
        for item in (f for f in found if f.sentence == sentence.number):
            base = _row_base(item, sentence, title, consistency)
            if not item.understood:
                rows.append({**base, "status": NOT_UNDERSTOOD, "note": t("en", f"scan.reason.{item.reason}"),
                             "reason": item.reason})
                continue
            for revision in ctx.revisions:
                check = checks[item.figure_id, revision]
                rows.append({**base, **_check_cells(check)})
                if revision == ctx.latest and check.basis == claims.PUBLISHED and item.metric in COMPUTABLE:
                    latest[sentence.number, item.figure_id] = check.actual
    frame = pd.DataFrame(rows, columns=[*COLUMNS, "notes", "reason"])
    return frame.astype({"revision": "Int64", "year": "Int64", "base_year": "Int64"}), latest


def _row_base(item: Found, sentence: Sentence, title: str, consistency: str) -> dict:
    number = item.number
    return {"claim_id": claim_id(sentence.number), "figure_id": item.figure_id, "revision": None,
            "quoted_as": number.text, "quoted": number.value if item.understood else None,
            "unit": number.unit if item.understood else "", "document_title": title, "quote": " ".join(sentence.text.split()),
            "consistency": consistency, "refreshed_en": "", "refreshed_es": "", "refreshed_fr": "", "refreshed_pt": "",
            "sentence_number": sentence.number, "metric": item.metric or "", "area": item.label("en"),
            "year": item.year, "base_year": item.base_year, "sex": item.sex if item.understood else ""}


def _check_cells(check: FigureCheck) -> dict:
    return {"revision": check.revision, "status": check.status, "actual": check.actual, "basis": check.basis,
            "note": notes_text(check.notes, "en"), "notes": check.notes}


# ---- the refreshed paragraph ----


def refreshed_paragraph(text: str, sentences: list[Sentence], found: list[Found],
                        latest: dict[tuple[int, str], float], lang: str) -> str:
    """The paragraph with each understood figure replaced by the latest revision's value (same
    year), formatted in the paragraph's language; other figures stay as written."""
    return _apply(text, [(sentences[f.sentence - 1].start + a, sentences[f.sentence - 1].start + b, new)
                         for f, (a, b, new) in _edits(found, latest, lang)])


def refreshed_sentence(sentence: Sentence, found: list[Found], latest: dict[tuple[int, str], float], lang: str) -> str:
    mine = [f for f in found if f.sentence == sentence.number]
    return " ".join(_apply(sentence.text, [edit for _, edit in _edits(mine, latest, lang)]).split())


def _edits(found: list[Found], latest: dict[tuple[int, str], float], lang: str) -> list[tuple[Found, tuple[int, int, str]]]:
    """(figure, (start, end, new text)) within its sentence, for each figure the latest revision publishes."""
    out = []
    for item in found:
        value = latest.get((item.sentence, item.figure_id))
        if value is not None:
            figure = pd.Series({"unit": item.number.unit, "decimals": item.number.decimals})
            new = format_value(value, item.number.unit, claims._refreshed_decimals(figure), lang)
            out.append((item, (item.number.start, item.number.end, new)))
    return out


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


# ---- output: the command's formats and registry YAML ----


def as_csv(result: Scan) -> str:
    return claims.as_csv(result.rows[COLUMNS])


def as_table(result: Scan) -> str:
    """Plain text: per sentence, its figures and statuses; then the refreshed paragraph."""
    out = []
    shown = ["figure_id", "revision", "status", "quoted_as", "metric", "area", "year", "actual", "note"]
    for number, rows in result.rows.groupby("sentence_number", sort=True):
        out += [f"== sentence {number}: {rows.iloc[0]['quote']}"]
        frame = rows[shown].copy()
        frame["actual"] = frame["actual"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        out.append(frame.astype(object).fillna("").to_string(index=False, max_colwidth=70))
        if rows.iloc[0]["consistency"]:
            out.append(f"consistency: {rows.iloc[0]['consistency']}")
        out.append("")
    return "\n".join(out + _paragraph_lines(result))


def as_markdown(result: Scan) -> str:
    shown = ["figure_id", "revision", "status", "quoted_as", "metric", "area", "year", "actual", "note"]
    out = ["# Paragraph check", ""]
    for _, rows in result.rows.groupby("sentence_number", sort=True):
        out += [f"> {rows.iloc[0]['quote']}", "", "| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
        for row in rows[shown].itertuples(index=False):
            out.append("| " + " | ".join(claims._cell(v).replace("|", "\\|") for v in row) + " |")
        if rows.iloc[0]["consistency"]:
            out += ["", f"Internal consistency: {rows.iloc[0]['consistency']}"]
        out.append("")
    return "\n".join(out + _paragraph_lines(result))


def _paragraph_lines(result: Scan) -> list[str]:
    if result.rows.empty:
        return [t("en", "scan.nothing_found")]
    return [f"refreshed ({result.lang}, {result.latest} revision):", result.refreshed.strip(), result.citation]


def slug(name: str) -> str:
    """A registry id from a file name: 'Concept paper 2023.txt' -> 'concept-paper-2023-txt'."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "scanned-text"


def registry_yaml(result: Scan, document_id: str = "scanned-text", title: str = "Scanned text") -> str:
    """The understood figures as a registry document (data/claims/*.yaml), one claim per sentence.
    Figures with a metric the registry does not know (share, refugees) are left out, said so."""
    keep = result.figures[result.figures["metric"].isin(METRICS)]
    claims_out = [_claim_yaml(result, sentence, keep, document_id) for sentence in result.sentences
                  if claim_id(sentence.number) in set(keep["claim_id"])]
    left_out = sorted(set(result.figures["metric"]) - set(METRICS))
    document = {"document": {"id": document_id, "title": title, "date": date.today().isoformat(),
                             "language": result.lang, "symbol": None}, "claims": claims_out}
    header = [f"# Written by `migdash claims scan --save-yaml` on {date.today().isoformat()}."]
    if result.cited is None:
        header.append(f"# cited_revision: the text names none; {result.latest} (the latest loaded) is written: correct it.")
    if left_out:
        header.append(f"# Left out (metrics the registry does not know): {', '.join(left_out)}.")
    return "\n".join(header) + "\n" + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=110)


def _claim_yaml(result: Scan, sentence: Sentence, figures: pd.DataFrame, document_id: str) -> dict:
    mine = figures[figures["claim_id"] == claim_id(sentence.number)]
    template = _template(sentence, [f for f in result.found if f.sentence == sentence.number and f.understood
                                    and f.figure_id in set(mine["figure_id"])])
    return {
        "id": f"{document_id}-s{sentence.number}", "quote": " ".join(sentence.text.split()),
        "cited_source": "UN DESA, International Migrant Stock" + (f" {result.cited}" if result.cited else ""),
        "cited_revision": result.cited or result.latest,
        "sentence": {result.lang: template},
        "figures": [_figure_yaml(row) for _, row in mine.iterrows()],
    }


def _template(sentence: Sentence, found: list[Found]) -> str:
    """The sentence with its computable figures as {placeholders}: the registry's refreshed sentence."""
    text, out, last = sentence.text, [], 0
    for item in sorted(found, key=lambda f: f.number.start):
        if item.metric not in COMPUTABLE:
            continue
        out += [text[last:item.number.start].replace("{", "{{").replace("}", "}}"), "{" + item.figure_id + "}"]
        last = item.number.end
    out.append(text[last:].replace("{", "{{").replace("}", "}}"))
    return " ".join("".join(out).split())


def _figure_yaml(row: pd.Series) -> dict:
    out: dict = {"id": row["figure_id"], "metric": row["metric"], "areas": [int(c) for c in row["areas"].split(",")]}
    if isinstance(row["minus_areas"], str):
        out["minus_areas"] = [int(c) for c in row["minus_areas"].split(",")]
    for key in ("year", "base_year"):
        if pd.notna(row[key]):
            out[key] = int(row[key])
    out.update({"value": float(row["value"]), "unit": row["unit"], "decimals": int(row["decimals"])})
    for key, default in (("qualifier", "exact"), ("sex", "total")):
        if row[key] != default:
            out[key] = row[key]
    if isinstance(row["part_of"], str):
        out["part_of"] = row["part_of"]
    if isinstance(row["checkable_with"], str):
        out["checkable_with"] = {code: row["checkable_with" + ("" if code == "en" else f"_{code}")] for code in LANGUAGES}
    return out
