"""The data page: select, preview, download, and check the file against the database."""

from __future__ import annotations

import io
import json
import zipfile

import duckdb
import pandas as pd
import requests

from dashboard.app import create_app


def test_selection_preview_and_zip_download_match_the_database(dash_duo, built_db):
    dash_duo.start_server(create_app(built_db))
    dash_duo.driver.get(dash_duo.server_url + "/data?lang=en&dataset=stock&revision=2020&areas=332,388&years=2000,2020&sex=total")
    dash_duo.wait_for_contains_text("#data-count", "4 rows", timeout=20)
    href = dash_duo.find_element("#download-zip").get_attribute("href")
    archive = zipfile.ZipFile(io.BytesIO(requests.get(href, timeout=20).content))
    rows = pd.read_csv(archive.open("migdash-stock-2020.csv"))
    with duckdb.connect(str(built_db), read_only=True) as con:
        expected = con.execute(
            "SELECT destination_code, year, migrants FROM stock WHERE revision = 2020 AND origin_code = 900 AND sex = 'total' "
            "AND destination_code IN (332, 388) AND year IN (2000, 2020) ORDER BY 1, 2"
        ).fetchall()
    assert list(rows[["area_code", "year", "value"]].itertuples(index=False, name=None)) == expected
    package = json.loads(archive.read("datapackage.json"))
    assert package["selection"]["areas"] == [332, 388] and package["resources"][0]["count_of_rows"] == 4
    dash_duo.find_elements("#data-sex input")[2].click()  # add women
    dash_duo.wait_for_contains_text("#data-count", "8 rows", timeout=10)
    shared = dash_duo.driver.current_url
    assert "sex=total%2Cfemale" in shared or "sex=total,female" in shared
    dash_duo.driver.get(shared)
    dash_duo.wait_for_contains_text("#data-count", "8 rows", timeout=20)
    assert dash_duo.get_logs() == []


def test_hostile_parameters_on_the_data_page(dash_duo, built_db):
    dash_duo.start_server(create_app(built_db))
    dash_duo.driver.get(dash_duo.server_url + "/data?dataset=%27%3BDROP&revision=1800&areas=abc&years=1800")
    dash_duo.wait_for_element(".notice-warning", timeout=20)
    assert "Traceback" not in dash_duo.find_element("body").text
