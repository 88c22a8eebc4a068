"""A figure tied to its subject (`Tie`), the words that decided it (`Evidence`), and the phrase
around a figure inside its clause: the model the tie rules (ties.py, measures.py) fill in."""

from __future__ import annotations

from dataclasses import dataclass, field

from readside.scan.clauses import Clause, Sentence
from readside.scan.numbers import Number
from readside.text import LANGUAGES, language


@dataclass(frozen=True)
class Evidence:
    """Words that decided part of a tie, and where they were: phrase, clause, sentence, or the
    figure it refers to (compared, parts, ellipsis)."""

    role: str  # metric | area | origin | year | sex | route | cause | unit
    words: str
    scope: str


@dataclass
class Tie:
    """A statistic of the text as registry figure fields, or the reason it was not understood."""

    sentence: int
    clause: int
    number: Number
    metric: str | None = None
    areas: tuple[int, ...] = ()
    minus: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()
    origins: tuple[int, ...] = ()
    origin_labels: tuple[str, ...] = ()
    detail: str | None = None  # IOM route, IDMC cause, OECD flow type
    year: int | None = None
    base_year: int | None = None
    sex: str = "total"
    negative: bool = False  # net migration stated as negative in words ("saldo migratorio negativo")
    reason: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    figure_id: str = ""
    part_of: str | None = None
    total: Tie | None = field(default=None, repr=False)

    @property
    def understood(self) -> bool:
        return self.reason is None

    def label(self, lang: str) -> str:
        return self.labels[LANGUAGES.index(language(lang))] if self.labels else ""

    def origin_label(self, lang: str) -> str:
        return self.origin_labels[LANGUAGES.index(language(lang))] if self.origin_labels else ""

    def fail(self, reason: str) -> Tie:
        self.reason = reason
        return self


Found = Tie  # the name the command line and older callers use


@dataclass(frozen=True)
class Phrase:
    """The words around one figure inside its clause."""

    lead: str  # from the previous figure (or the clause start) to the number
    trail: str  # from the number to the next figure (or the clause end)
    lead_start: int
    trail_end: int

    @property
    def head(self) -> str:
        """The few words right after the number: its noun ('de migrantes internacionales')."""
        return " ".join(self.trail.split()[:4])


def phrase(sentence: Sentence, clause: Clause, number: Number) -> Phrase:
    numbers = clause.numbers
    index = numbers.index(number)
    lead_start = numbers[index - 1].end if index else clause.start
    trail_end = numbers[index + 1].start if index + 1 < len(numbers) else clause.end
    return Phrase(sentence.text[lead_start:number.start], sentence.text[number.end:trail_end], lead_start, trail_end)


def clause_text(sentence: Sentence, clause: Clause) -> str:
    return sentence.text[clause.start:clause.end]
