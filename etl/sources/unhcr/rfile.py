"""R data files of UNHCR's `refugees` package: reading them, and naming their release.

Each .rda file of the package's data folder holds one data frame, named after its dataset
(`population`, `asylum_applications`, ...): an R data file, bzip2/gzip/xz-compressed
"RDX2"/"RDX3" XDR serialization. They are read with pyreadr (R's own librdata in a wheel: no R
install, about a second per file, where the pure-Python `rdata` takes 15-30 s; the tests check
our rows against an independent minimal reader of their own).

The files carry no release label, so releases are recognised by their sha256 (`RELEASES`, from
the upstream PROVENANCE.md). An unknown file is labelled "<max year>.unlabelled.<sha256[:8]>":
it starts with its year (the build reads the revision year from the label's first four
characters), stays unique per file, and never pretends to be a named release.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr

from etl.errors import UpstreamFormatError
from etl.sources.unhcr.common import SOURCE

PACKAGE_URL = "https://github.com/PopulationStatistics/refugees"
PACKAGE_CITATION = ("UNHCR, refugees: UNHCR Refugee Population Statistics Database, R package {vintage}, "
                    "dataset `{dataset}`. " + PACKAGE_URL)
# The data frames of the package's data folder, one per .rda file, by R object name.
DATASETS = ("population", "asylum_applications", "asylum_decisions", "flows", "demographics", "solutions")
RELEASES = {  # sha256 of a data file -> release of the `refugees` package (upstream PROVENANCE.md)
    "66eb6872a5f34c82705be97759051703bc0f404e3ecadc9c72a5f61424a22cf8": "2025.12.1",  # population
    "6f99ad656fa12088b024cb3b228c751ac6a0ec0e8d0ebd05099c3eceee369099": "2025.12.1",  # asylum_applications
    "9821a113e3bc93cac67d416077cdd33c81365e42bacee977115a4126830e6d03": "2025.12.1",  # asylum_decisions
    "d333f00d52f916341e5e9ce69d632906a40b207f35325c7ed7f4b39a87748aa8": "2025.12.1",  # flows
    "e1612385cf7286e2048dd3044cc8254305db2edb987462479806caefcd5b870b": "2025.12.1",  # demographics
    "562a239f0a65ccffaae95a851cbe137242779b9fcacb81f94c7be2a604f206b3": "2025.12.1",  # solutions
    "261acf0b3efb5e87fddfe794ec1b5d42fe7bc7217d80990bd7ae0bce31524e52": "2024.12.0",  # population
}


def read_r_file(path: Path, name: str) -> tuple[str, pd.DataFrame]:
    """(R object name, data frame) of a file of the package; a file holding anything but one
    data frame named after one of the package's datasets is an error naming the file."""
    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:  # librdata reports truncation and corruption as generic errors
        raise UpstreamFormatError(SOURCE, name, f"not a readable R data file ({type(exc).__name__}: {exc}); "
                                                "truncated or corrupt download?") from None
    known = [dataset for dataset in frames if dataset in DATASETS]
    if len(frames) != 1 or len(known) != 1:
        raise UpstreamFormatError(SOURCE, name, f"an R data file holding {list(frames)}: expected one data frame "
                                                f"named after a dataset of UNHCR's refugees package {list(DATASETS)}")
    return known[0], frames[known[0]]


def release_label(sha256: str, max_year: int) -> str:
    """The package release a file belongs to, or a label that says it is not a known one."""
    return RELEASES.get(sha256, f"{max_year}.unlabelled.{sha256[:8]}")


def numbers(table: pd.DataFrame, column: str, name: str) -> np.ndarray:
    """A numeric column as float64 with NaN for R's NA; anything else names its column."""
    try:
        return pd.to_numeric(table[column], errors="raise").astype("float64").to_numpy()
    except (TypeError, ValueError):
        raise UpstreamFormatError(SOURCE, name, f"column {column} is not numeric",
                                  column=list(table.columns).index(column)) from None
