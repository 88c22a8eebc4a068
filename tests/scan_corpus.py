"""Scoring of the paragraph checker on its evaluation corpus (tests/data/scan_corpus.yaml): the
ties it makes against the ties a careful reader makes, and the verdicts against the expected ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from readside import scan
from readside.queries import Database

CORPUS = Path(__file__).resolve().parent / "data" / "scan_corpus.yaml"
FIELDS = ("metric", "areas", "year", "base_year", "sex", "origins", "detail")


def corpus() -> list[dict]:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def expected_tie(figure: dict) -> dict | None:
    if "tie" in figure:
        return None
    return {"metric": figure["metric"], "areas": sorted(figure.get("areas", [])), "year": figure.get("year"),
            "base_year": figure.get("base_year"), "sex": figure.get("sex", "total"),
            "origins": sorted(figure.get("origins", [])), "detail": figure.get("detail")}


def made_tie(tie: scan.Tie) -> dict | None:
    if not tie.understood:
        return None
    return {"metric": tie.metric, "areas": sorted(tie.areas), "year": tie.year, "base_year": tie.base_year,
            "sex": tie.sex, "origins": sorted(tie.origins), "detail": tie.detail}


@dataclass
class Score:
    expected: int = 0  # figures a careful reader ties
    tied: int = 0  # figures the checker ties
    right: int = 0  # ties equal to the reader's
    statuses: int = 0  # right ties whose verdict is the expected one
    languages: int = 0  # paragraphs whose language was detected right
    paragraphs: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.tied if self.tied else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def wrong(self) -> int:
        return self.tied - self.right


def evaluate(db: Database, items: list[dict] | None = None) -> Score:
    """Scan each paragraph with no language chosen and compare, figure by figure, in order."""
    score = Score()
    for item in corpus() if items is None else items:
        result = scan.scan(db, " ".join(item["text"].split()))
        score.paragraphs += 1
        score.languages += result.lang == item["lang"]
        if result.lang != item["lang"]:
            score.problems.append(f"{item['id']}: language {result.lang}")
        if len(result.found) != len(item["figures"]):
            score.problems.append(f"{item['id']}: {len(result.found)} figures found, {len(item['figures'])} expected")
        for tie, figure in zip(result.found, item["figures"], strict=False):
            want, made = expected_tie(figure), made_tie(tie)
            score.expected += want is not None
            score.tied += made is not None
            if made is None and want is None:
                continue
            if made != want:
                score.problems.append(f"{item['id']} {figure['quoted']!r}: tied {made} ({tie.reason}), expected {want}")
                continue
            verdict = result.verdicts[(scan.claim_id(tie.sentence), tie.figure_id)].status
            score.right += 1
            score.statuses += verdict == figure["status"]
            if verdict != figure["status"]:
                score.problems.append(f"{item['id']} {figure['quoted']!r}: verdict {verdict}, expected {figure['status']}")
    return score
