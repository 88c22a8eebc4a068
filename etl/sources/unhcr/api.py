"""UNHCR's Population Statistics API v1, for live fetches (and mirrors of its pages).

Documented answer of `GET /population/v1/population/?limit=N&page=P&yearFrom=Y&yearTo=Y&
coo_all=true` (one row per origin and year) or `coa_all=true` (per asylum country and year):
`{"page", "maxPages", "total", "items": [{"year", "coo_id", "coo_name", "coo", "coo_iso",
"coa_id", "coa_name", "coa", "coa_iso", "refugees", "asylum_seekers", "oip", ...}]}`, where a
count may be a number, a numeric string, or "-" (none reported). The side not asked for is
"-". These people are also part of UN DESA's migrant stock in their host country: never add
the two. UNHCR publishes no edition label in the API; a series' revision is the latest year
its data reaches.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.indicators import ESTIMATE, INDICATOR_COLUMNS, Collected, m49_of_iso3
from etl.paged_api import digest_of, fetch_pages
from etl.sources.unhcr.common import (
    CITATION,
    FIRST_YEAR,
    POPULATIONS,
    PUBLISHED_BY,
    SIDES,
    SOURCE,
    series_code,
)

API_BASE = "https://api.unhcr.org/population/v1/population/"
LIMIT = 1000


def page_url(side: str, page: int, year_to: int) -> str:
    grouping = "coo_all" if side == "origin" else "coa_all"
    return (f"{API_BASE}?limit={LIMIT}&page={page}&yearFrom={FIRST_YEAR}&yearTo={year_to}"
            f"&{grouping}=true")


def page_count(body: object, url: str) -> int:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        detail = body.get("message") or body.get("error") if isinstance(body, dict) else None
        raise UpstreamFormatError(SOURCE, url, f"expected {{maxPages, items}} as documented"
                                               f"{f'; the API says: {detail}' if detail else ''}")
    pages = body.get("maxPages")
    if not isinstance(pages, int) or pages < 1:
        raise UpstreamFormatError(SOURCE, url, f"no data: maxPages={pages!r}")
    return pages


def collect_api(mirror: str | None, cache_dir: Path, policy: FetchPolicy, year_to: int) -> Collected:
    """The API v1 totals per origin and per asylum country (no origin x asylum pairs)."""
    frames, provenance, left_out, saved = [], [], {}, []
    for side in SIDES:
        frame, pages, dropped = _collect_side(side, mirror, cache_dir, policy, year_to)
        files = [page.file for page in pages]
        saved += [(page.mirror_path, page.file.path) for page in pages]
        revision = str(int(frame["year"].max())) if len(frame) else str(year_to)
        frames.append(frame.assign(revision=revision, variant=ESTIMATE))
        provenance.append(_provenance(side, files, revision, len(frame), year_to))
        for code, n in dropped.items():
            left_out[code] = left_out.get(code, 0) + n
    return Collected(pd.concat(frames, ignore_index=True)[INDICATOR_COLUMNS], provenance, left_out, saved)


def _collect_side(side: str, mirror: str | None, cache_dir: Path, policy: FetchPolicy, year_to: int):
    area_field = SIDES[side][0]
    records, read, dropped = [], [], {}
    pages = fetch_pages(SOURCE, lambda p: page_url(side, p, year_to), page_count,
                        name=f"population-{side}", mirror=mirror, cache_dir=cache_dir, policy=policy)
    for page in pages:
        items = page.body["items"]  # type: ignore[index]
        if not items:
            raise UpstreamFormatError(SOURCE, page.file.url, f"page {page.number} is empty")
        read.append(page)
        for position, item in enumerate(items):
            where = f"page {page.number}, item {position + 1}"
            if not isinstance(item, dict):
                raise UpstreamFormatError(SOURCE, page.file.url, f"{where}: expected an object")
            iso3 = str(item.get(area_field) or "-")
            code = m49_of_iso3(iso3)
            if code is None:
                dropped[iso3] = dropped.get(iso3, 0) + 1
                continue
            year = _year(item.get("year"), page.file.url, where)
            for population in POPULATIONS:
                value = count(item.get(population), page.file.url, f"{where} ({iso3}, {population})")
                if value is not None:
                    records.append((series_code(population, side), code, year, value))
    frame = pd.DataFrame(records, columns=["series", "area_code", "year", "value"])
    return frame.assign(unit="persons", source=SOURCE), read, dropped


def count(value: object, url: str, where: str) -> float | None:
    """A head count: a number or numeric string; "-" or null means none reported."""
    if value is None or value == "-" or value == "":
        return None
    if isinstance(value, bool):
        raise UpstreamFormatError(SOURCE, url, f"{where}: {value!r} is not a count")
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except ValueError:
        raise UpstreamFormatError(SOURCE, url, f"{where}: {value!r} is not a count") from None
    if not math.isfinite(number) or number < 0:
        raise UpstreamFormatError(SOURCE, url, f"{where}: {value!r} is not a count")
    return number


def _year(value: object, url: str, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1950 <= value <= 2100:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise UpstreamFormatError(SOURCE, url, f"{where}: year {value!r} is not a year")


def _provenance(side: str, files: list, revision: str, rows: int, year_to: int) -> dict:
    return PUBLISHED_BY.provenance(
        dataset=f"unhcr_population_{side}", revision=int(revision), url=page_url(side, 1, year_to), files=files,
        sha256=digest_of(files), local_name=f"population-{side}", citation=f"{CITATION} Data to end-{revision}.",
        rows=rows,
    )
