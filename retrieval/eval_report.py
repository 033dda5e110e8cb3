"""The `newsbot eval --report DIR` output: a Markdown report listing failures, and a chart.

matplotlib is imported only here and only when a report is asked for (extra `report`).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from retrieval.errors import NewsbotError
from retrieval.evaluate import Outcome, Summary, format_table

log = logging.getLogger(__name__)

REPORT_NAME = "report.md"
CHART_NAME = "recall.png"
# Evidence sentences are cut to this many characters in the failure table.
EVIDENCE_CHARS = 120


def _cell(text: str | None, limit: int | None = None) -> str:
    """Text made safe for one Markdown table cell."""
    if not text:
        return "—"
    text = " ".join(text.split()).replace("|", "\\|")
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _failure_rows(outcomes: Sequence[Outcome]) -> list[str]:
    rows = []
    for o in outcomes:
        if o.correct:
            continue
        expected = " / ".join(o.gold.answers) if o.gold.answerable else "(not found)"
        got = o.answer.answer if o.answer.found else "(not found)"
        article = o.answer.article.title if o.answer.found and o.answer.article else None
        rank = "—" if o.paragraph_rank is None else str(o.paragraph_rank)
        rows.append(
            f"| {_cell(o.gold.id)} | {_cell(o.qtype)} | {_cell(o.gold.question)} "
            f"| {_cell(expected)} | {_cell(got)} | {_cell(o.answer.evidence, EVIDENCE_CHARS)} "
            f"| {_cell(article)} | {rank} |"
        )
    return rows


def _miss_rows(outcomes: Sequence[Outcome]) -> list[str]:
    """How many answerable questions miss an exact answer, by kind of miss, most first."""
    kinds = Counter(o.miss for o in outcomes if o.miss is not None)
    answerable = sum(1 for o in outcomes if o.gold.answerable)
    return [f"| {kind} | {n} | {n / answerable:.1%} |" for kind, n in kinds.most_common()]


def _evidence_line(outcomes: Sequence[Outcome]) -> str:
    """How many evidence misses had the right paragraph first: sentence choice, not search."""
    misses = [o for o in outcomes if o.gold.answerable and not o.evidence_ok]
    first = sum(1 for o in misses if o.paragraph_rank == 1)
    return (
        f"Of the {len(misses)} answerable questions whose evidence holds no reference answer, "
        f"{first} had the gold (or an answer-bearing) paragraph first."
    )


def _chart(path: Path, overall: Summary, groups: dict[str, Summary]) -> None:
    """Recall@k curves and per-type accuracy, side by side, as a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise NewsbotError("--report needs matplotlib: pip install 'newsbot[report]'") from exc
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for label, recall in (
        ("paragraph", overall.paragraph_recall),
        ("article", overall.article_recall),
    ):
        points = [(k, v) for k, v in recall.items() if not math.isnan(v)]
        if points:
            left.plot(*zip(*points, strict=True), marker="o", label=label)
    left.set_xticks(list(overall.paragraph_recall))
    left.set(xlabel="k", ylabel="Recall@k", ylim=(0, 1.02), title="Recall@k")
    left.legend()
    names = list(groups)
    x = range(len(names))
    width = 0.27
    bars = (("evidence@1", "evidence"), ("answer EM", "exact_match"), ("answer F1", "f1"))
    for offset, (label, figure) in zip((-width, 0, width), bars, strict=True):
        heights = [getattr(groups[n], figure) for n in names]
        right.bar([i + offset for i in x], heights, width, label=label)
    right.set_xticks(list(x), [f"{n}\n({groups[n].answerable})" for n in names])
    # Headroom above 1.0 keeps the legend off the bars.
    right.set(ylim=(0, 1.2), yticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
    right.set_title("By question type (answerable questions)")
    right.legend(loc="upper center", ncol=3, fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(
    directory: Path,
    title: str,
    outcomes: Sequence[Outcome],
    overall: Summary,
    groups: dict[str, Summary],
) -> Path:
    """Write `report.md` and `recall.png` into `directory`; returns the report's path."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NewsbotError(f"--report {directory}: cannot create it ({exc.strerror})") from exc
    _chart(directory / CHART_NAME, overall, groups)
    failures = _failure_rows(outcomes)
    lines = [
        f"# Evaluation: {title}",
        "",
        "```",
        format_table({"all": overall, **groups}),
        "```",
        "",
        f"![Recall@k and accuracy by question type]({CHART_NAME})",
        "",
        "## Why answers are not exact",
        "",
        "| kind of miss | questions | share of answerable |",
        "| --- | --- | --- |",
        *_miss_rows(outcomes),
        "",
        _evidence_line(outcomes),
        "",
        f"## Failures ({len(failures)} of {len(outcomes)})",
        "",
        "A question fails when an answerable one is not answered exactly with an evidence "
        "sentence holding a reference answer, or an unanswerable one is answered. "
        "Rank is the position of the gold (or first answer-bearing) paragraph among the hits.",
        "",
        "| id | type | question | expected | got | evidence | article | rank |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *failures,
        "",
    ]
    report = directory / REPORT_NAME
    report.write_text("\n".join(lines), encoding="utf-8")
    log.info("wrote %s and %s", report, directory / CHART_NAME)
    return report
