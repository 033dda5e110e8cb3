"""Footprint: bytes per paragraph of newsbot's store and index beside the text, FTS5 and tantivy.

    git worktree add --detach ../base be99536     # the commit before the token cache went
    .venv/bin/python -m benchmarks.footprint --sizes 10000,100000 --baseline ../base \\
        --baseline-sizes 10000,100000 --cache-size 100000
    .venv/bin/python -m benchmarks.footprint --sizes 200000 --peers ""

For each size it generates the archive-scale corpus (`benchmarks/corpus.py`, one JSONL file per
day), ingests it with this checkout (and, with `--baseline DIR`, with another checkout of
newsbot, e.g. one that still keeps the token cache) in a fresh interpreter, and measures every
SQLite table (dbstat) and index file; then serves it (cold start, retrieval and `answer()`
latency, peak RSS), the variants side by side so that they share the machine's load. FTS5
and tantivy index the same tokens. `--cache-size` times what an index rebuild pays with and
without a token cache: tokenizing every paragraph on every core, against reading the tokens
back from a text cache or a compact (zlib'd term-id) cache.
Results go to `benchmarks/results/footprint.json`; the tables are printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np

from benchmarks import corpus, serving
from benchmarks.archive_scale import machine, newsbot_params, peak_rss_mb
from benchmarks.methods import ENGINES

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "footprint"
RESULTS = HERE / "results" / "footprint.json"
PEERS = ("sqlite-fts5", "tantivy")
QUESTIONS = 300
# Index files of the postings (both formats); the rest is the vocabulary, df, lengths, ids.
_POSTINGS = ("offsets", "low", "tf", "docs", "chunk_offsets", "chunk_high", "chunk_start")
ANSWERS = 100  # full answer() calls timed (each reads whole articles)


def prepare(size: int, out: Path) -> Path:
    """The corpus of one size (reused when present) and its questions."""
    where = out / f"n{size}"
    if not (where / "questions.json").is_file():
        passages = corpus.source_passages(
            sorted(corpus.REPO.glob("data/pages/*.txt")), corpus.CMRC_TRIAL
        )
        serving.write_days(corpus.generate(size, passages, seed=0), where / "corpus")
        questions = corpus.sample_questions(
            corpus.real_questions(corpus.CMRC_TRIAL, corpus.GOLD_QUESTIONS), QUESTIONS, seed=0
        )
        (where / "questions.json").write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
    return where


def text_bytes(where: Path) -> dict:
    """The JSONL files' bytes, and the UTF-8 bytes of the titles and paragraphs alone."""
    files = sorted((where / "corpus").glob("*.jsonl"))
    plain = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            article = json.loads(line)
            plain += len(article["title"].encode()) + sum(
                len(p.encode()) for p in article["paragraphs"]
            )
    return {"jsonl": sum(p.stat().st_size for p in files), "text": plain}


# --- workers: one fresh interpreter per build or serve, on the checkout measured --------------


def worker(phase: str, where: Path, variant: str) -> dict:
    """Build or serve one variant's archive under `where/variant/`; runs in a subprocess."""
    db = where / variant / "archive.db"
    import retrieval
    from retrieval.tokenize import query_tokens

    log.info("%s %s of %s with %s", phase, variant, where.name, Path(retrieval.__file__).parent)
    query_tokens("预热")  # jieba's dictionary loads before any clock starts
    if phase == "build":
        from retrieval.ingest import ingest_paths
        from retrieval.search import build_index
        from retrieval.store import Store

        db.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with Store(db) as store:
            ingest_paths(store, [where / "corpus"])
        stored = time.perf_counter()
        build_index(db)
        return {
            "store_s": stored - started,
            "index_s": time.perf_counter() - stored,
            "build_peak_rss_mb": peak_rss_mb(),
        }
    from retrieval.answer import answer
    from retrieval.metrics import percentile
    from retrieval.search import Searcher

    questions = json.loads((where / "questions.json").read_text("utf-8"))
    started = time.perf_counter()
    searcher = Searcher.open(db)
    searcher.search(questions[0], 10)
    cold = time.perf_counter() - started
    latencies = []
    for question in questions:
        t = time.perf_counter()
        searcher.search(question, 10)
        latencies.append(1000 * (time.perf_counter() - t))
    asked = []
    for question in questions[:ANSWERS]:
        t = time.perf_counter()
        answer(question, searcher)
        asked.append(1000 * (time.perf_counter() - t))
    return {
        "cold_start_s": cold,
        "search_p50_ms": percentile(latencies, 50),
        "search_p99_ms": percentile(latencies, 99),
        "answer_p50_ms": percentile(asked, 50),
        "serve_peak_rss_mb": peak_rss_mb(),
    }


def _worker_command(
    phase: str, where: Path, variant: str, checkout: Path | None
) -> tuple[list[str], dict, Path]:
    """How to run `worker` in a fresh interpreter; with `checkout`, on that checkout's
    `retrieval` (and `benchmarks`): this file runs as a script from it, so neither this
    checkout's folder nor its installed package comes first on the import path."""
    env, cwd = dict(os.environ), HERE.parent
    command = [sys.executable, "-m", "benchmarks.footprint"]
    if checkout is not None:
        env["PYTHONPATH"], cwd = str(checkout), checkout
        command = [sys.executable, str(Path(__file__).resolve())]
    return [*command, "--worker", phase, variant, str(where)], env, cwd


def run_workers(phase: str, where: Path, variants: dict[str, Path | None]) -> dict[str, dict]:
    """`worker` for each variant (name → checkout), all at once: on a shared machine they
    then face the same load, and their figures compare."""
    log.info("%s: %s %s", where.name, ", ".join(variants), phase)
    running = []
    for variant, checkout in variants.items():
        command, env, cwd = _worker_command(phase, where, variant, checkout)
        running.append(subprocess.Popen(command, env=env, cwd=cwd))
    for process in running:
        if process.wait() != 0:
            raise RuntimeError(f"{where.name}: a {phase} worker failed ({process.args})")
    return {v: json.loads((where / v / f"{phase}.json").read_text()) for v in variants}


# --- sizes -----------------------------------------------------------------------------------


def tables(db: Path) -> dict[str, int]:
    """Bytes of every table with its indexes (dbstat), after checkpointing the log."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows = conn.execute(
            "SELECT COALESCE(m.tbl_name, d.name), SUM(d.pgsize) FROM dbstat d "
            "LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1"
        ).fetchall()
    finally:
        conn.close()
    return dict(rows)


def index_files(db: Path) -> dict[str, int]:
    """Bytes of each file of the current index generation, by kind of file."""
    root = db.with_name(db.name + ".idx")
    generation = root / (root / "CURRENT").read_text().strip()
    sizes: dict[str, int] = {}
    for path in generation.iterdir():
        kind = path.name.split(".")[0]
        kind = kind.split("_", 1)[1] if kind.startswith("p") and "_" in kind else kind
        sizes[kind] = sizes.get(kind, 0) + path.stat().st_size
    return sizes


def measure_variants(where: Path, variants: dict[str, Path | None]) -> dict[str, dict]:
    """Build each variant (once, one after another: a build uses every core), then serve
    them side by side; their sizes and timings."""
    for variant, checkout in variants.items():
        if not (where / variant / "build.json").is_file():
            run_workers("build", where, {variant: checkout})
    served = run_workers("serve", where, variants)
    measured = {}
    for variant in variants:
        db = where / variant / "archive.db"
        index = index_files(db)
        measured[variant] = {
            **json.loads((where / variant / "build.json").read_text()),
            **served[variant],
            "db_bytes": db.stat().st_size,
            "tables": tables(db),
            "index_files": index,
            "index_bytes": sum(index.values()),
        }
    return measured


def measure_peers(where: Path, peers: list[str]) -> dict[str, int]:
    """Index bytes of each peer engine over the tokens newsbot indexes (exported once)."""
    from benchmarks.archive_scale import disk_mb

    if not (where / "tokens" / "offsets.npy").is_file():
        serving.export_tokens(where / "newsbot" / "archive.db").save(where / "tokens")
    sizes = {}
    for peer in peers:
        target = where / "peers" / peer
        if not target.exists():
            ENGINES[peer].build(where, target, newsbot_params())
        sizes[peer] = int(disk_mb(target) * 2**20)
    return sizes


def cache_experiment(where: Path, baseline: str) -> dict:
    """What a rebuild reads: tokens from text on every core, or back from a token cache.

    The text cache is the baseline's `paragraph_tokens`; the compact one holds each
    paragraph's term ids (sorted, delta-coded, zlib'd), built here from it."""
    from retrieval.search import document_text
    from retrieval.store import Store
    from retrieval.tokenize import TokenizerPool

    db = where / baseline / "archive.db"
    started = time.perf_counter()
    with Store(db) as store, TokenizerPool() as pool:
        texts = [document_text(row) for row in store.iter_paragraphs()]
        tokenized = [joined.split() for joined in pool.submit(texts)()]
    tokenize_s = time.perf_counter() - started
    conn = sqlite3.connect(db)
    started = time.perf_counter()
    from_text = [
        joined.split()
        for (joined,) in conn.execute("SELECT tokens FROM paragraph_tokens ORDER BY paragraph_id")
    ]
    text_s = time.perf_counter() - started
    assert len(from_text) == len(tokenized)
    vocab: dict[str, int] = {}
    compact = sqlite3.connect(where / "compact_cache.db")
    compact.execute("DROP TABLE IF EXISTS c")
    compact.execute("CREATE TABLE c (paragraph_id INTEGER PRIMARY KEY, ids BLOB)")
    with compact:
        compact.executemany(
            "INSERT INTO c VALUES (?, ?)",
            (
                (i, _pack([vocab.setdefault(t, len(vocab)) for t in tokens]))
                for i, tokens in enumerate(from_text)
            ),
        )
    compact.execute("VACUUM")
    terms = list(vocab)
    started = time.perf_counter()
    from_compact = [
        [terms[t] for t in _unpack(blob).tolist()]
        for (blob,) in compact.execute("SELECT ids FROM c ORDER BY paragraph_id")
    ]
    compact_s = time.perf_counter() - started
    compact.close()
    conn.close()
    return {
        "paragraphs": len(tokenized),
        "tokenize_all_cores_s": tokenize_s,
        "read_text_cache_s": text_s,
        "read_compact_cache_s": compact_s,
        "compact_cache_bytes": (where / "compact_cache.db").stat().st_size,
        "compact_tokens_checked": sum(map(len, from_compact)) == sum(map(len, tokenized)),
    }


def _pack(ids: list[int]) -> bytes:
    """A paragraph's term ids as a bag: sorted, delta-coded, zlib'd (order is not needed to
    rebuild BM25 postings)."""
    deltas = np.diff(np.sort(np.asarray(ids, dtype=np.int64)), prepend=0).astype(np.uint32)
    return zlib.compress(deltas.tobytes(), 6)


def _unpack(blob: bytes) -> np.ndarray:
    return np.cumsum(np.frombuffer(zlib.decompress(blob), dtype=np.uint32), dtype=np.int64)


# --- report ----------------------------------------------------------------------------------


def table(runs: list[dict]) -> str:
    """Bytes per paragraph of each part, and the whole beside the text."""
    lines = [
        "| paragraphs | variant | JSONL B/p | paragraphs table | other tables | token cache "
        "| index postings | index other | store + index | × JSONL | FTS5 | tantivy |",
        "| ---: | --- " + "| ---: " * 10 + "|",
    ]
    for run in runs:
        n = run["size"]
        jsonl = run["text"]["jsonl"]
        for variant, m in run["variants"].items():
            t = dict(m["tables"])
            cache = t.pop("paragraph_tokens", 0)
            paragraphs = t.pop("paragraphs", 0)
            postings = sum(v for k, v in m["index_files"].items() if k in _POSTINGS)
            total = m["db_bytes"] + m["index_bytes"]
            peers = run.get("peers", {})
            lines.append(
                f"| {n:,} | {variant} | {jsonl / n:,.0f} | {paragraphs / n:,.0f} "
                f"| {sum(t.values()) / n:,.0f} | {cache / n:,.0f} | {postings / n:,.0f} "
                f"| {(m['index_bytes'] - postings) / n:,.0f} | {total / n:,.0f} "
                f"| {total / jsonl:.2f} | "
                + " | ".join(
                    f"{peers[p] / n:,.0f}" if p in peers and variant == "newsbot" else "–"
                    for p in PEERS
                )
                + " |"
            )
    return "\n".join(lines)


def timings(runs: list[dict]) -> str:
    lines = [
        "| paragraphs | variant | ingest s (store + index) | build RSS MB | cold start s "
        "| search p50 / p99 ms | answer p50 ms | serve RSS MB |",
        "| ---: | --- " + "| ---: " * 6 + "|",
    ]
    for run in runs:
        for variant, m in run["variants"].items():
            lines.append(
                f"| {run['size']:,} | {variant} | {m['store_s'] + m['index_s']:.1f} "
                f"({m['store_s']:.1f} + {m['index_s']:.1f}) | {m['build_peak_rss_mb']:,.0f} "
                f"| {m['cold_start_s']:.2f} | {m['search_p50_ms']:.2f} / {m['search_p99_ms']:.2f} "
                f"| {m['answer_p50_ms']:.1f} | {m['serve_peak_rss_mb']:,.0f} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--baseline", type=Path, help="another newsbot checkout to compare")
    parser.add_argument("--baseline-sizes", default="", help="sizes the baseline is built at")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--peer-sizes", default="", help="sizes the peers index (default all)")
    parser.add_argument("--cache-size", type=int, help="size of the token-cache experiment")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--worker", nargs=2, metavar=("PHASE", "VARIANT"), help=argparse.SUPPRESS)
    parser.add_argument("where", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    log.setLevel(logging.INFO)
    if args.worker:
        phase, variant = args.worker
        result = worker(phase, args.where, variant)
        (args.where / variant / f"{phase}.json").write_text(json.dumps(result))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    baseline_sizes = {int(s) for s in args.baseline_sizes.split(",") if s}
    peer_sizes = {int(s) for s in args.peer_sizes.split(",") if s} or set(sizes)
    peers = [p for p in args.peers.split(",") if p]
    runs = []
    for size in sizes:
        where = prepare(size, args.out)
        run = {"size": size, "text": text_bytes(where), "variants": {}}
        variants: dict[str, Path | None] = {"newsbot": None}
        if args.baseline and size in baseline_sizes:
            variants["baseline"] = args.baseline
        run["variants"] = measure_variants(where, variants)
        if peers and size in peer_sizes:
            run["peers"] = measure_peers(where, peers)
        if size == args.cache_size and "baseline" in run["variants"]:
            run["cache_experiment"] = cache_experiment(where, "baseline")
        runs.append(run)
    print(table(runs), timings(runs), sep="\n\n")
    for run in runs:
        if "cache_experiment" in run:
            print(json.dumps(run["cache_experiment"]))
    kept = (
        {r["size"]: r for r in json.loads(RESULTS.read_text())["runs"]} if RESULTS.is_file() else {}
    )
    for run in runs:  # a rerun without peers or the cache experiment keeps their last figures
        for key in ("peers", "cache_experiment"):
            if key in kept.get(run["size"], {}):
                run.setdefault(key, kept[run["size"]][key])
    runs = sorted([r for n, r in kept.items() if n not in sizes] + runs, key=lambda r: r["size"])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine(), "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
