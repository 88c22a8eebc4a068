"""Check every quoted figure against every loaded revision, and refresh the sentence.

Why: a sentence such as "migrants in the Americas jumped from 47 million in 2000 to 70.3 million
in 2019" is re-used for years. Before a meeting the secretariat must know whether each figure
still holds, what the latest revision says, and how to rewrite it with a proper citation.

Precision semantics: what a quoted figure covers, from its `decimals` and `qualifier` in
data/claims/*.yaml. Intervals are closed and in the quoted unit.
- exact (the default): the data rounds to the quoted value at the quoted decimals.
  "70.3 million" covers [70.25, 70.35]; "47 million" covers [46.5, 47.5]; "7.2%" [7.15, 7.25].
- around: ±5 % of the quoted value (or the rounding interval, if that is wider).
  "around 34 million" covers [32.3, 35.7]: 33.6 matches, 36.0 does not.
- nearly: slightly below. From 5 % below the quoted value up to the quoted value plus
  rounding: "nearly 78%" covers [74.1, 78.5]. The 5 % is relative, as for "around", so one
  rule serves millions and percentages alike.
- more than: from the quoted value upwards ("superó los 11 millones" is false for 10.9 million:
  a bound is not a rounded value); less than: up to the quoted value.
- derived: computed by the document from its other figures ("three times" = 17 % / 5 %); it is
  checked under internal consistency, with the rounding interval of an exact figure.

Statuses, per figure and loaded revision:
- `matches` / `differs`: the revision's value for that year (and base year) is inside / outside
  the interval.
- `revised`: in the latest revision only, a figure that differs there but matched the revision
  the document cites.
- `year not published`: the revision has no such year. The note gives the nearest published
  years and, between two of them, a linear interpolation labelled `interpolated` (the `basis`
  column says so too). An interpolation never decides a status.
- `not reported` (other publishers): the cell is a placeholder (a 0 for money) or blank, or a
  sum over members lacks members that weigh (readside.reporting); never compared. A publisher's
  own aggregate in such a partial year is compared as published, with a note saying how many
  members it counts, and never refreshes a sentence.
- `not checkable with current sources`: no loaded source publishes the metric (migration flows).
  The note says which source would check it (the registry's `checkable_with`).
Figures of the other publishers (World Bank, UNHCR, WPP, KNOMAD, OECD, IOM, IDMC; see
readside/vintage_values.py) get one row per vintage of their source instead of per revision.
Across rows, `verdict` gives each figure one status, the same on /claims and /check: matches (the
newest revision or vintage that publishes the year matches), revised (an older one matched),
differs, not reported, year not published, not checkable.
When the cited revision (2013, 2015) is not loaded, the note says so; the statuses are then
against the loaded revisions only.

Derived figures are recomputed from the data: a change is 100 x (level / base level - 1), where a
level is the sum of `areas` minus the sum of `minus_areas`, so the rest of the world is
900 - (904 + 905). Internal consistency (the quote against itself) is readside/consistency.py.

One module per job: precision.py (what a wording covers), notes.py (findings rendered in the
reader's language), context.py (the data a check needs, read once), checks.py (statuses per
revision or vintage), verdicts.py (one status per figure, the same on /claims and /check),
refresh.py (a registry claim's refreshed sentence and citation). The other publishers' values
are readside.vintage_values'; the rules for placeholders and members reporting, readside.reporting's.
"""

from readside.claims.checks import (
    DIFFERS,
    INTERPOLATED,
    MATCHES,
    NOT_CHECKABLE,
    NOT_PUBLISHED,
    NOT_REPORTED,
    PUBLISHED,
    REVISED,
    SEVERITY,
    FigureCheck,
    check_all,
    check_claim,
    check_figure,
    check_figures,
)
from readside.claims.context import COMPUTABLE, SHARES, Context
from readside.claims.notes import (
    SHOWN_DECIMALS,
    Localized,
    Note,
    Num,
    Quantity,
    Quoted,
    Word,
    format_value,
    notes_text,
    quoted_text,
    render,
)
from readside.claims.precision import RELATIVE_SPREAD, covers, figure_interval, tolerance
from readside.claims.refresh import (
    citation,
    long_date,
    refreshed_decimals,
    refreshed_sentence,
    sentence_with_citation,
)
from readside.claims.verdicts import Verdict, as_checks, claim_status, verdict, verdicts

__all__ = ["COMPUTABLE", "DIFFERS", "INTERPOLATED", "MATCHES", "NOT_CHECKABLE", "NOT_PUBLISHED", "NOT_REPORTED",
           "PUBLISHED", "RELATIVE_SPREAD", "REVISED", "SEVERITY", "SHARES", "SHOWN_DECIMALS", "Context", "FigureCheck",
           "Localized", "Note", "Num", "Quantity", "Quoted", "Verdict", "Word", "as_checks", "check_all", "check_claim",
           "check_figure", "check_figures", "citation", "claim_status", "covers", "figure_interval", "format_value",
           "long_date", "notes_text", "quoted_text", "refreshed_decimals", "refreshed_sentence", "render",
           "sentence_with_citation", "tolerance", "verdict", "verdicts"]
