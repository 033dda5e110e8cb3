"""Where a headline model reads a written set wrong, article layout by article layout.

The set's pages are typeset as `layout_recovery` and `fit_headlines --cross-sets` score them
(`headline_sets.headline_counts`: the same layouts and seed) and parsed with a model file; each
article layout that is not exact is put in one class (the first that fits, in the order of
`CLASSES`). The frozen test split is refused.

    python -m benchmarks.headline_errors --set extra3 --layouts 8 --seed 1
    python -m benchmarks.headline_errors --set extra3 --model /tmp/held_out_extra3.json --list
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from pathlib import Path

from benchmarks.headline_sets import (
    TEST,
    TUNING_SETS,
    WRITTEN_LAYOUT,
    foreign_blocks,
    headline_blocks,
    holds_block,
    load_pages,
    typeset_layouts,
)
from retrieval.headlines import HeadlineModel, default_model
from retrieval.layout import parse_page
from retrieval.models import Article

CLASSES = [
    "page parsed into the wrong number of articles",
    "a foreign or stray block taken",
    "cited whole (uncertain)",
    "two-block headline's roles swapped",
    "a block left unattached",
    "three-block headline's roles wrong",
    "a block's text differs (phrase space)",
    "other headline error",
    "headline exact, paragraphs wrong",
]


def classify(want: Article, got: Article, others: list[Article]) -> str | None:
    """The class of `got`'s error against `want`, None when roles and paragraphs are exact.

    Blocks are compared without their spaces first: a phrase space lost (extraction's stray
    spaces around digits look the same) is its own class only when the roles are right."""
    roles = (want.kicker, want.title, want.subtitle), (got.kicker, got.title, got.subtitle)
    if roles[0] == roles[1]:
        return None if want.paragraphs == got.paragraphs else CLASSES[8]
    gold = [_bare(b) for b in headline_blocks(want)]
    read = [_bare(b) for b in headline_blocks(got)]
    if foreign_blocks(want, got, others):
        return CLASSES[1]
    if (got.kicker, got.subtitle) == (None, None) and " " in (got.title or "") and len(gold) > 1:
        if all(holds_block(got, b) for b in headline_blocks(want)):
            return CLASSES[2]
    if [_bare(x) for x in roles[0]] == [_bare(x) for x in roles[1]]:
        return CLASSES[6]
    if sorted(read) == sorted(gold):
        return CLASSES[3] if len(gold) == 2 else CLASSES[5]
    if set(read) < set(gold):
        return CLASSES[4]
    return CLASSES[7]


def _bare(block: str | None) -> str | None:
    return None if block is None else block.replace(" ", "")


def errors(
    pages: dict[str, list[Article]], layouts: int, seed: int, model: HeadlineModel
) -> list[tuple[str, str, Article, Article | None]]:
    """(class, page, gold article, parsed article) for every article layout read wrong."""
    out = []
    for name, text, gold in typeset_layouts(pages, layouts, seed, WRITTEN_LAYOUT):
        parsed = parse_page(text, model).articles
        if len(parsed) != len(gold):
            out += [(CLASSES[0], name, want, None) for want in gold]
            continue
        for i, (want, got) in enumerate(zip(gold, parsed, strict=True)):
            kind = classify(want, got, [o for j, o in enumerate(gold) if j != i])
            if kind:
                out.append((kind, name, want, got))
    return out


def _fields(a: Article | None) -> str:
    return "-" if a is None else f"{a.kicker or '·'} / {a.title or '·'} / {a.subtitle or '·'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", required=True, help="a tuning set's name or a set file")
    parser.add_argument("--model", type=Path, help="a model file (default: the shipped one)")
    parser.add_argument("--layouts", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--list", action="store_true", help="print each wrong reading")
    args = parser.parse_args()
    logging.getLogger("retrieval").setLevel(logging.ERROR)
    from benchmarks import headline_sets

    path = TUNING_SETS.get(args.set) or getattr(headline_sets, args.set.upper(), None)
    path = Path(path or args.set)
    if path.resolve() == TEST.resolve():
        raise SystemExit("the frozen test split is not read here")
    model = (
        HeadlineModel.from_json(json.loads(args.model.read_text(encoding="utf-8")))
        if args.model
        else default_model()
    )
    found = errors(load_pages(path), args.layouts, args.seed, model)
    counts = Counter(kind for kind, *_ in found)
    for kind in CLASSES:
        print(f"{counts[kind]:5d}  {kind}")
    print(f"{len(found):5d}  article layouts wrong")
    if args.list:
        readings = Counter(
            (kind, page, _fields(want), _fields(got)) for kind, page, want, got in found
        )
        for (kind, page, want, got), n in sorted(readings.items()):
            print(f"{n}x [{kind}] {page}: gold {want}  read {got}")


if __name__ == "__main__":
    main()
