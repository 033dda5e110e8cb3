"""`newsbot backup` of an archive while a bot answers questions at a steady rate.

    .venv/bin/python -m benchmarks.backup_load benchmarks/out/footprint/n1000000/newsbot/archive.db

A subprocess answers questions (`answer()`, as the bot does) at `--rate` a second, from
five seconds before the backup (once it has opened the archive and answered one question)
until five seconds after it; the main process runs
`backup()` into a scratch folder. Prints the backup's time and size and how many questions
were answered, failed, and their latency during the backup; the copy is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import corpus

HERE = Path(__file__).resolve().parent


def serve(db: Path, rate: float, seconds: float, stop: Path) -> dict:
    """Answer questions at `rate` a second until `stop` exists (at most `seconds`)."""
    from retrieval.answer import answer
    from retrieval.search import Searcher

    questions = corpus.sample_questions(
        corpus.real_questions(corpus.CMRC_TRIAL, corpus.GOLD_QUESTIONS), 300, seed=0
    )
    searcher = Searcher.open(db)
    answer(questions[-1], searcher)  # load every model before the clock starts
    (stop.parent / "ready").touch()
    log = []  # (start time, ms, error)
    started = time.time()
    i = 0
    while time.time() - started < seconds and not stop.exists():
        due = started + i / rate
        time.sleep(max(0.0, due - time.time()))
        t = time.time()
        try:
            answer(questions[i % len(questions)], searcher)
            error = None
        except Exception as exc:  # counted as a failed question
            error = repr(exc)
        log.append((t, 1000 * (time.time() - t), error))
        i += 1
    return {"log": log}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--rate", type=float, default=20.0, help="questions a second")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "backup_load")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    stop = args.out / "stop"
    if args.serve:
        result = serve(args.db, args.rate, seconds=600, stop=stop)
        (args.out / "served.json").write_text(json.dumps(result))
        return
    from retrieval.backup import backup
    from retrieval.metrics import percentile

    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.backup_load",
            str(args.db),
            "--serve",
            "--rate",
            str(args.rate),
            "--out",
            str(args.out),
        ]
    )
    deadline = time.time() + 300
    while not (args.out / "ready").exists() and time.time() < deadline:
        time.sleep(0.5)
    time.sleep(5)  # a few seconds at the steady rate before the backup
    began = time.time()
    result = backup(args.db, args.out / "copy" / args.db.name)
    ended = time.time()
    time.sleep(5)
    stop.touch()
    server.wait(timeout=120)
    log = json.loads((args.out / "served.json").read_text())["log"]
    during = [ms for t, ms, _ in log if began <= t <= ended]
    failed = [e for _, _, e in log if e]
    print(
        f"backup {result.seconds:.1f} s ({result.db_bytes / 2**20:,.0f} MB database + "
        f"{result.index_bytes / 2**20:,.0f} MB index); {len(log)} questions answered at "
        f"{args.rate:g}/s, {len(failed)} failed; during the backup {len(during)} questions, "
        f"answer p50 {percentile(during, 50):.1f} ms, p99 {percentile(during, 99):.1f} ms"
    )
    shutil.rmtree(args.out / "copy")


if __name__ == "__main__":
    main()
