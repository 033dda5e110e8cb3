"""End-to-end ablation of LAC's entities: the same questions answered with them and without them
(the jieba.posseg rules alone), one store, one process, variants alternating question by
question so that machine load falls on both alike.

    python -m benchmarks.ner_ablation --squad ../shared/data/cmrc2018_trial.json
    python -m benchmarks.ner_ablation --squad ../shared/data/drcd_test.json --limit 1000
    python -m benchmarks.ner_ablation                        # the bundled tune split
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from unittest import mock

from retrieval import entities, evaluate
from retrieval.answer import Conversation, answer
from retrieval.resources import data_dir
from retrieval.search import Searcher

VARIANTS: dict[str, Callable[[str, str], list[tuple[int, int]]] | None] = {
    "posseg rules + LAC": None,  # as shipped
    "posseg rules only": lambda qtype, sentence: [],
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squad", type=Path, help="a SQuAD-format file (default: tune split)")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    args = parser.parse_args(argv)
    if args.squad:
        store, questions = evaluate.prepare([], [args.squad])
    else:
        gold = [p for p in sorted((data_dir() / "eval").glob("*.jsonl"))
                if evaluate.split_of(p) != "test"]
        store, questions = evaluate.prepare(gold)
        questions = [q for q in questions if q.split == "tune"]
    questions = questions[: args.limit or None]
    searcher = Searcher.open(store)
    outcomes: dict[str, list[evaluate.Outcome]] = {name: [] for name in VARIANTS}
    chats: dict[str, dict[str, Conversation]] = {name: {} for name in VARIANTS}
    for gold in questions:
        for name, spans in VARIANTS.items():
            chat = chats[name].get(gold.follows or "", Conversation())
            chats[name][gold.id] = chat
            patch = mock.patch.object(entities, "entity_spans", spans) if spans else nullcontext()
            with patch:
                start = time.perf_counter()
                reply = answer(gold.question, searcher, conversation=chat)
                ms = (time.perf_counter() - start) * 1000
            outcomes[name].append(evaluate.score(gold, reply, ms))
    store.close()
    columns = {name: evaluate.summarize(o, (1,)) for name, o in outcomes.items()}
    print(f"{args.squad or 'tune split'}: {len(questions)} questions")
    print(evaluate.format_table(columns))


if __name__ == "__main__":
    main()
