"""The fitted answering model: weights as data, with where they came from."""

from __future__ import annotations

import json

from retrieval import ranker, spans
from retrieval.features import CHEAP, NAMES


def test_the_shipped_model_names_its_command_commit_and_data():
    model = ranker.model()
    provenance = model.provenance
    assert provenance["command"].startswith("python -m benchmarks.fit_answerer")
    assert provenance["commit"] and provenance["data"]
    assert not any("questions_reader_test" in name for name in provenance["data"])
    assert set(model.cheap) == set(CHEAP)
    assert set(model.full) == set(NAMES)
    assert set(model.span) == set(spans.NAMES) and set(model.span_decide) == set(spans.DECIDE)


def test_scores_are_the_weighted_sum_of_the_features(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({
        "cheap": {"own": 2.0}, "full": {"own": 1.0, "typed": 3.0},
        "abstain": {"article_cov": 4.0, "bias": -2.0}, "provenance": {},
    }), encoding="utf-8")
    model = ranker.load(path)
    features = {"own": 0.5, "typed": 1.0, "article_cov": 0.25}
    assert model.score(features, "cheap") == 1.0
    assert model.score(features) == 3.5
    assert model.abstain_score(features | {"bias": 1.0}) == -1.0


def test_the_abstention_threshold_counts_what_the_rules_refuse():
    from collections import Counter

    import numpy as np

    from benchmarks.fit_answerer import threshold

    scores = np.arange(100, dtype=float)  # 100 answerable questions of one source
    answered, source = np.ones(100), np.array(["tune"] * 100)
    free = threshold(scores, answered, source, Counter())
    # 5 of 105 ruled out already: the model may refuse 0.25 more of the 100, not 5.
    spent = threshold(scores, answered, source, Counter({("tune", True): 5}))
    assert 4.0 < free < 6.0 and spent < 1.0
    # The rules alone spending the budget leave the model nothing to refuse.
    assert threshold(scores, answered, source, Counter({("tune", True): 10})) == -np.inf


def test_a_left_out_tune_file_is_known_by_the_name_its_questions_were_read_from(tmp_path):
    from benchmarks.fit_answerer import _file_of
    from retrieval.evaluate import load_gold

    gold = tmp_path / "questions_reader_tune9.jsonl"
    gold.write_text('{"question": "谁？", "answers": ["潘彤"]}\n', encoding="utf-8")
    (question,) = load_gold(gold)
    assert _file_of(question) == "questions_reader_tune9.jsonl"


def test_the_decision_gives_the_phrase_where_it_scores_better_than_the_sentence():
    import numpy as np

    from benchmarks.fit_answerer import Phrases, fit_spans
    from retrieval import spans

    names = len(spans.NAMES)
    near = spans.NAMES.index("near")
    asked = dict.fromkeys(spans.ASKED, 0.0)

    def question(exact_first: bool, sentence_f1: float) -> Phrases:
        rows = np.zeros((2, names))
        rows[0, near] = 1.0  # the first phrase stands nearest the question's words
        exact = np.array([1, 0]) if exact_first else np.array([0, 1])
        return Phrases("drcd", rows, exact, exact.astype(float), sentence_f1, asked)

    def says_phrase(decide: dict[str, float]) -> bool:
        row = spans.decision_row(asked, 0.7, 2, dict.fromkeys(spans.NAMES, 0.0) | {"near": 1.0})
        return sum(decide[n] * row[n] for n in spans.DECIDE) > 0

    # The nearest phrase is right in most questions: the scorer learns to prefer it, and the
    # decision lets it answer, since it beats the sentence's F1 more often than not.
    weights, decide = fit_spans([question(True, 0.3)] * 8 + [question(False, 0.3)] * 2)
    assert weights["near"] > 0 and says_phrase(decide)
    # Where the nearest phrase is right but the sentence does better (its F1 counts in full),
    # the phrase is never given.
    _, never = fit_spans([question(True, 1.0)] * 8 + [question(False, 1.0)] * 2)
    assert not says_phrase(never)
