"""The command line: analyze and eval end to end with the rule baseline."""

from __future__ import annotations

import json

from quotestance.cli import main


def test_cli_eval_prints_table(seed_path, capsys):
    assert main(["eval", str(seed_path.parent), "--model", "rules"]) == 0
    out = capsys.readouterr().out
    assert "quote F1" in out and "seed-abc-2024-10-29" in out


def test_cli_eval_report_and_json(tiny_article, tmp_path, capsys):
    assert main(["eval", str(tiny_article), "--model", "rules", "--json", "--report", str(tmp_path)]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert 0.0 <= metrics["rules"]["quote_f1"] <= 1.0
    assert (tmp_path / "report.md").is_file() and (tmp_path / "metrics.json").is_file()


def test_cli_analyze_jsonl_uses_file_stem_as_id(tmp_path, capsys):
    path = tmp_path / "story-1.txt"
    path.write_text('"We are ready," Kim said.', encoding="utf-8")
    assert main(["analyze", str(path), "--model", "rules", "--format", "jsonl"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["id"] == "story-1" and doc["quotes"][0]["speaker"] == "Kim"


def test_cli_analyze_non_utf8_names_file_and_byte(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok \xff bad")
    assert main(["analyze", str(path), "--model", "rules"]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "byte 3" in err


def test_cli_unknown_model_is_a_clear_error(tiny_article, capsys):
    assert main(["eval", str(tiny_article), "--model", "no-such-model"]) == 1
    assert "unknown model 'no-such-model'" in capsys.readouterr().err


def test_cli_refuses_to_overwrite_without_force(tmp_path, capsys):
    src, out = tmp_path / "a.txt", tmp_path / "out.jsonl"
    src.write_text('"Yes," Kim said.', encoding="utf-8")
    out.write_text("keep me", encoding="utf-8")
    assert main(["analyze", str(src), "--model", "rules", "-o", str(out)]) == 1
    assert out.read_text() == "keep me"
