"""Archive-scale benchmark: newsbot against rank-bm25, bm25s, SQLite FTS5 and tantivy.

    .venv/bin/python -m benchmarks.archive_scale --sizes 10000,100000,1000000

For each size it generates the corpus (one JSONL file per day), ingests and indexes it the
way `newsbot ingest` does (tokenizing on every core), then feeds the stored paragraphs'
tokens (tokenized again the same way) to every other method, each built and served in its
own subprocesses so that peak RSS and cold start belong to that method alone. It prints a
table per size and writes `benchmarks/results/archive_scale.json`; `python -m
benchmarks.chart` draws it.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from benchmarks import corpus, serving
from benchmarks.methods import ENGINES, Params, top_k_of_scores

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RESULTS = HERE / "results" / "archive_scale.json"
K = 10
SEED = 0
# Scores are equal when they differ by less than this (rank_bm25 sums in float64).
SCORE_TOLERANCE = 1e-9
REFERENCE = "rank-bm25"
NEWSBOT = serving.Newsbot.name
# Methods that compute rank_bm25's formula, whose scores (not just rankings) must match it.
EXACT = (REFERENCE, "newsbot-index", NEWSBOT)
METHODS = {**ENGINES, NEWSBOT: serving.Newsbot}

Runner = Callable[[str, str, Path], dict]


def reference_count(size: int, queries: int) -> int:
    """How many queries rank-bm25 answers: it scores every paragraph in Python (~2 s at 1M)."""
    return min(queries, max(20, 5_000_000 // size))


def peak_rss_mb() -> float:
    """This process's peak resident set size.

    VmHWM, not getrusage: ru_maxrss survives fork and exec, so a child would report its
    parent's peak when that was higher.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def newsbot_params() -> Params:
    """newsbot's BM25 parameters, given to every engine that accepts them."""
    from retrieval import search

    return Params(k1=search.K1, b=search.B, epsilon=search.EPSILON)


# --- corpus and tokens, prepared once per size ---------------------------------------------


def prepare(size: int, queries: int, out: Path, run: Runner) -> Path:
    """Generate the corpus and questions of one size, ingest it into newsbot and export the
    tokens newsbot cached; a size prepared before is reused."""
    from retrieval.tokenize import TOKENIZER_VERSION

    where = out / f"n{size}"
    done = where / "prepared.json"
    if done.is_file() and json.loads(done.read_text())["queries"] >= queries:
        return where
    (where / "results").mkdir(parents=True, exist_ok=True)
    passages = corpus.source_passages(
        sorted(corpus.REPO.glob("data/pages/*.txt")), corpus.CMRC_TRIAL
    )
    articles = corpus.generate(size, passages, seed=SEED)
    serving.write_days(articles, where / "corpus")
    questions = corpus.sample_questions(
        corpus.real_questions(corpus.CMRC_TRIAL, corpus.GOLD_QUESTIONS), queries, seed=SEED
    )
    (where / "questions.json").write_text(
        json.dumps([{"question": q} for q in questions], ensure_ascii=False), encoding="utf-8"
    )
    measure(NEWSBOT, "build", where, run, reuse=False)
    tokens = serving.export_tokens(serving.database(where / "index" / NEWSBOT))
    tokens.save(where / "tokens")
    texts = [p for a in articles for p in a.paragraphs]
    done.write_text(
        json.dumps(
            {
                "size": size,
                "queries": len(questions),
                "articles": len(articles),
                "days": len({a.date for a in articles}),
                "tokens": int(tokens.offsets[-1]),
                "vocabulary": len(tokens.vocab),
                "mean_chars": sum(map(len, texts)) / len(texts),
                "tokenizer_version": TOKENIZER_VERSION,
                "commit": _git_commit(),
            }
        )
    )
    return where


def _git_commit() -> str:
    """The checkout's commit (+dirty when `retrieval/` has uncommitted edits), so a figure
    can be traced to the code that produced it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True).stdout

    dirty = git("status", "--porcelain", "--", "../retrieval").strip()
    return git("rev-parse", "--short", "HEAD").strip() + ("+dirty" if dirty else "")


def load_questions(where: Path) -> list[dict]:
    return json.loads((where / "questions.json").read_text(encoding="utf-8"))


# --- one method, one phase, in its own process ---------------------------------------------


@dataclass
class Served:
    """What serving one method measured: cold start, latencies and the reference sample."""

    cold_start_s: float
    latencies_ms: list[float] = field(default_factory=list)
    top: list[list[int]] = field(default_factory=list)
    scores: list[list[float]] = field(default_factory=list)
    ask_latencies_ms: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0


def _serve(open_searcher, questions: list[dict], sample: int) -> tuple[Served, object]:
    """Time `open_searcher()` plus a first query, then every question (tokenizing included)."""
    started = time.perf_counter()
    searcher = open_searcher()
    searcher.search(questions[0]["question"], K)
    served = Served(cold_start_s=time.perf_counter() - started)
    for i, question in enumerate(questions):
        t = time.perf_counter()
        ids, scores = searcher.search(question["question"], K)
        served.latencies_ms.append((time.perf_counter() - t) * 1000)
        if i < sample:
            served.top.append(ids)
            served.scores.append(scores)
    return served, searcher


def worker(method: str, phase: str, where: Path) -> dict:
    """Run one phase of one method ("build", "serve"; newsbot also "update")."""
    from retrieval.tokenize import query_tokens

    params = newsbot_params()
    engine = METHODS[method]
    index_dir = where / "index" / method
    commit = _git_commit()  # now: this process has imported the code it measures
    query_tokens("预热")  # load jieba's dictionary before any clock starts
    if phase == "build":
        started = time.perf_counter()
        extra = engine.build(where, index_dir, params) or {}
        return {
            "commit": commit,
            "build_s": time.perf_counter() - started,
            "build_peak_rss_mb": peak_rss_mb(),
            "disk_mb": disk_mb(index_dir),
            **extra,
        }
    if phase == "update":
        return serving.time_daily_update(where, index_dir, where / "update")
    questions = load_questions(where)
    size = json.loads((where / "prepared.json").read_text())["size"]
    sample = reference_count(size, len(questions))
    if method == REFERENCE:
        questions = questions[:sample]
    served, searcher = _serve(lambda: engine.open(where, index_dir, params), questions, sample)
    if method == REFERENCE:
        scores = np.stack([searcher.scores(query_tokens(q["question"])) for q in questions])
        np.save(where / "results" / "reference_scores.npy", scores)
    if method == NEWSBOT:
        served.ask_latencies_ms = serving.time_answers(searcher, [q["question"] for q in questions])
    served.peak_rss_mb = peak_rss_mb()
    return {"commit": commit, **asdict(served)}


def run_worker(method: str, phase: str, where: Path) -> dict:
    """Run `worker` in a fresh interpreter so its memory and start-up are its own."""
    command = [sys.executable, "-m", "benchmarks.archive_scale", "--worker", method, phase]
    log.info("%s: %s %s", where.name, method, phase)
    subprocess.run([*command, str(where)], check=True)
    return json.loads(_result_path(method, phase, where).read_text())


def _result_path(method: str, phase: str, where: Path) -> Path:
    return where / "results" / f"{method}.{phase}.json"


def measure(method: str, phase: str, where: Path, run: Runner, reuse: bool) -> dict:
    """A phase's measurements, saved beside the size; saved ones are reused if `reuse`."""
    path = _result_path(method, phase, where)
    if reuse and path.is_file():
        return json.loads(path.read_text())
    result = run(method, phase, where)
    path.write_text(json.dumps(result))
    return result


# --- comparing and reporting -----------------------------------------------------------------


def agreement(top: list[list[int]], scores: list[list[float]], reference: np.ndarray) -> dict:
    """How far a method's top K is rank-bm25's.

    Ties make "the" top K ambiguous, so a returned paragraph agrees when its rank-bm25 score
    reaches rank-bm25's K-th best score. Score error is only meaningful for engines that
    compute the same formula (newsbot); the others use other idf variants and k1.
    """
    shares, max_error, identical = [], 0.0, 0
    for all_ids, got, ref in zip(top, scores, reference, strict=False):
        if all_ids:
            max_error = max(max_error, float(np.max(np.abs(ref[all_ids] - np.asarray(got)))))
        # A row returned with a zero score was not found, only listed (newsbot pads to k).
        ids = [i for i, s in zip(all_ids, got, strict=True) if s > 0]
        best, best_scores = top_k_of_scores(ref, K)
        if not best:
            shares.append(float(not ids))
            identical += not ids
            continue
        threshold = best_scores[-1] - SCORE_TOLERANCE
        shares.append(sum(ref[i] >= threshold for i in ids[:K]) / len(best))
        identical += ids[:K] == best
    return {
        "agreement": float(np.mean(shares)) if shares else float("nan"),
        "identical_share": identical / len(shares) if shares else float("nan"),
        "max_score_error": max_error,
        "compared_queries": len(shares),
    }


def summarize(method: str, built: dict | None, served: dict, reference: np.ndarray) -> dict:
    """One table row: a method's build and serve measurements and its agreement."""
    from retrieval.metrics import percentile

    latencies = served["latencies_ms"]
    row = {
        "method": method,
        "build_s": built["build_s"] if built else None,
        "build_peak_rss_mb": built["build_peak_rss_mb"] if built else None,
        "disk_mb": built["disk_mb"] if built else None,
        "cold_start_s": served["cold_start_s"],
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "qps": 1000 * len(latencies) / sum(latencies),
        "queries": len(latencies),
        "serve_peak_rss_mb": served["peak_rss_mb"],
    }
    if served["ask_latencies_ms"]:
        row["ask_p50_ms"] = percentile(served["ask_latencies_ms"], 50)
        row["ask_p95_ms"] = percentile(served["ask_latencies_ms"], 95)
    row.update(agreement(served["top"], served["scores"], reference))
    return row


def _cell(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def table(size: int, rows: list[dict]) -> str:
    """A Markdown table of one corpus size."""
    lines = [
        f"**{size:,} paragraphs**",
        "",
        "| method | build s | cold start s | p50 ms | p95 ms | p99 ms | q/s | serve RSS MB "
        "| build RSS MB | disk MB | top-10 agreement | identical top-10 | max score error |",
        "| --- " + "| ---: " * 12 + "|",
    ]
    for r in rows:
        error = f"{r['max_score_error']:.1e}" if r["method"] in EXACT else "–"
        lines.append(
            f"| {r['method']} | {_cell(r['build_s'])} | {_cell(r['cold_start_s'], 2)} "
            f"| {_cell(r['p50_ms'], 2)} | {_cell(r['p95_ms'], 2)} | {_cell(r['p99_ms'], 2)} "
            f"| {_cell(r['qps'], 0)} | {_cell(r['serve_peak_rss_mb'], 0)} "
            f"| {_cell(r['build_peak_rss_mb'], 0)} | {_cell(r['disk_mb'], 0)} "
            f"| {r['agreement']:.3f} ({r['compared_queries']} q) | {r['identical_share']:.2f} "
            f"| {error} |"
        )
    return "\n".join(lines)


def newsbot_summary(run: dict) -> str:
    """The lines about newsbot's own path: ingest, a full answer, a day's update."""
    built, update = run["newsbot_build"], run.get("newsbot_update")
    row = next(r for r in run["rows"] if r["method"] == NEWSBOT)
    lines = [
        f"- ingest: {built['build_s']:.1f} s ({built['ingest_store_s']:.1f} s storing the "
        f"JSONL files, {built['ingest_index_s']:.1f} s tokenizing and indexing)",
        f"- full `answer()`: p50 {row['ask_p50_ms']:.1f} ms, p95 {row['ask_p95_ms']:.1f} ms",
    ]
    if update:
        lines.append(
            f"- a day's {update['day_paragraphs']} paragraphs: {update['store_s']:.2f} s to store,"
            f" {update['index_s']:.2f} s to update the index on disk, {update['refresh_s']:.2f} s"
            f" for the running searcher to refresh; new paragraph found: "
            f"{update['new_paragraph_found']}"
        )
    return "\n".join(lines)


def run_size(
    size: int,
    queries: int,
    methods: list[str],
    out: Path = OUT,
    run: Runner = run_worker,
    reuse: frozenset[str] = frozenset(),
) -> dict:
    """Prepare one size, build and serve each method (in its own processes), compare.

    Saved builds are always reused; saved serve results only for the methods in `reuse`."""
    where = prepare(size, queries, out, run)
    measured = {}
    # The reference runs first: it leaves rank-bm25's scores for the others to be compared to.
    for method in [REFERENCE] + [m for m in methods if m != REFERENCE]:
        engine = METHODS[method]
        built = measure(method, "build", where, run, reuse=True) if engine.persistent else None
        measured[method] = built, measure(method, "serve", where, run, reuse=method in reuse)
    reference = np.load(where / "results" / "reference_scores.npy")
    result = {
        "size": size,
        "corpus": json.loads((where / "prepared.json").read_text()),
        "reference_queries": len(reference),
        "rows": [summarize(m, *measured[m], reference) for m in measured],
    }
    if NEWSBOT in methods:
        result["newsbot_build"] = measured[NEWSBOT][0]
        result["newsbot_update"] = measure(NEWSBOT, "update", where, run, NEWSBOT in reuse)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated paragraph counts")
    parser.add_argument("--queries", type=int, default=300, help="questions timed per method")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--out", type=Path, default=OUT, help="cache of corpora and indexes")
    parser.add_argument(
        "--reuse", default="", help="methods whose saved serve results are reused (slow ones)"
    )
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "PHASE"), help=argparse.SUPPRESS)
    parser.add_argument("where", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Progress of the benchmark itself; newsbot's own INFO lines (one per file) would drown it.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    log.setLevel(logging.INFO)
    if args.worker:
        method, phase = args.worker
        result = worker(method, phase, args.where)
        _result_path(method, phase, args.where).write_text(json.dumps(result))
        return
    methods = [m for m in args.methods.split(",") if m]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        parser.error(f"--methods: unknown {', '.join(unknown)}; choose from {', '.join(METHODS)}")
    sizes = [int(s) for s in args.sizes.split(",")]
    reuse = frozenset(m for m in args.reuse.split(",") if m)
    runs = [run_size(size, args.queries, methods, args.out, reuse=reuse) for size in sizes]
    for run in runs:
        print(table(run["size"], run["rows"]), end="\n\n")
        if NEWSBOT in methods:
            print(newsbot_summary(run), end="\n\n")
    # Sizes are run one at a time (1M takes long): keep the other sizes' last results.
    kept = json.loads(RESULTS.read_text())["runs"] if RESULTS.is_file() else []
    kept = [run for run in kept if run["size"] not in sizes]
    RESULTS.parent.mkdir(exist_ok=True)
    runs = sorted(kept + runs, key=lambda r: r["size"])
    RESULTS.write_text(json.dumps({"machine": machine(), "runs": runs}, indent=1))


def machine() -> dict:
    """The facts BENCHMARKS.md quotes about where the figures come from."""
    import os
    import platform

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }


if __name__ == "__main__":
    main()
