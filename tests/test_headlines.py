"""Headline blocks on a page: which article each belongs to, in which role, or left uncertain."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.render import source_html
from retrieval.headlines import (
    ArticleSpan,
    LogisticModel,
    PageEvidence,
    default_model,
    pair_features,
    role_features,
)
from retrieval.layout import parse_page
from retrieval.models import ArticleRef
from retrieval.resources import data_dir
from retrieval.typeset import wrap

DATA = Path(__file__).parent / "data"

HOUSING = (
    "本报讯（记者 林晓）",
    [
        "记者从市住房和城乡建设局获悉，今年我市计划改造老旧小区126个，涉及居民2.1万户，"
        "目前已开工113个，改造内容包括管网更新、外墙保温和加装电梯。",
        "老旧小区改造是今年市政府确定的十件民生实事之一。据介绍，已完工的47个小区居民满意度"
        "达95%以上，剩余小区将于10月底前全部完工。",
    ],
)
METRO = (
    "本报讯（记者 马骏）",
    [
        "市交通运输局昨日发布消息，地铁1号线二期工程已完成全部土建和设备安装，"
        "将于下月开通试运营，新增车站8座，线路全长14.6公里。",
        "二期工程开通后，城北片区至火车站的乘车时间将缩短至25分钟。",
    ],
)
RIVER = (
    "本报讯（记者 韩璐）",
    [
        "湟水河畔新增3处亲水平台，总面积约2000平方米，市民可在平台上近距离观赏河景，"
        "平台将于本月底前向市民开放。",
    ],
)
MUSEUM = ("本报讯（记者 王琼）", ["市博物馆暑期接待观众18万人次，同比增长三成，创历年同期新高。"])


def _body(byline: str, paragraphs: list[str], width: int = 36) -> str:
    """An article's body set in one column: the byline opens the first paragraph at full width;
    every other paragraph's first line is indented."""
    blocks = []
    for i, paragraph in enumerate(paragraphs):
        text = byline + paragraph if i == 0 else paragraph
        blocks.append("\n".join(wrap(text, width, width if i == 0 and byline else width - 4)))
    return "\n\n".join(blocks)


def _page(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


def _headlines(page) -> list[tuple[str | None, str, str | None]]:
    return [(a.kicker, a.title, a.subtitle) for a in page.articles]


def test_two_block_headline_without_cue_is_kicker_and_title():
    """A scene-setting kicker before the title that states the event is not taken for the title."""
    page = parse_page(
        _page(
            _body(*HOUSING),
            _body(*METRO),
            "聚焦民生实事",
            "老旧小区改造跑出加速度",
            "地铁1号线二期工程下月开通",
        )
    )
    assert _headlines(page) == [
        ("聚焦民生实事", "老旧小区改造跑出加速度", None),
        (None, "地铁1号线二期工程下月开通", None),
    ]


def test_two_block_headline_without_cue_is_title_and_subtitle():
    """A block adding a figure after the title is its subtitle, even with no dash before it."""
    page = parse_page(
        _page(
            _body(*METRO),
            _body(*RIVER),
            "地铁1号线二期工程下月开通",
            "湟水河畔新增3处亲水平台",
            "总面积约2000平方米 本月底前开放",
        )
    )
    assert _headlines(page) == [
        (None, "地铁1号线二期工程下月开通", None),
        (None, "湟水河畔新增3处亲水平台", "总面积约2000平方米 本月底前开放"),
    ]


def test_kicker_of_one_report_is_not_the_subtitle_of_the_next():
    page = parse_page(
        _page(
            _body(*METRO),
            "地铁1号线二期工程下月开通",
            "聚焦民生实事",
            "老旧小区改造跑出加速度",
            _body(*HOUSING),
        )
    )
    assert _headlines(page) == [
        (None, "地铁1号线二期工程下月开通", None),
        ("聚焦民生实事", "老旧小区改造跑出加速度", None),
    ]


@pytest.mark.parametrize("stray", ["图片新闻", "本版责编：李华"])
@pytest.mark.parametrize("where", [0, 1])
def test_stray_block_heads_no_article(stray, where):
    """A section label or editor's line shares nothing with any article: it is left out."""
    blocks = [_body(*METRO), _body(*RIVER), "湟水河畔新增3处亲水平台\n\n地铁1号线二期工程下月开通"]
    blocks.insert(where, stray)
    page = parse_page(_page(*blocks))
    assert _headlines(page) == [
        (None, "地铁1号线二期工程下月开通", None),
        (None, "湟水河畔新增3处亲水平台", None),
    ]


def test_short_one_paragraph_articles_keep_their_text_and_titles():
    page = parse_page(
        _page(
            _body(*RIVER, width=30),
            _body(*MUSEUM, width=30),
            "市博物馆暑期接待观众18万人次",
            "湟水河畔新增3处亲水平台",
        )
    )
    assert [a.paragraphs for a in page.articles] == [RIVER[1], MUSEUM[1]]
    assert [a.title for a in page.articles] == [
        "湟水河畔新增3处亲水平台",
        "市博物馆暑期接待观众18万人次",
    ]


@pytest.mark.parametrize("width", [36, 24], ids=["wide column", "column as wide as the headline"])
def test_article_without_a_byline_after_a_headline_is_its_own(width):
    """An item printed without a byline opens with an indented line after headline blocks: it
    is an article of its own, not the tail of the article before — also when its headline's
    one line happens to fill the item's column, as a column's last line would."""
    _, paragraphs = RIVER
    unsigned = "\n".join(wrap(paragraphs[0], width, width - 4))
    page = parse_page(
        _page(_body(*METRO), "湟水河畔新增3处亲水平台", unsigned, "地铁1号线二期工程下月开通")
    )
    assert [(a.byline, a.title, a.paragraphs) for a in page.articles] == [
        (METRO[0], "地铁1号线二期工程下月开通", METRO[1]),
        (None, "湟水河畔新增3处亲水平台", paragraphs),
    ]


def test_item_without_a_byline_whose_first_block_ends_mid_sentence_is_its_own():
    """The column an item's first line is measured against: its blocks hold two lines or fewer,
    so no middle line gives the width, and the lines a later line follows are its paragraphs'
    indented first lines; the line a column break cuts mid-sentence was full, and counts too.
    Measured on first lines alone, the item's indented first line looked full-width, and the
    item and its headline were read as the article before's last paragraph."""
    item = [
        "据市气象台预报，受较强冷空气影响，13日至14日我市将出现大风降温天气，"
        "最低气温将降至零下8℃左右。",
        "气象部门提醒，市民要注意防寒保暖，设施农业要做好防风防冻工作。",
    ]
    first, second = (wrap(p, 42, 38) for p in item)
    cut = "\n".join(first[:2]) + "\n\n" + "\n".join(first[2:])  # a column break mid-sentence
    page = parse_page(
        _page(_body(*METRO), "地铁1号线二期工程下月开通", cut, "\n".join(second), "降温来袭")
    )
    assert [(a.byline, a.title, a.paragraphs) for a in page.articles] == [
        (METRO[0], "地铁1号线二期工程下月开通", METRO[1]),
        (None, "降温来袭", item),
    ]


# Where the item's headline may stand: after a later article's body, away from the headline of
# the article the item follows (a block next to that headline is read as its kicker or subtitle).
# Bodies are in capitals (M: the metro report, R: the river item with no byline, H: housing),
# their titles in lower case.
_ITEM_LAYOUTS = {
    "after the next body": "M R m H r h",
    "at the page foot": "M R H r h m",
    "between the bodies": "M R r H m h",
}


@pytest.mark.parametrize("layout", _ITEM_LAYOUTS.values(), ids=_ITEM_LAYOUTS.keys())
def test_item_without_a_byline_right_after_another_articles_last_paragraph_is_split_off(layout):
    """Nothing in the layout marks where an item printed without a byline starts when it comes
    right after another article's last paragraph; its headline, which no article takes, and
    the words that headline shares with the item's paragraph split it off."""
    blocks = {
        "M": _body(*METRO),
        "R": _body("", RIVER[1]),
        "H": _body(*HOUSING),
        "m": "地铁1号线二期工程下月开通",
        "r": "湟水河畔新增3处亲水平台",
        "h": "老旧小区改造跑出加速度",
    }
    page = parse_page(_page(*(blocks[name] for name in layout.split())))
    assert [(a.byline, a.title, a.paragraphs) for a in page.articles] == [
        (METRO[0], "地铁1号线二期工程下月开通", METRO[1]),
        (None, "湟水河畔新增3处亲水平台", RIVER[1]),
        (HOUSING[0], "老旧小区改造跑出加速度", HOUSING[1]),
    ]


# The item's headline next to the headline of the article it follows, read as that article's
# kicker: H (housing, kicker k) and the river item R with no byline right after it; M the
# metro report with kicker mk.
_SWALLOWED_LAYOUTS = {
    "item after the first article": "H R M r k h mk m",
    "headlines in another order": "H R M mk m r k h",
    "item after the last article": "M H R r k h mk m",
}


@pytest.mark.parametrize("layout", _SWALLOWED_LAYOUTS.values(), ids=_SWALLOWED_LAYOUTS.keys())
def test_item_whose_headline_was_read_as_the_kicker_of_the_article_before_is_split_off(layout):
    """An item's one-block headline standing right before the headline of the article it
    was printed after reads as that article's kicker, leaving no block over; it leans to the
    item's paragraph, and the headline the article keeps shares nothing with that paragraph,
    so the item is split off with its headline."""
    blocks = {
        "M": _body(*METRO),
        "R": _body("", RIVER[1]),
        "H": _body(*HOUSING),
        "m": "地铁1号线二期工程下月开通",
        "mk": "市交通运输局发布消息",
        "r": "湟水河畔新增3处亲水平台",
        "h": "老旧小区改造跑出加速度",
        "k": "聚焦民生实事",
    }
    page = parse_page(_page(*(blocks[name] for name in layout.split())))
    got = {a.byline: (a.kicker, a.title, a.paragraphs) for a in page.articles}
    assert len(page.articles) == 3
    assert got == {
        HOUSING[0]: ("聚焦民生实事", "老旧小区改造跑出加速度", HOUSING[1]),
        None: (None, "湟水河畔新增3处亲水平台", RIVER[1]),
        METRO[0]: ("市交通运输局发布消息", "地铁1号线二期工程下月开通", METRO[1]),
    }


# The item's headline taken whole for the headline of the article it was printed after (H,
# housing, then R, the river item with no byline), whose own headline h is left over.
_TAKEN_LAYOUTS = {
    "two-block item headline after the article's": "H R M h m r rs",
    "two-block item headline before the article's": "M H R r rs m h",
    "one-block item headline": "H R M r m h",
}


@pytest.mark.parametrize("layout", _TAKEN_LAYOUTS.values(), ids=_TAKEN_LAYOUTS.keys())
def test_item_whose_headline_was_taken_for_the_article_befores_is_split_off(layout):
    """The article an item was printed after takes the item's headline, which leans to the
    item's paragraph, and leaves its own (which leans to its paragraphs) unattached: split
    there, each article gets its own headline."""
    blocks = {
        "M": _body(*METRO),
        "R": _body("", RIVER[1]),
        "H": _body(*HOUSING),
        "m": "地铁1号线二期工程下月开通",
        "r": "湟水河畔新增3处亲水平台",
        "rs": "总面积约2000平方米 本月底前开放",
        "h": "老旧小区改造跑出加速度",
    }
    page = parse_page(_page(*(blocks[name] for name in layout.split())))
    got = {a.byline: (a.title, a.paragraphs) for a in page.articles}
    assert len(page.articles) == 3
    assert got == {
        HOUSING[0]: ("老旧小区改造跑出加速度", HOUSING[1]),
        None: ("湟水河畔新增3处亲水平台", RIVER[1]),
        METRO[0]: ("地铁1号线二期工程下月开通", METRO[1]),
    }


FLOWERS = [
    "本月以来，西宁街头新添多处花卉景观，市园林部门在主干道两侧和广场摆放鲜花，扮靓城市，"
    "迎接八方游客。"
]
# The same item with a figure the housing report's subtitle holds too (95).
FLOWERS_95 = [
    "本月以来，西宁街头新添95处花卉景观，市园林部门在主干道两侧和广场摆放鲜花，扮靓城市。"
]
_KICKED = ("聚焦民生实事", "老旧小区改造跑出加速度", None)
_SUBTITLED = (None, "老旧小区改造跑出加速度", "已完工小区居民满意度达95%以上")
# The item F (flowers, no byline) printed after H (housing) or M (metro), its one-block
# headline f read as the last block of that article's headline; no block is left over.
_THIRD_BLOCK_LAYOUTS = {
    "after a kicker and title": ("H F M k h f m", FLOWERS, _KICKED),
    "after a title and subtitle": ("H F M h hs f m", FLOWERS, _SUBTITLED),
    "a figure in the item and the subtitle": ("H F M h hs f m", FLOWERS_95, _SUBTITLED),
    "at the page foot": ("M H F mk m k h f", FLOWERS, _KICKED),
}


@pytest.mark.parametrize(
    ("layout", "item", "housing"), _THIRD_BLOCK_LAYOUTS.values(), ids=_THIRD_BLOCK_LAYOUTS.keys()
)
def test_item_whose_headline_was_read_as_the_third_block_of_the_article_befores_is_split_off(
    layout, item, housing
):
    """An item's one-block headline read as the subtitle of a three-block headline leans to the
    item's paragraph, and the two blocks the article keeps say nothing of it (they share no
    word with it, or one figure while sharing more with their own paragraphs): the item is
    split off with its headline."""
    blocks = {
        "M": _body(*METRO),
        "F": _body("", item),
        "H": _body(*HOUSING),
        "m": "地铁1号线二期工程下月开通",
        "mk": "市交通运输局发布消息",
        "f": "西宁街头花卉景观扮靓城市",
        "h": "老旧小区改造跑出加速度",
        "hs": "已完工小区居民满意度达95%以上",
        "k": "聚焦民生实事",
    }
    page = parse_page(_page(*(blocks[name] for name in layout.split())))
    got = {a.byline: ((a.kicker, a.title, a.subtitle), a.paragraphs) for a in page.articles}
    assert len(page.articles) == 3
    assert got[HOUSING[0]] == (housing, HOUSING[1])
    assert got[None] == ((None, "西宁街头花卉景观扮靓城市", None), item)
    assert got[METRO[0]][1] == METRO[1]


def test_subtitle_repeating_a_later_paragraph_does_not_split_its_article():
    """A subtitle drawn from its article's last paragraph shares more with that paragraph than
    with the lede, and the page has a block left over, but the subtitle is the article's own:
    a block another article took splits nothing off."""
    headline = ["市交通运输局发布消息", "地铁1号线二期工程下月开通", "城北片区至火车站乘车时间缩短"]
    page = parse_page(
        _page(_body(*METRO), _body(*HOUSING), "图片新闻", *headline, "老旧小区改造跑出加速度")
    )
    assert [(a.kicker, a.title, a.subtitle, a.paragraphs) for a in page.articles] == [
        (*headline, METRO[1]),
        (None, "老旧小区改造跑出加速度", None, HOUSING[1]),
    ]


def test_kicker_drawn_from_a_later_paragraph_of_its_own_article_does_not_split_it():
    """A typeset page (tests/data articles) whose first article's kicker quotes its third
    paragraph: the kicker leans to the paragraphs after that boundary, but the title and
    subtitle the article would keep share words with them (非遗, 学生), so nothing is split."""
    page = parse_page((DATA / "kicker_from_own_paragraph_page.txt").read_text(encoding="utf-8"))
    assert [(a.kicker, a.title, len(a.paragraphs)) for a in page.articles][:2] == [
        ("原来每一种颜色都来自矿石和植物", "非遗“唐卡”走进校园课堂", 4),
        (None, "我市全力推进绿色算力产业发展", 3),
    ]
    assert len(page.articles) == 3


def test_kicker_drawn_from_a_later_paragraph_sharing_one_word_with_the_headline_stays():
    """A typeset page (tests/data articles) whose heating report's kicker repeats its last
    paragraph (相关部门将组织开展供热质量专项检查), while its title and subtitle share a
    single word with that paragraph: the one shared word an item's split allows does not
    count when the block split off would be the kicker, so the report stays whole."""
    text = (DATA / "kicker_from_own_paragraph_shared_word_page.txt").read_text(encoding="utf-8")
    page = parse_page(text)
    assert len(page.articles) == 4
    heating = page.articles[2]
    assert (heating.kicker, heating.title, heating.subtitle, len(heating.paragraphs)) == (
        "相关部门将组织开展供热质量专项检查",
        "冬季供暖今起全面启动",
        "并开通24小时服务热线",
        3,
    )


def test_phrase_space_in_a_headline_is_kept():
    page = parse_page(_page(_body(*METRO), "二期工程下月开通 新增车站8座"))
    assert page.articles[0].title == "二期工程下月开通 新增车站8座"


@pytest.mark.parametrize("pair", [None, LogisticModel(0.0, {})])
def test_uncertain_roles_keep_the_whole_headline_and_cite_it_whole(pair):
    """With roles the evidence cannot tell apart, the title is the whole headline in order."""
    flat = {role: LogisticModel(0.0, {}) for role in ("kicker", "title", "subtitle")}
    model = replace(default_model(), roles=flat, pair=pair, uncertain_margin=0.1)
    page = parse_page(
        _page(_body(*METRO), "市交通运输局发布消息", "地铁1号线二期工程下月开通"), model
    )
    article = page.articles[0]
    assert (article.kicker, article.title, article.subtitle) == (
        None,
        "市交通运输局发布消息 地铁1号线二期工程下月开通",
        None,
    )
    ref = ArticleRef(1, article.title, article.kicker, article.subtitle, ["马骏"], None, None)
    assert source_html(ref).startswith("来源：《市交通运输局发布消息 地铁1号线二期工程下月开通》")


def test_pair_model_reading_inside_the_margin_is_cited_whole_and_outside_it_decides():
    """The pair model's kicker + title probability decides a two-block headline: near even
    (within the margin) it is cited whole, else read as the model says, whatever the roles."""
    blocks = _page(_body(*HOUSING), "聚焦民生实事", "老旧小区改造跑出加速度")

    def read(bias: float, margin: float) -> tuple[str | None, str, str | None]:
        model = replace(default_model(), pair=LogisticModel(bias, {}), uncertain_margin=margin)
        return _headlines(parse_page(blocks, model))[0]

    assert read(3.0, 0.1) == ("聚焦民生实事", "老旧小区改造跑出加速度", None)
    assert read(-3.0, 0.1) == (None, "聚焦民生实事", "老旧小区改造跑出加速度")
    assert read(0.2, 0.1) == (None, "聚焦民生实事 老旧小区改造跑出加速度", None)
    assert read(0.2, 0.0) == ("聚焦民生实事", "老旧小区改造跑出加速度", None)


def test_a_meeting_report_names_who_spoke_in_its_subtitle():
    """A short block naming who spoke and chaired, after a long title, is its subtitle."""
    meeting = (
        "本报讯（记者 李娜）",
        [
            "8月21日，全市科技创新大会在西宁召开，会议表彰了2023年度市科学技术奖获奖者。",
            "市长王东讲话，副市长李强主持会议。",
        ],
    )
    page = parse_page(_page(_body(*meeting), "全市科技创新大会召开", "王东讲话 李强主持"))
    assert _headlines(page) == [(None, "全市科技创新大会召开", "王东讲话 李强主持")]


@pytest.mark.parametrize(
    ("first", "second", "compared"),
    [
        ("我省数字乡村建设取得新进展之际", "5G基站覆盖全部行政村", {"kicker_cue": 1.0}),
        ("家门口的“小饭桌”暖了老人胃", "社区长者食堂运营满一年", {"quote": 1.0}),
        ("湟水河畔新添一座城市书房", "——记城东区“15分钟阅读圈”建设", {"dash": -1.0, "quote": -1.0}),
    ],
    ids=["cue word first", "quoted title first", "dashed subtitle second"],
)
def test_pair_features_say_which_block_carries_the_cue_the_quotes_or_the_dash(
    first, second, compared
):
    """The pair model reads how the two blocks compare; each block's own form is the role
    model's, read through its log-odds."""
    evidence = PageEvidence([ArticleSpan(["记者从市里获悉，今年的工作进展顺利。"], 0, 0)])
    row = pair_features(role_features(first, evidence, 0), role_features(second, evidence, 0), 0.5)
    for name in ("kicker_cue", "quote", "dash"):
        assert row[f"diff_{name}"] == compared.get(name, 0.0)
    assert row["role_logit"] == 0.5
    own = [k for k in row if k.startswith(("first_", "second_")) and k != "first_longer"]
    assert not own


@pytest.mark.parametrize(
    ("first", "second", "follows"),
    [
        ("湟水河畔新增3处亲水平台", "总面积约2000平方米 本月底前开放", 1.0),
        ("湖区新增3处观鸟点", "观鸟季持续到9月", 0.0),
        ("秋粮喜获丰收", "尖扎县小麦亩产达420公斤", 1.0),
    ],
    ids=["more digits after", "as many digits after", "digits only after"],
)
def test_a_figure_follows_when_the_second_block_has_more_digits(first, second, follows):
    evidence = PageEvidence([ArticleSpan(["记者从市里获悉，今年的工作进展顺利。"], 0, 0)])
    row = pair_features(role_features(first, evidence, 0), role_features(second, evidence, 0), 0.0)
    assert row["figure_follows"] == follows


def test_shipped_model_says_how_it_was_fitted():
    data = json.loads((data_dir() / "headline_model.json").read_text(encoding="utf-8"))
    assert data["provenance"].startswith("python -m benchmarks.fit_headlines")
    assert set(data["roles"]) == {"kicker", "title", "subtitle"}
    assert data["owner"]["weights"]
