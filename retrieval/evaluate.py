"""Gold question sets run through an answer function, scored per question and summarised.

The answer function is injected (`Ask`), so the same run scores `answer()`, a baseline or a
stub in tests. Follow-up questions share one conversation, chained by their `follows` ids.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval import metrics
from retrieval.errors import NewsbotError
from retrieval.ingest import ingest_paths, open_store
from retrieval.models import Answer, Hit
from retrieval.resources import bundled_pages
from retrieval.squad import SquadSet, ingest_squad, is_squad, load_squad
from retrieval.store import Store

log = logging.getLogger(__name__)

# (question, conversation or None) -> Answer
Ask = Callable[[str, Any], Answer]


@dataclass
class GoldQuestion:
    """A question with its reference answers (none = the corpus cannot answer it)."""

    id: str
    question: str
    answers: list[str]
    article_title: str | None = None
    paragraph_id: int | None = None
    qtype: str | None = None
    follows: str | None = None
    where: str = ""  # "file:line" or a SQuAD entry, for messages
    # "tune" or "test": a frozen test split is only ever measured, never tuned on.
    split: str = "tune"
    # The stored articles whose headline (kicker, title, subtitle) holds `article_title`, set
    # by `prepare`: an article is the right one by its id, whatever role its headline got.
    article_ids: frozenset[int] = frozenset()

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def _optional(obj: dict, key: str, kind: type, where: str):
    value = obj.get(key)
    if value is not None and not isinstance(value, kind):
        raise NewsbotError(f"{where}: {key!r} must be {kind.__name__}, not {value!r}")
    return value


def split_of(path: Path) -> str:
    """The split a gold file's questions belong to when a line names none: files named
    `*test*` hold a frozen test split."""
    return "test" if "test" in path.stem else "tune"


def load_gold(path: Path) -> list[GoldQuestion]:
    """Read a JSONL gold set; errors name the file and line at fault."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise NewsbotError(f"{path}: not UTF-8 ({exc.reason})") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise NewsbotError(f"{where}: not a JSON object ({exc})") from exc
        if not isinstance(obj, dict):
            raise NewsbotError(f"{where}: not a JSON object")
        question = _optional(obj, "question", str, where)
        answers = _optional(obj, "answers", list, where)
        if not question or answers is None or not all(isinstance(a, str) for a in answers):
            raise NewsbotError(f"{where}: needs 'question' (text) and 'answers' (list of text)")
        questions.append(
            GoldQuestion(
                id=str(obj.get("id") or f"{path.name}:{number}"),
                question=question,
                answers=[a for a in answers if a.strip()],
                article_title=_optional(obj, "article_title", str, where),
                paragraph_id=_optional(obj, "paragraph_id", int, where),
                qtype=_optional(obj, "qtype", str, where),
                follows=_optional(obj, "follows", str, where),
                where=where,
                split=_optional(obj, "split", str, where) or split_of(path),
            )
        )
    return questions


@dataclass
class Outcome:
    """One question's answer and how it scores against the gold."""

    gold: GoldQuestion
    answer: Answer
    ms: float
    paragraph_rank: int | None  # 1-based; gold paragraph, else the first answer-bearing one
    article_rank: int | None  # 1-based; None without a gold article or when not retrieved

    @property
    def qtype(self) -> str:
        """The gold set's question type, else the one the answerer detected."""
        return self.gold.qtype or self.answer.qtype

    @property
    def abstained(self) -> bool:
        return not self.answer.found

    @property
    def evidence_ok(self) -> bool:
        found, evidence = self.answer.found, self.answer.evidence
        return found and metrics.contains_answer(evidence, self.gold.answers)

    @property
    def exact_match(self) -> float:
        return metrics.exact_match(self.answer.answer, self.gold.answers)

    @property
    def f1(self) -> float:
        return metrics.f1_score(self.answer.answer, self.gold.answers)

    @property
    def correct(self) -> bool:
        """Right by the strictest reading: abstained when it should, else exact and sourced."""
        if not self.gold.answerable:
            return self.abstained
        return self.exact_match == 1.0 and self.evidence_ok

    @property
    def miss(self) -> str | None:
        """Why an answerable question's answer is not exact, in words; None when it is."""
        if not self.gold.answerable or self.exact_match == 1.0:
            return None
        if self.abstained:
            return "abstained"
        got = metrics.strip_punctuation(self.answer.answer or "")
        references = [metrics.strip_punctuation(r) for r in self.gold.answers]
        if any(got in ref for ref in references):
            return "too short (inside a reference)"
        if any(ref in got for ref in references):
            return "too long (holds a reference)"
        if self.evidence_ok:
            return "wrong span of the right sentence"
        return "wrong sentence"

    def to_json(self) -> dict:
        """The question, its gold and what came back, with every per-question figure."""
        article = self.answer.article
        return {
            "id": self.gold.id,
            "question": self.gold.question,
            "qtype": self.qtype,
            "expected": self.gold.answers,
            "answer": self.answer.answer,
            "evidence": self.answer.evidence,
            "article": article.title if article else None,
            "paragraph_rank": self.paragraph_rank,
            "article_rank": self.article_rank,
            "evidence_ok": self.evidence_ok,
            "exact_match": self.exact_match,
            "f1": round(self.f1, 4),
            "abstained": self.abstained,
            "miss": self.miss,
            "correct": self.correct,
            "ms": round(self.ms, 2),
        }


def presented_hits(answer: Answer) -> list[Hit]:
    """The paragraphs in the order a reader meets them: the cited one first, then the rest."""
    if not answer.found:
        return list(answer.hits)
    cited = [h for h in answer.hits if h.paragraph_id == answer.paragraph_id]
    return cited + [h for h in answer.hits if h.paragraph_id != answer.paragraph_id]


def _rank(items: Iterable, want: Callable[[Any], bool]) -> int | None:
    return next((i for i, item in enumerate(items, start=1) if want(item)), None)


def score(gold: GoldQuestion, answer: Answer, ms: float) -> Outcome:
    """Rank the gold paragraph and article among what the answer presents."""
    hits = presented_hits(answer)
    paragraph_rank = None
    if gold.paragraph_id is not None:
        paragraph_rank = _rank(hits, lambda h: h.paragraph_id == gold.paragraph_id)
    elif gold.answerable:
        paragraph_rank = _rank(hits, lambda h: metrics.contains_answer(h.text, gold.answers))
    article_rank = None
    if gold.article_ids and gold.answerable:
        ids = [h.article_id for h in hits]
        if answer.found and answer.article is not None:
            ids.insert(0, answer.article.id)
        article_rank = _rank(dict.fromkeys(ids), lambda i: i in gold.article_ids)
    elif gold.article_title and gold.answerable:
        titles = [h.title for h in hits]
        if answer.found and answer.article is not None:
            titles.insert(0, answer.article.title)
        want = metrics.strip_punctuation(gold.article_title)
        unique = dict.fromkeys(metrics.strip_punctuation(t) for t in titles)
        article_rank = _rank(unique, lambda t: t == want)
    return Outcome(gold, answer, ms, paragraph_rank, article_rank)


def run(
    questions: Sequence[GoldQuestion],
    ask: Ask,
    new_conversation: Callable[[], Any] = lambda: None,
) -> list[Outcome]:
    """Ask every question in order; a `follows` question continues its predecessor's chat."""
    conversations: dict[str, Any] = {}
    outcomes = []
    for gold in questions:
        if gold.follows is None:
            conversation = new_conversation()
        elif gold.follows in conversations:
            conversation = conversations[gold.follows]
        else:
            raise NewsbotError(
                f"{gold.where}: follows {gold.follows!r}, which no earlier question has as id"
            )
        if gold.id in conversations:
            raise NewsbotError(f"{gold.where}: id {gold.id!r} is used twice")
        conversations[gold.id] = conversation
        start = time.perf_counter()
        answer = ask(gold.question, conversation)
        ms = (time.perf_counter() - start) * 1000
        outcomes.append(score(gold, answer, ms))
        log.debug("%s %s -> %s", gold.id, gold.question, answer.answer)
    return outcomes


@dataclass
class Summary:
    """The metrics of a set of outcomes; NaN where no question measures a metric."""

    questions: int
    answerable: int
    unanswerable: int
    paragraph_recall: dict[int, float]
    paragraph_mrr: float
    with_article: int
    article_recall: dict[int, float]
    article_mrr: float
    evidence: float
    exact_match: float
    f1: float
    abstention: metrics.Abstention
    p50_ms: float
    p95_ms: float
    accuracy: float  # share of outcomes that are `correct`

    def to_json(self) -> dict:
        """Plain data with NaN as null, so the output is valid JSON."""

        def clean(value):
            if isinstance(value, float) and math.isnan(value):
                return None
            if isinstance(value, dict):
                return {k: clean(v) for k, v in value.items()}
            if isinstance(value, metrics.Abstention):
                return clean(vars(value).copy())
            return value

        return {k: clean(v) for k, v in vars(self).items()}


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def summarize(outcomes: Sequence[Outcome], ks: Sequence[int]) -> Summary:
    """Retrieval, evidence, answer, abstention and latency figures over `outcomes`.

    Recall@1 is always computed, since the quality gates read it.
    """
    ks = sorted(set(ks) | {1})
    answerable = [o for o in outcomes if o.gold.answerable]
    with_article = [o for o in answerable if o.gold.article_title]
    paragraph_ranks = [o.paragraph_rank for o in answerable]
    article_ranks = [o.article_rank for o in with_article]
    latencies = [o.ms for o in outcomes]
    return Summary(
        questions=len(outcomes),
        answerable=len(answerable),
        unanswerable=len(outcomes) - len(answerable),
        paragraph_recall={k: metrics.recall_at_k(paragraph_ranks, k) for k in ks},
        paragraph_mrr=metrics.mean_reciprocal_rank(paragraph_ranks),
        with_article=len(with_article),
        article_recall={k: metrics.recall_at_k(article_ranks, k) for k in ks},
        article_mrr=metrics.mean_reciprocal_rank(article_ranks),
        evidence=_mean([float(o.evidence_ok) for o in answerable]),
        exact_match=_mean([o.exact_match for o in answerable]),
        f1=_mean([o.f1 for o in answerable]),
        abstention=metrics.abstention(
            [o.gold.answerable for o in outcomes], [o.abstained for o in outcomes]
        ),
        p50_ms=metrics.percentile(latencies, 50),
        p95_ms=metrics.percentile(latencies, 95),
        accuracy=_mean([float(o.correct) for o in outcomes]),
    )


def by_qtype(outcomes: Sequence[Outcome], ks: Sequence[int]) -> dict[str, Summary]:
    """One summary per question type, largest group first."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.qtype, []).append(outcome)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return {qtype: summarize(group, ks) for qtype, group in ordered}


def by_split(outcomes: Sequence[Outcome], ks: Sequence[int]) -> dict[str, Summary]:
    """One summary per split, tune before test."""
    names = sorted({o.gold.split for o in outcomes}, key=lambda name: (name == "test", name))
    return {
        name: summarize([o for o in outcomes if o.gold.split == name], ks) for name in names
    }


def _rows(summary: Summary) -> list[tuple[str, str]]:
    """(label, formatted value) pairs for the text table, in reading order."""

    def rate(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.3f}"

    def ms(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.1f}"

    rows = [
        ("questions", str(summary.questions)),
        ("  answerable", str(summary.answerable)),
        ("  unanswerable", str(summary.unanswerable)),
    ]
    rows += [(f"paragraph R@{k}", rate(v)) for k, v in summary.paragraph_recall.items()]
    rows.append(("paragraph MRR", rate(summary.paragraph_mrr)))
    rows += [(f"article R@{k}", rate(v)) for k, v in summary.article_recall.items()]
    rows.append(("article MRR", rate(summary.article_mrr)))
    rows += [
        ("evidence@1", rate(summary.evidence)),
        ("answer EM", rate(summary.exact_match)),
        ("answer F1", rate(summary.f1)),
        ("abstain precision", rate(summary.abstention.precision)),
        ("abstain recall", rate(summary.abstention.recall)),
        ("false abstain", rate(summary.abstention.false_rate)),
        ("all correct", rate(summary.accuracy)),
        ("latency p50 ms", ms(summary.p50_ms)),
        ("latency p95 ms", ms(summary.p95_ms)),
    ]
    return rows


def format_table(columns: dict[str, Summary]) -> str:
    """Summaries side by side, one column each (overall, per type, or per variant).

    Rows no column measures (article rows for SQuAD sets, say) are left out.
    """
    cells = {name: dict(_rows(summary)) for name, summary in columns.items()}
    labels = [
        label
        for label, _ in _rows(next(iter(columns.values())))
        if any(col[label] != "-" for col in cells.values())
    ]
    width = max(len(label) for label in labels)
    widths = {name: max(len(name), *(len(v) for v in col.values())) for name, col in cells.items()}
    lines = [" " * width + "".join(f"  {name:>{widths[name]}}" for name in cells)]
    for label in labels:
        values = "".join(f"  {cells[name][label]:>{widths[name]}}" for name in cells)
        lines.append(f"{label:<{width}}{values}")
    return "\n".join(lines)


def _check_targets(store: Store, questions: Sequence[GoldQuestion]) -> None:
    """Find each gold article by its headline; a gold article or paragraph the store lacks
    means the set was written for another one."""
    headlines = {
        row["id"]: metrics.strip_punctuation(
            "".join(row[f] or "" for f in ("kicker", "title", "subtitle"))
        )
        for row in store.articles()
    }
    where = store.path or "the bundled corpus"
    for gold in questions:
        if gold.article_title:
            want = metrics.strip_punctuation(gold.article_title)
            gold.article_ids = frozenset(i for i, h in headlines.items() if want and want in h)
        if gold.article_title and not gold.article_ids:
            missing = f"article_title {gold.article_title!r}"
        elif gold.paragraph_id is not None and not store.db["paragraphs"].count_where(
            "id = ?", [gold.paragraph_id]
        ):
            missing = f"paragraph_id {gold.paragraph_id}"
        else:
            continue
        raise NewsbotError(
            f"{gold.where}: {missing} is not in {where}; "
            "was the gold set written for another store?"
        )


def squad_gold(squad: SquadSet, ids: dict[tuple[int, int], int]) -> list[GoldQuestion]:
    """A SQuAD set's questions as gold questions, their paragraphs as stored (`ids`)."""
    return [
        GoldQuestion(
            id=q.id,
            question=q.question,
            answers=q.answers,
            paragraph_id=None if q.paragraph is None else ids[(q.article, q.paragraph)],
            where=q.where,
        )
        for q in squad.questions
    ]


def prepare(
    gold_files: Sequence[Path],
    squad_files: Sequence[Path] = (),
    haystack: Sequence[Path] = (),
    db: Path | None = None,
) -> tuple[Store, list[GoldQuestion]]:
    """The store to search and the questions to ask.

    Without `db` the store is a temporary one in memory; a `db` that does not exist yet is
    created. A new store gets the bundled pages when gold JSONL questions are to be asked (they
    are written about them). SQuAD files in `squad_files` have their passages ingested and
    their questions asked; those in `haystack` only add their passages, as distractors.
    """
    fresh = db is None or not db.exists()
    store = Store() if db is None else open_store(db, create=True)
    try:
        if fresh and gold_files:
            report = ingest_paths(store, bundled_pages())
            if not report.ok:
                raise NewsbotError("; ".join(r.error or "" for r in report.failed))
        questions: list[GoldQuestion] = []
        for path in [*squad_files, *haystack]:
            squad = load_squad(path)
            ids = ingest_squad(store, squad)
            if path in squad_files:
                questions += squad_gold(squad, ids)
        for path in gold_files:
            if is_squad(path):
                raise NewsbotError(f"{path}: a SQuAD-format file; pass --squad or --with-squad")
            gold = load_gold(path)
            _check_targets(store, gold)
            questions += gold
    except BaseException:
        store.close()
        raise
    return store, questions
