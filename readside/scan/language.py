"""Which of the four OAS languages a paragraph, a sentence or a clause is written in.

lingua-language-detector (its models ship inside the wheel: no download, works offline),
restricted to English, Spanish, French and Portuguese, in its low-accuracy mode (trigram models
only): measured here at ~16 MB of memory and ~35 ms for the first call, against ~130 MB and
~0.8 s for the high-accuracy mode, and it tells these four languages apart on a sentence. The
detector is built once per process. A text too short to judge, or judged with low confidence,
takes the language of the text around it (clause -> sentence -> paragraph), and the paragraph
falls back to the page's language; a language the reader chose overrides all of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from readside.text import language

CODES = {Language.ENGLISH: "en", Language.SPANISH: "es", Language.FRENCH: "fr", Language.PORTUGUESE: "pt"}
MIN_LETTERS = {"paragraph": 12, "sentence": 30, "clause": 30}  # shorter: take the language around it
MIN_CONFIDENCE = {"paragraph": 0.5, "sentence": 0.8, "clause": 0.9}


@cache
def detector() -> LanguageDetector:
    """One detector per process (building the models on each request would cost a second)."""
    return LanguageDetectorBuilder.from_languages(*CODES).with_low_accuracy_mode().build()


@dataclass(frozen=True)
class Detected:
    lang: str
    confidence: float  # 0..1; 0 when the text was too short to judge
    chosen: bool = False  # the reader chose it (no detection)


def detect(text: str, fallback: str, level: str = "paragraph") -> Detected:
    """The language of `text`, or `fallback` when the text is too short or the detector unsure."""
    fallback = language(fallback)
    letters = re.sub(r"[^\w]|\d|_", "", text)
    if len(letters) < MIN_LETTERS[level]:
        return Detected(fallback, 0.0)
    values = detector().compute_language_confidence_values(text)
    best = values[0]
    code = CODES.get(best.language, fallback)
    if best.value < MIN_CONFIDENCE[level]:
        return Detected(fallback, best.value)
    return Detected(code, best.value)


def chosen(lang: str) -> Detected:
    return Detected(language(lang), 1.0, chosen=True)
