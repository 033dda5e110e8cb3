"""`newsbot ingest` and `newsbot articles`: files and folders into the store, and back out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from retrieval.errors import NewsbotError
from retrieval.ingest import default_db_path, ingest_paths, open_store
from retrieval.layout import parse_page
from retrieval.models import Article
from retrieval.resources import BUNDLED_SOURCE, bundled_pages
from retrieval.store import Store

DATA = Path(__file__).parent / "data"
SEED_PAGE = next(p for p in bundled_pages() if "2024-08-22" in p.name)
JSONL = DATA / "ingest_articles.jsonl"


def newsbot(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def seed_counts() -> tuple[int, int]:
    """Articles and paragraphs the layout parser finds on the seed page."""
    page = parse_page(SEED_PAGE.read_text(encoding="utf-8"))
    return len(page.articles), sum(len(a.paragraphs) for a in page.articles)


@pytest.fixture
def bundled_counts() -> tuple[int, int, int]:
    """Documents, articles and paragraphs of the bundled sample archive."""
    pages = [parse_page(path.read_text(encoding="utf-8")) for path in bundled_pages()]
    return (
        len(pages),
        sum(len(page.articles) for page in pages),
        sum(len(a.paragraphs) for page in pages for a in page.articles),
    )


def counts(db: str | Path) -> tuple[int, int, int]:
    with Store(db) as store:
        return tuple(store.db[t].count for t in ("documents", "articles", "paragraphs"))


def page_with_date_in_name(workdir: Path, name: str = "page.txt") -> Path:
    path = workdir / name
    shutil.copy(SEED_PAGE, path)
    return path


def test_ingest_jsonl_reports_what_it_stored(workdir):
    shutil.copy(JSONL, "articles.jsonl")
    result = newsbot("ingest", "articles.jsonl", "--db", "news.db")
    assert result.exit_code == 0
    assert result.stdout == (
        "ingested articles.jsonl: 3 articles, 5 paragraphs\n"
        "1 ingested, 0 skipped as duplicates, 0 failed\n"
    )
    assert counts("news.db") == (1, 3, 5)


def test_same_file_twice_adds_nothing_and_says_so(workdir):
    shutil.copy(JSONL, "articles.jsonl")
    newsbot("ingest", "articles.jsonl", "--db", "news.db")
    result = newsbot("ingest", "articles.jsonl", "--db", "news.db")
    assert result.exit_code == 0
    assert result.stdout == (
        "skipped articles.jsonl: already ingested\n0 ingested, 1 skipped as duplicates, 0 failed\n"
    )
    assert counts("news.db") == (1, 3, 5)


def test_a_page_is_stored_with_banner_date_from_its_name_and_articles_in_order(workdir):
    page = page_with_date_in_name(workdir, "evening-20240822-A3.txt")
    result = newsbot("ingest", page.name, "--db", "news.db", "--source", "西宁晚报")
    assert result.exit_code == 0, result.stderr
    with Store("news.db") as store:
        (document,) = store.db["documents"].rows
        rows = store.articles()
    assert (document["name"], document["kind"], document["date"]) == (
        page.name,
        "page",
        "2024-08-22",
    )
    assert document["banner"]
    assert [r["position"] for r in rows] == list(range(len(rows)))
    assert {(r["date"], r["source"]) for r in rows} == {("2024-08-22", "西宁晚报")}


@pytest.mark.parametrize(
    ("options", "expected"),
    [([], None), (["--date", "2023-05-04"], "2023-05-04")],
)
def test_page_date_is_the_option_else_null_when_the_name_has_none(workdir, options, expected):
    page = page_with_date_in_name(workdir, "page.txt")
    newsbot("ingest", page.name, "--db", "news.db", *options)
    with Store("news.db") as store:
        assert {r["date"] for r in store.articles()} == {expected}


def test_source_and_date_options_fill_only_what_jsonl_lines_lack(workdir):
    shutil.copy(JSONL, "articles.jsonl")
    newsbot(
        "ingest", "articles.jsonl", "--db", "news.db", "--source", "晚报", "--date", "2020-01-01"
    )
    with Store("news.db") as store:
        rows = store.articles()
    assert [(r["source"], r["date"]) for r in rows] == [
        ("河湟日报", "2024-09-03"),
        ("晚报", "2024-09-05"),
        ("晚报", "2024-09-06"),
    ]


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("gbk"), id="gbk"),
        pytest.param(lambda t: t.encode("gb18030"), id="gb18030"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf-8-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda t: t.replace("\n", "\r").encode("gbk"), id="cr-gbk"),
    ],
)
def test_pages_in_archive_encodings_give_the_same_articles(workdir, encode, seed_page_text):
    Path("page.txt").write_bytes(encode(seed_page_text))
    result = newsbot("ingest", "page.txt", "--db", "other.db")
    assert result.exit_code == 0, result.stderr
    page_with_date_in_name(workdir, "utf8.txt")
    newsbot("ingest", "utf8.txt", "--db", "utf8.db")
    with Store("other.db") as other, Store("utf8.db") as utf8:
        assert [other.article(r["id"]) for r in other.articles()] == [
            utf8.article(r["id"]) for r in utf8.articles()
        ]


def test_a_reencoded_copy_of_a_stored_page_is_a_duplicate(workdir, seed_page_text):
    page_with_date_in_name(workdir, "page.txt")
    Path("page-gbk.txt").write_bytes(seed_page_text.replace("\n", "\r\n").encode("gbk"))
    result = newsbot("ingest", "page.txt", "page-gbk.txt", "--db", "news.db")
    assert result.stdout.endswith("1 ingested, 1 skipped as duplicates, 0 failed\n")


BAD_INPUTS = [
    pytest.param("empty.txt", b"", "empty.txt: empty file", id="empty"),
    pytest.param("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00\rIHDR", "scan.txt: binary", id="binary"),
    pytest.param("old.txt", b"\x80\x80abc\xff\xff", "old.txt: cannot decode", id="undecodable"),
    pytest.param(
        "bad.jsonl",
        (DATA / "ingest_bad_line3.jsonl").read_bytes(),
        "bad.jsonl:3: invalid JSON (",
        id="malformed-line-3",
    ),
    pytest.param(
        "notitle.jsonl",
        '{"title": "好", "text": "正文"}\n{"text": "正文"}\n'.encode(),
        "notitle.jsonl:2: missing 'title'",
        id="missing-title",
    ),
    pytest.param(
        "types.jsonl",
        '{"title": "标题", "text": ["正文"]}\n'.encode(),
        "types.jsonl:1: 'text' must be a string, got array",
        id="wrong-type",
    ),
    pytest.param(
        "dates.jsonl",
        '{"title": "标题", "text": "正文", "date": "2024-02-30"}\n'.encode(),
        "dates.jsonl:1: impossible date '2024-02-30'",
        id="impossible-date",
    ),
    pytest.param(
        "prose.txt",
        "这一页只有普通文字，\n没有任何署名。\n\n第二段也没有。\n".encode(),
        "prose.txt: no article found",
        id="page-without-byline",
    ),
    pytest.param("table.csv", b"a,b\n1,2\n", "table.csv: unsupported file type", id="csv"),
    pytest.param(None, None, "missing.txt: no such file or folder", id="missing-path"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_naming_the_file_and_writes_nothing(workdir, name, data, message):
    if name is None:
        name = "missing.txt"
    else:
        Path(name).write_bytes(data)
    result = newsbot("ingest", name, "--db", "news.db")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"newsbot: {message}")
    assert len([line for line in result.stderr.splitlines() if line.startswith("newsbot:")]) == 1
    assert result.stdout == "0 ingested, 0 skipped as duplicates, 1 failed\n"
    assert counts("news.db") == (0, 0, 0)


def test_one_bad_file_does_not_lose_the_good_ones(workdir):
    shutil.copy(JSONL, "a.jsonl")
    shutil.copy(DATA / "ingest_bad_line3.jsonl", "b.jsonl")
    page_with_date_in_name(workdir, "c.txt")
    result = newsbot("ingest", "a.jsonl", "b.jsonl", "c.txt", "--db", "news.db")
    assert result.exit_code == 1
    assert result.stderr.startswith("newsbot: b.jsonl:3: invalid JSON")
    assert result.stdout.endswith("2 ingested, 0 skipped as duplicates, 1 failed\n")
    assert counts("news.db")[0] == 2


def test_folders_are_searched_recursively_for_pages_and_jsonl(workdir, seed_counts):
    (workdir / "archive" / "2024" / "08").mkdir(parents=True)
    (workdir / "archive" / ".trash").mkdir()
    page_with_date_in_name(workdir / "archive" / "2024" / "08", "page.TXT")
    shutil.copy(JSONL, workdir / "archive" / "2024" / "more.jsonl")
    shutil.copy(JSONL, workdir / "archive" / ".trash" / "old.jsonl")
    (workdir / "archive" / "notes.md").write_text("不是新闻", encoding="utf-8")
    result = newsbot("ingest", "archive", "--db", "news.db")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "ingested archive/2024/08/page.TXT: {} articles, {} paragraphs".format(*seed_counts),
        "ingested archive/2024/more.jsonl: 3 articles, 5 paragraphs",
    ]


def test_a_folder_without_pages_is_an_error(workdir):
    (workdir / "empty").mkdir()
    result = newsbot("ingest", "empty", "--db", "news.db")
    assert result.exit_code == 1
    assert result.stderr == "newsbot: empty: no .txt or .jsonl or .pdf files in this folder\n"


@pytest.mark.parametrize("value", ["2024-02-30", "2024/08/22", "20240822", "yesterday"])
def test_date_option_must_be_an_iso_date(workdir, value):
    shutil.copy(JSONL, "articles.jsonl")
    result = newsbot("ingest", "articles.jsonl", "--db", "news.db", "--date", value)
    assert result.exit_code == 2
    assert "Invalid value for '--date'" in result.stderr
    assert not Path("news.db").exists()


def test_a_failure_mid_file_leaves_the_database_as_it_was(workdir, crash_mid_paragraphs):
    shutil.copy(JSONL, "articles.jsonl")
    page_with_date_in_name(workdir, "page.txt")
    with Store("news.db") as store:
        ingest_paths(store, ["articles.jsonl"])
    before = counts("news.db")
    seen = crash_mid_paragraphs()
    with Store("news.db") as store, pytest.raises(RuntimeError, match="simulated crash"):
        ingest_paths(store, ["page.txt"])
    assert seen == [before[2] + 1]
    assert counts("news.db") == before


def test_articles_lists_a_table(workdir):
    shutil.copy(JSONL, "articles.jsonl")
    newsbot("ingest", "articles.jsonl", "--db", "news.db")
    result = newsbot("articles", "--db", "news.db")
    assert result.exit_code == 0
    assert result.stdout == (
        "id  date        title                     reporters   paragraphs\n"
        " 1  2024-09-03  湟水河畔新建三座口袋公园  李明、王芳           2\n"
        " 2  2024-09-05  秋粮收购工作全面启动      赵强、孙丽           2\n"
        " 3  2024-09-06  图书馆延长开放时间        -                    1\n"
    )


def test_articles_json_is_one_object_per_line_with_every_column(workdir):
    shutil.copy(JSONL, "articles.jsonl")
    newsbot("ingest", "articles.jsonl", "--db", "news.db")
    result = newsbot("articles", "--db", "news.db", "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[1] == {
        "id": 2,
        "document_id": 1,
        "title": "秋粮收购工作全面启动",
        "kicker": "三农",
        "subtitle": "今年收购价格保持稳定",
        "reporters": ["赵强", "孙丽"],
        "source": None,
        "date": "2024-09-05",
        "position": 1,
        "url": None,
        "paragraphs": 2,
    }


def test_articles_on_a_missing_database_says_to_ingest_first(workdir):
    result = newsbot("articles", "--db", "nowhere.db")
    assert result.exit_code == 1
    assert result.stderr == (
        "newsbot: nowhere.db: no such database; "
        "run `newsbot ingest FILE... --db nowhere.db` first\n"
    )
    assert not Path("nowhere.db").exists()


def test_a_database_file_that_is_not_sqlite_is_one_line(workdir):
    Path("notes.db").write_text("随手记" * 100, encoding="utf-8")
    result = newsbot("articles", "--db", "notes.db")
    assert result.exit_code == 1
    assert result.stderr.startswith("newsbot: notes.db: not a usable newsbot database")


def test_default_database_comes_from_newsbot_db_and_is_built_once(
    tmp_path, monkeypatch, bundled_counts
):
    db = tmp_path / "somewhere" / "news.db"
    monkeypatch.setenv("NEWSBOT_DB", str(db))
    first = newsbot("articles")
    assert first.exit_code == 0
    assert first.stderr == f"created {db} from the bundled sample archive\n"
    assert len(first.stdout.splitlines()) == 1 + bundled_counts[1]
    second = newsbot("articles")
    assert (second.stderr, second.stdout) == ("", first.stdout)
    assert counts(db) == bundled_counts


def test_default_database_lives_under_xdg_data_home(user_data_home):
    expected = user_data_home / "newsbot" / "newsbot.db"
    assert default_db_path() == expected
    result = newsbot("articles", "--json")
    assert result.stderr == f"created {expected} from the bundled sample archive\n"
    assert expected.is_file()
    assert not list(expected.parent.glob("*.tmp*"))
    # The bundled page's articles name the paper they come from.
    sources = {json.loads(line)["source"] for line in result.stdout.splitlines()}
    assert sources == {BUNDLED_SOURCE}


def test_ingest_without_db_adds_to_the_default_database(
    user_data_home, workdir, bundled_counts
):
    shutil.copy(JSONL, "articles.jsonl")
    result = newsbot("ingest", "articles.jsonl")
    assert result.exit_code == 0
    documents, articles, paragraphs = bundled_counts
    assert counts(user_data_home / "newsbot" / "newsbot.db") == (
        documents + 1, articles + 3, paragraphs + 5
    )


def test_default_location_without_xdg_is_under_home(monkeypatch, tmp_path):
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_db_path() == tmp_path / ".local" / "share" / "newsbot" / "newsbot.db"


def test_open_store_without_create_default_does_not_build_one(user_data_home):
    with pytest.raises(NewsbotError, match="no database yet"):
        open_store(None, create_default=False)
    assert not (user_data_home / "newsbot" / "newsbot.db").exists()


def test_open_store_creates_a_named_database_only_when_asked(tmp_path):
    path = tmp_path / "new" / "news.db"
    with pytest.raises(NewsbotError, match="run `newsbot ingest"):
        open_store(path)
    with open_store(path, create=True) as store:
        assert store.path == path
    assert path.is_file()


def test_counts_of_one_are_singular(workdir):
    Path("one.jsonl").write_text('{"title": "短讯", "text": "一段。"}\n', encoding="utf-8")
    result = newsbot("ingest", "one.jsonl", "--db", "news.db")
    assert result.stdout.startswith("ingested one.jsonl: 1 article, 1 paragraph\n")


def test_articles_table_marks_a_missing_headline(workdir):
    with Store("news.db") as store:
        store.add_document(
            name="p.txt", sha256="c" * 64, kind="page", articles=[Article("", ["无题的一段。"])]
        )
    result = newsbot("articles", "--db", "news.db")
    assert result.stdout.splitlines()[1].split() == ["1", "-", "-", "-", "1"]


def test_ingest_brings_the_search_index_up_to_date(workdir):
    def indexed() -> int:
        current = Path("news.db.idx", Path("news.db.idx", "CURRENT").read_text(encoding="utf-8"))
        manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
        return manifest["meta"]["paragraphs"]

    shutil.copy(JSONL, "articles.jsonl")
    newsbot("ingest", "articles.jsonl", "--db", "news.db")
    assert indexed() == 5
    Path("one.jsonl").write_text('{"title": "图书馆", "text": "夜间开放。"}\n', encoding="utf-8")
    newsbot("ingest", "one.jsonl", "--db", "news.db")
    assert indexed() == 6


def test_a_run_that_ingests_nothing_builds_no_index(workdir):
    Path("empty.txt").write_bytes(b"")
    newsbot("ingest", "empty.txt", "--db", "news.db")
    assert not Path("news.db.idx").exists()
