"""The paragraph checker (readside/scan.py): a corpus of sentences in the style of the CAM work
plans and concept papers, in the four languages, each figure's reading asserted; statuses against
the test database; the CSV, the refreshed paragraph, the registry YAML; property tests for the
number parsing (what readside/text.py writes, the scanner reads back)."""

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
from readside import claims, scan
from readside.queries import Database
from readside.text import LANGUAGES, decimal, percent
from schemas.claim import ClaimFigureSchema, ClaimSchema

AMERICAS, WORLD, LAC, NORTH = (904, 905), (900,), (904,), (905,)

# (language, sentence, expected figures in order). A figure: (value, unit, metric, areas, year,
# base_year, sex, qualifier); a figure not understood: ("?", reason).
CORPUS = [
    ("en", "In 2019 the Americas hosted 70.3 million international migrants.",
     [(70.3, "million", "stock", AMERICAS, 2019, None, "total", "exact")]),
    ("en", "Migrants numbered 272 million worldwide in 2019, while in the Americas they jumped from 47 million in "
           "2000 to 70.3 million in 2019.",
     [(272, "million", "stock", WORLD, 2019, None, "total", "exact"),
      (47, "million", "stock", AMERICAS, 2000, None, "total", "exact"),
      (70.3, "million", "stock", AMERICAS, 2019, None, "total", "exact")]),
    ("en", "In the Americas, according to 2020 data, there are an estimated 73.5 million international migrants, "
           "including 58.7 million in North America and 12.5 million in Latin America and the Caribbean.",
     [(73.5, "million", "stock", AMERICAS, 2020, None, "total", "exact"),
      (58.7, "million", "stock", NORTH, 2020, None, "total", "exact"),
      (12.5, "million", "stock", LAC, 2020, None, "total", "exact")]),
    ("en", "The immigrant population in the Americas has grown from around 34 million in 1990 to 61 million in 2013, "
           "an increase of nearly 78% compared to the 42% observed for the rest of the world.",
     [(34, "million", "stock", AMERICAS, 1990, None, "total", "around"),
      (61, "million", "stock", AMERICAS, 2013, None, "total", "exact"),
      (78, "percent", "change_percent", AMERICAS, 2013, 1990, "total", "nearly"),
      (42, "percent", "change_percent", WORLD, 2013, 1990, "total", "exact")]),
    ("en", "Between 2000 and 2020 the number of international migrants in the Americas increased by 56.6 per cent.",
     [(56.6, "percent", "change_percent", AMERICAS, 2020, 2000, "total", "exact")]),
    ("en", "Women accounted for 51.2% of the international migrants in Latin America and the Caribbean in 2020.",
     [(51.2, "percent", "share_sex", LAC, 2020, None, "total", "exact")]),
    ("en", "International migrants made up 1.7% of the population of Latin America and the Caribbean in 2020.",
     [(1.7, "percent", "share", LAC, 2020, None, "total", "exact")]),
    ("en", "In 2016, family remittances in the Latin America and Caribbean region reached US$70.369 billion, "
           "a growth of 7.2% over the previous year.",
     [(70.369, "billion US$", "remittances", LAC, 2016, None, "total", "exact"),
      (7.2, "percent", "remittances_change_percent", LAC, 2016, 2015, "total", "exact")]),
    ("en", "There were more than 5.2 million refugees and asylum-seekers in the Americas in 2022.",
     [(5.2, "million", "refugees", AMERICAS, 2022, None, "total", "more than")]),
    ("en", "Temporary and permanent movements have increased 5% in the Americas in recent years, and this figure "
           "for Latin American and Caribbean countries was three times higher, or 17%.",
     [(5, "percent", "flow_change_percent", AMERICAS, None, None, "total", "exact"),
      (3, "times", "ratio", LAC, None, None, "total", "derived"),
      (17, "percent", "flow_change_percent", LAC, None, None, "total", "exact")]),
    ("en", "Ecuador hosted 784,787 international migrants in 2020.",
     [(0.784787, "million", "stock", (218,), 2020, None, "total", "exact")]),
    ("en", "Some 1.8 million Venezuelans live in Colombia.", [("?", "origin")]),
    ("en", "Latin America received 12 million migrants in 2020.", [("?", "ambiguous_area")]),
    ("en", "The Committee will hold 4 meetings on 9 May 2024.", [("?", "unit")]),
    ("en", "Migration to the Caribbean grew by 20% in recent years.", [("?", "period")]),
    ("en", "The Americas hosted 73.5 million migrants.", [("?", "year")]),
    ("en", "Fewer than 2 million migrants lived in Central America in 2020.", [("?", "qualifier")]),
    ("es", "En 2020 las Américas acogían a 73,5 millones de migrantes internacionales, de los cuales 58,7 millones "
           "en América del Norte y 12,5 millones en América Latina y el Caribe.",
     [(73.5, "million", "stock", AMERICAS, 2020, None, "total", "exact"),
      (58.7, "million", "stock", NORTH, 2020, None, "total", "exact"),
      (12.5, "million", "stock", LAC, 2020, None, "total", "exact")]),
    ("es", "Entre 2000 y 2020 el número de migrantes en las Américas aumentó casi el 56 %.",
     [(56, "percent", "change_percent", AMERICAS, 2020, 2000, "total", "nearly")]),
    ("es", "En 2016 las remesas hacia América Latina y el Caribe alcanzaron 70.369 millones de dólares.",
     [(70.369, "billion US$", "remittances", LAC, 2016, None, "total", "exact")]),
    ("es", "Hay alrededor de 281 millones de migrantes en el mundo en 2020.",
     [(281, "million", "stock", WORLD, 2020, None, "total", "around")]),
    ("es", "Más de 7,7 millones de venezolanos han salido de su país.", [("?", "origin")]),
    ("es", "En 2024 los migrantes representaban el 16,8 % de la población de América del Norte.",
     [(16.8, "percent", "share", NORTH, 2024, None, "total", "exact")]),
    ("es", "El número de mujeres migrantes en el Caribe era de 0,8 millones en 2020.",
     [(0.8, "million", "stock", (915,), 2020, None, "female", "exact")]),
    ("es", "Las remesas a América Latina y el Caribe alcanzaron 15.300 millones de dólares en 2023.",
     [(15.3, "billion US$", "remittances", LAC, 2023, None, "total", "exact")]),
    ("fr", "En 2020, les Amériques comptaient environ 73,5 millions de migrants internationaux.",
     [(73.5, "million", "stock", AMERICAS, 2020, None, "total", "around")]),
    ("fr", "Le nombre de migrants dans le monde est passé de 153 millions en 1990 à 281 millions en 2020.",
     [(153, "million", "stock", WORLD, 1990, None, "total", "exact"),
      (281, "million", "stock", WORLD, 2020, None, "total", "exact")]),
    ("fr", "Les envois de fonds vers l'Amérique latine et les Caraïbes ont atteint 70,4 milliards de dollars des "
           "États-Unis en 2016.",
     [(70.4, "billion US$", "remittances", LAC, 2016, None, "total", "exact")]),
    ("fr", "Entre 1990 et 2020, le nombre de migrants en Amérique du Nord a augmenté de 112,5 %.",
     [(112.5, "percent", "change_percent", NORTH, 2020, 1990, "total", "exact")]),
    ("fr", "En 2020, l'Amérique du Sud comptait 10\u202f887\u202f000 migrants et l'Amérique centrale 2\u00a0400\u00a0000 migrants.",
     [(10.887, "million", "stock", (931,), 2020, None, "total", "exact"),
      (2.4, "million", "stock", (916,), 2020, None, "total", "exact")]),
    ("fr", "Près de 2,9 millions de femmes migrantes vivaient dans les Caraïbes en 2020.",
     [(2.9, "million", "stock", (915,), 2020, None, "female", "nearly")]),
    ("pt", "Em 2020, as Américas tinham 73,5 milhões de migrantes internacionais, dos quais 58,7 milhões na "
           "América do Norte.",
     [(73.5, "million", "stock", AMERICAS, 2020, None, "total", "exact"),
      (58.7, "million", "stock", NORTH, 2020, None, "total", "exact")]),
    ("pt", "Entre 2000 e 2020, o número de migrantes nas Américas aumentou quase 56%.",
     [(56, "percent", "change_percent", AMERICAS, 2020, 2000, "total", "nearly")]),
    ("pt", "As remessas para a América Latina e o Caribe chegaram a US$ 70,4 bilhões em 2016.",
     [(70.4, "billion US$", "remittances", LAC, 2016, None, "total", "exact")]),
    ("pt", "O número de migrantes no mundo é quase três vezes maior do que em 1970.", [("?", "ratio")]),
    ("pt", "Cerca de 6,5 milhões de refugiados viviam na América do Sul em 2023.",
     [(6.5, "million", "refugees", (931,), 2023, None, "total", "around")]),
]


@pytest.fixture(scope="module")
def db(built_db) -> Database:
    return Database(built_db)


@pytest.fixture(scope="module")
def lexicon(db) -> scan.Lexicon:
    return scan.Lexicon.load(db)


def read(text: str, lang: str, lexicon: scan.Lexicon) -> list[scan.Found]:
    return [f for i, (start, s) in enumerate(scan.split_sentences(text))
            for f in scan.understand(scan.read_sentence(i + 1, start, s, lang, lexicon))]


@pytest.mark.parametrize(("lang", "text", "expected"), CORPUS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORPUS)])
def test_each_figure_of_the_corpus_is_read_as_written(lang, text, expected, lexicon):
    found = read(text, lang, lexicon)
    assert len(found) == len(expected), [(f.number.text, f.reason) for f in found]
    for item, want in zip(found, expected, strict=True):
        if want[0] == "?":
            assert (item.understood, item.reason) == (False, want[1]), item.number.text
            continue
        value, unit, metric, areas, year, base_year, sex, qualifier = want
        assert item.reason is None, (item.number.text, item.reason)
        assert item.number.value == pytest.approx(value)
        assert (item.number.unit, item.metric, item.areas, item.year, item.base_year, item.sex, item.number.qualifier) \
            == (unit, metric, areas, year, base_year, sex, qualifier), item.number.text


def test_rest_of_the_world_is_the_world_minus_the_americas(lexicon):
    found = read(CORPUS[3][1], "en", lexicon)
    assert found[3].minus == AMERICAS


def test_oas_member_states_are_the_roster_of_35(lexicon):
    (found,) = read("The OAS member states hosted 69.9 million international migrants in 2020.", "en", lexicon)
    assert found.metric == "stock" and len(found.areas) == 35 and 840 in found.areas and 630 not in found.areas


def test_world_bank_is_no_area(lexicon):
    (found,) = read("According to the World Bank, migrants numbered 5 million in 2020.", "en", lexicon)
    assert found.reason == "area"


# ---- statuses: the checker's own rules on the scanned figures ----


def rows_of(result: scan.Scan, figure: str, sentence: int = 1) -> dict[int, pd.Series]:
    rows = result.rows[(result.rows["sentence_number"] == sentence) & (result.rows["figure_id"] == figure)]
    return {int(r["revision"]): r for _, r in rows.iterrows()}


def test_the_2019_figure_matches_the_2019_revision(db):
    result = scan.scan(db, CORPUS[0][1], "en")
    rows = rows_of(result, "f1")
    assert set(rows) == set(claims.Context.load(db).revisions)
    assert rows[2019]["status"] == claims.MATCHES
    assert rows[2024]["status"] == claims.NOT_PUBLISHED and "interpolation" in rows[2024]["note"]


def test_a_named_revision_makes_a_changed_figure_revised(db):
    text = "According to International Migrant Stock 2020, the Americas hosted 73.5 million international migrants in 2020."
    result = scan.scan(db, text, "en")
    rows = rows_of(result, "f1")
    assert result.cited == 2020
    assert (rows[2020]["status"], rows[2024]["status"]) == (claims.MATCHES, claims.REVISED)


def test_without_a_named_revision_nothing_is_marked_revised(db):
    result = scan.scan(db, "The Americas hosted 73.5 million international migrants in 2020.", "en")
    assert result.cited is None
    assert rows_of(result, "f1")[2024]["status"] == claims.DIFFERS


def test_parts_against_their_total_and_a_part_that_differs(db):
    result = scan.scan(db, CORPUS[2][1], "en")
    assert "58.7 + 12.5 = 71.2 ≠ 73.5" in result.rows["consistency"].iloc[0]
    assert rows_of(result, "f3")[2020]["status"] == claims.DIFFERS
    assert [f.part_of for f in result.found] == [None, "f1", "f1"]


def test_a_multiple_is_checked_against_the_two_figures_it_compares(db):
    result = scan.scan(db, CORPUS[9][1], "en")
    assert "17% / 5% = 3.4 times" in result.rows["consistency"].iloc[0]
    assert set(result.rows["status"]) == {claims.NOT_CHECKABLE}


def test_remittances_are_not_checkable_and_say_which_source_would(db):
    result = scan.scan(db, CORPUS[7][1], "en")
    rows = result.rows[result.rows["figure_id"] == "f1"]
    assert set(rows["status"]) == {claims.NOT_CHECKABLE}
    assert rows["note"].str.contains("BX.TRF.PWKR.CD.DT").all()


def test_not_understood_figures_get_one_row_with_the_reason(db):
    result = scan.scan(db, "Some 1.8 million Venezuelans live in Colombia.", "en")
    assert len(result.rows) == 1
    row = result.rows.iloc[0]
    assert (row["status"], pd.isna(row["revision"]), row["quoted_as"]) == (scan.NOT_UNDERSTOOD, True, "Some 1.8 million")
    assert "origin" in row["note"]


# ---- outputs ----


def test_csv_has_the_claims_check_columns_and_one_row_per_figure_and_revision(db):
    result = scan.scan(db, CORPUS[2][1] + " " + CORPUS[11][1], "en")
    frame = pd.read_csv(io.StringIO(scan.as_csv(result)))
    assert list(frame.columns[:len(claims.REPORT_COLUMNS)]) == claims.REPORT_COLUMNS
    revisions = len(claims.Context.load(db).revisions)
    assert len(frame) == 3 * revisions + 1
    assert frame.groupby(["sentence_number", "figure_id"]).size().tolist() == [revisions] * 3 + [1]


def test_refreshed_paragraph_in_spanish_with_citation(db):
    result = scan.scan(db, CORPUS[17][1], "es")
    latest = claims.Context.load(db).latest
    americas = rows_of(result, "f1")[latest]["actual"]
    assert decimal(americas, "es", 1) + " millones" in result.refreshed
    assert "73,5 millones" not in result.refreshed
    assert result.refreshed.startswith("En 2020 las Américas acogían a ")
    assert result.citation.startswith("Fuente:")
    assert result.rows["refreshed_es"].iloc[0].endswith(result.citation)


def test_a_year_the_latest_revision_does_not_publish_stays_as_written(db):
    result = scan.scan(db, CORPUS[0][1], "en")
    assert result.refreshed == CORPUS[0][1]


def test_too_long_a_text_is_refused(db):
    with pytest.raises(scan.TextTooLong):
        scan.scan(db, "a" * (scan.MAX_CHARS + 1), "en")


def test_saved_yaml_is_a_valid_registry_document(db, tmp_path):
    text = " ".join(CORPUS[i][1] for i in (2, 3, 6, 7))
    result = scan.scan(db, text, "en")
    (tmp_path / "scanned.yaml").write_text(scan.registry_yaml(result, "concept-paper", "Concept paper"), encoding="utf-8")
    registry = load_registry(tmp_path)
    ClaimSchema.validate(registry["claim"])
    figures = ClaimFigureSchema.validate(registry["claim_figure"])
    assert "share" not in set(figures["metric"])  # no registry metric: left out, said so in the header
    assert "Left out" in (tmp_path / "scanned.yaml").read_text(encoding="utf-8")
    parts = figures[figures["claim_id"] == "concept-paper-s1"]
    assert parts["part_of"].tolist()[1:] == ["f1", "f1"]
    # the registry reproduces the scan's statuses, and its template refreshes the sentence
    ctx = claims.Context.load(db, claims=registry["claim"], figures=figures)
    checks = claims.check_all(ctx)
    first = checks[checks["claim_id"] == "concept-paper-s1"].set_index(["figure_id", "revision"])["status"]
    scanned = result.rows[result.rows["sentence_number"] == 1].set_index(["figure_id", "revision"])["status"]
    assert first.to_dict() == scanned.to_dict()
    assert claims.refreshed_sentence(ctx, "concept-paper-s1", "en").startswith("In the Americas, according to 2020 data")


def test_cli_scan_reads_standard_input_and_writes_csv_and_yaml(built_db, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(CORPUS[17][1]))
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli(["claims", "scan", "-", "--lang", "es", "--format", "csv", "--db", str(built_db),
                    "--save-yaml", str(tmp_path / "s.yaml")])
    assert code == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()))
    assert {"quoted_as", "quoted", "revision", "status", "actual", "note"} <= set(frame.columns)
    assert set(frame["quoted_as"]) == {"73,5 millones", "58,7 millones", "12,5 millones"}
    assert yaml.safe_load((tmp_path / "s.yaml").read_text(encoding="utf-8"))["document"]["language"] == "es"


def test_cli_scan_markdown_from_a_file(built_db, tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text(CORPUS[3][1], encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli(["claims", "scan", str(path), "--format", "markdown", "--db", str(built_db)]) == 0
    assert "| figure_id | revision | status |" in out.getvalue() and "Internal consistency" in out.getvalue()


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
