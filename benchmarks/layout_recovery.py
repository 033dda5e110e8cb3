"""How often the layout parser gives back articles typeset in random page layouts.

Articles come from `tests/data` (the seed page's hand-checked parse and the composed layout
articles) and, when `../shared/data/cmrc2018_trial.json` is present, from the CMRC 2018
passages (title as headline, passage split at sentence ends into paragraphs, a made-up
byline). Each layout is typeset by `retrieval.typeset` and parsed by `retrieval.layout`.

    python benchmarks/layout_recovery.py --layouts 300 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

from retrieval.layout import clean_spaces, ends_sentence, parse_page
from retrieval.models import Article
from retrieval.typeset import articles_from_json, random_page, recovered

REPO = Path(__file__).resolve().parent.parent
TEST_ARTICLES = [
    REPO / "tests" / "data" / "seed_articles.json",
    REPO / "tests" / "data" / "layout_articles.json",
]
CMRC_TRIAL = REPO.parent / "shared" / "data" / "cmrc2018_trial.json"

_SENTENCE = re.compile(r"[^。！？]+[。！？]+[”’」』）)]*")
_REPORTERS = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"]


def cmrc_articles(path: Path, rng: random.Random) -> list[Article]:
    """One article per CMRC passage: 1-4 sentences a paragraph, a byline with 1-2 reporters."""
    articles = []
    for entry in json.loads(path.read_text(encoding="utf-8"))["data"]:
        title = clean_spaces(entry["title"])
        for passage in entry["paragraphs"]:
            sentences = [clean_spaces(s) for s in _SENTENCE.findall(passage["context"])]
            sentences = [s for s in sentences if s]
            if not sentences or ends_sentence(title):
                continue
            paragraphs = []
            while sentences:
                take = rng.randint(1, 4)
                paragraphs.append("".join(sentences[:take]))
                sentences = sentences[take:]
            reporters = rng.sample(_REPORTERS, rng.randint(1, 2))
            byline = f"本报讯（记者 {' '.join(reporters)}）"
            articles.append(Article(title, paragraphs, reporters=reporters, byline=byline))
    return articles


def measure(pool: list[Article], layouts: int, seed: int) -> tuple[int, int, float]:
    """(articles recovered, articles typeset, mean parse milliseconds) over `layouts` pages."""
    rng = random.Random(seed)
    ok = total = 0
    seconds = 0.0
    for _ in range(layouts):
        text, articles, _ = random_page(pool, rng)
        start = time.perf_counter()
        page = parse_page(text)
        seconds += time.perf_counter() - start
        ok += recovered(articles, page)
        total += len(articles)
    return ok, total, 1000 * seconds / layouts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", type=int, default=300, help="random pages per article pool")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random layouts")
    args = parser.parse_args()

    pools = {"tests/data articles": [a for p in TEST_ARTICLES for a in articles_from_json(p)]}
    if CMRC_TRIAL.is_file():
        pools["CMRC 2018 trial passages"] = cmrc_articles(CMRC_TRIAL, random.Random(args.seed))
    else:
        print(f"(CMRC 2018 trial set not found at {CMRC_TRIAL}: its pool is skipped)")
    for name, pool in pools.items():
        ok, total, ms = measure(pool, args.layouts, args.seed)
        print(f"{name} ({len(pool)} articles, {args.layouts} layouts, seed {args.seed})")
        print(f"  articles recovered exactly: {ok}/{total} ({100 * ok / total:.1f}%)")
        print(f"  parse time: {ms:.2f} ms per page")


if __name__ == "__main__":
    main()
