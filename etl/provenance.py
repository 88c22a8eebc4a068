"""Provenance rows: who published an upstream file, under which licence, fetched from where,
when and with which checksum. Every source module builds its rows here, so they all carry
the same columns and never leak a developer's local paths."""

from __future__ import annotations

from dataclasses import dataclass

from etl.fetch import FetchedFile


@dataclass(frozen=True)
class Publisher:
    """Who publishes a source and under which licence: what every provenance row repeats."""

    source: str
    name: str
    licence: str
    licence_url: str

    def provenance(self, *, dataset: str, revision: int, url: str, files: list[FetchedFile], sha256: str,
                   local_name: str, citation: str, rows: int, vintage: str | None = None) -> dict:
        """One `provenance` row for an upstream file or a multi-page answer (`files` in order);
        a local mirror is named by `local_name`, never by a developer's path. `vintage` is the
        publisher's own label where it is finer than the revision year (e.g. 2025-07-01)."""
        first = files[0]
        return {
            "source": self.source,
            "dataset": dataset,
            "revision": revision,
            "vintage": vintage or str(revision),
            "url": url,
            "fetched_from": first.url if first.url.startswith("http") else f"local mirror: {local_name}",
            "publisher": self.name,
            "licence": self.licence,
            "licence_url": self.licence_url,
            "citation": citation,
            "retrieved_at": first.retrieved_at,
            "sha256": sha256,
            "bytes": sum(f.size for f in files),
            "rows": rows,
        }
