"""A fitted intent model measured against the rules: is a logistic regression over the
question's frame a better recogniser than `retrieval.intent`'s rules?

    python -m benchmarks.intent_models

A multinomial logistic regression (L2, scipy's L-BFGS) over `features`: the rules' frames and
verdict and the character n-grams of the question with its topic and any person's name masked.
Measured two ways over the tune sets (`data/eval/intent_tune.jsonl`, `intent_tune_extra.jsonl`,
`intent_generated.jsonl`; the frozen test split is never read): stratified 10-fold
cross-validation over the three pooled (a question held by two counted once), and fitted on two
sets and measured on the third. The rules are measured on the same questions; the bot ships
whichever measures better (the rules, so far: see BENCHMARKS.md).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.sparse import csr_matrix

from retrieval import intent
from retrieval.intent import INTENTS, read_frames
from retrieval.resources import data_dir
from retrieval.tokenize import normalize

SETS = ("tune", "tune_extra", "generated")
FOLDS = 10
SEED = 11
L2_GRID = (0.003, 0.01, 0.03, 0.1)
# Feature groups (prefixes of `features`' names) each variant keeps.
VARIANTS = {
    "ngrams": ("g:",),
    "ngrams+frames": ("g:", "f:"),
    "ngrams+frames+rule": ("g:", "f:", "rule:"),
}

_TOPIC_MARK = "X"  # a topic piece of the question, masked so the frame's own words remain
_NAME_MARK = "N"  # a piece that is a person's name
_NGRAMS = (1, 2, 3)


def features(frames: intent.Frames) -> list[str]:
    """The features of a question for the intent model: the rules' frames and verdict, and the
    character n-grams of the question with its topic and any person's name masked (`X`, `N`),
    digits folded, so that the words around the topic, its frame, are what is counted."""
    masked = masked_frame(frames.text)
    flags = {
        "f:when": frames.when is not None, "f:person": bool(frames.person),
        "f:summary": frames.summary, "f:digest": frames.digest, "f:listing": frames.listing,
        "f:paper": frames.paper, "f:topic": bool(frames.topic), "f:asking": frames.asking,
        "f:name": _NAME_MARK in masked, "f:role": bool(_ROLE_ASK.search(frames.text)),
    }
    out = [name for name, on in flags.items() if on]
    out.append(f"rule:{frames.rule}")
    padded = f"^{masked}$"
    for n in _NGRAMS:
        out.extend(f"g:{padded[i:i + n]}" for i in range(len(padded) - n + 1))
    return out


# A role or a common noun asked about: 冠军是谁, 书记是哪位.
_ROLE_ASK = re.compile(intent._ROLE_NOUN.pattern.rstrip("$") + r"(?:是谁|是哪位|是什么人)")


def masked_frame(question: str) -> str:
    """The question with each topic piece (what the frames, time words and filler leave, two
    characters or more) replaced by `X`, or `N` when it is a person's name, question words
    kept and digits folded to 0: 王卫东是谁 → N是谁, 有关半马的报道 → 有关X的报道."""
    text = question
    for piece in sorted(set(_pieces(question)), key=len, reverse=True):
        mark = _NAME_MARK if _name_like(piece) else _TOPIC_MARK
        text = text.replace(piece, mark)
    return re.sub(r"\d+", "0", text)


def _name_like(word: str) -> bool:
    """A word that reads as a person's name, more strictly than `is_person_name`: tagged as a
    name, a surname and one or two characters, or a word of characters the dictionary cannot
    join (才让卓玛, 阿贝贝); never a role or a phrase."""
    if intent._ROLE_NOUN.search(word) or not 2 <= len(word) <= 5 or intent._NOT_NAME.search(word):
        return False
    tag = intent._word_tags().get(word)
    if tag is not None:
        return tag.startswith("nr")
    compound = word[:2] in intent._COMPOUND_SURNAMES
    given = word[2:] if compound else word[1:]
    if (compound or word[0] in intent._SURNAMES) and 1 <= len(given) <= 2:
        return True
    import jieba

    return all(len(piece) == 1 for piece in jieba.lcut(word, HMM=False))


_ASKS_PERSON = re.compile(intent._PERSON_ASK)


def _pieces(question: str) -> list[str]:
    """The topic pieces of a question: what is left once frames, time words, news words and
    filler are cut out, split at question words, two characters or more."""
    rest = _ASKS_PERSON.sub(" ", question)
    for frame in intent._FRAMES:
        rest = frame.sub(" ", rest)
    rest = intent._FILLER.sub(" ", re.sub(intent._NEWS, " ", rest))
    rest = intent._ASKING.sub(" ", rest)
    return [piece for piece in rest.split() if len(piece) >= 2]


@dataclass(frozen=True)
class Model:
    """Per-feature weights, one per intent, and the intents' biases."""

    bias: np.ndarray
    weights: dict[str, np.ndarray]

    def predict(self, names: list[str]) -> str:
        total = self.bias.copy()
        for name in names:
            row = self.weights.get(name)
            if row is not None:
                total += row
        return INTENTS[int(np.argmax(total))]


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
    return Model(flat[d * k:], {name: w[i] for i, name in enumerate(vocab)})


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


def cross_validate(rows: list[tuple[list[str], str]], l2: float) -> list[bool]:
    """Whether each row is recognised by a model fitted on the other folds."""
    fold = _folds([kind for _, kind in rows])
    right = [False] * len(rows)
    for f in range(FOLDS):
        model = fit([r for r, g in zip(rows, fold, strict=True) if g != f], l2)
        for i, (names, kind) in enumerate(rows):
            if fold[i] == f:
                right[i] = model.predict(names) == kind
    return right


def _share(right: list[bool]) -> str:
    return f"{sum(right)}/{len(right)} = {sum(right) / len(right):.3f}"


def main() -> None:
    folder = data_dir() / "eval"
    sets = {}
    for name in SETS:
        lines = (folder / f"intent_{name}.jsonl").read_text(encoding="utf-8").splitlines()
        sets[name] = [(normalize(r["question"]), r["intent"]) for r in map(json.loads, lines)]
    pooled: dict[str, str] = {}
    for pairs in sets.values():
        for question, kind in pairs:
            pooled.setdefault(question, kind)
    frames = {q: read_frames(q) for pairs in sets.values() for q, _ in pairs}
    names = {q: features(f) for q, f in frames.items()}
    questions = list(pooled)
    print(f"{FOLDS}-fold cross-validation over {len(questions)} questions "
          f"({', '.join(f'{n} {len(p)}' for n, p in sets.items())})\n")
    print("| recogniser | L2 | accuracy |")
    print("| --- | ---: | ---: |")
    print(f"| rules | | {_share([frames[q].rule == pooled[q] for q in questions])} |")
    chosen = {}
    for variant, groups in VARIANTS.items():
        best = (-1, 0.0)
        for l2 in L2_GRID:
            right = cross_validate([(_keep(names[q], groups), pooled[q]) for q in questions], l2)
            print(f"| {variant} | {l2} | {_share(right)} |")
            best = max(best, (sum(right), l2))
        chosen[variant] = best[1]
    print("\nfitted on two sets (L2 chosen above), measured on the third:\n")
    print("| recogniser | " + " | ".join(SETS) + " |")
    print("| --- |" + " ---: |" * len(SETS))
    print("| rules | " + " | ".join(
        _share([frames[q].rule == k for q, k in sets[held]]) for held in SETS) + " |")
    for variant, groups in VARIANTS.items():
        cells = []
        for held in SETS:
            train = [(_keep(names[q], groups), k)
                     for name in SETS if name != held for q, k in sets[name]]
            model = fit(train, chosen[variant])
            cells.append(_share([model.predict(_keep(names[q], groups)) == k
                                 for q, k in sets[held]]))
        print(f"| {variant} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
