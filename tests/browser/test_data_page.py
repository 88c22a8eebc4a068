"""The data page in a real browser: select, preview, download through the page's own links, and
check the files against the database; shared URLs restore the view; hostile URLs get notices."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pandas as pd
import requests
from dash.testing.wait import until
from selenium.webdriver.common.keys import Keys


def query(db_path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).df()


def choose(duo, dropdown: str, typed: str, option: str) -> None:
    """Pick one option of a (searchable) dcc.Dropdown the way a person does: open, type, click."""
    duo.find_element(dropdown).click()
    search = duo.wait_for_element(".dash-dropdown-search", timeout=5)
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(typed)
    duo.wait_for_contains_text(".dash-dropdown-options", option, timeout=5)
    next(o for o in duo.find_elements(".dash-dropdown-option") if o.text == option).click()
    search.send_keys(Keys.ESCAPE)


def fetch(url: str) -> bytes:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, response.text[:300]
    return response.content


def test_select_in_the_browser_and_download_exactly_that(duo, built_db):
    duo.driver.get(duo.server_url + "/data?lang=en&revision=2020")
    duo.wait_for_contains_text("#data-count", "rows", timeout=20)
    duo.find_element("#data-preset-clear").click()
    duo.wait_for_contains_text("#data-notice", "Choose at least one area", timeout=10)
    choose(duo, "#data-areas", "Hait", "Haiti (HTI)")
    choose(duo, "#data-areas", "Jamai", "Jamaica (JAM)")
    choose(duo, "#data-years", "2000", "2000")
    choose(duo, "#data-years", "2020", "2020")
    duo.find_elements("#data-sex input")[2].click()  # women, beside both sexes
    duo.wait_for_contains_text("#data-count", "8 rows in this selection", timeout=10)

    expected = query(built_db, """
        SELECT destination_code, sex, year, migrants FROM stock WHERE revision = 2020 AND origin_code = 900
        AND destination_code IN (332, 388) AND year IN (2000, 2020) AND sex IN ('total', 'female')
        ORDER BY destination_code, sex = 'female', year""")
    archive = zipfile.ZipFile(io.BytesIO(fetch(duo.find_element("#download-zip").get_attribute("href"))))
    rows = pd.read_csv(archive.open("migdash-stock-2020.csv"))
    got = rows[["destination_code", "sex", "year", "migrants"]]
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert set(rows["destination_name_es"]) == {"Haití", "Jamaica"} and set(rows["unit"]) == {"persons"}

    package = json.loads(archive.read("datapackage.json"))
    assert package["selection"] == {"dataset": "stock", "revision": 2020, "areas": [332, 388], "years": [2000, 2020],
                                    "sex": ["total", "female"], "origins": "total"}
    assert package["resources"][0]["count_of_rows"] == 8
    source = query(built_db, "SELECT sha256, citation, licence FROM provenance WHERE revision = 2020 "
                   "AND dataset LIKE 'destination%'").iloc[0]
    assert package["sources"][0]["hash"] == f"sha256:{source['sha256']}" and package["citation"] == source["citation"]
    assert package["licenses"][0]["title"] == source["licence"]
    plain = fetch(duo.find_element("#download-csv").get_attribute("href"))
    assert plain == archive.read("migdash-stock-2020.csv")  # the plain CSV is the zip's CSV
    assert fetch(duo.find_element("#download-excel").get_attribute("href")) == b"\xef\xbb\xbf" + plain
    assert fetch(duo.find_element("#data-api-link").get_attribute("href")) == plain  # the API gives the same rows
    workbook = io.BytesIO(fetch(duo.find_element("#download-xlsx").get_attribute("href")))
    sheet = pd.read_excel(workbook, sheet_name="data", engine="openpyxl")
    pd.testing.assert_frame_equal(sheet[["destination_code", "sex", "year", "migrants"]], expected, check_dtype=False)

    first = duo.find_element("#data-preview tbody tr:first-child td[data-col='migrants']").text
    assert first.replace(",", "") == str(expected["migrants"].iloc[0])
    assert duo.get_logs() == []


def test_a_shared_url_restores_the_selection(duo):
    shared = "/data?lang=en&dataset=stock_share&revision=2019&areas=332%2C388&years=2000%2C2019&sex=total%2Cmale"
    duo.driver.get(duo.server_url + shared)
    duo.wait_for_contains_text("#data-count", "8 rows", timeout=20)
    assert duo.find_element("#data-dataset input[value='stock_share']").is_selected()
    assert "International Migrant Stock 2019" in duo.find_element("#data-revision").text
    chips = [c.get_attribute("textContent") for c in duo.find_elements("#data-areas .dash-dropdown-value-item")]
    assert chips == ["Haiti (HTI)", "Jamaica (JAM)"]
    href = duo.find_element("#download-csv").get_attribute("href")
    assert "areas=332%2C388" in href and "years=2000%2C2019" in href and "sex=total%2Cmale" in href
    for name in ("dataset=stock_share", "revision=2019", "areas=332%2C388", "sex=total%2Cmale"):
        assert name in duo.driver.current_url
    duo.find_element("#language-switch").click()  # the selection survives the language switch
    duo.wait_for_contains_text("#data-count", "8 filas", timeout=20)
    assert duo.find_element("#data-preview th[data-col='percent_of_population']").text == "% de la población"
    share = duo.find_element("#data-preview tbody tr:first-child td[data-col='percent_of_population']").text
    assert "," in share  # Spanish decimal comma
    assert duo.get_logs() == []


def test_refugee_estimates_offer_only_their_revisions_and_no_sex(duo):
    duo.driver.get(duo.server_url + "/data?lang=en&revision=2024")
    duo.wait_for_contains_text("#data-count", "rows", timeout=20)
    duo.find_element("#data-dataset input[value='refugee_stock']").click()
    duo.wait_for_contains_text("#data-revision", "International Migrant Stock 2020", timeout=10)
    duo.wait_for_contains_text("#data-sex-note", "Not published by sex", timeout=10)
    assert all(not box.is_enabled() for box in duo.find_elements("#data-sex input"))
    duo.find_element("#data-revision").click()
    options = [o.text for o in duo.find_elements(".dash-dropdown-option")]
    assert "International Migrant Stock 2024" not in options and "International Migrant Stock 2020" in options
    # the links follow once the preview callback has run (it can lag behind the revision list)
    until(lambda: "sex=" not in duo.find_element("#download-csv").get_attribute("href"), timeout=10)


def test_hostile_url_parameters_get_friendly_notices(duo):
    hostile = ("/data?lang=es&dataset=%27%3B%20DROP%20TABLE%20stock%3B--&revision=1800&areas=332,abc,999999"
               "&years=1800&sex=%3Cscript%3Ealert(1)%3C%2Fscript%3E&origins=x")
    duo.driver.get(duo.server_url + hostile)
    duo.wait_for_contains_text("#data-count", "fila", timeout=20)
    notices = [n.text for n in duo.find_elements(".notice-warning")]
    assert len(notices) == 6 and all(n.endswith("Se dejó fuera de la selección.") for n in notices)
    assert any("DROP TABLE" in n for n in notices) and any("1800" in n for n in notices)
    assert any("<script>" in n for n in notices)  # shown as text, never run
    body = duo.find_element("body").text
    chips = [c.get_attribute("textContent") for c in duo.find_elements("#data-areas .dash-dropdown-value-item")]
    assert "Traceback" not in body and chips == ["Haití (HTI)"]
    assert duo.get_logs() == []
