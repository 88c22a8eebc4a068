"""A registry claim's refreshed sentence (its template with the latest revision's figures) and its citation."""

from __future__ import annotations

import string

import pandas as pd

from readside import citations
from readside.claims.context import Context
from readside.claims.notes import format_value
from readside.text import capitalised, language, t


def refreshed_sentence(ctx: Context, claim_id: str, lang: str) -> str | None:
    """The claim's wording with the latest revision's figures (those its template names), or None
    if it cannot be refreshed."""
    template = ctx.claim(claim_id).get(f"sentence_{language(lang)}")
    if not isinstance(template, str) or not template:
        return None
    latest_year = ctx.published[ctx.latest][-1]
    values: dict[str, object] = {"revision": ctx.latest}
    used = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    for _, figure in ctx.figures_of(claim_id).iterrows():
        if not {figure["figure_id"], f"{figure['figure_id']}_year"} & used:
            continue  # quoted as written (e.g. another publisher's figure in a scanned sentence)
        year = latest_year if figure["refresh"] == "latest" else int(figure["year"])
        value = ctx.value(ctx.latest, figure, year)
        if value is None:
            return None
        values[figure["figure_id"]] = format_value(value, figure["unit"], refreshed_decimals(figure), lang)
        values[f"{figure['figure_id']}_year"] = year
    return capitalised(template.format(**values).strip())  # a quote may start mid-sentence: a pasted one may not


def refreshed_decimals(figure: pd.Series) -> int:
    """Millions keep at least one decimal: '47 million' becomes '46.9 million', so a revised value
    is not rounded back onto the quoted one; other units keep the quoted precision."""
    decimals = int(figure["decimals"])
    return max(decimals, 1) if figure["unit"] == "million" else decimals


def long_date(iso: str, lang: str) -> str:
    """'2026-11-23' -> '23 November 2026' / '23 de noviembre de 2026' (the ISO text if unparsable)."""
    try:
        year, month, day = (int(p) for p in iso[:10].split("-"))
        month_name = t(lang, "claims.months").split()[month - 1]
    except (ValueError, IndexError):
        return iso
    return t(lang, "claims.long_date", day=day, month=month_name, year=year)


def citation(ctx: Context, lang: str) -> str:
    """Publisher, dataset and revision (the publisher's citation, in the reader's language), URL,
    licence, access date."""
    source = ctx.source
    cited = citations.cite({**source, "source": "undesa_ims"}, lang) if source else ""
    return t(lang, "claims.citation", citation=cited + ".", url=source.get("url", ""),
             licence=source.get("licence", ""), accessed=long_date(str(source.get("retrieved_at", "")), lang))


def sentence_with_citation(ctx: Context, claim_id: str, lang: str) -> str | None:
    """What the copy button copies: the refreshed sentence, then its citation line."""
    sentence = refreshed_sentence(ctx, claim_id, lang)
    return f"{sentence} {citation(ctx, lang)}" if sentence else None
