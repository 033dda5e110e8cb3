"""Page layout parsing: the seed page against its hand-checked parse, and each signal alone."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from retrieval.layout import (
    clean_spaces,
    display_width,
    ends_sentence,
    join_lines,
    parse_byline,
    parse_page,
)
from retrieval.models import Article
from retrieval.typeset import typeset_page

SEED_ARTICLES = Path(__file__).parent / "data" / "seed_articles.json"
FIELDS = ("title", "kicker", "subtitle", "reporters", "byline", "paragraphs")


@pytest.fixture(scope="module")
def seed_gold() -> dict:
    return json.loads(SEED_ARTICLES.read_text(encoding="utf-8"))


@pytest.fixture
def seed_page(seed_page_text):
    return parse_page(seed_page_text)


def test_seed_banner_is_stored_once(seed_page):
    assert seed_page.banner == "绿色算力 青海作为"


def test_seed_page_has_five_articles_in_reading_order(seed_page, seed_gold):
    assert [a.byline for a in seed_page.articles] == [a["byline"] for a in seed_gold["articles"]]
    assert [a.position for a in seed_page.articles] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("name", FIELDS)
def test_seed_article_matches_hand_checked_parse(seed_page, seed_gold, index, name):
    assert getattr(seed_page.articles[index], name) == seed_gold["articles"][index][name]


def _paragraph_with(page, text: str) -> str:
    found = [p for a in page.articles for p in a.paragraphs if text in p]
    assert len(found) == 1, f"{text!r} is in {len(found)} paragraphs"
    return found[0]


# Each blank line of the seed page that falls inside a paragraph: the words on both sides
# must come out joined in one paragraph, with nothing inserted.
@pytest.mark.parametrize(
    "joined",
    [
        "项目现场，王卫东详细询问施工进度",  # line 14: after a comma
        "以市场化为导向，以干部能上能下",  # line 25: mid-clause
        "选手们将在奋力竞逐中",  # line 59: mid-word
        "对接市林草局对湟水湿地公园",  # line 81: mid-name
        "积极打造“1+3+X”绿色算力产业体系",  # line 121: before an opening quote
        "持续推进绿色算力产业基础设施",  # line 124: mid-word
        "建设一批重大项目、落地一批大模型",  # line 144: mid-word, before closing punctuation
        "探索推进低碳建筑、“光储直柔”建筑",  # line 184: after an enumeration comma
        "青海理工学院等项目建设",  # line 189: mid-phrase
    ],
)
def test_column_break_mid_sentence_is_joined(seed_page, joined):
    _paragraph_with(seed_page, joined)


# Each blank line of the seed page after a sentence end that ends a paragraph.
@pytest.mark.parametrize(
    ("end", "start"),
    [
        ("市领导南海晏参加。", "来到南川水厂一期项目现场"),
        ("充分激发企业发展活力。", "在青海晶科能源有限公司"),
        ("共同解锁西宁城市魅力。", "8月25日7时30分"),
        ("注入新的活力和能量。", "据悉，今年西宁半马"),
        ("认识西宁、发现青海。", "据了解，自7月"),
        ("确保赛事保障工作有序推进。", "城西区各相关部门"),
        ("更加美丽的城区环境和比赛氛围。", "“八月的西宁"),
        ("”相关负责人表示。", "除了凉爽的气候"),
        ("并安排部署下一步重点工作。", "一直以来，省委"),
        ("发展新质生产力的新动能。", "全市各地区各园区"),
        ("西宁市城乡建设领域绿色发展交流会上获悉的。", "据了解，随着"),
        ("注入强劲动力。", "省委书记、省人大常委会主任"),
        ("颁授证书。", "陈刚代表省委"),
        ("以一域之光为全域添彩。", "陈刚充分肯定"),
        ("全省科技创新走深走实。", "吴晓军在主持时指出"),
        ("作出新的更大贡献。", "会上，副省长"),
        ("代表作交流发言。", "省领导朱向峰"),
    ],
)
def test_blank_after_sentence_end_with_indented_next_line_ends_paragraph(seed_page, end, start):
    paragraphs = [p for a in seed_page.articles for p in a.paragraphs]
    ends = [i for i, p in enumerate(paragraphs) if p.endswith(end)]
    assert len(ends) == 1
    assert paragraphs[ends[0] + 1].startswith(start)


def test_seed_paragraphs_hold_no_line_breaks_or_layout_spaces(seed_page):
    for article in seed_page.articles:
        for paragraph in article.paragraphs:
            assert "\n" not in paragraph
            assert " " not in paragraph


def test_extraction_spaces_around_digits_are_removed(seed_page):
    _paragraph_with(seed_page, "从2015年的58%提升至2024年的98%")
    _paragraph_with(seed_page, "赛道的12000名选手")
    _paragraph_with(seed_page, "引领性重大成果，抢占")


def test_headline_wrapped_over_two_lines_is_one_title(seed_page):
    assert seed_page.articles[4].title == "全省科学技术大会暨2023年度青海省科学技术奖励大会召开"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("从 2015 年的 58%提升", "从2015年的58%提升"),
        ("12000 名选手", "12000名选手"),
        ("重大成果 ，抢占", "重大成果，抢占"),
        ("赵新全等 5 人", "赵新全等5人"),
        ("关于 2023 年度", "关于2023年度"),
        ("西宁　半马", "西宁半马"),
        ("Hello World", "Hello World"),
        ("GDP 增长", "GDP 增长"),
        ("5G 网络", "5G 网络"),
        ("2024 2025", "2024 2025"),
    ],
)
def test_clean_spaces_removes_only_spaces_next_to_cjk(text, expected):
    assert clean_spaces(text) == expected


@pytest.mark.parametrize(
    ("text", "width"),
    [("西宁", 4), ("GDP", 3), ("5G基站", 6), ("“1+3+X”", 9), ("，。", 4), ("", 0)],
)
def test_display_width_counts_cjk_as_two_columns(text, width):
    assert display_width(text) == width


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("市领导南海晏参加。", True),
        ("营造高原城市新形象。”", True),
        ("太神奇了！", True),
        ("（完）。）", True),
        ("项目现场，王卫东", False),
        ("建筑、", False),
        ("“早", False),
    ],
)
def test_ends_sentence_sees_through_closing_quotes(text, ends):
    assert ends_sentence(text) is ends


def test_join_lines_inserts_nothing_between_cjk_lines():
    assert (
        join_lines(["建设一批重大项", "目、落地一批大模型"]) == "建设一批重大项目、落地一批大模型"
    )


def test_join_lines_restores_the_space_of_a_break_inside_latin_text():
    assert join_lines(["由 Tara Butters 和 Michele", "Fazekas 创造"]) == (
        "由 Tara Butters 和 Michele Fazekas 创造"
    )
    assert join_lines(["采用AI", "算法和5G", "网络"]) == "采用AI算法和5G网络"


@pytest.mark.parametrize(
    ("text", "byline", "reporters"),
    [
        ("本报讯（记者 施翔）8月21日，", "本报讯（记者 施翔）", ["施翔"]),
        ("本报讯（特约记者 莫昌伟 李欣）8月", "本报讯（特约记者 莫昌伟 李欣）", ["莫昌伟", "李欣"]),
        ("本报讯（记者施翔）8月", "本报讯（记者 施翔）", ["施翔"]),
        (
            "本报西宁讯（通讯员 苏畅 记者 杨帆）今天",
            "本报西宁讯（通讯员 苏畅 记者 杨帆）",
            ["苏畅", "杨帆"],
        ),
        ("青海日报讯（实习记者 王一鸣）近日", "青海日报讯（实习记者 王一鸣）", ["王一鸣"]),
        (
            "新华社西宁 11 月 20 日电（记者 周明远、韩雪）记者从",
            "新华社西宁11月20日电（记者 周明远、韩雪）",
            ["周明远", "韩雪"],
        ),
        ("（通讯员 孙立群）记者从", "（通讯员 孙立群）", ["孙立群"]),
        ("本报记者 张三 李四", "本报记者 张三 李四", ["张三", "李四"]),
        ("本报讯（记者 阿不都·热合曼）近日", "本报讯（记者 阿不都·热合曼）", ["阿不都·热合曼"]),
        ("本报讯 记者从市供热办获悉", "本报讯", []),
        # A dateline or a reporter's line alone on its line, the text starting on the next.
        ("新华社北京9月1日电", "新华社北京9月1日电", []),
        ("记者 张文博 报道", "记者 张文博 报道", ["张文博"]),
        ("记者 张文博 李华 报道", "记者 张文博 李华 报道", ["张文博", "李华"]),
        ("记者 王晓东 通讯员 马强 报道", "记者 王晓东 通讯员 马强 报道", ["王晓东", "马强"]),
        ("文/图 记者 扎西顿珠", "文/图 记者 扎西顿珠", ["扎西顿珠"]),
        # A converged newsroom's staff, with the paper's short name before the role.
        ("本报讯（全媒体记者 刘丽）记者", "本报讯（全媒体记者 刘丽）", ["刘丽"]),
        (
            "本报讯（沈报全媒体记者 李婷 通讯员 杨光）记者",
            "本报讯（沈报全媒体记者 李婷 通讯员 杨光）",
            ["李婷", "杨光"],
        ),
    ],
)
def test_byline_forms_give_byline_and_reporters(text, byline, reporters):
    found = parse_byline(text)
    assert found is not None
    assert found[:2] == (byline, reporters)


@pytest.mark.parametrize(
    "text",
    [
        "记者从省通信管理局获悉，",
        "（记者从现场发回的报道）",
        "本报讯是本报的栏目",
        "据新华社报道，",
        "记者张文博报道称",
        "新华社北京9月1日电称",
    ],
)
def test_text_that_is_not_a_byline_is_not_taken_for_one(text):
    assert parse_byline(text) is None


def _page(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


# Column width 20 CJK characters (40 columns); first lines of paragraphs 18.
FULL_ENDING = "一二三四五六七八九十一二三四五六七八九。"
INDENTED = "甲乙丙丁戊己庚辛壬癸甲乙丙丁戊己庚辛"
FULL = "子丑寅卯辰巳午未申酉子丑寅卯辰巳午未申酉"


def test_column_break_after_a_full_line_ending_a_sentence_is_joined():
    page = parse_page(
        _page(f"本报讯（记者 施翔）{FULL[:10]}\n{FULL}\n{FULL_ENDING}", f"{FULL}\n末尾。", "标题甲")
    )
    assert len(page.articles[0].paragraphs) == 1


def test_blank_before_an_indented_line_after_a_full_sentence_end_ends_paragraph():
    page = parse_page(
        _page(
            f"本报讯（记者 施翔）{FULL[:10]}\n{FULL}\n{FULL_ENDING}",
            f"{INDENTED}\n末尾。",
            "标题甲",
        )
    )
    assert len(page.articles[0].paragraphs) == 2
    assert page.articles[0].paragraphs[1].startswith(INDENTED)


def test_headline_blocks_are_assigned_by_content_not_position():
    first = f"本报讯（记者 甲乙）西宁市图书馆新馆今日开馆，\n{FULL}\n新馆藏书八十万册。"
    second = f"本报讯（记者 丙丁）湟水河治理工程完工，\n{FULL}\n河道生态明显改善。"
    page = parse_page(_page(first, second, "湟水河治理工程完工", "西宁市图书馆新馆开馆"))
    assert [a.title for a in page.articles] == ["西宁市图书馆新馆开馆", "湟水河治理工程完工"]


@pytest.mark.parametrize(
    ("blocks", "kicker", "title", "subtitle"),
    [
        (
            ["市长调研图书馆工作时强调", "图书馆新馆开馆"],
            "市长调研图书馆工作时强调",
            "图书馆新馆开馆",
            None,
        ),
        (["图书馆新馆开馆", "——记图书馆的一天"], None, "图书馆新馆开馆", "——记图书馆的一天"),
        (
            ["图书馆建馆百年之际", "图书馆新馆开馆", "市长出席"],
            "图书馆建馆百年之际",
            "图书馆新馆开馆",
            "市长出席",
        ),
    ],
)
def test_kicker_and_subtitle_are_told_from_the_title(blocks, kicker, title, subtitle):
    body = (
        f"本报讯（记者 甲乙）市长出席图书馆新馆开馆仪式，馆长致辞，\n{FULL}\n记图书馆的一天百年。"
    )
    article = parse_page(_page(body, *blocks)).articles[0]
    assert (article.kicker, article.title, article.subtitle) == (kicker, title, subtitle)


def test_short_fragment_followed_by_body_is_not_a_headline():
    page = parse_page(
        _page(
            f"本报讯（记者 施翔）{FULL[:10]}\n{FULL_ENDING}",
            INDENTED[:8],
            f"{FULL}\n末尾。",
            "标题甲",
        )
    )
    assert page.articles[0].title == "标题甲"
    assert page.articles[0].paragraphs[1].startswith(INDENTED[:8] + FULL)


def test_page_without_doubled_first_line_has_no_banner():
    page = parse_page(_page(f"本报讯（记者 施翔）{FULL[:10]}\n末尾。", "标题甲"))
    assert page.banner is None
    assert page.articles[0].paragraphs == [f"{FULL[:10]}末尾。"]


def test_text_before_any_byline_is_kept_as_an_article():
    page = parse_page(_page(f"{FULL}\n末尾。", "标题甲"))
    assert page.articles[0].byline is None
    assert page.articles[0].title == "标题甲"
    assert page.articles[0].paragraphs == [f"{FULL}末尾。"]


def test_headline_may_end_in_an_exclamation_mark():
    page = parse_page(
        _page(f"本报讯（记者 施翔）{FULL[:10]}\n末尾。", "冰雪运动进校园，孩子们玩嗨了！")
    )
    assert page.articles[0].title == "冰雪运动进校园，孩子们玩嗨了！"
    assert page.articles[0].paragraphs == [f"{FULL[:10]}末尾。"]


def test_sentence_tail_ending_in_an_exclamation_mark_after_a_column_break_stays_body():
    page = parse_page(
        _page(f"本报讯（记者 施翔）{FULL[:10]}\n{FULL}", "大家都来参加吧！", "标题甲")
    )
    assert page.articles[0].paragraphs == [f"{FULL[:10]}{FULL}大家都来参加吧！"]
    assert page.articles[0].title == "标题甲"


@pytest.mark.parametrize("byline", ["新华社北京9月1日电", "记者 张文博 报道"])
def test_article_opened_by_a_byline_alone_on_its_line_is_its_own(byline):
    """A dateline or `记者 X 报道` on its own line starts an article; it is not body text."""
    first = Article("湟水河畔新增3处亲水平台", ["湟水河畔新增3处亲水平台，总面积约2000平方米。"])
    first.byline = "本报讯（记者 韩璐）"
    second = Article("全国冬小麦播种基本结束", ["记者从农业农村部获悉，全国冬小麦播种基本结束。"])
    second.byline = byline
    page = parse_page(typeset_page([first, second], random.Random(3)))
    assert [(a.title, a.paragraphs, a.byline) for a in page.articles] == [
        (first.title, first.paragraphs, first.byline),
        (second.title, second.paragraphs, byline),
    ]
