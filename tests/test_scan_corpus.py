"""The paragraph checker measured on its evaluation corpus (tests/data/scan_corpus.yaml: 67
paragraphs, four languages, eight sources): no wrong tie, at least 90% of the figures a careful
reader ties are tied, every verdict as expected, the language detected with no language chosen.
The figures are printed (`pytest -s`) and quoted in the README."""

from __future__ import annotations

import pytest

from readside.queries import Database
from tests.scan_corpus import corpus, evaluate


@pytest.fixture(scope="module")
def score(built_db):
    return evaluate(Database(built_db))


def test_the_corpus_covers_four_languages_and_eight_sources():
    items = corpus()
    assert len(items) >= 60
    assert {i["lang"] for i in items} == {"en", "es", "fr", "pt"}
    metrics = {f.get("metric") for i in items for f in i["figures"]}
    assert {"stock", "share", "share_sex", "remittances", "remittances_paid", "remittances_gdp", "refugees",
            "asylum_seekers", "oip", "displaced_abroad", "net_migration", "corridor", "inflows", "dead_missing",
            "new_displacements"} <= metrics


def test_no_wrong_tie_and_nine_in_ten_figures_tied(score):
    print(f"\nscan corpus: {score.paragraphs} paragraphs, {score.expected} figures to tie; tied {score.tied}, "
          f"right {score.right}, wrong {score.wrong}; precision {score.precision:.1%}, recall {score.recall:.1%}; "
          f"verdicts right {score.statuses}/{score.right}; language detected {score.languages}/{score.paragraphs}")
    assert score.wrong == 0, score.problems
    assert score.recall >= 0.9, score.problems


def test_every_verdict_is_the_expected_one(score):
    assert score.statuses == score.right, score.problems


def test_the_language_is_detected(score):
    assert score.languages >= 0.95 * score.paragraphs, score.problems
