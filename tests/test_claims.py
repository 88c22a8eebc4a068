"""Claims: every status follows from the publisher's figures, read here from the workbooks."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import claims_check
from dashboard.claims_check import DIFFERS, MATCHES, NOT_CHECKABLE, NOT_PUBLISHED, REVISED
from dashboard.queries import Database
from etl.claims import load_registry
from etl.cli import main as cli
from etl.errors import ValidationFailed
from etl.sources import undesa_ims


@pytest.fixture(scope="module")
def publisher(upstream_dir) -> pd.DataFrame:
    """Destination totals straight from the three workbooks (no database, no query layer)."""
    frames = [
        undesa_ims.parse_destination_workbook(upstream_dir / d.filename, d.revision).stock
        for d in undesa_ims.DATASETS if d.layout == "destination"
    ]
    stock = pd.concat(frames)
    return stock[stock["sex"] == "total"].set_index(["revision", "year", "destination_code"])["migrants"]


@pytest.fixture(scope="module")
def checks(built_db) -> pd.DataFrame:
    return claims_check.check_all(Database(built_db))


def publisher_value(publisher, revision: int, figure: pd.Series, year: int) -> float | None:
    """The figure recomputed from the workbooks' destination totals, in its quoted unit."""

    def level(at_year: int) -> float:
        plus = sum(publisher[(revision, at_year, int(c))] for c in figure["areas"].split(","))
        minus_codes = figure["minus_areas"] if isinstance(figure["minus_areas"], str) else ""
        return plus - sum(publisher[(revision, at_year, int(c))] for c in minus_codes.split(",") if c)

    if figure["metric"] == "stock":
        return level(year) / 1e6
    return 100 * (level(year) / level(int(figure["base_year"])) - 1)


def expected_status(value: float | None, figure: pd.Series) -> str:
    """The rule stated in claims_check's docstring, applied to the publisher's numbers."""
    if figure["metric"] not in ("stock", "change_percent"):
        return NOT_CHECKABLE
    if value is None:
        return NOT_PUBLISHED
    quoted, decimals, qualifier = figure["value"], int(figure["decimals"]), figure["qualifier"]
    if qualifier == "around":
        return MATCHES if abs(value - quoted) <= max(0.05 * quoted, 0.5 * 10**-decimals) else DIFFERS
    if qualifier == "nearly":
        return MATCHES if quoted - 0.05 * quoted <= value <= quoted + 0.5 * 10**-decimals else DIFFERS
    return MATCHES if round(value, decimals) == quoted else DIFFERS


def test_every_figure_gets_the_status_the_publishers_numbers_give(checks, publisher):
    registry = load_registry()
    figures = registry["claim_figure"]
    cited = registry["claim"].set_index("claim_id")["cited_revision"]
    latest = max(checks["revision"])
    for _, figure in figures.iterrows():
        by_revision = {}
        for revision in (2019, 2020, 2024):
            years_ok = pd.isna(figure["year"]) or (revision, int(figure["year"]), 900) in publisher
            base_ok = pd.isna(figure["base_year"]) or (revision, int(figure["base_year"]), 900) in publisher
            value = publisher_value(publisher, revision, figure, int(figure["year"])) if years_ok and base_ok and figure["metric"] in ("stock", "change_percent") else None
            by_revision[revision] = expected_status(value, figure)
        cited_matched = by_revision.get(int(cited[figure["claim_id"]])) == MATCHES
        if by_revision[latest] == DIFFERS and cited_matched:
            by_revision[latest] = REVISED
        got = checks[(checks["claim_id"] == figure["claim_id"]) & (checks["figure_id"] == figure["figure_id"])]
        assert dict(zip(got["revision"], got["status"], strict=True)) == by_revision, figure["figure_id"]


def test_the_six_claims_headline_statuses(checks):
    latest = max(checks["revision"])
    badge = {claim_id: claims_check.claim_status(group, latest) for claim_id, group in checks.groupby("claim_id")}
    assert len(badge) == 6
    assert badge["cam2017-flows-sicremi"] == NOT_CHECKABLE
    assert badge["cam2017-remittances-2016"] == NOT_CHECKABLE
    flows = checks[checks["claim_id"] == "cam2017-flows-sicremi"]
    assert flows["note"].str.contains("SICREMI").all()
    remittances = checks[checks["claim_id"] == "cam2017-remittances-2016"]
    assert remittances["note"].str.contains("BX.TRF.PWKR.CD.DT").all()


def test_claim_6_parts_do_not_add_up_to_its_total(built_db):
    from dashboard import queries

    figures = queries.claim_figures(Database(built_db))
    notes = claims_check.consistency(figures[figures["claim_id"] == "cp2023-americas-2020"])
    assert notes == ["12.5 + 58.7 = 71.2 ≠ 73.5 million (gap +2.3)"]


def test_interpolation_is_labelled_for_unpublished_years(checks):
    row = checks[(checks["figure_id"] == "americas_2013") & (checks["revision"] == 2024)].iloc[0]
    assert row["status"] == NOT_PUBLISHED
    assert "2010 and 2015" in row["note"] and "interpolation" in row["note"] and "not published" in row["note"]
    assert "cited revision 2013 is not loaded" in row["note"]


def test_refreshed_sentences_use_the_latest_revision_in_both_languages(built_db, publisher):
    from dashboard import queries

    db = Database(built_db)
    claim = queries.claims(db).set_index("claim_id").loc["cp2023-americas-2020"]
    figures = queries.claim_figures(db)
    figures = figures[figures["claim_id"] == "cp2023-americas-2020"]
    americas_2024 = (publisher[(2024, 2024, 904)] + publisher[(2024, 2024, 905)]) / 1e6
    english = claims_check.refreshed_sentence(db, claim, figures, "en")
    spanish = claims_check.refreshed_sentence(db, claim, figures, "es")
    assert f"{americas_2024:.1f} million international migrants in 2024" in english
    assert f"{americas_2024:.1f}".replace(".", ",") + " millones de migrantes" in spanish
    assert "billón" not in spanish
    assert "International Migrant Stock 2024" in claims_check.citation(db, "en")


def test_billion_is_mil_millones_in_spanish():
    assert claims_check.format_value(70.369, "billion US$", 3, "es") == "70,369 mil millones de US$"
    assert claims_check.format_value(70.369, "billion US$", 3, "en") == "US$70.369 billion"


def test_cli_check_formats_and_fail_on(built_db, capsys):
    assert cli(["claims", "check", "--db", str(built_db), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert header.startswith("claim_id,figure_id,revision,status")
    assert len(out.splitlines()) > 16 * 3  # one row per figure and revision (quotes may span lines)
    assert cli(["claims", "check", "--db", str(built_db), "--fail-on", "differs"]) == 1
    assert cli(["claims", "check", "--db", str(built_db), "--format", "markdown", "--fail-on", "no-such-status"]) == 2


def test_registry_rejects_unknown_placeholders_and_keys(tmp_path):
    (tmp_path / "doc.yaml").write_text(
        "document: {id: d, title: T, date: '2020', language: en}\n"
        "claims:\n  - id: c1\n    quote: a long enough quote\n    cited_source: S\n    cited_revision: 2020\n"
        "    sentence: {en: 'It was {nothing}.'}\n"
        "    figures:\n      - {id: f1, metric: stock, areas: [900], year: 2020, value: 1, unit: million, decimals: 0}\n"
    )
    with pytest.raises(ValidationFailed, match=r"unknown placeholders \['nothing'\]"):
        load_registry(tmp_path)
    (tmp_path / "doc.yaml").write_text((tmp_path / "doc.yaml").read_text().replace("{nothing}", "{f1}").replace("decimals: 0}", "decimals: 0, colour: red}"))
    with pytest.raises(ValidationFailed, match=r"unknown keys \['colour'\]"):
        load_registry(tmp_path)
