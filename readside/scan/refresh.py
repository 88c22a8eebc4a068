"""The refreshed paragraph: the writer's own sentences, with each outdated figure rewritten.

Only a figure with a tie whose verdict is `differs` or `revised` is replaced, by the newest
revision's or vintage's value for the same year and area; every other word stays as written.
Only the digits change: the scale word, currency, article and qualifier are the writer's
("superó los", "cerca de", "mil millones de dólares"), the digits are written in the clause's
locale, and rounded so that the qualifier stays true ("more than" rounds down, "nearly" and
"less than" round up). The citation names each source whose data the paragraph now rests on,
in the paragraph's language.
"""

from __future__ import annotations

import math

from readside import claims
from readside.claims import Context, covers, long_date
from readside.queries import Database
from readside.scan.clauses import Sentence
from readside.scan.numbers import Number, parse_number
from readside.scan.tie import Tie
from readside.text import decimal, t
from readside.vintage_values import provenance, vintage_label


def refreshed_paragraph(text: str, sentences: list[Sentence], found: list[Tie], latest: dict[int, float | None]) -> str:
    """The paragraph with each outdated figure's digits replaced (see the module's docstring)."""
    edits = []
    for item in found:
        new = _digits(item, latest.get(id(item)))
        if new is not None:
            offset = sentences[item.sentence - 1].start
            edits.append((offset + item.number.num_start, offset + item.number.num_end, new))
    return _apply(text, edits)


def refreshed_sentence(sentence: Sentence, found: list[Tie], latest: dict[int, float | None]) -> str:
    edits = [(f.number.num_start, f.number.num_end, new) for f in found if f.sentence == sentence.number
             and (new := _digits(f, latest.get(id(f)))) is not None]
    return " ".join(_apply(sentence.text, edits).split())


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _digits(item: Tie, value: float | None) -> str | None:
    """The new digits for a figure, in the writer's scale and the clause's locale, or None."""
    if value is None or not item.understood or item.metric in ("ratio", "flow_change_percent"):
        return None
    number = item.number
    written = _written(value, number)
    digits = _written_decimals(number)
    rounded = _round(written, digits, number.qualifier)
    if not covers(written, rounded, digits, number.qualifier):
        digits += 1  # one more decimal keeps the qualifier true
        rounded = _round(written, digits, number.qualifier)
    if item.negative:
        rounded = abs(rounded)  # the sign is said in words ("saldo negativo de")
    return decimal(rounded, number.lang, digits)


def _written(value: float, number: Number) -> float:
    """A registry value (millions of persons, billions of US$, percent) in the writer's own scale."""
    if number.unit == "million":
        return value * 1e6 / 10 ** number.power
    if number.unit == "billion US$":
        return value * 1e9 / 10 ** number.power
    return value


def _written_decimals(number: Number) -> int:
    """Decimals as written; a millions or billions figure keeps at least one ('47 million' becomes
    '46.9 million', so a revised value is not rounded back onto the quoted one)."""
    try:
        _, digits = parse_number(number.text[number.num_start - number.start:number.num_end - number.start], number.lang)
    except ValueError:
        digits = 0
    return max(digits, 1) if number.power >= 6 else digits


def _round(value: float, digits: int, qualifier: str) -> float:
    factor = 10 ** digits
    if qualifier == "more than":
        return math.floor(value * factor) / factor
    if qualifier in ("nearly", "less than"):
        return math.ceil(value * factor) / factor
    return round(value, digits)


def citation(db: Database, ctx: Context, sources: set[str], lang: str) -> str:
    """'Source: …' for UN DESA (the revision's own citation) and each other source the figures rest on."""
    parts = []
    if "undesa_ims" in sources or not sources:
        parts.append(claims.citation(ctx, lang))
    for source, row in sorted(provenance(db, sources - {"undesa_ims", ""}).items()):
        parts.append(t(lang, "scan.citation", source=t(lang, f"scan.source.{source}"),
                       vintage=vintage_label(str(row.get("vintage") or "")), url=row.get("url") or "",
                       licence=row.get("licence") or "", accessed=long_date(str(row.get("retrieved_at") or ""), lang)))
    return " ".join(parts)
