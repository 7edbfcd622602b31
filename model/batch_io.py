"""Streaming readers and crash-safe writers for batch jobs over article collections.

Readers yield one `Record` per input row (with its line or row number) and turn bad rows into
records that carry an error instead of raising, so one bad article never stops a job. Writers
append whole chunks that are flushed and fsynced; a job killed mid-write leaves at most a torn
tail, which `done_ids` cuts off before a resumed job carries on.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Document
from .registry import check_text

TEXT_SUFFIXES = (".txt",)


class BatchInputError(ValueError):
    """The input as a whole cannot be read (not a single bad record)."""


@dataclass(frozen=True)
class Record:
    """One input article, or the reason it cannot be analysed."""

    row: int
    id: str | None
    text: str | None = None
    error: str | None = None


def _record(row: int, data: Any, text_field: str, id_field: str) -> Record:
    if not isinstance(data, dict):
        return Record(row, None, error=f"expected an object with '{text_field}', got {type(data).__name__}")
    raw_id = data.get(id_field)
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int, type(None))):
        return Record(row, None, error=f"field '{id_field}' is {type(raw_id).__name__}, expected a string or integer")
    article_id = str(raw_id) if raw_id is not None and raw_id != "" else f"row-{row}"
    try:
        check_text(article_id, f"field '{id_field}'")
    except ValueError as error:
        return Record(row, None, error=str(error))
    if text_field not in data:
        return Record(row, article_id, error=f"missing field '{text_field}'")
    try:
        text = check_text(data[text_field], f"field '{text_field}'")
    except (TypeError, ValueError) as error:
        return Record(row, article_id, error=str(error))
    if not text.strip():
        return Record(row, article_id, error="empty text")
    return Record(row, article_id, text)


def _read_jsonl(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    with path.open("rb") as handle:
        yield from _jsonl_records(handle, text_field, id_field)


def _jsonl_records(lines: Iterable[bytes], text_field: str, id_field: str) -> Iterator[Record]:
    for row, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw.rstrip(b"\r\n").decode("utf-8-sig" if row == 1 else "utf-8"))
        except UnicodeDecodeError as error:
            yield Record(row, None, error=f"line {row}: not UTF-8 at byte {error.start}")
            continue
        except json.JSONDecodeError as error:
            yield Record(row, None, error=f"line {row}: invalid JSON ({_json_fault(error)})")
            continue
        yield _record(row, data, text_field, id_field)


def _json_fault(error: json.JSONDecodeError) -> str:
    """The decoder's message without its dangling "at", then where: "Expecting value at column 7"."""
    return f"{error.msg.removesuffix(' at')} at column {error.colno}"


def _read_json(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    """A JSON array of records, or one record; a `.json` file that holds JSON Lines is read as such.

    The array is parsed whole (JSON has no streaming form): large collections belong in JSON Lines.
    """
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise BatchInputError(f"{path}: not UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # values one after another: JSON Lines
            yield from _jsonl_records(io.BytesIO(raw), text_field, id_field)  # lines as the file gives them
            return
        raise BatchInputError(f"{path}: invalid JSON ({_json_fault(error)}, line {error.lineno})") from None
    for row, item in enumerate(data if isinstance(data, list) else [data], 1):
        yield _record(row, item, text_field, id_field)


def _read_csv(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    csv.field_size_limit(sys.maxsize)
    # Undecodable bytes become lone surrogates that `_record` reports per row, not for the whole file.
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or text_field not in reader.fieldnames:
            raise BatchInputError(f"{path}: no column '{text_field}' (columns: {reader.fieldnames})")
        for row, data in enumerate(reader, 2):  # row 1 is the header
            yield _record(row, data, text_field, id_field)


def _read_parquet(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(str(path))
    if text_field not in parquet.schema_arrow.names:
        raise BatchInputError(f"{path}: no column '{text_field}' (columns: {parquet.schema_arrow.names})")
    columns = [c for c in (text_field, id_field) if c in parquet.schema_arrow.names]
    row = 0
    for batch in parquet.iter_batches(batch_size=256, columns=columns):
        for data in batch.to_pylist():
            row += 1
            yield _record(row, data, text_field, id_field)


def _read_dataset(path: Path, text_field: str, id_field: str) -> Iterator[Record]:
    from datasets import load_from_disk

    dataset = load_from_disk(str(path))
    if text_field not in dataset.column_names:
        raise BatchInputError(f"{path}: no column '{text_field}' (columns: {dataset.column_names})")
    for row, data in enumerate(dataset, 1):  # memory-mapped Arrow: rows stream from disk
        yield _record(row, data, text_field, id_field)


def _read_folder(path: Path) -> Iterator[Record]:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    for row, file in enumerate(files, 1):
        try:
            data = file.read_bytes()
        except OSError as error:
            yield Record(row, file.name, error=f"{file.name}: cannot be read ({error.strerror})")
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            yield Record(row, file.name, error=f"{file.name}: not UTF-8 at byte {error.start}")
            continue
        yield _record(row, {"id": file.name, "text": text}, "text", "id")


def read_records(path: str | Path, text_field: str = "text", id_field: str = "id") -> Iterator[Record]:
    """Stream records from JSON Lines, a JSON array, CSV, Parquet, a `datasets` folder or a folder of .txt files."""
    path = Path(path)
    if not path.exists():
        raise BatchInputError(f"{path}: no such file or folder")
    if path.is_dir():
        if (path / "dataset_info.json").is_file() or (path / "state.json").is_file():
            return _read_dataset(path, text_field, id_field)
        return _read_folder(path)
    readers = {".jsonl": _read_jsonl, ".json": _read_json, ".csv": _read_csv, ".parquet": _read_parquet}
    if path.suffix.lower() not in readers:
        raise BatchInputError(f"{path}: unknown input format; use .jsonl, .json, .csv, .parquet, a folder of .txt "
                              "files or a saved datasets folder")
    return readers[path.suffix.lower()](path, text_field, id_field)


def article_row(document: Document, model: str, version: str) -> dict[str, Any]:
    """One output row per article."""
    return {"id": document.id, "quotes": [q.to_dict() for q in document.quotes], "model": model,
            "model_version": version}


def flat_rows(document: Document, model: str, version: str) -> list[dict[str, Any]]:
    """One row per quote (spreadsheet and SQL friendly); an article without quotes gets one empty row."""
    rows = []
    for i, quote in enumerate(document.quotes):
        rows.append({
            "id": document.id, "quote_index": i, "quote_count": len(document.quotes), "text": quote.text,
            "start": quote.start, "end": quote.end, "speaker": quote.speaker,
            "speaker_mention": quote.speaker_mention.text if quote.speaker_mention else None,
            "cue": quote.cue.text if quote.cue else None, "stance": quote.stance,
            **{f"score_{k}": v for k, v in quote.stance_scores.items()},
            "confidence_quote": quote.confidence.get("quote"), "confidence_speaker": quote.confidence.get("speaker"),
            "model": model, "model_version": version,
        })
    empty = {"id": document.id, "quote_index": None, "quote_count": 0, "model": model, "model_version": version}
    return rows or [empty]


class JsonlSink:
    """Appends rows as JSON Lines; each chunk is one write, flushed and fsynced."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def done_ids(self) -> Iterator[str]:
        """Ids fully present; a torn or incomplete tail (a killed job) is cut off once all are read."""
        if not self.path.exists():
            return
        keep = 0
        with self.path.open("rb") as handle:
            offset = 0
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break
                row = json.loads(raw)
                count = row.get("quote_count")
                offset += len(raw)
                if count is None or row.get("quote_index") in (None, count - 1):  # the article's last row
                    yield row["id"]
                    keep = offset
        if keep < self.path.stat().st_size:
            with self.path.open("r+b") as handle:
                handle.truncate(keep)
                os.fsync(handle.fileno())

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
        if not data:
            return
        with self.path.open("ab") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    def close(self) -> None:
        """Every chunk is already complete on disk; a job with nothing to write still leaves its (empty) file."""
        self.path.touch()


def _schema(flat: bool) -> Any:
    import pyarrow as pa

    if not flat:
        return pa.schema([("id", pa.string()), ("quotes", pa.string()), ("model", pa.string()),
                          ("model_version", pa.string())])
    ints, floats = ("quote_index", "quote_count", "start", "end"), ("score_support", "score_oppose", "score_neutral",
                                                                   "confidence_quote", "confidence_speaker")
    names = ["id", "quote_index", "quote_count", "text", "start", "end", "speaker", "speaker_mention", "cue",
             "stance", "score_support", "score_oppose", "score_neutral", "confidence_quote", "confidence_speaker",
             "model", "model_version"]
    return pa.schema([(n, pa.int64() if n in ints else pa.float64() if n in floats else pa.string()) for n in names])


class ParquetSink:
    """Writes each chunk as a complete part file (written aside, then renamed); `close` merges them.

    Article rows keep their quotes as a JSON string column; flat rows are plain columns.
    """

    def __init__(self, path: Path, flat: bool = False) -> None:
        self.path = path
        self.parts = path.with_name(path.name + ".parts")
        self.schema = _schema(flat)

    def done_ids(self) -> Iterator[str]:
        import pyarrow.parquet as pq

        if self.path.exists() and not self.parts.exists():
            yield from pq.read_table(str(self.path), columns=["id"]).column("id").to_pylist()
        for part in sorted(self.parts.glob("part-*.parquet")) if self.parts.exists() else []:
            yield from pq.read_table(str(part), columns=["id"]).column("id").to_pylist()

    def write(self, rows: Iterable[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [{**r, "quotes": json.dumps(r["quotes"], ensure_ascii=False)} if "quotes" in r else r for r in rows]
        if not rows:
            return
        self.parts.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and not any(self.parts.iterdir()):
            os.replace(self.path, self.parts / "part-000000.parquet")  # resuming a finished file
        index = len(list(self.parts.glob("part-*.parquet")))
        target = self.parts / f"part-{index:06d}.parquet"
        temporary = target.with_suffix(".tmp")
        pq.write_table(pa.Table.from_pylist(rows, schema=self.schema), str(temporary))
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)

    def close(self) -> None:
        import pyarrow.parquet as pq

        if not self.parts.exists():
            if not self.path.exists():  # a job with nothing to write still leaves its (empty) file
                pq.write_table(self.schema.empty_table(), str(self.path))
            return
        temporary = str(self.path) + ".tmp"
        with pq.ParquetWriter(temporary, self.schema) as writer:  # one part in memory at a time
            for part in sorted(self.parts.glob("part-*.parquet")):
                writer.write_table(pq.read_table(str(part)).cast(self.schema))
        os.replace(temporary, self.path)
        for leftover in self.parts.iterdir():
            leftover.unlink()
        self.parts.rmdir()


def make_sink(path: str | Path, flat: bool = False) -> JsonlSink | ParquetSink:
    """The writer for an output path, chosen by its extension."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        return ParquetSink(path, flat)
    if path.suffix.lower() in (".jsonl", ".json"):
        return JsonlSink(path)
    raise BatchInputError(f"{path}: output must end in .jsonl or .parquet")
