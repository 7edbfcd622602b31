"""The same batch job on Ray Data: one loaded model per actor, `map_batches` over an actor pool.

The driver keeps the parts that decide correctness (reading, validating, resuming, writing
crash-safe chunks) exactly as in the local engine; Ray only spreads the analysis. Admitted
records are staged as Parquet (streamed, so memory stays flat) for Ray Data to read. On a
multi-node cluster, put the staging folder on storage all nodes can read (`--ray-staging`).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .batch import BatchOptions, BatchSummary, _chunks, _Job, analyse_records
from .batch_io import Record, read_records
from .document import Document, Quote


class _AnalyzerActor:
    """A Ray actor holding one loaded model; called with batches of `{"id": [...], "text": [...]}`."""

    def __init__(self, model: str, batch_size: int) -> None:
        from .registry import load_analyzer

        self.analyzer = load_analyzer(model)
        self.batch_size = batch_size

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        columns = zip(batch["row"], batch["id"], batch["text"], strict=True)  # numpy values: make them plain
        records = [Record(int(row), str(i), str(text)) for row, i, text in columns]
        results = analyse_records(self.analyzer, records, self.batch_size)
        # Plain strings in both columns ("" for none): every batch then has the same Arrow schema.
        return {"row": [r.row for r in records], "id": [r.id for r in records],
                "quotes": [json.dumps([q.to_dict() for q in d.quotes]) if isinstance(d, Document) else ""
                           for d in results],
                "error": [d.error if isinstance(d, Record) else "" for d in results]}


def _stage(records: Iterator[list[Record]], folder: Path) -> int:
    """Write admitted records to Parquet parts for Ray Data; return how many."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    for i, chunk in enumerate(records):
        table = pa.table({"row": [r.row for r in chunk], "id": [r.id for r in chunk], "text": [r.text for r in chunk]})
        pq.write_table(table, str(folder / f"part-{i:06d}.parquet"))
        count += len(chunk)
    return count


def run_batch_ray(input_path: str | Path, output: str | Path, model: str, options: BatchOptions | None = None,
                  actors: int = 2, staging: str | Path | None = None,
                  cpus_per_actor: float | None = None) -> BatchSummary:
    """Run a batch job with Ray Data (local mode, or the cluster named by RAY_ADDRESS)."""
    import ray

    options = options or BatchOptions()
    output = Path(output)
    if not ray.is_initialized():
        ray.init(ignore_reinit_error=True, include_dashboard=False, log_to_driver=False)
    from .registry import load_analyzer

    if cpus_per_actor is None:  # leave a core for Ray Data's file listing and reading tasks
        cpus_per_actor = max(0.1, min(1.0, (ray.cluster_resources().get("CPU", 1.0) - 1.1) / actors))
    job = _Job(load_analyzer(model), output, options)  # the driver's copy only names the model in rows
    job.start(output)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=staging) as folder:
        records = read_records(input_path, options.text_field, options.id_field)
        if _stage(_chunks(records, job, options.chunk_size), Path(folder)):
            # Reading is I/O: give it a sliver of CPU so that actors holding every core cannot starve it.
            dataset = ray.data.read_parquet(folder, ray_remote_args={"num_cpus": 0.1}).map_batches(
                _AnalyzerActor, fn_constructor_kwargs={"model": model, "batch_size": options.batch_size},
                batch_size=options.chunk_size, concurrency=actors, num_cpus=cpus_per_actor)
            for batch in dataset.iter_batches(batch_size=options.chunk_size, batch_format="pyarrow"):
                job.finish([_result(row) for row in batch.to_pylist()])
    job.sink.close()
    job.summary.seconds = time.perf_counter() - started
    return job.summary


def _result(row: dict[str, Any]) -> Document | Record:
    """Rebuild an actor's result on the driver; output rows never carry the article text."""
    if row["error"]:
        return Record(row["row"], row["id"], error=row["error"])
    return Document(row["id"], "", [Quote.from_dict(q) for q in json.loads(row["quotes"])])
