"""What a build did with each source, in words an operator can act on.

Why: the notes used to say "not loaded" for sources whose rows were in fact kept from the
previous build, and `--strict` failed on optional inputs that are never in a mirror. Each source
now says whether it was loaded (files and rows), kept from the previous build (which vintages)
or absent, and whether it was asked for: `--strict` fails only for a source asked for and lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

LOADED, KEPT, ABSENT = "loaded", "kept", "absent"
VINTAGE_WORD = {"undesa_ims": "revisions", "knomad": "editions", "wpp": "editions"}


@dataclass(frozen=True)
class SourceReport:
    """One source's outcome; `asked` is True when the operator asked for it (a mirror was given
    for it, or the build fetched from the publishers)."""

    source: str
    state: str  # LOADED | KEPT | ABSENT
    asked: bool
    files: int = 0
    rows: int = 0
    vintages: tuple[str, ...] = ()
    why: str | None = None  # why it was not loaded (unreachable, no mirror given)
    optional_absent: tuple[str, ...] = field(default=())  # optional inputs not available (each has its note)

    @property
    def lost(self) -> bool:
        """Asked for and not loaded: what `--strict` reports."""
        return self.asked and self.state != LOADED

    def line(self) -> str:
        held = f"{VINTAGE_WORD.get(self.source, 'vintages')} {', '.join(self.vintages)}" if self.vintages else ""
        if self.state == LOADED:
            text = f"{self.source}: loaded {self.files} file{'s' if self.files != 1 else ''}, {self.rows:,} rows"
            text += f" ({held})" if held else ""
        elif self.state == KEPT:
            text = f"{self.source}: {self.why}; kept from the previous build: {held} ({self.rows:,} rows)"
        else:
            text = f"{self.source}: {self.why}; absent (no previous build holds it)"
        return text


def vintages_of(provenance: Iterable[dict]) -> tuple[str, ...]:
    """The distinct vintage labels of a source's provenance rows, in order."""
    return tuple(sorted({str(p.get("vintage") or p.get("revision")) for p in provenance}))


def strict_failures(reports: Iterable[SourceReport]) -> list[SourceReport]:
    return [r for r in reports if r.lost]
