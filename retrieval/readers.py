"""File bytes to text, and JSONL exports to `Article`s, with errors naming the file and line.

Archives arrive as UTF-8 (with or without a BOM) or as GB18030/GBK from older Chinese
systems, with Windows or classic Mac line ends; everything leaves here as `str` with `\\n`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

from retrieval.errors import NewsbotError
from retrieval.layout import clean_spaces
from retrieval.models import Article

# Share of characters that may be control (other than tab, line ends, form feed), private-use
# or U+FFFD before a file counts as binary. Real text has essentially none; bytes that happen
# to decode (GB18030 accepts much) show them by the dozen.
_MAX_SUSPICIOUS = 0.1
_SUSPICIOUS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")

_OPTIONAL_STRINGS = ("kicker", "subtitle", "source", "url")
_REPORTER_SEPARATORS = re.compile(r"[\s、，,;；/]+")

# 2024-08-22, 2024/8/22, 2024.8.22, 2024年8月22日, each optionally followed by a time.
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:T|\s+)\d{1,2}:\d{2}\S*)?"
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
# A date inside a file name: 2024-08-22, 2024_08_22, 2024.08.22 or 20240822 (one separator).
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})([-_.]?)(\d{2})\2(\d{2})(?!\d)")


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (BOM stripped) or else GB18030, and turn CRLF/CR line ends into LF."""
    if b"\x00" in data:
        raise NewsbotError(f"{name}: binary file (contains NUL bytes); expected text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise NewsbotError(f"{name}: cannot decode as UTF-8 or GB18030 text")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NewsbotError(f"{name}: empty file")
    if len(_SUSPICIOUS.findall(text)) > _MAX_SUSPICIOUS * len(text):
        raise NewsbotError(f"{name}: binary file (mostly control characters); expected text")
    return text


def read_text(path: Path) -> str:
    """The decoded text of a file; a missing or unreadable file is a NewsbotError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NewsbotError(f"{path}: no such file") from None
    except OSError as exc:
        raise NewsbotError(f"{path}: cannot read ({exc.strerror})") from None
    return decode_text(data, str(path))


def parse_date(value: str) -> str:
    """An ISO `YYYY-MM-DD` from the date spellings exports use; ValueError when it is none."""
    text = unicodedata.normalize("NFKC", value).strip()
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"unrecognised date {value!r}")
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"impossible date {value!r}") from None


def date_from_name(name: str) -> str | None:
    """The first valid date written in a file name (`...-2024-08-22-...`, `20240822`), or None."""
    for match in _NAME_DATE.finditer(name):
        year, _, month, day = match.groups()
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            continue
    return None


def read_jsonl(text: str, name: str) -> list[Article]:
    """Articles from JSONL text, one JSON object per line; blank lines are skipped."""
    articles = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NewsbotError(f"{name}:{lineno}: invalid JSON ({exc.msg})") from None
        try:
            articles.append(_article(record))
        except ValueError as exc:
            raise NewsbotError(f"{name}:{lineno}: {exc}") from None
    if not articles:
        raise NewsbotError(f"{name}: no articles")
    return articles


def _article(record: object) -> Article:
    """One JSONL record as an Article; ValueError says which field is wrong."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {_type_name(record)}")
    title = clean_spaces(_string(record, "title") or "")
    if not title:
        raise ValueError("missing 'title'")
    optional = {key: _string(record, key) for key in _OPTIONAL_STRINGS}
    for key in ("kicker", "subtitle"):
        optional[key] = clean_spaces(optional[key]) if optional[key] else None
    raw_date = _string(record, "date")
    return Article(
        title=title,
        paragraphs=_paragraphs(record),
        reporters=_reporters(record.get("reporters")),
        date=parse_date(raw_date) if raw_date else None,
        **optional,
    )


def _paragraphs(record: dict) -> list[str]:
    """Paragraph texts from `text` (one paragraph per line) or `paragraphs` (a list of them)."""
    if "text" in record and "paragraphs" in record:
        raise ValueError("give either 'text' or 'paragraphs', not both")
    if "paragraphs" in record:
        value = record["paragraphs"]
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            raise ValueError(f"'paragraphs' must be a list of strings, got {_type_name(value)}")
        chunks = value
    elif "text" in record:
        chunks = [_string(record, "text") or ""]
    else:
        raise ValueError("missing 'text' (or 'paragraphs')")
    # A line break inside a chunk separates paragraphs: stored paragraphs have none.
    paragraphs = [clean_spaces(line) for chunk in chunks for line in chunk.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ValueError("empty 'text'")
    return paragraphs


def _reporters(value: object) -> list[str]:
    """Reporter names from a list, or from one string of names separated by spaces or 、，;/."""
    if value is None:
        return []
    if isinstance(value, str):
        return [n for n in _REPORTER_SEPARATORS.split(value) if n]
    if isinstance(value, list) and all(isinstance(n, str) for n in value):
        return [n.strip() for n in value if n.strip()]
    raise ValueError(f"'reporters' must be a list of strings, got {_type_name(value)}")


def _string(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string, got {_type_name(value)}")
    return value


def _type_name(value: object) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }[type(value)]
