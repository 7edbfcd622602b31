"""Batch jobs over article collections: stream in, analyse in chunks, append, resume after a crash.

Nothing lost, nothing twice: every input id ends up exactly once in the output or in the
errors file. Memory stays flat in the input's size: records stream, and the ids met so far
(for duplicate detection and resuming) live in a temporary SQLite file, not in memory.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .batch_io import BatchInputError, JsonlSink, Record, article_row, flat_rows, make_sink, read_records
from .document import Document
from .idstore import IdStore
from .registry import Analyzer

logger = logging.getLogger(__name__)


@dataclass
class BatchOptions:
    """How a batch job reads, analyses and writes."""

    text_field: str = "text"
    id_field: str = "id"
    batch_size: int = 16
    #: Articles analysed and written per chunk: the most a crash can cost.
    chunk_size: int = 64
    flat: bool = False
    resume: bool = False
    errors: str | Path | None = None
    progress: bool | None = None  # None: on when stderr is a terminal

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.chunk_size < 1:
            raise ValueError(f"batch_size and chunk_size must be >= 1, got {self.batch_size}, {self.chunk_size}")


@dataclass
class BatchSummary:
    """What a job did; `errors > 0` makes the CLI exit non-zero."""

    analysed: int = 0
    skipped: int = 0
    errors: int = 0
    #: Error rows already in the errors file from earlier runs of a resumed job.
    earlier_errors: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.analysed / self.seconds if self.seconds else 0.0
        earlier = f" (+{self.earlier_errors} from earlier runs)" if self.earlier_errors else ""
        return (f"{self.analysed} analysed, {self.skipped} already done, {self.errors} error(s){earlier} "
                f"in {self.seconds:.1f} s ({rate:.2f} articles/s)")


def errors_path(output: str | Path, errors: str | Path | None) -> Path:
    return Path(errors) if errors else Path(str(output) + ".errors.jsonl")


def _model_identity(analyzer: Analyzer) -> tuple[str, str]:
    from quotestance import __version__

    config = getattr(analyzer, "config", None)
    version = f"quotestance {__version__}" + (f", format {config.format_version}" if config else "")
    return analyzer.name, version


class _Job:
    """One run of a batch job; keeps the bookkeeping out of `run_batch`'s way."""

    def __init__(self, analyzer: Analyzer, output: Path, options: BatchOptions) -> None:
        self.analyzer, self.options = analyzer, options
        self.sink = make_sink(output, options.flat)
        self.error_sink = JsonlSink(errors_path(output, options.errors))
        if self.error_sink.path.resolve() == output.resolve():
            raise BatchInputError(f"{output}: the errors file must not be the output file")
        self.model, self.version = _model_identity(analyzer)
        self.summary = BatchSummary()
        self.done = IdStore()  # written by an earlier run of this job (output or errors file)
        self.seen = IdStore()  # met by this run

    def start(self, output: Path) -> None:
        if self.options.resume:
            self.done.update(self.error_sink.done_ids())
            self.summary.earlier_errors = len(self.done)
            self.done.update(self.sink.done_ids())
        elif output.exists() or self.error_sink.path.exists():
            raise FileExistsError(f"{output} or {self.error_sink.path} exists; pass --resume to continue that job "
                                  "or remove them")

    def admit(self, record: Record) -> bool:
        """Route bad, duplicate and already-done records; True if the record is to be analysed."""
        key = _key(record)
        if key in self.done and key not in self.seen:  # finished by an earlier run of this job
            self.seen.add(key)
            self.summary.skipped += 1
            return False
        if record.error is None and key in self.seen:
            record = Record(record.row, f"{key}#row-{record.row}", error=f"duplicate id {key!r}")
            if _key(record) in self.done:
                return False
        if record.error is not None:
            self.seen.add(_key(record))
            self.fail([record])
            return False
        self.seen.add(key)
        return True

    def forget(self) -> None:
        """Drop the id bookkeeping; the output is closed only by a job that got to its end."""
        self.done.close()
        self.seen.close()

    def fail(self, records: Iterable[Record]) -> None:
        rows = [{"id": _key(r), "row": r.row, "error": r.error} for r in records]
        if not rows:
            return
        for row in rows:
            logger.warning("row %s (id %s): %s", row["row"], row["id"], row["error"])
        self.error_sink.write(rows)
        self.summary.errors += len(rows)

    def analyse(self, chunk: list[Record]) -> None:
        self.finish(analyse_records(self.analyzer, chunk, self.options.batch_size))

    def finish(self, results: list[Document | Record]) -> None:
        """File a chunk's results: failed records to the errors file, documents to the output."""
        self.fail([r for r in results if isinstance(r, Record)])
        documents = [r for r in results if isinstance(r, Document)]
        self.sink.write([row for document in documents for row in self.rows(document)])
        self.summary.analysed += len(documents)

    def rows(self, document: Document) -> list[dict[str, Any]]:
        """Output rows for one analysed document, as this job writes them."""
        if self.options.flat:
            return flat_rows(document, self.model, self.version)
        return [article_row(document, self.model, self.version)]


def analyse_records(analyzer: Analyzer, chunk: list[Record], batch_size: int) -> list[Document | Record]:
    """A document per record, in order; a record whose analysis raises comes back with the error.

    The chunk is tried whole first and split only when it fails, so one article that breaks the
    analysis costs a retry per record of its chunk, never the job. Both engines call this.
    """
    try:
        return list(analyzer.pipe([r.text for r in chunk], batch_size=batch_size, ids=[r.id for r in chunk]))
    except Exception:  # noqa: BLE001 - isolate the record that breaks, keep the job going
        if len(chunk) == 1:
            return [Record(chunk[0].row, chunk[0].id, error=f"analysis failed: {sys.exc_info()[1]!r}")]
        return [result for record in chunk for result in analyse_records(analyzer, [record], batch_size)]


def _key(record: Record) -> str:
    """The id a record is filed under; rows without a usable id are known by their row number."""
    return record.id if record.id is not None else f"row-{record.row}"


def _chunks(records: Iterator[Record], job: _Job, size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        if job.admit(record):
            chunk.append(record)
            if len(chunk) >= size:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def run_batch(input_path: str | Path, output: str | Path, analyzer: Analyzer,
              options: BatchOptions | None = None) -> BatchSummary:
    r"""Analyse every article of `input_path` into `output` (JSON Lines or Parquet by extension).

    Example:
        >>> from quotestance.model.rules import RuleAnalyzer
        >>> import tempfile, pathlib, json
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "in.jsonl").write_text(json.dumps({"id": "a", "text": '"Yes," Kim said.'}) + "\n")
        >>> run_batch(folder / "in.jsonl", folder / "out.jsonl", RuleAnalyzer()).analysed
        1
    """
    from tqdm.auto import tqdm

    options = options or BatchOptions()
    output = Path(output)
    job = _Job(analyzer, output, options)
    started = time.perf_counter()
    disable = not sys.stderr.isatty() if options.progress is None else not options.progress
    try:
        job.start(output)
        records = read_records(input_path, options.text_field, options.id_field)
        with tqdm(desc="articles", unit="art", disable=disable) as bar:
            for chunk in _chunks(records, job, options.chunk_size):
                job.analyse(chunk)
                bar.update(len(chunk))
        job.sink.close()
    finally:
        job.forget()
    job.summary.seconds = time.perf_counter() - started
    return job.summary


class DatasetMixin:
    """Gives an analyzer `analyze_dataset`, the `datasets` face of `pipe`."""

    def analyze_dataset(self, dataset: Any, text_column: str = "text", batch_size: int = 16) -> Any:
        """Return `dataset` with a `quotes` column (see `analyze_dataset`)."""
        return analyze_dataset(self, dataset, text_column, batch_size)  # type: ignore[arg-type]


def _quote_features() -> Any:
    from datasets import Features, Value

    span = {"text": Value("string"), "start": Value("int64"), "end": Value("int64")}
    return Features({
        "text": Value("string"), "start": Value("int64"), "end": Value("int64"), "speaker": Value("string"),
        "speaker_mention": span, "cue": span, "stance": Value("string"),
        "stance_scores": {label: Value("float64") for label in ("support", "oppose", "neutral")},
        "confidence": {key: Value("float64") for key in ("quote", "speaker")},
    })


def analyze_dataset(analyzer: Analyzer, dataset: Any, text_column: str = "text", batch_size: int = 16) -> Any:
    """Add a `quotes` column to a `datasets.Dataset` with a batched map; rows keep their order.

    Example:
        >>> from datasets import Dataset
        >>> from quotestance.model.rules import RuleAnalyzer
        >>> ds = analyze_dataset(RuleAnalyzer(), Dataset.from_dict({"text": ['"Yes," Kim said.']}))
        >>> ds[0]["quotes"][0]["speaker"]
        'Kim'
    """
    from datasets import List

    if text_column not in dataset.column_names:
        raise ValueError(f"no column {text_column!r}; columns are {dataset.column_names}")
    features = dataset.features.copy()
    features["quotes"] = List(_quote_features())

    def _analyse(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        documents = analyzer.pipe(batch[text_column], batch_size=batch_size)
        return {"quotes": [[q.to_dict() for q in d.quotes] for d in documents]}

    return dataset.map(_analyse, batched=True, batch_size=batch_size * 4, features=features,
                       desc="analysing")
