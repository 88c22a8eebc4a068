"""CSV rows from Arrow record batches, with numbers in plain decimals (10146263000, never
1.0146263e+10) and no Python per row.

Arrow's own CSV writer prints a double of 10 billion or more, or below a millionth, in
exponent notation, and has no option to do otherwise; converting the column to text first
would make it quote the numbers, since it quotes every text value. So a batch in which some
double would get an exponent (remittances in US$, say) is laid out with Arrow's vectorised
string kernels instead, exactly as its writer lays rows out (text quoted with inner quotes
doubled, numbers bare, an empty field for a missing value, "\\n" after each row), and only
those doubles go through Python, once each, with numpy's shortest round-trip positional
formatting. Every other batch goes through Arrow's writer, which is about four times faster;
the two give the same bytes (tests/test_extract_formats.py).
"""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv

QUOTE = pa.scalar('"')
NEWLINE = pa.scalar("\n")
WRITE_OPTIONS = pyarrow.csv.WriteOptions(include_header=False, quoting_style="needed")


def header(columns: list[str]) -> bytes:
    """The header line: column names are identifiers (checked against the allow-list), never quoted."""
    return (",".join(columns) + "\n").encode("utf-8")


def _exponents(text: pa.Array) -> pa.Array:
    return pc.fill_null(pc.match_substring(text, "e"), False)


def plain_decimals(column: pa.Array) -> pa.Array:
    """A floating-point column as text in plain decimals: the shortest form that reads back to
    the same double, without an exponent."""
    text = pc.cast(column, pa.string())
    exponent = _exponents(text)
    if not pc.any(exponent).as_py():
        return text
    values = pc.filter(column, exponent).to_numpy(zero_copy_only=False)
    fixed = pa.array([np.format_float_positional(v, unique=True, trim="-") for v in values], pa.string())
    return pc.replace_with_mask(text, exponent, fixed)


def _needs_layout(batch: pa.RecordBatch) -> bool:
    """Whether Arrow's writer would print some double of the batch with an exponent."""
    return any(pc.any(_exponents(pc.cast(column, pa.string()))).as_py()
               for column in batch.columns if pa.types.is_floating(column.type))


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


def _layout(batch: pa.RecordBatch) -> bytes:
    """The rows joined by Arrow's string kernels: the last field carries each row's newline, so
    the joined column's data buffer is the CSV text itself."""
    fields = [_field_text(column) for column in batch.columns]
    fields[-1] = pc.binary_join_element_wise(fields[-1], NEWLINE, "")
    lines = pc.binary_join_element_wise(*fields, ",") if len(fields) > 1 else fields[0]
    width = np.int64 if pa.types.is_large_string(lines.type) else np.int32
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)[lines.offset:lines.offset + len(lines) + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    return lines.buffers()[2].slice(start, end - start).to_pybytes()


def encode(batch: pa.RecordBatch) -> bytes:
    """The rows of `batch` as UTF-8 CSV (no header), one line each."""
    if batch.num_rows == 0:
        return b""
    if _needs_layout(batch):
        return _layout(batch)
    sink = io.BytesIO()
    pyarrow.csv.write_csv(batch, sink, WRITE_OPTIONS)
    return sink.getvalue()
