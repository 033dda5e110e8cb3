"""The fitted intent model: a question's features (`retrieval.intent.features`) → its intent.

A multinomial logistic regression whose weights are data (`data/intent_model.json`), written by
`python -m benchmarks.fit_intents` with the commit, the question sets and the regularisation
chosen by cross-validation. Scoring is a sum of the weights of the features present, one per
intent, and the highest wins: a few dozen dictionary look-ups a question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from retrieval.resources import data_dir

MODEL_FILE = "intent_model.json"


@dataclass(frozen=True)
class Model:
    """Per-feature weights, one per intent, with the intents' biases and where they came
    from."""

    intents: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    provenance: dict

    def scores(self, features: list[str]) -> list[float]:
        """Each intent's score (a log-odds up to a shared constant)."""
        total = list(self.bias)
        for name in features:
            row = self.weights.get(name)
            if row is not None:
                for i, w in enumerate(row):
                    total[i] += w
        return total

    def predict(self, features: list[str]) -> str:
        """The intent scoring highest."""
        scores = self.scores(features)
        return self.intents[max(range(len(scores)), key=scores.__getitem__)]

    def to_json(self) -> dict:
        return {"intents": list(self.intents), "bias": list(self.bias),
                "weights": {k: list(v) for k, v in self.weights.items()},
                "provenance": self.provenance}


def load(path: Path) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        tuple(data["intents"]), tuple(data["bias"]),
        {k: tuple(v) for k, v in data["weights"].items()}, data.get("provenance", {}),
    )


@cache
def model() -> Model | None:
    """The shipped model (`data/intent_model.json`); None when there is none (the rules
    decide)."""
    path = data_dir() / MODEL_FILE
    return load(path) if path.exists() else None
