"""Softer matches: thesaurus synonyms, paraphrased predicates and short forms."""

from __future__ import annotations

import pytest

from retrieval import thesaurus
from retrieval.features import coverage, matches


@pytest.mark.parametrize(
    "short, text, full",
    [
        ("科技", "全省科学技术大会昨日召开", "科学技术"),
        ("半马", "西宁半程马拉松赛鸣枪开赛", "半程马拉松"),
        ("人大", "市人民代表大会常务委员会", "人民代表大会"),
    ],
)
def test_a_short_form_is_found_as_the_first_characters_of_the_full_forms_words(short, text, full):
    found = thesaurus.short_form_in(short, text)
    assert found is not None and found.startswith(full[:2]) and full in text


@pytest.mark.parametrize(
    "word, text",
    [
        ("市长", "今年市场增长很快"),  # 市|场增长: 长 opens no word of it
        ("科技", "科技创新"),  # written whole: not a short form of itself
        ("半马", "马拉松半程"),  # out of order
    ],
)
def test_characters_in_order_are_not_a_short_form_unless_each_opens_a_word(word, text):
    assert thesaurus.short_form_in(word, text) is None


def test_converse_predicates_stand_for_each_other():
    assert "获得者" in thesaurus.alternatives("颁给")
    assert "鸣枪" in thesaurus.alternatives("开跑")
    assert "陪同" in thesaurus.alternatives("参加")


def test_only_cilins_small_groups_of_true_synonyms_are_read():
    groups = thesaurus.cilin_groups()
    assert len(groups) > 5000
    assert all(2 <= len(group) <= thesaurus.MAX_GROUP for group in groups)
    # Je12A01= (取得 得到 获得 …) has 17 words: too loose to keep.
    assert not any("获取" in group and "获得" in group for group in groups)
    # Cilin's related-word groups (codes ending in #) are left out: 冠军 / 亚军.
    assert "亚军" not in thesaurus.alternatives("冠军")


def test_soft_matching_counts_synonyms_and_short_forms_only_when_asked():
    text = "我市绿色建筑加速发展，重大贡献奖获得者潘彤"
    words = {"绿建": 1.0, "得主": 1.0}
    assert matches(words, text) == {"绿建": 0.0, "得主": 0.0}
    assert matches(words, text, soft=True) == {"绿建": 1.0, "得主": 1.0}
    assert coverage(words, text, soft=True) == 1.0
