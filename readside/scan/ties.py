"""Tie each figure to the subject of its own clause: metric, area, origin, year, sex — and say why.

The rules, nearest words first, never a word of another clause (tests/test_scan_corpus.py
measures them on a corpus of 60+ paragraphs):
1. The figure's phrase: the words between the previous figure of its clause (or the clause's
   start) and the next one (or the clause's end); the noun right after the number ("millones
   de migrantes", "million refugees") is its head.
2. Its clause; for a parenthesis, the clause around it.
3. The sentence's shared year and area (clauses.py), only when the clause names none.
4. Three constructions take their subject from the figure they refer to, and say so: a
   comparison ("frente a 58 millones en 2010", "compared with", "contre"), a clause of parts
   ("including 58.7 million in North America") and a clause that elides its verb and noun
   (", and Central America 2.4 million").
Each decision keeps the words that made it (`Evidence`), shown beside the figure. Two subjects
that could both govern the figure (two areas in a list, "refugees and migrants", women and men)
leave it not understood, with the reason: a wrong tie is worse than none.
"""

from __future__ import annotations

import re

from readside.scan.clauses import Clause, Sentence
from readside.scan.measures import PROTECTION, kinds_of, metric_of, persons_count
from readside.scan.numbers import Number
from readside.scan.places import Place
from readside.scan.tie import Evidence, Phrase, Tie, clause_text, phrase
from readside.scan.words import ARTICLES, KEYWORDS, alternation, fold, has_keyword

PREPOSITION = (r"(?<!\w)(?:in|within|across|for|to|into|en|em|na|no|nas|nos|dans|au|aux|a|à|para|hacia|vers|hacía|"
               r"de|of|del|da|do|des|du)\s+(?:the\s+|el\s+|la\s+|los\s+|las\s+|les\s+|le\s+|l'|o\s+|os\s+|as\s+|a\s+)?$")
YEAR_RANGE = (r"(?:between|from|entre|de|desde|du|des|del)\s+(\d{4})\s+(?:and|to|y|a|al|hasta|et|à|au|e|para|até)\s+"
              r"(\d{4})|(\d{4})\s?[-–]\s?(\d{4})")
LIST_JOINER = (r"^\s*(?:,|and|y|e|et|or|o|ou|&)\s*(?:,\s*)?(?:(?:and|y|e|et)\s+)?"
               r"(?:(?:in|en|em|no|na|nos|nas|au|aux|à|a|dans)\s+)?(?:(?:the|el|la|les|le|o|a|os|as)\s+|l')?$")


# ---- the figures of one sentence ----


def tie_sentence(sentence: Sentence) -> list[Tie]:
    """Each figure of the sentence tied, in order; then changes, ratios and parts against the others."""
    ties: list[Tie] = []
    for clause in sorted(sentence.clauses, key=lambda c: c.start):
        for number in clause.numbers:
            ties.append(_tie(sentence, clause, number, ties))
    ties.sort(key=lambda f: f.number.start)
    for item in ties:
        if item.understood and item.metric in ("change_percent", "remittances_change_percent"):
            _change_years(sentence, item, ties)
    for item in ties:
        if item.understood and item.metric == "ratio":
            _ratio(item, ties)
    parts(sentence, ties)
    return ties


def _tie(sentence: Sentence, clause: Clause, number: Number, before: list[Tie]) -> Tie:
    tie = Tie(sentence.number, clause.index, number)
    if number.problem:
        return tie.fail(number.problem)
    words = phrase(sentence, clause, number)
    referent, scope = _referent(sentence, clause, number, words, before)
    kind_scope = kinds_of(sentence, clause, words)
    number = persons_count(number, words, kind_scope, referent)
    tie.number = number
    if number.unit == "plain":
        return tie.fail("unit")
    if number.unit == "times":
        tie.metric = "ratio"
        tie.evidence.append(Evidence("metric", number.text, "phrase"))
    elif not metric_of(tie, kind_scope, referent, scope, any(p.role == "origin" for p in clause.places)):
        return tie
    if tie.metric != "ratio" and not _where(tie, sentence, clause, words, referent, scope):
        return tie
    if tie.metric in ("change_percent", "remittances_change_percent", "ratio", "flow_change_percent"):
        return tie
    _when(tie, sentence, clause, number, words, referent, scope)
    return tie


# ---- which figure a comparison, a part or an elided clause refers to ----


def _referent(sentence: Sentence, clause: Clause, number: Number, words: Phrase, before: list[Tie]) -> tuple[Tie | None, str]:
    """The figure this one takes its subject from, if its wording says so, and how."""
    folded_lead = fold(words.lead)
    comparison = rf"(?:{alternation(KEYWORDS['comparison'])})(?:\s+{ARTICLES})?\s*(?:\w+\s+)?$"
    earlier = [t for t in before if t.number.start < number.start and t.understood]
    if re.search(comparison, folded_lead) and earlier:
        return earlier[-1], "compared"
    if clause.kind == "parts" and clause.numbers and clause.numbers[0] is number:
        totals = [t for t in earlier if sentence.clauses[t.clause].start < clause.start]
        if totals:
            return totals[-1], "parts"
    if clause.kind == "coordinate" and earlier:
        previous = [t for t in earlier if sentence.clauses[t.clause].start < clause.start]
        if previous:
            return previous[-1], "ellipsis"
    if clause.kind == "parts" and earlier:
        return earlier[-1], "parts"
    return None, ""


# ---- where ----


def _origin_before(sentence: Sentence, place: Place) -> bool:
    """'migrants from Venezuela', 'nacidos en Colombia': the place is an origin, not where they live."""
    return re.search(rf"(?<!\w)(?:{alternation(KEYWORDS['origin'])})(?:\s+|(?<=')|\s*d')(?:{ARTICLES}\s+)?$",
                     fold(sentence.text[:place.start])) is not None


def _places_in(clause: Clause, sentence: Sentence, start: int, end: int) -> list[Place]:
    return [p for p in clause.places if start <= p.start < end]


def _where(tie: Tie, sentence: Sentence, clause: Clause, words: Phrase, referent: Tie | None, scope: str) -> bool:
    """Area (where the persons live, the money goes, the event happens) and origin; routes for IOM."""
    number = tie.number
    candidates = [p for p in clause.places if p.role in ("area", "origin", "ambiguous")]
    origins = [p for p in candidates if p.role == "origin" or (p.role == "area" and _origin_before(sentence, p))]
    hosts = [p for p in candidates if p not in origins]
    if tie.metric == "remittances_paid" and origins and not hosts:
        hosts, origins = origins, []
    if origins:
        origin = _nearest(origins, number)
        tie.origins, tie.origin_labels = origin.areas, origin.labels
        tie.evidence.append(Evidence("origin", origin.text, "clause"))
        if tie.metric == "stock":
            tie.metric = "corridor"
        elif tie.metric not in PROTECTION:
            tie.fail("origin")
            return False
    if tie.metric == "dead_missing" and clause.routes:
        route = clause.routes[0]
        tie.detail = route.key
        tie.evidence.append(Evidence("route", route.text, "clause"))
        tie.areas, tie.labels = (), ()
        return True
    place, place_scope = _host(sentence, clause, number, words, hosts, origins)
    if place is None and referent is not None and referent.areas and scope in ("compared", "ellipsis"):
        tie.areas, tie.minus, tie.labels = referent.areas, referent.minus, referent.labels
        tie.evidence.append(Evidence("area", _words_of(referent), scope))
        return True
    if place is None:
        if tie.origins and tie.metric in PROTECTION:
            return True  # by origin only: "Venezuelans displaced abroad"
        tie.fail("area")
        return False
    if place.role == "ambiguous":
        tie.fail("ambiguous_area")
        return False
    if _in_list(sentence, place):
        tie.fail("several_areas")
        return False
    tie.areas, tie.minus, tie.labels = place.areas, place.minus, place.labels
    tie.evidence.append(Evidence("area", place.text, place_scope))
    return True


def _words_of(tie: Tie) -> str:
    area = next((e.words for e in tie.evidence if e.role == "area"), "")
    return area or tie.label("en")


def _nearest(places: list[Place], number: Number) -> Place:
    return min(places, key=lambda p: min(abs(p.start - number.end), abs(number.start - p.end)))


def _host(sentence: Sentence, clause: Clause, number: Number, words: Phrase, hosts: list[Place],
          origins: list[Place]) -> tuple[Place | None, str]:
    """The area right after the figure when a preposition introduces it ('58,7 millones en América del
    Norte'), else the nearest before it in its phrase, else any after it in its phrase, else the
    only one of its clause (or of the clause around a parenthesis), else the sentence's."""
    trailing = [p for p in hosts if number.end <= p.start < words.trail_end]
    leading = [p for p in hosts if words.lead_start <= p.start < number.start]
    introduced = [p for p in trailing[:1] if re.search(PREPOSITION, fold(sentence.text[number.end:p.start]))]
    if introduced:
        return introduced[0], "phrase"
    if leading:
        return leading[-1], "phrase"
    if trailing:
        return trailing[0], "phrase"
    if len({p.key for p in hosts}) == 1:
        return hosts[0], "clause"
    if hosts:
        return None, ""  # several areas in the clause, none in the phrase: uncertain
    if clause.parent is not None:
        parent = [p for p in sentence.clauses[clause.parent].places if p.role in ("area", "ambiguous")]
        if len({p.key for p in parent}) == 1:
            return parent[0], "parent"
    if sentence.frame_area is not None and sentence.frame_area not in origins \
            and not _origin_before(sentence, sentence.frame_area):
        return sentence.frame_area, "sentence"
    return None, ""


def _in_list(sentence: Sentence, place: Place) -> bool:
    """'Canada and the United States', 'Chile, Colombia y Perú': one of several areas listed together."""
    others = [p for p in sentence.places if p is not place and p.role == "area"]
    for other in others:
        a, b = (other, place) if other.end <= place.start else (place, other)
        if re.match(LIST_JOINER, fold(sentence.text[a.end:b.start])):
            return True
    return False


# ---- when ----


def _when(tie: Tie, sentence: Sentence, clause: Clause, number: Number, words: Phrase, referent: Tie | None, scope: str) -> None:
    """The year right after the figure ('70,3 millones en 2019'), else one in its phrase not taken
    by another figure, else the only one of its clause, else the sentence's when the clause has none."""
    claimed = {id(y) for n in clause.numbers if n is not number for y in _adjacent_years(clause, n)}
    adjacent = _adjacent_years(clause, number)
    free = [y for y in clause.years if id(y) not in claimed]
    in_phrase = [y for y in free if words.lead_start <= y.start < words.trail_end]
    year, where = None, ""
    if adjacent:
        year, where = adjacent[0], "phrase"
    elif (span := _span_end(sentence, clause, number)) is not None:
        year, where = span, "clause"
    elif len({int(y.value) for y in in_phrase}) == 1:
        year, where = in_phrase[0], "phrase"
    elif len({int(y.value) for y in free}) == 1 and not claimed:
        year, where = free[0], "clause"
    elif not clause.years and clause.parent is not None and len({int(y.value) for y in sentence.clauses[clause.parent].years}) == 1:
        year, where = sentence.clauses[clause.parent].years[0], "parent"
    elif not clause.years and sentence.frame_year is not None:
        year, where = sentence.frame_year, "sentence"
    if year is not None:
        tie.year = int(year.value)
        tie.evidence.append(Evidence("year", year.text, where))
        return
    if referent is not None and referent.year and scope in ("parts", "ellipsis") or \
            (referent is not None and scope == "compared" and referent.areas != tie.areas and referent.year):
        tie.year = referent.year
        tie.evidence.append(Evidence("year", str(referent.year), scope))
        return
    tie.fail("year")


def _span_end(sentence: Sentence, clause: Clause, number: Number) -> Number | None:
    """'Between 2000 and 2024 … from 4.2 million to 12.6 million': the first figure is the period's
    start, the second its end (only when the clause says exactly that)."""
    period = re.search(YEAR_RANGE, clause_text(sentence, clause), flags=re.IGNORECASE)
    levels = [n for n in clause.numbers if n.unit == number.unit]
    if period is None or len(levels) != 2 or len(clause.years) != 2:
        return None
    first, second = levels
    lead_first = fold(sentence.text[clause.start:first.start])
    lead_second = fold(sentence.text[first.end:second.start])
    if not (re.search(r"(?:from|de|desde|du|da)\s*$", lead_first) and re.search(r"(?:to|a|à|au|hasta|para|até)\s*$", lead_second)):
        return None
    years = sorted(clause.years, key=lambda y: y.value)
    return years[0] if number is first else years[1]


def _adjacent_years(clause: Clause, number: Number) -> list[Number]:
    return [y for y in clause.years if 0 <= y.start - number.end <= 12]


# ---- changes and ratios: their period and their operands ----


def _change_years(sentence: Sentence, item: Tie, ties: list[Tie]) -> None:
    """Base and end year: a stated period in the clause (else the sentence), the year before
    ('previous year'), the levels of the same area in the sentence, or another change in it."""
    clause = next(c for c in sentence.clauses if c.index == item.clause)
    for text in (clause_text(sentence, clause), sentence.text):
        period = re.search(YEAR_RANGE, text, flags=re.IGNORECASE)
        if period:
            years = [int(y) for y in period.groups() if y]
            item.base_year, item.year = min(years), max(years)
            item.evidence.append(Evidence("year", period.group(), "clause" if text != sentence.text else "sentence"))
            return
    if has_keyword("previous_year", sentence.folded) and sentence.years:
        year = _nearest_year(sentence, item.number)
        item.year, item.base_year = year, year - 1
        item.evidence.append(Evidence("year", str(year), "sentence"))
        return
    levels = sorted({f.year for f in ties if f.metric in ("stock", "remittances") and f.understood and f.year
                     and (f.areas, f.minus) == (item.areas, item.minus)})
    if len(levels) >= 2:
        item.base_year, item.year = levels[0], levels[-1]
        item.evidence.append(Evidence("year", f"{levels[0]}–{levels[-1]}", "sentence"))
        return
    other = next((f for f in ties if f is not item and f.metric == item.metric and f.base_year), None)
    if other is None:
        item.fail("period")
    else:
        item.base_year, item.year = other.base_year, other.year


def _nearest_year(sentence: Sentence, number: Number) -> int:
    return int(min(sentence.years, key=lambda y: min(abs(y.start - number.end), abs(number.start - y.end))).value)


def _ratio(item: Tie, ties: list[Tie]) -> None:
    """'three times higher' is checkable only against the two figures it compares."""
    others = [f for f in ties if f.understood and f.metric != "ratio"]
    numerator = [f for f in others if (f.areas, f.minus) == (item.areas, item.minus)]
    denominator = [f for f in others if numerator and f.metric == numerator[0].metric and f.areas != item.areas]
    if not numerator or not denominator:
        item.reason = "ratio"


def parts(sentence: Sentence, ties: list[Tie]) -> None:
    """'73.5 million …, including 58.7 million in … and 12.5 million in …': parts of a stated total."""
    for clause in (c for c in sentence.clauses if c.kind == "parts"):
        before = [f for f in ties if f.understood and f.number.end <= clause.start]
        if not before:
            continue
        total = before[-1]
        for part in (f for f in ties if f.understood and clause.start <= f.number.start < clause.end):
            if (part.metric, part.year, part.number.unit) == (total.metric, total.year, total.number.unit) \
                    and part.areas != total.areas:
                part.total = total
