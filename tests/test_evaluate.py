"""`newsbot eval`: CMRC 2018 metrics, gold and SQuAD loading, and the evaluation run itself."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import compare_variants
from benchmarks.compare_variants import BM25Baseline, char_bigrams
from bot.cli import cli
from retrieval import evaluate, gates, metrics
from retrieval.errors import NewsbotError
from retrieval.eval_report import write_report
from retrieval.models import Answer, Hit
from retrieval.resources import bundled_pages
from retrieval.squad import ingest_squad, load_squad
from retrieval.store import Store
from retrieval.tokenize import MODES

DATA = Path(__file__).parent / "data"
EVAL_SQUAD = DATA / "eval_squad.json"
EVAL_GOLD = DATA / "eval_gold.jsonl"


@pytest.mark.parametrize(
    ("prediction", "references", "expected"),
    [
        # pred 4|分, ref 4|分|钟: overlap 2, P = 1, R = 2/3, F1 = 0.8
        ("4分", ["4分钟"], 0.8),
        # overlap is the longest common SUBSTRING (丙丁 = 2), not subsequence (甲丙丁 = 3):
        # P = 2/4, R = 2/3, F1 = (2/3) / (7/6) = 4/7
        ("甲乙丙丁", ["甲丙丁"], 4 / 7),
        # a digit run is one token: 12000|人 vs 12000: P = 1/2, R = 1, F1 = 2/3
        ("12000人", ["12000"], 2 / 3),
        # punctuation and spaces do not count: 海湖体育中心 is 6 of the 7 predicted tokens
        ("在 “海湖体育中心”。", ["海湖体育中心"], 12 / 13),
        # the best reference wins
        ("踢爆", ["泡封", "被踢爆"], 2 * (1 * 2 / 3) / (1 + 2 / 3)),
        ("", ["踢爆"], 0.0),
        (None, ["踢爆"], 0.0),
        ("泡封", ["踢爆"], 0.0),
    ],
)
def test_f1_counts_longest_common_substring_of_tokens(prediction, references, expected):
    assert metrics.f1_score(prediction, references) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("prediction", "references", "expected"),
    [
        ("“踢爆”。", ["踢爆"], 1.0),
        ("Nexon 公司", ["nexon公司"], 1.0),
        ("7时30分", ["7时", "7时30分"], 1.0),
        ("7时", ["7时30分"], 0.0),
        (None, ["踢爆"], 0.0),
    ],
)
def test_exact_match_ignores_case_punctuation_and_spaces(prediction, references, expected):
    assert metrics.exact_match(prediction, references) == expected


def test_latin_words_split_at_spaces_before_spaces_are_dropped():
    assert metrics.answer_tokens("Nexon Korea，盛大") == ["nexon", "korea", "盛", "大"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("赛事将于8月25日7时30分鸣枪开赛。", True),
        ("赛事将于8月25日7时 30 分鸣枪开赛。", True),
        ("赛事将于8月25日鸣枪开赛。", False),
        (None, False),
        ("", False),
    ],
)
def test_contains_answer_compares_without_punctuation(text, expected):
    assert metrics.contains_answer(text, ["7时30分", "“七点半”"]) is expected


def test_contains_answer_never_matches_an_all_punctuation_reference():
    assert not metrics.contains_answer("任何句子。", ["。"])


def test_recall_and_mrr_from_ranks():
    """Ranks 1, 3, missing, 2: R@1 = 1/4, R@3 = 3/4, MRR = (1 + 1/3 + 0 + 1/2) / 4 = 11/24."""
    ranks = [1, 3, None, 2]
    assert metrics.recall_at_k(ranks, 1) == 0.25
    assert metrics.recall_at_k(ranks, 3) == 0.75
    assert metrics.mean_reciprocal_rank(ranks) == pytest.approx(11 / 24)
    assert math.isnan(metrics.recall_at_k([], 1))


def test_percentile_interpolates_between_ranks():
    """Of 10, 20, 30, 40: p50 sits halfway between 20 and 30; p95 at 2.85 → 30 + 0.85 × 10."""
    assert metrics.percentile([40, 10, 30, 20], 50) == 25
    assert metrics.percentile([40, 10, 30, 20], 95) == pytest.approx(38.5)
    assert math.isnan(metrics.percentile([], 50))


def test_abstention_precision_recall_and_false_rate():
    """Answerable T T T F F, abstained F T F T F: of 2 abstentions 1 was right (P = 1/2),
    1 of 2 unanswerable was caught (R = 1/2), 1 of 3 answerable was wrongly refused (1/3)."""
    got = metrics.abstention([True, True, True, False, False], [False, True, False, True, False])
    assert got == metrics.Abstention(precision=0.5, recall=0.5, false_rate=pytest.approx(1 / 3))


def test_abstention_without_unanswerable_questions_is_not_measured():
    got = metrics.abstention([True, True], [False, False])
    assert math.isnan(got.precision) and math.isnan(got.recall)
    assert got.false_rate == 0.0


# --- SQuAD-format files -------------------------------------------------------------------


def test_squad_passages_become_articles_split_at_line_breaks():
    squad = load_squad(EVAL_SQUAD)
    assert [a.title for a in squad.articles] == ["青湖公园", "雪豹"]
    assert squad.articles[0].paragraphs == [
        "青湖公园位于城东区，始建于1985年。",
        "公园占地12公顷，以湖景闻名。",
        "每年五月举办郁金香花展。",
    ]


def test_squad_gold_paragraph_is_the_one_holding_answer_start():
    by_id = {q.id: q for q in load_squad(EVAL_SQUAD).questions}
    assert (by_id["A1-0"].article, by_id["A1-0"].paragraph) == (0, 0)
    assert (by_id["A1-1"].article, by_id["A1-1"].paragraph) == (0, 1)
    assert (by_id["B1-0"].article, by_id["B1-0"].paragraph) == (1, 0)
    assert by_id["A1-1"].answers == ["12公顷"]  # duplicate references counted once


def test_squad_answer_start_off_by_one_still_finds_the_paragraph():
    """A1-2's offset points at the line break before 每年五月, which would name paragraph 1."""
    question = next(q for q in load_squad(EVAL_SQUAD).questions if q.id == "A1-2")
    assert question.paragraph == 2


def test_squad_impossible_questions_are_unanswerable():
    question = next(q for q in load_squad(EVAL_SQUAD).questions if q.id == "A1-3")
    assert question.answers == [] and question.paragraph is None


def test_squad_ingest_maps_gold_paragraphs_to_store_ids_and_is_idempotent():
    squad = load_squad(EVAL_SQUAD)
    with Store() as store:
        ids = ingest_squad(store, squad)
        assert ingest_squad(store, squad) == ids
        assert store.paragraph(ids[(0, 2)])["text"] == "每年五月举办郁金香花展。"
        assert store.stats()["articles"] == 2


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        ("{", "not valid JSON"),
        ('{"version": 1}', "'data'"),
        (
            '{"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [{}]}]}]}',
            "data[0].paragraphs[0].qas[0]",
        ),
    ],
)
def test_malformed_squad_file_names_the_file_and_entry(tmp_path, content, fault):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NewsbotError, match="bad.json") as caught:
        load_squad(path)
    assert fault in str(caught.value)


def test_cmrc_trial_loads_every_passage_and_question(cmrc_trial):
    squad = load_squad(cmrc_trial)
    assert len(squad.articles) == 256 and len(squad.questions) == 1002
    assert all(q.paragraph is not None for q in squad.questions)


# --- gold sets and the evaluation run -----------------------------------------------------


# Canned replies per question: (answer, cited paragraph id or None, hit paragraph ids).
STUB_ANSWERS = {
    "青湖公园始建于哪一年？": ("1985年", 1, [1, 2]),
    "那占地多少？": ("12公顷，以湖景闻名", 2, [4, 2]),
    "雪豹栖息在海拔多少米以上？": (None, None, [1, 4]),
    "郁金香花展在几月？": ("每年五月", 3, [1, 3]),
    "青湖公园门票多少钱？": (None, None, [1]),
    "雪豹吃什么？": ("雪豹", 4, [4]),
}


class StubBot:
    """Answers from a table instead of searching; evidence is the cited paragraph's text."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conversations: dict[str, object] = {}

    def hit(self, pid: int) -> Hit:
        row = self.store.paragraph(pid)
        title = self.store.article_ref(row["article_id"]).title
        return Hit(pid, row["article_id"], title, 1.0, row["text"])

    def ask(self, question: str, conversation: object) -> Answer:
        self.conversations[question] = conversation
        text, cited, hit_ids = STUB_ANSWERS[question]
        article = (
            self.store.article_ref(self.store.paragraph(cited)["article_id"]) if cited else None
        )
        return Answer(
            question=question,
            answer=text,
            evidence=self.store.paragraph(cited)["text"] if cited else None,
            qtype="other",
            score=1.0,
            article=article,
            paragraph_id=cited,
            hits=[self.hit(pid) for pid in hit_ids],
            ms=0.0,
        )


@pytest.fixture
def stub_run():
    """The tiny gold file asked of the stub over a store holding the tiny SQuAD passages."""
    with Store() as store:
        ingest_squad(store, load_squad(EVAL_SQUAD))  # paragraphs 1-3: 青湖公园, 4: 雪豹
        bot = StubBot(store)
        outcomes = evaluate.run(evaluate.load_gold(EVAL_GOLD), bot.ask, new_conversation=object)
        yield bot, outcomes


def test_metrics_agree_with_a_hand_count(stub_run):
    """Worked out by hand from STUB_ANSWERS and eval_gold.jsonl:

    paragraph ranks (g1-g4): 1; 1 (cited paragraph 2 goes before hit 4); 2 (abstained, the
    answer-bearing paragraph 4 is the second hit); 1 (gold paragraph_id 3 cited) →
    R@1 = 3/4, R@3 = 1, MRR = (1 + 1 + 1/2 + 1) / 4 = 7/8.
    article ranks (g1-g3 name one): 1, 1, 2 → R@1 = 2/3, MRR = (1 + 1 + 1/2) / 3 = 5/6.
    evidence holds an answer for g1, g2, g4, not for the abstained g3 → 3/4.
    EM: only g1 → 1/4. F1: g1 1; g2 12|公|顷 of 8 predicted tokens: P 3/8, R 1 → 6/11;
    g3 0; g4 五月 of 每年五月: P 1/2, R 1 → 2/3; mean (1 + 6/11 + 2/3) / 4 = 73/132.
    abstained on g3 (answerable) and g5 (not): precision 1/2, recall 1/2 (g6 answered),
    false abstention 1/4. All correct: g1 and g5 → 2/6.
    """
    s = evaluate.summarize(stub_run[1], ks=[1, 3])
    assert (s.questions, s.answerable, s.unanswerable, s.with_article) == (6, 4, 2, 3)
    assert s.paragraph_recall == {1: 0.75, 3: 1.0}
    assert s.paragraph_mrr == pytest.approx(7 / 8)
    assert s.article_recall == {1: pytest.approx(2 / 3), 3: 1.0}
    assert s.article_mrr == pytest.approx(5 / 6)
    assert s.evidence == 0.75
    assert s.exact_match == 0.25
    assert s.f1 == pytest.approx(73 / 132)
    assert (s.abstention.precision, s.abstention.recall) == (0.5, 0.5)
    assert s.abstention.false_rate == 0.25
    assert s.accuracy == pytest.approx(1 / 3)


def test_outcome_json_carries_the_per_question_figures(stub_run):
    """g2: cited paragraph first, answer 12公顷，以湖景闻名 → EM 0, F1 6/11, evidence ok."""
    g2 = stub_run[1][1].to_json()
    assert (g2["id"], g2["paragraph_rank"], g2["article_rank"]) == ("g2", 1, 1)
    assert (g2["exact_match"], g2["f1"], g2["evidence_ok"]) == (0.0, 0.5455, True)
    assert (g2["abstained"], g2["correct"], g2["article"]) == (False, False, "青湖公园")


@pytest.mark.parametrize(
    ("got", "evidence", "miss"),
    [
        ("海湖体育中心", "赛事在海湖体育中心举行。", None),
        ("体育中心", "赛事在海湖体育中心举行。", "too short (inside a reference)"),
        ("城西区海湖体育中心", "赛事在城西区海湖体育中心举行。", "too long (holds a reference)"),
        ("赛事", "赛事在海湖体育中心举行。", "wrong span of the right sentence"),
        ("青海体育中心", "跑者从青海体育中心出发。", "wrong sentence"),
        (None, None, "abstained"),
    ],
)
def test_miss_names_why_an_answer_is_not_exact(got, evidence, miss):
    gold = evaluate.GoldQuestion("q", "在哪里开赛？", ["海湖体育中心"])
    reply = Answer("在哪里开赛？", got, evidence, "place", 1.0, None, None, [], 0.0)
    assert evaluate.score(gold, reply, 1.0).miss == miss


def test_report_counts_misses_and_lists_each_failure(stub_run, tmp_path):
    """From the hand count: g2 and g4 answer too long, g3 abstains; g3's evidence miss had its
    paragraph second; failing are g2, g3, g4 (not exact) and g6 (answered the unanswerable)."""
    outcomes = stub_run[1]
    summary = evaluate.summarize(outcomes, ks=[1])
    path = write_report(tmp_path, "stub", outcomes, summary, evaluate.by_qtype(outcomes, [1]))
    report = path.read_text("utf-8")
    assert "| too long (holds a reference) | 2 | 50.0% |" in report
    assert "| abstained | 1 | 25.0% |" in report
    assert "Of the 1 answerable questions whose evidence holds no reference answer, 0 had" in report
    assert "## Failures (4 of 6)" in report
    failed = [
        line.split(" | ")[0].lstrip("| ") for line in report.splitlines() if line.startswith("| g")
    ]
    assert failed == ["g2", "g3", "g4", "g6"]


def test_by_qtype_groups_largest_first(stub_run):
    """number: g2, g3, g5; time: g1, g4; other: g6."""
    groups = evaluate.by_qtype(stub_run[1], ks=[1])
    assert list(groups) == ["number", "time", "other"]
    assert [g.questions for g in groups.values()] == [3, 2, 1]
    assert groups["time"].exact_match == 0.5
    assert groups["number"].abstention.recall == 1.0  # g5 abstained


def test_follow_up_shares_its_predecessors_conversation(stub_run):
    conversations = stub_run[0].conversations
    assert conversations["那占地多少？"] is conversations["青湖公园始建于哪一年？"]
    assert (
        conversations["雪豹栖息在海拔多少米以上？"] is not conversations["青湖公园始建于哪一年？"]
    )


def test_thresholds_name_each_failed_gate(stub_run):
    summary = evaluate.summarize(stub_run[1], ks=[1])
    limits = {"--min-article-at-1": 0.6, "--min-answer": 0.5, "--max-false-abstain": 0.2}
    assert gates.check(summary, limits) == [
        "answer EM 0.250 is below --min-answer 0.5",
        "false abstain 0.250 is above --max-false-abstain 0.2",
    ]


def test_threshold_on_an_unmeasured_figure_fails():
    outcome = evaluate.score(
        evaluate.GoldQuestion("q", "问", ["答"]),
        Answer("问", "答", "答。", "other", 1.0, None, None, [], 0.0),
        1.0,
    )
    summary = evaluate.summarize([outcome], ks=[1])
    assert gates.check(summary, {"--min-abstain-recall": 0.9}) == [
        "abstain recall not measured (no question measures it), --min-abstain-recall"
    ]


def test_follows_an_unknown_id_names_the_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "question": "问", "answers": [], "follows": "z"}\n', "utf-8")
    with pytest.raises(NewsbotError, match=r"gold.jsonl:1: follows 'z'"):
        evaluate.run(evaluate.load_gold(gold), lambda q, c: None)


@pytest.mark.parametrize(
    ("line", "fault"),
    [
        ("not json", "not a JSON object"),
        ("[1]", "not a JSON object"),
        ('{"question": "问"}', "needs 'question'"),
        ('{"question": "问", "answers": "答"}', "'answers' must be list"),
        ('{"question": "问", "answers": [], "qtype": 3}', "'qtype' must be str"),
    ],
)
def test_malformed_gold_line_names_file_and_line(tmp_path, line, fault):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "好", "answers": ["好"]}\n' + line + "\n", "utf-8")
    with pytest.raises(NewsbotError, match=r"gold.jsonl:2: ") as caught:
        evaluate.load_gold(gold)
    assert fault in str(caught.value)


# --- which store and questions a run gets -------------------------------------------------


def test_squad_run_asks_its_questions_against_its_passages_only():
    store, questions = evaluate.prepare([], squad_files=[EVAL_SQUAD])
    with store:
        assert [a["title"] for a in store.articles()] == ["青湖公园", "雪豹"]
        by_id = {q.id: q for q in questions}
        assert len(by_id) == 5
        assert store.paragraph(by_id["A1-2"].paragraph_id)["text"] == "每年五月举办郁金香花展。"
        assert by_id["A1-3"].paragraph_id is None and not by_id["A1-3"].answerable


def test_haystack_adds_passages_beside_the_bundled_page_but_not_their_questions(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "西宁半马几点开赛？", "answers": ["7时30分"]}\n', "utf-8")
    store, questions = evaluate.prepare([gold], haystack=[EVAL_SQUAD])
    with store:
        documents = store.db.execute("SELECT kind FROM documents ORDER BY id").fetchall()
        assert documents == [("page",)] * len(bundled_pages()) + [("squad",)]
        assert [q.question for q in questions] == ["西宁半马几点开赛？"]


def test_gold_article_missing_from_the_store_is_an_error_naming_the_line():
    with pytest.raises(NewsbotError, match=r"eval_gold.jsonl:1: article_title '青湖公园'"):
        evaluate.prepare([EVAL_GOLD])


def test_gold_paragraph_missing_from_the_store_is_an_error_naming_the_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "问", "answers": ["答"], "paragraph_id": 999}\n', "utf-8")
    with pytest.raises(NewsbotError, match=r"gold.jsonl:1: paragraph_id 999 is not in"):
        evaluate.prepare([gold])


def test_new_db_file_is_created_and_reused(tmp_path):
    db = tmp_path / "eval.db"
    for _ in range(2):
        store, questions = evaluate.prepare([], squad_files=[EVAL_SQUAD], db=db)
        with store:
            assert store.stats()["articles"] == 2 and len(questions) == 5


def test_squad_file_given_as_gold_set_asks_for_the_flag():
    with pytest.raises(NewsbotError, match="pass --squad or --with-squad"):
        evaluate.prepare([EVAL_SQUAD])


# --- the newsbot eval command -------------------------------------------------------------


def _eval(*args: str):
    return CliRunner().invoke(cli, ["eval", *args])


def test_eval_squad_json_counts_the_questions():
    result = _eval("--squad", str(EVAL_SQUAD), "--json", "-k", "1,2")
    assert result.exit_code == 0, result.output
    overall = json.loads(result.output)["overall"]
    assert (overall["questions"], overall["answerable"], overall["unanswerable"]) == (5, 4, 1)
    assert set(overall["paragraph_recall"]) == {"1", "2"}
    assert overall["article_mrr"] is None  # SQuAD gold names paragraphs, not articles
    first = json.loads(result.output)["questions"][0]
    table = _eval("--squad", str(EVAL_SQUAD)).output
    assert "paragraph R@1" in table and "article R@1" not in table  # nothing measures it
    assert (first["id"], first["expected"]) == ("A1-0", ["1985年"])


def test_eval_table_has_a_column_per_question_type(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"question": "西宁半马几点开赛？", "answers": ["7时30分"], "qtype": "time"}\n'
        '{"question": "美国总统是谁？", "answers": [], "qtype": "person"}\n',
        "utf-8",
    )
    result = _eval(str(gold), "--by", "qtype")
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split()
    assert header == ["all", "person", "time"]  # equal sizes: by name
    assert "evidence@1" in result.output and "latency p95 ms" in result.output


def test_eval_exits_1_naming_the_failed_gate(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"question": "西宁半马几点开赛？", "answers": ["7时30分"]}\n', "utf-8")
    passed = _eval(str(gold), "--min-paragraph-at-1", "0", "--max-false-abstain", "1")
    assert passed.exit_code == 0, passed.output
    failed = _eval(str(gold), "--min-abstain-recall", "0.9", "--min-paragraph-at-1", "0")
    assert failed.exit_code == 1
    assert "threshold not met: abstain recall not measured" in failed.output
    assert "--min-abstain-recall" in failed.output and "paragraph@1" not in failed.output


def test_eval_report_lists_failures_and_draws_the_chart(tmp_path):
    result = _eval("--squad", str(EVAL_SQUAD), "--report", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.md").read_text("utf-8")
    assert report.startswith("# Evaluation: eval_squad.json")
    assert "## Failures (" in report and "| id | type | question |" in report
    assert "## Why answers are not exact" in report
    assert "answerable questions whose evidence holds no reference answer" in report
    assert (tmp_path / "out" / "recall.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--squad"], "--squad needs at least one SQuAD-format FILE"),
        ([str(EVAL_SQUAD)], "pass --squad or --with-squad"),
        (["-k", "0,3"], "give at least one k, each 1 or more"),
    ],
)
def test_eval_usage_errors_are_one_line(args, message):
    result = _eval(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


# --- the plain-BM25 baselines of benchmarks/compare_variants.py ---------------------------


def test_char_bigrams_pair_within_runs_only():
    assert char_bigrams("西宁半马，开赛。好") == ["西宁", "宁半", "半马", "开赛", "好"]


def test_baseline_cites_best_paragraph_and_gives_its_best_sentence():
    store, _ = evaluate.prepare([], squad_files=[EVAL_SQUAD])
    with store:
        baseline = BM25Baseline(store, char_bigrams, k=3)
        reply = baseline.ask("郁金香花展在几月举办？")
        assert reply.paragraph_id == reply.hits[0].paragraph_id
        assert reply.evidence == reply.answer == "每年五月举办郁金香花展。"
        assert reply.article is not None and reply.article.title == "青湖公园"


def test_compare_variants_puts_every_mode_and_baseline_side_by_side(capsys):
    assert compare_variants.main(["--squad", str(EVAL_SQUAD), "-k", "1,2", "--json"]) == 0
    columns = json.loads(capsys.readouterr().out)
    assert list(columns) == [*(f"newsbot-{m}" for m in MODES), "bm25-words", "bm25-bigrams"]
    assert all(
        c["questions"] == 5 and set(c["paragraph_recall"]) == {"1", "2"} for c in columns.values()
    )


def test_test_split_comes_from_the_line_or_else_the_file_name(tmp_path):
    line = {"question": "哪里？", "answers": ["这里"]}
    for name in ("questions_test.jsonl", "questions_more.jsonl"):
        (tmp_path / name).write_text(
            json.dumps(line, ensure_ascii=False) + "\n"
            + json.dumps({**line, "split": "tune" if "test" in name else "test"},
                         ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    frozen = evaluate.load_gold(tmp_path / "questions_test.jsonl")
    other = evaluate.load_gold(tmp_path / "questions_more.jsonl")
    assert [q.split for q in frozen] == ["test", "tune"]
    assert [q.split for q in other] == ["tune", "test"]


def test_summaries_by_split_put_tune_before_test(stub_run):
    outcomes = stub_run[1]
    outcomes[0].gold.split = "test"
    splits = evaluate.by_split(outcomes, ks=[1])
    assert list(splits) == ["tune", "test"]
    assert (splits["tune"].questions, splits["test"].questions) == (5, 1)


def test_gold_article_is_found_by_its_headline_whatever_role_the_title_got(tmp_path):
    articles = tmp_path / "a.jsonl"
    articles.write_text(
        json.dumps({"title": "市交通运输局发布消息", "subtitle": "地铁1号线二期工程下月开通",
                    "text": "地铁1号线二期工程将于下月开通。"}, ensure_ascii=False) + "\n"
        + json.dumps({"title": "公交线路调整", "text": "3路公交车改道。"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"question": "地铁二期什么时候开通", "answers": ["下月"],
                                "article_title": "地铁1号线二期工程下月开通"},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "x.db"
    with Store(db) as store:
        from retrieval.ingest import ingest_paths

        ingest_paths(store, [articles])
    store, questions = evaluate.prepare([gold], db=db)
    with store:
        assert questions[0].article_ids == {1}
        hit = Hit(2, 1, "市交通运输局发布消息", 1.0, "地铁1号线二期工程将于下月开通。")
        other = Hit(3, 2, "公交线路调整", 2.0, "3路公交车改道。")
        reply = Answer(questions[0].question, None, None, "time", 0.0, None, None, [other, hit],
                       1.0)
        assert evaluate.score(questions[0], reply, 1.0).article_rank == 2
