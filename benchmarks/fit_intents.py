"""Fit the intent model on the tune question sets: `data/intent_model.json`.

    python -m benchmarks.fit_intents            # cross-validate, then fit and write the model
    python -m benchmarks.fit_intents --cv-only  # the cross-validation table alone

A multinomial logistic regression (L2) over `retrieval.intent.features`: the rules' frames and
verdict and the character n-grams of the question with its topic masked. The regularisation
and the feature groups are chosen by stratified 10-fold cross-validation over
`data/eval/intent_tune.jsonl` and `intent_tune_extra.jsonl` together (questions held by both
counted once), reported beside the rules alone and beside a fit on one set measured on the
other. The frozen test split is never read.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

from retrieval.intent import INTENTS, features, read_frames
from retrieval.intent_model import MODEL_FILE, Model
from retrieval.resources import data_dir
from retrieval.tokenize import normalize

SETS = ("intent_tune.jsonl", "intent_tune_extra.jsonl")
FOLDS = 10
SEED = 11
L2_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
# Feature groups (prefixes of `features`' names) each variant keeps.
VARIANTS = {
    "ngrams": ("g:",),
    "ngrams+frames": ("g:", "f:"),
    "ngrams+frames+rule": ("g:", "f:", "rule:"),
    "frames+rule": ("f:", "rule:"),
}


def load_sets(folder: Path) -> dict[str, list[tuple[str, str]]]:
    """Each tune set's (normalised question, intent) pairs."""
    out = {}
    for name in SETS:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        out[name] = [(normalize(row["question"]), row["intent"])
                     for row in map(json.loads, filter(None, lines))]
    return out


def _keep(names: list[str], groups: tuple[str, ...]) -> list[str]:
    return [n for n in names if n.startswith(groups)]


def fit(rows: list[tuple[list[str], str]], l2: float) -> Model:
    """A multinomial logistic regression over rows of (feature names, intent)."""
    vocab = sorted({name for names, _ in rows for name in names})
    index = {name: i for i, name in enumerate(vocab)}
    data, cols, ptr = [], [], [0]
    for names, _ in rows:
        present = sorted({index[n] for n in names})
        cols.extend(present)
        data.extend([1.0] * len(present))
        ptr.append(len(cols))
    x = csr_matrix((data, cols, ptr), shape=(len(rows), len(vocab)))
    y = np.zeros((len(rows), len(INTENTS)))
    y[np.arange(len(rows)), [INTENTS.index(kind) for _, kind in rows]] = 1.0
    k, d = len(INTENTS), len(vocab)

    def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = flat[: d * k].reshape(d, k), flat[d * k:]
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(log_p)
        n = len(rows)
        value = -(y * log_p).sum() / n + l2 * (w * w).sum()
        grad_w = x.T @ (p - y) / n + 2 * l2 * w
        grad_b = (p - y).sum(axis=0) / n
        return value, np.concatenate([np.asarray(grad_w).ravel(), grad_b])

    flat = minimize(loss, np.zeros(d * k + k), jac=True, method="L-BFGS-B").x
    w, b = flat[: d * k].reshape(d, k), flat[d * k:]
    weights = {name: tuple(round(float(v), 4) for v in w[i]) for i, name in enumerate(vocab)
               if np.abs(w[i]).max() >= 5e-4}
    return Model(INTENTS, tuple(round(float(v), 4) for v in b), weights, {})


def _folds(labels: list[str], k: int, seed: int) -> list[int]:
    """A fold per row, each intent spread evenly over the folds."""
    rng = random.Random(seed)
    fold = [0] * len(labels)
    for kind in sorted(set(labels)):
        members = [i for i, label in enumerate(labels) if label == kind]
        rng.shuffle(members)
        for j, i in enumerate(members):
            fold[i] = j % k
    return fold


def cross_validate(
    rows: list[tuple[list[str], str]], predict: Callable[[list, list[str]], str] | None,
    l2: float, groups: tuple[str, ...],
) -> list[bool]:
    """Whether each row is recognised by a model fitted on the other folds."""
    kept = [(_keep(names, groups), kind) for names, kind in rows]
    fold = _folds([kind for _, kind in rows], FOLDS, SEED)
    right = [False] * len(rows)
    for f in range(FOLDS):
        model = fit([r for r, g in zip(kept, fold, strict=True) if g != f], l2)
        for i, (names, kind) in enumerate(kept):
            if fold[i] == f:
                right[i] = model.predict(names) == kind
    return right


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv-only", action="store_true", help="Report; write no model.")
    parser.add_argument("--out", type=Path, default=data_dir() / MODEL_FILE)
    args = parser.parse_args(argv)
    sets = load_sets(data_dir() / "eval")
    pooled: dict[str, str] = {}
    origin: dict[str, str] = {}
    for name, pairs in sets.items():
        for question, kind in pairs:
            if question not in pooled:
                pooled[question], origin[question] = kind, name
    questions = list(pooled)
    frames = {q: read_frames(q) for q in questions}
    rows = [(features(frames[q]), pooled[q]) for q in questions]
    extra = [origin[q] == SETS[1] for q in questions]

    def share(right: list[bool], which: list[bool] | None = None) -> str:
        picked = [r for r, w in zip(right, which or [True] * len(right), strict=True) if w]
        return f"{sum(picked)}/{len(picked)} = {sum(picked) / len(picked):.3f}"

    rules = [frames[q].rule == pooled[q] for q in questions]
    print(f"{len(questions)} questions ({sum(extra)} of tune_extra), {FOLDS}-fold CV\n")
    print("| variant | L2 | all | tune | tune_extra |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| rules | | {share(rules)} | {share(rules, [not e for e in extra])} "
          f"| {share(rules, extra)} |")
    best = (-1, "", 0.0)
    for variant, groups in VARIANTS.items():
        for l2 in L2_GRID:
            right = cross_validate(rows, None, l2, groups)
            print(f"| {variant} | {l2} | {share(right)} | "
                  f"{share(right, [not e for e in extra])} | {share(right, extra)} |")
            best = max(best, (sum(right), variant, l2), key=lambda t: t[0])
    _, variant, l2 = best
    groups = VARIANTS[variant]
    print(f"\nchosen: {variant}, L2 {l2}")
    print("\nfitted on one set, measured on the other:")
    for train, test in ((SETS[0], SETS[1]), (SETS[1], SETS[0])):
        model = fit([(_keep(features(read_frames(q)), groups), k) for q, k in sets[train]], l2)
        right = [model.predict(_keep(features(read_frames(q)), groups)) == k
                 for q, k in sets[test]]
        print(f"  {train} -> {test}: {share(right)}")
    if args.cv_only:
        return
    model = fit([(_keep(names, groups), kind) for names, kind in rows], l2)
    provenance = {
        "command": "python -m benchmarks.fit_intents " + " ".join(sys.argv[1:]),
        "commit": _commit(),
        "data": [f"data/eval/{name}" for name in SETS],
        "questions": len(rows),
        "features": list(groups),
        "l2": l2,
        "cv_accuracy": round(best[0] / len(rows), 4),
    }
    model = Model(model.intents, model.bias, model.weights, provenance)
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=0) + "\n",
                        encoding="utf-8")
    print(f"wrote {args.out} ({len(model.weights)} features)")


if __name__ == "__main__":
    main()
