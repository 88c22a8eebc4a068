"""A refresh never silently loses data: the bad-upstream corpus for every reader.

For each of the eight readers, six broken mirrors built from the publisher's real files: an empty
file, an HTML error page, another publisher's file under this one's name, a file cut in the middle
of a line, a file cut at a line end, and an identical duplicate. Each goes through `migdash etl`
onto a copy of the session database (standing for the one being served): the command must exit 2
with an error naming the source, the file and what is wrong, and leave the database byte for byte
as it was. Only the broken source gets a mirror (the others keep their rows), so a case costs
that one source's read, not a whole build.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from migdash import cli

HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n<body>Try again later</body></html>\n"


@dataclass(frozen=True)
class Reader:
    """A source's folder in ../shared, its main file, the files its mirror holds for the cases, and
    another publisher's file that could land under the main file's name."""

    source: str
    main: str
    files: tuple[str, ...] | None  # None: the whole folder
    other_publisher: str  # path under the upstream root
    second_name: str  # where the identical copy goes
    text: bool  # a text format (a cut at a line end leaves well-formed lines)


READERS = {
    "undesa_ims": Reader("undesa_ims", "undesa_pd_2024_ims_stock_by_sex_and_destination.xlsx", None, "knomad/Mig2013.xlsx", "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx", False),
    "worldbank": Reader("worldbank", "API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv", None, "oecd/international migration database.csv", "copy/remittances.csv", True),
    # UNHCR: the Data Finder download (its text format); the R package's .rda files take seconds each
    "unhcr": Reader("unhcr", "refugee_data_finder_2021-03-07/population.csv",
                    ("refugee_data_finder_2021-03-07/population.csv", "refugee_data_finder_2021-03-07/footnotes.csv"),
                    "worldbank/API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv", "copy/population.csv", True),
    "wpp": Reader("wpp", "wpp2024/migration.txt", None,
                  "worldbank/Metadata_Indicator_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv", "copy/migration.txt",
                  True),
    "knomad": Reader("knomad", "bilateral_migration_matrix_2021_latest.xlsx", None, "idmc/IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx", "copy/matrix.xlsx", False),
    "oecd": Reader("oecd", "international migration database.csv", None, "worldbank/API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv", "copy/flows.csv", True),
    "iom_missing_migrants": Reader("iom_missing_migrants", "MissingMigrants-Global-2026-05-06--19_42_11.csv", None,
                                   "oecd/international migration database.csv", "copy/incidents.csv", True),
    "idmc": Reader("idmc", "IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx",
                   ("IDMC_Internal_Displacement_Conflict-Violence_Disasters.xlsx",), "knomad/Mig2013.xlsx", "copy/export.xlsx", False),
}


def cut_mid_line(data: bytes) -> bytes:
    """Cut halfway through the line at 60 % of the file (binary files: a byte in their middle)."""
    end = data.index(b"\n", len(data) * 6 // 10)
    start = data.rindex(b"\n", 0, end) + 1
    return data[:(start + end) // 2]


def cut_line_end(data: bytes) -> bytes:
    """Cut right after a line break near the end: every remaining line is whole."""
    body = data.rstrip(b"\r\n")
    at = body.rindex(b"\n", 0, len(body) * 9 // 10) + 1
    return data[:at]


Mutation = Callable[[Path, Reader, Path], None]  # (mirror folder, reader, upstream root)


def empty(folder: Path, reader: Reader, root: Path) -> None:
    (folder / reader.main).write_bytes(b"")


def html_page(folder: Path, reader: Reader, root: Path) -> None:
    (folder / reader.main).write_bytes(HTML_PAGE)


def other_publisher(folder: Path, reader: Reader, root: Path) -> None:
    shutil.copyfile(root / reader.other_publisher, folder / reader.main)


def mid_line(folder: Path, reader: Reader, root: Path) -> None:
    path = folder / reader.main
    path.write_bytes(cut_mid_line(path.read_bytes()))


def line_end(folder: Path, reader: Reader, root: Path) -> None:
    path = folder / reader.main
    path.write_bytes(cut_line_end(path.read_bytes()))


def duplicate(folder: Path, reader: Reader, root: Path) -> None:
    target = folder / reader.second_name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / reader.main, target)


CASES: dict[str, Mutation] = {"empty file": empty, "HTML error page": html_page,
                              "another publisher's file": other_publisher, "cut in mid-line": mid_line,
                              "cut at a line end": line_end, "identical duplicate": duplicate}
# What the error must say (besides the source and the file), per case; a reader may word a
# recognition failure its own way ("not a valid .xlsx file", "not an SDMX-CSV file"...).
EXPECT = {
    "empty file": r"empty file \(0 bytes\)",
    "HTML error page": r"not a file this source reads|not a valid \.xlsx|not an SDMX-CSV|neither the xlsx|"
                       r"column 'country_code' not found",
    "another publisher's file": r"not a file this source reads|no sheet has a title|not an SDMX-CSV|neither the xlsx|"
                                r"column 'country_code' not found|no README sheet",
    "cut in mid-line": r"in the middle of a line|truncated|not a valid \.xlsx|a cut|cut-off|not a readable",
    "cut at a line end": r"incomplete file|shrinks from|not a valid \.xlsx|not a readable",
    "identical duplicate": r"the same file twice",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def served(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A copy of the session database and its checksum: the database a dashboard is serving."""
    path = tmp_path_factory.mktemp("served") / "migdash.duckdb"
    shutil.copyfile(built_db, path)
    return path, sha256(path)


def mirror_of(reader: Reader, root: Path, folder: Path) -> Path:
    if reader.files is None:
        return Path(shutil.copytree(root / reader.source, folder))
    for relative in reader.files:
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / reader.source / relative, target)
    return folder


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", list(READERS))
def test_a_broken_file_fails_the_build_and_leaves_the_database_as_it_was(name, case, served, upstream_root, tmp_path,
                                                                         capsys):
    reader = READERS[name]
    mirror = mirror_of(reader, upstream_root, tmp_path / name)
    CASES[case](mirror, reader, upstream_root)
    db, before = served
    undesa = str(mirror if name == "undesa_ims" else upstream_root / "undesa_ims")
    args = ["etl", "--db", str(db), "--cache", str(tmp_path / "cache"), "--quiet", "--mirror", f"undesa_ims={undesa}"]
    if name != "undesa_ims":
        args += ["--mirror", f"{name}={mirror}"]
    code = cli.main(args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"[{name}]" in err and re.search(EXPECT[case], err), err
    named = reader.main.rsplit("/", 1)[-1]
    assert named in err or (case == "identical duplicate" and reader.second_name.rsplit("/", 1)[-1] in err), err
    assert "Traceback" not in err
    assert sha256(db) == before, "the served database changed"
    assert not list(db.parent.glob("*.building*"))


def test_the_cuts_are_what_they_say():
    """The corpus' own cuts: mid-line leaves a partial last line, line-end leaves only whole ones."""
    data = b"a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,14\n15,16\n17,18\n19,20\n"
    assert not cut_mid_line(data).endswith(b"\n")
    cut = cut_line_end(data)
    assert cut.endswith(b"\n") and len(cut) < len(data) and data.startswith(cut)
