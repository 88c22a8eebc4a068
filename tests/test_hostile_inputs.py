"""One rule for URLs and callbacks: only ASCII digits are numbers; anything else is a 400 or a
notice, never a 500 and never a number nobody typed ('²' is a digit to Python's isdigit(), and
int() reads '٢٠٢٤' as 2024)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.components import parse_revision
from readside.inputs import whole_number
from readside.text import t
from tests.test_flows_pages import page
from tests.test_page_layouts import layouts, text_of

NOT_NUMBERS = ["²", "2²", "٢٠٢٤", "２０２４", "+2024", "-1", " 2024", "2024 ", "2_024", "1e3", "0x10", "9" * 13, "", True, None,
               2.0, [2024], {"year": 2024}]


@pytest.mark.parametrize("value", NOT_NUMBERS, ids=repr)
def test_only_ascii_digits_are_numbers(value):
    assert whole_number(value) is None


def test_whole_numbers():
    assert whole_number("2024") == 2024 and whole_number("0484") == 484 and whole_number(840) == 840
    assert whole_number("9" * 12) == 999_999_999_999


def test_a_revision_in_other_digits_is_reported_not_read():
    assert parse_revision("٢٠٢٤", [2020, 2024]) == (2024, "٢٠٢٤")
    assert parse_revision("2020", [2020, 2024]) == (2020, None)
    assert parse_revision("²", [2020, 2024]) == (2024, "²")


@pytest.fixture(scope="module")
def client(built_db: Path):
    return create_app(built_db).server.test_client()


@pytest.mark.parametrize("query", ["years=²", "areas=²", "revision=²", "origins=²", "years=٢٠٢٤", "areas=484&years=²",
                                   "areas=４８４"])
def test_downloads_answer_400_naming_the_value(client, query):
    response = client.get(f"/download/csv?dataset=stock&{query}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert t("en", "data.cannot_extract") in body and query.split("=")[-1] in body


def test_pages_show_a_notice_for_a_code_that_is_no_number(built_db):
    app = create_app(built_db)
    with app.server.test_request_context("/country?area=²"):
        page = text_of(layouts()["/country"](lang="en", area="²"))
    assert "“²” is not a country or area code" in page
    with app.server.test_request_context("/?revision=٢٠٢٤"):
        page = text_of(layouts()["/"](lang="es", revision="٢٠٢٤"))
    assert "٢٠٢٤" in page  # named in the notice, not read as 2024
    for path in ("/map", "/data", "/remittances", "/refugees"):
        with app.server.test_request_context(path):
            assert "Traceback" not in text_of(layouts()[path](lang="en", area="²", areas="²", years="²", year="²",
                                                              revision="²", edition="²"))


@pytest.mark.parametrize("hostile", [[2024], {"year": 2024}, "²"])
def test_flows_callbacks_take_a_list_or_an_object_as_the_year(built_db, hostile):
    """`flows-incidents` answered 500 when the year was a list (an unhashable dict key)."""
    app = create_app(built_db)
    flows = page("flows")
    with app.server.test_request_context("/_dash-update-component", method="POST"):
        figure, _, note = flows.update_incidents(hostile, "en")
        assert figure.layout.title.text and isinstance(note, str)
        cost = flows.update_human_cost(hostile, "en")
        inflows = flows.update_inflows(hostile, "en")
    assert len(cost) == 4 and len(inflows) == 6
