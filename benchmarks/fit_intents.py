"""Fit the intent model (`data/intent_model.json`) on the tune question sets, and measure it
against the rules.

    python -m benchmarks.fit_intents                 # measure, fit on all, write the model
    python -m benchmarks.fit_intents --measure-only  # the tables alone

A multinomial logistic regression (L2, scipy's L-BFGS) over `retrieval.intent.features`: the
character n-grams of the question, unwrapped, with its topic and any person's name masked
(`g:`), and the frames the rules find (`f:`: a news frame, a summary frame, a time, a topic
left...); `--features g:,f:` is the default, chosen on the generated rounds measured before
anything was fitted on them and on each tune set held out (BENCHMARKS.md). The rules' verdict
(`rule:`) can be added but makes the model a copy of the rules.
Data: `data/eval/intent_tune.jsonl`, `intent_tune_extra.jsonl` and `intent_generated.jsonl`,
and the tune split of the answering gold sets (`data/eval/questions*.jsonl`: factoid questions
and follow-ups, 那2015年呢, labelled `answer`, or `profile` where the rules find a person's name
before a 是谁 frame, which `classify` answers with a profile); a question held by two sets is
counted once. The frozen test splits are never read.

Two tables: stratified 10-fold cross-validation over the pooled sets, for the rules and for each
feature group and L2 (as `classify` runs it: a rules' profile match first, then the model); and
each set measured with a model fitted on the others. The rules were mended on the intent sets,
so their figures here are no measure of how they generalise; BENCHMARKS.md gives the figures on
each generated round measured before anything was mended or fitted on it. The L2 written is the
one cross-validation chooses for `--features`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

from benchmarks.fit_answerer import commit
from retrieval.evaluate import load_gold, split_of
from retrieval.intent import INTENTS, Frames, features, read_frames
from retrieval.intent_model import MODEL_FILE, Model
from retrieval.resources import bundled_gold, data_dir
from retrieval.tokenize import normalize

SETS = ("tune", "tune_extra", "generated", "gold")
FOLDS = 10
SEED = 11
L2_GRID = (0.001, 0.003, 0.01, 0.03)
VARIANTS = {"g:": "ngrams", "g:,f:": "ngrams+frames", "g:,f:,rule:": "ngrams+frames+rule"}


def fit(rows: list[tuple[list[str], str]], l2: float) -> Model:
    """A multinomial logistic regression over rows of (feature names, intent)."""
    vocab = sorted({name for names, _ in rows for name in names})
    index = {name: i for i, name in enumerate(vocab)}
    cols: list[int] = []
    ptr = [0]
    for names, _ in rows:
        cols.extend(sorted({index[n] for n in names}))
        ptr.append(len(cols))
    x = csr_matrix((np.ones(len(cols)), cols, ptr), shape=(len(rows), len(vocab)))
    y = np.zeros((len(rows), len(INTENTS)))
    y[np.arange(len(rows)), [INTENTS.index(kind) for _, kind in rows]] = 1.0
    k, d, n = len(INTENTS), len(vocab), len(rows)

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = flat[: d * k].reshape(d, k), flat[d * k:]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(log_p)
        value = -(y * log_p).sum() / n + l2 * (w * w).sum()
        grad_w = x.T @ (p - y) / n + 2 * l2 * w
        return value, np.concatenate([np.asarray(grad_w).ravel(), (p - y).sum(axis=0) / n])

    flat = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B").x
    w = flat[: d * k].reshape(d, k)
    weights = {name: tuple(round(float(v), 4) for v in w[i]) for i, name in enumerate(vocab)}
    return Model(INTENTS, tuple(round(float(v), 4) for v in flat[d * k:]), weights, {})


def recognised(model: Model, frames: Frames, names: list[str]) -> str:
    """The kind `classify` gives: a rules' profile match, else the model's choice."""
    return frames.rule if frames.person else model.predict(names)


def _folds(labels: list[str]) -> list[int]:
    """A fold per row, each intent spread evenly over the folds."""
    rng = random.Random(SEED)
    fold = [0] * len(labels)
    for kind in sorted(set(labels)):
        members = [i for i, label in enumerate(labels) if label == kind]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = j % FOLDS
    return fold


def _keep(names: list[str], groups: tuple[str, ...]) -> list[str]:
    return [n for n in names if n.startswith(groups)]


def _share(right: list[bool]) -> str:
    return f"{sum(right)}/{len(right)} = {sum(right) / len(right):.3f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", default="g:,f:", choices=sorted(VARIANTS),
                        help="Feature groups of the written model (comma-separated prefixes).")
    parser.add_argument("--measure-only", action="store_true", help="Write no model.")
    parser.add_argument("--out", type=Path, default=data_dir() / MODEL_FILE)
    args = parser.parse_args(argv)
    folder = data_dir() / "eval"
    sets: dict[str, list[tuple[str, str]]] = {}
    digests = {}
    for name in SETS[:-1]:
        path = folder / f"intent_{name}.jsonl"
        digests[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        lines = path.read_text(encoding="utf-8").splitlines()
        sets[name] = [(normalize(r["question"]), r["intent"]) for r in map(json.loads, lines)]
    sets["gold"] = []
    for path in bundled_gold():
        if split_of(path) == "test":
            continue  # never opened
        tune = [g for g in load_gold(path) if g.split == "tune"]
        if tune:
            digests[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for gold in tune:
            question = normalize(gold.question)
            kind = "profile" if read_frames(question).person else "answer"
            sets["gold"].append((question, kind))
    pooled: dict[str, str] = {}
    for pairs in sets.values():
        for question, kind in pairs:
            pooled.setdefault(question, kind)
    frames = {q: read_frames(q) for q in pooled}
    names = {q: features(f) for q, f in frames.items()}
    questions = list(pooled)
    fold = _folds([pooled[q] for q in questions])

    print(f"{FOLDS}-fold cross-validation over {len(questions)} questions "
          f"({', '.join(f'{n} {len(p)}' for n, p in sets.items())})\n")
    print("| recogniser | L2 | accuracy |")
    print("| --- | ---: | ---: |")
    print(f"| rules | | {_share([frames[q].rule == pooled[q] for q in questions])} |")
    chosen: dict[str, tuple[int, float]] = {}
    for variant, label in VARIANTS.items():
        groups = tuple(variant.split(","))
        for l2 in L2_GRID:
            right = [False] * len(questions)
            for f in range(FOLDS):
                model = fit([(_keep(names[q], groups), pooled[q])
                             for q, g in zip(questions, fold, strict=True) if g != f], l2)
                for i, q in enumerate(questions):
                    if fold[i] == f:
                        got = recognised(model, frames[q], _keep(names[q], groups))
                        right[i] = got == pooled[q]
            print(f"| {label} | {l2} | {_share(right)} |")
            chosen[variant] = max(chosen.get(variant, (-1, 0.0)), (sum(right), l2))

    print("\nEach set measured with a model fitted on the others (L2 chosen above):\n")
    print("| recogniser | " + " | ".join(SETS) + " |")
    print("| --- |" + " ---: |" * len(SETS))
    print("| rules | " + " | ".join(
        _share([frames[q].rule == k for q, k in sets[held]]) for held in SETS) + " |")
    for variant, label in VARIANTS.items():
        groups = tuple(variant.split(","))
        cells = []
        for held in SETS:
            train = {q: k for name in SETS if name != held for q, k in sets[name]}
            model = fit([(_keep(names[q], groups), k) for q, k in train.items()],
                        chosen[variant][1])
            cells.append(_share([recognised(model, frames[q], _keep(names[q], groups)) == k
                                 for q, k in sets[held]]))
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.measure_only:
        return

    groups = tuple(args.features.split(","))
    right, l2 = chosen[args.features]
    model = fit([(_keep(names[q], groups), pooled[q]) for q in questions], l2)
    provenance = {
        "command": "python -m benchmarks.fit_intents " + " ".join(sys.argv[1:]),
        "commit": commit(),
        "data": digests,
        "questions": len(questions),
        "features": list(groups),
        "l2": l2,
        "cv_accuracy": round(right / len(questions), 4),
    }
    model = Model(model.intents, model.bias, model.weights, provenance)
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":"))
                        + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}: {len(model.weights)} features, L2 {l2}")


if __name__ == "__main__":
    main()
