"""Cold start of the serving path in a fresh process: import, `Searcher.open`, one query.

    python -m benchmarks.cold_start benchmarks/out/n1000000/index/newsbot/archive.db
"""

from __future__ import annotations

import argparse
import resource
import time


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a newsbot database with its index beside it")
    parser.add_argument("--question", default="西宁半马几点开赛？")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    from retrieval.search import Searcher

    searcher = Searcher.open(args.db)
    opened = time.perf_counter()
    hits = searcher.search(args.question, 10)
    done = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"import+open {opened - start:.2f} s, first query {1000 * (done - opened):.1f} ms, "
        f"total {done - start:.2f} s, peak RSS {rss_mb:.0f} MB, {len(hits)} hits"
    )


if __name__ == "__main__":
    main()
