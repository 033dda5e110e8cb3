"""Readers: bytes in any of the archive encodings to text, dates, and JSONL lines to articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import NewsbotError
from retrieval.models import Article
from retrieval.readers import date_from_name, decode_text, parse_date, read_jsonl, read_text

DATA = Path(__file__).parent / "data"
TEXT = "西宁晚报\n本报讯（记者 李明）湟水河畔新建公园。\n\n第二段。\n"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(TEXT.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(TEXT.encode("gb18030"), id="gb18030"),
        pytest.param(TEXT.encode("gbk"), id="gbk"),
        pytest.param(TEXT.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(TEXT.replace("\n", "\r").encode("gbk"), id="cr-gbk"),
    ],
)
def test_archive_encodings_and_line_ends_decode_to_the_same_text(data):
    assert decode_text(data, "page.txt") == TEXT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "page.txt: empty file", id="empty"),
        pytest.param(b" \r\n\t\n", "page.txt: empty file", id="whitespace-only"),
        pytest.param(b"\xef\xbb\xbf", "page.txt: empty file", id="bom-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", id="nul-bytes"),
        pytest.param(bytes(range(1, 32)) * 4 + b"abc", "binary file", id="control-chars"),
        pytest.param(b"\x80\x80 abc \xff", "cannot decode", id="undecodable"),
        pytest.param(TEXT.encode("utf-16"), "binary file", id="utf-16"),
    ],
)
def test_non_text_bytes_are_rejected_naming_the_file(data, message):
    with pytest.raises(NewsbotError, match=message) as info:
        decode_text(data, "page.txt")
    assert str(info.value).startswith("page.txt: ")


def test_missing_file_is_a_newsbot_error(tmp_path):
    with pytest.raises(NewsbotError, match="gone.txt: no such file"):
        read_text(tmp_path / "gone.txt")


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-08-22", "2024-08-22"),
        ("2024-8-2", "2024-08-02"),
        ("2024/8/22", "2024-08-22"),
        ("2024.08.22", "2024-08-22"),
        ("2024年8月22日", "2024-08-22"),
        ("２０２４年８月２２日", "2024-08-22"),
        ("20240822", "2024-08-22"),
        ("2024-08-22T09:30:00+08:00", "2024-08-22"),
        ("2024/8/22 09:30", "2024-08-22"),
        (" 2024-02-29 ", "2024-02-29"),
    ],
)
def test_export_date_spellings_become_iso(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize("value", ["22/08/2024", "2024-02-30", "2023-02-29", "昨天", "2024-13-01"])
def test_unparseable_dates_raise(value):
    with pytest.raises(ValueError, match="date"):
        parse_date(value)


@pytest.mark.parametrize(
    ("name", "iso"),
    [
        ("xining-evening-news-2024-08-22-page.txt", "2024-08-22"),
        ("20240822_A03.txt", "2024-08-22"),
        ("page_2024_08_22.txt", "2024-08-22"),
        ("scan-20241399-of-2024.08.22.txt", "2024-08-22"),
        ("page-2024-0822.txt", None),
        ("page-12.txt", None),
        ("id-120240822.txt", None),
    ],
)
def test_date_is_read_from_file_names(name, iso):
    assert date_from_name(name) == iso


def test_jsonl_fields_become_articles():
    text = (DATA / "ingest_articles.jsonl").read_text(encoding="utf-8")
    assert read_jsonl(text, "ingest_articles.jsonl") == [
        Article(
            title="湟水河畔新建三座口袋公园",
            paragraphs=["本月起，沿河三座口袋公园陆续开放。", "公园内设有健身步道和儿童游乐区。"],
            reporters=["李明", "王芳"],
            date="2024-09-03",
            source="河湟日报",
            url="https://example.org/news/1",
        ),
        Article(
            title="秋粮收购工作全面启动",
            paragraphs=["全市设立收购网点四十二个。", "农户可就近交售。"],
            kicker="三农",
            subtitle="今年收购价格保持稳定",
            reporters=["赵强", "孙丽"],
            date="2024-09-05",
        ),
        Article(
            title="图书馆延长开放时间",
            paragraphs=["市图书馆自下周一起每晚开放至九点。"],
            date="2024-09-06",
        ),
    ]


def test_line_breaks_inside_jsonl_paragraphs_split_them():
    line = '{"title": "标题", "paragraphs": ["甲段\\n\\n乙段", "丙段"]}'
    assert read_jsonl(line, "x.jsonl")[0].paragraphs == ["甲段", "乙段", "丙段"]


GOOD_LINE = '{"title": "标题", "text": "正文。"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"title": "标题", "text": }', "invalid JSON (Expecting value)"),
        ('["标题", "正文"]', "expected a JSON object, got array"),
        ('{"text": "正文。"}', "missing 'title'"),
        ('{"title": "  ", "text": "正文。"}', "missing 'title'"),
        ('{"title": 5, "text": "正文。"}', "'title' must be a string, got number"),
        ('{"title": "标题"}', "missing 'text' (or 'paragraphs')"),
        ('{"title": "标题", "text": "\\n \\n"}', "empty 'text'"),
        ('{"title": "标题", "text": "a", "paragraphs": ["b"]}', "either 'text' or 'paragraphs'"),
        ('{"title": "标题", "paragraphs": "正文"}', "'paragraphs' must be a list of strings"),
        ('{"title": "标题", "paragraphs": [1]}', "'paragraphs' must be a list of strings"),
        ('{"title": "标题", "text": "正文", "reporters": 3}', "'reporters' must be a list"),
        ('{"title": "标题", "text": "正文", "url": true}', "'url' must be a string, got boolean"),
        ('{"title": "标题", "text": "正文", "date": "上周三"}', "unrecognised date '上周三'"),
        ('{"title": "标题", "text": "正文", "date": 20240822}', "'date' must be a string"),
    ],
)
def test_bad_jsonl_line_is_reported_with_its_number(line, message):
    text = "\n".join([GOOD_LINE, "", line, GOOD_LINE])
    with pytest.raises(NewsbotError) as info:
        read_jsonl(text, "bad.jsonl")
    assert str(info.value).startswith("bad.jsonl:3: ")
    assert message in str(info.value)


def test_jsonl_with_no_records_is_an_error():
    with pytest.raises(NewsbotError, match="empty.jsonl: no articles"):
        read_jsonl("\n\n", "empty.jsonl")
