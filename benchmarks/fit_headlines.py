"""Fit the headline models (`data/headline_model.json`) on the tune pages and generated pages.

Training pages: the tune split's pages and the extra days' pages, each typeset in random
layouts, and random pages mixing their articles with the composed layout articles, given
real-paper headline variants, short bodies and stray blocks by `retrieval.typeset`. The frozen
test split and the bundled page are not used. Two logistic models are fitted (L2-regularised,
Newton's method): who owns a headline block, and whether a two-block headline is kicker +
title. The role model's uncertainty margin is picked on out-of-fold predictions, the cost of an
article left without a headline and the group-size prior on the training pages.

    python -m benchmarks.fit_headlines --layouts 12 --mixed 300 --seed 1
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import random
from collections import Counter
from dataclasses import replace

import numpy as np

from benchmarks.headline_sets import (
    DAYS,
    HEADLINE_LAYOUT,
    LAYOUT_ARTICLES,
    TUNE,
    WRITTEN_LAYOUT,
    HeadlineCounts,
    headline_blocks,
    load_pages,
    score_page,
    typeset_layouts,
)
from retrieval.headlines import (
    MODEL_FILE,
    ROLES,
    HeadlineModel,
    LogisticModel,
    PageEvidence,
    owner_features,
    role_features,
    run_neighbours,
)
from retrieval.layout import PageParts, page_parts, parse_page
from retrieval.models import Article
from retrieval.resources import data_dir
from retrieval.typeset import articles_from_json, page_articles

log = logging.getLogger(__name__)
_L2 = 1.0
_MARGINS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
_MISSING_COSTS = [2.0, 4.0, 8.0, 16.0, 32.0]
_STRAY_COSTS = [0.0, 1.0, 2.0, 3.0]


def fit_logistic(rows: list[dict[str, float]], labels: list[int], l2: float = _L2) -> LogisticModel:
    """L2-regularised logistic regression by Newton's method (the bias is not penalised)."""
    names = sorted({k for r in rows for k in r})
    x = np.array([[1.0] + [r.get(k, 0.0) for k in names] for r in rows])
    y = np.array(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[0] = 1e-6
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return LogisticModel(
        float(w[0]), {k: round(float(v), 4) for k, v in zip(names, w[1:], strict=True)}
    )


def fit_roles(rows: list[dict[str, float]], labels: list[int], l2: float = _L2) -> dict:
    """Multinomial logistic regression (softmax over the roles, classes balanced) by gradient
    descent."""
    names = sorted({k for r in rows for k in r})
    x = np.array([[1.0] + [r.get(k, 0.0) for k in names] for r in rows])
    y = np.zeros((len(rows), len(ROLES)))
    y[np.arange(len(rows)), labels] = 1
    w = np.zeros((x.shape[1], len(ROLES)))
    penalty = np.full((x.shape[1], 1), l2)
    penalty[0] = 0.0
    # Classes weighed equally, so that the model gives how a block's form fits each role and
    # the group-size prior alone says how common kickers and subtitles are.
    weight = (len(rows) / (len(ROLES) * y.sum(axis=0).clip(min=1)))[labels][:, None]
    for _ in range(3000):
        z = x @ w
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        w -= 0.5 * (x.T @ (weight * (p - y)) + penalty * w) / len(rows)
    return {
        role: LogisticModel(
            round(float(w[0, c]), 4),
            {k: round(float(v), 4) for k, v in zip(names, w[1:, c], strict=True)},
        )
        for c, role in enumerate(ROLES)
    }


def training_pages(layouts: int, mixed: int, seed: int) -> list[tuple[str, str, list[Article]]]:
    """(page key, text, gold articles): the written pages in layouts, then mixed pages."""
    written = {**load_pages(TUNE), **{f"days {k}": v for k, v in load_pages(DAYS).items()}}
    out = list(typeset_layouts(written, layouts, seed, WRITTEN_LAYOUT))
    pool = [a for page in written.values() for a in page] + articles_from_json(LAYOUT_ARTICLES)
    rng = random.Random(seed + 1)
    for n in range(mixed):
        articles = page_articles(pool, rng, HEADLINE_LAYOUT)
        pages = {f"mixed {n}": articles}
        out.extend(typeset_layouts(pages, 1, rng.randrange(1 << 30), HEADLINE_LAYOUT))
    return out


def _owners(parts: PageParts, gold: list[Article]) -> list[int | None]:
    """The gold article of each headline block (None: a stray block)."""
    owners: list[int | None] = []
    for head in parts.heads:
        found = [i for i, a in enumerate(gold) if head.text in headline_blocks(a)]
        owners.append(found[0] if found else None)
    return owners


def examples(pages: list[tuple[str, str, list[Article]]]):
    """Owner rows and labels; role rows (one a headline block of each page composition), their
    labels (0 kicker, 1 title, 2 subtitle) and page keys; the two-block headlines' row pairs."""
    owner_rows, owner_labels = [], []
    role_rows, role_labels, role_keys = [], [], []
    pairs: list[tuple[int, int, bool]] = []
    seen: set[str] = set()
    for key, text, gold in pages:
        parts = page_parts(text)
        if len(parts.articles) != len(gold):
            log.info(
                "%s: %d articles parsed, %d typeset; skipped", key, len(parts.articles), len(gold)
            )
            continue
        evidence = PageEvidence(parts.spans)
        owners = _owners(parts, gold)
        n = len(gold)
        shares = [[evidence.shares(h.text, a)[0] for a in range(n)] for h in parts.heads]
        for i, (head, owner) in enumerate(zip(parts.heads, owners, strict=True)):
            near = run_neighbours(parts.heads, shares, i)
            for a in range(n):
                owner_rows.append(owner_features(head, a, evidence, shares[i], near))
                owner_labels.append(int(owner == a))
        if key in seen:
            continue
        seen.add(key)
        for a, article in enumerate(gold):
            fields = (article.kicker, article.title, article.subtitle)
            for label, text in enumerate(fields):
                if text:
                    role_rows.append(role_features(text, evidence, a))
                    role_labels.append(label)
                    role_keys.append(key)
            if len(headline_blocks(article)) == 2:
                # The two rows just added: which reading of the pair is right.
                pairs.append((len(role_rows) - 2, len(role_rows) - 1, article.kicker is not None))
    return owner_rows, owner_labels, role_rows, role_labels, role_keys, pairs


def out_of_fold(rows, labels, keys, pairs, folds: int = 5) -> list[float]:
    """Kicker + title probability of each two-block pair, from models fitted without its fold."""
    names = sorted(set(keys))
    random.Random(0).shuffle(names)
    fold_of = {k: i % folds for i, k in enumerate(names)}
    probs = [0.0] * len(pairs)
    for f in range(folds):
        train = [i for i, k in enumerate(keys) if fold_of[k] != f]
        roles = fit_roles([rows[i] for i in train], [labels[i] for i in train])
        model = HeadlineModel(LogisticModel(0.0, {}), roles, (0.0, 0.0, 0.0), 0.0, 0.0, 0.0)
        for n, (i, j, _) in enumerate(pairs):
            if fold_of[keys[i]] == f:
                first, second = model.role_logprobs(rows[i]), model.role_logprobs(rows[j])
                probs[n] = 1 / (1 + math.exp(second[2] + first[1] - first[0] - second[1]))
    return probs


def pick_margin(probs: list[float], labels: list[int]) -> float:
    """The margin with the least cost: a confident wrong role costs 2, an uncertain one 1."""

    def cost(margin: float) -> float:
        total = 0.0
        for p, y in zip(probs, labels, strict=True):
            if abs(p - 0.5) < margin:
                total += 1
            elif (p > 0.5) != bool(y):
                total += 2
        return total

    return min(_MARGINS, key=cost)


def group_prior(pages: list[tuple[str, str, list[Article]]]) -> tuple[float, float, float]:
    """Log share of one-, two- and three-block headlines among the training articles."""
    sizes = Counter(len(headline_blocks(a)) for _, _, gold in pages for a in gold)
    total = sum(sizes[k] for k in (1, 2, 3))
    return tuple(round(math.log((sizes[k] + 1) / (total + 3)), 4) for k in (1, 2, 3))  # type: ignore[return-value]


def evaluate(model: HeadlineModel, pages: list[tuple[str, str, list[Article]]]) -> HeadlineCounts:
    counts = HeadlineCounts()
    for _, text, gold in pages:
        counts.add(score_page(gold, parse_page(text, model)))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", type=int, default=12, help="layouts of each written page")
    parser.add_argument("--mixed", type=int, default=300, help="generated mixed pages")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # Pages with an article left without a headline are counted, not logged one by one.
    logging.getLogger("retrieval").setLevel(logging.ERROR)

    pages = training_pages(args.layouts, args.mixed, args.seed)
    owner_rows, owner_labels, role_rows, role_labels, role_keys, pairs = examples(pages)
    owner = fit_logistic(owner_rows, owner_labels)
    roles = fit_roles(role_rows, role_labels)
    probs = out_of_fold(role_rows, role_labels, role_keys, pairs)
    margin = pick_margin(probs, [int(kicker) for _, _, kicker in pairs])
    right = sum((p > 0.5) == kicker for p, (_, _, kicker) in zip(probs, pairs, strict=True))
    print(f"two-block headlines read right out of fold: {right}/{len(pairs)}")
    model = HeadlineModel(owner, roles, group_prior(pages), 0.0, 0.0, margin)
    scored = []
    for missing in _MISSING_COSTS:
        for stray in _STRAY_COSTS:
            counts = evaluate(replace(model, missing_cost=missing, stray_cost=stray), pages)
            scored.append((counts.exact_roles - 10 * counts.foreign_blocks, missing, stray))
            print(
                f"missing cost {missing}, stray cost {stray}: exact roles "
                f"{counts.percent('exact_roles'):.1f}%, foreign blocks {counts.foreign_blocks}"
            )
    _, best_missing, best_stray = max(scored)
    command = (
        f"python -m benchmarks.fit_headlines --layouts {args.layouts} "
        f"--mixed {args.mixed} --seed {args.seed}"
    )
    model = replace(
        model,
        missing_cost=best_missing,
        stray_cost=best_stray,
        provenance=(
            f"{command}: {len(pages)} pages ({TUNE.name}, {DAYS.name} and generated), "
            f"{len(owner_rows)} block-article rows, {len(role_rows)} headline-block rows"
        ),
    )
    path = data_dir() / MODEL_FILE
    path.write_text(
        json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"wrote {path}: margin {margin}, missing cost {best_missing}, stray cost {best_stray}")
    print(json.dumps(model.to_json(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
