"""The fitted scoring model: feature values → a candidate sentence's score.

A linear model whose weights are data (`data/answerer_model.json`), written by
`python -m benchmarks.fit_answerer` with the commit and the question sets they were fitted on.
Two weight vectors: `cheap` orders every sentence of the articles read on the cheap features
alone, so that the costly ones are computed for the best few; `full` scores those few on all.
Both are conditional-logit (softmax over a question's candidates) fits, so a score is a
log-odds of being the sentence that answers, comparable within one question.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from retrieval.resources import data_dir

MODEL_FILE = "answerer_model.json"


@dataclass(frozen=True)
class Model:
    """The fitted weights and where they came from."""

    cheap: dict[str, float]
    full: dict[str, float]
    abstain: dict[str, float]
    provenance: dict
    # The noun-phrase scorer of `retrieval.spans` and its decision whether the best phrase or
    # the sentence is the answer (a model without them keeps the sentence).
    span: dict[str, float] = field(default_factory=dict)
    span_decide: dict[str, float] = field(default_factory=dict)

    def score(self, features: dict[str, float], stage: str = "full") -> float:
        weights = self.cheap if stage == "cheap" else self.full
        return sum(w * features.get(name, 0.0) for name, w in weights.items())

    def abstain_score(self, features: dict[str, float]) -> float:
        """Log-odds that the best sentence answers, less the threshold fitted on the tune split:
        below 0 the bot says it does not know."""
        return sum(w * features.get(name, 0.0) for name, w in self.abstain.items())

    def to_json(self) -> dict:
        return {"cheap": self.cheap, "full": self.full, "abstain": self.abstain,
                "span": self.span, "span_decide": self.span_decide,
                "provenance": self.provenance}


def load(path: Path) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(data["cheap"], data["full"], data.get("abstain", {}), data.get("provenance", {}),
                 data.get("span", {}), data.get("span_decide", {}))


@cache
def model() -> Model:
    """The shipped model (`data/answerer_model.json`)."""
    return load(data_dir() / MODEL_FILE)
