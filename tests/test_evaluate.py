"""`newsbot eval`: CMRC 2018 metrics, gold and SQuAD loading, and the evaluation run itself."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from retrieval import metrics
from retrieval.errors import NewsbotError
from retrieval.squad import ingest_squad, load_squad
from retrieval.store import Store

DATA = Path(__file__).parent / "data"
EVAL_SQUAD = DATA / "eval_squad.json"


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
        ('{"data": [{"title": "t", "paragraphs": [{"context": "c", "qas": [{}]}]}]}',
         "data[0].paragraphs[0].qas[0]"),
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
