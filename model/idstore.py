"""A set of article ids kept on disk, so a batch job's memory does not grow with its input.

A job must remember every id it has met (duplicates become error rows) and, when resumed,
every id already written. At millions of articles a Python set would be the only thing
that grows; SQLite in a temporary file keeps that bookkeeping at a fixed page cache.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: Page cache per store, in KiB: what the store holds in memory however many ids it has.
CACHE_KIB = 2048


class IdStore:
    """`add` and `in` over strings, backed by a temporary SQLite file deleted on `close`.

    Example:
        >>> ids = IdStore()
        >>> ids.update(["a", "b"]); "a" in ids, "c" in ids, len(ids)
        (True, False, 2)
        >>> ids.close()
    """

    def __init__(self, folder: str | Path | None = None) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="quotestance-ids-", dir=folder)
        self._db = sqlite3.connect(Path(self._folder.name) / "ids.sqlite", isolation_level=None)
        # a scratch file: no journal, no fsync; the job's own output is what must survive a crash
        self._db.executescript(
            f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-{CACHE_KIB};"
            "CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID;"
        )

    def add(self, key: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO ids VALUES (?)", (key,))

    def update(self, keys: Iterable[str]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO ids VALUES (?)", ((k,) for k in keys))

    def __contains__(self, key: object) -> bool:
        return self._db.execute("SELECT 1 FROM ids WHERE id = ?", (key,)).fetchone() is not None

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM ids").fetchone()[0]

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()
