"""A minimal reader of R data files (.rda), written for the tests: an independent path to the
figures of UNHCR's `refugees` package, sharing nothing with the ETL's reader (pyreadr, R's
librdata). It knows just what a saved data frame of numbers and strings needs.

An .rda file is a (bzip2/gzip/xz-compressed) "RDX2"/"RDX3" header, then R's serialization in
XDR (big-endian): a pairlist whose tags name the saved objects. Each item starts with an int
of flags: type in the low byte, then "is object", "has attributes" and "has tag" bits; vectors
carry their length, then their elements; attributes (names, class, row.names) follow as a
pairlist. See R's src/main/serialize.c. The pure-Python `rdata` package reads the same files
but takes 20-30 s for each large dataset; this reads one in a second or two.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import struct
from pathlib import Path

import numpy as np
import pandas as pd

NIL, SYM, LIST, CLOS, ENV, PROM, LANG, CHAR, LGL, INT, REAL, STR, VEC = 254, 1, 2, 3, 4, 5, 6, 9, 10, 13, 14, 16, 19
PAIRS = {LIST, CLOS, PROM, LANG, 17}  # pairlist-like: attributes, tag, car, cdr
SENTINELS = {242, 241, 250, 251, 252, 253}  # empty/base/global env, base namespace, missing arg, unbound
REF, ALTREP = 255, 238


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at, self.refs = data, 0, []

    def int(self) -> int:
        (value,) = struct.unpack_from(">i", self.data, self.at)
        self.at += 4
        return value

    def length(self) -> int:
        n = self.int()
        return (self.int() << 32) + self.int() if n == -1 else n

    def item(self) -> object:
        flags = self.int()
        kind, has_attr, has_tag = flags & 0xFF, bool(flags & (1 << 9)), bool(flags & (1 << 10))
        if kind in (NIL, *SENTINELS):
            return None
        if kind == REF:
            index = flags >> 8 or self.int()
            return self.refs[index - 1]
        if kind == SYM:
            name = self.item()
            self.refs.append(("symbol", name))
            return ("symbol", name)
        if kind in PAIRS:
            attributes = self.item() if has_attr else None
            tag = self.item() if has_tag else None
            head, tail = self.item(), self.item()
            del attributes
            return [(tag[1] if tag else None, head), *(tail or [])]
        if kind == ENV:
            self.refs.append(("environment",))
            self.int()  # locked
            for _ in range(4):  # enclosure, frame, hash table, attributes
                self.item()
            return ("environment",)
        if kind == ALTREP:
            info, state, attributes = self.item(), self.item(), self.item()
            return _altrep(info, state, attributes)
        if kind == CHAR:
            n = self.int()
            if n == -1:
                return None
            text = self.data[self.at:self.at + n].decode("utf-8", errors="replace")
            self.at += n
            return text
        value = self._vector(kind)
        attributes = dict(self.item()) if has_attr else {}
        return ("vector", value, attributes)

    def _vector(self, kind: int) -> object:
        n = self.length()
        if kind in (LGL, INT):
            values = np.frombuffer(self.data, ">i4", n, self.at).astype("float64")
            values[values == -(2 ** 31)] = np.nan  # NA_integer_
            self.at += 4 * n
            return values
        if kind == REAL:
            values = np.frombuffer(self.data, ">f8", n, self.at).astype("float64")
            self.at += 8 * n
            return values
        if kind == STR:
            return self._strings(n)
        if kind in (VEC, 20):
            return [self.item() for _ in range(n)]
        raise ValueError(f"R type {kind} is not something a data frame of numbers and strings holds")


    def _strings(self, n: int) -> np.ndarray:
        """n CHARSXP items (length -1 = NA), each distinct text decoded once."""
        data, at, out, seen = self.data, self.at, np.empty(n, dtype=object), {}
        for i in range(n):
            flags, size = struct.unpack_from(">ii", data, at)
            if flags & 0xFF != CHAR:
                raise ValueError(f"a string vector holding R type {flags & 0xFF}")
            at += 8
            if size >= 0:
                raw = data[at:at + size]
                out[i] = seen.get(raw) or seen.setdefault(raw, raw.decode("utf-8", errors="replace"))
                at += size
        self.at = at
        return out


def _altrep(info: object, state: object, attributes: object) -> object:
    """The ALTREP classes R writes compactly: integer/real sequences and wrapped vectors."""
    name = info[0][1][1] if isinstance(info, list) else None
    if name in ("compact_intseq", "compact_realseq"):
        n, start, step = state[1]
        return ("vector", start + step * np.arange(int(n), dtype="float64"), {})
    if isinstance(name, str) and name.startswith("wrap_"):
        return state[0][1]
    raise ValueError(f"ALTREP class {name!r} is not read here")


def _decompress(data: bytes) -> bytes:
    for magic, opener in ((b"BZh", bz2.decompress), (b"\x1f\x8b", gzip.decompress), (b"\xfd7zXZ\x00", lzma.decompress)):
        if data.startswith(magic):
            return opener(data)
    return data


def read_rda(path: Path) -> dict[str, pd.DataFrame]:
    """Every data frame saved in an .rda file, by object name (columns as numpy arrays)."""
    data = _decompress(path.read_bytes())
    if data[:5] not in (b"RDX2\n", b"RDX3\n") or data[5:7] != b"X\n":
        raise ValueError(f"{path} is not an XDR R data file")
    reader = _Reader(data)
    reader.at = 7
    version = reader.int()
    reader.int(), reader.int()  # the writer's R version, the oldest R that reads it
    if version == 3:
        encoding = reader.int()  # length of the native encoding's name, then the name
        reader.at += encoding
    frames = {}
    for name, obj in reader.item():
        _, columns, attributes = obj
        frames[name] = pd.DataFrame({column: values for column, (_, values, _) in
                                     zip(attributes["names"][1], columns, strict=True)})
    return frames
