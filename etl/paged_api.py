"""Paged JSON APIs (World Bank, UNHCR): every page through etl.fetch, so each one gets the
same User-Agent, timeouts, retries with backoff, truncation checks and cache as a workbook.

A mirror of an API is either an http(s) URL base that replaces the publisher's (same path and
query string, e.g. a local server in tests) or a directory holding one file per page,
`<name>/page-<n>.json`, with the bytes the API returned.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from etl.errors import UpstreamFormatError
from etl.fetch import FetchedFile, FetchPolicy, fetch, is_url


@dataclass(frozen=True)
class Page:
    """One page of an API answer: its parsed JSON and the file it was read from."""

    number: int
    body: object
    file: FetchedFile
    name: str

    @property
    def mirror_path(self) -> str:
        """Where this page goes in a directory mirror (see page_location)."""
        return f"{self.name}/page-{self.number}.json"


def page_location(publisher_url: str, mirror: str | None, name: str, page: int) -> str:
    """Where page `page` of the query `name` comes from: the publisher, a URL mirror or a directory."""
    if not mirror:
        return publisher_url
    if is_url(mirror):
        parts = urlsplit(publisher_url)
        return mirror.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")
    return str(Path(mirror) / name / f"page-{page}.json")


def read_json(source: str, file: FetchedFile) -> object:
    """The page's JSON, or an error naming the URL (an HTML error page, a cut-off body...)."""
    try:
        return json.loads(file.path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UpstreamFormatError(source, file.url, f"not valid JSON: {exc}") from None


def fetch_pages(
    source: str,
    url_of_page: Callable[[int], str],
    page_count: Callable[[object, str], int],
    *,
    name: str,
    mirror: str | None,
    cache_dir: Path,
    policy: FetchPolicy,
) -> Iterator[Page]:
    """Page 1, then as many as page 1 announces (`page_count` reads and checks the body)."""
    number, pages = 1, 1
    while number <= pages:
        location = page_location(url_of_page(number), mirror, name, number)
        file = fetch(source, location, cache_dir / source, policy=policy)
        body = read_json(source, file)
        announced = page_count(body, file.url)
        if number == 1:
            pages = announced
        elif announced != pages:
            raise UpstreamFormatError(
                source, file.url, f"page {number} announces {announced} pages, page 1 announced {pages}"
            )
        yield Page(number, body, file, name)
        number += 1


def digest_of(files: list[FetchedFile]) -> str:
    """One sha256 for a multi-page answer: of the pages' sha256s, in page order."""
    return hashlib.sha256("\n".join(f.sha256 for f in files).encode()).hexdigest()
