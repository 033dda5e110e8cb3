"""The answerer's features: each a number a fitted model can weigh."""

from __future__ import annotations

import pytest

from retrieval.features import (
    CHEAP,
    NAMES,
    Candidate,
    Probe,
    _normalized,
    cheap_features,
    costly_features,
    weight,
)
from retrieval.qtype import classify
from retrieval.tokenize import normalize


def candidates(*sentences: str, article_id: int = 1) -> list[Candidate]:
    return [
        Candidate(s, paragraph_id=i // 2 + 1, article_id=article_id, title="西宁半马激情开赛",
                  paragraph_score=1.0 if i == 0 else 0.5, article_score=1.0, index=i)
        for i, s in enumerate(sentences)
    ]


def probe(question: str) -> Probe:
    qt = classify(question)
    from retrieval.answer import content_words

    return Probe(question, qt, {w: weight(w) for w in content_words(question, qt)})


def test_every_candidate_gets_every_cheap_feature_and_the_best_few_the_costly_ones():
    group = candidates("8月25日7时30分，半程马拉松赛将在海湖体育中心鸣枪开赛。",
                       "本次赛事设半程马拉松和健康跑两个项目。", "报名人数超过12000人。")
    p = probe("半马几点开跑？")
    cheap_features(p, group)
    assert all(set(c.features) == set(CHEAP) for c in group)
    costly_features(p, group[:1], group)
    assert set(group[0].features) == set(NAMES)
    assert group[0].features["typed"] == 1.0  # a clock time for 几点
    assert group[0].features["lede"] == 1.0 and group[1].features["lede"] == 0.0


def test_soft_overlap_credits_a_paraphrase_the_plain_overlap_misses():
    group = candidates("今年西宁半马定于25日鸣枪开赛。", "赛道全长21.0975公里。")
    p = probe("半马哪天开跑？")
    cheap_features(p, group)
    first = group[0].features
    assert first["own_soft"] > first["own"]
    assert first["covered_soft"] > first["covered"]


def test_a_sentence_writing_the_questions_date_whole_is_marked():
    group = candidates("2023年8月27日，首届比赛举行。", "2024年8月25日，第二届比赛举行。")
    p = probe("2024年8月25日举行的是第几届比赛？")
    cheap_features(p, group)
    assert group[1].features["dates"] == 1.0 and group[0].features["dates"] == 0.0


@pytest.mark.parametrize("title", ["標題", "標\n題"])
def test_sentences_are_normalised_in_one_pass_and_stay_aligned(title):
    group = [Candidate(text, 1, 1, title, 0.0, 0.0) for text in ("臺灣ＡＢ句子一。", "第二句")]
    texts, whole = _normalized(group)
    assert texts == ["台湾ab句子一。", "第二句"]
    assert whole == normalize(title) + "\n台湾ab句子一。\n第二句"


def test_the_article_whose_title_the_questions_words_head_is_marked_for_all_its_sentences():
    p = probe("西宁半马几点开赛？")
    preview = candidates("25日7时30分，半马将在海湖体育中心鸣枪开赛。", "赛事设两个项目。")
    notice = [Candidate("半马当天7时30分起，1路公交绕行。", 9, 2, "部分公交线路临时调整",
                        1.0, 1.0, 0)]
    cheap_features(p, preview + notice)
    assert preview[0].features["title"] == preview[1].features["title"] > 0.3
    assert notice[0].features["title"] == 0.0
