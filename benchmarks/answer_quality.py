"""Answering quality of fitted models side by side: tune vs frozen test, CMRC, DRCD, ablations.

    python -m benchmarks.answer_quality                        # the shipped model
    python -m benchmarks.answer_quality --model data/answerer_model.json \\
        --model /tmp/answerer_model-no-thesaurus.json --drcd-limit 1000

Sets (columns): the bundled gold sets' `tune` and frozen `test` splits over the bundled
archive, the test split among distractors (`--haystack`: the CMRC trial's and DRCD test's
passages ingested beside the archive), the CMRC 2018 trial and DRCD test in the open setting.
Every model answers through the same `retrieval.answer.answer()` the bot uses; SQuAD files are
read from ../shared/data (licensed, never copied) and skipped when absent.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from retrieval import evaluate, ranker
from retrieval.answer import Conversation, answer
from retrieval.resources import bundled_gold, data_dir
from retrieval.search import Searcher

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CMRC = SHARED / "cmrc2018_trial.json"
DRCD = SHARED / "drcd_test.json"
ROWS = ("article R@1", "paragraph R@1", "evidence@1", "answer EM", "answer F1",
        "abstain recall", "false abstain", "latency p50 ms")


def _figures(summary: evaluate.Summary) -> dict[str, float | None]:
    return {
        "article R@1": summary.article_recall.get(1),
        "paragraph R@1": summary.paragraph_recall.get(1),
        "evidence@1": summary.evidence,
        "answer EM": summary.exact_match,
        "answer F1": summary.f1,
        "abstain recall": summary.abstention.recall,
        "false abstain": summary.abstention.false_rate,
        "latency p50 ms": summary.p50_ms,
    }


def _measure(
    gold: list[Path], squad: list[Path], haystack: list[Path], keep: Callable, limit: int | None
) -> dict[str, float | None]:
    store, questions = evaluate.prepare(gold, squad, haystack)
    with store:
        questions = [q for q in questions if keep(q)][:limit]
        searcher = Searcher.open(store)
        outcomes = evaluate.run(
            questions, lambda q, c: answer(q, searcher, k=10, conversation=c),
            new_conversation=Conversation,
        )
    return _figures(evaluate.summarize(outcomes, [1]))


def columns(drcd_limit: int | None, haystack: bool) -> dict[str, Callable[[], dict]]:
    gold = bundled_gold()
    sets: dict[str, Callable[[], dict]] = {
        "tune": lambda: _measure(gold, [], [], lambda q: q.split == "tune", None),
        "test": lambda: _measure(gold, [], [], lambda q: q.split == "test", None),
    }
    distractors = [p for p in (CMRC, DRCD) if p.is_file()]
    if haystack and distractors:
        sets["test+distractors"] = lambda: _measure(
            gold, [], distractors, lambda q: q.split == "test", None)
    if CMRC.is_file():
        sets["CMRC trial"] = lambda: _measure([], [CMRC], [], lambda q: True, None)
    if DRCD.is_file():
        sets["DRCD test"] = lambda: _measure([], [DRCD], [], lambda q: True, drcd_limit)
    return sets


def _cell(value: float | None, row: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}" if row.startswith("latency") else f"{value:.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, action="append",
                        help="a fitted model file (default: the shipped one); repeatable")
    parser.add_argument("--drcd-limit", type=int, help="DRCD questions asked (default: all)")
    parser.add_argument("--haystack", action="store_true",
                        help="also the test split among the CMRC/DRCD passages")
    args = parser.parse_args(argv)
    models = args.model or [data_dir() / ranker.MODEL_FILE]
    sets = columns(args.drcd_limit, args.haystack)
    for path in models:
        fitted = ranker.load(path)
        ranker.model.cache_clear()
        original, ranker.model = ranker.model, lambda fitted=fitted: fitted
        try:
            results = {}
            for name, measure in sets.items():
                print(f"{path.name}: {name} …", file=sys.stderr)
                results[name] = measure()
        finally:
            ranker.model = original
        dropped = ", ".join(fitted.provenance.get("dropped", [])) or "all features"
        print(f"\n{path.name} ({dropped})")
        width = max(map(len, ROWS))
        print(" " * width + "".join(f"  {name:>16}" for name in results))
        for row in ROWS:
            print(f"{row:<{width}}" + "".join(
                f"  {_cell(r[row], row):>16}" for r in results.values()))


if __name__ == "__main__":
    main()
