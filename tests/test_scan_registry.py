"""A scanned paragraph saved as a registry document (`migdash claims scan --save-yaml`) holds every
figure the checker understood, of every source; a build loads it, and /claims gives each figure
the verdict /check gave it (one checker, one set of rules)."""

from __future__ import annotations

import html

import dash
import pandas as pd
import pytest
import yaml

from dashboard.app import create_app
from etl import build as build_module
from etl import snapshot as snapshot_module
from etl.claims import load_registry
from readside import claims, scan, vintage_values
from readside.queries import Database
from readside.scan.words import ROUTES
from readside.text import LANGUAGES, t
from schemas.claim import DETAILS, METRICS, UNCHECKED_METRICS, ClaimFigureSchema
from tests.test_page_layouts import text_of

# Sentences of the evaluation corpus (tests/data/scan_corpus.yaml), one or more per source, plus a
# publisher's aggregate in a partial year, a sum over members in a partial year and a figure the
# checker does not understand.
PARAGRAPH = " ".join([
    "South America hosted more than 12 million migrants in 2024, while the Caribbean hosted 1.8 million and "
    "Central America 3.1 million.",
    "Migrants made up 15.3% of the population of the United States in 2020 (International Migrant Stock 2020).",
    "In 2020, women accounted for 51.8% of the migrants living in Northern America.",
    "Remittances received by Mexico reached US$ 67.6 billion in 2024, and Guatemala received US$ 21.6 billion.",
    "In 2021, remittances were equivalent to 25.3% of GDP in Honduras.",
    "Remittances paid by the United States amounted to US$ 68 billion in 2020.",
    "In 2024, Latin America and the Caribbean received US$ 155 billion in remittances.",
    "Remittances to the Caribbean reached US$ 15.4 billion in 2024.",
    "By the end of 2024 the United States hosted 3.2 million asylum-seekers, more than any other country.",
    "In 2024, some 7.6 million Venezuelans were displaced abroad.",
    "Net migration to the United States was about 1.8 million in 2019, according to World Population Prospects.",
    "In 2021, 10.9 million migrants from Mexico lived in the United States.",
    "Permanent inflows to the United States reached 1.19 million in 2023, and temporary inflows 1.27 million.",
    "In 2022, 146 migrants died or went missing on the Darién route.",
    "Disasters triggered 1,124,221 new internal displacements in Brazil in 2024.",
    "Some 1.8 million Venezuelans live in Colombia.",
])
DOCUMENT = "multi-source-paper"


@pytest.fixture(scope="module")
def saved(built_db, tmp_path_factory) -> str:
    return scan.registry_yaml(scan.scan(Database(built_db), PARAGRAPH, "en"), DOCUMENT, "A multi-source paper")


@pytest.fixture(scope="module")
def registry_db(saved, tmp_path_factory) -> Database:
    """A build (the bundled snapshot's data, through the build's validation and write) whose claims
    folder holds only the saved document."""
    folder = tmp_path_factory.mktemp("scanned-registry")
    (folder / "claims").mkdir()
    (folder / "claims" / f"{DOCUMENT}.yaml").write_text(saved, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module.claim_registry, "load_registry", lambda: load_registry(folder / "claims"))
        return Database(snapshot_module.build_from_snapshot(folder / "registry.duckdb").db_path)


def test_the_registry_knows_every_metric_and_detail_the_checker_reads():
    assert set(METRICS) == claims.COMPUTABLE | set(vintage_values.SOURCE) | set(UNCHECKED_METRICS)
    assert set(DETAILS["inflows"]) == set(vintage_values.OECD_FLOWS)
    assert set(DETAILS["dead_missing"]) == set(vintage_values.IOM_ROUTES) == set(ROUTES)


def test_every_understood_figure_of_every_source_is_saved(saved):
    assert "Left out" not in saved
    document = yaml.safe_load(saved)
    metrics = {f["metric"] for c in document["claims"] for f in c["figures"]}
    assert set(METRICS) - set(UNCHECKED_METRICS) - {"change_percent", "remittances_change_percent", "oip", "refugees"} \
        <= metrics
    darien = next(f for c in document["claims"] for f in c["figures"] if f["metric"] == "dead_missing")
    assert darien["detail"] == "darien" and "areas" not in darien
    venezuelans = next(f for c in document["claims"] for f in c["figures"] if f["metric"] == "displaced_abroad")
    assert venezuelans["origin_areas"] == [862] and "areas" not in venezuelans
    assert "World Bank, World Development Indicators" in next(
        c["cited_source"] for c in document["claims"] if any(f["metric"] == "remittances_gdp" for f in c["figures"]))


def test_the_build_loads_the_saved_document_and_claims_gives_the_verdicts_check_gave(registry_db):
    registry = claims.Context.load(registry_db)
    ClaimFigureSchema.validate(registry.figures, lazy=True)
    on_claims = claims.verdicts(claims.as_checks(claims.check_all(registry)))
    on_check = scan.scan(registry_db, PARAGRAPH, "en")  # the same paragraph on the same build
    understood = {(f"{DOCUMENT}-{c}", f): v for (c, f), v in on_check.verdicts.items()}
    assert set(on_claims) == set(understood) and len(understood) == sum(t.understood for t in on_check.found)
    statuses = {v.status for v in understood.values()}
    assert {claims.MATCHES, claims.REVISED, claims.NOT_REPORTED} <= statuses  # partial sum: not reported
    for key, verdict in understood.items():
        registered = on_claims[key]
        assert registered.status == verdict.status, key
        assert registered.decided_by.vintage == verdict.decided_by.vintage, key
        assert registered.decided_by.actual == pytest.approx(verdict.decided_by.actual), key
        assert [n.key for n in registered.notes] == [n.key for n in verdict.notes], key
    # the registry holds exactly what the checker tied
    tied = on_check.figures.assign(claim_id=lambda f: f"{DOCUMENT}-" + f["claim_id"]).set_index(["claim_id", "figure_id"])
    held = registry.figures.set_index(["claim_id", "figure_id"])
    for column in ("metric", "areas", "origin_areas", "detail", "year", "sex", "unit", "qualifier"):
        assert tied[column].astype(object).where(tied[column].notna(), None).to_dict() == \
            held.loc[tied.index, column].astype(object).where(held.loc[tied.index, column].notna(), None).to_dict(), column
    assert (tied["value"] == held.loc[tied.index, "value"]).all()


def test_the_claims_page_renders_every_figure_of_every_source_in_four_languages(registry_db):
    app = create_app(registry_db.path)
    layout = next(p for p in dash.page_registry.values() if p["path"] == "/claims")["layout"]
    ctx = claims.Context.load(registry_db)
    badges = {c: claims.claim_status(rows) for c, rows in claims.check_all(ctx).groupby("claim_id")}
    for lang in LANGUAGES:
        with app.server.test_request_context("/claims"):
            page = text_of(layout(lang=lang))
        assert "{" not in page and "Traceback" not in page
        for figure in ctx.figures.to_dict("records"):
            label = ctx.figure_label(pd.Series(figure), lang)
            assert label in page or html.escape(label) in page  # the figures table is an HTML string
        assert t(lang, f"status.{badges[f'{DOCUMENT}-s3']}") in page


def test_a_figure_the_schema_rejects_is_dropped_alone_and_its_parts_keep_their_value():
    from readside.scan.output import registrable
    from readside.scan.paragraph import FIGURE_COLUMNS

    base = dict.fromkeys(FIGURE_COLUMNS) | {"claim_id": "s1", "refresh": "quoted", "sex": "total", "qualifier": "exact"}
    rows = [base | {"figure_id": "f1", "metric": "stock", "areas": "904", "year": 2020, "value": 14.8, "unit": "million",
                    "decimals": 1},
            base | {"figure_id": "f2", "metric": "ratio", "value": 3.0, "unit": "times", "decimals": 0},  # no areas
            base | {"figure_id": "f3", "metric": "stock", "areas": "905", "year": 2020, "value": 58.7, "unit": "million",
                    "decimals": 1, "part_of": "f2"}]
    kept = registrable(pd.DataFrame(rows, columns=FIGURE_COLUMNS).astype({"year": "Int64", "base_year": "Int64"}))
    assert kept["figure_id"].tolist() == ["f1", "f3"] and kept["part_of"].isna().all()
