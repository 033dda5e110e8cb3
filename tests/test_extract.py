"""Short answers: finer answer types, named entities, answers in the archive's own characters."""

from __future__ import annotations

import pytest
from test_answer import short_answer

from retrieval import entities
from retrieval.answer import content_words
from retrieval.extract import (
    aligned,
    enumerations,
    extract,
    headed,
    numbers,
    persons,
    places,
    time_ranges,
    typed_candidates,
)
from retrieval.kinds import is_kind_of, is_noun
from retrieval.qtype import classify
from retrieval.tokenize import normalize


@pytest.mark.parametrize(
    ("question", "grain", "bound"),
    [
        ("西宁半马几点开赛？", "clock", "start"),
        ("交通管制几点结束", "clock", "end"),
        ("西宁半马是哪天举行？", "day", None),
        ("会议是几月几日召开的", "day", None),
        ("他是哪一年出生的？", "year", None),
        ("资料是在西元几年公布的", "year", None),
        ("半马什么时候开跑", None, "start"),
        ("图书馆几点开门几点闭馆", "clock", "range"),  # both ends asked: the whole range
        ("夜市从几点到几点", "clock", "range"),
        ("展览从哪天到哪天？", "day", "range"),
        ("大桥从什么时候封到什么时候", None, "range"),
        ("施工的起止时间", None, "range"),
        ("图书馆开放时间是什么时候", None, "range"),  # the time of something: its period
        ("大桥封闭截止时间是什么时候", None, "end"),  # …截止时间 names one end
        ("报名开始日期是哪天", "day", "start"),
    ],
)
def test_time_questions_know_their_grain_and_which_end_they_ask(question, grain, bound):
    qt = classify(question)
    assert (qt.qtype, qt.grain, qt.bound) == ("time", grain, bound)


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("王卫东去了哪个园区", "园区"),
        ("西宁的市花是什么花", "花"),
        ("哪所高校参加了交流会", "高校"),
        ("他叫什么名字", None),
        ("他用什么来写字", None),
        ("这是什么样的比赛", None),
    ],
)
def test_the_noun_after_which_or_what_is_the_asked_kind(question, noun):
    assert classify(question).noun == noun


def test_kinds_come_from_the_thesaurus_hierarchy():
    assert is_kind_of("学院", "高校") and is_kind_of("交流会", "会议")
    assert is_kind_of("丁香花", "花") and is_kind_of("工业园区", "园区")
    assert not is_kind_of("医院", "高校") and not is_kind_of("丁香花", "会议")
    # a compound 词林 lacks is of the kind of its longest known ending
    assert is_kind_of("招商银行", "公司") and not is_kind_of("招商银行", "高校")
    assert is_noun("花") and not is_noun("发挥")


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # 几点: a clock time, whatever else the time carries; never a month alone.
        ("西宁半马几点开赛？", "8月25日7时30分，西宁半马将在海湖体育中心鸣枪开赛。",
         "8月25日7时30分"),
        ("西宁半马几点开赛？", "西宁半马将于8月在海湖体育中心开赛。", None),
        # 哪天: the day without its hour; 哪年: the year of a date.
        ("西宁半马是哪天举行？", "8月25日7时30分，西宁半马将在海湖体育中心举行。", "8月25日"),
        ("西宁半马是哪天举行？", "西宁半马将于今年8月举行。", None),
        ("他是哪一年出生的？", "他于1998年5月出生于上海。", "1998年"),
        ("这座寺是哪一年建的？", "天正3年（1575年）建成此寺。", "天正3年（1575年）"),
        # 几点开始 / 几点结束 over a range: its start / its end.
        ("交通管制几点开始？", "8月25日5时至12时，海湖大道实施交通管制。", "8月25日5时"),
        ("交通管制几点结束？", "8月25日5时至12时，海湖大道实施交通管制。", "12时"),
        ("交通管制是几点？", "8月25日5时至12时，海湖大道实施交通管制。", "8月25日5时至12时"),
        # The hours of a day are one answer to 什么时候; 几点开始 takes its start.
        ("书房的开放时间是什么时候？", "每天9时至21时免费开放。", "9时至21时"),
        ("施工什么时候进行？", "施工时间为每日21时至次日6时。", "21时至次日6时"),
        ("书房什么时候开始开放？", "每天9时至21时免费开放。", "9时"),
    ],
)
def test_time_answers_fit_the_asked_grain(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("本届比赛有多少人参赛？", "这已是第六届比赛，本届共有12000名选手参赛。", "12000名"),
        ("有几家企业签约？", "共有3批次、15家企业现场签约。", "15家"),
        # A number with another measure word does not answer 多少人.
        ("本届比赛有多少人参赛？", "这已是第六届比赛。", None),
        # A bare fraction counts nothing; a fraction with its magnitude does.
        ("全市有几个数据中心？", "全市数据中心年平均PUE值可降至1.2以下。", None),
        ("今年新增了多少个机架？", "今年全市新增机架1.2万个。", "1.2万个"),
    ],
)
def test_counts_carry_a_fitting_measure_word(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("亲水平台有多大？", "新建的3处亲水平台总面积约1800平方米。", "约1800平方米"),
        ("这轮降雨下多大？", "3个区县将有中雨，累计降水量15至25毫米。", "15至25毫米"),
        ("比赛规模多大？", "本届赛事共有12000人参赛。", "12000人"),  # no measure: the count
        ("玉带河全长多少公里？", "玉带河全长101公里，流经三个县。", "101公里"),
        # a length asked, none written: no count stands in for it
        ("欢乐跑全程多少公里？", "12000名跑者参加了半程马拉松和欢乐跑两个项目。", None),
    ],
)
def test_a_size_is_answered_by_a_measure(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("冠军用了多长时间？", "男子组冠军王海川用时2小时05分。", "2小时05分"),
        # A clock time is when, not how long.
        ("冠军用了多长时间？", "比赛于7时30分在北山林场鸣枪开赛。", None),
    ],
)
def test_a_duration_is_hours_and_minutes_not_a_clock_time(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("这是第几届艺术节？", "本届是第五届艺术节，共有3000人参加。", "第五届"),
        ("东芝排名第几？", "东芝在晶片厂排名中位列第4，营收增长12%。", "第4"),
        # An ordinal names which one, not how many: 第七污水处理厂 holds no count.
        ("污水处理厂日处理能力是多少？", "第七污水处理厂扩建工程明年投运。", None),
        ("有多少人参加？", "本届是第五届艺术节，共有3000人参加。", "3000人"),
    ],
)
def test_an_ordinal_answers_which_one_and_only_that(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("王卫东调研了哪个园区？", "王卫东来到南川工业园区调研重大项目。", "南川工业园区"),
        ("王卫东去了哪个园区？", "王卫东深入南川工业园区调研。", "南川工业园区"),
        ("西宁的市花是什么花？", "西宁市的市花是丁香花，每年五月盛开。", "丁香花"),
        ("哪所高校参加了交流会？", "青海大学昆仑学院等单位参加了交流会。", "青海大学昆仑学院"),
        ("省里开了什么会议？", "省里召开了全省科技交流会，部署下一步工作。", "全省科技交流会"),
        ("他鼓励企业发挥什么优势？", "鼓励企业要充分发挥行业龙头优势，坚定信心。", "行业龙头优势"),
    ],
)
def test_which_noun_is_answered_by_a_phrase_headed_by_that_noun_or_a_kind_of_it(
    question, sentence, expected
):
    assert short_answer(question, sentence) == expected


def test_a_bare_count_before_the_noun_is_no_answer():
    assert headed("他演唱了一首歌曲。", "歌曲") == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("王卫东是谁？", "省委常委、市委书记"),
        ("王卫东是谁", "省委常委、市委书记"),
    ],
)
def test_who_is_a_named_person_is_answered_by_the_titles_before_the_name(question, expected):
    sentence = "省委常委、市委书记王卫东来到南川工业园区调研，副市长刘超陪同。"
    assert short_answer(question, sentence) == expected


def test_who_is_a_named_person_without_titles_gets_no_other_name():
    assert short_answer("王卫东是谁？", "王卫东与刘超来到南川工业园区调研。") is None


def test_who_holds_a_role_is_still_answered_by_a_name():
    assert short_answer("调研时谁陪同？", "王卫东来到南川工业园区调研，刘超陪同。") == "刘超"


def test_lac_tags_names_places_and_organisations():
    sentence = "市委书记王卫东在南川工业园区会见了招商银行代表。"
    assert (9, 11) not in entities.entity_spans("person", sentence)
    tagged = {
        qtype: [sentence[a:b] for a, b in entities.entity_spans(qtype, sentence)]
        for qtype in ("person", "place", "organization")
    }
    assert "王卫东" in tagged["person"]
    assert "招商银行" in tagged["organization"]
    assert entities.entity_spans("number", sentence) == []


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # Matched on the simplified form, answered in the sentence's own characters.
        ("他在哪里出生？", "他於1998年5月出生於臺北市。", "臺北市"),
        ("雅典公國由誰建立？", "雅典公國由勃艮地貴族奧東·德拉羅什建立。", "奧東·德拉羅什"),
        ("他是哪一年出生的？", "他於1998年5月出生於臺北。", "1998年"),
        # NFKC changes the length (km² → km2): the answer still maps back whole.
        ("巴黎第四区的土地面积是多少？", "该区土地面积１.６０１ km²，是巴黎市第三小的区。",
         "１.６０１ km²"),
    ],
)
def test_answers_come_in_the_archives_own_characters(question, sentence, expected):
    text = normalize(question)
    qt = classify(text)
    assert extract(text, qt, sentence, {w: 1.0 for w in content_words(text, qt)}) == expected


def test_alignment_maps_every_normalised_character_to_its_original():
    text = "面積為1.601 km²，約…三成"
    norm, where = aligned(text)
    assert norm == "面积为1.601 km2,约...三成"
    assert len(where) == len(norm)
    assert [text[i] for i in where[-2:]] == ["三", "成"]
    assert text[where[norm.index("...")]] == "…"


def test_a_comma_joins_thousands_but_not_two_numbers():
    assert [s.text for s in numbers("收视率为7.07,15岁至44岁观众达1,000人")] == [
        "7.07", "15岁至44岁", "1,000人"
    ]


def test_time_ranges_join_two_times_by_to():
    assert [s.text for s in time_ranges("5时至12时封闭，14时开放")] == ["5时至12时", "14时"]


def test_a_night_range_runs_into_the_next_day():
    assert [s.text for s in time_ranges("夜市营业时间为18时至次日2时。")] == ["18时至次日2时"]


def test_a_duration_in_several_units_is_one_number():
    assert [s.text for s in numbers("以2小时03分41秒夺冠，领先8秒")] == ["2小时03分41秒", "8秒"]


@pytest.mark.parametrize("sentence", ["", "。", "   "])
def test_an_empty_sentence_gives_no_short_answer(sentence):
    assert short_answer("西宁半马几点开赛？", sentence) is None
    assert short_answer("王卫东去了哪个园区？", sentence) is None


def test_shenme_as_taiwan_writes_it_asks_like_shenme():
    assert classify(normalize("他叫甚麼名字？")) == classify("他叫什么名字？")


@pytest.mark.parametrize("question", ["最早发展都市计划的文明为?", "湾仔北的区域是指？"])
def test_a_question_ending_in_wei_or_shi_has_its_gap_at_the_end(question):
    qt = classify(question)
    assert qt.has_gap and qt.start == qt.end == len(question) - 1


def test_tagged_candidates_let_jieba_guess_unknown_names():
    """The answer's own sentence (tagged) finds a name the dictionary lacks; the fast untagged
    pass that only ranks sentences may miss it."""
    sentence = "会上，副省长杨志文宣读决定。"
    assert "杨志文" in [s.text for s in typed_candidates("person", sentence, tagged=True)]
    assert "杨志文" not in [s.text for s in persons(sentence, hmm=False)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("日均接待游客2.3万人次。", "2.3万人次"),  # not 2.3万人
        ("借阅量达16.8万册次。", "16.8万册次"),
        ("少儿读物占比超过四成。", "超过四成"),
    ],
)
def test_a_number_keeps_its_whole_measure_word(sentence, expected):
    assert expected in [s.text for s in numbers(sentence)]


def test_a_share_is_answered_with_a_percentage_not_a_head_count():
    sentence = "全市高校毕业生约2.4万人，已有1.98万人落实就业去向，就业率为82.5%。"
    assert short_answer("高校毕业生落实就业去向的比例是多少", sentence) == "82.5%"


def test_a_title_drops_the_verb_that_opens_its_clause():
    sentence = "授予湟中区鲁沙尔第一小学教师马秀兰等100名教师称号。"
    assert short_answer("马秀兰是谁？", sentence) == "湟中区鲁沙尔第一小学教师"


def test_the_question_words_written_together_anchor_the_gap_before_a_lone_repeat():
    sentence = ("今年我市计划改造老旧小区126个，截至8月20日已开工113个，"
                "已完工改造的47个小区居民满意度达95%以上。")
    assert short_answer("西宁今年计划改造多少个老旧小区？", sentence) == "126个"


def test_a_list_starts_after_the_words_opening_its_clause():
    sentence = ("副市长带队检查，先后深入城中区水井巷商业街、海湖新区万达广场餐饮集中区、"
                "西宁市第一中学食堂等地。")
    assert [s.text for s in enumerations(sentence)] == [
        "城中区水井巷商业街、海湖新区万达广场餐饮集中区、西宁市第一中学食堂"
    ]


@pytest.mark.parametrize(
    ("sentence", "listed"),
    [
        # the last item ends about as long as the inner ones, not at the clause's end
        ("海湖新区文景街、宁张路、通海路、文汇路、海湖大道部分路段将实施沥青路面罩面。",
         "文景街、宁张路、通海路、文汇路、海湖大道"),
        ("配套设置了座椅、安全护栏和夜间照明设施，方便市民。", "座椅、安全护栏和夜间照明设施"),
        # a count after the items closes the list as 等 does
        ("3路、12路、101路共3条线路将改经东关大街、互助路绕行。", "3路、12路、101路"),
        ("推动公共服务、共享单车和共建项目发展。", "公共服务、共享单车和共建项目"),
        # a particle before the first item is no part of it
        ("途经多条路段的1路、9路、22路公交线路将绕行。", "1路、9路、22路"),
        # items holding titles are items; a cut end never splits a title
        ("秦腔现代戏《河湟春秋》、青海平弦《丁香花开》、歌舞《塔尔寺的晨钟》获优秀剧目奖。",
         "现代戏《河湟春秋》、青海平弦《丁香花开》、歌舞《塔尔寺的晨钟》"),
        ("他的著作有《精神科学导言》、《哲学的本质》、《世界观、哲学和宗教》等。",
         "《精神科学导言》、《哲学的本质》、《世界观、哲学和宗教》"),
    ],
)
def test_a_lists_open_ends_are_cut_to_its_items(sentence, listed):
    assert listed in [s.text for s in enumerations(sentence)]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("女子冠军由青海选手才让卓玛以1小时12分09秒获得。", "才让卓玛"),  # taggers give 卓玛
        ("省委常委、市委书记王卫东深入调研。", "王卫东"),
        ("记者今天张明报道。", "张明"),  # 今天 is a word: no part of the name
        # after the role the name runs on to its end (jieba cuts 多杰|才让 and stops)
        ("男子冠军由青海选手多杰才让以1小时03分获得。", "多杰才让"),
    ],
)
def test_a_short_name_runs_back_to_the_role_before_it(sentence, name):
    assert name in [s.text for s in typed_candidates("person", sentence, tagged=True)]


@pytest.mark.parametrize(
    "sentence",
    ["实验小学校长林静怡说，新生报到工作已准备就绪。",
     "實驗小學校長林靜怡說，新生報到工作已準備就緒。"],
)
def test_a_name_after_its_role_does_not_run_on_into_a_verb_of_saying(sentence):
    names = [s.text for s in typed_candidates("person", sentence, tagged=True)]
    assert names and all(n in ("林静怡", "林靜怡") for n in names)


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("省委提出的“干一年”后面是什么要求", "按照省委“干一年、看三年、谋十年”要求，聚焦发展。",
         "干一年、看三年、谋十年"),
        ("西宁绿色算力的一表一单一图指什么工作机制",
         "积极打造绿色算力产业体系，全面落实“一表一单一图一机制”，持续推进绿色算力产业建设。",
         "一表一单一图一机制"),
    ],
)
def test_an_answer_is_never_a_piece_of_a_quoted_term(question, sentence, expected):
    assert short_answer(question, sentence) == expected


def test_how_big_asks_a_size_of_any_kind_and_an_area_only_beside_its_word():
    sentence = "大赛参赛规模总计12000人，较上年增加。"
    assert short_answer("西宁半马参赛规模多大", sentence) == "12000人"
    assert short_answer("湖的面积有多大", "湖长12公里，面积约4500平方米。") == "约4500平方米"


def test_a_quoted_name_before_the_noun_it_names_answers_what_the_noun_is_called():
    sentence = "省委高度重视绿色算力产业发展，积极打造“1+3+X”绿色算力产业体系，持续推进建设。"
    assert short_answer("西宁算力产业体系叫什么", sentence) == "1+3+X"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("湿地公园现在监测到几种鸟类", "118种"),
        ("修复后有多少种鸟", "118种"),
        ("修复前有多少种鸟", "96种"),
    ],
)
def test_a_change_is_answered_by_where_it_came_to_unless_the_earlier_state_is_asked(
    question, expected
):
    sentence = "工程完工后，湿地公园内监测到的鸟类已由修复前的96种增加到118种。"
    assert short_answer(question, sentence) == expected


def test_a_named_phrase_does_not_start_with_a_localiser():
    sentence = "完赛奖牌的设计灵感汲取自西宁市花丁香花，奖牌上丁香花图案与地标性建筑巧妙结合。"
    assert short_answer("完赛奖牌用了哪种花的图案", sentence) == "丁香花"


def test_a_filler_holding_one_quoted_term_is_named_by_it():
    sentence = "奖牌上丁香花图案与地标性建筑“共字桥”巧妙结合，展现出独特的地域文化韵味。"
    assert short_answer("西宁半马奖牌里的地标是什么", sentence) == "共字桥"


def test_a_quotation_before_de_and_the_asked_noun_names_it():
    sentence = "可爱的雪豹形象彰显了“相约清凉西宁，试与雪豹赛跑”的赛事主题。"
    assert short_answer("今年西宁半马的主题是什么？", sentence) == "相约清凉西宁，试与雪豹赛跑"


def test_a_list_of_people_answers_without_the_title_before_it():
    sentence = ("会上，副省长杨志文、刘超分别宣读《关于授予赵新全等5人第三届“青海学者”称号的决定》"
                "《关于2023年度青海省科学技术奖励的决定》。")
    assert short_answer("谁宣读了青海学者和科技奖励的决定", sentence) == "杨志文、刘超"


def test_a_common_word_jieba_tags_as_a_name_is_no_name():
    sentence = ("肯尼亚选手基普罗蒂奇以1小时03分41秒的成绩夺得男子半程马拉松冠军，"
                "女子半程马拉松冠军由青海选手才让卓玛获得。")
    names = [s.text for s in typed_candidates("person", sentence, tagged=True)]
    assert "马拉松" not in names and "基普罗蒂奇" in names


def test_of_several_places_of_the_nearest_word_the_gap_follows_the_questions():
    sentence = "男子半程马拉松冠军为甲队，女子半程马拉松冠军为乙队。"
    assert short_answer("男子冠军是哪个队", sentence) == "甲队"


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("普选制度、学制改革以及哪一个是长崎县战后进行的改革？",
         "长崎县战后进行了实施普选制度、土地改革、学制改革等重大改革。", "土地改革"),
        ("群岛的四大岛屿包括托土拉岛、阿内加达岛、约斯特范大克岛以及哪一个？",
         "托土拉岛、维京戈达岛、阿内加达岛和约斯特范大克岛是群岛内的四大岛屿。", "维京戈达岛"),
        ("生化武器包含什么以及植入毒液基因的流感病毒？",
         "相关例子包括芽孢炭疽杆菌以及植入毒液基因的流感病毒。", "芽孢炭疽杆菌"),
    ],
)
def test_a_question_word_inside_a_list_is_answered_by_the_item_it_leaves_out(
    question, sentence, expected
):
    assert short_answer(question, sentence) == expected


def test_a_phrase_asked_by_its_noun_is_what_a_copula_equates_not_the_clause_before_it():
    sentence = "此次签约项目中，投资额最大的是落户城北园区的东川光伏电站项目，总投资20亿元。"
    assert short_answer("签约项目中投资额最高的是什么项目？", sentence) == "东川光伏电站项目"


def test_books_are_counted_in_their_measure_words_not_in_readers():
    sentence = "暑期该馆累计接待读者21.4万人次，借阅图书16.8万册次。"
    assert short_answer("图书馆借出去多少书？", sentence) == "16.8万册次"


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # A number a verb of change leads is a difference: the total answers a plain count…
        ("半马一共有多少人参赛？", "参赛规模总计12000人，较上年增加2000余人。", "12000人"),
        ("获奖成果数量是多少？", "共有14项成果获奖，获奖数量较去年增加4项。", "14项"),
        # … and the difference answers a question about the change.
        ("参赛人数比上年多了多少人？", "参赛规模总计12000人，较上年增加2000余人。", "2000余人"),
        ("借阅量同比涨了百分之几？", "借阅量16.8万册次，同比增长31.5%。", "31.5%"),
        # 新增 names what is new, not a change of a total.
        ("新增绿化面积多少？", "工程修复河岸带7.8公里，新增绿化面积42公顷。", "42公顷"),
    ],
)
def test_a_difference_answers_only_a_question_about_the_change(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(
    ("question", "unit", "measure"),
    [
        ("有多少游客参观了展览？", "人", None),  # a count of people, in people's measure words
        ("冠军奖金是多少？", None, "元"),
        ("岗位平均月薪多少？", None, "元"),
        ("基普罗蒂奇今年多大？", "大", "岁"),  # a person's 今年多大 asks an age
        ("有多少名选手获得奖金？", "名", None),  # the measure word counted, not money
        ("这条隧道有多长？", "长", "米"),  # 多长 only says which measure
        ("大桥维修工期多长？", "长", "天"),  # 工期 is a time span, whatever adjective follows
        ("产值增长了百分之多少？", None, "%"),  # a share of a measure is a share
        ("这种稻子的收割频率是多久一次？", "久", "年"),  # 频率 is no share
        ("冠军跑了多少时间？", None, "小时"),  # 多少时间 asks a duration, like 多长时间
        ("图书馆借出去多少书？", "本", None),  # books are counted in 本 / 册
        ("优秀教师称号授予了几个人？", "人", None),  # 几个人 counts people
    ],
)
def test_number_questions_know_the_unit_and_measure_they_ask(question, unit, measure):
    qt = classify(question)
    assert qt.qtype == "number" and qt.unit == unit
    assert (qt.measure is None) if measure is None else (measure in qt.measure.split("|"))


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("湟水河出境水质是几类？", "今年以来，湟水河出境断面水质稳定保持在Ⅱ类。", "Ⅱ类"),
        ("智算中心算力规模多大？", "项目规划建设算力规模5000P，计划明年投运。", "5000P"),
        ("风机每年发电量最多多少kW？", "每台风机发电量最多可以达到350kW。", "350kW"),
    ],
)
def test_roman_classes_and_latin_units_are_part_of_the_number(question, sentence, expected):
    assert short_answer(question, sentence) == expected  # in the sentence's own characters


def test_a_latin_word_after_a_measure_word_leaves_the_measure_word():
    assert [s.text for s in numbers("获得过10次wta冠军，跑了3meters")] == ["10次", "3"]


_LIBRARY = "图书借阅量达16.8万册次，其中少儿读物借阅量占比超过四成。"

@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("美食季哪天结束", "美食季将于8月24日在中心广场启幕，活动持续至9月8日。", "9月8日"),
        ("每家城市书房有多少本书", "新建的5处城市书房已开放，每处藏书不少于5000册。", "5000册"),
        ("图书借阅量是多少", _LIBRARY, "16.8万册次"),
        ("少儿读物借阅量占多少", _LIBRARY, "超过四成"),
    ],
)
def test_an_end_a_measure_word_of_the_same_things_and_a_share_only_when_asked(
    question, sentence, expected
):
    assert short_answer(question, sentence) == expected


_READ = ("会上，副省长杨志文、刘超分别宣读《省政府关于授予赵新全等5人“青海学者”称号的决定》"
         "《省政府关于2023年度省科学技术奖励的决定》。")
_PLACES = ("基普罗蒂奇夺得男子冠军，埃塞俄比亚选手阿贝贝和青海选手多杰才让分获第二、三名；"
           "女子冠军由青海选手才让卓玛获得，云南选手杨美琴、甘肃选手王晓丽分列第二、三名。")
_TWO_LISTS = ("经过角逐，市消防支队的王明以39分12秒的成绩获得男子组冠军，公交公司的周立新、"
              "城东区政府的马海林分别以40分05秒、40分47秒获得亚军和第三名。")
_SELF_CRITICISM = ("在会议上，毛泽东作为中共中央主席承担了中央的责任，邓小平、周恩来分别代表"
                   "中共中央书记处和国务院做了自我批评。")


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("省科技奖励的决定是哪位副省长宣读的", _READ, "刘超"),
        ("青海学者称号的决定是谁宣读的", _READ, "杨志文"),
        ("女子第二名是谁", _PLACES, "杨美琴"),  # the women's part of the sentence
        ("男子亚军是哪位选手", _PLACES, "阿贝贝"),
        ("谁作为中共中央主席承担了中央的责任", _SELF_CRITICISM, "毛泽东"),  # another clause
        # two lists after 分别, the second after its verb; the champion named in another clause
        ("男子组亚军是谁", _TWO_LISTS, "周立新"),
        ("男子组第三名是哪位", _TWO_LISTS, "马海林"),
    ],
)
def test_respectively_pairs_the_ith_item_of_one_list_with_the_ith_of_the_other(
    question, sentence, expected
):
    assert short_answer(question, sentence) == expected



@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        # 湟 of 河湟 is a bound morpheme (jieba: g); the name runs on to 广场.
        ("闭幕式在湟中区河湟文化博物馆广场举行。", "湟中区河湟文化博物馆广场"),
        ("专场招聘会在城北区人力资源市场举行。", "城北区人力资源市场"),
    ],
)
def test_a_place_name_runs_over_bound_morphemes_to_its_suffix(sentence, place):
    assert place in [s.text for s in places(sentence)]


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        # jieba's dictionary files 丁香 and 马拉松 as names; nothing else reads them so
        ("奖牌的设计灵感来源于市花丁香花。", []),
        ("12000名跑者参加了半程马拉松和欢乐跑两个项目。", []),
        # names LAC reads, or a role vouches for, stay
        ("省委书记陈刚讲话，省长吴晓军主持。", ["陈刚", "吴晓军"]),
        ("青海选手多杰才让获得冠军。", ["多杰才让"]),
    ],
)
def test_a_dictionary_name_needs_the_tagger_or_a_role_to_be_a_person(sentence, names):
    assert sorted({s.text for s in typed_candidates("person", sentence, tagged=True)}) == sorted(
        names)


def test_a_clause_boundary_puts_a_candidate_further_from_the_question_words():
    from retrieval.extract import Span, nearness

    sentence = "选手王海川夺得男子组冠军，李青山位列第二。"
    anchor = [(sentence.index("冠军"), sentence.index("冠军") + 2, 1.0)]
    same, other = Span(2, 5, "王海川"), Span(13, 16, "李青山")
    # Both are as many characters from 冠军 (王海川 5 before it, 李青山 right after the comma).
    assert nearness(same, anchor) < nearness(other, anchor)
    assert nearness(same, anchor, sentence) > nearness(other, anchor, sentence)


def test_a_rank_is_found_by_its_title_and_a_title_by_its_rank():
    from retrieval.extract import _rank_forms

    assert "冠军" in _rank_forms("第一名") and "冠军" in _rank_forms("第一")
    assert "第一名" in _rank_forms("冠军")
    assert _rank_forms("选手") == ["选手"]


@pytest.mark.parametrize(("question", "expected"), [
    ("喷泉延时以后演出时间是什么时候？", "20时至22时"),
    ("喷泉延时以后每晚几点开始演出？", "20时"),
])
def test_a_time_changed_from_one_to_another_is_answered_by_the_new_one(question, expected):
    # As for numbers (由修复前的96种增加到118种): the time things came to, not the one they left.
    assert short_answer(question, "每晚演出时间由20时30分至21时调整为20时至22时。") == expected


@pytest.mark.parametrize("question", ["城市书房几点到几点开放？", "喷泉延时后几点到几点？"])
def test_a_range_asked_whole_is_one_gap_with_neither_end_chosen(question):
    qt = classify(question)
    assert question[qt.start : qt.end].startswith("几点") and "到" in question[qt.start : qt.end]
    assert qt.bound == "range" and qt.grain == "clock"
    assert short_answer(question, "城市书房每天9时至21时免费开放。") == "9时至21时"


@pytest.mark.parametrize("question", ["大桥封闭时间是什么时候", "大桥从什么时候封到什么时候？",
                                      "大桥封闭的起止时间是哪天"])
def test_a_range_of_days_asked_whole_is_answered_whole(question):
    sentence = "因维修加固需要，9月2日0时至10月31日24时，大桥将实施全封闭施工。"
    assert short_answer(question, sentence) == "9月2日0时至10月31日24时"


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # 土楼观 is no name to jieba or LAC; 设在 says it is where the race ends
        ("登山比赛终点在哪？", "起点设在北山美丽园景区南门，终点设在土楼观，全程8.6公里。",
         "土楼观"),
        ("起点在什么地方", "起点设在北山美丽园景区南门，终点设在土楼观，全程8.6公里。",
         "北山美丽园景区南门"),
    ],
)
def test_a_place_is_what_a_locative_verb_introduces(question, sentence, expected):
    assert short_answer(question, sentence) == expected


def test_a_locative_phrase_is_no_place_when_it_ends_in_a_position_word():
    from retrieval.extract import located

    assert [s.text for s in located("他在会上强调，表彰大会在青海大剧院举行。")] == ["青海大剧院"]
