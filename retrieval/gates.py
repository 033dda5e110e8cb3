"""Quality gates of `newsbot eval`: each a `--min-…`/`--max-…` option bounding one figure.

Kept apart from `evaluate` (and free of heavy imports) because the CLI builds its options
from this table when it starts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrieval.evaluate import Summary


@dataclass(frozen=True)
class Threshold:
    """A quality gate: a command-line option bounding one summary figure."""

    option: str
    label: str
    help: str
    value: Callable[[Summary], float]
    minimum: bool  # True: the figure must be >= the limit; False: <=


THRESHOLDS = (
    Threshold(
        "--min-article-at-1",
        "article@1",
        "article Recall@1 (the cited article is the gold one)",
        lambda s: s.article_recall[1],
        True,
    ),
    Threshold(
        "--min-paragraph-at-1",
        "paragraph@1",
        "paragraph Recall@1",
        lambda s: s.paragraph_recall[1],
        True,
    ),
    Threshold("--min-evidence", "evidence@1", "evidence@1", lambda s: s.evidence, True),
    Threshold("--min-answer", "answer EM", "answer exact match", lambda s: s.exact_match, True),
    Threshold("--min-f1", "answer F1", "answer F1", lambda s: s.f1, True),
    Threshold(
        "--min-abstain-recall",
        "abstain recall",
        "the share of unanswerable questions abstained on",
        lambda s: s.abstention.recall,
        True,
    ),
    Threshold(
        "--max-false-abstain",
        "false abstain",
        "the share of answerable questions wrongly abstained on",
        lambda s: s.abstention.false_rate,
        False,
    ),
)


def check(summary: Summary, limits: dict[str, float]) -> list[str]:
    """One line per gate in `limits` (keyed by option) that the summary does not meet."""
    failures = []
    for gate in THRESHOLDS:
        if gate.option not in limits:
            continue
        limit, got = limits[gate.option], gate.value(summary)
        if math.isnan(got):
            failures.append(f"{gate.label} not measured (no question measures it), {gate.option}")
        elif (got < limit) if gate.minimum else (got > limit):
            side = "below" if gate.minimum else "above"
            failures.append(f"{gate.label} {got:.3f} is {side} {gate.option} {limit}")
    return failures
