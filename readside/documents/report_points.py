"""The report's own talking points, made by the same machinery as the briefs' (measures.py):
corridors and the two stock sources compared (KNOMAD, UN DESA), OECD inflows by category and
programme, IOM's dead and missing with their coverage, and IDMC's conflict displacement.
Each returns None when the build holds no figure for it, so a chapter says only what exists.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from readside import corridors, flows, reporting
from readside.documents.measures import (
    Metric,
    TalkingPoint,
    change_fields,
    custom_point,
    frame_sentence,
    signed_percent,
)
from readside.documents.subjects import loaded_sources, names
from readside.documents.values import oecd_vintage
from readside.queries import Database
from readside.text import decimal, language, people, percent, strings, t

OECD_PERMANENT, OECD_TEMPORARY, OECD_FOREIGN = "oecd_df_mig_int_per", "oecd_df_mig_int_temp", "oecd_df_mig"


def conflict_displacement(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: new displacements by conflict and violence (IDMC, newest release)."""
    return db.frame(
        "SELECT area_code, year, persons::DOUBLE AS value FROM internal_displacement WHERE cause = 'conflict' "
        "AND measure = 'new_displacements' AND area_code IN (SELECT unnest(?)) AND vintage = "
        "(SELECT max(vintage) FROM internal_displacement WHERE cause = 'conflict' AND measure = 'new_displacements') "
        "ORDER BY 1, 2",
        [list(codes)],
    )


def _conflict_vintage(db: Database) -> str:
    rows = db.rows("SELECT max(vintage) FROM internal_displacement WHERE cause = 'conflict' "
                   "AND measure = 'new_displacements'")
    return str(rows[0][0]) if rows and rows[0][0] else ""


CONFLICT = Metric("conflict", conflict_displacement, people, "idmc", _conflict_vintage)


# ---------------------------------------------------------------- corridors (chapter 2)


def knomad_edition(db: Database) -> tuple[int | None, int | None]:
    """(newest edition, the one before it) of the World Bank/KNOMAD matrix in this build."""
    editions = corridors.bilateral_editions(db)
    return (editions[0] if editions else None), (editions[1] if len(editions) > 1 else None)


def _knomad_dataset(edition: int) -> str:
    return f"knomad_bilateral_{edition}"


def knomad_vintage(db: Database, edition: int) -> str:
    rows = db.rows("SELECT vintage FROM provenance WHERE source = 'knomad' AND dataset = ?", [_knomad_dataset(edition)])
    return rows[0][0] if rows else str(edition)


def corridor_point(db: Database, lang: str) -> TalkingPoint | None:
    """The largest country-to-country corridor into or out of the Americas, with its change
    since the previous edition of the matrix."""
    edition, base = knomad_edition(db)
    if edition is None:
        return None
    top = corridors.bilateral_top_corridors(db, edition, base, limit=1)
    if top.empty:
        return None
    row = top.iloc[0]
    origin, destination = names(db, [int(row.origin_code), int(row.destination_code)], lang).values()
    value = float(row.migrants)
    details, changed = [], {}
    if pd.notna(row.base_migrants) and row.base_migrants:
        found = reporting.change("percent", value, float(row.base_migrants), int(row.base_year))
        changed = change_fields(found, people(float(row.base_migrants), lang), lang)
        details.append(reporting.describe(found, lang, changed["base_shown"]))
    sentence = frame_sentence(t(lang, "documents.tp.corridor", origin=origin, destination=destination,
                                value=people(value, lang), year=int(row.year)), details, lang)
    vintage = knomad_vintage(db, edition)
    return custom_point(db, "corridor_top", sentence, label=t(lang, "documents.label.corridor", origin=origin,
                        destination=destination), value=value, shown=people(value, lang), year=int(row.year),
                        source="knomad", vintage=vintage, lang=lang, dataset=_knomad_dataset(edition), **changed)


def comparison_point(db: Database, members: Sequence[int], lang: str) -> TalkingPoint | None:
    """The two estimates of who lives in the member states side by side (never added): the
    KNOMAD matrix's immigrants and UN DESA's stock, each a sum over the members with both."""
    edition, _ = knomad_edition(db)
    if edition is None:
        return None
    frame = corridors.source_comparison(db, edition, members).dropna(subset=["knomad", "undesa"])
    if frame.empty:
        return None
    knomad, undesa = float(frame["knomad"].sum()), float(frame["undesa"].sum())
    year, undesa_year = int(frame["year"].max()), int(frame["undesa_year"].max())
    sentence = t(lang, "documents.tp.comparison", count=len(frame), of=len(members), knomad=people(knomad, lang),
                 year=year, undesa=people(undesa, lang), undesa_year=undesa_year,
                 revision=int(frame["revision"].max()), difference=signed_percent(100 * (knomad - undesa) / undesa, lang))
    return custom_point(db, "comparison", sentence, label=t(lang, "documents.label.comparison"), value=knomad,
                        shown=people(knomad, lang), year=year, source="knomad", vintage=knomad_vintage(db, edition),
                        lang=lang, dataset=_knomad_dataset(edition))


# ---------------------------------------------------------------- OECD inflows (chapter 3)


def reporters(db: Database) -> list[int]:
    """The Americas' countries with OECD inflows in this build."""
    if "oecd" not in loaded_sources(db):
        return []
    return [int(c) for c in flows.flow_destinations(db)["area_code"]]


def permanent_complete(db: Database, codes: Sequence[int]) -> pd.DataFrame:
    """area_code, year, value: permanent-type inflows, only in the years every category a
    reporter publishes is there (a missing category never passes for a fall)."""
    parts = [flows.complete_permanent_totals(db, c).assign(area_code=c) for c in codes]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["year", "persons", "area_code"])
    return frame.rename(columns={"persons": "value"})[["area_code", "year", "value"]]


def inflows_point(db: Database, lang: str) -> TalkingPoint | None:
    """Permanent-type inflows into the reporters with a complete total in the latest year,
    compared with the earliest year all of them have (the same reporters both years)."""
    frame = permanent_complete(db, reporters(db))
    if frame.empty:
        return None
    wide = frame.pivot(index="area_code", columns="year", values="value")
    year = int(wide.columns.max())
    both = wide[wide[year].notna()]
    common = [y for y in both.columns if both[y].notna().all() and y < year]
    total = float(both[year].sum())
    listed = ", ".join(names(db, [int(c) for c in both.index], lang).values())
    details, changed = [t(lang, "documents.sum_of_categories")], {}
    if common:
        base = int(min(common))
        found = reporting.change("percent", total, float(both[base].sum()), base)
        changed = change_fields(found, people(float(both[base].sum()), lang), lang)
        details.append(reporting.describe(found, lang, changed["base_shown"]))
    sentence = frame_sentence(t(lang, "documents.tp.inflows", year=year, value=people(total, lang), names=listed),
                              details, lang)
    return custom_point(db, "inflows_permanent", sentence, label=t(lang, "briefs.label.inflows"), value=total,
                        shown=people(total, lang), year=year, source="oecd", vintage=oecd_vintage(db), lang=lang,
                        dataset=OECD_PERMANENT, **changed)


def categories(db: Database, codes: Sequence[int], flow_type: str, year: int) -> pd.Series:
    """category -> persons of one year, summed over the reporters that publish it that year."""
    parts = [flows.inflows_by_category(db, c, flow_type) for c in codes]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["year", "category", "persons"])
    return frame[frame["year"] == year].groupby("category")["persons"].sum().sort_values(ascending=False)


def category_point(db: Database, lang: str) -> TalkingPoint | None:
    """The largest category of entry among the permanent-type inflows of the latest complete year."""
    frame = permanent_complete(db, reporters(db))
    if frame.empty:
        return None
    year = int(frame["year"].max())
    codes = frame.loc[frame["year"] == year, "area_code"].astype(int).tolist()
    shares = categories(db, codes, "permanent", year)
    top, value, total = str(shares.index[0]), float(shares.iloc[0]), float(shares.sum())
    what = t(lang, f"flows_page.permanent.{top}")
    sentence = t(lang, "documents.tp.category", year=year, category=what, value=people(value, lang),
                 share=percent(100 * value / total, lang))
    return custom_point(db, "inflows_category", sentence, label=t(lang, "documents.label.category", category=what),
                        value=value, shown=people(value, lang), year=year, source="oecd", vintage=oecd_vintage(db),
                        lang=lang, dataset=OECD_PERMANENT)


def temporary_point(db: Database, lang: str) -> TalkingPoint | None:
    """Temporary inflows of the latest year with any, and the largest programme."""
    codes = reporters(db)
    frame = pd.concat([flows.inflows_by_category(db, c, "temporary").assign(area_code=c) for c in codes],
                      ignore_index=True) if codes else pd.DataFrame()
    if frame.empty:
        return None
    counts = frame.groupby("year")["area_code"].nunique()
    year = int(counts[counts == counts.max()].index.max())  # the latest year with the most reporters
    that = frame[frame["year"] == year]
    by_programme = that.groupby("category")["persons"].sum().sort_values(ascending=False)
    total = float(by_programme.sum())
    listed = ", ".join(names(db, sorted(that["area_code"].astype(int).unique()), lang).values())
    sentence = t(lang, "documents.tp.temporary", year=year, value=people(total, lang), names=listed,
                 programme=t(lang, f"flows_page.temporary.{by_programme.index[0]}"),
                 top=people(float(by_programme.iloc[0]), lang))
    return custom_point(db, "inflows_temporary", sentence, label=t(lang, "documents.label.temporary"), value=total,
                        shown=people(total, lang), year=year, source="oecd",
                        vintage=oecd_vintage(db, OECD_TEMPORARY), lang=lang, dataset=OECD_TEMPORARY)


# ---------------------------------------------------------------- the human cost (chapter 6)


def complete_years(db: Database) -> pd.DataFrame:
    """year, dead_and_missing, coverage of the years a loaded IOM file covers completely."""
    if "iom_missing_migrants" not in loaded_sources(db):
        return pd.DataFrame(columns=["year", "dead_and_missing", "coverage"])
    frame = flows.dead_and_missing_by_year(db)
    return frame[frame["coverage"] == "complete"]


def _iom_file(db: Database, year: int) -> tuple[str, str]:
    """(vintage, dataset) of the IOM file that covers `year` (the newest wins an overlap)."""
    rows = db.rows("SELECT c.vintage, p.dataset FROM missing_migrants_coverage c JOIN provenance p ON "
                   "p.source = 'iom_missing_migrants' AND p.vintage = c.vintage WHERE c.year = ? LIMIT 1", [year])
    return (rows[0][0], rows[0][1]) if rows else ("", "%")


def dead_missing_point(db: Database, lang: str) -> TalkingPoint | None:
    """The latest complete year's dead and missing in the Americas, and the total over the
    complete years before it (a year no file covers is never counted as zero)."""
    frame = complete_years(db)
    if frame.empty:
        return None
    year = int(frame["year"].max())
    value = float(frame.loc[frame["year"] == year, "dead_and_missing"].iloc[0])
    first = int(frame["year"].min())
    total = float(frame["dead_and_missing"].sum())
    sentence = t(lang, "documents.tp.dead_missing", year=year, value=decimal(value, lang, 0), first=first,
                 total=decimal(total, lang, 0), count=len(frame))
    vintage, dataset = _iom_file(db, year)
    return custom_point(db, "dead_missing", sentence, label=t(lang, "documents.label.dead_missing"), value=value,
                        shown=decimal(value, lang, 0), year=year, source="iom_missing_migrants", vintage=vintage,
                        lang=lang, dataset=dataset)


def route_label(route: str, lang: str) -> str:
    """A route as IOM names it, in the reader's language where the strings files translate it;
    '— (Caribbean)' (no route named) as 'no route named (the Caribbean)'."""
    if route.startswith("— (") and route.endswith(")"):
        region = route[3:-1]
        return t(lang, "documents.route.none", region=region_label(region, lang))
    key = "documents.route." + "".join(c if c.isalnum() else "_" for c in route.lower())
    return strings(language(lang)).get(key) or route


def region_label(region: str, lang: str) -> str:
    return t(lang, "documents.region." + region.lower().replace(" ", "_"))


def route_point(db: Database, lang: str) -> TalkingPoint | None:
    """The deadliest named route of the latest complete year, with its share of the year."""
    frame = complete_years(db)
    if frame.empty:
        return None
    year = int(frame["year"].max())
    total = float(frame.loc[frame["year"] == year, "dead_and_missing"].iloc[0])
    routes = flows.dead_and_missing_by_route(db, year, limit=20)
    named = routes[~routes["route"].str.startswith("— (")]
    if named.empty or not total:
        return None
    top = named.iloc[0]
    value = float(top.dead_and_missing)
    route = route_label(str(top.route), lang)
    sentence = t(lang, "documents.tp.route", year=year, route=route, value=decimal(value, lang, 0),
                 share=percent(100 * value / total, lang))
    vintage, dataset = _iom_file(db, year)
    return custom_point(db, "dead_missing_route", sentence, label=t(lang, "documents.label.route", route=route),
                        value=value, shown=decimal(value, lang, 0), year=year, source="iom_missing_migrants",
                        vintage=vintage, lang=lang, dataset=dataset)
