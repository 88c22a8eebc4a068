"""Check every quoted figure against every loaded revision, and refresh the sentence.

Why: a sentence such as "migrants in the Americas jumped from 47 million in 2000 to 70.3 million
in 2019" is re-used for years. Before a meeting the secretariat must know whether each figure
still holds, what the latest revision says, and how to rewrite it with a proper citation.

Precision semantics: what a quoted figure covers, from its `decimals` and `qualifier` in
data/claims/*.yaml. Intervals are closed and in the quoted unit.
- exact (the default): the data rounds to the quoted value at the quoted decimals.
  "70.3 million" covers [70.25, 70.35]; "47 million" covers [46.5, 47.5]; "7.2%" [7.15, 7.25].
- around: ±5 % of the quoted value (or the rounding interval, if that is wider).
  "around 34 million" covers [32.3, 35.7]: 33.6 matches, 36.0 does not.
- nearly: slightly below. From 5 % below the quoted value up to the quoted value plus
  rounding: "nearly 78%" covers [74.1, 78.5]. The 5 % is relative, as for "around", so one
  rule serves millions and percentages alike.
- more than: from the quoted value upwards ("superó los 11 millones" is false for 10.9 million:
  a bound is not a rounded value); less than: up to the quoted value.
- derived: computed by the document from its other figures ("three times" = 17 % / 5 %); it is
  checked under internal consistency, with the rounding interval of an exact figure.

Statuses, per figure and loaded revision:
- `matches` / `differs`: the revision's value for that year (and base year) is inside / outside
  the interval.
- `revised`: in the latest revision only, a figure that differs there but matched the revision
  the document cites.
- `year not published`: the revision has no such year. The note gives the nearest published
  years and, between two of them, a linear interpolation labelled `interpolated` (the `basis`
  column says so too). An interpolation never decides a status.
- `not reported` (other publishers): the cell is a placeholder (a 0 for money) or a sum over
  members lacks some; never compared.
- `not checkable with current sources`: no loaded source publishes the metric (migration flows).
  The note says which source would check it (the registry's `checkable_with`).
Figures of the other publishers (World Bank, UNHCR, WPP, KNOMAD, OECD, IOM, IDMC; see
readside/vintage_values.py) get one row per vintage of their source instead of per revision.
Across rows, `verdict` gives each figure one status, the same on /claims and /check: matches (the
newest revision or vintage that publishes the year matches), revised (an older one matched),
differs, not reported, year not published, not checkable.
When the cited revision (2013, 2015) is not loaded, the note says so; the statuses are then
against the loaded revisions only.

Derived figures are recomputed from the data: a change is 100 x (level / base level - 1), where a
level is the sum of `areas` minus the sum of `minus_areas`, so the rest of the world is
900 - (904 + 905). Internal consistency (the quote against itself) is readside/consistency.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from etl.areas import AMERICAS_PARTS, WORLD
from readside import citations, queries, vintage_values
from readside.queries import Database
from readside.text import capitalised, decimal, language, t

MATCHES, REVISED, DIFFERS = "matches", "revised", "differs"
NOT_PUBLISHED, NOT_CHECKABLE = "year not published", "not checkable with current sources"
SEVERITY = [DIFFERS, REVISED, "not reported", NOT_PUBLISHED, MATCHES, NOT_CHECKABLE]  # most severe first
PUBLISHED, INTERPOLATED = "published", "interpolated"
COMPUTABLE = {"stock", "change_percent", "share", "share_sex"}  # UN DESA, per revision
NOT_REPORTED = "not reported"
RELATIVE_SPREAD = 0.05
SHOWN_DECIMALS = {"million": 2, "percent": 1, "times": 1, "billion US$": 3}
SHARES = {"share", "share_sex"}


# ---- precision ----


def tolerance(quoted: float, decimals: int, qualifier: str) -> tuple[float, float]:
    """[low, high] of values (in the quoted unit) that the quoted wording covers."""
    half = 0.5 * 10 ** (-decimals) + 1e-9  # 1e-9: a binary 70.35 still rounds to the quoted 70.3
    spread = max(half, RELATIVE_SPREAD * abs(quoted))
    if qualifier == "around":
        return quoted - spread, quoted + spread
    if qualifier == "nearly":
        return quoted - spread, quoted + half
    if qualifier == "more than":
        return quoted, math.inf
    if qualifier == "less than":
        return -math.inf, quoted
    return quoted - half, quoted + half


def covers(actual: float, quoted: float, decimals: int, qualifier: str) -> bool:
    low, high = tolerance(quoted, decimals, qualifier)
    return low <= actual <= high


def figure_interval(figure: pd.Series) -> tuple[float, float]:
    return tolerance(float(figure["value"]), int(figure["decimals"]), str(figure["qualifier"]))


# ---- notes that render in either language ----


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


# ---- the data a check needs, read once ----


def _codes(text: object) -> list[int]:
    return [int(c) for c in str(text).split(",")] if isinstance(text, str) and text else []


@dataclass(frozen=True)
class Context:
    """Registry, revisions and every needed destination total: one read, then pure lookups."""

    claims: pd.DataFrame
    figures: pd.DataFrame
    revisions: list[int]
    published: dict[int, list[int]]
    totals: dict[tuple[int, int, int, str], float]
    names: dict[int, tuple[str, str, str, str]]  # code -> name in en, es, fr, pt
    source: dict
    population: dict[tuple[int, int, int, str], float] = field(default_factory=dict)  # persons, UN DESA
    sources: vintage_values.Data = field(default_factory=vintage_values.Data)  # the other publishers

    @classmethod
    def load(cls, db: Database, claims: pd.DataFrame | None = None, figures: pd.DataFrame | None = None) -> Context:
        """The registry's claims, or the given claims and figures (built in memory, e.g. by readside.scan)."""
        figures = queries.claim_figures(db) if figures is None else figures
        codes = sorted({c for col in ("areas", "minus_areas") for text in figures[col] for c in _codes(text)} | {WORLD})
        frame = queries.claim_area_totals(db, codes)
        revisions = queries.revisions(db)
        latest = revisions[-1] if revisions else 0
        names = queries.area_names(db, codes)
        return cls(
            claims=queries.claims(db) if claims is None else claims,
            figures=figures,
            revisions=revisions,
            published={r: queries.years(db, r) for r in revisions},
            totals={(r, y, c, s): float(m) for r, y, c, s, m in frame.itertuples(index=False)},
            names={int(c): (en, es, fr, pt) for c, en, es, fr, pt in names.itertuples(index=False)},
            source=queries.provenance_citation(db, latest) or {},
            population=vintage_values.undesa_population(db, codes) if figures["metric"].isin(["share"]).any() else {},
            sources=vintage_values.Data.load(db, figures),
        )

    @property
    def latest(self) -> int:
        return self.revisions[-1]

    def claim(self, claim_id: str) -> pd.Series:
        return self.claims.set_index("claim_id").loc[claim_id]

    def figures_of(self, claim_id: str) -> pd.DataFrame:
        return self.figures[self.figures["claim_id"] == claim_id]

    def level(self, revision: int, figure: pd.Series, year: int, sex: str | None = None,
              table: dict | None = None) -> float | None:
        """Persons in the figure's areas minus its minus_areas, or None if one is missing."""
        sex, table = sex or figure["sex"], self.totals if table is None else table
        parts = [table.get((revision, year, c, sex)) for c in _codes(figure["areas"])]
        minus = [table.get((revision, year, c, sex)) for c in _codes(figure["minus_areas"])]
        if any(v is None for v in parts + minus):
            return None
        return sum(parts) - sum(minus)

    def value(self, revision: int, figure: pd.Series, year: int) -> float | None:
        """The figure recomputed for one revision and (end) year, in its quoted unit (None for a
        metric no loaded source publishes, or a year or area the revision lacks)."""
        level = self.level(revision, figure, year) if figure["metric"] in COMPUTABLE else None
        if level is None:
            return None
        if figure["metric"] == "stock":
            return level / 1e6
        if figure["metric"] in SHARES:  # of the population, or women/men of all migrants
            whole = self.level(revision, figure, year, "total") if figure["metric"] == "share_sex" else \
                self.level(revision, figure, year, table=self.population)
            return 100 * level / whole if whole else None
        base = self.level(revision, figure, int(figure["base_year"]))
        return None if not base else 100 * (level / base - 1)

    def area_label(self, figure: pd.Series, lang: str) -> str:
        """'Americas', 'rest of the world', or the areas' names joined by + and −."""
        plus, minus = _codes(figure["areas"]), _codes(figure["minus_areas"])
        if sorted(plus) == sorted(AMERICAS_PARTS) and not minus:
            return t(lang, "claims.area.americas")
        if plus == [WORLD] and sorted(minus) == sorted(AMERICAS_PARTS):
            return t(lang, "claims.area.rest_of_world")
        text = " + ".join(self.area_name(c, lang) for c in plus)
        return text + "".join(f" − {self.area_name(c, lang)}" for c in minus)

    def area_name(self, code: int, lang: str) -> str:
        names = dict(zip(("en", "es", "fr", "pt"), self.names.get(code, (str(code),) * 4), strict=True))
        return names[language(lang)]


# ---- statuses ----


@dataclass
class FigureCheck:
    claim_id: str
    figure_id: str
    revision: int
    status: str
    quoted: float
    actual: float | None
    unit: str
    basis: str = ""
    notes: tuple[Note, ...] = ()
    vintage: str = ""  # the revision or vintage checked, as its publisher names it
    source: str = "undesa_ims"
    current: bool = False  # the newest loaded revision or vintage of the figure's source


def _unpublished(ctx: Context, figure: pd.Series, revision: int, year: int) -> tuple[tuple[Note, ...], float | None]:
    """Nearest published years around `year`, and a labelled linear interpolation between them."""
    published = ctx.published[revision]
    before, after = [y for y in published if y < year], [y for y in published if y > year]
    if not before:
        return (Note("before_first", {"year": year, "first": published[0]}),), None
    if not after:
        return (Note("after_last", {"year": year, "last": published[-1]}),), None
    lo, hi = before[-1], after[0]
    nearest = Note("nearest", {"year": year, "before": lo, "after": hi})
    a, b = ctx.value(revision, figure, lo), ctx.value(revision, figure, hi)
    if a is None or b is None or int(figure["year"]) != year:
        return (nearest,), None
    value = a + (b - a) * (year - lo) / (hi - lo)
    quantity = Quantity(value, figure["unit"], SHOWN_DECIMALS.get(figure["unit"], 2))
    return (nearest, Note("interpolated", {"year": year, "value": quantity})), value


def check_figure(ctx: Context, figure: pd.Series, revision: int) -> FigureCheck:
    """One figure against one revision (before `revised` is applied across revisions)."""
    quoted = float(figure["value"])
    made = {"claim_id": figure["claim_id"], "figure_id": figure["figure_id"], "revision": revision,
            "quoted": quoted, "unit": figure["unit"]}
    if figure["metric"] not in COMPUTABLE:
        return _not_checkable(ctx, figure)
    needed = [int(figure["year"])] + ([int(figure["base_year"])] if pd.notna(figure["base_year"]) else [])
    missing = [y for y in needed if y not in ctx.published[revision]]
    if missing:
        notes, value = _unpublished(ctx, figure, revision, missing[0])
        return FigureCheck(**made, status=NOT_PUBLISHED, actual=value, basis=INTERPOLATED if value is not None else "", notes=notes)
    actual = ctx.value(revision, figure, int(figure["year"]))
    if actual is None:
        return FigureCheck(**made, status=NOT_PUBLISHED, actual=None, notes=(Note("missing_area"),))
    status = MATCHES if covers(actual, quoted, int(figure["decimals"]), figure["qualifier"]) else DIFFERS
    return FigureCheck(**made, status=status, actual=actual, basis=PUBLISHED)


def _not_checkable(ctx: Context, figure: pd.Series) -> FigureCheck:
    """A metric no loaded source publishes: one row, naming the source that would check it."""
    en = figure["checkable_with"] if isinstance(figure.get("checkable_with"), str) else "-"
    where = Localized(en, *(text if isinstance(text := figure.get(f"checkable_with_{lang}"), str) else None
                            for lang in ("es", "fr", "pt")))
    return FigureCheck(figure["claim_id"], figure["figure_id"], None, NOT_CHECKABLE, float(figure["value"]), None,
                       figure["unit"], notes=(Note("not_checkable", {"source": where}),), source="", current=True)


def _check_vintages(ctx: Context, figure: pd.Series) -> list[FigureCheck]:
    """A figure of another publisher against each of its vintages, with the same tolerance."""
    source, series = vintage_values.SOURCE[figure["metric"]], Word(f"scan.series.{figure['metric']}")
    quoted, found = float(figure["value"]), vintage_values.values(ctx.sources, figure)
    out = []
    for i, value in enumerate(found):
        made = {"claim_id": figure["claim_id"], "figure_id": figure["figure_id"], "revision": None, "quoted": quoted,
                "unit": figure["unit"], "vintage": value.vintage, "source": source, "current": i == len(found) - 1}
        named = Note("series", {"series": series, "vintage": value.vintage})
        if value.state == vintage_values.PUBLISHED and value.value is not None:
            ok = covers(value.value, quoted, int(figure["decimals"]), figure["qualifier"])
            notes = (named,) if ok or not figure["metric"].startswith("remittances") else (named, Note("remittance_definitions"))
            out.append(FigureCheck(**made, status=MATCHES if ok else DIFFERS, actual=value.value, basis=PUBLISHED, notes=notes))
        elif value.state == vintage_values.PLACEHOLDER:
            out.append(FigureCheck(**made, status=NOT_REPORTED, actual=None, notes=(named, Note("placeholder"))))
        elif value.state == vintage_values.PARTIAL and value.reporting:
            counted, expected = value.reporting
            note = Note("members_reporting", {"counted": counted, "expected": expected})
            out.append(FigureCheck(**made, status=NOT_REPORTED, actual=None, notes=(named, note)))
        elif value.state == vintage_values.PARTIAL:
            out.append(FigureCheck(**made, status=NOT_PUBLISHED, actual=None, notes=(named, Note("partial_year"))))
        else:
            out.append(FigureCheck(**made, status=NOT_PUBLISHED, actual=None, notes=(named, Note("not_in_vintage"))))
    if not out:
        out.append(FigureCheck(figure["claim_id"], figure["figure_id"], None, NOT_PUBLISHED, quoted, None, figure["unit"],
                               notes=(Note("source_not_loaded", {"series": series}),), source=source, current=True))
    return out


def _apply_revised(checks: list[FigureCheck], cited: int, latest: int) -> None:
    """Latest revision: `differs` becomes `revised` when the cited revision matched."""
    at_cited = next((c for c in checks if c.revision == cited), None)
    if at_cited is None or at_cited.status != MATCHES:
        return
    for check in checks:
        if check.revision != latest or check.status not in (DIFFERS, NOT_PUBLISHED):
            continue
        if check.status == DIFFERS:
            check.status = REVISED
            check.notes = (Note("revised", {"cited": cited, "latest": latest}), *check.notes)
        else:
            check.notes = (Note("matched_cited", {"cited": cited}), *check.notes)


def check_claim(ctx: Context, claim_id: str) -> list[FigureCheck]:
    """Every figure of one claim against every loaded revision."""
    return check_figures(ctx, ctx.figures_of(claim_id), int(ctx.claim(claim_id)["cited_revision"]))


def check_figures(ctx: Context, figures: pd.DataFrame, cited: int | None) -> list[FigureCheck]:
    """Figures (registry rows or built in memory) against every loaded revision; `cited` is the
    revision the text cites (`revised` needs it; None: the text names none)."""
    out = []
    for figure in figures.to_dict("records"):  # plain dicts: a pandas row per figure costs ms
        if figure["metric"] in vintage_values.SOURCE:
            out += _check_vintages(ctx, figure)
            continue
        if figure["metric"] not in COMPUTABLE:
            out.append(_not_checkable(ctx, figure))
            continue
        checks = [check_figure(ctx, figure, r) for r in ctx.revisions]
        for check in checks:
            check.vintage, check.current = str(check.revision), check.revision == ctx.latest
        if cited is None:
            out += checks
            continue
        _apply_revised(checks, cited, ctx.latest)
        if cited not in ctx.revisions and figure["metric"] in COMPUTABLE:
            for check in checks:
                check.notes = (Note("cited_not_loaded", {"cited": cited}), *check.notes)
        out += checks
    return out


def check_all(ctx: Context) -> pd.DataFrame:
    """One row per claim figure and loaded revision; `notes` holds Note objects, `note` English text."""
    rows = [check for claim_id in ctx.claims["claim_id"] for check in check_claim(ctx, claim_id)]
    frame = pd.DataFrame([vars(r) for r in rows], columns=list(FigureCheck.__dataclass_fields__))
    frame["note"] = frame["notes"].map(lambda notes: notes_text(notes, "en"))
    return frame


@dataclass(frozen=True)
class Verdict:
    """One figure's status across every revision or vintage of its source, and the check behind it.

    matches: the newest revision or vintage that publishes the year matches (every matching one is
    named); revised: an older one matched, the newest differs; differs: none matches; not reported:
    the publisher's cell is a placeholder or a sum lacks members; year not published; not checkable."""

    status: str
    decided_by: FigureCheck
    newest: FigureCheck | None  # the newest check with a published value (what a refresh writes)
    notes: tuple[Note, ...]


def verdict(checks: list[FigureCheck]) -> Verdict:
    published = [c for c in checks if c.basis == PUBLISHED]
    if not published:
        status = next((s for s in (NOT_REPORTED, NOT_PUBLISHED) if any(c.status == s for c in checks)), checks[-1].status)
        last = [c for c in checks if c.current] or checks[-1:]
        return Verdict(status, last[0], None, last[0].notes)
    newest = published[-1]
    matched = [c for c in published if c.status == MATCHES]
    values = {"vintages": ", ".join(c.vintage for c in matched), "newest": newest.vintage, "series": _series(newest),
              "value": Quantity(newest.actual, newest.unit, SHOWN_DECIMALS.get(newest.unit, 2))}
    kind = "revision" if newest.source == "undesa_ims" else "vintage"
    if newest.status == MATCHES:
        return Verdict(MATCHES, newest, newest, (Note(f"matches_{kind}", values),))
    if matched:
        return Verdict(REVISED, matched[-1], newest, (Note(f"revised_{kind}", values),))
    extra = tuple(n for n in newest.notes if n.key == "remittance_definitions")
    return Verdict(DIFFERS, newest, newest, (Note(f"differs_{kind}", values), *extra))


def _series(check: FigureCheck) -> object:
    return next((n.values["series"] for n in check.notes if n.key == "series"), "")


def verdicts(checks: list[FigureCheck]) -> dict[tuple[str, str], Verdict]:
    """(claim_id, figure_id) -> Verdict, in the order the checks came."""
    grouped: dict[tuple[str, str], list[FigureCheck]] = {}
    for check in checks:
        grouped.setdefault((check.claim_id, check.figure_id), []).append(check)
    return {key: verdict(group) for key, group in grouped.items()}


def as_checks(frame: pd.DataFrame) -> list[FigureCheck]:
    fields = list(FigureCheck.__dataclass_fields__)
    return [FigureCheck(**{k: (None if k in ("revision", "actual") and pd.isna(v) else v) for k, v in row.items() if k in fields})
            for row in frame.to_dict("records")]


def claim_status(checks: pd.DataFrame, latest: int | None = None) -> str:
    """The badge of a claim: its most severe checkable figure verdict (the same as /check gives)."""
    statuses = {v.status for v in verdicts(as_checks(checks)).values()}
    checkable = statuses - {NOT_CHECKABLE}
    return next(s for s in SEVERITY if s in (checkable or statuses))


# ---- refreshed sentence and citation ----


def refreshed_sentence(ctx: Context, claim_id: str, lang: str) -> str | None:
    """The claim's wording with the latest revision's figures, or None if it cannot be refreshed."""
    template = ctx.claim(claim_id).get(f"sentence_{language(lang)}")
    if not isinstance(template, str) or not template:
        return None
    latest_year = ctx.published[ctx.latest][-1]
    values: dict[str, object] = {"revision": ctx.latest}
    for _, figure in ctx.figures_of(claim_id).iterrows():
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
