"""The paragraph checker (readside/scan/): the issue's acceptance paragraph with no language
chosen, clause-scoped ties, one row per figure, the refreshed paragraph, the CSV, the registry
YAML, the command line; property tests for the number parsing (what readside/text.py writes,
the scanner reads back). The corpus of 67 paragraphs is scored in tests/test_scan_corpus.py."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from decimal import Decimal

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.claims import load_registry
from migdash.cli import main as cli
from readside import claims, claims_report, regional, scan
from readside.queries import Database
from readside.scan.language import detect
from readside.text import LANGUAGES, decimal, percent
from schemas.claim import ClaimFigureSchema, ClaimSchema

ACCEPTANCE = ("Según las Naciones Unidas, en 2020 vivían en las Américas cerca de 73,5 millones de migrantes "
              "internacionales, frente a 58 millones en 2010. En América del Sur, el número de migrantes superó los "
              "11 millones en 2020, y las mujeres representaban casi el 50 % del total regional. Las remesas hacia "
              "América Latina y el Caribe alcanzaron 155 mil millones de dólares en 2024.")
RECEIVED = "BX.TRF.PWKR.CD.DT"
PARTS_EN = ("In the Americas, according to 2020 data, the number of international migrants was 73.5 million, including "
            "58.7 million in North America and 12.5 million in Latin America and the Caribbean.")


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


@pytest.fixture(scope="module")
def acceptance(db) -> scan.Scan:
    return scan.scan(db, ACCEPTANCE)  # no language chosen


def verdict(result: scan.Scan, sentence: int, figure: str) -> claims.Verdict:
    return result.verdicts[(scan.claim_id(sentence), figure)]


# ---- the paragraph ----


def test_the_acceptance_paragraph_is_detected_as_spanish(acceptance):
    assert (acceptance.lang, acceptance.detected.chosen) == ("es", False)
    assert [f.number.text for f in acceptance.found] == [
        "cerca de 73,5 millones", "58 millones", "superó los 11 millones", "casi el 50 %", "155 mil millones de dólares"]


def test_73_5_millones_matches_the_2020_revision(acceptance):
    first = verdict(acceptance, 1, "f1")
    assert first.status == claims.MATCHES and "2020" in first.notes[0].values["vintages"]
    tie = acceptance.found[0]
    assert (tie.metric, tie.areas, tie.year, tie.number.qualifier) == ("stock", (904, 905), 2020, "around")


def test_58_millones_differs(acceptance):
    assert verdict(acceptance, 1, "f2").status == claims.DIFFERS
    assert (acceptance.found[1].areas, acceptance.found[1].year) == ((904, 905), 2010)


def test_11_millones_is_south_americas_total_and_differs(acceptance):
    tie = acceptance.found[2]
    assert (tie.metric, tie.areas, tie.year, tie.sex, tie.number.qualifier) == ("stock", (931,), 2020, "total", "more than")
    checks = {c.vintage: c for c in acceptance.checks if (c.claim_id, c.figure_id) == ("s2", "f1")}
    assert checks["2020"].actual == pytest.approx(10.887474) and checks["2020"].status == claims.DIFFERS
    assert verdict(acceptance, 2, "f1").status == claims.DIFFERS
    assert "mujeres" not in scan.tied_by(tie)


def test_casi_el_50_is_the_share_of_women_and_matches(acceptance):
    tie = acceptance.found[3]
    assert (tie.metric, tie.sex, tie.areas, tie.year) == ("share_sex", "female", (931,), 2020)
    assert verdict(acceptance, 2, "f2").status == claims.MATCHES
    assert "mujeres" in scan.tied_by(tie) and "(sentence)" in scan.tied_by(tie)


def test_155_mil_millones_matches_the_world_banks_2024_figure(acceptance):
    tie = acceptance.found[4]
    assert (tie.metric, tie.areas, tie.year) == ("remittances", (904,), 2024)
    decided = verdict(acceptance, 3, "f1")
    assert decided.status == claims.MATCHES and decided.decided_by.source == "worldbank"
    assert decided.decided_by.actual == pytest.approx(155.011239, abs=1e-3)
    assert "BX.TRF.PWKR.CD.DT" in decided.notes[0].text("en")


def test_155_mil_millones_says_the_world_banks_2024_aggregate_counts_only_the_countries_reporting(acceptance, db):
    """The World Bank publishes US$155.0 bn as its LAC aggregate for 2024, while 2024 is partial by
    readside.reporting's rule (the Remittances page draws it apart): the figure matches the
    published aggregate, says how many countries it counts, and is never a refreshed figure."""
    lac = regional.regional_series(db, RECEIVED)
    page = lac[(lac["area_code"] == 904) & (lac["year"] == 2024)].iloc[0]
    counted, expected = int(page["reporting"]), int(page["expected"])
    assert not page["complete"] and counted < expected
    decided = verdict(acceptance, 3, "f1")
    assert decided.status == claims.MATCHES and decided.decided_by.partial
    (note,) = [n for n in decided.notes if n.key == "aggregate_reporting"]
    assert (note.values["counted"], note.values["expected"]) == (counted, expected)
    assert f"only {counted} of {expected} members" in note.text("en")
    assert f"solo cuenta {counted} de {expected} miembros" in note.text("es")
    row = acceptance.rows[(acceptance.rows["sentence_number"] == 3)].iloc[0]
    assert row["status"] == claims.MATCHES and f"only {counted} of {expected}" in row["note"]


def test_a_sum_over_members_is_compared_only_in_a_complete_year(db):
    """The Caribbean's remittances are a sum of its countries (the World Bank prints none): 2024
    lacks members that weigh (not reported, n of m), 2023 is complete (compared)."""
    caribbean = regional.regional_series(db, RECEIVED).query("area_code == 915").set_index("year")
    assert not caribbean.loc[2024, "complete"] and caribbean.loc[2023, "complete"]
    partial = scan.scan(db, "Remittances to the Caribbean reached US$ 15.4 billion in 2024.", "en")
    decided = verdict(partial, 1, "f1")
    assert decided.status == claims.NOT_REPORTED and decided.newest is None
    (note,) = [n for n in decided.notes if n.key == "members_reporting"]
    assert (note.values["counted"], note.values["expected"]) == (caribbean.loc[2024, "reporting"],
                                                                  caribbean.loc[2024, "expected"])
    quoted = decimal(caribbean.loc[2023, "value"] / 1e9, "en", 1)
    complete = scan.scan(db, f"Remittances to the Caribbean reached US$ {quoted} billion in 2023.", "en")
    assert verdict(complete, 1, "f1").status == claims.MATCHES


def test_a_figure_that_differs_from_a_partial_aggregate_is_not_refreshed(db):
    text = "In 2024, Latin America and the Caribbean received US$ 150 billion in remittances."
    result = scan.scan(db, text, "en")
    decided = verdict(result, 1, "f1")
    assert decided.status == claims.DIFFERS and decided.newest.partial
    assert [n.key for n in decided.notes[1:]] == ["aggregate_reporting", "remittance_definitions"]
    assert result.refreshed == text  # a partial year's figure is never written in as a fact


def test_the_refreshed_paragraph_is_spanish_throughout(acceptance, db):
    refreshed = acceptance.refreshed
    latest = claims.Context.load(db).latest
    value_2010 = next(c.actual for c in acceptance.checks if (c.figure_id, c.claim_id, c.vintage) == ("f2", "s1", str(latest)))
    assert f"frente a {decimal(value_2010, 'es', 1)} millones en 2010" in refreshed
    assert "cerca de 73,5 millones" in refreshed  # matches: kept as written
    assert "superó los 10,2 millones en 2020" in refreshed  # "more than" rounds down, so it stays true
    assert "casi el 50 %" in refreshed and "155 mil millones de dólares" in refreshed
    assert "million" not in refreshed.replace("millones", "") and "." not in refreshed.replace(". ", " ").rstrip(".")
    assert acceptance.citation.startswith("Fuente:") and "Banco Mundial" in acceptance.citation
    assert "consultado el" in acceptance.citation and "accessed" not in acceptance.citation


def test_the_acceptance_paragraph_on_the_bundled_snapshot(tmp_path):
    """The same result on the snapshot (which holds the same UN DESA and World Bank rows)."""
    from etl.snapshot import build_from_snapshot

    result = scan.scan(Database(build_from_snapshot(tmp_path / "s.duckdb").db_path), ACCEPTANCE)
    statuses = [result.verdicts[(scan.claim_id(f.sentence), f.figure_id)].status for f in result.found]
    assert statuses == [claims.MATCHES, claims.DIFFERS, claims.DIFFERS, claims.MATCHES, claims.MATCHES]


# ---- ties: never a word of another clause, never a guess ----


@pytest.mark.parametrize(("text", "reason"), [
    ("Canada and the United States hosted 61.2 million migrants in 2024.", "several_areas"),
    ("There were 7.7 million refugees and migrants from Venezuela in 2023.", "several_metrics"),
    ("Brazil recorded 745,000 new internal displacements in 2023.", "cause"),
    ("In Latin America, migrants numbered 17.5 million in 2024.", "ambiguous_area"),
    ("According to the World Bank, migrants numbered 5 million in 2020.", "area"),
])
def test_an_uncertain_tie_is_not_understood_with_its_reason(db, text, reason):
    (found,) = scan.scan(db, text).found
    assert (found.understood, found.reason) == (False, reason)


def test_a_word_of_another_clause_never_decides(db):
    result = scan.scan(db, "In South America the number of migrants exceeded 11 million in 2020, and women made up "
                           "nearly 50% of them.")
    stock, share = result.found
    assert stock.sex == "total" and all("women" not in e.words for e in stock.evidence)
    assert (share.metric, share.sex) == ("share_sex", "female")


def test_an_elided_clause_takes_the_subject_of_the_previous_one(db):
    result = scan.scan(db, "South America hosted 12.6 million migrants in 2024, while the Caribbean hosted 1.8 million.")
    second = result.found[1]
    assert (second.metric, second.areas, second.year) == ("stock", (915,), 2024)


def test_the_oas_member_states_are_the_roster_of_35(db):
    (found,) = scan.scan(db, "The OAS member states hosted 69.9 million international migrants in 2020.").found
    assert found.metric == "stock" and len(found.areas) == 35 and 840 in found.areas and 630 not in found.areas


def test_a_clause_in_another_language_reads_its_numbers_in_that_locale(db):
    text = ("The Committee quotes the following sentence from the Spanish report. "
            "En 2020 vivían en las Américas 73,5 millones de migrantes internacionales.")
    result = scan.scan(db, text, fallback="en")
    (found,) = result.found
    assert (found.number.lang, found.number.value) == ("es", 73.5)


def test_language_detection_is_offline_and_falls_back_on_short_texts():
    assert detect("En 2020, les Amériques comptaient environ 73,5 millions de migrants.", "en").lang == "fr"
    assert detect("2020: 73,5", "pt").lang == "pt"


# ---- outputs ----


def test_not_understood_figures_get_one_row_with_the_reason(db):
    result = scan.scan(db, "Some 1.8 million Venezuelans live in Colombia.")
    (row,) = result.rows.to_dict("records")
    assert (row["status"], row["quoted_as"], row["reason"]) == (scan.NOT_UNDERSTOOD, "Some 1.8 million", "origin")


def test_csv_has_one_row_per_figure_with_every_vintage_side_by_side(db):
    result = scan.scan(db, PARTS_EN + " Some 1.8 million Venezuelans live in Colombia.")
    frame = pd.read_csv(io.StringIO(scan.as_csv(result)))
    assert list(frame.columns) == scan.COLUMNS
    assert set(claims_report.REPORT_COLUMNS) - {"vintage", "verdict"} <= set(frame.columns)
    assert len(frame) == 4 and frame.groupby(["sentence_number", "figure_id"]).size().max() == 1
    first = frame.iloc[0]
    assert "2019: " in first["by_vintage"] and "2020: matches" in first["by_vintage"] and "2024: " in first["by_vintage"]
    assert "metric: migrants" in first["tied_by"]
    assert "58.7 + 12.5 = 71.2 ≠ 73.5" in first["consistency"]


def test_refreshed_english_keeps_matching_figures_and_cites_in_english(db):
    result = scan.scan(db, "In 2019 the Americas hosted 70.3 million international migrants.")
    assert result.refreshed == "In 2019 the Americas hosted 70.3 million international migrants."
    assert result.citation.startswith("Source:")


def test_too_long_a_text_is_refused(db):
    with pytest.raises(scan.TextTooLong):
        scan.scan(db, "a" * (scan.MAX_CHARS + 1))


def test_saved_yaml_is_a_valid_registry_document(db, tmp_path):
    result = scan.scan(db, PARTS_EN, "en")
    (tmp_path / "scanned.yaml").write_text(scan.registry_yaml(result, "concept-paper", "Concept paper"), encoding="utf-8")
    registry = load_registry(tmp_path)
    ClaimSchema.validate(registry["claim"])
    figures = ClaimFigureSchema.validate(registry["claim_figure"])
    assert figures["part_of"].tolist()[1:] == ["f1", "f1"]
    ctx = claims.Context.load(db, claims=registry["claim"], figures=figures)
    registry_verdicts = {k[1]: v.status for k, v in claims.verdicts(claims.check_figures(ctx, figures, 2024)).items()}
    scanned = {k[1]: v.status for k, v in result.verdicts.items()}
    assert registry_verdicts == scanned  # /claims and /check say the same of the same figures
    assert claims.refreshed_sentence(ctx, "concept-paper-s1", "en").startswith("In the Americas, according to 2020 data")


def test_cli_scan_detects_the_language_and_writes_csv_and_yaml(built_db, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(ACCEPTANCE))
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli(["claims", "scan", "-", "--format", "csv", "--db", str(built_db), "--save-yaml", str(tmp_path / "s.yaml")])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()))
    assert frame["status"].tolist() == ["matches", "differs", "differs", "matches", "matches"]
    assert yaml.safe_load((tmp_path / "s.yaml").read_text(encoding="utf-8"))["document"]["language"] == "es"


def test_cli_scan_markdown_from_a_file(built_db, tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text(PARTS_EN, encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli(["claims", "scan", str(path), "--format", "markdown", "--db", str(built_db)]) == 0
    assert "| figure_id | status |" in out.getvalue() and "Internal consistency" in out.getvalue()
    assert "Language: en (detected)" in out.getvalue()


# ---- number parsing: what the project writes, the scanner reads back ----

VALUES = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999"), places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(value=VALUES, digits=st.integers(0, 3), lang=st.sampled_from(LANGUAGES))
def test_parse_number_reads_what_decimal_writes(value, digits, lang):
    written = decimal(float(value), lang, digits)
    parsed, decimals = scan.parse_number(written, lang)
    assert decimals == digits
    assert parsed == float(f"{float(value):.{digits}f}")  # decimal() rounds as Python does


@settings(max_examples=150, deadline=None)
@given(value=st.floats(0.1, 9999, allow_nan=False), digits=st.integers(0, 2), lang=st.sampled_from(LANGUAGES),
       unit=st.sampled_from(["million", "billion US$"]))
def test_find_numbers_reads_the_checkers_own_wording(value, digits, lang, unit):
    written = claims.format_value(value, unit, digits, lang)
    (number,) = scan.find_numbers(f"x {written} y", lang)
    assert (number.unit, number.decimals) == (unit, digits)
    assert number.value == pytest.approx(round(value, digits), abs=10 ** -(digits + 1))


@settings(max_examples=100, deadline=None)
@given(value=st.floats(0, 100, allow_nan=False), digits=st.integers(0, 2), lang=st.sampled_from(LANGUAGES))
def test_find_numbers_reads_percentages_in_every_locale(value, digits, lang):
    (number,) = scan.find_numbers(f"el {percent(value, lang, digits)} de", lang)
    assert (number.unit, number.decimals) == ("percent", digits)
    assert number.value == pytest.approx(round(value, digits), abs=10 ** -(digits + 1))


@pytest.mark.parametrize(("text", "lang", "value", "decimals"), [
    ("12,5", "es", 12.5, 1), ("12,5", "pt", 12.5, 1), ("12,5", "fr", 12.5, 1), ("7.2", "en", 7.2, 1),
    ("1 234", "fr", 1234, 0), ("1\u00a0234,5", "fr", 1234.5, 1), ("1\u202f234", "fr", 1234, 0),
    ("1.726.089", "pt", 1726089, 0), ("70.369", "es", 70369, 0), ("1,726,089", "en", 1726089, 0),
])
def test_parse_number_per_locale(text, lang, value, decimals):
    assert scan.parse_number(text, lang) == (pytest.approx(value), decimals)


def test_a_number_in_another_locales_format_is_not_guessed():
    with pytest.raises(ValueError):
        scan.parse_number("12,5", "en")


@pytest.mark.parametrize(("text", "lang", "value", "unit"), [
    ("1.8 million", "en", 1.8, "million"), ("12,5 millones", "es", 12.5, "million"),
    ("US$ 15,3 mil millones", "es", 15.3, "billion US$"), ("15,3 milliards de dollars", "fr", 15.3, "billion US$"),
    ("US$ 15,3 bilhões", "pt", 15.3, "billion US$"), ("450 thousand", "en", 0.45, "million"),
    ("7,2 %", "fr", 7.2, "percent"), ("7.2 per cent", "en", 7.2, "percent"), ("7,2 por ciento", "es", 7.2, "percent"),
    ("tres veces", "es", 3, "times"), ("trois fois", "fr", 3, "times"), ("três vezes", "pt", 3, "times"),
])
def test_scale_words_units_and_multiples(text, lang, value, unit):
    (number,) = scan.find_numbers(text, lang)
    assert (number.value, number.unit) == (pytest.approx(value), unit)
