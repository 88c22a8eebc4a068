"""The World Bank Indicators API v2, JSON, live or from a mirror of its pages
(`<code>/page-<n>.json`): one series at a time, its revision the `lastupdated` date."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from etl.errors import UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.indicators import ESTIMATE, INDICATOR_COLUMNS, Collected, SeriesInfo, m49_of_iso3
from etl.paged_api import digest_of, fetch_pages
from etl.sources.worldbank.common import (
    AGGREGATES,
    API_BASE,
    PER_PAGE,
    PUBLISHED_BY,
    SERIES,
    SOURCE,
)


def page_url(code: str, page: int) -> str:
    return f"{API_BASE}/country/all/indicator/{code}?format=json&per_page={PER_PAGE}&page={page}"


def page_count(body: object, url: str) -> int:
    """Pages announced by a page's header; the API's error payload becomes a clear error."""
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        messages = body[0]["message"] or [{}]
        text = "; ".join(f"{m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}" for m in messages)
        raise UpstreamFormatError(SOURCE, url, f"API error: {text}")
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise UpstreamFormatError(SOURCE, url, "expected [header, rows] as documented for API v2")
    pages = body[0].get("pages")
    if not isinstance(pages, int) or pages < 1:
        raise UpstreamFormatError(SOURCE, url, f"no data: the header announces pages={pages!r}, "
                                               f"total={body[0].get('total')!r}")
    return pages


def collect_api(mirror: str | None, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """From the API (or a mirror of its pages): every series, every page; rows for known areas
    only, with a count of the others."""
    frames, provenance, left_out, saved = [], [], {}, []
    for series in SERIES:
        frame, row, dropped, pages = _collect_series(series, mirror, cache_dir, policy)
        frames.append(frame)
        provenance.append(row)
        saved += pages
        for code, n in dropped.items():
            left_out[code] = left_out.get(code, 0) + n
    return Collected(pd.concat(frames, ignore_index=True), provenance, left_out, saved)


def _collect_series(
    series: SeriesInfo, mirror: str | None, cache_dir: Path, policy: FetchPolicy
) -> tuple[pd.DataFrame, dict, dict[str, int], list[tuple[str, Path]]]:
    records, files, dropped, saved = [], [], {}, []
    revision = total = None
    nulls = 0
    pages = fetch_pages(SOURCE, lambda p: page_url(series.code, p), page_count,
                        name=series.code, mirror=mirror, cache_dir=cache_dir, policy=policy)
    for page in pages:
        header, rows = page.body[0], page.body[1]  # type: ignore[index]
        if rows is None or not isinstance(rows, list) or not rows:
            raise UpstreamFormatError(SOURCE, page.file.url, f"page {page.number} of {header.get('pages')} is empty")
        revision = revision or header.get("lastupdated")
        total = header.get("total")
        files.append(page.file)
        saved.append((page.mirror_path, page.file.path))
        for position, row in enumerate(rows):
            parsed = parse_row(row, series, page.file.url, page.number, position)
            if parsed is None:
                nulls += 1
            elif isinstance(parsed, str):
                dropped[parsed] = dropped.get(parsed, 0) + 1
            else:
                records.append(parsed)
    received = len(records) + sum(dropped.values()) + nulls
    if isinstance(total, int) and received != total:
        raise UpstreamFormatError(SOURCE, files[-1].url, f"the header announces {total} rows, the pages hold {received}")
    if not revision:
        raise UpstreamFormatError(SOURCE, files[0].url, "no 'lastupdated' in the header: the revision is unknown")
    frame = pd.DataFrame(records, columns=["area_code", "year", "value"])
    frame = frame.assign(series=series.code, unit=series.unit, source=SOURCE, revision=str(revision), variant=ESTIMATE)
    return frame[INDICATOR_COLUMNS], _provenance(series, files, str(revision), len(frame)), dropped, saved


def parse_row(row: object, series: SeriesInfo, url: str, page: int, position: int) -> dict | str | None:
    """One observation; None for a null value, the publisher's code for an area left out."""
    where = f"page {page}, row {position + 1}"
    if not isinstance(row, dict):
        raise UpstreamFormatError(SOURCE, url, f"{where}: expected an object, got {row!r:.80}")
    indicator = (row.get("indicator") or {}).get("id")
    if indicator != series.code:
        raise UpstreamFormatError(SOURCE, url, f"{where}: indicator {indicator!r}, expected {series.code}")
    iso3 = str(row.get("countryiso3code") or "")
    value = row.get("value")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UpstreamFormatError(SOURCE, url, f"{where} ({iso3}): value {value!r} is not a finite number")
    year = str(row.get("date", ""))
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        raise UpstreamFormatError(SOURCE, url, f"{where} ({iso3}): date {year!r} is not a year")
    code = AGGREGATES.get(iso3) or m49_of_iso3(iso3)
    if code is None:
        return iso3 or str((row.get("country") or {}).get("id"))
    return {"area_code": code, "year": int(year), "value": float(value)}


def _provenance(series: SeriesInfo, files: list, revision: str, rows: int) -> dict:
    return PUBLISHED_BY.provenance(
        dataset=f"worldbank_{series.code}", revision=int(revision[:4]), url=page_url(series.code, 1), files=files,
        sha256=digest_of(files), local_name=series.code, citation=f"{series.citation} Last updated {revision}.",
        rows=rows, vintage=revision,
    )
