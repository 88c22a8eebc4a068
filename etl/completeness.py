"""Is an upstream file whole, and is it the file its reader expects? Checks every reader shares.

Why: a refresh that skips a file it does not recognise, or reads a file cut at a line end,
ends with less data than the publisher's files promise, and says nothing. Each check here
turns such a file into an UpstreamFormatError naming the source and the file, so the build
stops and the previous database stays in place. The source modules call these with what
their publisher's format promises (a record count, a last record, a year range); the
comparison with the previous build is etl/loss.py's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from etl.errors import UpstreamFormatError

# In a file mirror every visible file must be read; these are names any mirror may carry
# beside the publisher's files (a provenance note, a checksum list): they are not data.
NOT_DATA = ("PROVENANCE.md", "README.md", "SHA256SUMS")


def visible(relative: str) -> bool:
    """A mirror file to read: not hidden (no part starts with '.'), not a note beside the data."""
    parts = relative.split("/")
    return not any(p.startswith(".") for p in parts) and parts[-1] not in NOT_DATA


def unrecognised(source: str, file: str, reads: str) -> UpstreamFormatError:
    """A file this source's reader does not recognise: an error page, another publisher's file,
    a different download. Skipping it would drop a vintage without a word, so it stops the build."""
    return UpstreamFormatError(source, file, f"not a file this source reads (it reads {reads}): an error page, "
                                             "another publisher's file or a damaged download? Remove it from the "
                                             "mirror or replace it with the publisher's file")


def not_empty(source: str, file: str, size: int) -> None:
    if size == 0:
        raise UpstreamFormatError(source, file, "empty file (0 bytes): the download failed or was cut")


def no_identical_copies(source: str, files: Iterable[tuple[str, str]]) -> None:
    """(name, sha256) pairs: the same bytes twice in one mirror stop the build, naming both files.

    One rule for every source: a copy is an operator's slip (the same download saved twice),
    and keeping one silently would hide that the mirror holds something else than intended."""
    seen: dict[str, str] = {}
    for name, sha256 in files:
        if sha256 in seen:
            raise UpstreamFormatError(source, f"{seen[sha256]} and {name}",
                                      f"the same file twice (identical bytes, sha256 {sha256[:12]}…): "
                                      f"{seen[sha256]} and {name}; keep one of them in the mirror")
        seen[sha256] = name


def ends_with_newline(source: str, file: str, data: bytes) -> None:
    """A text table whose publisher ends every line, the last included, with a line break: a
    file that does not was cut in the middle of its last line."""
    if data and not data.endswith(b"\n"):
        tail = data.rsplit(b"\n", 1)[-1].decode("utf-8", errors="replace")
        raise UpstreamFormatError(source, file, "the file ends in the middle of a line: truncated",
                                  row=data.count(b"\n") + 1, value=tail[-40:])


def missing_expected(source: str, file: str, what: str, expected: Iterable[object], found: Iterable[object],
                     *, promised_by: str) -> None:
    """Every item the publisher promises (`expected`) must be in the file (`found`)."""
    missing = sorted(set(expected) - set(found), key=str)
    if missing:
        shown = ", ".join(map(str, missing[:12])) + (f" and {len(missing) - 12} more" if len(missing) > 12 else "")
        raise UpstreamFormatError(source, file, f"incomplete file: {len(missing)} {what} missing ({shown}), though "
                                                f"{promised_by}; the file was cut or is not the full download")


def contiguous_years(source: str, file: str, years: Sequence[int] | pd.Series, *, through: int | None = None) -> None:
    """Every year between the first and the last, and up to `through` where the publisher's
    release promises it: a file cut at a line end loses its last years."""
    present = sorted({int(y) for y in years})
    if not present:
        raise UpstreamFormatError(source, file, "no year in the file")
    last = max(present[-1], through or present[-1])
    gaps = sorted(set(range(present[0], last + 1)) - set(present))
    if gaps:
        raise UpstreamFormatError(source, file, f"incomplete file: no rows for year(s) {gaps[:10]} between "
                                                f"{present[0]} and {last}; the file was cut or is not the full download")


def last_year_not_cut(source: str, file: str, frame: pd.DataFrame, *, year: str, member: str,
                      member_label: str, at_least: int = 3) -> None:
    """In a table listed year by year, the last year's block is where a cut at a line end
    shows: a `member` (e.g. an asylum country) with `at_least` rows the year before and none
    in the last year means the block stops early (publishers drop a member between years only
    when it had one or two rows, as UNHCR's downloads show)."""
    years = sorted(frame[year].dropna().unique())
    if len(years) < 2:
        return
    last, before = years[-1], years[-2]
    counts = frame.loc[frame[year] == before, member].value_counts()
    expected = set(counts[counts >= at_least].index)
    missing_expected(source, file, f"{member_label} in {int(last)}", expected, frame.loc[frame[year] == last, member],
                     promised_by=f"each has {at_least} or more rows in {int(before)}")
