"""Reading inputs for the CLI: article files and stored documents, with clear errors naming the file."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from quotestance.model.document import Document

_SPACE = re.compile(r"\s*")


class InputError(ValueError):
    """An input that cannot be read as an article; the message names the file and the fault."""


def decode_article(data: bytes, source: str) -> str:
    """Decode UTF-8 (a BOM is dropped); say which file and byte break it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{source}: not UTF-8 at byte {error.start} ({data[error.start:error.start + 1]!r}); "
            "convert it first, e.g. `iconv -f latin1 -t utf-8`"
        ) from None


def read_article_file(name: str) -> tuple[str, str]:
    """Return (document id, text) for a path, or for `-` (standard input, id `stdin`)."""
    if name == "-":
        return "stdin", decode_article(sys.stdin.buffer.read(), "<stdin>")
    path = Path(name)
    if path.is_dir():
        raise InputError(f"{name}: a folder; name its files (e.g. {name}/*.txt) or use `quotestance batch {name}`")
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    return path.stem, decode_article(path.read_bytes(), name)


def read_article_files(names: Iterable[str]) -> tuple[list[tuple[str, str]], int]:
    """(id, text) of every article file that can be read, and how many could not (reported, skipped)."""
    inputs, failed = [], 0
    for name in names:
        try:
            inputs.append(read_article_file(name))
        except InputError as error:
            report_skipped(error)
            failed += 1
    return inputs, failed


def report_skipped(error: InputError) -> None:
    """Tell the user which input was left out and why; the command goes on with the others."""
    print(f"quotestance: error: {error} (skipped)", file=sys.stderr)


def read_json_values(name: str) -> Iterator[Any]:
    """Yield the JSON values in a file, written one after another (JSON Lines, or indented objects back to back).

    A top-level array yields its items: `analyze --format json` writes one for several articles.

    Raises:
        InputError: The file is missing, not UTF-8 or not JSON; the message names the file and the place.
    """
    path = Path(name)
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    text = decode_article(path.read_bytes(), name)
    decoder = json.JSONDecoder()
    position = _SPACE.match(text).end()
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise InputError(f"{name}: not JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
        yield from value if isinstance(value, list) else [value]
        position = _SPACE.match(text, position).end()


def read_documents_file(name: str) -> list[Document]:
    """Read the documents that `analyze --format json|jsonl` wrote (one, an array, or one per line), text included.

    Raises:
        InputError: The file is missing, not UTF-8, not JSON, or holds something other than documents.
    """
    return [_document(value, name, i) for i, value in enumerate(read_json_values(name), 1)]


def _document(value: Any, source: str, index: int) -> Document:
    if isinstance(value, dict) and "quote_index" in value:
        raise InputError(f"{source}: value {index} is a `batch --flat` row (one quote, no article text); "
                         "render the articles themselves")
    if isinstance(value, dict) and "text" in value and "quotes" not in value:
        raise InputError(f"{source}: value {index} has an article text but no quotes: not analysed yet "
                         "(a batch input? name a .txt file, or run `analyze --format jsonl` first)")
    if isinstance(value, dict) and "quotes" in value and "text" not in value:
        raise InputError(f"{source}: value {index} has quotes but no article text "
                         "(`batch` output? render the articles themselves)")
    if isinstance(value, dict) and any(isinstance(q, dict) and "start" not in q for q in value.get("quotes", [])):
        raise InputError(f"{source}: value {index} has quotes without offsets: an annotated article "
                         "(ANNOTATION.md format)? `render --gold` shows those")
    try:
        return Document.from_dict(value)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(
            f"{source}: value {index} is not a document as `analyze --format json|jsonl` writes it "
            f"({type(error).__name__}: {error})"
        ) from None
