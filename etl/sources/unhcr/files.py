"""A mirror of UNHCR's files: the data folder of the `refugees` R package as published (its
six datasets, any release, in any sub-folder) and Refugee Data Finder downloads.

Files are identified by their content, never their name: an R data file by the R object it
holds (rfile.DATASETS; any other object is an error naming the file), a Data Finder CSV by its
preamble; other files (the download's footnotes.csv) are not data and are left alone. The
same bytes twice are read once; two different files claiming one dataset's release stop the
build. Each file gets its own provenance row, its release being the package version.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import etl.sources.unhcr.checks as checks
import etl.sources.unhcr.package as package
import etl.sources.unhcr.population as population
from etl.errors import FetchError, UpstreamFormatError
from etl.fetch import FetchPolicy
from etl.indicators import Collected
from etl.mirror import MirroredFile, mirror_files
from etl.sources.unhcr.common import PUBLISHED_BY, SOURCE
from etl.sources.unhcr.rfile import PACKAGE_CITATION, PACKAGE_URL, read_r_file, release_label

_RDA_MAGIC = (b"BZh", b"\x1f\x8b", b"\xfd7zXZ\x00", b"RDX2\n", b"RDX3\n")  # bzip2, gzip, xz, plain
_COMPRESSED_OPENERS = {b"BZh": bz2.open, b"\x1f\x8b": gzip.open, b"\xfd7zXZ\x00": lzma.open}


@dataclass(frozen=True)
class Read:
    """One file read: its dataset (R object name, or `population` for a Data Finder CSV), the
    release it belongs to and its rows for the dataset's table."""

    dataset: str
    vintage: str
    revision: int
    rows: pd.DataFrame
    kind: str  # "rda" or "rdf"


def file_kind(path: Path) -> str | None:
    """'rda' (an R data file, compressed or not), 'rdf' (a Refugee Data Finder CSV) or None
    (e.g. the download's footnotes.csv), from the first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith(_RDA_MAGIC[3:]):
        return "rda"
    opener = next((o for magic, o in _COMPRESSED_OPENERS.items() if head.startswith(magic)), None)
    if opener is not None:
        try:
            with opener(path) as stream:
                start = stream.read(5)
        except (OSError, EOFError, ValueError, lzma.LZMAError):
            return "rda"  # a corrupt stream: read_r_file says what is wrong with it
        return "rda" if start in (b"", *_RDA_MAGIC[3:]) else None
    lines = head.decode("utf-8", errors="replace").lstrip("\ufeff").splitlines()
    if lines and (lines[0].startswith("Extracted:") or any(line.startswith("Year,") for line in lines[:40])):
        return "rdf"
    return None


def collect_files(mirror: str, cache_dir: Path, policy: FetchPolicy) -> Collected:
    """Every UNHCR file in a mirror folder or URL, each dataset and release into its table."""
    found = mirror_files(SOURCE, mirror, cache_dir, policy, lambda relative: True)
    tables: dict[str, list[pd.DataFrame]] = {"displacement": [], **{t: [] for t in package.TABLES.values()}}
    provenance, files, releases = [], [], {}
    for mirrored in found:  # identical copies were already refused by mirror_files, naming both
        kind = file_kind(mirrored.file.path)
        if kind is None:
            checks.only_footnotes_unread(mirrored)  # any other unrecognised file stops the build
            continue
        read = read_file(mirrored, kind)
        claimed = releases.setdefault((read.dataset, read.vintage), mirrored.relative)
        if claimed != mirrored.relative:
            raise UpstreamFormatError(SOURCE, mirrored.file.url, f"dataset {read.dataset}, vintage {read.vintage} is "
                                                                 f"also the vintage of {claimed}, with different bytes")
        tables["displacement" if read.dataset == "population" else package.TABLES[read.dataset]].append(read.rows)
        provenance.append(file_provenance(read, mirrored))
        files.append((mirrored.relative, mirrored.file.path))
    if not files:
        raise FetchError(SOURCE, mirror, "the mirror holds no UNHCR data file (.rda of the refugees package or "
                                         "Refugee Data Finder CSV)", not_found=True)
    joined = {name: pd.concat(parts, ignore_index=True) for name, parts in tables.items() if parts}
    displacement = joined.get("displacement", pd.DataFrame(columns=population.DISPLACEMENT_COLUMNS))
    indicator = population.indicator_rows(displacement)
    return Collected(indicator, provenance, {}, files, joined)


def read_file(mirrored: MirroredFile, kind: str) -> Read:
    """One file read and labelled: a package dataset by its object name and release (by
    checksum), a Data Finder download by its extraction date."""
    name, path = mirrored.file.url, mirrored.file.path
    if kind == "rdf":
        release = population.rdf_release(path, name)
        checks.check_release(release, mirrored)
        return Read("population", release.vintage, release.revision, population.displacement_rows(release, name), kind)
    dataset, table = read_r_file(path, name)
    if dataset == "population":
        release = population.rda_release(table, name, mirrored.file.sha256)
        checks.check_release(release, mirrored)
        return Read(dataset, release.vintage, release.revision, population.displacement_rows(release, name), kind)
    vintage = release_label(mirrored.file.sha256, package.max_year(table, name))
    checks.every_year_of_release(name, table["year"], vintage)
    revision = int(vintage[:4])
    return Read(dataset, vintage, revision, package.read_dataset(dataset, table, name, revision, vintage), kind)


def provenance_key(dataset: str, vintage: str, kind: str = "rda") -> str:
    """The `provenance.dataset` of a file: `unhcr_refugees_<vintage>` for the package's
    population (as before the other datasets were read), `unhcr_refugees_<dataset>_<vintage>`
    for the others (sorted after it, so a lookup by vintage finds population first), and
    `unhcr_rdf_<vintage>` for a Data Finder download."""
    if kind == "rdf":
        return f"unhcr_rdf_{vintage}"
    return f"unhcr_refugees_{vintage}" if dataset == "population" else f"unhcr_refugees_{dataset}_{vintage}"


def file_provenance(read: Read, mirrored: MirroredFile) -> dict:
    rda = read.kind == "rda"
    url = f"{PACKAGE_URL} (data/{read.dataset}.rda)" if rda else population.RDF_URL
    citation = (PACKAGE_CITATION.format(vintage=read.vintage, dataset=read.dataset) if rda
                else population.RDF_CITATION.format(vintage=read.vintage))
    return PUBLISHED_BY.provenance(
        dataset=provenance_key(read.dataset, read.vintage, read.kind), revision=read.revision, url=url,
        files=[mirrored.file], sha256=mirrored.file.sha256, local_name=mirrored.relative, citation=citation,
        rows=len(read.rows), vintage=read.vintage,
    )
