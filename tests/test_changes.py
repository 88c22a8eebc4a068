"""What changed, on real vintages: a build with the World Bank's 2023-10-26 remittances workbook,
then one with the 2025-07-01 CSV added. The second must list the new vintage, the new years and
every revised figure of the Americas (checked against an independent read of both files: csv
module and calamine), for `migdash changes` in its three formats, on the What changed page in
four languages and on the overview. A third build that drops the new vintage is refused, then
accepted with --accept-loss, and shows a claim whose status moved."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import python_calamine

from dashboard import what_changed
from dashboard.app import create_app
from etl import changes as etl_changes
from etl.build import build
from etl.fetch import FetchPolicy
from etl.indicators import m49_of_iso3
from etl.loss import DataLoss
from etl.sources import worldbank
from migdash import cli
from readside import changes
from readside.claim_status import latest_statuses
from readside.claims import long_date
from readside.queries import Database
from readside.text import LANGUAGES, decimal, t
from tests.test_page_layouts import layouts, text_of

OLD_XLS = "API_BX.TRF.PWKR.CD.DT_DS2_en_excel_v2_6000901.xls"  # vintage 2023-10-26
NEW_CSV = "API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv"  # vintage 2025-07-01
METADATA = "Metadata_Country_API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv"
SERIES = worldbank.RECEIVED
POLICY = FetchPolicy(timeout=5, attempts=1, backoff=0)
LCN = 904


def read_xls(path: Path) -> dict[tuple[str, int], float]:
    """(ISO3, year) -> value from the workbook's `Data` sheet, cell by cell."""
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    at = next(i for i, row in enumerate(rows) if row and row[0] == "Country Name")
    header = rows[at]
    return {(row[1], int(header[j])): float(row[j]) for row in rows[at + 1:] if row and row[1]
            for j in range(4, len(header)) if header[j] != "" and row[j] != ""}


def read_csv(path: Path) -> dict[tuple[str, int], float]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    at = next(i for i, row in enumerate(rows) if row and row[0] == "Country Name")
    header = rows[at]
    return {(row[1], int(header[j])): float(row[j]) for row in rows[at + 1:] if row
            for j in range(4, len(header)) if header[j] and row[j] != ""}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot_of(db: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(db, folder / "migdash.duckdb"))


@pytest.fixture(scope="module")
def runs(upstream_root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """first (2023-10-26 only), second (2025-07-01 added), and the files of each step."""
    folder = tmp_path_factory.mktemp("changes")
    wb = folder / "worldbank"
    wb.mkdir()
    shutil.copyfile(upstream_root / "worldbank" / OLD_XLS, wb / OLD_XLS)
    db = folder / "migdash.duckdb"
    mirrors = {"undesa_ims": str(upstream_root / "undesa_ims"), "worldbank": str(wb)}
    kwargs = {"mirrors": mirrors, "cache_dir": folder / "cache", "policy": POLICY, "claim_statuses": latest_statuses}
    first = build(db, **kwargs)
    first_db = snapshot_of(db, folder / "first")
    for name in (NEW_CSV, METADATA):
        shutil.copyfile(upstream_root / "worldbank" / name, wb / name)
    second = build(db, **kwargs)
    return {"first": first, "first_db": first_db, "second": second, "second_db": snapshot_of(db, folder / "second"),
            "db": db, "wb": wb, "kwargs": kwargs, "folder": folder}


@pytest.fixture(scope="module")
def stored(runs) -> pd.DataFrame:
    return changes.changes(Database(runs["second_db"]))


def test_the_first_build_says_there_is_nothing_to_compare(runs, capsys):
    assert runs["first"].comparison == etl_changes.FIRST
    info = changes.comparison(Database(runs["first_db"]))
    assert info["comparison"] == "first build" and info["compared_with"] is None
    assert changes.changes(Database(runs["first_db"])).empty
    assert cli.main(["changes", "--db", str(runs["first_db"])]) == 0
    assert "the first build of this database, there is nothing to compare it with yet" in capsys.readouterr().out
    app = create_app(runs["first_db"])
    for lang in LANGUAGES:
        with app.server.test_request_context("/changes"):
            text = text_of(layouts()["/changes"](lang=lang))
        assert t(lang, "changes.first", date=long_date(str(info["built_at"]), lang)) in text


def test_the_new_vintage_and_its_new_years(runs, stored, upstream_root):
    assert runs["second"].comparison == etl_changes.COMPARED
    added = stored[stored["kind"] == "dataset_added"]
    assert list(added["series"]) == [f"worldbank_{SERIES}_2025-07-01"] and list(added["new_vintage"]) == ["2025-07-01"]
    with duckdb.connect(str(runs["second_db"]), read_only=True) as con:
        (rows,) = con.execute("SELECT rows FROM provenance WHERE vintage = '2025-07-01'").fetchone()
    assert added["new_value"].iloc[0] == rows == 7603
    old, new = read_xls(upstream_root / "worldbank" / OLD_XLS), read_csv(upstream_root / "worldbank" / NEW_CSV)
    expected_years = {y for _, y in new} - {y for _, y in old}
    years = stored[(stored["kind"] == "year_added") & (stored["series"] == SERIES)]
    assert set(years["year"].astype(int)) == expected_years == {2023, 2024}
    assert stored[stored["kind"].isin(["dataset_removed", "year_removed", "claim_status"])].empty


def test_every_revised_figure_of_the_americas_old_to_new_ranked_by_size(runs, stored, upstream_root):
    old, new = read_xls(upstream_root / "worldbank" / OLD_XLS), read_csv(upstream_root / "worldbank" / NEW_CSV)
    with duckdb.connect(str(runs["second_db"]), read_only=True) as con:
        americas = {c for (c,) in con.execute("SELECT code FROM area WHERE code IN (904, 905) OR region IN (904, 905)")
                    .fetchall()}
        groupings = {c for (c,) in con.execute("SELECT code FROM grouping").fetchall()}
    expected = {}
    for (iso3, year), value in new.items():
        code = worldbank.AGGREGATES.get(iso3) or m49_of_iso3(iso3)
        before = old.get((iso3, year))
        if code in americas and before is not None and abs(value - before) > 1e-9 * max(abs(value), abs(before)):
            expected[(code, year)] = (before, value)
    revised = stored[stored["kind"] == "figure_revised"]
    assert set(revised["source"]) == {"worldbank"} and set(revised["series"]) == {SERIES}
    assert set(revised["old_vintage"]) == {"2023-10-26"} and set(revised["new_vintage"]) == {"2025-07-01"}
    areas = revised[~revised["area_code"].isin(groupings)]
    assert len(areas) == len(expected) > 100
    for row in areas.itertuples():
        before, after = expected[(row.area_code, row.year)]
        assert row.old_value == pytest.approx(before, rel=1e-12) and row.new_value == pytest.approx(after, rel=1e-12)
        assert row.change == pytest.approx(after - before, rel=1e-9)
        assert row.change_percent == pytest.approx(100 * (after / before - 1), rel=1e-9)
    lcn_2016 = areas[(areas["area_code"] == LCN) & (areas["year"] == 2016)].iloc[0]
    assert (lcn_2016["old_value"], lcn_2016["new_value"]) == pytest.approx((74_426_854_073, 74_986_761_958), abs=1)
    ordered = revised.sort_values("rank")
    assert list(ordered["rank"]) == list(range(1, len(revised) + 1))
    assert ordered["change"].abs().is_monotonic_decreasing
    for row in revised[revised["area_code"].isin(groupings)].itertuples():  # sums over every roster member
        with duckdb.connect(str(runs["second_db"]), read_only=True) as con:
            members = con.execute("SELECT count(*), sum(i.value) FROM area_group m JOIN grouping g USING (grouping) "
                                  "JOIN indicator_vintages i ON i.area_code = m.member_code WHERE m.roster AND g.code = ?"
                                  " AND i.series = ? AND i.year = ? AND i.revision = '2025-07-01'",
                                  [int(row.area_code), SERIES, int(row.year)]).fetchone()
        assert row.new_value == pytest.approx(members[1], rel=1e-12)


def test_the_command_in_its_three_formats(runs, capsys):
    db = str(runs["second_db"])
    assert cli.main(["changes", "--db", db, "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"source", "series", "area_code", "year", "old_vintage", "new_vintage", "old_value", "new_value"} <= set(frame)
    lcn = frame[(frame["kind"] == "figure_revised") & (frame["area_code"] == LCN) & (frame["year"] == 2016)]
    assert lcn["area_name"].item() == "Latin America and the Caribbean"
    assert cli.main(["changes", "--db", db, "--format", "markdown"]) == 0
    memo = capsys.readouterr().out
    assert memo.startswith("# What changed in the data\n")
    assert f"- worldbank: vintage 2025-07-01 added (7,603 rows; worldbank_{SERIES}_2025-07-01, file {NEW_CSV})" in memo
    assert "## New and removed vintages and editions" in memo and "2025-07-01" in memo
    assert "### Personal remittances, received — 2023-10-26 → 2025-07-01" in memo
    assert "| Area | Year | Old | New | Change | % |" in memo and "| Mexico |" in memo
    assert "new years 2023, 2024" in memo and "## Claims whose status changed\n\nNone." in memo
    assert cli.main(["changes", "--db", db]) == 0
    table = capsys.readouterr().out
    assert "== revised figures" in table and "2023-10-26 -> 2025-07-01" in table
    app = create_app(runs["second_db"])  # the page's CSV download is the command's CSV
    reply = app.server.test_client().get(what_changed.CSV_DOWNLOAD)
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    assert reply.get_data(as_text=True) == changes.render(Database(runs["second_db"]), "csv")
    with app.server.test_request_context("/changes"):
        assert f"href='{what_changed.CSV_DOWNLOAD}'" in str(layouts()["/changes"](lang="es"))


def test_the_what_changed_page_in_four_languages_and_the_overview_line(runs, stored):
    app = create_app(runs["second_db"])
    top = stored[(stored["kind"] == "figure_revised") & (stored["rank"] == 1)].iloc[0]
    info = changes.comparison(Database(runs["second_db"]))
    for lang in LANGUAGES:
        with app.server.test_request_context("/changes"):
            page = text_of(layouts()["/changes"](lang=lang))
            overview = layouts()["/"](lang=lang)
        frame = changes.changes(Database(runs["second_db"]), lang)
        name = frame[frame["series"] == SERIES]["series_name"].iloc[0]
        assert t(lang, "changes.title") in page and name in page
        assert t(lang, "changes.compared", date=long_date(str(info["built_at"]), lang),
                 previous=long_date(str(info["compared_built_at"]), lang)) in page
        assert decimal(top["old_value"], lang, 0) in page and decimal(top["new_value"], lang, 0) in page
        assert "2023-10-26 → 2025-07-01" in page
        assert t(lang, "changes.dataset.added", source=t(lang, "changes.source.worldbank"), vintage="2025-07-01",
                 rows=decimal(7603, lang, 0), dataset=NEW_CSV) in page  # the file, named as the operator saved it
        line = what_changed.updated_line(Database(runs["second_db"]), lang)
        assert t(lang, "overview.what_changed") in text_of(line) and f"/changes?lang={lang}" in str(line)
        assert t(lang, "overview.updated", date=long_date(str(info["built_at"]), lang)) in text_of(overview)


def test_a_lost_vintage_is_refused_then_accepted_and_a_moved_claim_is_listed(runs):
    db, before = runs["db"], sha256(runs["db"])
    (runs["wb"] / NEW_CSV).unlink()
    with pytest.raises(DataLoss, match=rf"worldbank_BX\.TRF\.PWKR\.CD\.DT_2025-07-01 \(vintage 2025-07-01, 7,603 rows, file "
                                       rf"{re.escape(NEW_CSV)}\) is not in this build.*--accept-loss worldbank") as refused:
        build(db, **runs["kwargs"])
    assert refused.value.sources == ["worldbank"] and sha256(db) == before
    # what the build before showed for one figure: another status (as an earlier registry or revision would give)
    with duckdb.connect(str(db)) as con:
        figure = con.execute("SELECT claim_id, figure_id, status FROM core.claim_status WHERE status = 'matches' "
                             "ORDER BY ALL LIMIT 1").fetchone()
        con.execute("UPDATE core.claim_status SET status = 'differs' WHERE claim_id = ? AND figure_id = ?", figure[:2])
    accepted = build(db, **runs["kwargs"], accept_loss=frozenset({"worldbank"}))
    assert any(note.endswith("(accepted with --accept-loss)") for note in accepted.skipped)
    frame = changes.changes(Database(db))
    removed = frame[frame["kind"] == "dataset_removed"]
    assert list(removed["series"]) == [f"worldbank_{SERIES}_2025-07-01"] and list(removed["old_value"]) == [7603]
    assert set(frame[frame["kind"] == "year_removed"]["year"].astype(int)) == {2023, 2024}
    moved = frame[frame["kind"] == "claim_status"]
    assert moved[["claim_id", "figure_id", "old_status", "new_status"]].values.tolist() == [[*figure[:2], "differs",
                                                                                              "matches"]]
    app = create_app(db)
    for lang in ("en", "pt"):
        with app.server.test_request_context("/changes"):
            page = text_of(layouts()["/changes"](lang=lang))
        assert t(lang, "changes.claims_title") in page and figure[0] in page
        assert t(lang, "status.matches") in page and t(lang, "status.differs") in page
