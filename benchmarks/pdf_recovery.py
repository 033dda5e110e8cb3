"""How well, and how fast, `retrieval.pdf` reads back articles typeset as e-paper PDFs.

Documents of 3–8 articles are typeset by `benchmarks.pdf_typeset` in random layouts (grid,
page size, type sizes, rules, centred or flush headlines; long documents run onto more
pages), then read by two extraction libraries feeding the same layout analysis: pypdfium2
(what newsbot uses) and pdfplumber (pdfminer.six). An article counts when its title,
kicker, subtitle, byline, reporters, paragraphs and the page date all come back exactly.
Article pools: the bundled page's five, `tests/data/layout_articles.json`, articles
generated from real sentences (`benchmarks.corpus`) and, when `../shared/data` has it, the
CMRC 2018 trial passages. The bundled page is also typeset alone in every layout.

    python -m benchmarks.pdf_recovery --documents 240 --seed 1
"""

from __future__ import annotations

import argparse
import io
import logging
import platform
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks import corpus
from benchmarks.layout_recovery import CMRC_TRIAL, TEST_ARTICLES, cmrc_articles
from benchmarks.pdf_typeset import bundled_articles, random_layout, typeset_pdf
from retrieval.layout import clean_spaces, parse_byline
from retrieval.models import Article
from retrieval.pdf import Glyph, PageContent, Rule, extract, parse_contents
from retrieval.resources import bundled_pages
from retrieval.typeset import articles_from_json, recovered

_PAPERS = ["西宁晚报", "青海日报", "西海都市报", "江城晚报", "海东时报"]
_KICKERS = ["记者从有关部门获悉", "本市举行专题会议时强调", "民生关注", "聚焦高质量发展"]
_REPORTERS = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽"]


def read_pdfplumber(data: bytes, name: str) -> list[PageContent]:
    """The same glyphs and rules as `retrieval.pdf.extract`, read through pdfplumber."""
    import pdfplumber

    contents = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            glyphs = [
                Glyph(
                    c["text"],
                    c["x0"],
                    c["x1"],
                    c["top"],
                    c["bottom"],
                    page.height - c["matrix"][5],
                    c["size"],
                )
                for c in page.chars
            ]
            rules = [
                Rule(o["x0"], o["x1"], o["top"], o["bottom"])
                for o in page.lines + page.rects
                if min(o["x1"] - o["x0"], o["bottom"] - o["top"]) <= 3
            ]
            contents.append(PageContent(glyphs, rules))
    return contents


READERS: dict[str, Callable[[bytes, str], list[PageContent]]] = {
    "pypdfium2": extract,
    "pdfplumber": read_pdfplumber,
}


def generated_articles(count: int, seed: int) -> list[Article]:
    """Articles resampled from real sentences, with kickers, subtitles and bylines added."""
    rng = random.Random(seed)
    passages = corpus.source_passages(bundled_pages(), CMRC_TRIAL if CMRC_TRIAL.is_file() else None)
    articles = []
    for made in corpus.generate(count * 6, passages, seed=seed)[:count]:
        reporters = rng.sample(_REPORTERS, rng.randint(1, 3))
        kicker = rng.choice(_KICKERS) if rng.random() < 0.3 else None
        subtitle = "——" + rng.choice(_KICKERS) if rng.random() < 0.2 else None
        byline = f"本报讯（记者 {' '.join(reporters)}）"
        paragraphs = [_news_text(p) for p in made.paragraphs]
        articles.append(
            Article(_news_text(made.title), paragraphs, kicker, subtitle, reporters, byline)
        )
    return articles


def _news_text(text: str) -> str:
    """Resampled text as an article holds it: without stray spaces, and without a byline the
    sentence kept from the bundled page's first paragraph (a byline opens an article)."""
    found = parse_byline(text)
    return clean_spaces(found[2] if found else text)


def _encodable(article: Article) -> bool:
    """Whether the font has every character: STSong-Light covers Adobe-GB1, about GBK."""
    texts = [article.title, article.kicker or "", article.subtitle or "", *article.paragraphs]
    try:
        "".join(texts).encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def pools(seed: int) -> dict[str, list[Article]]:
    """The article pools documents are drawn from (articles the font can show)."""
    found = {
        "bundled + tests/data": bundled_articles()
        + [a for a in articles_from_json(TEST_ARTICLES[1])],
        "generated": generated_articles(400, seed),
    }
    if CMRC_TRIAL.is_file():
        found["CMRC 2018 trial"] = cmrc_articles(CMRC_TRIAL, random.Random(seed))
    else:
        print(f"(CMRC 2018 trial set not found at {CMRC_TRIAL}: its pool is skipped)")
    return {name: [a for a in pool if _encodable(a)] for name, pool in found.items()}


@dataclass
class Tally:
    """Recovered articles, pages and read seconds for one extraction library."""

    exact: int = 0
    articles: int = 0
    pages: int = 0
    seconds: float = 0.0
    bundled_failures: int = 0


def score(data: bytes, expected: list[Article], day: str, reader: Callable, tally: Tally) -> int:
    """Read one PDF with `reader`, add its time and exact articles to `tally`."""
    start = time.perf_counter()
    page, _, date = parse_contents(reader(data, "generated.pdf"))
    tally.seconds += time.perf_counter() - start
    exact = recovered(expected, page) if date == day else 0
    tally.exact += exact
    tally.articles += len(expected)
    return exact


def run(documents: int, seed: int, readers: list[str]) -> dict[str, dict[str, Tally]]:
    """Per pool and reader, the tallies over `documents` random documents each."""
    rng = random.Random(seed)
    results: dict[str, dict[str, Tally]] = {}
    bundled = bundled_articles()
    named = {**pools(seed), "bundled page alone": bundled}
    for pool_name, pool in named.items():
        tallies = {name: Tally() for name in readers}
        for _ in range(documents if pool is not bundled else max(1, documents // 4)):
            if pool is bundled:
                articles = bundled
            else:
                articles = rng.sample(pool, min(len(pool), rng.randint(3, 8)))
            day = f"20{rng.randint(10, 29)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            pdf = typeset_pdf(
                articles, rng, paper=rng.choice(_PAPERS), day=day, layout=random_layout(rng)
            )
            for name in readers:
                tally = tallies[name]
                tally.pages += pdf.pages
                if score(pdf.data, articles, day, READERS[name], tally) < len(articles):
                    tally.bundled_failures += pool is bundled
        results[pool_name] = tallies
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=240, help="documents per pool")
    parser.add_argument("--seed", type=int, default=1, help="seed of articles and layouts")
    parser.add_argument(
        "--readers", default=",".join(READERS), help=f"comma-separated, of {', '.join(READERS)}"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # not the parser's per-page warnings
    readers = args.readers.split(",")
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    totals = {name: Tally() for name in readers}
    for pool, tallies in run(args.documents, args.seed, readers).items():
        print(f"{pool}:")
        for name, t in tallies.items():
            print(
                f"  {name:10s} {t.exact}/{t.articles} articles exact "
                f"({100 * t.exact / t.articles:.2f}%), {t.pages} pages, "
                f"{t.pages / t.seconds:.1f} pages/s"
                + (
                    f", layouts failing: {t.bundled_failures}"
                    if pool.startswith("bundled page")
                    else ""
                )
            )
            total = totals[name]
            total.exact += t.exact
            total.articles += t.articles
            total.pages += t.pages
            total.seconds += t.seconds
    print("all pools:")
    for name, t in totals.items():
        print(
            f"  {name:10s} {t.exact}/{t.articles} articles exact "
            f"({100 * t.exact / t.articles:.2f}%), {t.pages} pages, "
            f"{t.pages / t.seconds:.1f} pages/s"
        )


if __name__ == "__main__":
    main()
