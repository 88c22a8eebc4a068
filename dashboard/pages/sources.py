"""Sources & method: every upstream file behind the build, with licence, checksum and citation."""

from __future__ import annotations

import re

import dash
import pandas as pd
from dash import dcc, html

from dashboard.components import (
    data_table,
    database,
    missing_notice,
    needs_database,
    notice,
    page_frame,
)
from readside import availability, corridors, queries
from readside import citations as citing
from readside.text import decimal, language, name_column, percent, t

NON_ID = re.compile(r"[^A-Za-z0-9_-]")

dash.register_page(__name__, path="/sources", name="Sources", order=90)

PATH = "/sources"
# The sources `migdash etl --mirror SOURCE=...` loads (etl.build's names), in the pages' order.
LOADABLE = ("undesa_ims", "worldbank", "unhcr", "wpp", "knomad", "oecd", "iom_missing_migrants", "idmc")


@needs_database(PATH)
def layout(lang: str = "en", **_: object) -> html.Div:
    lang = language(lang)
    db = database()
    provenance = queries.provenance(db)
    build = queries.build_info(db)
    table = provenance.assign(sha256=provenance["sha256"].str.slice(0, 16) + "…",
                              rows=provenance["rows"].map(lambda v: decimal(v, lang, 0)))
    columns = ["revision", "dataset", "licence", "retrieved_at", "sha256", "rows"]
    headers = [t(lang, f"sources.col.{c}") for c in ("revision", "dataset", "licence", "retrieved", "sha256", "rows")]
    citations = [
        html.Div(
            [
                html.Pre(_citation(row._asdict(), lang), id=_citation_id(row.dataset), className="citation"),
                dcc.Clipboard(target_id=_citation_id(row.dataset), title=t(lang, "sources.citation")),
            ],
            className="citation-block",
        )
        for row in provenance.itertuples()
    ]
    return page_frame(
        lang, PATH, {},
        html.H1(t(lang, "sources.title")),
        html.P(t(lang, "sources.intro")),
        html.P(t(lang, "sources.build", **build), id="sources-build"),
        data_table(table[columns], headers, "sources-table"),
        html.H2(t(lang, "sources.citation")),
        *citations,
        html.H2(t(lang, "sources.series")),
        html.P(t(lang, "sources.series_intro")),
        _series_table(db, lang),
        *_bilateral_sections(db, lang),
        html.H2(t(lang, "sources.method")),
        html.P(t(lang, "sources.method_text")),
        *_loading_section(lang),
    )


def _citation(row: dict, lang: str) -> str:
    """The file's citation in the page's language, its address and licence (each once)."""
    cited = citing.cite(row, lang)
    address = "" if str(row["url"]).split(" ")[0] in cited else f" {row['url']}"
    return f"{cited}.{address} ({row['licence']}: {row['licence_url']})"


def _loading_section(lang: str) -> list:
    """How each source is loaded: the commands, for whoever runs the dashboard, folded in a
    details block (the other pages say what is missing in words and link here)."""
    commands = [t(lang, "sources.loading_all") + ":", "  migdash etl", ""]
    for source in LOADABLE:
        commands += [f"{availability.source_label(source, lang)}:", f"  migdash etl --mirror {source}=DIR_OR_URL"]
    return [html.H2(t(lang, "sources.loading_title"), id="loading"),
            html.Details([html.Summary(t(lang, "sources.loading_summary")),
                          html.P(t(lang, "sources.loading_intro")),
                          html.Pre("\n".join(commands), className="citation")],
                         className="operator-details")]


def _citation_id(dataset: str) -> str:
    """A DOM id from a dataset name (World Bank series codes contain dots, which Dash ids may not)."""
    return "citation-" + NON_ID.sub("-", dataset)


def _series_table(db: queries.Database, lang: str) -> html.Table:
    """Every indicator series: name, unit, source, licence, and how many observations this build holds."""
    series = queries.series_table(db)
    counts = queries.series_counts(db)
    name_col = name_column(lang)
    shown = series.assign(
        loaded=series["code"].map(lambda code: decimal(counts[code], lang, 0) if code in counts else t(lang, "sources.not_loaded"))
    )
    headers = [t(lang, f"sources.series_col.{c}") for c in ("code", "name", "unit", "source", "licence", "loaded")]
    return data_table(shown[["code", name_col, "unit", "source", "licence", "loaded"]], headers, "sources-series")


def _bilateral_sections(db: queries.Database, lang: str) -> list:
    """KNOMAD beside UN DESA for the OAS member states, and the matrices' World checks; one
    notice naming the command that loads the matrices when they are absent."""
    editions = corridors.bilateral_editions(db)
    if not editions:
        return [html.H2(t(lang, "flows.check_heading")), missing_notice(lang, t(lang, "flows.no_knomad"), "info")]
    return [
        html.H2(t(lang, "flows.sources_comparison_heading")),
        html.P(t(lang, "flows.sources_comparison_intro", edition=editions[0])),
        _comparison_table(db, editions[0], lang),
        html.H2(t(lang, "flows.check_heading")),
        html.P(t(lang, "flows.check_intro")),
        *_check_findings(db, lang),
    ]


def _comparison_table(db: queries.Database, edition: int, lang: str) -> html.Table:
    """Per OAS member state: each source's own total and the difference, never their sum."""
    found = corridors.source_comparison(db, edition, queries.oas_member_codes(db))
    shown = pd.DataFrame({
        "area": found[name_column(lang)], "knomad_year": found["year"],
        "knomad": _numbers(found["knomad"], lang), "undesa_year": _numbers(found["undesa_year"], "en").str.replace(",", ""),
        "undesa": _numbers(found["undesa"], lang), "difference": _numbers(found["difference"], lang, signed=True),
        "percent": (found["difference"] / found["undesa"] * 100).map(
            lambda v: "" if pd.isna(v) else percent(v, lang, signed=True)),
    })
    revision = found["revision"].dropna().max() if found["revision"].notna().any() else ""
    headers = [t(lang, "flows.cmp_col.area"), t(lang, "flows.cmp_col.knomad_year"),
               t(lang, "flows.cmp_col.knomad", edition=edition), t(lang, "flows.cmp_col.undesa_year"),
               t(lang, "flows.cmp_col.undesa", revision=revision), t(lang, "flows.cmp_col.difference"),
               t(lang, "flows.cmp_col.percent")]
    return data_table(shown, headers, "sources-comparison")


def _check_findings(db: queries.Database, lang: str) -> list:
    """The World-check findings: none means every World total equals the sum of its parts;
    marker notes alone still say so, and list the cells."""
    checks = corridors.bilateral_checks(db)
    differences = checks[checks["check"] != "missing_marker"]
    if checks.empty:
        return [notice(t(lang, "flows.check_ok"), "info")]
    summary = (t(lang, "flows.check_differences", n=len(differences)) if len(differences)
               else f"{t(lang, 'flows.check_ok')} {t(lang, 'flows.check_notes')}")
    shown = checks.assign(
        check=checks["check"].map(lambda c: t(lang, f"flows.check.{c}")), published=_numbers(checks["published"], lang),
        sum_of_parts=_numbers(checks["sum_of_parts"], lang), difference=_numbers(checks["difference"], lang),
        note=[_note(c, n, lang) for c, n in zip(checks["check"], checks["note"], strict=True)],
    )
    columns = ["edition", "check", "origin", "destination", "cell", "published", "sum_of_parts", "difference", "note"]
    table = data_table(shown[columns], [t(lang, f"flows.check_col.{c}") for c in columns], "sources-checks")
    return [notice(summary, "warning" if len(differences) else "info"), table]


def _numbers(values: pd.Series, lang: str, *, signed: bool = False) -> pd.Series:
    """Whole numbers in the page's language; a missing value stays blank, not 'nan'."""
    def one(v: float) -> str:
        if pd.isna(v):
            return ""
        return ("+" if signed and v > 0 else "") + decimal(v, lang, 0)

    return values.map(one)


MARKER = re.compile(r"marker '(.+)'")


def _note(check: str, note: str, lang: str) -> str:
    """A marker finding in the page's language ("publisher's marker '…' read as none" from the
    ETL); other notes as the ETL wrote them."""
    found = MARKER.search(note or "")
    return t(lang, "flows.check.marker_note", marker=found.group(1)) if check == "missing_marker" and found else note
