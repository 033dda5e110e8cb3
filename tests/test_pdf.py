"""E-paper PDFs: articles read back from typeset pages, `newsbot ingest page.pdf`, bad PDFs."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from retrieval.errors import NewsbotError
from retrieval.pdf import extract, parse_contents, read_pdf
from retrieval.resources import data_dir
from retrieval.store import Store
from retrieval.typeset import articles_from_json, same_article

SHIPPED = data_dir() / "pdf" / "xining-evening-news-2024-08-22.pdf"
LAYOUT_ARTICLES = Path(__file__).parent / "data" / "layout_articles.json"


@pytest.fixture(scope="module")
def typeset():
    """The benchmark typesetter; reportlab comes with the `test` extra."""
    pytest.importorskip("reportlab", reason="reportlab (the `test` extra) typesets the PDFs")
    from benchmarks import pdf_typeset

    return pdf_typeset


def newsbot(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def counts(db: str) -> tuple[int, int, int]:
    with Store(db) as store:
        return tuple(store.db[t].count for t in ("documents", "articles", "paragraphs"))


def read_back(pdf_bytes: bytes):
    return parse_contents(extract(pdf_bytes, "test.pdf"))


def assert_exact(expected, page) -> None:
    assert [a.title for a in page.articles] == [a.title for a in expected]
    for want, got in zip(expected, page.articles, strict=True):
        assert same_article(want, got), (want, got)


@pytest.mark.parametrize("columns", [4, 5, 6])
@pytest.mark.parametrize("centered", [False, True], ids=["flush", "centred"])
@pytest.mark.parametrize("block_rules", [True, False], ids=["rules", "gaps"])
def test_bundled_page_comes_back_exactly_in_every_grid(typeset, columns, centered, block_rules):
    layout = typeset.PdfLayout(
        columns=columns, centered_headlines=centered, block_rules=block_rules
    )
    articles = typeset.bundled_articles()
    pdf = typeset.typeset_pdf(articles, random.Random(columns), layout=layout)
    page, source, date = read_back(pdf.data)
    assert_exact(articles, page)
    assert (source, date) == ("西宁晚报", "2024-08-22")


def test_articles_running_onto_a_second_page_stay_one_article_each(typeset):
    layout = typeset.PdfLayout(page_size=typeset.PAGE_SIZES["A4"], columns=4, body_size=10)
    articles = typeset.bundled_articles()
    pdf = typeset.typeset_pdf(articles, random.Random(3), layout=layout, day="2025-01-06")
    assert pdf.pages >= 2
    page, _, date = read_back(pdf.data)
    assert_exact(articles, page)
    assert date == "2025-01-06"


@pytest.mark.parametrize("seed", range(6))
def test_kickers_subtitles_and_bylines_come_back_in_random_layouts(typeset, seed):
    rng = random.Random(seed)
    articles = articles_from_json(LAYOUT_ARTICLES)
    rng.shuffle(articles)
    pdf = typeset.typeset_pdf(articles, rng, paper="青海日报", layout=typeset.random_layout(rng))
    page, source, _ = read_back(pdf.data)
    assert_exact(articles, page)
    assert source == "青海日报"
    assert any(a.kicker for a in page.articles) and any(a.subtitle for a in page.articles)


def test_the_shipped_pdf_is_the_bundled_page(typeset):
    document = read_pdf(SHIPPED)
    assert_exact(typeset.bundled_articles(), document.page)
    assert (document.source, document.date, document.pages) == ("西宁晚报", "2024-08-22", 1)
    assert document.page.banner.startswith("西宁晚报 2024年8月22日 星期四")


def test_ingest_pdf_stores_one_pdf_document_with_the_banner_date_and_paper(workdir):
    result = newsbot("ingest", str(SHIPPED), "--db", "news.db")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"ingested {SHIPPED}: 5 articles, 22 paragraphs\n")
    with Store("news.db") as store:
        document = next(store.db["documents"].rows)
        dates = {row["date"] for row in store.db["articles"].rows}
        sources = {row["source"] for row in store.db["articles"].rows}
    assert (document["kind"], document["source"], document["date"]) == (
        "pdf",
        "西宁晚报",
        "2024-08-22",
    )
    assert (dates, sources) == ({"2024-08-22"}, {"西宁晚报"})


def test_source_and_date_options_override_the_banner(workdir):
    newsbot("ingest", str(SHIPPED), "--db", "news.db", "--source", "某报", "--date", "2024-09-01")
    with Store("news.db") as store:
        rows = list(store.db["articles"].rows)
    assert {(r["source"], r["date"]) for r in rows} == {("某报", "2024-09-01")}


def test_a_pdf_ingested_twice_or_from_a_folder_copy_is_a_duplicate(workdir):
    (workdir / "archive").mkdir()
    shutil.copy(SHIPPED, workdir / "archive" / "copy.pdf")
    result = newsbot("ingest", str(SHIPPED), "archive", "--db", "news.db")
    assert result.stdout.endswith("1 ingested, 1 skipped as duplicates, 0 failed\n")
    assert counts("news.db")[0] == 1


def _truncated() -> bytes:
    data = SHIPPED.read_bytes()
    return data[: len(data) // 2]


def _encrypted(typeset) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return _one_line_pdf(typeset, encrypt=StandardEncryption("secret", canPrint=0))


def _scanned(typeset) -> bytes:
    """A page that is only a picture: a filled rectangle and no text."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.save()
    return buffer.getvalue()


def _one_line_pdf(typeset, **options) -> bytes:
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, **options)
    canvas.setFont(typeset.FONT, 12)
    canvas.drawString(50, 700, "本报讯（记者 张三）这是一页。")
    canvas.save()
    return buffer.getvalue()


BAD_PDFS = [
    pytest.param(lambda t: "这不是PDF".encode(), "not a PDF (no %PDF- header)", id="not-a-pdf"),
    pytest.param(lambda t: _truncated(), "truncated PDF (no %%EOF at the end)", id="truncated"),
    pytest.param(_encrypted, "encrypted PDF; decrypt it first", id="encrypted"),
    pytest.param(_scanned, "scanned page: no text layer, run OCR first", id="scanned"),
]


@pytest.mark.parametrize(("make", "message"), BAD_PDFS)
def test_a_bad_pdf_is_one_line_and_writes_nothing(workdir, typeset, make, message):
    Path("page.pdf").write_bytes(make(typeset))
    newsbot("ingest", str(SHIPPED), "--db", "news.db")
    before = counts("news.db")
    result = newsbot("ingest", "page.pdf", "--db", "news.db")
    assert result.exit_code == 1
    assert result.stderr == f"newsbot: page.pdf: {message}\n"
    assert result.stdout == "0 ingested, 0 skipped as duplicates, 1 failed\n"
    assert counts("news.db") == before


def test_read_pdf_raises_newsbot_error_naming_the_file(workdir):
    Path("notes.pdf").write_text("%PDF-1.4 nothing else", encoding="utf-8")
    with pytest.raises(NewsbotError, match=r"^notes.pdf: truncated PDF"):
        read_pdf(Path("notes.pdf"))


def test_recovery_benchmark_reads_back_its_generated_documents(typeset):
    from benchmarks import pdf_recovery

    results = pdf_recovery.run(documents=3, seed=5, readers=["pypdfium2"])
    tallies = [pools["pypdfium2"] for pools in results.values()]
    # Every pool is typeset and read back (the bundled page alone is one document).
    assert all(t.pages >= 1 and t.articles >= 3 for t in tallies)
    assert sum(t.exact for t in tallies) >= 0.9 * sum(t.articles for t in tallies)


def test_a_page_without_banner_takes_its_date_from_the_file_name(workdir, typeset):
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(typeset.FONT, 20)
    canvas.drawString(50, 760, "图书馆延长开放时间")
    canvas.setFont(typeset.FONT, 10)
    canvas.drawString(70, 730, "本报讯（记者 李明）市图书馆自下周一")
    canvas.drawString(50, 715, "起每晚开放至九点。")
    canvas.drawString(70, 700, "读者可在线预约座位。")
    canvas.save()
    Path("page-2024-09-03.pdf").write_bytes(buffer.getvalue())
    result = newsbot("ingest", "page-2024-09-03.pdf", "--db", "news.db")
    assert result.exit_code == 0, result.stderr
    with Store("news.db") as store:
        (article,) = store.db["articles"].rows
        paragraphs = [row["text"] for row in store.db["paragraphs"].rows]
    assert (article["title"], article["date"], article["source"]) == (
        "图书馆延长开放时间",
        "2024-09-03",
        None,
    )
    assert json.loads(article["reporters"]) == ["李明"]
    assert paragraphs == ["市图书馆自下周一起每晚开放至九点。", "读者可在线预约座位。"]
