"""The data-availability page in a real browser: the 35 member states × sources with gaps marked
in words (not by colour alone), the column choice follows into the URL and the CSV link, and the
CSV the link serves is the matrix shown."""

from __future__ import annotations

from readside.availability import SOURCES
from readside.text import t


def choose(duo, selector: str, text: str) -> None:
    """Open a (non-searchable) dcc.Dropdown and click the option reading `text`."""
    duo.find_element(selector).click()
    duo.wait_for_contains_text(".dash-dropdown-options", text, timeout=10)
    next(o for o in duo.find_elements(".dash-dropdown-option") if o.text.strip() == text).click()


def fetch_text(duo, url: str) -> str:
    """What the page's own link serves, fetched by the browser."""
    return duo.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.text()).then(done).catch(e => done('failed: ' + e));", url)


def test_matrix_marks_gaps_follows_the_column_choice_and_downloads(duo):
    duo.driver.get(f"{duo.server_url}/availability?lang=es")
    duo.wait_for_element("#avail-matrix tbody tr", timeout=20)
    assert len(duo.find_elements("#avail-matrix tbody tr")) == 35
    headers = [h.text for h in duo.find_elements("#avail-matrix thead th")]
    assert headers[0] == t("es", "availability.col.member") and len(headers) == 1 + len(SOURCES)
    gaps = duo.find_elements("#avail-matrix td.avail-gap")
    assert gaps, "the bundled sources leave at least one member state without OECD inflows"
    assert gaps[0].find_element("css selector", "[aria-hidden=true]").text == "—"  # the symbol seen
    words = gaps[0].find_element("css selector", ".visually-hidden")  # and the words screen readers say
    assert words.get_attribute("textContent") == t("es", "availability.gap") and words.size["width"] <= 1
    mexico = next(r for r in duo.find_elements("#avail-matrix tbody tr") if r.find_element("css selector", "th").text == "México")
    assert all(c.text[:4].isdigit() for c in mexico.find_elements("css selector", "td")[:4])

    link = duo.find_element("#avail-download")
    csv = fetch_text(duo, link.get_attribute("href"))
    lines = csv.splitlines()
    assert lines[0] == "area_code,iso3,name," + ",".join(SOURCES)
    assert len(lines) == 36 and any(line.startswith("484,MEX,México,") for line in lines)

    choose(duo, "#avail-columns", t("es", "availability.series_of", source=t("es", "availability.source.worldbank")))
    duo.wait_for_contains_text("#avail-matrix thead", "Remesas personales recibidas", timeout=15)
    assert "columns=worldbank" in duo.driver.current_url
    href = duo.find_element("#avail-download").get_attribute("href")
    assert "columns=worldbank" in href
    assert "BX.TRF.PWKR.CD.DT" in fetch_text(duo, href).splitlines()[0]
    assert [e for e in duo.get_logs() if e.get("level") == "SEVERE"] == []


def test_a_link_opens_the_same_view(duo):
    duo.driver.get(f"{duo.server_url}/availability?lang=fr&columns=unhcr")
    duo.wait_for_element("#avail-matrix tbody tr", timeout=20)
    assert "HCR" in duo.find_element("#avail-columns").text
    assert "unhcr.refugees.asylum" not in duo.find_element("#avail-matrix thead").text  # names, not codes
    assert len(duo.find_elements("#avail-matrix thead th")) > 2
    assert duo.driver.execute_script("return document.documentElement.lang") == "fr"
