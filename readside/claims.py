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
- more than: from the quoted value minus rounding upwards.
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
- `not checkable with current sources`: no loaded source publishes the metric (migration flows,
  remittances). The note says which source would check it (the registry's `checkable_with`).
When the cited revision (2013, 2015) is not loaded, the note says so; the statuses are then
against the loaded revisions only.

Derived figures are recomputed from the data: a change is 100 x (level / base level - 1), where a
level is the sum of `areas` minus the sum of `minus_areas`, so the rest of the world is
900 - (904 + 905). Internal consistency compares the quote with itself, without the data: parts
against their stated total (`part_of`), a change against the quoted levels it spans, and a ratio
against the two quoted figures it compares (numerator: the figure with the ratio's own areas;
denominator: the other figure of the same metric). The verdict is `consistent` when the
recomputed value is inside the quoted interval, `consistent only within the quoted precision` when
only the intervals overlap, and `inconsistent` otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import StringIO

import pandas as pd

from etl.areas import AMERICAS_PARTS, WORLD
from etl.sources.worldbank import RECEIVED as REMITTANCES_RECEIVED
from readside import citations, queries
from readside.queries import Database
from readside.text import capitalised, decimal, language, t

MATCHES, REVISED, DIFFERS = "matches", "revised", "differs"
NOT_PUBLISHED, NOT_CHECKABLE = "year not published", "not checkable with current sources"
SEVERITY = [DIFFERS, REVISED, NOT_PUBLISHED, MATCHES, NOT_CHECKABLE]  # most severe first
PUBLISHED, INTERPOLATED = "published", "interpolated"
COMPUTABLE = {"stock", "change_percent"}
RELATIVE_SPREAD = 0.05
SHOWN_DECIMALS = {"million": 2, "percent": 1, "times": 1, "billion US$": 3}


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
        return quoted - half, math.inf
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
    # (vintage, area, year) -> US$, every World Bank vintage in the build, newest first
    remittances: dict[tuple[str, int, int], float] = field(default_factory=dict)

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
            remittances={(str(vintage), int(c), int(y)): float(v) for vintage, y, c, v in
                         queries.series_all_vintages(db, REMITTANCES_RECEIVED, codes).itertuples(index=False)},
        )

    @property
    def latest(self) -> int:
        return self.revisions[-1]

    def claim(self, claim_id: str) -> pd.Series:
        return self.claims.set_index("claim_id").loc[claim_id]

    def figures_of(self, claim_id: str) -> pd.DataFrame:
        return self.figures[self.figures["claim_id"] == claim_id]

    def level(self, revision: int, figure: pd.Series, year: int) -> float | None:
        """Persons in the figure's areas minus its minus_areas, or None if one is missing."""
        parts = [self.totals.get((revision, year, c, figure["sex"])) for c in _codes(figure["areas"])]
        minus = [self.totals.get((revision, year, c, figure["sex"])) for c in _codes(figure["minus_areas"])]
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


def _closest_remittances(ctx: Context, figure: pd.Series) -> tuple[Note, ...]:
    """Context, not a verdict: the World Bank's personal remittances for the same area and year
    in every vintage loaded, newest first (each vintage rewrites history). Its definition
    differs from the 'family remittances' other publishers quote."""
    if figure["metric"] not in ("remittances", "remittances_change_percent"):
        return ()
    areas, year = _codes(figure["areas"]), int(figure["year"])
    if len(areas) != 1:
        return ()
    vintages = sorted({v for v, area, y in ctx.remittances if area == areas[0] and y == year}, reverse=True)
    return tuple(note for vintage in vintages if (note := _remittance_note(ctx, figure, vintage, areas[0], year)))


def _remittance_note(ctx: Context, figure: pd.Series, vintage: str, area: int, year: int) -> Note | None:
    value = ctx.remittances[vintage, area, year]
    if figure["metric"] == "remittances":
        return Note("closest_remittances", {"year": year, "vintage": vintage,
                                            "value": Quantity(value / 1e9, "billion US$", 1)})
    before = ctx.remittances.get((vintage, area, int(figure["base_year"])))
    if not before:
        return None
    return Note("closest_remittances_change", {"year": year, "base": int(figure["base_year"]), "vintage": vintage,
                                               "value": Num(100 * (value / before - 1), 1, signed=True)})


def check_figure(ctx: Context, figure: pd.Series, revision: int) -> FigureCheck:
    """One figure against one revision (before `revised` is applied across revisions)."""
    quoted = float(figure["value"])
    made = {"claim_id": figure["claim_id"], "figure_id": figure["figure_id"], "revision": revision,
            "quoted": quoted, "unit": figure["unit"]}
    if figure["metric"] not in COMPUTABLE:
        en = figure["checkable_with"] if isinstance(figure["checkable_with"], str) else "-"
        where = Localized(en, *(text if isinstance(text := figure.get(f"checkable_with_{lang}"), str) else None
                                for lang in ("es", "fr", "pt")))
        context = _closest_remittances(ctx, figure)
        first = Note("other_definition" if context else "not_checkable", {"source": where})
        notes = (first, *context)
        return FigureCheck(**made, status=NOT_CHECKABLE, actual=None, notes=notes)
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
    for _, figure in figures.iterrows():
        checks = [check_figure(ctx, figure, r) for r in ctx.revisions]
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


def claim_status(checks: pd.DataFrame, latest: int) -> str:
    """The badge of a claim: its most severe checkable figure status in the latest revision."""
    statuses = set(checks[checks["revision"] == latest]["status"])
    checkable = statuses - {NOT_CHECKABLE}
    return next(s for s in SEVERITY if s in (checkable or statuses))


# ---- internal consistency: the quote against itself ----


def _verdict(central: float, derived: tuple[float, float], quoted: tuple[float, float]) -> tuple[str, bool]:
    if quoted[0] <= central <= quoted[1]:
        return "consistent", True
    if derived[0] <= quoted[1] and quoted[0] <= derived[1]:
        return "loosely_consistent", True
    return "inconsistent", False


def _parts_vs_total(figures: pd.DataFrame) -> list[Note]:
    notes = []
    for total_id, parts in figures[figures["part_of"].notna()].groupby("part_of"):
        total = figures[figures["figure_id"] == total_id]
        if total.empty:
            continue
        total = total.iloc[0]
        intervals = [figure_interval(p) for _, p in parts.iterrows()]
        low, high = sum(i[0] for i in intervals), sum(i[1] for i in intervals)
        part_sum, quoted = float(parts["value"].sum()), figure_interval(total)
        ok = low <= quoted[1] and quoted[0] <= high
        decimals = int(total["decimals"])
        notes.append(Note("parts_total", {
            "terms": tuple(Num(v, int(d)) for v, d in zip(parts["value"], parts["decimals"], strict=True)),
            "sum": Num(part_sum, decimals), "relation": "=" if ok else "≠",
            "total": Quantity(float(total["value"]), total["unit"], decimals),
            "gap": Num(float(total["value"]) - part_sum, decimals, signed=True),
        }, ok=ok))
    return notes


def _same_series(a: pd.Series, b: pd.Series) -> bool:
    return all(a[k] == b[k] or (pd.isna(a[k]) and pd.isna(b[k])) for k in ("areas", "minus_areas", "sex"))


def _change_vs_levels(figures: pd.DataFrame) -> list[Note]:
    """A quoted change against the quoted levels at its two ends (claim 3: 34 -> 61 vs 'nearly 78%')."""
    notes = []
    stocks = figures[figures["metric"] == "stock"]
    for _, change in figures[figures["metric"] == "change_percent"].iterrows():
        ends = {int(s["year"]): s for _, s in stocks.iterrows() if _same_series(s, change)}
        base, end = ends.get(int(change["base_year"])), ends.get(int(change["year"]))
        if base is None or end is None:
            continue
        (bl, bh), (el, eh) = figure_interval(base), figure_interval(end)
        central = 100 * (float(end["value"]) / float(base["value"]) - 1)
        derived = (100 * (el / bh - 1), 100 * (eh / bl - 1))
        verdict, ok = _verdict(central, derived, figure_interval(change))
        notes.append(Note("change_levels", {
            "base": Quantity(float(base["value"]), base["unit"], int(base["decimals"])),
            "end": Quantity(float(end["value"]), end["unit"], int(end["decimals"])),
            "derived": Quantity(central, "percent", 1), "low": Quantity(derived[0], "percent", 1), "high": Quantity(derived[1], "percent", 1),
            "quoted": Quoted.of(change), "verdict": Word(f"claims.verdict.{verdict}"),
        }, ok=ok))
    return notes


def _ratio_vs_parts(figures: pd.DataFrame) -> list[Note]:
    """A quoted ratio ('three times higher') against the two quoted figures it compares."""
    notes = []
    for _, ratio in figures[figures["metric"] == "ratio"].iterrows():
        others = figures[figures["metric"] != "ratio"]
        numerator = others[others["areas"] == ratio["areas"]]
        if numerator.empty:
            continue
        numerator = numerator.iloc[0]
        denominator = others[(others["metric"] == numerator["metric"]) & (others["areas"] != ratio["areas"])]
        if denominator.empty or not float(denominator["value"].iloc[0]):
            continue
        denominator = denominator.iloc[0]
        (nl, nh), (dl, dh) = figure_interval(numerator), figure_interval(denominator)
        central = float(numerator["value"]) / float(denominator["value"])
        verdict, ok = _verdict(central, (nl / dh, nh / dl), figure_interval(ratio))
        notes.append(Note("ratio", {
            "numerator": Quoted.of(numerator), "denominator": Quoted.of(denominator),
            "derived": Quantity(central, "times", 1), "quoted": Quoted.of(ratio), "verdict": Word(f"claims.verdict.{verdict}"),
        }, ok=ok))
    return notes


def consistency(figures: pd.DataFrame) -> list[Note]:
    """Does the quote add up on its own terms? Parts vs total, change vs levels, ratio vs parts."""
    return [*_parts_vs_total(figures), *_change_vs_levels(figures), *_ratio_vs_parts(figures)]


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
        values[figure["figure_id"]] = format_value(value, figure["unit"], _refreshed_decimals(figure), lang)
        values[f"{figure['figure_id']}_year"] = year
    return capitalised(template.format(**values).strip())  # a quote may start mid-sentence: a pasted one may not


def _refreshed_decimals(figure: pd.Series) -> int:
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


# ---- the secretariat's report (CLI) ----

REPORT_COLUMNS = ["claim_id", "figure_id", "revision", "status", "quoted_as", "quoted", "actual", "basis", "unit", "note",
                  "document_title", "quote", "consistency", "refreshed_en", "refreshed_es", "refreshed_fr", "refreshed_pt"]


def report(ctx: Context) -> pd.DataFrame:
    """One row per claim figure and revision: quote, status, note, consistency, refreshed sentences."""
    checks = check_all(ctx)
    claims = ctx.claims.set_index("claim_id")
    per_claim = pd.DataFrame({
        "consistency": {c: notes_text(consistency(ctx.figures_of(c)), "en") for c in claims.index},
        "refreshed_en": {c: sentence_with_citation(ctx, c, "en") or "" for c in claims.index},
        **{f"refreshed_{lang}": {c: sentence_with_citation(ctx, c, lang) or "" for c in claims.index}
           for lang in ("es", "fr", "pt")},
    })
    out = checks.merge(claims[["quote", "document_title"]], left_on="claim_id", right_index=True)
    out = out.merge(per_claim, left_on="claim_id", right_index=True)
    wording = {(f["claim_id"], f["figure_id"]): quoted_text(f, "en") for _, f in ctx.figures.iterrows()}
    out["quoted_as"] = [wording[key] for key in zip(out["claim_id"], out["figure_id"], strict=True)]
    return out[REPORT_COLUMNS].reset_index(drop=True)


SHOWN_COLUMNS = ["figure_id", "revision", "status", "quoted_as", "actual", "basis", "note"]


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.2f}"
    return "" if value is None else str(value)


def as_table(frame: pd.DataFrame, latest: int) -> str:
    """Plain text: per claim, its quote, one row per figure and revision, then the refreshed sentences."""
    out = []
    for claim_id, rows in frame.groupby("claim_id", sort=False):
        first = rows.iloc[0]
        out += [f"== {claim_id}: {claim_status(rows, latest)} in the {latest} revision — {first['document_title']}",
                f"quote: {first['quote']}"]
        shown = rows[SHOWN_COLUMNS].copy()
        shown["actual"] = shown["actual"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
        out.append(shown.to_string(index=False, max_colwidth=90))
        if first["consistency"]:
            out.append(f"consistency: {first['consistency']}")
        out += [f"refreshed (en): {first['refreshed_en'] or '(cannot be refreshed with current sources)'}",
                f"refreshed (es): {first['refreshed_es'] or '(no puede actualizarse con las fuentes actuales)'}", ""]
    return "\n".join(out)


def as_markdown(frame: pd.DataFrame, latest: int) -> str:
    """For a briefing note: a section per claim with its quote, figures table and refreshed sentences."""
    columns = SHOWN_COLUMNS
    out = [f"# Claims check against UN DESA International Migrant Stock (latest revision: {latest})", ""]
    for claim_id, rows in frame.groupby("claim_id", sort=False):
        first = rows.iloc[0]
        out += [f"## {claim_id} — {claim_status(rows, latest)}", "", f"*{first['document_title']}*", "", f"> {first['quote']}", "",
                "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in rows[columns].itertuples(index=False):
            cells = [_cell(v) for v in row]
            out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if first["consistency"]:
            out += ["", f"Internal consistency: {first['consistency']}"]
        out += ["", f"- Refreshed (en): {first['refreshed_en'] or '(cannot be refreshed with current sources)'}",
                f"- Refreshed (es): {first['refreshed_es'] or '(no puede actualizarse con las fuentes actuales)'}", ""]
    return "\n".join(out)


def as_csv(frame: pd.DataFrame) -> str:
    buffer = StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def normalise_status(name: str) -> str:
    """'year-not-published' and 'year_not_published' name the status 'year not published'."""
    return name.replace("-", " ").replace("_", " ").strip().lower()


def reached(frame: pd.DataFrame, fail_on: Iterable[str], latest: int) -> list[str]:
    """Statuses among `fail_on` that some figure has in the latest revision (what still holds now)."""
    wanted = {normalise_status(s) for s in fail_on}
    return sorted(set(frame[frame["revision"] == latest]["status"]) & wanted)


def run_check(db: Database, fmt: str = "table", fail_on: Iterable[str] = ()) -> tuple[str, list[str]]:
    """The `migdash claims check` command: the report text and the --fail-on statuses reached."""
    unknown = sorted({normalise_status(s) for s in fail_on} - set(SEVERITY))
    if unknown:
        raise ValueError(f"unknown status for --fail-on: {unknown}; choose from {SEVERITY}")
    ctx = Context.load(db)
    frame = report(ctx)
    text = {"csv": as_csv, "markdown": lambda f: as_markdown(f, ctx.latest)}.get(fmt, lambda f: as_table(f, ctx.latest))(frame)
    return text, reached(frame, fail_on, ctx.latest)
