"""The four OAS languages: every string in every language, CLDR number formats, the language
parameter, and pages rendered in French and Portuguese."""

from __future__ import annotations

import json
import re
import string
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.app import create_app
from readside.text import (
    LANGUAGES,
    SEPARATORS,
    decimal,
    language,
    money,
    name_column,
    people,
    percent,
    percent_of_gdp,
    signed_people,
    strings,
    t,
)
from tests.test_page_layouts import layouts, text_of

NNBSP, NBSP = "\u202f", "\u00a0"
I18N = resources.files("readside").joinpath("i18n")


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def base_key(key: str) -> str:
    """'number.million#one' -> 'number.million' (a language's optional singular variant)."""
    return key.split("#", 1)[0]


def feature_files(lang: str) -> dict[str, dict[str, str]]:
    folder = I18N.joinpath(lang)
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".json")}


# ---------------------------------------------------------------- every key in every language


def test_the_four_oas_languages():
    assert LANGUAGES == ("en", "es", "fr", "pt")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_english_key_is_translated_with_the_same_placeholders(lang):
    english, other = strings("en"), strings(lang)
    missing = sorted(set(english) - {base_key(k) for k in other})
    assert not missing, f"{len(missing)} keys missing in {lang}: {missing}"
    unknown = sorted(k for k in other if base_key(k) not in english)
    assert not unknown, f"keys in {lang} that English does not have: {unknown}"
    mismatched = {k: (placeholders(english[base_key(k)]), placeholders(v))
                  for k, v in other.items() if placeholders(english[base_key(k)]) != placeholders(v)}
    assert not mismatched, f"placeholders differ from English in {lang}: {mismatched}"
    empty = [k for k, v in other.items() if not v.strip() and english[base_key(k)].strip()]
    assert not empty, f"empty strings in {lang}: {empty}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_each_feature_file_has_its_counterpart(lang):
    """One file per feature in every language, so a new English file is noticed in review."""
    english, other = feature_files("en"), feature_files(lang)
    assert set(english) <= set(other), f"{lang} lacks {sorted(set(english) - set(other))}"
    for name, keys in english.items():
        assert set(keys) == {base_key(k) for k in other[name]}, f"{lang}/{name} does not mirror en/{name}"


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_commands_file_names_and_product_names_stay_untranslated(lang):
    english = strings("en")
    for key, value in strings(lang).items():
        for code in re.findall(r"`[^`]+`", english[base_key(key)]):
            assert code in value, f"{lang} {key} changed {code}"
        for name in re.findall(r"\b[\w.]+\.(?:xlsx|rda|json)\b", english[base_key(key)]):
            assert name in value, f"{lang} {key} changed {name}"


def test_official_terminology():
    fr, pt = strings("fr"), strings("pt")
    assert "demandeurs d'asile" in fr["sources.method_text"] and "personnes réfugiées" in fr["sources.method_text"]
    assert "Amérique latine et Caraïbes" in fr["data.rejected.areas"]
    assert fr["nav.remittances"] == "Envois de fonds" and pt["nav.remittances"] == "Remessas"
    assert "América Latina e Caribe" in pt["data.rejected.areas"]
    assert "migrantes internacionais" in pt["overview.headline"]
    assert "solicitantes de refúgio" in pt["sources.method_text"]


# ---------------------------------------------------------------- numbers (Babel, CLDR)


def test_group_and_decimal_symbols_per_locale():
    assert decimal(1_726_089, "en", 0) == "1,726,089"
    assert decimal(1_726_089, "es", 0) == "1.726.089"
    assert decimal(1_726_089, "fr", 0) == f"1{NNBSP}726{NNBSP}089"
    assert decimal(1_726_089, "pt", 0) == "1.726.089"
    assert decimal(1234.5, "fr") == f"1{NNBSP}234,5" and decimal(1234.5, "pt") == "1.234,5"
    # CLDR's Spanish does not group 4-digit numbers (minimumGroupingDigits = 2)
    assert decimal(1234.5, "es") == "1234,5" and decimal(12_345, "es", 0) == "12.345"
    assert decimal(-0.25, "fr", 2) == "-0,25"


def test_words_for_large_numbers():
    assert people(78_718_404, "fr") == "78,7 millions"
    assert people(78_718_404, "pt") == "78,7 milhões"
    assert people(78_718_404, "es") == "78,7 millones"
    assert people(350_200, "fr") == "350,2 mille" and people(350_200, "pt") == "350,2 mil"
    assert money(15_320_000_000, "fr") == "US$ 15,3 milliards"
    assert money(15_320_000_000, "pt") == "US$ 15,3 bilhões"
    assert money(15_320_000_000, "es") == "US$ 15,3 mil millones"
    assert money(4_500_000, "fr") == "US$ 4,5 millions" and money(4_500_000, "pt") == "US$ 4,5 milhões"


def test_french_and_portuguese_take_the_singular_below_two():
    assert people(1_500_000, "fr") == "1,5 million" and people(2_500_000, "fr") == "2,5 millions"
    assert people(1_500_000, "pt") == "1,5 milhão" and people(2_500_000, "pt") == "2,5 milhões"
    assert money(1.5e9, "fr") == "US$ 1,5 milliard" and money(1.5e9, "pt") == "US$ 1,5 bilhão"
    assert people(1_500_000, "en") == "1.5 million" and people(1_500_000, "es") == "1,5 millones"


def test_percent_follows_cldr_spacing():
    assert percent(7.25, "en") == "7.2%"
    assert percent(7.2, "es") == f"7,2{NBSP}%" and percent(7.2, "fr") == f"7,2{NBSP}%"
    assert percent(7.2, "pt") == "7,2%"
    assert percent(3.5, "fr", signed=True) == f"+3,5{NBSP}%"
    assert percent_of_gdp(21.456, "fr") == f"21,46{NBSP}% du PIB" and percent_of_gdp(21.456, "pt") == "21,46% do PIB"
    assert signed_people(-1_500_000, "fr") == "−1,5 million"


def test_plotly_separators_match_the_text():
    assert SEPARATORS["fr"] == f",{NNBSP}" and SEPARATORS["pt"] == ",." and SEPARATORS["es"] == ",."
    assert all(len(SEPARATORS[lang]) == 2 for lang in LANGUAGES)


around = st.sampled_from([1e6, 1e9, 1e12]).flatmap(lambda scale: st.floats(scale / 3, scale * 3))


@given(around)
def test_spanish_never_says_billon(value):
    for text in (money(value, "es"), people(value, "es")):
        assert "billón" not in text and "billones" not in text
    if value >= 1e9:
        assert "mil millones" in money(value, "es")


@given(around)
def test_french_says_milliards_for_ten_to_the_ninth(value):
    text = money(value, "fr")
    assert "billion" not in text  # French "billion" is 10^12
    if value >= 1e9:
        assert re.fullmatch(rf"US\$ [\d{NNBSP}]+,\d milliards?", text), text
    elif value >= 1e6:
        assert "million" in text


@given(around)
def test_portuguese_says_bilhoes_for_ten_to_the_ninth(value):
    text = money(value, "pt")
    assert "mil milhões" not in text and "trilh" not in text  # Brazilian usage: bilhão = 10^9
    if value >= 1e9:
        assert re.fullmatch(r"US\$ [\d.]+,\d (bilhão|bilhões)", text), text


@given(around)
def test_the_number_before_the_unit_stays_below_a_thousand_but_for_the_largest(value):
    """Units are chosen after rounding: 999,960 is '1,0 million', never '1 000,0 mille'."""
    for lang in LANGUAGES:
        shown = people(value, lang).split()[0]
        number = float(shown.replace(NNBSP, "").replace(",", "").replace(".", "")) / 10
        assert number < 1000 or value >= 1e9, (lang, value, shown)


@given(st.floats(0, 1e15))
def test_french_groups_with_a_narrow_no_break_space(value):
    text = decimal(value, "fr", 0)
    assert " " not in text and NBSP not in text and "." not in text and "," not in text
    assert int(text.replace(NNBSP, "")) == int(f"{value:.0f}")
    if value >= 1000:
        assert NNBSP in text


@given(st.floats(-1e13, 1e13), st.integers(0, 3))
def test_decimal_keeps_the_value_in_every_language(value, digits):
    for lang in LANGUAGES:
        text = decimal(value, lang, digits)
        group, point = {"en": (",", "."), "es": (".", ","), "fr": (NNBSP, ","), "pt": (".", ",")}[lang]
        assert text.replace(group, "").replace(point, ".") == f"{value:.{digits}f}", (lang, text)


# ---------------------------------------------------------------- the language parameter


@pytest.mark.parametrize("code", ["en", "es", "fr", "pt"])
def test_language_accepts_the_four(code):
    assert language(code) == code


@pytest.mark.parametrize("value", ["FR", "fr-FR", "pt_BR", "pt-BR", "de", "", " fr", None, 3, ["fr"], "fr\x00"])
def test_language_rejects_anything_else(value):
    assert language(value) == "en"


@given(st.text(max_size=8))
def test_language_is_always_a_supported_code(value):
    assert language(value) == (value if value in LANGUAGES else "en")


def test_name_column():
    assert [name_column(lang) for lang in LANGUAGES] == ["name_en", "name_es", "name_fr", "name_pt"]
    assert name_column("<script>") == "name_en"


# ---------------------------------------------------------------- pages in French and Portuguese


def find(component, predicate) -> list:
    found = [component] if predicate(component) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += find(child, predicate)
    return found


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_every_page_renders_in_french_and_portuguese(built_db, lang):
    app = create_app(built_db)
    for path, layout in layouts().items():
        with app.server.test_request_context(f"{path}?lang={lang}"):
            page = layout(lang=lang)
        text = text_of(page)
        assert t(lang, "app.tagline") in text and "Traceback" not in text, path
        mains = find(page, lambda c: type(c).__name__ == "Main")
        assert mains and mains[0].lang == lang, path


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_missing_database_notice_in_french_and_portuguese(tmp_path, lang):
    app = create_app(tmp_path / "absent.duckdb")
    for path, layout in layouts(reading_only=True).items():
        with app.server.test_request_context(path):
            assert t(lang, "notice.no_database") in text_of(layout(lang=lang)), path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_four_way_language_switch(built_db, lang):
    app = create_app(built_db)
    with app.server.test_request_context("/"):
        page = layouts()["/"](lang=lang, revision="2020")
    links = find(page, lambda c: type(c).__name__ == "A" and "language-switch" in (getattr(c, "className", "") or ""))
    assert [link.children for link in links] == ["English", "Español", "Français", "Português"]
    for link, code in zip(links, LANGUAGES, strict=True):
        assert link.lang == code and link.hrefLang == code
        assert f"lang={code}" in link.href and "revision=2020" in link.href  # no-JS fallback keeps the selection
        assert (getattr(link, "aria-current", None) == "true") == (code == lang)
    ids = [link.id for link in links]
    assert len(set(ids)) == 4
    # the former two-way switch's id: Spanish on English pages (browser tests click it), else English
    assert ids[LANGUAGES.index("es" if lang == "en" else "en")] == "language-switch"
