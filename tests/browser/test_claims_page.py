"""The claims page and the claim markers on the overview, in a real browser."""

from __future__ import annotations

from dashboard import claims_check, queries
from dashboard.app import create_app
from dashboard.queries import Database


def test_claims_page_cards_badges_and_copy_text(dash_duo, built_db):
    db = Database(built_db)
    checks = claims_check.check_all(db)
    latest = queries.revisions(db)[-1]
    dash_duo.start_server(create_app(built_db))
    dash_duo.driver.get(dash_duo.server_url + "/claims?lang=en")
    dash_duo.wait_for_element("#claim-cp2023-americas-2020", timeout=30)
    cards = dash_duo.find_elements("article.claim-card")
    assert len(cards) == len(queries.claims(db))
    for claim_id, group in checks.groupby("claim_id"):
        assert dash_duo.find_element(f"#status-{claim_id}").text == claims_check.claim_status(group, latest)
    assert "71.2 ≠ 73.5" in dash_duo.find_element("#claim-cp2023-americas-2020").text
    claim = queries.claims(db).set_index("claim_id").loc["cp2023-americas-2020"]
    figures = queries.claim_figures(db)
    expected = claims_check.refreshed_sentence(db, claim, figures[figures["claim_id"] == "cp2023-americas-2020"], "en")
    copied = dash_duo.find_element("#refreshed-cp2023-americas-2020").text  # what the copy button copies
    assert copied == f"{expected} {claims_check.citation(db, 'en')}"
    assert dash_duo.find_element("#copy-cp2023-americas-2020")
    assert dash_duo.get_logs() == []


def test_claims_page_in_spanish(dash_duo, built_db):
    dash_duo.start_server(create_app(built_db))
    dash_duo.driver.get(dash_duo.server_url + "/claims?lang=es")
    dash_duo.wait_for_element("#refreshed-cp2023-americas-2020", timeout=30)
    text = dash_duo.find_element("#refreshed-cp2023-americas-2020").text
    assert "millones de migrantes internacionales" in text and "consultado el" in text
    assert dash_duo.find_element("#status-cp2023-americas-2020").text == "difiere"


def test_overview_toggle_shows_the_quoted_points(dash_duo, built_db):
    dash_duo.start_server(create_app(built_db))
    dash_duo.driver.get(dash_duo.server_url + "/?revision=2019&lang=en")
    dash_duo.wait_for_element("#overview-trend .js-plotly-plot", timeout=20)
    count = "return document.querySelector('#overview-trend .js-plotly-plot')._fullData.length;"
    before = dash_duo.driver.execute_script(count)
    dash_duo.find_element("#overview-claims input").click()
    dash_duo.wait_for_contains_text("#overview-trend", "Quoted in the document", timeout=10)
    assert dash_duo.driver.execute_script(count) == before + 1
    assert "claims=1" in dash_duo.driver.current_url
