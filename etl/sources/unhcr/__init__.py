"""UNHCR, the UN Refugee Agency: people in need of international protection, asylum claims and
decisions, new displacement across borders, durable solutions, by origin and asylum country.

Two ways in, chosen by `collect`:
* files (files.py): the data folder of UNHCR's R package `refugees` as published, its six
  datasets each read into its own table (population.py: `population` -> `displacement` and the
  indicator series; package.py: asylum applications and decisions, flows, solutions,
  demographics), plus Refugee Data Finder downloads;
* the Population Statistics API v1 (api.py), for live fetches of the population totals.
common.py holds what they share (publisher, licence, series, country codes); rfile.py reads
the R data files and names their release.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etl.errors import FetchError
from etl.fetch import FetchPolicy, is_url
from etl.indicators import Collected
from etl.paged_api import page_location
from etl.sources.unhcr.api import collect_api, page_url
from etl.sources.unhcr.common import (
    CITATION,
    FIRST_YEAR,
    LICENCE,
    POPULATIONS,
    PUBLISHED_BY,
    PUBLISHER,
    RESIDUALS,
    SERIES,
    SIDES,
    SOURCE,
    area_code,
    series_code,
)
from etl.sources.unhcr.files import collect_files
from etl.sources.unhcr.package import TABLES
from etl.sources.unhcr.population import DISPLACEMENT_POPULATIONS
from etl.sources.unhcr.rfile import DATASETS, RELEASES

__all__ = ["CITATION", "DATASETS", "DISPLACEMENT_POPULATIONS", "FIRST_YEAR", "LICENCE", "POPULATIONS",
           "PUBLISHED_BY", "PUBLISHER", "RELEASES", "RESIDUALS", "SERIES", "SIDES", "SOURCE", "TABLES", "Collected",
           "area_code", "collect", "collect_api", "collect_files", "page_url", "series_code"]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy, year_to: int | None = None) -> Collected:
    """Files when the mirror holds UNHCR's files; the API (live, or an API mirror) otherwise.
    A URL mirror is asked for the API's first page first: a file mirror answers 404 there,
    while an API mirror is then read without a single extra request."""
    year_to = year_to or date.today().year
    if not mirror:
        return collect_api(None, cache_dir, policy, year_to)
    first_page = page_location(page_url("origin", 1, year_to), mirror, "population-origin", 1)
    if not is_url(mirror):
        if Path(first_page).is_file():
            return collect_api(mirror, cache_dir, policy, year_to)
        return collect_files(mirror, cache_dir, policy)
    try:
        return collect_api(mirror, cache_dir, policy, year_to)
    except FetchError as exc:
        if not (exc.not_found and exc.url == first_page):
            raise
        api_error = exc
    try:
        return collect_files(mirror, cache_dir, policy)
    except FetchError as exc:
        raise FetchError(SOURCE, mirror, f"neither an API mirror ({api_error.detail}) nor a file mirror "
                                         f"({exc.detail})", not_found=exc.not_found) from exc
