"""World Bank remittances (the series the IOM Migration Data Portal republishes): the bulk
downloads (CSV, Excel, zip; see "bulk downloads" below) from a mirror, or the World Bank
Indicators API v2, JSON format, live or from a mirror of its pages.

Documented answer of `GET /v2/country/all/indicator/{code}?format=json&per_page=N&page=P`:
`[{"page", "pages", "per_page", "total", "sourceid", "lastupdated"}, [{"indicator": {...},
"country": {"id", "value"}, "countryiso3code", "date", "value", "unit", "obs_status",
"decimal"}, ...]]`; an error is `[{"message": [{"id", "key", "value"}]}]` with HTTP 200.
The revision of a series is its `lastupdated` date. Countries map from ISO3 to M49; of the
Bank's aggregates only those matching a UN area are kept: WLD (World, 900), LCN (Latin America
& Caribbean, 904) and NAC (North America: Bermuda, Canada, United States, 905). Their
membership differs slightly from the UN's (the UN's also counts e.g. Anguilla, Montserrat,
Greenland); the series description says so.
"""

from __future__ import annotations

from pathlib import Path

from etl.errors import FetchError
from etl.fetch import FetchPolicy, is_url
from etl.indicators import Collected
from etl.paged_api import page_location
from etl.sources.worldbank.api import collect_api, page_url
from etl.sources.worldbank.bulk import _vintage, bulk_url, collect_bulk
from etl.sources.worldbank.common import (
    AGGREGATES,
    LICENCE,
    PAID,
    PUBLISHED_BY,
    PUBLISHER,
    RECEIVED,
    RECEIVED_GDP,
    SERIES,
    SOURCE,
)

__all__ = ["AGGREGATES", "LICENCE", "PAID", "PUBLISHED_BY", "PUBLISHER", "RECEIVED", "RECEIVED_GDP", "SERIES", "SOURCE",
           "_vintage", "bulk_url", "collect", "collect_api", "collect_bulk", "page_url"]


def collect(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """From a bulk-download mirror (folder or listed URL) when it holds bulk files; from the API
    (or a mirror of its pages, `<code>/page-<n>.json`) otherwise."""
    if mirror and not is_url(mirror):
        if any((Path(mirror) / s.code / "page-1.json").is_file() for s in SERIES):
            return collect_api(mirror, cache_dir, policy)
        return collect_bulk(mirror, cache_dir, policy)
    if mirror:
        first_page = page_location(page_url(SERIES[0].code, 1), mirror, SERIES[0].code, 1)
        try:
            return collect_api(mirror, cache_dir, policy)
        except FetchError as exc:
            if not (exc.not_found and exc.url == first_page):
                raise
        return collect_bulk(mirror, cache_dir, policy)  # no API answer there: a mirror of files
    return collect_api(None, cache_dir, policy)
