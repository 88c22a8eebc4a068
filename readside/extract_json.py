"""The JSON extract of the API: one object with the selection's metadata and its rows.

    {"dataset": ..., "revision": ..., "build": {...}, "source": ..., "citation": ..., "licenses": [...],
     "description": ..., "selection": {...}, "schema": {"fields": [...], "primaryKey": [...]},
     "rows": [{column: value, ...}, ...]}

The metadata is the datapackage's (generated from the pandera schemas and provenance), so a
script reads field types, units and the citation from the same contract as the zip. Rows are
objects keyed by the stable column names, streamed batch by batch like the CSV: pandas reads
them with `pd.DataFrame(doc["rows"])`, R with `jsonlite::fromJSON(url)$rows`. Text values are
the same as in every other format (formula protection included), missing values are null.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from readside import queries
from readside.extract import CHUNK_ROWS, datapackage, fields, neutralize, primary_key
from readside.queries import Database, Selection


def metadata(db: Database, selection: Selection) -> dict[str, object]:
    """The datapackage's descriptive part, with the table schema in place of its resources."""
    package = datapackage(db, selection, resource={})
    build = queries.build_info(db)
    head = {key: package[key] for key in ("revision", "title", "citation", "description", "licenses", "sources",
                                          "selection") if key in package}
    return {"dataset": selection.dataset, **head, "build": {"id": build["build_id"], "built_at": build["built_at"]},
            "source": queries.EXTRACT_VIEWS[selection.dataset].source,
            "schema": {"fields": fields(selection.dataset), "primaryKey": primary_key(selection.dataset)}}


def json_chunks(db: Database, selection: Selection, chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """The JSON document, one batch of rows at a time (for a streamed response)."""
    head = json.dumps(metadata(db, selection), ensure_ascii=False)
    yield head[:-1].encode("utf-8") + b', "rows": ['
    separator = b""
    for batch in queries.extract_batches(db, selection, chunk_rows, text=neutralize):
        if batch.num_rows:
            yield separator + json.dumps(batch.to_pylist(), ensure_ascii=False, allow_nan=False)[1:-1].encode("utf-8")
            separator = b", "
    yield b"]}\n"
