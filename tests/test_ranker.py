"""The fitted answering model: weights as data, with where they came from."""

from __future__ import annotations

import json

from retrieval import ranker
from retrieval.features import CHEAP, NAMES


def test_the_shipped_model_names_its_command_commit_and_data():
    model = ranker.model()
    provenance = model.provenance
    assert provenance["command"].startswith("python -m benchmarks.fit_answerer")
    assert provenance["commit"] and provenance["data"]
    assert not any("questions_reader_test" in name for name in provenance["data"])
    assert set(model.cheap) == set(CHEAP)
    assert set(model.full) == set(NAMES)


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
