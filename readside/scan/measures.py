"""What a figure measures: the metric (and sex, cause, flow type, sign) from the words of its
phrase, else of its clause; the series family each noun names is in words.py.

A head noun right after the number decides first ("millones de migrantes", "million refugees");
two subjects joined ("refugees and migrants"), two protection groups, women and men together, or
displacements without their cause leave the figure not understood, with the reason.
"""

from __future__ import annotations

import re

from readside.scan.clauses import Clause, Sentence
from readside.scan.numbers import Number, as_persons
from readside.scan.tie import Evidence, Phrase, Tie, clause_text
from readside.scan.words import KEYWORDS, alternation, fold, has_keyword, keyword_spans

PERSON_KINDS = ["displaced_abroad", "oip", "asylum_seekers", "refugees", "net_migration", "dead_missing",
                "new_displacements", "inflows", "migrants"]
PROTECTION = {"displaced_abroad", "oip", "asylum_seekers", "refugees"}
EVENTS = {"net_migration", "dead_missing", "new_displacements", "inflows"}


def kinds_of(sentence: Sentence, clause: Clause, words: Phrase) -> list[tuple[str, set[str], str]]:
    """(scope, kinds found, words) for the head noun, the phrase, the clause and the parent clause."""
    def found(text: str) -> set[str]:
        folded = fold(text)
        return {kind for kind in KEYWORDS if kind not in ("parts", "origin", "comparison", "previous_year", "negative")
                and has_keyword(kind, folded)}
    out = [("head", found(words.head), words.head), ("phrase", found(words.lead + " " + words.trail),
                                                      words.lead + "…" + words.trail),
           ("clause", found(clause_text(sentence, clause)), clause_text(sentence, clause))]
    if clause.parent is not None:
        parent = sentence.clauses[clause.parent]
        out.append(("parent", found(clause_text(sentence, parent)), clause_text(sentence, parent)))
    return out


def persons_count(number: Number, words: Phrase, kinds: list, referent: Tie | None) -> Number:
    """A plain count ('1,726,089 migrants', '194 migrantes murieron') is persons when a noun of
    persons follows it, or when it is large and its phrase is about persons."""
    if number.unit != "plain" or number.decimals:
        return number
    head = kinds[0][1]
    if head & set(PERSON_KINDS) or (number.value >= 1000 and kinds[1][1] & set(PERSON_KINDS)):
        return as_persons(number)
    if referent is not None and referent.number.unit == "million" and number.value >= 1000:
        return as_persons(number)
    return number


def _first(kinds: list, wanted: set[str]) -> tuple[str, set[str], str] | None:
    return next(((scope, found & wanted, text) for scope, found, text in kinds if found & wanted), None)


def metric_of(tie: Tie, kinds: list, referent: Tie | None, scope: str, origin: bool) -> bool:
    """The metric from the figure's own words; a comparison, part or elided clause without them
    takes its referent's. False (and the reason set) when it cannot be told."""
    unit = tie.number.unit
    own = _first(kinds, _relevant(unit))
    if own is None and referent is not None and referent.understood and referent.number.unit == unit:
        _inherit(tie, referent, scope)
        return True
    if own is None:
        tie.fail("origin" if origin else "metric")
        return False
    metric = {"billion US$": _money_metric, "percent": _percent_metric, "million": _person_metric}[unit](tie, kinds)
    if metric is None:
        return False
    tie.metric = metric
    return True


def _relevant(unit: str) -> set[str]:
    return {"billion US$": {"remittances"},
            "percent": {"remittances", "population", "women", "men", "change", "flows", "inflows", "gdp"},
            "million": set(PERSON_KINDS)}.get(unit, set())


def _evidence(tie: Tie, kinds: list, wanted: set[str], role: str = "metric") -> str | None:
    """The first scope naming one of `wanted`: record its words; return the kind."""
    hit = _first(kinds, wanted)
    if hit is None:
        return None
    scope, found, text = hit
    kind = sorted(found)[0]
    spans = keyword_spans(kind, fold(text))
    words = text[spans[0][0]:spans[0][1]] if spans else kind
    tie.evidence.append(Evidence(role, words, "phrase" if scope == "head" else scope))
    return kind


def _money_metric(tie: Tie, kinds: list) -> str | None:
    _evidence(tie, kinds, {"remittances"})
    if _evidence(tie, kinds, {"paid"}):
        return "remittances_paid"
    return "remittances"


def _percent_metric(tie: Tie, kinds: list) -> str | None:
    hit = _first(kinds, _relevant("percent"))
    scope, found, _ = hit
    level = [k for k in kinds if k[0] == scope][0][1]  # everything said at the deciding level
    clause = next(k[1] for k in kinds if k[0] == "clause")
    if "remittances" in level | clause:
        _evidence(tie, kinds, {"remittances"})
        if _evidence(tie, kinds, {"gdp"}):
            return "remittances_gdp"
        if _evidence(tie, kinds, {"change"}):
            return "remittances_change_percent"
        return _no(tie, "metric")
    if (level | clause) & {"flows", "inflows"} and "change" in level | clause:
        _evidence(tie, kinds, {"flows", "inflows"})
        _evidence(tie, kinds, {"change"})
        return "flow_change_percent"
    if "population" in level | clause and "migrants" in clause:
        _evidence(tie, kinds, {"population"})
        _evidence(tie, kinds, {"migrants"})
        return "share"
    sexes = _first(kinds, {"women", "men"})
    if sexes is not None and "population" not in level:
        if len(sexes[1]) > 1:
            return _no(tie, "sex")
        tie.sex = "female" if "women" in sexes[1] else "male"
        _evidence(tie, kinds, {"women", "men"}, "sex")
        return "share_sex"
    if "change" in level | clause and "migrants" in clause:
        _evidence(tie, kinds, {"change"})
        _evidence(tie, kinds, {"migrants"})
        return "change_percent"
    return _no(tie, "metric")


def _person_metric(tie: Tie, kinds: list) -> str | None:
    hit = _first(kinds, set(PERSON_KINDS))
    scope, found, _ = hit
    near = kinds[0][1] | kinds[1][1]  # the head and the phrase
    if len(near & PROTECTION) > 1:
        return _no(tie, "several_metrics")
    protection = found & PROTECTION
    if len(protection) > 1 or (protection and "migrants" in found and _coordinated(hit[2])):
        return _no(tie, "several_metrics")
    events = found & EVENTS
    if len(events) > 1:
        return _no(tie, "several_metrics")
    kind = next(iter(protection or events or found))
    _evidence(tie, kinds, {kind})
    if kind == "net_migration":
        tie.negative = tie.number.negative or any(has_keyword("negative", fold(text)) for _, _, text in kinds[:3])
    if kind == "dead_missing":
        return "dead_missing"
    if kind == "new_displacements":
        cause = _evidence(tie, kinds, {"disaster", "conflict"}, "cause")
        if cause is None:
            return _no(tie, "cause")
        tie.detail = cause
        return "new_displacements"
    if kind == "inflows":
        flow = _evidence(tie, kinds, {"permanent", "temporary", "foreign_population"}, "flow")
        if flow is None:
            return _no(tie, "flow_type")
        tie.detail = flow
        return "inflows"
    if kind == "migrants":
        sexes = [k for k in (_first(kinds[:2], {"women", "men"}),) if k]
        if sexes and len(sexes[0][1]) > 1:
            return _no(tie, "sex")
        if sexes:
            tie.sex = "female" if "women" in sexes[0][1] else "male"
            _evidence(tie, kinds, {"women", "men"}, "sex")
        return "stock"
    return kind


def _no(tie: Tie, reason: str) -> None:
    tie.fail(reason)


def _coordinated(text: str) -> bool:
    """'refugees and migrants', 'refugiados y migrantes': two subjects joined."""
    folded = fold(text)
    protection = alternation([w for k in PROTECTION for w in KEYWORDS[k]])
    migrants = alternation(KEYWORDS["migrants"])
    joined = rf"(?:{protection})\w*\s+(?:and|y|e|et|or|o|ou)\s+(?:{migrants})|(?:{migrants})\w*\s+(?:and|y|e|et|or|o|ou)\s+(?:{protection})"
    return re.search(joined, folded) is not None


def _inherit(tie: Tie, referent: Tie, scope: str) -> None:
    tie.metric, tie.sex, tie.detail = referent.metric, referent.sex, referent.detail
    tie.evidence.append(Evidence("metric", referent.number.text, scope))
