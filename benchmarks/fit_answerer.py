"""Fit the answerer's scoring model on thousands of questions: `data/answerer_model.json`.

    python -m benchmarks.fit_answerer                      # CMRC trial + DRCD test + tune split
    python -m benchmarks.fit_answerer --limit 300 --out /tmp/model.json   # a quick look

Every question is read by the same `retrieval.answer.read` the bot uses; each sentence of the
articles read is a candidate with its features (`retrieval.features`), labelled 1 when it holds
a reference answer inside the gold paragraph (SQuAD sets) or gold article (gold sets).

- `cheap` and `full` weights: conditional logit (softmax over one question's candidates,
  L2-regularised), `cheap` on the cheap features of all candidates, `full` on every feature of
  the best `--costly` by the fitted cheap weights, as `rank()` reads them.
- `abstain` weights: logistic regression of "the archive answers this" on answer-level
  features, with unanswerable questions: the tune split's, and questions whose passage is held
  out of the pool (a fifth of each SQuAD set's passages), so the bot refuses what the archive
  cannot answer. Its threshold refuses at most 5% of the answerable questions of each source.
- `span` and `span_decide` weights: for the untyped questions the rules answer with the
  whole sentence, a conditional logit over the sentence's noun phrases (`retrieval.spans`)
  labelled by exact match with a reference answer, and a logistic regression of "the best
  phrase scores a higher F1 than the sentence", each question weighing by how much F1 the
  choice moves (each source weighing the same); the held-out F1 of that choice (fitted on one
  half of the questions, scored on the other, four ways of halving) is printed with every fit.

Training data: the CMRC 2018 trial file and DRCD test file from ../shared/data (licensed, read
in place) and the `tune` split of the bundled gold sets; never the frozen test split.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval import evaluate, extract, metrics, spans
from retrieval.answer import _COSTLY_READ, Reading, read, ruled_out, supports
from retrieval.features import CHEAP, NAMES, cheap_features, costly_features
from retrieval.resources import bundled_gold, data_dir
from retrieval.search import Searcher
from retrieval.squad import SquadSet, ingest_squad, load_squad
from retrieval.store import Store

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT_SQUAD = [SHARED / "cmrc2018_trial.json", SHARED / "drcd_test.json"]
HOLD_OUT = 0.2  # share of each SQuAD set's passages left out of the pool: their questions
# become unanswerable, teaching the abstention model what "not in the archive" looks like.
L2 = 1e-3
MAX_FALSE_ABSTAIN = 0.05
ABSTAIN_NAMES = (
    "article_cov", "paragraph_cov", "article_cov_soft", "paragraph_cov_soft", "typed_missing",
    "asked_missing", "name_missing", "asked_article", "asked_paragraph", "score", "margin",
    "own", "covered", "bias",
)


@dataclass
class Example:
    """One question: its candidates' feature rows, labels, and answer-level rows."""

    source: str
    cheap: np.ndarray  # candidates × len(CHEAP)
    labels: np.ndarray  # candidates, 1 = holds a reference answer where the gold says
    answerable: bool
    reading: Reading
    searcher: Searcher
    answers: list[str]


def _held_out(squad: SquadSet, rng: random.Random) -> tuple[SquadSet, list[evaluate.GoldQuestion]]:
    """The set without a fifth of its passages; those passages' questions are unanswerable."""
    out = {i for i in range(len(squad.articles)) if rng.random() < HOLD_OUT}
    keep = [i for i in range(len(squad.articles)) if i not in out]
    index = {old: new for new, old in enumerate(keep)}
    questions = [
        replace(q, article=index[q.article]) for q in squad.questions if q.article in index
    ]
    kept = SquadSet(squad.path, squad.sha256, [squad.articles[i] for i in keep], questions)
    dropped = [
        evaluate.GoldQuestion(id=q.id, question=q.question, answers=[], where=q.where)
        for q in squad.questions if q.article in out
    ]
    return kept, dropped


def squad_questions(path: Path, store: Store, rng: random.Random) -> list[evaluate.GoldQuestion]:
    kept, dropped = _held_out(load_squad(path), rng)
    return evaluate.squad_gold(kept, ingest_squad(store, kept)) + dropped


def _label(gold: evaluate.GoldQuestion, candidate) -> int:
    if not gold.answerable or not metrics.contains_answer(candidate.text, gold.answers):
        return 0
    if gold.paragraph_id is not None:
        return int(candidate.paragraph_id == gold.paragraph_id)
    if gold.article_ids:
        return int(candidate.article_id in gold.article_ids)
    return 1


def _file_of(gold: evaluate.GoldQuestion) -> str:
    """The name of the gold file a question was read from (its `where` is file:line)."""
    return Path(gold.where.rpartition(":")[0]).name


def collect(source: str, store: Store, questions: list, limit: int | None) -> list[Example]:
    searcher = Searcher.open(store)
    examples = []
    started = time.perf_counter()
    for gold in questions[:limit]:
        if gold.follows:
            continue  # a follow-up needs its conversation; the bot's flow is fitted without
        reading = read(gold.question, searcher, k=10)
        if reading is None or not reading.candidates:
            continue
        cheap_features(reading.probe, reading.candidates)
        rows = np.array([[c.features[n] for n in CHEAP] for c in reading.candidates])
        labels = np.array([_label(gold, c) for c in reading.candidates])
        examples.append(
            Example(source, rows, labels, gold.answerable, reading, searcher, gold.answers))
    print(f"{source}: {len(examples)} questions read in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    return examples


def fit_conditional_logit(
    groups: list[tuple[np.ndarray, np.ndarray]], weights: np.ndarray | None = None
) -> np.ndarray:
    """Weights maximising Σ weight · log(Σ_pos softmax) over the groups (each with a
    positive); every group weighs 1 unless `weights` says otherwise."""
    from scipy.optimize import minimize

    x = np.concatenate([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups]).astype(bool)
    starts = np.cumsum([0] + [len(g[0]) for g in groups])[:-1]
    group_of = np.repeat(np.arange(len(groups)), [len(g[0]) for g in groups])
    weights = np.ones(len(groups)) if weights is None else weights

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[group_of])
        z_all = np.add.reduceat(e, starts)
        z_pos = np.add.reduceat(e * y, starts)
        value = -np.sum(weights * (np.log(z_pos) - np.log(z_all))) / len(groups) + L2 * w @ w
        p_all = e / z_all[group_of]
        p_pos = e * y / z_pos[group_of]
        grad = (weights[group_of] * (p_all - p_pos)) @ x / len(groups) + 2 * L2 * w
        return value, grad

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B")
    return result.x


def fit_logistic(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None, balanced: bool = True
) -> np.ndarray:
    """Logistic regression with both classes weighing the same in total (times `weights`), or,
    not `balanced`, each example weighing its weight alone."""
    from scipy.optimize import minimize

    weights = np.ones(len(y)) if weights is None else weights
    if balanced:
        balance = weights * np.where(y == 1, 1 / max(1e-9, (weights * y).sum()),
                                     1 / max(1e-9, (weights * (1 - y)).sum())) / 2
    else:
        balance = weights / max(1e-9, weights.sum())

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        p = 1 / (1 + np.exp(-s))
        eps = 1e-12
        value = -np.sum(balance * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)))
        grad = x.T @ (balance * (p - y))
        return value + L2 * w @ w, grad + 2 * L2 * w

    return minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x


def commit() -> str:
    """The checkout's short commit, for a fitted model's provenance."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _balanced(examples: list[Example]) -> np.ndarray:
    """Weights giving each source (CMRC, DRCD, the tune split) the same total say: the news
    questions of the tune split are few but are the bot's own kind."""
    sources = [e.source for e in examples]
    counts = {s: sources.count(s) for s in set(sources)}
    return np.array([len(sources) / (len(counts) * counts[s]) for s in sources])


def threshold(
    scores: np.ndarray, answered: np.ndarray, source: np.ndarray, ruled: Counter
) -> float:
    """The highest score below which a source's answerable questions are refused at most
    MAX_FALSE_ABSTAIN of the time, for every source; `ruled[source, True]` answerable
    questions the rules refuse already spend that budget (they have no score)."""
    limits = []
    for s in set(source.tolist()):
        answerable = scores[(source == s) & (answered == 1)]
        allowed = MAX_FALSE_ABSTAIN * (len(answerable) + ruled[s, True])
        share = max(0.0, allowed - ruled[s, True]) / max(1, len(answerable))
        limits.append(float(np.quantile(answerable, share)) if share > 0 else -np.inf)
        print(f"abstention threshold for {s}: {limits[-1]:.3f}", file=sys.stderr)
    return min(limits)


def fit(examples: list[Example], dropped: set[str], costly: int) -> dict:
    """The model's three weight vectors, fitted without the `dropped` features."""
    # 1. cheap weights over every candidate of the answerable questions.
    cheap_names = [n for n in CHEAP if n not in dropped]
    names = [n for n in NAMES if n not in dropped]
    columns = [CHEAP.index(n) for n in cheap_names]
    trainable = [e for e in examples if e.labels.any()]
    cheap_w = fit_conditional_logit(
        [(e.cheap[:, columns], e.labels) for e in trainable], _balanced(trainable)
    )
    cheap = dict(zip(cheap_names, cheap_w.round(4).tolist(), strict=True))
    # 2. full weights over the best `costly` by the cheap weights, as rank() reads them.
    groups, chosen, fitted = [], [], []
    for e in examples:
        order = np.argsort(-(e.cheap[:, columns] @ cheap_w), kind="stable")[:costly]
        best = [e.reading.candidates[i] for i in order]
        fresh = [c for c in best if "context" not in c.features]
        if fresh:  # the costly features of a candidate are the same in every variant
            costly_features(e.reading.probe, fresh, e.reading.candidates)
        chosen.append((best, e.labels[order]))
        if e.labels[order].any():
            groups.append((np.array([[c.features[n] for n in names] for c in best]),
                           e.labels[order]))
            fitted.append(e)
    full_w = fit_conditional_logit(groups, _balanced(fitted))
    full = dict(zip(names, full_w.round(4).tolist(), strict=True))
    # Follow-ups are not in the fitting data (each question is read alone), so `follow` has no
    # fitted weight: the previous answer's article counts as much as the top BM25 article.
    if "follow" not in dropped:
        cheap["follow"], full["follow"] = cheap["article"], full["article"]
    # 3. abstention over the best candidate of every question.
    abstain_names = [n for n in ABSTAIN_NAMES if n not in dropped]
    rows, answered, sources = [], [], []
    ruled: Counter[tuple[str, bool]] = Counter()  # (source, answerable) → refused by rule
    phrases: list[Phrases] = []
    for e, (best, labels) in zip(examples, chosen, strict=True):
        for c in best:
            c.score = sum(full.get(n, 0.0) * c.features[n] for n in names)
        ranked = sorted(zip(best, labels, strict=True), key=lambda p: -p[0].score)
        found = phrases_of(e, ranked[0][0].text)
        if found is not None:
            phrases.append(found)
        support = supports(e.reading, [c for c, _ in ranked], e.searcher)
        if ruled_out(e.reading, support):
            # Refused by rule whatever the model says (`answer()`): no row to fit.
            ruled[e.source, e.answerable] += 1
            continue
        rows.append([support.features[n] for n in abstain_names])
        answered.append(int(e.answerable))
        sources.append(e.source)
    x, y, source = np.array(rows), np.array(answered), np.array(sources)
    # The tune split weighs as much as the SQuAD sets together: only it holds questions near
    # the archive's topics that the archive cannot answer (the held-out passages' questions
    # are off-topic, easy to refuse).
    tune = source == "tune"
    abstain_w = fit_logistic(x, y, np.where(tune, (~tune).sum() / max(1, tune.sum()), 1.0))
    # The threshold: refuse as many unanswerable questions as possible while refusing at most
    # MAX_FALSE_ABSTAIN of the answerable ones of every source, those the rule refuses
    # included (the tune split alone would set it for ~530 questions; CMRC's and DRCD's
    # answerable ones keep it honest elsewhere).
    scores = x @ abstain_w
    best_t = threshold(scores, y, source, ruled)
    refused = int((scores[tune & (y == 0)] < best_t).sum()) + ruled["tune", False]
    best_acc = refused / max(1, int((tune & (y == 0)).sum()) + ruled["tune", False])
    abstain = dict(zip(abstain_names, abstain_w.round(4).tolist(), strict=True))
    abstain["bias"] = round(abstain["bias"] - best_t, 4)
    span, span_decide = fit_spans(phrases)
    held_out_spans(phrases)
    return {"cheap": cheap, "full": full, "abstain": abstain, "span": span,
            "span_decide": span_decide, "tune_abstain_recall": round(best_acc, 4)}


@dataclass
class Phrases:
    """An untyped question the rules answer with the whole sentence: the sentence's noun
    phrases (features, exact or not), what the question's form says (`spans.asked`) and how
    the phrases and the sentence score against the gold (F1)."""

    source: str
    rows: np.ndarray
    exact: np.ndarray
    f1: np.ndarray
    sentence_f1: float
    asked: dict[str, float]


def phrases_of(e: Example, sentence: str) -> Phrases | None:
    """The noun phrases of the best-ranked sentence, when the rules would give it whole."""
    text, qt, weights = e.reading.text, e.reading.qt, e.reading.probe.weights
    if not e.answers or not spans.applies(qt) or extract.extract(text, qt, sentence, weights):
        return None
    norm, where = extract.aligned(sentence)
    found = spans.candidates(text, norm)
    if not found:
        return None
    rows = spans.features_of(text, qt, norm, weights, found)
    said = [sentence[where[s.start] : where[s.end - 1] + 1] for s in found]
    return Phrases(
        e.source,
        np.array([[row[n] for n in spans.NAMES] for row in rows]),
        np.array([metrics.exact_match(p, e.answers) for p in said]),
        np.array([metrics.f1_score(p, e.answers) for p in said]),
        metrics.f1_score(sentence.strip(), e.answers),
        spans.asked(text, qt, norm),
    )


def _best_phrase(p: Phrases, w: np.ndarray) -> tuple[int, np.ndarray]:
    """The best phrase by the scorer `w`, and its row of the phrase-or-sentence decision."""
    s = p.rows @ w
    e = np.exp(s - s.max())
    i = int(np.argmax(s))
    row = spans.decision_row(p.asked, float(e[i] / e.sum()), len(s),
                             dict(zip(spans.NAMES, p.rows[i], strict=True)))
    return i, np.array([row[n] for n in spans.DECIDE])


def fit_spans(phrases: list[Phrases]) -> tuple[dict[str, float], dict[str, float]]:
    """The noun-phrase scorer (conditional logit on the phrases exactly right) and the decision
    whether its best phrase or the sentence is the answer: a logistic regression of "the phrase
    scores a higher F1", each question weighing by the F1 the choice moves (every source
    weighing the same in total)."""
    if not phrases:
        return {}, {}
    sources = Counter(p.source for p in phrases)
    weight = {s: len(phrases) / (len(sources) * n) for s, n in sources.items()}
    taught = [p for p in phrases if p.exact.any()]
    if not taught:
        return {}, {}
    w = fit_conditional_logit([(p.rows, p.exact) for p in taught],
                              np.array([weight[p.source] for p in taught]))
    rows, better, moved = [], [], []
    for p in phrases:
        i, row = _best_phrase(p, w)
        rows.append(row)
        better.append(float(p.f1[i] > p.sentence_f1))
        moved.append(weight[p.source] * abs(p.f1[i] - p.sentence_f1))
    decide = fit_logistic(np.array(rows), np.array(better), np.array(moved), balanced=False)
    return (dict(zip(spans.NAMES, w.round(4).tolist(), strict=True)),
            dict(zip(spans.DECIDE, decide.round(4).tolist(), strict=True)))


def held_out_spans(phrases: list[Phrases]) -> dict[str, tuple[float, float]]:
    """Each source's mean F1 of phrase-or-sentence against the sentence alone, every question
    scored by the models fitted on the other half, printed. Four ways of halving (alternate
    questions, alternate pairs, fours, eights), each question scored once in each: one halving
    alone moves a source's figure by up to 0.03 when one feature is added."""
    out: dict[str, list[float]] = {}
    for half, step in [(h, st) for st in (1, 2, 4, 8) for h in (0, 1)]:
        fitted = fit_spans([p for i, p in enumerate(phrases) if (i // step) % 2 != half])
        if not fitted[0]:
            continue
        w = np.array([fitted[0][n] for n in spans.NAMES])
        decide = np.array([fitted[1][n] for n in spans.DECIDE])
        for p in [p for i, p in enumerate(phrases) if (i // step) % 2 == half]:
            i, row = _best_phrase(p, w)
            sums = out.setdefault(p.source, [0.0, 0.0, 0])
            sums[0] += p.f1[i] if row @ decide > 0 else p.sentence_f1
            sums[1] += p.sentence_f1
            sums[2] += 1
    figures = {s: (a / n, b / n) for s, (a, b, n) in out.items()}
    for s, (a, b) in figures.items():
        count = sum(p.source == s for p in phrases)
        print(f"span held out, {s}: {count} questions, F1 {a:.3f} (the sentence {b:.3f})",
              file=sys.stderr)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--squad", type=Path, nargs="*", default=DEFAULT_SQUAD)
    parser.add_argument("--limit", type=int, help="questions per set (a quick look)")
    parser.add_argument("--costly", type=int, default=2 * _COSTLY_READ)
    parser.add_argument("--out", type=Path, default=data_dir() / "answerer_model.json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--ablate", action="append", default=[], metavar="NAME=F1,F2",
        help="also fit without these features, into answerer_model-NAME.json beside --out",
    )
    parser.add_argument(
        "--leave-out", action="append", default=[], metavar="FILE",
        help="a tune gold file (by name) not to fit on, to ask the fitted model afterwards",
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    examples: list[Example] = []
    stores = []
    for path in args.squad:
        if not path.is_file():
            print(f"skipping {path}: not found (licensed data, read from ../shared/data)",
                  file=sys.stderr)
            continue
        store = Store()
        stores.append(store)
        examples += collect(path.name, store, squad_questions(path, store, rng), args.limit)
    store, questions = evaluate.prepare(bundled_gold())
    stores.append(store)
    # Never the frozen test split, nor a tune file held out to judge the fit by.
    tune = [q for q in questions
            if q.split == "tune" and _file_of(q) not in set(args.leave_out)]
    examples += collect("tune", store, tune, args.limit)

    provenance = {
        "command": "python -m benchmarks.fit_answerer" + "".join(
            f" {a}" for a in (argv if argv is not None else sys.argv[1:])),
        "commit": commit(),
        "data": [p.name for p in args.squad if p.is_file()]
        + ["the tune split of data/eval/questions*.jsonl"]
        + [f"not {name} (left out)" for name in args.leave_out],
        "questions": {s: sum(e.source == s for e in examples)
                      for s in dict.fromkeys(e.source for e in examples)},
        "fitted_at": time.strftime("%Y-%m-%d"),
    }
    variants = {"": set()} | {
        spec.partition("=")[0]: set(spec.partition("=")[2].split(",")) for spec in args.ablate
    }
    for name, dropped in variants.items():
        started = time.perf_counter()
        fitted = fit(examples, dropped, args.costly)
        recall = fitted.pop("tune_abstain_recall")
        model = {**fitted, "provenance": {
            **provenance, "dropped": sorted(dropped), "tune_abstain_recall": recall}}
        out = args.out if not name else args.out.with_name(f"answerer_model-{name}.json")
        out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{out}: fitted in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for store in stores:
        store.close()


if __name__ == "__main__":
    main()
