"""Notes that render in the reader's language: findings (`Note`) and the values they carry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from readside.text import decimal, language, t

SHOWN_DECIMALS = {"million": 2, "percent": 1, "times": 1, "billion US$": 3}


@dataclass(frozen=True)
class Num:
    """A bare number, formatted for the reader's language at render time."""

    value: float
    decimals: int = 1
    signed: bool = False


@dataclass(frozen=True)
class Quantity:
    """A number with its unit ("70.3 million", "78 %", "70,369 mil millones de US$")."""

    value: float
    unit: str
    decimals: int


@dataclass(frozen=True)
class Quoted:
    """A figure as the document words it: 'around 34 million', 'casi 78 %'."""

    value: float
    unit: str
    decimals: int
    qualifier: str

    @classmethod
    def of(cls, figure: pd.Series) -> Quoted:
        return cls(float(figure["value"]), str(figure["unit"]), int(figure["decimals"]), str(figure["qualifier"]))


@dataclass(frozen=True)
class Localized:
    """A text the registry gives in the OAS languages (English always; the others where given)."""

    en: str
    es: str | None
    fr: str | None = None
    pt: str | None = None

    def text(self, lang: str) -> str:
        return getattr(self, language(lang)) or self.en


@dataclass(frozen=True)
class Word:
    """A translated word chosen by the checker (a verdict), rendered in the reader's language."""

    key: str


@dataclass(frozen=True)
class Note:
    """One finding: an i18n key under `claims.note.` and its values; `ok` for consistency checks."""

    key: str
    values: dict = field(default_factory=dict)
    ok: bool | None = None

    def text(self, lang: str) -> str:
        return t(lang, f"claims.note.{self.key}", **{k: render(v, lang) for k, v in self.values.items()})


def render(value: object, lang: str) -> str:
    if isinstance(value, Quantity):
        return format_value(value.value, value.unit, value.decimals, lang)
    if isinstance(value, Quoted):
        number = format_value(value.value, value.unit, value.decimals, lang)
        return t(lang, f"claims.qualifier.{value.qualifier}", value=number)
    if isinstance(value, Word):
        return t(lang, value.key)
    if isinstance(value, Localized):
        return value.text(lang)
    if isinstance(value, Num):
        sign = "+" if value.signed and value.value > 0 else ""
        return sign + decimal(value.value, lang, value.decimals)
    if isinstance(value, tuple):
        return " + ".join(render(v, lang) for v in value)
    return str(value)


def notes_text(notes: Iterable[Note], lang: str) -> str:
    return "; ".join(n.text(lang) for n in notes)


def format_value(value: float, unit: str, decimals: int, lang: str) -> str:
    """A value with its unit; Spanish: decimal comma, 'mil millones' for billion (never 'billón')."""
    return t(language(lang), f"claims.unit.{unit}", value=decimal(value, lang, decimals))


def quoted_text(figure: pd.Series, lang: str) -> str:
    """The quoted figure with its qualifier: 'around 34 million', 'casi 78 %'."""
    return render(Quoted.of(figure), lang)

