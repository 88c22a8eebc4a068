"""Citations in the reader's language: each chart cites its own dataset, with its licence once.

The build keeps each file's citation as its publisher writes it, in English ("World Bank, World
Development Indicators, series BX.TRF.PWKR.CD.DT. ... Last updated 2025-07-01."). A Spanish,
French or Portuguese page cannot paste that: this module writes the same citation from the
provenance row's parts (publisher, dataset, edition, vintage, address) with the words of the
page's language ("Banco Mundial, Indicadores del desarrollo mundial, serie ... Actualizado el
1 de julio de 2025."). Titles of datasets that the publisher only issues in English
("International Migrant Stock 2024", "Refugee Data Finder") and file names stay as published.
English pages show the publisher's own citation. The licence is written once, at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from babel.dates import format_date

from readside.queries import Database, placeholders
from readside.text import LOCALES, language, strings, t

COLUMNS = "source, dataset, revision, vintage, url, publisher, licence, citation, retrieved_at"
LICENCE = re.compile(r"[\s;.,]*\(?\s*(CC BY[\w .-]*?\d\.\d(?: IGO)?)\s*\)?\.?\s*$")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


# ---------------------------------------------------------------- which files


def rows(db: Database, source: str, *, datasets: Sequence[str] = (), vintages: Sequence[str] = (),
         revision: int | None = None, like: str | None = None) -> list[dict]:
    """Provenance rows of `source`, newest first, narrowed to the given datasets, vintages,
    revision or dataset pattern (e.g. '%BX.TRF.PWKR.CD.DT%': the files of one series)."""
    sql, params = f"SELECT {COLUMNS} FROM provenance WHERE source = ?", [source]  # noqa: S608 - constant columns
    if like:
        sql += " AND dataset LIKE ?"
        params.append(like)
    if datasets:
        sql += f" AND dataset IN ({placeholders(datasets)})"
        params += list(datasets)
    if vintages:
        sql += f" AND vintage IN ({placeholders(vintages)})"
        params += [str(v) for v in vintages]
    if revision is not None:
        sql += " AND revision = ?"
        params.append(int(revision))
    frame = db.frame(sql + " ORDER BY vintage DESC, dataset", params)
    return frame.to_dict("records")


def newest(db: Database, source: str, like: str | None = None) -> list[dict]:
    """The newest file of a source, or of one of its series (what a chart of the newest figures
    is drawn from)."""
    return rows(db, source, like=like)[:1]


# ---------------------------------------------------------------- words


def publisher(name: str, lang: str) -> str:
    """A publisher's name in the page's language ('World Bank' -> 'Banco Mundial')."""
    key = f"cite.publisher.{_publisher_key(name)}"
    return t(lang, key) if key in strings(language(lang)) else name


def _publisher_key(name: str) -> str:
    lowered = name.lower()
    for key, marker in (("knomad", "knomad"), ("undesa", "economic and social affairs"), ("worldbank", "world bank"),
                        ("unhcr", "unhcr"), ("oecd", "oecd"), ("iom", "missing migrants"), ("idmc", "idmc")):
        if marker in lowered:
            return key
    return lowered


def date(value: object, lang: str) -> str:
    """'2025-07-01' or 'December 2022' in the page's words ('1 de julio de 2025', 'décembre 2022');
    any other text unchanged."""
    text = str(value or "")
    lang = language(lang)
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        match = re.fullmatch(r"([A-Z][a-z]+) (\d{4})", text)
        if not match or match.group(1) not in MONTHS_EN:
            return text
        month = dt.date(int(match.group(2)), MONTHS_EN.index(match.group(1)) + 1, 1)
        return format_date(month, "LLLL y" if lang != "es" else "LLLL 'de' y", locale=LOCALES[lang])
    return format_date(day, "long", locale=LOCALES[lang]) if lang != "en" else text


def vintage(text: object, lang: str) -> str:
    """A vintage as the build labels it, in the page's words: 'data to 2024, sha256:…' (OECD)
    -> 'datos hasta 2024, sha256:…'; 'December 2022' -> 'diciembre de 2022'; dates, releases
    ('2025.12.1') and checksums unchanged."""
    shown = re.sub(r"data to (\d{4})", lambda m: t(lang, "cite.data_to", year=m.group(1)), str(text or ""))
    return re.sub(r"\b([A-Z][a-z]+ \d{4})\b", lambda m: date(m.group(1), lang), shown)


def licence_of(row: Mapping) -> str:
    return str(row.get("licence") or "")


def cite(row: Mapping, lang: str) -> str:
    """One file's citation in `lang`, without its licence (source_line adds it once)."""
    lang = language(lang)
    original = LICENCE.sub("", str(row.get("citation") or "")).rstrip(" ;,")
    if lang == "en":
        return original.rstrip(".")
    writer = _WRITERS.get(str(row.get("source")))
    written = writer(row, lang, original) if writer else None
    return (written or original).rstrip(".")


def source_line(cited: Sequence[Mapping], lang: str) -> str:
    """'Source: <citation> (<licence>).', one citation per file, each licence once."""
    lang = language(lang)
    parts = []
    for row in cited:
        text, licence = cite(row, lang), licence_of(row)
        parts.append(f"{text} ({licence})" if licence and licence not in text else text)
    unique = list(dict.fromkeys(parts))
    if not unique:
        return ""
    return t(lang, "cite.line" if len(unique) == 1 else "cite.lines", citations="; ".join(unique))


# ---------------------------------------------------------------- per source (es, fr, pt)


def _undesa(row: Mapping, lang: str, original: str) -> str:
    return t(lang, "cite.undesa_ims", publisher=t(lang, "cite.publisher.undesa"), revision=row["revision"])


def _wpp(row: Mapping, lang: str, original: str) -> str:
    return t(lang, "cite.wpp", publisher=t(lang, "cite.publisher.undesa"), revision=row["revision"])


def _worldbank(row: Mapping, lang: str, original: str) -> str | None:
    series = str(row.get("dataset", "")).removeprefix("worldbank_").rsplit("_", 1)[0]
    if not series:
        return None
    return t(lang, "cite.worldbank", publisher=t(lang, "cite.publisher.worldbank"), series=series,
             date=date(row.get("vintage"), lang))


def _unhcr(row: Mapping, lang: str, original: str) -> str:
    dataset = str(row.get("dataset", ""))
    if dataset.startswith("unhcr_rdf"):
        return t(lang, "cite.unhcr_rdf", publisher=t(lang, "cite.publisher.unhcr"), date=date(row.get("vintage"), lang))
    name = re.search(r"dataset `([^`]+)`", original)
    return t(lang, "cite.unhcr_package", publisher=t(lang, "cite.publisher.unhcr"), release=row.get("vintage"),
             dataset=name.group(1) if name else "population")


def _oecd(row: Mapping, lang: str, original: str) -> str | None:
    found = re.search(r"\((DF_[A-Z_]+), version ([\d.]+)\)", original)
    if not found:
        return None
    code, version = found.groups()
    key = f"cite.oecd.{code}"
    title = t(lang, key) if key in strings(lang) else code
    return t(lang, "cite.oecd", publisher=t(lang, "cite.publisher.oecd"), title=title, code=code, version=version,
             year=row.get("revision"))


def _iom(row: Mapping, lang: str, original: str) -> str | None:
    found = re.search(r", (csv|json|xlsx) \w+ \(([\d-]+)(?:; partial: ([^)]+))?\)", original)
    if not found:
        return None
    kind, years, partial = found.groups()
    covered = t(lang, "cite.iom_partial", years=years, partial=partial) if partial else years
    return t(lang, "cite.iom", publisher=t(lang, "cite.publisher.iom"), file=t(lang, f"cite.iom_{kind}"),
             years=covered, date=date(row.get("vintage"), lang))


def _idmc(row: Mapping, lang: str, original: str) -> str:
    export = "disaster_events" if "disaster" in str(row.get("dataset", "")) else "country_year"
    return t(lang, "cite.idmc", publisher=t(lang, "cite.publisher.idmc"), export=t(lang, f"cite.idmc_{export}"),
             date=date(row.get("vintage"), lang))


def _knomad(row: Mapping, lang: str, original: str) -> str:
    edition = row.get("revision")
    file = re.search(r"\(file ([^)]+)\)", original)
    release = str(row.get("vintage") or "")
    released = f", {date(release, lang)}" if release and release != str(edition) else ""
    return t(lang, "cite.knomad", publisher=t(lang, "cite.publisher.knomad"), edition=edition, released=released,
             file=file.group(1) if file else "", url=row.get("url", ""))


_WRITERS = {"undesa_ims": _undesa, "wpp": _wpp, "worldbank": _worldbank, "unhcr": _unhcr, "oecd": _oecd,
            "iom_missing_migrants": _iom, "idmc": _idmc, "knomad": _knomad}
