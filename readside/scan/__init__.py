"""The paragraph checker: find every statistic in a paragraph, tie it to its subject, check it.

One module per job: words.py (the vocabulary of the four languages), language.py (which
language a paragraph, sentence or clause is in), numbers.py (numbers read in the clause's
locale), places.py (area names), clauses.py (sentences and clauses), tie.py (the model: a tie and
the words that decided it), measures.py (what a figure measures), ties.py (each figure tied to
the subject of its own clause), reading.py (all of that for a
paragraph), paragraph.py (the check, one row per figure), refresh.py (the refreshed paragraph),
output.py (the command's formats and registry YAML). The checking itself is readside.claims',
shared with the registry; the per-source values are readside.vintage_values'.
"""

from readside.scan.clauses import Sentence, read_sentence, split_sentences
from readside.scan.numbers import Number, find_numbers, parse_number
from readside.scan.output import as_csv, as_markdown, as_table, registry_yaml, slug
from readside.scan.paragraph import (
    COLUMNS,
    CPU_SECONDS,
    MAX_CHARS,
    NOT_UNDERSTOOD,
    Scan,
    TextTooLong,
    cited_revision,
    claim_id,
    figure_frame,
    scan,
    tied_by,
)
from readside.scan.places import Lexicon, Place
from readside.scan.reading import read
from readside.scan.tie import Evidence, Found, Tie

__all__ = ["COLUMNS", "CPU_SECONDS", "MAX_CHARS", "NOT_UNDERSTOOD", "Evidence", "Found", "Lexicon", "Number", "Place",
           "Scan", "Sentence", "TextTooLong", "Tie", "as_csv", "as_markdown", "as_table", "cited_revision", "claim_id",
           "figure_frame", "find_numbers", "parse_number", "read", "read_sentence", "registry_yaml", "scan", "slug",
           "split_sentences", "tied_by"]
