"""Reading article files for the CLI: clear errors for bad bytes, ids from file names."""

from __future__ import annotations

import sys
from pathlib import Path


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
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    return path.stem, decode_article(path.read_bytes(), name)
