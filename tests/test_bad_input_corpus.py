"""A corpus of broken upstream inputs, generated here, run through `migdash etl --mirror DIR --db PATH`.

Each broken case must end with exit status 2 and an error naming the source and where the
problem is (file, sheet, row, column, value, or URL), while the database being served stays
byte-for-byte the same and keeps answering. Workbook cases start from the publisher's real 2024
file (read with calamine, one thing changed, written back with a minimal xlsx writer); control
cases prove the writer itself changes nothing. HTTP cases come from a local fault server.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pytest
import python_calamine

from dashboard.app import create_app
from etl.errors import column_letter
from etl.fetch import FetchPolicy
from etl.sources import undesa_ims
from etl.workbook import open_workbook
from migdash import cli

TARGET = next(d for d in undesa_ims.DATASETS if d.key == "destination_2024")
REQUIRED = [d for d in undesa_ims.DATASETS if d.required]
Rows = list[list[object]]
Book = dict[str, Rows]

# ---- a minimal xlsx writer (inline strings), faithful enough for the parser ----

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _cell(ref: str, value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _sheet_xml(rows: Rows) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def write_xlsx(path: Path, book: Book) -> Path:
    """Every sheet's rows from A1, strings inline; no styles (the parser reads values only)."""
    names = list(book)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>' for i in range(1, len(names) + 1))
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(sheets=overrides))
        archive.writestr("_rels/.rels", ROOT_RELS)
        sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1))
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_TYPE}" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
        archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        for i, name in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(book[name]))
    return path


def read_book(path: Path) -> Book:
    """Every sheet at its absolute position (row 0 = Excel row 1)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


# ---- where things are in the real 2024 stock table (found by label, like a person would) ----

STOCK_SHEET = "Table 1"


@dataclass(frozen=True)
class Where:
    """0-based positions in the real Table 1: header row, code column, a row per code, and the
    column of each (year) in the 'both sexes' block."""

    header: int
    code_col: int
    rows: dict[int, int]
    years: dict[int, int]
    year_cols: dict[int, list[int]]  # every block (both sexes, males, females)

    def excel(self, row: int, col: int) -> str:
        return f"row {row + 1}, column {column_letter(col)}"


def locate(rows: Rows) -> Where:
    header = next(r for r, row in enumerate(rows) if "Location code" in row)
    code_col = rows[header].index("Location code")
    codes = {int(row[code_col]): r for r, row in enumerate(rows[header + 1:], start=header + 1)
             if isinstance(row[code_col], float)}
    year_cols: dict[int, list[int]] = {}
    for c, cell in enumerate(rows[header]):
        if isinstance(cell, float):
            year_cols.setdefault(int(cell), []).append(c)
    return Where(header, code_col, codes, {y: cols[0] for y, cols in year_cols.items()}, year_cols)


# ---- the corpus ----

Mutation = Callable[[Book, Where], None]


def text_in_number(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.rows[915]][at.years[2000]] = "abc"


def negative_number(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.rows[388]][at.years[2000]] = -5.0


def boolean_in_number(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.rows[915]][at.years[2000]] = True


def dots_for_world(book: Book, at: Where) -> None:
    """The publisher's '..' (not available) in every cell of the World row: no World at all."""
    row = book[STOCK_SHEET][at.rows[900]]
    for c in range(at.code_col + 1, len(row)):
        row[c] = ".."


def renamed_code_column(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.header][at.code_col] = "Loc. code"


def header_pushed_down(book: Book, at: Where) -> None:
    """60 blank rows above the table: the header is beyond where any layout ever put it."""
    rows = book[STOCK_SHEET]
    rows[at.header - 3:at.header - 3] = [[] for _ in range(60)]


def header_shifted(book: Book, at: Where) -> None:
    rows = book[STOCK_SHEET]
    rows[at.header - 3:at.header - 3] = [[] for _ in range(2)]


def stock_sheet_missing(book: Book, at: Where) -> None:
    del book[STOCK_SHEET]


def renamed(book: Book, names: dict[str, str]) -> None:
    """Sheets renamed in place: the workbook keeps its sheet order."""
    items = [(names.get(name, name), rows) for name, rows in book.items()]
    book.clear()
    book.update(items)


def sheets_renamed(book: Book, at: Where) -> None:
    renamed(book, {n: f"Sheet {n.split()[-1]}" for n in book if re.fullmatch(r"Table \d+", n)})


def contents_sheet_renamed(book: Book, at: Where) -> None:
    renamed(book, {"Table of contents": "Index"})


def title_changed(book: Book, at: Where) -> None:
    """Every sheet's title reworded: no sheet says it holds the migrant stock any more."""
    for rows in book.values():
        for row in rows[:12]:
            for c, cell in enumerate(row):
                if isinstance(cell, str) and "migrant stock at mid-year by sex" in cell.lower():
                    row[c] = "Table 1: Some other statistic"


def duplicate_code(book: Book, at: Where) -> None:
    """Jamaica's row carries Haiti's code: one code, two different rows of values."""
    book[STOCK_SHEET][at.rows[388]][at.code_col] = 332.0


def identical_duplicate_row(book: Book, at: Where) -> None:
    rows = book[STOCK_SHEET]
    rows.insert(at.rows[332] + 1, list(rows[at.rows[332]]))


def region_row_missing(book: Book, at: Where) -> None:
    """The Caribbean's row blanked in every table (they share the publisher's row layout)."""
    index = book[STOCK_SHEET][at.rows[915]][0]
    for name, rows in book.items():
        for r, row in enumerate(rows):
            if name.startswith("Table") and row and row[0] == index:
                rows[r] = [""] * len(row)


def unknown_aggregate_code(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.rows[388]][at.code_col] = 9999.0


def unknown_country_code(book: Book, at: Where) -> None:
    """899 is no M49 country: Jamaica's row would become a new, made-up country."""
    book[STOCK_SHEET][at.rows[388]][at.code_col] = 899.0


def code_not_a_number(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.rows[388]][at.code_col] = "JAM"


def parts_do_not_add_up(book: Book, at: Where) -> None:
    """Mexico's 2024 figures (both sexes, males, females) times ten: Central America no longer
    adds up, while male + female = total still holds."""
    row = book[STOCK_SHEET][at.rows[484]]
    for c in at.year_cols[2024]:
        row[c] = row[c] * 10


def female_block_missing(book: Book, at: Where) -> None:
    rows = book[STOCK_SHEET]
    for r in range(at.header):
        rows[r] = ["" if isinstance(c, str) and "female" in c.lower() else c for c in rows[r]]


def years_missing(book: Book, at: Where) -> None:
    rows = book[STOCK_SHEET]
    rows[at.header] = [("Year" if isinstance(c, float) else c) for c in rows[at.header]]


def dots_in_one_cell(book: Book, at: Where) -> None:
    book[STOCK_SHEET][at.rows[388]][at.years[2000]] = ".."


def unchanged(book: Book, at: Where) -> None:
    pass


@dataclass(frozen=True)
class Broken:
    """A workbook change that must stop the build with an error matching `expect` (regexes)."""

    mutate: Mutation
    expect: tuple[str, ...]
    gap: str | None = None  # a known shortcoming, reported: the case xfails while it lasts


def _spot(at: Where, code: int, year: int | None = None) -> str:
    """'row R, column C' as a spreadsheet shows it: the area's row, the year's (or the code's) column."""
    return re.escape(at.excel(at.rows[code], at.code_col if year is None else at.years[year]))


FILE = re.escape(TARGET.filename)
WORKBOOK_CASES: dict[str, Callable[[Where], Broken]] = {
    "text in a numeric cell": lambda at: Broken(text_in_number, (
        r"\[undesa_ims\] non-numeric value in a numeric column", FILE, "sheet 'Table 1'", _spot(at, 915, 2000), "value 'abc'")),
    "boolean in a numeric cell": lambda at: Broken(boolean_in_number, (
        "boolean in a numeric column", FILE, "sheet 'Table 1'", _spot(at, 915, 2000))),
    "negative count": lambda at: Broken(negative_number, (
        "validation of table 'stock' failed", "migrants", r"-5")),
    "'..' in every cell of the World row": lambda at: Broken(dots_for_world, (
        "validation of table 'stock' failed", r"revision 2024: no rows for area code\(s\) \[900\]")),
    "renamed column": lambda at: Broken(renamed_code_column, (
        "header row not found", "code", FILE, "sheet 'Table 1'")),
    "header row pushed 60 rows down": lambda at: Broken(header_pushed_down, (
        "header row not found", FILE, "sheet 'Table 1'")),
    "stock sheet missing": lambda at: Broken(stock_sheet_missing, (
        "no sheet has a title matching", "international migrant stock at mid-year by sex", FILE, "sheets are")),
    "every title reworded": lambda at: Broken(title_changed, ("no sheet has a title matching", FILE)),
    "duplicate location code": lambda at: Broken(duplicate_code, (
        "location code 332 appears twice with different values", FILE, "sheet 'Table 1'", _spot(at, 388))),
    "region row missing": lambda at: Broken(region_row_missing, (
        "validation of table 'stock' failed", r"no rows for area code\(s\) \[915\]")),
    "unknown aggregate code": lambda at: Broken(unknown_aggregate_code, ("9999", FILE, "sheet 'Table 1'")),
    "unknown country code": lambda at: Broken(unknown_country_code, ("899", FILE, "sheet 'Table 1'")),
    "location code is text": lambda at: Broken(code_not_a_number, (
        "invalid location code", FILE, "sheet 'Table 1'", _spot(at, 388), "'JAM'")),
    "parts do not add up": lambda at: Broken(parts_do_not_add_up, (
        "parts do not add up", "revision 2024, 2024, total: countries of subregion 916")),
    "female block missing": lambda at: Broken(female_block_missing, (
        r"blocks for sex \['female'\] not found", FILE, "sheet 'Table 1'")),
    "year labels missing": lambda at: Broken(years_missing, ("year", FILE, "sheet 'Table 1'")),
}
# Variations the publisher could make that the parser is designed to absorb: same data out.
TOLERATED: dict[str, Mutation] = {
    "writer round trip": unchanged,
    "header shifted 2 rows": header_shifted,
    "sheets renamed": sheets_renamed,
    "identical duplicate row": identical_duplicate_row,
}
# ---- fixtures ----


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def real_book(upstream_dir: Path) -> Book:
    return read_book(upstream_dir / TARGET.filename)


@pytest.fixture(scope="module")
def where(real_book: Book) -> Where:
    return locate(real_book[STOCK_SHEET])


@dataclass
class Served:
    """The database a dashboard is serving while broken builds are attempted on its path."""

    path: Path
    sha256: str
    build_id: str
    client: object

    def assert_untouched(self) -> None:
        assert sha256(self.path) == self.sha256, "the served database was modified"
        health = self.client.get("/healthz")
        assert health.status_code == 200 and health.get_json()["build_id"] == self.build_id
        assert not list(self.path.parent.glob("*.building*")), "a partial database was left behind"


@pytest.fixture(scope="module")
def served(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Served:
    live = tmp_path_factory.mktemp("served") / "migdash.duckdb"
    shutil.copy(built_db, live)
    with duckdb.connect(str(live), read_only=True) as con:
        (build_id,) = con.execute("SELECT build_id FROM build").fetchone()
    return Served(live, sha256(live), build_id, create_app(live).server.test_client())


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's downloads with 2 quick attempts instead of 4 with seconds of backoff."""
    monkeypatch.setattr(cli, "FetchPolicy", functools.partial(FetchPolicy, attempts=2, backoff=0.01))


def mirror_with(folder: Path, upstream: Path, target_bytes: bytes | None = None, target: Path | None = None) -> Path:
    """A mirror directory: the real required files, with the 2024 one replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    for dataset in REQUIRED:
        (folder / dataset.filename).symlink_to(upstream / dataset.filename)
    (folder / TARGET.filename).unlink()
    if target is not None:
        shutil.copy(target, folder / TARGET.filename)
    elif target_bytes is not None:
        (folder / TARGET.filename).write_bytes(target_bytes)
    return folder


def run_etl(mirror: str, db: Path, cache: Path, capsys: pytest.CaptureFixture, *extra: str) -> tuple[int, str]:
    code = cli.main(["etl", "--mirror", mirror, "--db", str(db), "--cache", str(cache), "--quiet", *extra])
    return code, capsys.readouterr().err


@pytest.fixture(autouse=True)
def restore_served(request: pytest.FixtureRequest, built_db: Path) -> Iterator[None]:
    """Whatever a case did, the next one starts from the original served file (so one
    unexpected success cannot make later cases fail)."""
    yield
    if "served" in request.fixturenames:
        served = request.getfixturevalue("served")
        if sha256(served.path) != served.sha256:
            spare = served.path.with_name("restore.tmp")
            shutil.copy(built_db, spare)
            spare.replace(served.path)


def assert_refused(code: int, err: str, expect: tuple[str, ...], served: Served) -> None:
    assert code == 2, err
    assert "the previous database (if any) was left unchanged" in err
    assert "Traceback" not in err
    for pattern in expect:
        assert re.search(pattern, err, re.IGNORECASE), f"{pattern!r} not in:\n{err}"
    served.assert_untouched()


# ---- workbook cases ----


@pytest.mark.parametrize("case", list(WORKBOOK_CASES))
def test_broken_workbook_is_refused(case, real_book, where, served, upstream_dir, tmp_path, capsys, fast_cli):
    broken = WORKBOOK_CASES[case](where)
    book = {name: [list(row) for row in rows] for name, rows in real_book.items()}
    broken.mutate(book, where)
    mirror = mirror_with(tmp_path / "mirror", upstream_dir, target=write_xlsx(tmp_path / "broken.xlsx", book))
    code, err = run_etl(str(mirror), served.path, tmp_path / "cache", capsys)
    if broken.gap:
        try:
            assert_refused(code, err, broken.expect, served)
        except AssertionError as failure:
            pytest.xfail(f"{broken.gap} ({str(failure).splitlines()[0][:200]})")
    assert_refused(code, err, broken.expect, served)


@pytest.mark.parametrize("case", list(TOLERATED))
def test_tolerated_variation_builds_the_same_data(case, real_book, where, built_db, upstream_dir, tmp_path, capsys):
    book = {name: [list(row) for row in rows] for name, rows in real_book.items()}
    TOLERATED[case](book, where)
    mirror = mirror_with(tmp_path / "mirror", upstream_dir, target=write_xlsx(tmp_path / "variant.xlsx", book))
    db = tmp_path / "variant.duckdb"
    code, err = run_etl(str(mirror), db, tmp_path / "cache", capsys)
    assert code == 0, err
    query = "SELECT * FROM stock ORDER BY ALL"
    with duckdb.connect(str(db), read_only=True) as new, duckdb.connect(str(built_db), read_only=True) as old:
        assert new.execute(query).fetchall() == old.execute(query).fetchall()


def test_publisher_missing_marker_leaves_no_row(real_book, where, upstream_dir, tmp_path, capsys):
    """'..' is the publisher's 'not available': that one figure is absent, nothing is invented."""
    book = {name: [list(row) for row in rows] for name, rows in real_book.items()}
    dots_in_one_cell(book, where)
    mirror = mirror_with(tmp_path / "mirror", upstream_dir, target=write_xlsx(tmp_path / "dots.xlsx", book))
    db = tmp_path / "dots.duckdb"
    code, err = run_etl(str(mirror), db, tmp_path / "cache", capsys)
    assert code == 0, err
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT year FROM stock WHERE revision = 2024 AND destination_code = 388 "
                           "AND sex = 'total' AND origin_code = 900 ORDER BY year").fetchall()
    assert (2000,) not in rows and (1995,) in rows


@pytest.mark.parametrize("dataset", REQUIRED, ids=lambda d: d.key)
def test_reported_rows_are_the_rows_a_spreadsheet_shows(dataset, upstream_dir):
    """Errors say 'row r + 1' for the parser's row r: that must be the row Excel shows (the
    publisher's sheets start with blank rows, which a reader may silently drop)."""
    path = upstream_dir / dataset.filename
    parsed = open_workbook(undesa_ims.SOURCE, path).sheet(STOCK_SHEET)
    absolute = read_book(path)[STOCK_SHEET]
    assert _world_row(parsed) == _world_row(absolute)


def _world_row(rows: Rows) -> int:
    return next(r for r, row in enumerate(rows) if any(isinstance(c, str) and c.strip().lower() == "world" for c in row))


def test_renamed_contents_sheet_is_tolerated(real_book, where, upstream_dir, tmp_path, capsys):
    book = {name: [list(row) for row in rows] for name, rows in real_book.items()}
    contents_sheet_renamed(book, where)
    mirror = mirror_with(tmp_path / "mirror", upstream_dir, target=write_xlsx(tmp_path / "index.xlsx", book))
    code, err = run_etl(str(mirror), tmp_path / "index.duckdb", tmp_path / "cache", capsys)
    assert code == 0, err


def test_truncated_workbook_is_refused(served, upstream_dir, tmp_path, capsys):
    data = (upstream_dir / TARGET.filename).read_bytes()
    mirror = mirror_with(tmp_path / "mirror", upstream_dir, target_bytes=data[: len(data) * 3 // 5])
    code, err = run_etl(str(mirror), served.path, tmp_path / "cache", capsys)
    assert_refused(code, err, ("not a valid .xlsx file", FILE), served)


def test_missing_file_in_mirror_is_refused(served, upstream_dir, tmp_path, capsys):
    mirror = mirror_with(tmp_path / "mirror", upstream_dir)
    code, err = run_etl(str(mirror), served.path, tmp_path / "cache", capsys)
    assert_refused(code, err, ("no such file in the mirror directory", FILE), served)


def test_real_command_exits_non_zero(served, upstream_dir, tmp_path):
    """The installed command itself (a new process), not only main(): status 2, message on stderr."""
    data = (upstream_dir / TARGET.filename).read_bytes()
    mirror = mirror_with(tmp_path / "mirror", upstream_dir, target_bytes=data[:1000])
    done = subprocess.run(
        [sys.executable, "-m", "migdash.cli", "etl", "--mirror", str(mirror), "--db", str(served.path), "--quiet",
         "--cache", str(tmp_path / "cache")],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 2, done.stderr
    assert "not a valid .xlsx file" in done.stderr and TARGET.filename in done.stderr
    served.assert_untouched()


# ---- HTTP cases ----


class FaultHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the upstream directory, except files the server's `faults` map to a failure."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        fault = self.server.faults.get(self.path.lstrip("/"))  # type: ignore[attr-defined] - FaultServer
        if fault is None:
            return super().do_GET()
        getattr(self, f"fault_{fault}")()
        return None

    def _status(self, code: int, length: int | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def fault_404(self) -> None:
        self._status(404)

    def fault_403(self) -> None:
        self._status(403)

    def fault_500(self) -> None:
        self._status(500)

    def fault_empty(self) -> None:
        self._status(200)

    def fault_html(self) -> None:
        self._status(200, body=b"<html><body>Please log in</body></html>")

    def fault_slow(self) -> None:
        time.sleep(1.5)
        self._status(200, body=b"late")

    def fault_truncated(self) -> None:
        self._status(200, length=500_000, body=b"PK" + b"\0" * 20_000)
        self.close_connection = True


class FaultServer(http.server.ThreadingHTTPServer):
    """Threads per request; `faults` maps a file name to a failure; clients hanging up early
    (which the truncation and timeout cases provoke) are not worth a traceback on stderr."""

    daemon_threads = True
    faults: dict[str, str] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture(scope="module")
def fault_server(upstream_dir: Path) -> Iterator[FaultServer]:
    server = FaultServer(("127.0.0.1", 0), functools.partial(FaultHandler, directory=str(upstream_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


HTTP_CASES = {
    "404": (r"HTTP 404 Not Found",),
    "403": (r"HTTP 403",),
    "500": (r"gave up after 2 attempts; last: HTTP 500",),
    "slow": (r"gave up after 2 attempts; last: ReadTimeout",),
    "truncated": (r"gave up after 2 attempts; last: (connection broken|truncated body)",),
    "empty": (r"empty body",),
    "html": (r"not a valid \.xlsx file",),
}


@pytest.mark.parametrize("fault", list(HTTP_CASES))
def test_http_failure_is_refused(fault, fault_server, served, tmp_path, capsys, fast_cli):
    fault_server.faults = {TARGET.filename: fault}
    url = f"http://127.0.0.1:{fault_server.server_port}/"
    code, err = run_etl(url, served.path, tmp_path / "cache", capsys, "--timeout", "0.5")
    names = TARGET.filename if fault == "html" else re.escape(url + TARGET.filename)
    assert_refused(code, err, (r"\[undesa_ims\]", names, *HTTP_CASES[fault]), served)


def test_unreachable_mirror_is_refused(served, tmp_path, capsys, fast_cli):
    from bench.harness import free_port

    url = f"http://127.0.0.1:{free_port()}/"
    code, err = run_etl(url, served.path, tmp_path / "cache", capsys, "--timeout", "0.5")
    assert_refused(code, err, (re.escape(url + TARGET.filename), "ConnectionError"), served)


def test_corpus_is_large_enough():
    assert len(WORKBOOK_CASES) + len(HTTP_CASES) + 4 >= 15

