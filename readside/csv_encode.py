"""CSV rows from Arrow record batches, with numbers in plain decimals (10146263000, never
1.0146263e+10) and no Python per row.

Arrow's own CSV writer prints a double of 10 billion or more, or below a millionth, in
exponent notation, and has no option to do otherwise; converting the column to text first
would make it quote the numbers, since it quotes every text value. So the rows are assembled
with Arrow's vectorised string kernels instead, the way its writer lays them out: text
quoted (inner quotes doubled), numbers bare, an empty field for a missing value, "\\n" after
each row. Only the doubles Arrow would print with an exponent go through Python, one call
per such value (remittances in US$ above 10 billion, say), through numpy's shortest
round-trip positional formatting.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

QUOTE = pa.scalar('"')


def header(columns: list[str]) -> bytes:
    """The header line: column names are identifiers (checked against the allow-list), never quoted."""
    return (",".join(columns) + "\n").encode("utf-8")


def plain_decimals(column: pa.Array) -> pa.Array:
    """A floating-point column as text in plain decimals: the shortest form that reads back to
    the same double, without an exponent."""
    text = pc.cast(column, pa.string())
    exponent = pc.fill_null(pc.match_substring(text, "e"), False)
    if not pc.any(exponent).as_py():
        return text
    values = pc.filter(column, exponent).to_numpy(zero_copy_only=False)
    fixed = pa.array([np.format_float_positional(v, unique=True, trim="-") for v in values], pa.string())
    return pc.replace_with_mask(text, exponent, fixed)


def _field_text(column: pa.Array) -> pa.Array:
    """One column's CSV fields as text, missing values as empty fields."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        quoted = pc.binary_join_element_wise(QUOTE, pc.replace_substring(column, '"', '""'), QUOTE, "")
    elif pa.types.is_floating(kind):
        quoted = plain_decimals(column)
    elif pa.types.is_boolean(kind):
        quoted = pc.if_else(column, "true", "false")
    else:
        quoted = pc.cast(column, pa.string())
    return pc.fill_null(quoted.cast(pa.string()), "")


def encode(batch: pa.RecordBatch) -> bytes:
    """The rows of `batch` as UTF-8 CSV (no header), one line each."""
    if batch.num_rows == 0:
        return b""
    fields = [_field_text(column) for column in batch.columns]
    lines = pc.binary_join_element_wise(*fields, ",")
    rows = pa.ListArray.from_arrays(pa.array([0, batch.num_rows], pa.int32()), lines)
    return pc.binary_join(rows, "\n")[0].as_buffer().to_pybytes() + b"\n"
