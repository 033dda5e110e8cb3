"""How often the layout parser gives back articles typeset in random page layouts.

Articles come from `tests/data` (the seed page's hand-checked parse and the composed layout
articles) and, when `../shared/data/cmrc2018_trial.json` is present, from the CMRC 2018
passages (title as headline, passage split at sentence ends into paragraphs, a made-up
byline). Each layout is typeset by `retrieval.typeset` and parsed by `retrieval.layout`.

The headline table (issue 10) scores kicker / title / subtitle and paragraphs article by
article: on the written headline sets' pages (tune; the extra tune set; days; the frozen test
split, reported only), on generated pages with real-paper headline structures and stray
blocks, and on the bundled page.

    python -m benchmarks.layout_recovery --layouts 300 --headline-layouts 8 --seed 1
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import time
from pathlib import Path

from benchmarks.headline_sets import (
    DAYS,
    HEADLINE_LAYOUT,
    SEED_ARTICLES,
    SEED_PAGE,
    TEST,
    TUNE,
    TUNE_EXTRA,
    TUNE_EXTRA2,
    TUNE_EXTRA3,
    VALIDATION,
    HeadlineCounts,
    headline_counts,
    load_pages,
    score_page,
)
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


def generated_counts(pool: list[Article], pages: int, seed: int) -> HeadlineCounts:
    """Headline figures on random pages of `pool` with real-paper headline structures."""
    rng = random.Random(seed)
    counts = HeadlineCounts()
    for _ in range(pages):
        text, articles, _ = random_page(pool, rng, HEADLINE_LAYOUT)
        counts.add(score_page(articles, parse_page(text)))
    return counts


def bundled_counts() -> HeadlineCounts:
    """Headline figures on the bundled seed page against its hand-checked parse."""
    gold = articles_from_json(SEED_ARTICLES)
    return score_page(gold, parse_page(SEED_PAGE.read_text(encoding="utf-8")))


def headline_table(pool: list[Article], layouts: int, seed: int, with_test: bool) -> list[str]:
    """The headline figures as Markdown rows, one per page set."""
    sets = [
        (f"tune split ({TUNE.name}), {layouts} layouts a page", TUNE),
        (f"extra tune set ({TUNE_EXTRA.name}), {layouts} layouts a page", TUNE_EXTRA),
        (f"extra days ({DAYS.name}), {layouts} layouts a page", DAYS),
        (f"validation set ({VALIDATION.name}), {layouts} layouts a page", VALIDATION),
        (f"second extra tune set ({TUNE_EXTRA2.name}), {layouts} layouts a page", TUNE_EXTRA2),
        (f"third extra tune set ({TUNE_EXTRA3.name}), {layouts} layouts a page", TUNE_EXTRA3),
    ]
    if with_test:
        sets.append((f"frozen test split ({TEST.name}), {layouts} layouts a page", TEST))
    rows = [
        "| pages | articles | exact kicker/title/subtitle | gold title among fields "
        "| uncertain (cited whole) | blocks on foreign articles | exact paragraphs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    results = [
        (name, headline_counts(load_pages(path), layouts, seed))
        for name, path in sets
        if path.is_file()
    ]
    pages = 40 * layouts
    results.append((f"generated, {pages} pages", generated_counts(pool, pages, seed)))
    results.append(("bundled page (2024-08-22)", bundled_counts()))
    for name, c in results:
        rows.append(
            f"| {name} | {c.articles} | {c.exact_roles} ({c.percent('exact_roles'):.1f}%) "
            f"| {c.cells()} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layouts", type=int, default=300, help="random pages per article pool")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random layouts")
    parser.add_argument(
        "--headline-layouts", type=int, default=8, help="layouts of each written headline page"
    )
    parser.add_argument(
        "--with-test", action="store_true", help="also report the frozen headline test split"
    )
    args = parser.parse_args()
    # Pages with an article left without a headline are counted, not logged one by one.
    logging.getLogger("retrieval").setLevel(logging.ERROR)

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
    print("\nHeadlines on unseen pages")
    test_pool = pools["tests/data articles"]
    print("\n".join(headline_table(test_pool, args.headline_layouts, args.seed, args.with_test)))


if __name__ == "__main__":
    main()
