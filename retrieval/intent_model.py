"""The fitted intent model: a question's features (`retrieval.intent.features`) → its intent.

A multinomial logistic regression whose weights are data (`data/intent_model.json`), written by
`python -m benchmarks.fit_intents` with the commit, the question sets and the regularisation
chosen by cross-validation. A question's score for an intent is that intent's bias plus the
weights of the features it has; the highest wins. A few dozen dictionary look-ups a question.
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
    """Per-feature weights, one per intent, the intents' biases, and where they came from."""

    intents: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    provenance: dict

    def scores(self, features: list[str]) -> list[float]:
        """Each intent's score: a log-odds up to a constant shared by the intents."""
        total = list(self.bias)
        for name in features:
            row = self.weights.get(name)
            if row is not None:
                total = [t + w for t, w in zip(total, row, strict=True)]
        return total

    def predict(self, features: list[str]) -> str:
        """The intent scoring highest."""
        scores = self.scores(features)
        return self.intents[max(range(len(scores)), key=scores.__getitem__)]

    def to_json(self) -> dict:
        return {"intents": list(self.intents), "bias": list(self.bias),
                "provenance": self.provenance,
                "weights": {name: list(row) for name, row in self.weights.items()}}


def load(path: Path) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        tuple(data["intents"]), tuple(data["bias"]),
        {name: tuple(row) for name, row in data["weights"].items()}, data.get("provenance", {}),
    )


@cache
def model() -> Model | None:
    """The shipped model (`data/intent_model.json`); None without one (the rules decide)."""
    path = data_dir() / MODEL_FILE
    return load(path) if path.exists() else None
