"""A paragraph cut into sentences, and each sentence into clauses, with what each clause names.

Why clauses: a figure is about the subject of its own clause. "En América del Sur, el número
de migrantes superó los 11 millones en 2020, y las mujeres representaban casi el 50 %" has two
clauses; "mujeres" governs the 50 %, never the 11 millones. The segmentation is rule-based and
explainable (tests/test_scan_clauses.py): a clause ends at ";", at a comma followed by a
coordinating word ("and", "y", "et", "e", "but", "pero", "mais", "mas", "while", "mientras",
"tandis que", "enquanto"...) when figures stand on both sides, and before "while"/"mientras
que"/"tandis que"/"enquanto"; "including / de los cuales / dont / dos quais" opens a clause of
parts; a parenthesis holding a figure is a clause of its own whose parent is the clause around it.
Each clause is read in its own language when it is long enough to tell (see language.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from readside.scan.language import Detected, detect
from readside.scan.numbers import Number, find_numbers, is_year
from readside.scan.places import Lexicon, Place
from readside.scan.words import KEYWORDS, alternation, fold, route_of, route_pattern
from readside.text import LANGUAGES, t

ABBREVIATIONS = {"ee", "uu", "u.s", "us", "sr", "sra", "dr", "no", "núm", "num", "nº", "approx", "aprox", "env",
                 "p", "pp", "fig", "e.g", "i.e", "etc", "vs", "cf", "art", "st", "mr", "mrs", "ms", "av"}
COORDINATORS = ["and", "but", "while", "whereas", "y", "e", "pero", "mientras", "et", "mais", "tandis que",
                "alors que", "mas", "enquanto", "ao passo que", "ou", "or", "o", "sin embargo", "however"]
SUBORDINATORS = ["while", "whereas", "mientras que", "tandis que", "alors que", "enquanto", "ao passo que"]


@dataclass(frozen=True)
class Route:
    start: int
    end: int
    key: str
    text: str


@dataclass
class Clause:
    """One clause of a sentence (offsets are the sentence's), what it names, and its language."""

    index: int
    start: int
    end: int
    kind: str  # main | coordinate | parts | parenthetical
    lang: Detected
    numbers: list[Number] = field(default_factory=list)  # figures (years and days left out)
    years: list[Number] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    parent: int | None = None  # a parenthesis: the clause around it

    def contains(self, position: int) -> bool:
        return self.start <= position < self.end


@dataclass
class Sentence:
    """One sentence: its clauses, and the year and area it shares with every clause that names none."""

    number: int
    text: str
    start: int
    lang: Detected
    clauses: list[Clause]
    places: list[Place]
    frame_year: Number | None = None
    frame_area: Place | None = None

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def numbers(self) -> list[Number]:
        return [n for c in self.clauses for n in c.numbers]

    @property
    def years(self) -> list[Number]:
        return sorted((y for c in self.clauses for y in c.years), key=lambda y: y.start)

    def clause_of(self, number: Number) -> Clause:
        return next(c for c in self.clauses if number in c.numbers)


def split_sentences(text: str) -> Iterator[tuple[int, str]]:
    """(offset, sentence): a sentence ends at . ! ? followed by a space and a capital (not at
    '73.5', 'EE. UU.' or 'U.S.'), or at a blank line."""
    start = 0
    for match in re.finditer(r"(?<=[.!?])\s+(?=[\"“«¿¡(]?[A-ZÁÉÍÓÚÑÇÀÂÊÔ0-9])|\n\s*\n", text):
        before = re.search(r"([\w.]+)[.!?]$", text[start:match.start()])
        if match.group().strip() == "" and "\n\n" not in match.group() and before is not None \
                and (fold(before.group(1)) in ABBREVIATIONS or re.fullmatch(r"[A-Z]", before.group(1))):
            continue
        if text[start:match.start()].strip():
            yield start, text[start:match.start()]
        start = match.end()
    if text[start:].strip():
        yield start, text[start:]


@cache
def _boundary() -> re.Pattern:
    coordinators = alternation(COORDINATORS)
    return re.compile(rf";\s*|,\s+(?=(?:{coordinators})(?!\w))|\s+(?=(?:{alternation(SUBORDINATORS)})(?!\w))"
                      rf"|,?\s+(?=(?:{alternation(KEYWORDS['parts'])})(?!\w))")


def _has_figure(text: str) -> bool:
    """Digits other than a year: a figure may stand here."""
    return any(not re.fullmatch(r"(?:19|20)\d\d", m) for m in re.findall(r"\d+(?:[.,\s]\d+)*", text))


def _parentheses(text: str) -> list[tuple[int, int]]:
    """(start, end) inside each top-level parenthesis that holds a figure."""
    return [(m.start() + 1, m.end() - 1) for m in re.finditer(r"\([^()]*\)", text) if _has_figure(m.group()[1:-1])]


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the clauses outside parentheses."""
    masked = text
    for a, b in _parentheses(text):
        masked = masked[:a] + " " * (b - a) + masked[b:]
    folded = fold(masked)
    cuts: list[tuple[int, int, str]] = []
    for match in _boundary().finditer(folded):
        following = folded[match.end():match.end() + 20]
        kind = "parts" if re.match(rf"(?:{alternation(KEYWORDS['parts'])})(?!\w)", following) else "coordinate"
        cuts.append((match.start(), match.end(), kind))
    spans, start, kind = [], 0, "main"
    for cut_start, cut_end, cut_kind in cuts:
        left, right = masked[start:cut_start], masked[cut_end:]
        if masked[cut_start:cut_start + 1] == ";" or (_has_figure(left) and _has_figure(right)) or cut_kind == "parts":
            spans.append((start, cut_start, kind))
            start, kind = cut_end, cut_kind
    spans.append((start, len(text), kind))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def read_sentence(number: int, start: int, text: str, lang: Detected, lexicon: Lexicon) -> Sentence:
    """Clauses, their language, numbers, years, places and routes; then the sentence's shared year and area."""
    sentence_lang = lang if lang.chosen else detect(text, lang.lang, "sentence")
    places = lexicon.find(text)
    routes = [Route(m.start(), m.end(), route_of(m.group()), text[m.start():m.end()])
              for m in route_pattern().finditer(fold(text))]
    places = [p for p in places if not any(r.start <= p.start < r.end for r in routes)]
    clauses = []
    for a, b, kind in _spans(text):
        clauses.append(Clause(len(clauses), a, b, kind, _clause_lang(text[a:b], sentence_lang)))
    outer = list(clauses)
    for a, b in _parentheses(text):
        parent = next((c.index for c in outer if c.start <= a < c.end), None)
        clauses.append(Clause(len(clauses), a, b, "parenthetical", _clause_lang(text[a:b], sentence_lang), parent=parent))
    for clause in clauses:
        _fill(clause, text, places, routes, clauses)
    sentence = Sentence(number, text, start, sentence_lang, clauses, places)
    sentence.frame_year, sentence.frame_area = _frame(sentence)
    return sentence


def _clause_lang(text: str, around: Detected) -> Detected:
    return around if around.chosen else detect(text, around.lang, "clause")


def _innermost(position: int, clauses: list[Clause]) -> Clause | None:
    inside = [c for c in clauses if c.contains(position)]
    return next((c for c in inside if c.kind == "parenthetical"), inside[0] if inside else None)


def _fill(clause: Clause, text: str, places: list[Place], routes: list[Route], clauses: list[Clause]) -> None:
    """Numbers read in the clause's language; years, places and routes that fall in it."""
    for number in find_numbers(text[clause.start:clause.end], clause.lang.lang):
        number = number.shifted(clause.start)
        if _innermost(number.num_start, clauses) is not clause or _day_of_month(text, number):
            continue
        if any(p.start <= number.num_start < p.end for p in [*places, *routes]):
            continue  # digits inside a name
        if is_year(number):
            if not _agenda(text, number):
                clause.years.append(number)
        else:
            clause.numbers.append(number)
    clause.places = [p for p in places if _innermost(p.start, clauses) is clause]
    clause.routes = [r for r in routes if _innermost(r.start, clauses) is clause]


def _frame(sentence: Sentence) -> tuple[Number | None, Place | None]:
    """The year and area a sentence gives all its clauses: the only one it names, else the only
    one it names before its first figure ('En 2020, …', 'In South America, …')."""
    first = min((n.start for n in sentence.numbers), default=len(sentence.text))
    years = sentence.years
    distinct_years = {int(y.value) for y in years}
    opening_years = [y for y in years if y.end <= first]
    year = years[0] if len(distinct_years) == 1 else \
        opening_years[0] if len({int(y.value) for y in opening_years}) == 1 else None
    areas = [p for p in sentence.places if p.role == "area"]
    opening_areas = [p for p in areas if p.end <= first]
    area = areas[0] if len({p.key for p in areas}) == 1 else \
        opening_areas[0] if len({p.key for p in opening_areas}) == 1 else None
    return year, area


@cache
def _months() -> str:
    return alternation([m for lang in LANGUAGES for m in t(lang, "claims.months").split()])


def _day_of_month(text: str, number: Number) -> bool:
    after = fold(text[number.end:number.end + 16])
    return number.unit == "plain" and re.match(rf"\s+(?:de\s+)?(?:{_months()})(?!\w)", after) is not None


def _agenda(text: str, number: Number) -> bool:
    """'the 2030 Agenda' / 'Agenda 2030' names no year of data."""
    return re.search(r"agenda\s*$", fold(text[max(0, number.start - 12):number.start])) is not None \
        or re.match(r"\s+agenda", fold(text[number.end:number.end + 10])) is not None
