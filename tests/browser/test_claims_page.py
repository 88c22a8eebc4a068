"""The claims page and the claim markers on the overview, in a real browser."""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from readside import claims
from readside.claims import Context
from readside.queries import Database
from readside.text import t
from tests.browser.helpers import settle

pytestmark = pytest.mark.browser
CLAIM_6 = "cp2023-americas-2020"
# dcc.Clipboard copies its target's innerText (Selenium's .text would turn no-break spaces into spaces).
COPIED_TEXT = "return document.getElementById(arguments[0]).innerText;"
TRACES = ("return document.querySelector('#chart-{id} .js-plotly-plot')._fullData"
          ".filter(d => d.x[0] !== null).map(d => [d.name, d.x, d.meta || '', d.line ? d.line.dash : '']);")


@pytest.fixture(scope="module")
def ctx(built_db) -> Context:
    return Context.load(Database(built_db))


def open_claims(duo, built_db, lang: str) -> None:
    duo.driver.get(f"{duo.server_url}/claims?lang={lang}")
    duo.wait_for_element(f"#chart-{CLAIM_6} .js-plotly-plot", timeout=30)
    settle(duo)  # its figure drawn, not the empty graph Dash draws first


@pytest.mark.parametrize("lang", ["en", "es"])
def test_one_card_per_claim_with_its_status_badge(duo, built_db, ctx, lang):
    open_claims(duo, built_db, lang)
    checks = claims.check_all(ctx)
    assert len(duo.find_elements("article.claim-card")) == len(ctx.claims) == 6
    for claim_id, group in checks.groupby("claim_id"):
        expected = t(lang, f"status.{claims.claim_status(group, ctx.latest)}")
        assert duo.find_element(f"#status-{claim_id}").text == expected
        assert ctx.claim(claim_id)["quote"] in duo.find_element(f"#claim-{claim_id} blockquote").text
    parts = "71.2 ≠ 73.5" if lang == "en" else "71,2 ≠ 73,5"
    assert parts in duo.find_element(f"#claim-{CLAIM_6} .consistency-bad").text
    assert duo.get_logs() == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_copy_button_copies_the_refreshed_sentence_and_its_citation(duo, built_db, ctx, lang):
    open_claims(duo, built_db, lang)
    for claim_id in ctx.claims["claim_id"]:
        expected = claims.sentence_with_citation(ctx, claim_id, lang)
        if expected is None:
            assert not duo.find_elements(f"#copy-{claim_id}")
            continue
        button = duo.find_element(f"#copy-{claim_id}")
        assert duo.driver.execute_script(COPIED_TEXT, f"refreshed-{claim_id}") == expected
        assert button.get_attribute("title") == t(lang, "claims.copy")
    text = duo.driver.execute_script(COPIED_TEXT, f"refreshed-{CLAIM_6}")
    if lang == "es":
        assert "millones de migrantes internacionales en 2024" in text and "consultado el" in text
        assert "billón" not in text and "," in text.split("millones")[0]
    else:
        assert "million international migrants in 2024" in text and "accessed" in text
    duo.find_element(f"#copy-{CLAIM_6}").click()
    assert duo.get_logs() == []


def test_card_chart_marks_the_quoted_values_on_their_series(duo, built_db):
    open_claims(duo, built_db, "en")
    traces = duo.driver.execute_script(TRACES.format(id=CLAIM_6))
    quoted = [xs for name, xs, _, _ in traces if name == "Quoted in the document"]
    assert quoted == [[2020], [2020], [2020]]  # 73.5, 58.7 and 12.5, each on its own series
    lines = {(name, meta, dash) for name, _, meta, dash in traces if meta}
    for area in ("Americas", "Latin America and the Caribbean", "Northern America"):
        assert (area, "International Migrant Stock 2024", "solid") in lines  # the latest revision
        assert (area, "International Migrant Stock 2020", "dot") in lines  # the revision the paper cites


def test_overview_toggle_shows_the_quoted_points(duo, built_db):
    duo.driver.get(duo.server_url + "/?revision=2019&lang=en")
    duo.wait_for_element("#overview-trend .js-plotly-plot", timeout=20)
    settle(duo)  # the chart drawn with its data, not only its element
    count = "return document.querySelector('#overview-trend .js-plotly-plot')._fullData.length;"
    before = duo.driver.execute_script(count)
    assert before > 0
    duo.find_element("#overview-claims input").click()
    duo.wait_for_contains_text("#overview-trend", "Quoted in the document", timeout=10)
    assert duo.driver.execute_script(count) == before + 1
    assert "claims=1" in duo.driver.current_url
    duo.find_element("#overview-claims input").click()
    until(lambda: duo.driver.execute_script(count) == before, timeout=10)
    assert "claims=0" in duo.driver.current_url
