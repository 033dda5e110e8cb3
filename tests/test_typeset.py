"""The typesetting generator, and the layout parser's recovery of its random pages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from retrieval.headlines import KICKER_END_RE
from retrieval.layout import NO_LINE_END, NO_LINE_START, clean_spaces, display_width, parse_page
from retrieval.typeset import (
    STRAY_BLOCKS,
    Layout,
    articles_from_json,
    headline_variant,
    random_page,
    recovered,
    typeset_page,
    wrap,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def pool():
    """The seed page's hand-checked articles and the composed layout articles."""
    return articles_from_json(DATA / "seed_articles.json") + articles_from_json(
        DATA / "layout_articles.json"
    )


def test_closing_punctuation_is_pushed_back_onto_the_previous_line():
    assert wrap("一二三四、五六", 8) == ["一二三四、", "五六"]


def test_opening_punctuation_moves_down_to_the_next_line():
    assert wrap("一二三“四五”六", 8) == ["一二三", "“四五”", "六"]


def test_first_line_is_narrower_by_the_indent():
    assert wrap("一二三四五六七八九十", 8, 4) == ["一二", "三四五六", "七八九十"]


def test_ascii_runs_are_never_broken():
    assert wrap("总计12000人参加", 8) == ["总计", "12000人", "参加"]


@pytest.mark.parametrize("width", [26, 31, 38, 44])
def test_wrapped_lines_keep_the_text_and_the_line_breaking_rules(pool, width):
    for article in pool:
        for paragraph in article.paragraphs:
            lines = wrap(paragraph, width, width - 4)
            assert "".join(lines) == paragraph
            for i, line in enumerate(lines):
                capacity = width - 4 if i == 0 else width
                assert display_width(line.rstrip(NO_LINE_START)) <= capacity
                assert i == 0 or line[0] not in NO_LINE_START
                assert i == len(lines) - 1 or line[-1] not in NO_LINE_END


def test_typeset_page_doubles_the_banner_and_keeps_every_word(pool):
    articles = pool[:3]
    text = typeset_page(articles, random.Random(3), banner="绿色算力 青海作为")
    assert text.split("\n")[0].strip() == "绿色算力绿色算力 青海作为青海作为"
    flat = clean_spaces(text.replace("\n", ""))
    for article in articles:
        assert article.title in flat
        for paragraph in article.paragraphs:
            for sentence in paragraph.split("。"):
                assert sentence in flat


def _gold_joins(pool, pages: int) -> list[tuple[str, str]]:
    """(line before, line after) of every blank line that the typesetter put inside a paragraph."""
    rng = random.Random(5)
    joins = []
    for _ in range(pages):
        text, articles, _ = random_page(pool, rng)
        lines = [clean_spaces(line) for line in text.split("\n")]
        paragraphs = [p for a in articles for p in a.paragraphs]
        for before, blank, after in zip(lines, lines[1:], lines[2:], strict=False):
            if before and not blank and after:
                if any(before + after in p for p in paragraphs):
                    joins.append((before, after))
    return joins


def test_generator_breaks_columns_mid_sentence_and_right_after_sentence_ends(pool):
    joins = _gold_joins(pool, 30)
    assert any(before[-1] == "。" for before, _ in joins)
    assert any(before[-1] not in "。！？”" for before, _ in joins)


def test_generator_moves_headlines_after_later_articles(pool):
    rng = random.Random(2)
    moved = 0
    for _ in range(20):
        text, articles, _ = random_page(pool, rng)
        flat = clean_spaces(text.replace("\n", ""))
        for i, article in enumerate(articles):
            title_at = flat.index(article.title)
            moved += any(title_at > flat.index(clean_spaces(b.byline)) for b in articles[i + 1 :])
    assert moved > 0


def test_parser_recovers_banner_and_99_percent_of_articles_over_200_layouts(pool):
    rng = random.Random(20261126)
    ok = total = 0
    for _ in range(200):
        text, articles, banner = random_page(pool, rng)
        page = parse_page(text)
        assert page.banner == banner
        ok += recovered(articles, page)
        total += len(articles)
    assert ok / total >= 0.99, f"{ok}/{total} articles recovered"


def test_narrow_and_wide_columns_with_frequent_breaks_are_recovered(pool):
    layout = Layout(min_width=22, max_width=60, min_column_lines=3, max_column_lines=6)
    rng = random.Random(7)
    ok = total = 0
    for _ in range(60):
        text, articles, _ = random_page(pool, rng, layout)
        ok += recovered(articles, parse_page(text))
        total += len(articles)
    assert ok / total >= 0.97, f"{ok}/{total} articles recovered"


def test_columns_of_uneven_width_within_an_article_are_recovered(pool):
    layout = Layout(column_jitter=2)
    rng = random.Random(11)
    ok = total = 0
    for _ in range(100):
        text, articles, _ = random_page(pool, rng, layout)
        ok += recovered(articles, parse_page(text))
        total += len(articles)
    assert ok / total >= 0.97, f"{ok}/{total} articles recovered"


def test_headline_variants_add_kickers_without_cues_and_subtitles_with_figures(pool):
    rng = random.Random(4)
    added = []
    for article in pool * 6:
        variant = headline_variant(article, rng)
        body = "".join(article.paragraphs)
        fields = {
            "kicker": (article.kicker, variant.kicker),
            "subtitle": (article.subtitle, variant.subtitle),
        }
        for role, (before, after) in fields.items():
            if after != before:
                # Made of the article's own words: each phrase of it is in the body.
                assert all(phrase in body for phrase in after.split(" "))
                added.append((role, after))
    assert any(role == "kicker" and not KICKER_END_RE.search(text) for role, text in added)
    assert any(role == "subtitle" and any(c.isdigit() for c in text) for role, text in added)


def test_real_structure_layout_cuts_articles_short_and_adds_stray_blocks(pool):
    layout = Layout(variant_rate=1.0, short_rate=1.0, stray_rate=1.0)
    rng = random.Random(8)
    text, articles, _ = random_page(pool, rng, layout)
    assert all(len(a.paragraphs) == 1 for a in articles)
    assert any(stray in text.split("\n") for stray in STRAY_BLOCKS)


def test_parser_reads_real_structure_headlines_on_generated_pages(pool):
    """Two- and three-block headlines without cue words, short articles, stray blocks."""
    layout = Layout(variant_rate=0.5, short_rate=0.25, stray_rate=0.15)
    rng = random.Random(12)
    exact = among = total = 0
    for _ in range(60):
        text, articles, _ = random_page(pool, rng, layout)
        page = parse_page(text)
        assert len(page.articles) == len(articles)
        for want, got in zip(articles, page.articles, strict=True):
            fields = (got.kicker, got.title, got.subtitle)
            exact += (want.kicker, want.title, want.subtitle) == fields
            among += want.title in fields
            total += 1
    assert exact / total >= 0.85, f"{exact}/{total} headlines exact"
    assert among / total >= 0.97, f"{among}/{total} titles among the headline fields"
