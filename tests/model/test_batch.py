"""Batch jobs: every input format, flat output, bad records, resume after SIGKILL, datasets, Ray."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from quotestance.cli import main
from quotestance.model.batch import BatchOptions, analyse_records, run_batch
from quotestance.model.batch_io import Record
from quotestance.model.rules import RuleAnalyzer

ARTICLES = [{"id": f"a{i}", "text": f'"We are ready {i}," Kim said. "Very ready," she added.'} for i in range(12)]


def _rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(str(path)).to_pylist()
        return [{**r, "quotes": json.loads(r["quotes"])} if "quotes" in r else r for r in rows]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write_inputs(folder: Path) -> dict[str, Path]:
    jsonl = folder / "in.jsonl"
    jsonl.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    with (folder / "in.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["id", "text"])
        writer.writeheader()
        writer.writerows(ARTICLES)
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import Dataset

    pq.write_table(pa.Table.from_pylist(ARTICLES), str(folder / "in.parquet"))
    Dataset.from_list(ARTICLES).save_to_disk(str(folder / "dataset"))
    texts = folder / "texts"
    texts.mkdir()
    for article in ARTICLES:
        (texts / f"{article['id']}.txt").write_text(article["text"], encoding="utf-8")
    return {"jsonl": jsonl, "csv": folder / "in.csv", "parquet": folder / "in.parquet",
            "dataset": folder / "dataset", "folder": texts}


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet", "dataset", "folder"])
@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_batch_every_input_format_gives_the_same_quotes(tmp_path, kind, suffix):
    source = _write_inputs(tmp_path)[kind]
    summary = run_batch(source, tmp_path / f"out{suffix}", RuleAnalyzer())
    assert (summary.analysed, summary.errors) == (len(ARTICLES), 0)
    rows = _rows(tmp_path / f"out{suffix}")
    expected = {a["id"] + (".txt" if kind == "folder" else ""): a for a in ARTICLES}
    assert {r["id"] for r in rows} == set(expected)
    assert all(r["quotes"][0]["speaker"] == "Kim" and r["model"] == "rules" for r in rows)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_batch_flat_gives_one_row_per_quote(tmp_path, suffix):
    source = _write_inputs(tmp_path)["jsonl"]
    run_batch(source, tmp_path / f"flat{suffix}", RuleAnalyzer(), BatchOptions(flat=True))
    rows = _rows(tmp_path / f"flat{suffix}")
    assert len(rows) == 2 * len(ARTICLES)
    assert {"speaker", "stance", "score_oppose", "quote_index"} <= set(rows[0])


def test_batch_bad_records_become_error_rows_and_the_job_goes_on(tmp_path, capsys):
    lines = [json.dumps(ARTICLES[0]), "{not json", json.dumps({"id": "x"}), json.dumps({"id": "y", "text": 3}),
             json.dumps({"id": "z", "text": "  "}), json.dumps(ARTICLES[0]), json.dumps(ARTICLES[1])]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--model", "rules"])
    assert code == 3
    errors = _rows(tmp_path / "out.jsonl.errors.jsonl")
    assert [e["row"] for e in errors] == [2, 3, 4, 5, 6]
    reasons = " ".join(e["error"] for e in errors)
    for reason in ("invalid JSON", "missing field 'text'", "is int, expected str", "empty text", "duplicate id 'a0'"):
        assert reason in reasons
    assert [r["id"] for r in _rows(tmp_path / "out.jsonl")] == ["a0", "a1"]
    assert "5 error(s)" in capsys.readouterr().err


def test_batch_refuses_to_overwrite_without_resume(tmp_path):
    source = _write_inputs(tmp_path)["jsonl"]
    run_batch(source, tmp_path / "out.jsonl", RuleAnalyzer())
    with pytest.raises(FileExistsError, match="--resume"):
        run_batch(source, tmp_path / "out.jsonl", RuleAnalyzer())


def test_batch_resume_cuts_a_torn_tail_and_finishes(tmp_path):
    source = _write_inputs(tmp_path)["jsonl"]
    out = tmp_path / "out.jsonl"
    run_batch(source, out, RuleAnalyzer(), BatchOptions(flat=True))
    data = out.read_bytes()
    out.write_bytes(data[: len(data) * 2 // 3 + 7])  # a crash mid-row, mid-article
    summary = run_batch(source, out, RuleAnalyzer(), BatchOptions(flat=True, resume=True))
    rows = _rows(out)
    keys = [(r["id"], r["quote_index"]) for r in rows]
    assert len(keys) == len(set(keys)) == 2 * len(ARTICLES)
    assert summary.skipped + summary.analysed == len(ARTICLES)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_batch_sigkill_then_resume_is_exactly_once(tmp_path, suffix):
    count = 4000
    source = tmp_path / "big.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f'"Line {i} is here," Kim said. ' + "Background sentence. " * 30
            handle.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
        handle.write("{broken\n")
    out = tmp_path / f"out{suffix}"
    command = [sys.executable, "-m", "quotestance.cli", "batch", str(source), "-o", str(out), "--model", "rules",
               "--chunk-size", "25"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    parts = Path(str(out) + ".parts")
    deadline = time.time() + 60
    while time.time() < deadline and not (out.exists() and out.stat().st_size > 20000) and not (
            parts.exists() and len(list(parts.iterdir())) > 3):
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the job ended before it could be killed mid-way"
    done_before = len(_rows(out)) if out.exists() else 0
    assert done_before < count
    assert subprocess.run(command + ["--resume"], stderr=subprocess.DEVNULL).returncode == 3
    ids = [r["id"] for r in _rows(out)]
    errors = _rows(Path(str(out) + ".errors.jsonl"))
    assert len(ids) == len(set(ids)) == count
    assert [e["row"] for e in errors] == [count + 1]


def test_batch_analyze_dataset_keeps_rows_and_order():
    from datasets import Dataset

    dataset = Dataset.from_list(ARTICLES)
    result = RuleAnalyzer().analyze_dataset(dataset, text_column="text", batch_size=4)
    assert result["id"] == dataset["id"]
    assert [len(q) for q in result["quotes"]] == [2] * len(ARTICLES)
    with pytest.raises(ValueError, match="no column 'body'"):
        RuleAnalyzer().analyze_dataset(dataset, text_column="body")


def test_batch_ray_engine_matches_local(tmp_path):
    pytest.importorskip("ray", reason="the Ray engine needs the extra: pip install 'quotestance[ray]'")
    import ray

    from quotestance.model.ray_engine import run_batch_ray

    source = _write_inputs(tmp_path)["jsonl"]
    run_batch(source, tmp_path / "local.jsonl", RuleAnalyzer())
    ray.init(num_cpus=2, include_dashboard=False, ignore_reinit_error=True)
    try:
        summary = run_batch_ray(source, tmp_path / "ray.jsonl", "rules", BatchOptions(chunk_size=5), actors=2)
    finally:
        ray.shutdown()
    assert summary.analysed == len(ARTICLES)
    local = sorted(_rows(tmp_path / "local.jsonl"), key=lambda r: r["id"])
    remote = sorted(_rows(tmp_path / "ray.jsonl"), key=lambda r: r["id"])
    assert local == remote


class _BreaksOn(RuleAnalyzer):
    """The rules, except that analysing `bad` raises: an article that breaks the analysis."""

    def __init__(self, bad: str) -> None:
        super().__init__()
        self.bad = bad

    def find_quotes(self, text):
        if text == self.bad:
            raise RuntimeError("the analysis broke")
        return super().find_quotes(text)


def test_batch_an_article_that_breaks_the_analysis_is_an_error_row_in_both_engines(tmp_path):
    from quotestance.model.ray_engine import _AnalyzerActor, _result

    texts = [a["text"] for a in ARTICLES[:4]]
    records = [Record(row, f"r{row}", text) for row, text in enumerate(texts, 1)]
    results = analyse_records(_BreaksOn(texts[2]), records, batch_size=2)
    assert [type(r).__name__ for r in results] == ["Document", "Document", "Record", "Document"]
    assert results[2].row == 3 and "the analysis broke" in results[2].error
    actor = _AnalyzerActor.__new__(_AnalyzerActor)  # the Ray actor's code, without a cluster
    actor.analyzer, actor.batch_size = _BreaksOn(texts[2]), 2
    columns = actor({"row": [r.row for r in records], "id": [r.id for r in records], "text": texts})
    remote = [_result(dict(zip(columns, values, strict=True))) for values in zip(*columns.values(), strict=True)]
    assert [getattr(r, "error", None) for r in remote] == [getattr(r, "error", None) for r in results]
    assert [r.quotes for r in remote if hasattr(r, "quotes")] == [r.quotes for r in results if hasattr(r, "quotes")]


def test_batch_undecodable_text_is_one_error_row_in_every_format(tmp_path):
    """Bytes that are not UTF-8 (CSV) or a lone surrogate escape (JSON) must not take the good rows down."""
    good = ARTICLES[0]
    (tmp_path / "in.jsonl").write_text(json.dumps(good) + "\n" + '{"id": "s", "text": "\\"\\ud800 a,\\" Kim said."}\n'
                                       + '{"id": "\\udc80", "text": "fine"}\n', encoding="utf-8")
    (tmp_path / "in.csv").write_bytes(b'id,text\na0,"""We are ready,"" Kim said."\nb,caf\xe9 au lait\n')
    for source, bad_rows in ((tmp_path / "in.jsonl", [2, 3]), (tmp_path / "in.csv", [3])):
        out = tmp_path / f"out-{source.suffix[1:]}.jsonl"
        summary = run_batch(source, out, RuleAnalyzer())
        assert (summary.analysed, summary.errors) == (1, len(bad_rows))
        assert [r["id"] for r in _rows(out)] == ["a0"]
        errors = _rows(Path(str(out) + ".errors.jsonl"))
        assert [e["row"] for e in errors] == bad_rows
        assert all("not valid Unicode" in e["error"] for e in errors)


def test_batch_reads_a_json_array_and_json_lines_named_json(tmp_path):
    (tmp_path / "array.json").write_text(json.dumps(ARTICLES[:3] + [{"id": {"a": 1}, "text": "x"}], indent=2))
    (tmp_path / "lines.json").write_text("".join(json.dumps(a) + "\n" for a in ARTICLES[:3]))
    for name in ("array.json", "lines.json"):
        out = tmp_path / f"{name}.out.jsonl"
        run_batch(tmp_path / name, out, RuleAnalyzer())
        assert [r["id"] for r in _rows(out)] == ["a0", "a1", "a2"]
    assert "field 'id' is dict" in _rows(tmp_path / "array.json.out.jsonl.errors.jsonl")[0]["error"]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_batch_with_nothing_to_write_still_leaves_an_empty_output(tmp_path, suffix):
    (tmp_path / "empty").mkdir()
    summary = run_batch(tmp_path / "empty", tmp_path / f"out{suffix}", RuleAnalyzer())
    assert summary.analysed == 0 and _rows(tmp_path / f"out{suffix}") == []


def test_batch_refuses_an_errors_file_that_is_the_output(tmp_path, capsys):
    source = _write_inputs(tmp_path)["jsonl"]
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(out), "--errors", str(out), "--model", "rules"]) == 1
    assert "must not be the output" in capsys.readouterr().err and not out.exists()
