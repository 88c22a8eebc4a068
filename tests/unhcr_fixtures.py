"""Small Refugee Data Finder downloads in the publisher's layout, for the UNHCR error paths.

SYNTHETIC: every number written here is a made-up test fixture, never data."""

from __future__ import annotations

from pathlib import Path

PREAMBLE = [
    'Extracted:,"United Nations High Commissioner for Refugees"',
    '"Date extracted:","07/03/2021 10:56"',
    '"Last updated:","07/03/2021 10:56"',
    "",
    '"Data table contains the following:","Population figures"',
    '"Usage licence",https://creativecommons.org/licenses/by/4.0/',
    "Years:",
    "Origin:",
    '"Country of asylum::"',
]
HEADER = ('Year,"Country of origin","Country of origin (ISO)","Country of asylum","Country of asylum (ISO)",'
          '"Refugees under UNHCR\u2019s mandate",Asylum-seekers,"IDPs of concern to UNHCR",'
          '"Venezuelans displaced abroad","Stateless persons","Others of concern"')
ROWS = [  # SYNTHETIC counts
    '2019,"Venezuela (Bolivarian Republic of)",VEN,Colombia,COL,100,20,0,3000,0,0',
    '2020,"Venezuela (Bolivarian Republic of)",VEN,Colombia,COL,110,-,0,3100,0,0',
    '2020,"Unknown ",,Colombia,COL,7,0,0,,0,0',
    "2020,Colombia,COL,Colombia,COL,0,0,500,,0,0",
    '2020,Haiti,HTI,"United States of America",USA,40,60,0,,0,0',
]
HEADER_LINE = len(PREAMBLE) + 1  # 1-based line of the header row


def rdf_lines(rows: list[str] | None = None, *, preamble: bool = True, header: str = HEADER) -> list[str]:
    return [*(PREAMBLE if preamble else []), header, *(ROWS if rows is None else rows)]


def write_rdf(folder: Path, lines: list[str], name: str = "population.csv") -> Path:
    """A download in its own folder: a one-file mirror."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path
