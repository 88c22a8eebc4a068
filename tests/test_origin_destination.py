"""The origin x destination parser, on generated workbooks in the publisher's layout and on
the real files whenever they are present in the upstream directory."""

from __future__ import annotations

import pytest

from etl.errors import UpstreamFormatError
from etl.sources import undesa_ims
from tests.workbooks import origin_destination_rows, write_workbook

PAIRS = [
    (900, "WORLD", 900, "WORLD", 1000),
    (840, "United States of America", 484, "Mexico", 500),
    (840, "United States of America", 2003, "Other", 20),
    (170, "Colombia", 862, "Venezuela (Bolivarian Republic of)", 300),
]


def od_workbook(tmp_path, pairs=PAIRS):
    return write_workbook(tmp_path / "od.xlsx", {"Table 1": origin_destination_rows(pairs)})


def test_rows_codes_sexes_and_other_origin(tmp_path):
    frame = undesa_ims.parse_origin_destination_workbook(od_workbook(tmp_path), 2020)
    assert set(frame["sex"]) == {"total", "male", "female"}
    assert len(frame) == len(PAIRS) * 7 * 3
    other = frame[(frame.origin_code == 2003) & (frame.sex == "total") & (frame.year == 2020)]
    assert other["migrants"].item() == 20  # the "Other" origin is kept
    assert set(frame["revision"]) == {2020}


def test_duplicate_pair_is_an_error(tmp_path):
    with pytest.raises(UpstreamFormatError, match=r"duplicate destination x origin pair 840 x 484"):
        undesa_ims.parse_origin_destination_workbook(od_workbook(tmp_path, [*PAIRS, PAIRS[1]]), 2020)


def test_row_with_one_code_is_an_error(tmp_path):
    rows = origin_destination_rows(PAIRS)
    rows[-1][6] = ""
    path = write_workbook(tmp_path / "od.xlsx", {"Table 1": rows})
    with pytest.raises(UpstreamFormatError, match=r"only one of the two location codes.*row"):
        undesa_ims.parse_origin_destination_workbook(path, 2020)


@pytest.mark.parametrize("dataset", [d for d in undesa_ims.DATASETS if d.layout == "origin_destination"], ids=lambda d: d.key)
def test_real_origin_destination_file_when_present(upstream_dir, dataset):
    path = upstream_dir / dataset.filename
    if not path.is_file():
        pytest.skip(f"{dataset.filename} not in {upstream_dir} yet")
    frame = undesa_ims.parse_origin_destination_workbook(path, dataset.revision)
    assert set(frame["sex"]) == {"total", "male", "female"}
    assert not frame.duplicated(["year", "destination_code", "origin_code", "sex"]).any()
    assert (frame["migrants"] >= 0).all()
