"""A generated intent set: reader-like frames for each intent, composed with the archive's
topics, names and times and with polite wrappers, to probe how the recogniser generalises
beyond the phrasings of the written sets.

    python -m benchmarks.intent_generated      # writes data/eval/intent_generated.jsonl

The frames were written as a reader would ask (not read off the rules); each question's intent
is the intent of its frame. Seeded: the same file every run.
"""

from __future__ import annotations

import json
import random

from retrieval.resources import data_dir

SEED = 23
PER_INTENT = 45
THIRD_PER_INTENT = 24
OUT = "intent_generated.jsonl"

TOPICS = (
    "半马", "西宁半程马拉松", "绿色算力", "省科学技术奖", "老旧小区改造", "美食季", "塔尔寺",
    "音乐喷泉", "湟水河", "城市书房", "招聘会", "公办学位", "食品安全检查", "河湟文化艺术节",
    "湿地公园", "南川工业园区", "道路罩面施工", "秋季开学", "降雨降温", "图书馆", "牛肉面大赛",
    "教师表彰大会", "智算中心", "公交线路调整",
)
NAMES = (
    "王卫东", "沈立群", "韩文彬", "赵德明", "张宏伟", "才让卓玛", "多杰才让", "基普罗蒂奇", "潘彤",
    "李春梅", "刘奇凡", "马晓燕", "杨志文", "欧阳明", "陈刚",
)
TIMES = (
    "今天", "昨天", "前天", "8月22日", "8月23号", "2024年8月24日", "上周", "本周", "这周", "最近",
    "这几天", "近期", "周一", "上周五", "8月份", "8月下旬", "今早", "最新一期", "上一期", "8.26",
)
# Wrappers a question takes (请问…，谢谢) and those a request takes (麻烦…, 帮我…).
ASKING = ("", "", "", "请问", "你好，", "我想知道", "想问问")
REQUEST = ("", "", "", "请", "麻烦", "你好，", "帮我")
SUFFIXES = ("", "", "", "？", "呢", "啊", "，谢谢")
# A frame opening with one of these is a request, and one opening with 我想 takes no wrapper.
_REQUESTS = tuple("找搜查给看列把介说总概简讲帮用")

FIRST = {
    "digest": (
        "{T}有什么新闻", "{T}的报纸", "{T}报纸上都有啥", "{T}的要闻", "{T}报了哪些事",
        "{T}的头条是什么", "{T}头版登了什么", "{T}出了什么事", "{T}发生了什么", "看一下{T}的报",
        "{T}有啥大事", "{T}的新闻汇总", "{T}报纸的目录", "把{T}的新闻列一下", "{T}新闻一览",
        "{T}的晚报", "{T}西宁晚报的内容", "{T}的报纸讲了哪些事", "{T}有哪些重要的消息",
        "{T}都报了什么", "{T}的新闻", "{T}有新闻吗", "{T}报纸有哪些标题",
    ),
    "articles": (
        "{X}的新闻", "关于{X}的报道", "有没有{X}的消息", "{X}相关的新闻有哪些", "找一下{X}",
        "搜{X}", "报纸上写过{X}吗", "{X}上过报纸吗", "哪些文章提到了{X}", "{X}有什么报道",
        "跟{X}有关的文章", "给我{X}的报道", "{X}方面的消息", "列出{X}的新闻",
        "{T}关于{X}的新闻", "有关{X}的新闻都有哪些", "查查{X}", "{X}的最新消息",
        "涉及{X}的报道", "报道过{X}的文章", "{N}的相关报道", "有哪些关于{N}的新闻",
    ),
    "profile": (
        "{N}是谁", "{N}是做什么的", "{N}是干啥的", "谁是{N}", "{N}是什么身份", "{N}什么来头",
        "{N}是哪个单位的", "介绍一下{N}", "{N}这个人是谁", "{N}的职务", "{N}担任什么职务",
        "{N}现在做什么工作", "{N}在哪里工作", "我想了解一下{N}", "说说{N}", "{N}是什么职位",
        "{N}是哪位", "{N}何许人也", "{N}是什么官", "{N}是哪里的领导",
    ),
    "summary": (
        "{X}那篇讲了什么", "{X}那篇报道的主要内容", "总结一下{X}的报道", "概括{X}那篇文章",
        "{X}那条新闻说的啥", "简单说说{X}那篇", "{X}的报道大概讲了啥", "用一句话说说{X}那篇",
        "{X}那篇的要点", "讲一下{X}那篇新闻", "{X}那篇文章讲的是什么", "给我概述一下{X}的报道",
        "{X}那篇写了些什么", "帮我归纳{X}那篇", "{X}那篇报道的核心内容", "{T}{X}那篇说了啥",
        "{X}那篇的大意", "{X}那则消息讲了啥",
    ),
    "answer": (
        "{X}在哪里举行", "{X}是哪天开始的", "{X}有多少人参加", "{X}的冠军是谁", "{X}投资了多少",
        "报道说{X}什么时候结束", "{X}为什么推迟", "{X}由谁主持", "新闻里提到{X}有几个",
        "{X}一共多少个", "{T}{X}有多少人", "{X}持续到哪天", "{X}是谁负责的", "{X}的地点在哪",
        "{X}几点开始", "{X}的报名方式是什么", "报纸上说{X}花了多少钱", "{X}的负责人是谁",
        "{X}什么时候完工", "{N}在{X}上说了什么", "{N}去哪里调研了",
    ),
}


# A second round of frames, written after the first had been measured and the rules mended
# (its first measurement is the one that tells how the mended rules generalise).
SECOND = {
    "digest": (
        "{T}报纸上有什么", "{T}的报纸有什么看点", "{T}都有哪些报道", "{T}的新闻有哪些",
        "{T}报纸头版是什么", "{T}出版的报纸", "看看{T}的新闻", "{T}晚报的头版头条",
        "{T}有哪些新鲜事", "{T}的报纸内容概览", "{T}发了哪些稿子", "{T}有没有新闻",
        "{T}有什么消息", "{T}的报上说了些什么", "念一下{T}的新闻标题", "{T}刊登了哪些文章",
        "{T}都登了哪些报道", "{T}的新闻速览", "{T}的晚报讲了什么", "{T}报纸说了什么",
    ),
    "articles": (
        "有{X}的新闻吗", "{X}的报道有几篇", "最近{X}有啥新闻", "{X}有新闻吗", "有没有报道{X}",
        "哪几篇写了{X}", "帮我搜一下{X}相关的", "{X}都有哪些文章", "给我看看{X}的新闻",
        "和{X}相关的报道", "查找关于{X}的文章", "{T}有关{X}的报道", "{X}这件事有报道吗",
        "{N}最近的新闻", "{N}上过报纸吗", "检索{X}", "关于{X}都写了哪些文章", "{X}的新闻列表",
    ),
    "profile": (
        "{N}是哪个部门的", "{N}的身份是什么", "{N}是个什么人物", "请介绍{N}", "{N}是做啥的",
        "{N}担任什么职位", "{N}任什么职", "{N}是干嘛的", "{N}现在是什么职务", "{N}的头衔是什么",
        "{N}有什么职务", "{N}是什么级别的干部", "讲讲{N}这个人", "{N}任何职", "谁是{N}",
    ),
    "summary": (
        "{X}那篇新闻的内容", "把{X}那篇总结一下", "{X}那篇大致说了啥", "{X}那篇报道讲的是啥",
        "{X}那篇能概括一下吗", "{X}那篇的主要意思", "说说{X}那条新闻", "{X}这篇讲了什么",
        "{X}那篇文章主要讲什么", "介绍一下{X}那篇报道", "{X}那篇报道梳理一下",
        "{X}那篇有哪些要点", "帮我梳理{X}那篇", "{X}的那篇报道具体说了什么",
        "简要介绍{X}那篇新闻", "{X}那篇的摘要",
    ),
    "answer": (
        "{X}的报道里说了几个人获奖", "{X}是什么时候举行的", "{X}有哪些项目", "{X}在什么地方",
        "{X}的规模有多大", "{X}是第几届", "{X}的主办方是谁", "{X}有什么要求", "{X}怎么报名",
        "{X}花了多长时间", "{N}获得了什么奖", "{N}跑了多少时间", "{X}对市民有什么影响",
        "{X}覆盖了多少户", "{T}的{X}有多少人参加", "{X}是哪个部门组织的", "新闻说{X}增长了多少",
    ),
}
# A third round: whole phrasings rather than wrappers, written after the second was mended.
THIRD = {
    "digest": (
        "{T}报纸的主要内容", "给我报一下{T}的新闻", "{T}的报纸有哪几篇", "有什么值得看的新闻",
        "{T}头条新闻", "{T}报纸头版讲的什么", "{T}的新闻回顾", "{T}新闻盘点",
        "{T}的晚报上都有什么", "{T}的报纸给我过一遍", "{T}报纸上的新闻", "{T}出了哪些新闻",
    ),
    "articles": (
        "我想看{X}的新闻", "还有别的关于{X}的报道吗", "{X}的消息", "{X}有关的内容",
        "哪篇报道提到了{X}", "有报道{X}的文章吗", "{X}的文章", "{N}的报道", "有{N}的消息吗",
        "报纸上关于{X}的内容", "跟{X}相关的新闻都给我", "最近{X}的报道",
    ),
    "profile": (
        "{N}，他是谁", "{N}是干什么工作的", "{N}什么身份", "{N}的职位", "{N}是哪个单位的领导",
        "请问{N}是哪位领导", "报纸上的{N}是谁", "{N}是做什么工作的", "{N}在哪个部门",
        "{N}这个名字是谁", "{N}的职务是啥", "{N}是啥人",
    ),
    "summary": (
        "{X}那篇文章写的啥", "{X}那篇的内容是什么", "给我讲讲{X}那篇", "{X}那篇报道能简单说下吗",
        "{X}的报道主要说了什么", "关于{X}的那篇报道讲了什么", "{X}那篇文章概括一下",
        "那篇讲{X}的文章说了啥", "讲{X}的那篇文章主要内容", "{X}那个新闻怎么回事",
        "{X}那条说的是什么", "{X}那篇的重点",
    ),
    "answer": (
        "{X}的报道提到了哪些单位", "{X}什么时候开始报名", "{X}的新闻里谁讲了话",
        "{X}现在进展如何", "{X}的报道是哪天登的", "{X}为什么受关注", "{X}需要门票吗",
        "{X}在哪个区", "{N}在{X}中得了第几名", "{X}的目标是什么", "{X}比去年多了多少",
        "{X}的负责单位是哪个",
    ),
}
ASKING_2 = ("", "", "", "您好，请问", "打扰一下，", "问一下", "嗯，", "那个，")
REQUEST_2 = ("", "", "", "请你", "麻烦你", "可以帮我", "能不能帮我", "劳驾")
SUFFIXES_2 = ("", "", "", "吧", "呀", "。", "!", " 谢谢")


def generate(seed: int = SEED, per_intent: int = PER_INTENT) -> list[dict]:
    """Questions and their intents: each round's frames used about equally often."""
    return (_round(FIRST, ASKING, REQUEST, SUFFIXES, seed, per_intent)
            + _round(SECOND, ASKING_2, REQUEST_2, SUFFIXES_2, seed + 1, per_intent)
            + _round(THIRD, ("",), ("",), ("", "", "？"), seed + 2, THIRD_PER_INTENT))


def _round(
    frames_of: dict[str, tuple[str, ...]], asking: tuple[str, ...], request: tuple[str, ...],
    suffixes: tuple[str, ...], seed: int, per_intent: int,
) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[str] = set()
    for intent, frames in frames_of.items():
        made = 0
        while made < per_intent:
            frame = frames[made % len(frames)]
            body = frame.format(T=rng.choice(TIMES), X=rng.choice(TOPICS), N=rng.choice(NAMES))
            if body.startswith("我想"):
                prefix = ""
            else:
                prefix = rng.choice(request if body.startswith(_REQUESTS) else asking)
            question = prefix + body + rng.choice(suffixes)
            if question in seen:
                continue
            seen.add(question)
            rows.append({"question": question, "intent": intent})
            made += 1
    return rows


def main() -> None:
    path = data_dir() / "eval" / OUT
    rows = generate()
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    print(f"wrote {path} ({len(rows)} questions)")


if __name__ == "__main__":
    main()
