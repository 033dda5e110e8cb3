"""Intent recognition and relative-date resolution, measured on the bundled question and
sentence sets (tune and frozen test side by side).

    python -m benchmarks.news_intents            # every figure: tune (and tune_extra) and test
    python -m benchmarks.news_intents --show     # and every miss of the tune splits

Intents: `data/eval/intent_{tune,tune_extra,generated,test}.jsonl`, lines {"question",
"intent"}, each question normalised as `answer()` does. tune_extra was written apart from the
code and the other sets (first measured before anything was mended on it); generated is
`python -m benchmarks.intent_generated`'s reader frames × the archive's topics × wrappers.
Dates: `data/eval/dates_{tune,test}.jsonl`, lines {"date",
"sentence", "phrase", "resolved"}: the phrase's mention in the sentence must resolve to
`resolved` (an ISO day, month or year, `vague`, or `none` when the phrase is no date at all).
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from retrieval import dates
from retrieval.intent import classify
from retrieval.resources import data_dir
from retrieval.tokenize import normalize


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def intent_misses(path: Path) -> tuple[int, list[tuple[str, str, str]]]:
    """(questions, [(question, expected, got)]) over an intent set."""
    rows = _lines(path)
    misses = []
    for row in rows:
        got = classify(normalize(row["question"])).kind
        if got != row["intent"]:
            misses.append((row["question"], row["intent"], got))
    return len(rows), misses


def resolved(row: dict) -> str:
    """What the sentence's mention of the row's phrase resolves to (`none`: no date there)."""
    anchor = date.fromisoformat(row["date"])
    at = row["sentence"].find(row["phrase"])
    for mention in dates.mentions(row["sentence"], anchor):
        if mention.start <= at < mention.end or at <= mention.start < at + len(row["phrase"]):
            return mention.value
    return "none"


def date_misses(path: Path) -> tuple[int, list[tuple[str, str, str]]]:
    """(cases, [(sentence, expected, got)]) over a relative-date set."""
    rows = _lines(path)
    misses = [
        (f"{r['date']} {r['phrase']}: {r['sentence']}", r["resolved"], got)
        for r in rows
        if (got := resolved(r)) != r["resolved"]
    ]
    return len(rows), misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="List the tune splits' misses.")
    args = parser.parse_args()
    folder = data_dir() / "eval"
    print("| set | split | items | exact | accuracy |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, measure in (("intent", intent_misses), ("dates", date_misses)):
        for split in ("tune", "tune_extra", "generated", "test"):
            path = folder / f"{name}_{split}.jsonl"
            if not path.exists():
                continue
            n, misses = measure(path)
            print(f"| {name} | {split} | {n} | {n - len(misses)} | {(n - len(misses)) / n:.3f} |")
            if args.show and split != "test":
                for item, expected, got in misses:
                    print(f"    {expected} -> {got}: {item}")


if __name__ == "__main__":
    main()
