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


def test_cli_train_saves_a_loadable_model_with_its_card(tiny_model_settings, tiny_article, tmp_path, capsys):
    from quotestance.model.pipeline import QuoteAnalyzer

    config = tmp_path / "tiny.json"
    config.write_text(json.dumps({"synthetic_articles": 3, "synthetic_dev_articles": 2, "fixtures": [],
                                  "dev": [str(tiny_article)], "batch_size": 2, "evaluations": 1,
                                  "model": tiny_model_settings}), encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", "--config", str(config), "-o", str(out), "--fixtures", str(tiny_article),
                 "--card-eval", f"extra={tiny_article}"]) == 0
    assert "model saved to" in capsys.readouterr().out
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "| extra | transformer |" in card
    speaker_row = next(line for line in card.splitlines() if line.startswith("| speaker |"))
    assert speaker_row.split("|")[-2].strip() != "-"  # the ECE of reported confidences was measured
    training = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert training["config"]["fixtures"] == [str(tiny_article)] and training["steps"] >= 1
    assert "was chosen by the dev selection score (0.0: " in card  # rule_trust fitted over the grid
    analyzer = QuoteAnalyzer.load(out)
    assert analyzer.config.temperatures == json.loads((out / "config.json").read_text())["temperatures"]
    assert analyzer('"We are ready," Kim said.').text == '"We are ready," Kim said.'


def test_cli_analyze_skips_an_unreadable_file_and_writes_the_others_as_one_json_array(tmp_path, capsys):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text('"We are ready," Kim said.', encoding="utf-8")
    bad.write_bytes(b"caf\xe9")
    assert main(["analyze", str(good), str(bad), str(tmp_path), "--model", "rules", "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert [d["id"] for d in json.loads(captured.out)] == ["good"]
    assert "bad.txt: not UTF-8" in captured.err and "a folder" in captured.err


def test_cli_eval_refuses_a_folder_without_annotated_articles(tmp_path, capsys):
    assert main(["eval", str(tmp_path), "--model", "rules"]) == 1
    assert "no annotated articles" in capsys.readouterr().err


def test_cli_eval_checks_the_report_path_and_models_before_running(tiny_article, tmp_path, capsys):
    report = tmp_path / "a.txt"
    report.write_text("keep", encoding="utf-8")
    assert main(["eval", str(tiny_article), "--model", "rules", "--report", str(report)]) == 1
    assert main(["eval", str(tiny_article), "--model", "rules", "--model", "rules"]) == 1
    captured = capsys.readouterr()
    assert "a file, not a folder" in captured.err and "names a model twice" in captured.err
    assert "quote F1" not in captured.out and report.read_text() == "keep"
