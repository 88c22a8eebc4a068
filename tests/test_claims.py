"""Claims: every status follows from the publisher's own cells, read here without the ETL.

Expected values come from tests/helpers.py (python_calamine, rows found by their printed label,
columns by their year), never from the database or the ETL's parser; the expected statuses
restate the rules of readside/claims.py's docstring on those numbers.
"""

from __future__ import annotations

import io
import shutil

import pandas as pd
import pandera.errors
import pytest
import yaml

from etl import build as build_module
from etl import snapshot as snapshot_module
from etl.claims import CLAIMS_DIR, load_registry
from etl.errors import ValidationFailed
from etl.sources import undesa_ims
from migdash.cli import main as cli
from readside import claims
from readside.claims import (
    DIFFERS,
    MATCHES,
    NOT_CHECKABLE,
    NOT_PUBLISHED,
    REVISED,
    Context,
    check_figure,
    notes_text,
)
from readside.consistency import consistency
from readside.queries import Database
from schemas.claim import ClaimFigureSchema, ClaimSchema
from tests.helpers import publisher_value, sheet_titled

STOCK_TITLE = r"international migrant stock at mid-year by sex"
LABELS = {900: "World", 904: "Latin America and the Caribbean", 905: "Northern America"}
REVISIONS = (2019, 2020, 2024)


@pytest.fixture(scope="module")
def publisher(upstream_dir):
    """(revision, year, code) -> persons, from the publisher's workbooks; a year a workbook does
    not print is simply absent."""
    cells = {}
    for dataset in (d for d in undesa_ims.DATASETS if d.layout == "destination"):
        path = upstream_dir / dataset.filename
        sheet = sheet_titled(path, STOCK_TITLE)
        for year in range(1990, 2025):
            for code, label in LABELS.items():
                try:
                    cells[(dataset.revision, year, code)] = publisher_value(path, sheet, label, year)
                except AssertionError:  # the workbook prints no such year
                    break
    return cells


@pytest.fixture(scope="module")
def ctx(built_db) -> Context:
    return Context.load(Database(built_db))


@pytest.fixture(scope="module")
def checks(ctx) -> pd.DataFrame:
    return claims.check_all(ctx)


def level(publisher, revision: int, figure: pd.Series, year: int) -> float | None:
    codes = [int(c) for c in figure["areas"].split(",")]
    minus = [int(c) for c in figure["minus_areas"].split(",")] if isinstance(figure["minus_areas"], str) else []
    if any((revision, year, c) not in publisher for c in codes + minus):
        return None
    return sum(publisher[(revision, year, c)] for c in codes) - sum(publisher[(revision, year, c)] for c in minus)


def publisher_figure(publisher, revision: int, figure: pd.Series, year: int) -> float | None:
    """The figure recomputed from the publisher's cells, in its quoted unit."""
    end = level(publisher, revision, figure, year)
    if end is None or figure["metric"] == "stock":
        return None if end is None else end / 1e6
    base = level(publisher, revision, figure, int(figure["base_year"]))
    return None if base is None else 100 * (end / base - 1)


def expected_status(value: float | None, figure: pd.Series) -> str:
    """The docstring's rules, restated: exact = rounds to the quote; around = ±5 %; nearly = up to
    5 % below, never above the quote's rounding."""
    if figure["metric"] not in ("stock", "change_percent"):
        return NOT_CHECKABLE
    if value is None:
        return NOT_PUBLISHED
    quoted, decimals, qualifier = float(figure["value"]), int(figure["decimals"]), figure["qualifier"]
    if qualifier == "around":
        return MATCHES if abs(value - quoted) <= max(0.05 * quoted, 0.5 * 10**-decimals) else DIFFERS
    if qualifier == "nearly":
        return MATCHES if 0.95 * quoted <= value <= quoted + 0.5 * 10**-decimals else DIFFERS
    return MATCHES if round(value, decimals) == quoted else DIFFERS


def expected_statuses(publisher, figure: pd.Series, cited: int) -> dict[int, str]:
    statuses = {r: expected_status(publisher_figure(publisher, r, figure, int(figure["year"])) if pd.notna(figure["year"]) else None, figure)
                for r in REVISIONS}
    if statuses[REVISIONS[-1]] == DIFFERS and statuses.get(cited) == MATCHES:
        statuses[REVISIONS[-1]] = REVISED
    return statuses


def statuses_of(checks: pd.DataFrame, claim_id: str, figure_id: str) -> dict[int, str]:
    rows = checks[(checks["claim_id"] == claim_id) & (checks["figure_id"] == figure_id)]
    return dict(zip(rows["revision"], rows["status"], strict=True))


def test_every_figure_of_the_six_claims_gets_the_status_the_publishers_numbers_give(checks, publisher):
    registry = load_registry()
    cited = registry["claim"].set_index("claim_id")["cited_revision"]
    assert len(registry["claim"]) == 6
    for _, figure in registry["claim_figure"].iterrows():
        if figure["metric"] not in ("stock", "change_percent"):
            continue  # other publishers' figures: test_remittance_figures_are_checked_against_every_world_bank_vintage
        expected = expected_statuses(publisher, figure, int(cited[figure["claim_id"]]))
        assert statuses_of(checks, figure["claim_id"], figure["figure_id"]) == expected, figure["figure_id"]


def test_recomputed_values_equal_the_publishers(checks, publisher):
    """Sums, rest of world = world - Americas, and percentage changes, against the workbook cells."""
    registry = load_registry()["claim_figure"].set_index(["claim_id", "figure_id"])
    published = checks[(checks["basis"] == claims.PUBLISHED) & (checks["source"] == "undesa_ims")]
    assert len(published) >= 10
    for row in published.itertuples():
        figure = registry.loc[(row.claim_id, row.figure_id)]
        expected = publisher_figure(publisher, row.revision, figure, int(figure["year"]))
        assert row.actual == pytest.approx(expected, rel=1e-9), (row.claim_id, row.figure_id, row.revision)


def test_2013_is_interpolated_between_the_nearest_published_years_and_labelled(checks, publisher):
    registry = load_registry()["claim_figure"].set_index("figure_id")
    for revision in REVISIONS:
        row = checks[(checks["figure_id"] == "americas_2013") & (checks["revision"] == revision)].iloc[0]
        figure = registry.loc["americas_2013"]
        a, b = (publisher_figure(publisher, revision, figure, y) for y in (2010, 2015))
        assert row["status"] == NOT_PUBLISHED and row["basis"] == claims.INTERPOLATED
        assert row["actual"] == pytest.approx(a + (b - a) * 3 / 5)
        assert "nearest published years: 2010 and 2015" in row["note"]
        assert "interpolated, not a published figure" in row["note"]
        assert "cited 2013 revision is not loaded" in row["note"]


def test_a_year_after_the_revision_is_not_extrapolated(checks):
    row = checks[(checks["figure_id"] == "americas_2020") & (checks["revision"] == 2019)].iloc[0]
    assert row["status"] == NOT_PUBLISHED and pd.isna(row["actual"]) and row["basis"] == ""
    assert "latest published year: 2019; no extrapolation" in row["note"]


def test_figures_no_loaded_source_publishes_say_which_source_would(checks):
    flows = checks[checks["claim_id"] == "cam2017-flows-sicremi"]
    assert set(flows["status"]) == {NOT_CHECKABLE} and len(flows) == 3  # one row per figure, not per revision
    assert flows["note"].str.contains("SICREMI").all()


def test_remittance_figures_are_checked_against_every_world_bank_vintage(checks, built_db):
    """The registry's IDB/MIF figures (70.369 bn, +7.2 %) against the World Bank's personal
    remittances of LAC in each vintage: a different definition, so they differ, and say why."""
    rows = checks[checks["claim_id"] == "cam2017-remittances-2016"]
    frame = Database(built_db).frame("SELECT revision, area_code, year, value FROM indicator_vintages "
                                     "WHERE series = 'BX.TRF.PWKR.CD.DT' AND area_code = 904 AND year IN (2015, 2016)")
    values = {(v, y): x for v, _, y, x in frame.itertuples(index=False)}
    level = rows[rows["figure_id"] == "remittances_2016"]
    assert set(level["vintage"]) == {v for v, y in values if y == 2016}
    for row in level.itertuples():
        assert row.actual == pytest.approx(values[row.vintage, 2016] / 1e9) and row.status == DIFFERS
        assert "BX.TRF.PWKR.CD.DT" in row.note and "IDB/MIF" in row.note
    growth = rows[rows["figure_id"] == "remittances_growth"]
    for row in growth.itertuples():
        assert row.actual == pytest.approx(100 * (values[row.vintage, 2016] / values[row.vintage, 2015] - 1))


def test_which_source_would_check_it_is_said_in_the_readers_language(ctx):
    figure = ctx.figures_of("cam2017-flows-sicremi").iloc[0]
    notes = check_figure(ctx, figure, ctx.latest).notes
    # The loaded OECD inflows are named with the countries they cover and why they cannot decide.
    assert "Americas' OECD members (Canada, Chile, Colombia, Costa Rica, Mexico, United States)" in notes_text(notes, "en")
    assert "no period" in notes_text(notes, "en")
    assert "miembros de la OCDE en las Américas" in notes_text(notes, "es") and "OECD members" not in notes_text(notes, "es")


@pytest.mark.parametrize("value,ok", [("plain English", True), ({"en": "a", "es": "b"}, True),
                                      ({"es": "solo español"}, False), (["a"], False)])
def test_checkable_with_is_text_or_english_and_spanish(tmp_path, value, ok):
    document = yaml.safe_load((CLAIMS_DIR / "cam-work-plan-2017-2018.yaml").read_text(encoding="utf-8"))
    document["claims"][0]["figures"][0]["checkable_with"] = value
    (tmp_path / "doc.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    if ok:
        assert load_registry(tmp_path)["claim_figure"]["checkable_with"].notna().any()
    else:
        with pytest.raises(ValidationFailed, match="checkable_with must be text or"):
            load_registry(tmp_path)


def test_uncited_revisions_are_named_for_claims_2_and_3(checks):
    for claim_id, cited in (("cam2017-world-2015", 2015), ("cam2017-americas-1990-2013", 2013)):
        notes = checks[checks["claim_id"] == claim_id]["note"]
        assert notes.str.contains(f"cited {cited} revision is not loaded").all()


def test_badges_are_the_most_severe_figure_verdict(checks, ctx):
    """The badge comes from the same per-figure verdicts as /check (readside.claims.verdict)."""
    badge = {c: claims.claim_status(g, ctx.latest) for c, g in checks.groupby("claim_id")}
    verdicts = claims.verdicts(claims.as_checks(checks))
    for claim_id in badge:
        statuses = {v.status for k, v in verdicts.items() if k[0] == claim_id}
        checkable = statuses - {NOT_CHECKABLE} or {NOT_CHECKABLE}
        assert badge[claim_id] == next(s for s in claims.SEVERITY if s in checkable)
    assert badge["cp2023-americas-2020"] == DIFFERS and badge["cam2020-americas-2000-2019"] == MATCHES


def test_a_figure_that_matched_an_older_revision_only_is_revised():
    def check(vintage: str, status: str, actual: float) -> claims.FigureCheck:
        return claims.FigureCheck("c", "f", int(vintage), status, 73.5, actual, "million", claims.PUBLISHED,
                                  vintage=vintage)
    decided = claims.verdict([check("2020", MATCHES, 73.5), check("2024", DIFFERS, 73.1)])
    assert decided.status == REVISED and decided.decided_by.vintage == "2020" and decided.newest.vintage == "2024"
    assert claims.verdict([check("2020", DIFFERS, 70.0), check("2024", MATCHES, 73.5)]).status == MATCHES


def test_claim_6_parts_do_not_add_up_to_its_stated_total(ctx):
    (note,) = consistency(ctx.figures_of("cp2023-americas-2020"))
    assert note.ok is False
    assert note.text("en") == "parts against their stated total: 12.5 + 58.7 = 71.2 ≠ 73.5 million (gap +2.3)"
    assert "12,5 + 58,7 = 71,2 ≠ 73,5 millones (diferencia +2,3)" in note.text("es")


def test_claim_3_change_is_recomputed_from_its_own_levels(ctx):
    (note,) = consistency(ctx.figures_of("cam2017-americas-1990-2013"))
    assert note.key == "change_levels" and note.ok is True
    assert "79.4%" in note.text("en")  # 61 / 34 - 1
    assert "consistent only within the quoted precision" in note.text("en")  # 79.4 > 'nearly 78'


def test_claim_4_three_times_is_recomputed_from_17_and_5(ctx):
    (note,) = consistency(ctx.figures_of("cam2017-flows-sicremi"))
    assert note.key == "ratio" and note.ok is True
    assert "17% / 5% = 3.4 times" in note.text("en")
    assert "17\u00a0% / 5\u00a0% = 3,4 veces" in note.text("es")


def test_refreshed_sentences_use_the_latest_revision_in_both_languages(ctx, publisher):
    americas = (publisher[(2024, 2024, 904)] + publisher[(2024, 2024, 905)]) / 1e6
    lac, north = publisher[(2024, 2024, 904)] / 1e6, publisher[(2024, 2024, 905)] / 1e6
    english = claims.refreshed_sentence(ctx, "cp2023-americas-2020", "en")
    spanish = claims.refreshed_sentence(ctx, "cp2023-americas-2020", "es")
    assert f"an estimated {americas:.1f} million international migrants in 2024" in english
    assert f"{north:.1f} million in Northern America and {lac:.1f} million in Latin America" in english
    assert f"unos {americas:.1f} millones de migrantes".replace(".", ",") in spanish
    assert "International Migrant Stock 2024" in english and "billón" not in spanish


def test_the_2000_level_keeps_its_year_and_the_2019_one_moves_to_the_latest(ctx, publisher):
    sentence = claims.refreshed_sentence(ctx, "cam2020-americas-2000-2019", "en")
    in_2000 = (publisher[(2024, 2000, 904)] + publisher[(2024, 2000, 905)]) / 1e6
    assert f"from {in_2000:.1f} million in 2000 to" in sentence and sentence.endswith("in 2024.")


def test_citation_names_publisher_dataset_revision_url_and_access_date(ctx):
    english, spanish = claims.citation(ctx, "en"), claims.citation(ctx, "es")
    dataset = next(d for d in undesa_ims.DATASETS if d.revision == 2024 and d.layout == "destination")
    for text, publisher in ((english, "United Nations"), (spanish, "Naciones Unidas")):  # in the reader's language
        assert publisher in text and "International Migrant Stock 2024" in text and dataset.url in text
    assert "accessed " in english and "consultado el " in spanish and " de 20" in spanish


def test_billion_is_mil_millones_and_decimals_use_a_comma_in_spanish():
    assert claims.format_value(70.369, "billion US$", 3, "es") == "70,369 mil millones de US$"
    assert claims.format_value(70.369, "billion US$", 3, "en") == "US$70.369 billion"
    assert claims.format_value(7.2, "percent", 1, "es") == "7,2\u00a0%"
    assert claims.long_date("2023-05-09", "es") == "9 de mayo de 2023"
    assert claims.long_date("2023-05-09", "en") == "9 May 2023"


def test_cli_csv_has_one_row_per_figure_and_vintage_with_quote_status_and_sentences(built_db, checks, capsys):
    assert cli(["claims", "check", "--db", str(built_db), "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    undesa = load_registry()["claim_figure"]["metric"].isin(["stock", "change_percent"]).sum()
    assert len(frame) == len(checks) and (frame["revision"].notna()).sum() == undesa * len(REVISIONS)
    assert frame["verdict"].isin(claims.SEVERITY).all()
    assert {"quote", "status", "refreshed_en", "refreshed_es", "consistency", "basis"} <= set(frame.columns)
    assert frame["status"].isin(claims.SEVERITY).all()


def test_cli_table_and_markdown_show_quotes_and_refreshed_sentences(built_db, capsys):
    for fmt in ("table", "markdown"):
        assert cli(["claims", "check", "--db", str(built_db), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "jumped from 47 million in 2000 to 70.3 million in 2019" in out
        assert "refreshed (es)" in out.lower() and "71.2 ≠ 73.5" in out


def test_cli_fail_on(built_db, checks, ctx, tmp_path, capsys):
    latest = {v.status for v in claims.verdicts(claims.as_checks(checks)).values()}
    assert cli(["claims", "check", "--db", str(built_db), "--fail-on", "differs"]) == (1 if DIFFERS in latest else 0)
    assert cli(["claims", "check", "--db", str(built_db), "--fail-on", "year-not-published"]) == (1 if NOT_PUBLISHED in latest else 0)
    assert cli(["claims", "check", "--db", str(built_db), "--fail-on", "no-such-status"]) == 2
    assert cli(["claims", "check", "--db", str(tmp_path / "absent.duckdb")]) == 2
    assert "migdash etl" in capsys.readouterr().err


def test_registry_passes_its_schemas():
    registry = load_registry()
    ClaimSchema.validate(registry["claim"], lazy=True)
    ClaimFigureSchema.validate(registry["claim_figure"], lazy=True)


def test_schema_rejects_unknown_totals_metrics_and_ratios_without_a_numerator():
    figures = load_registry()["claim_figure"].copy()
    figures.loc[0, "part_of"] = "no_such_figure"
    figures.loc[1, "metric"] = "vibes"
    figures.loc[figures["figure_id"] == "flows_ratio", "areas"] = "999"
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        ClaimFigureSchema.validate(figures, lazy=True)
    failed = " ".join(str(c) for c in caught.value.failure_cases["check"])
    assert "part_of must name" in failed and "isin" in failed and "a ratio needs" in failed


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


NEW_DOCUMENT = """\
document: {id: test-note-2025, title: A later note, date: "2025-02-01", language: es}
claims:
  - id: note2025-north-2024
    quote: América del Norte acoge a más de 60 millones de migrantes internacionales en 2024.
    cited_source: UN DESA, International Migrant Stock 2024
    cited_revision: 2024
    sentence:
      es: América del Norte acoge a {north} de migrantes internacionales en {north_year}.
    figures:
      - {id: north, metric: stock, areas: [905], year: 2024, value: 60, unit: million, decimals: 0, qualifier: more than}
"""


def test_a_claim_from_a_new_document_needs_no_code_change(tmp_path, monkeypatch, publisher):
    """A new YAML file is enough: it is validated, loaded, checked and refreshed like the others."""
    registry = tmp_path / "claims"
    shutil.copytree(CLAIMS_DIR, registry)
    (registry / "test-note-2025.yaml").write_text(NEW_DOCUMENT, encoding="utf-8")
    monkeypatch.setattr(build_module.claim_registry, "load_registry", lambda: load_registry(registry))
    db_path = snapshot_module.build_from_snapshot(tmp_path / "with-new-claim.duckdb").db_path
    ctx = Context.load(Database(db_path))
    checks = claims.check_all(ctx)
    north_2024 = publisher[(2024, 2024, 905)] / 1e6
    assert statuses_of(checks, "note2025-north-2024", "north")[2024] == (MATCHES if north_2024 > 59.5 else DIFFERS)
    sentence = claims.refreshed_sentence(ctx, "note2025-north-2024", "es")
    assert sentence == f"América del Norte acoge a {north_2024:.1f} millones de migrantes internacionales en 2024.".replace(".", ",", 1)
