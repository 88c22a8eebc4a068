"""What a URL asks for, checked against what the database holds: the Data page, the download
routes and the API share these rules. Every request parameter is validated, so a bad link gets
a plain message in the reader's language (the rejected value quoted back, short), never a
traceback; chosen values reach SQL only as parameters (readside.queries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from readside import queries
from readside.inputs import whole_number
from readside.queries import EXTRACT_VIEWS, SEXES, Database, Selection
from readside.text import language, t

MAX_ITEMS = 400  # more areas or years than the database could hold is not a selection
MAX_SHOWN = 40  # characters of a rejected value quoted back to the user


@dataclass(frozen=True)
class Rejected:
    """One request parameter (or part of it) the database cannot answer, quoted back safely."""

    param: str
    value: str
    choices: str = ""
    revision: int | None = None

    def message(self, lang: str) -> str:
        return t(lang, f"data.rejected.{self.param}", value=self.value, choices=self.choices, revision=self.revision)


class SelectionError(ValueError):
    """A request asked for something the database does not hold; `message(lang)` is for the user."""

    def __init__(self, rejected: list[Rejected]):
        super().__init__("; ".join(r.message("en") for r in rejected))
        self.rejected = rejected

    def message(self, lang: str) -> str:
        return " ".join(r.message(lang) for r in self.rejected)


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _tokens(value: object) -> list[str]:
    return [p.strip() for p in str(value or "").split(",") if p.strip()]


def _pick_ints(raw: object, allowed: list[int], param: str, revision: int | None = None) -> tuple[list[int], list[Rejected]]:
    """The listed integers that are allowed; everything else is reported, not guessed at."""
    parts = _tokens(raw)
    if len(parts) > MAX_ITEMS:
        return [], [Rejected(param, _shown(raw), revision=revision)]
    allowed_set = set(allowed)
    good = sorted({whole_number(p) for p in parts if whole_number(p) in allowed_set})  # ASCII digits only
    bad = [p for p in parts if whole_number(p) not in allowed_set]
    return good, [Rejected(param, _shown(",".join(bad)), compact(allowed), revision)] if bad else []


def compact(values: list[int]) -> str:
    """Integers as a short list with runs as ranges: "1960–2023", "1990, 1995, 2000–2024"
    (the years of an indicator are too many to list, and an empty "published: ()" says nothing)."""
    runs: list[list[int]] = []
    for value in sorted(set(values)):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs)


def _pick_dataset(raw: object, db: Database) -> tuple[str, list[int], list[Rejected]]:
    """The dataset asked for and the revisions it holds (only its own are read: a poll that ends
    in 304 should cost little), else the default with what was wrong."""
    value = str(raw or "stock")
    if value not in EXTRACT_VIEWS:
        return "stock", queries.extract_revisions_of(db, "stock"), [
            Rejected("dataset", _shown(value), ", ".join(EXTRACT_VIEWS))]
    held = queries.extract_revisions_of(db, value)
    if not held and value != "stock":
        return "stock", queries.extract_revisions_of(db, "stock"), [
            Rejected("dataset_empty", value, EXTRACT_VIEWS[value].source)]
    return value, held, [] if held else [Rejected("dataset_empty", value, EXTRACT_VIEWS[value].source)]


def _pick_revision(raw: object, held: list[int]) -> tuple[int, list[Rejected]]:
    text = str(raw or "").strip()
    if whole_number(text) in held:
        return whole_number(text), []
    rejected = [Rejected("revision", _shown(text), ", ".join(map(str, held)))] if text else []
    return held[-1], rejected


def pick_sexes(raw: object) -> tuple[tuple[str, ...], list[Rejected]]:
    parts = _tokens(raw) or ["total"]
    good = tuple(s for s in SEXES if s in parts)  # canonical order: total, male, female
    bad = [p for p in parts if p not in SEXES]
    return good or ("total",), [Rejected("sex", _shown(",".join(bad)), ", ".join(SEXES))] if bad else []


def _pick_origins(raw: object) -> tuple[bool, list[Rejected]]:
    value = str(raw or "total")
    if value in ("total", "all"):
        return value == "all", []
    return False, [Rejected("origins", _shown(value), "total, all")]


def read_selection(args: Mapping[str, object], db: Database) -> tuple[Selection, list[Rejected]]:
    """Best effort: every parameter that makes sense, defaults for the rest, and what was left out.

    The page uses this to show the closest valid view with a notice; downloads refuse instead.
    Years default to every published year; areas stay empty when none is valid.
    """
    dataset, held, rejected = _pick_dataset(args.get("dataset"), db)
    if not held:
        return Selection(dataset, 0, (), (), ()), [*rejected, Rejected("revision", "", "")]
    revision, bad = _pick_revision(args.get("revision"), held)
    published = queries.extract_years(db, dataset, revision)
    years, bad_years = _pick_ints(args.get("years"), published, "years", revision)
    areas, bad_areas = _pick_ints(args.get("areas"), queries.area_codes(db), "areas")
    sexes, bad_sexes = pick_sexes(args.get("sex"))
    all_origins, bad_origins = _pick_origins(args.get("origins"))
    spec = EXTRACT_VIEWS[dataset]
    series, bad_series = _pick_series(args.get("series"), db, dataset) if spec.by_series else ((), [])
    selection = Selection(
        dataset, revision, tuple(areas), tuple(years or published),
        sexes if spec.has_sex else (), all_origins and spec.has_origin, series,
    )
    return selection, [*rejected, *bad, *bad_years, *bad_areas, *bad_sexes, *bad_origins, *bad_series]


def _pick_series(raw: object, db: Database, dataset: str) -> tuple[tuple[str, ...], list[Rejected]]:
    """The listed series codes this dataset holds (in the database's order); the rest reported."""
    parts = _tokens(raw)
    held = queries.extract_series(db, dataset)["code"].tolist()
    if len(parts) > MAX_ITEMS:
        return (), [Rejected("series", _shown(raw), ", ".join(held))]
    bad = [p for p in parts if p not in held]
    good = tuple(code for code in held if code in parts)
    return good, [Rejected("series", _shown(",".join(bad)), ", ".join(held))] if bad else []


def parse_selection(args: Mapping[str, object], db: Database) -> Selection:
    """Strict: exactly what was asked for, or SelectionError saying what the database lacks."""
    selection, rejected = read_selection(args, db)
    if not selection.areas and not any(r.param == "areas" for r in rejected):
        rejected.append(Rejected("no_areas", ""))
    if rejected:
        raise SelectionError(rejected)
    return selection


def query_string(selection: Selection, lang: str = "en") -> str:
    """URL parameters that reproduce this selection exactly (the page's links and its own URL)."""
    params: dict[str, object] = {
        "dataset": selection.dataset, "revision": selection.revision,
        "areas": ",".join(map(str, selection.areas)), "years": ",".join(map(str, selection.years)),
    }
    if selection.sexes:
        params["sex"] = ",".join(selection.sexes)
    if selection.all_origins:
        params["origins"] = "all"
    if selection.series:
        params["series"] = ",".join(selection.series)
    return urlencode({**params, "lang": language(lang)})
