"""Read a paragraph: its language, its sentences and clauses, and each figure tied to its subject."""

from __future__ import annotations

from dataclasses import dataclass

from readside.scan.clauses import Sentence, read_sentence, split_sentences
from readside.scan.language import Detected, chosen, detect
from readside.scan.places import Lexicon
from readside.scan.tie import Tie
from readside.scan.ties import tie_sentence


@dataclass
class Reading:
    """What the paragraph says, before any check: language, sentences, ties."""

    text: str
    lang: Detected
    sentences: list[Sentence]
    ties: list[Tie]


def read(text: str, lexicon: Lexicon, lang: str | None = None, fallback: str = "en") -> Reading:
    """`lang` given: the reader chose it for the whole text; None: detected (the page's language
    `fallback` when the text is too short to tell)."""
    detected = chosen(lang) if lang else detect(text, fallback, "paragraph")
    sentences = [read_sentence(i + 1, start, s, detected, lexicon) for i, (start, s) in enumerate(split_sentences(text))]
    ties = [tie for sentence in sentences for tie in tie_sentence(sentence)]
    for sentence in sentences:
        mine = [t for t in ties if t.sentence == sentence.number]
        for i, tie in enumerate(mine, start=1):
            tie.figure_id = f"f{i}"
    for tie in ties:
        tie.part_of = tie.total.figure_id if tie.total is not None else None
    return Reading(text, detected, sentences, ties)
