"""File mirrors of a publisher's downloads: a local folder, or a URL base a web server lists.

The publishers' bulk downloads (World Bank CSV/Excel/zip, UNHCR's `refugees` dataset, WPP
tables, KNOMAD matrices) arrive under whatever names whoever saved them chose, in subfolders
per vintage. A mirror is therefore read as a tree: a folder is walked; a URL base is read
through the server's directory listing (what `python -m http.server`, nginx `autoindex` and
Apache `mod_autoindex` serve), following sub-folders. Every file comes through etl.fetch, so
it gets the same retries, truncation checks, cache and sha256 as any download. The source
module then identifies each file by its content, never by its name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from etl.completeness import no_identical_copies, not_empty, visible
from etl.errors import FetchError
from etl.fetch import FetchedFile, FetchPolicy, fetch, is_url

MAX_LISTED_FILES = 500  # a listing that grows past this is not a publisher's mirror


@dataclass(frozen=True)
class MirroredFile:
    """One file of a mirror: where it sits in the tree (e.g. `renamed_2023-05-10/x.xls`) and its bytes."""

    relative: str
    file: FetchedFile


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def listing_links(html: str, base: str) -> list[str]:
    """Absolute links of a directory listing that stay below `base` (no parent, no sort links)."""
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        if href.startswith(("?", "#", "mailto:")):
            continue
        absolute = urljoin(base, href)
        if absolute.startswith(base) and absolute != base and "?" not in absolute:
            links.append(absolute)
    return sorted(set(links))


def mirror_files(
    source: str, mirror: str, cache_dir: Path, policy: FetchPolicy, wanted: Callable[[str], bool] = visible
) -> list[MirroredFile]:
    """Every file under `mirror` whose relative path `wanted` accepts, in a stable order. An
    empty file, or the same bytes twice, stops the build here, whatever the source."""
    files = _from_url(source, mirror, cache_dir, policy, wanted) if is_url(mirror) else _from_folder(source, mirror, wanted)
    if not files:
        raise FetchError(source, mirror, "the mirror holds no file this source can read", not_found=True)
    for mirrored in files:
        not_empty(source, mirrored.relative, mirrored.file.size)
    no_identical_copies(source, [(m.relative, m.file.sha256) for m in files])
    return files


def _from_folder(source: str, mirror: str, wanted: Callable[[str], bool]) -> list[MirroredFile]:
    root = Path(mirror)
    if not root.is_dir():
        raise FetchError(source, mirror, "no such mirror directory", not_found=True)
    paths = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [MirroredFile(p.relative_to(root).as_posix(), fetch(source, str(p), Path())) for p in paths
            if wanted(p.relative_to(root).as_posix())]


def _from_url(
    source: str, mirror: str, cache_dir: Path, policy: FetchPolicy, wanted: Callable[[str], bool]
) -> list[MirroredFile]:
    base = mirror if mirror.endswith("/") else mirror + "/"
    folders, found = [base], []
    while folders:
        folder = folders.pop(0)
        listing = fetch(source, folder, cache_dir / source / "listings", policy=policy)
        text = listing.path.read_text(encoding="utf-8", errors="replace")
        for link in listing_links(text, folder):
            relative = unquote(urlsplit(link).path[len(urlsplit(base).path):])
            if link.endswith("/"):
                folders.append(link)
            elif wanted(relative):
                found.append((relative, link))
        if len(found) > MAX_LISTED_FILES:
            raise FetchError(source, mirror, f"the listing names over {MAX_LISTED_FILES} files")
    return [MirroredFile(relative, fetch(source, link, cache_dir / source, policy=policy))
            for relative, link in sorted(found)]
