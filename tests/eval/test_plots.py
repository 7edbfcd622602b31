"""PNG plots, and the evaluation report that embeds them."""

from __future__ import annotations

import re
from pathlib import Path

from quotestance.cli import main
from quotestance.eval.plots import plot_confusion, plot_errors_by_phenomenon, plot_metric_bars, plot_stance_counts
from quotestance.eval.runner import COLUMNS, write_report
from quotestance.eval.scorer import score

PNG = b"\x89PNG\r\n\x1a\n"


def _is_png(path: Path) -> bool:
    return path.is_file() and path.read_bytes()[:8] == PNG and path.stat().st_size > 2000


def test_plots_write_png_files(tmp_path):
    confusion = {"support": {"support": 3, "oppose": 1, "neutral": 0}, "oppose": {"support": 0, "oppose": 5,
                 "neutral": 2}, "neutral": {"support": 1, "oppose": 0, "neutral": 4}}
    metrics = {"rules": {key: 0.5 for _, key in COLUMNS}, "runs/v1": {key: 0.8 for _, key in COLUMNS}}
    errors = {"partial quote": {"quotes": 4, "missed": 1, "misattributed": 2, "wrong stance": 0}}
    paths = [
        plot_confusion(confusion, tmp_path / "c.png"),
        plot_metric_bars(metrics, COLUMNS, tmp_path / "m.png"),
        plot_errors_by_phenomenon(errors, tmp_path / "e.png"),
        plot_stance_counts({"Kim": {"support": 2}, "Lee": {"oppose": 1, "neutral": 3}}, tmp_path / "s.png"),
    ]
    assert all(_is_png(path) for path in paths)


def test_plots_report_embeds_every_png_it_writes(tmp_path, scored_case):
    gold, predicted = scored_case
    results = {"rules": score([gold], [predicted]), "runs/v1": score([gold], [predicted])}
    report = write_report(tmp_path, results, [gold], {"rules": [predicted], "runs/v1": [predicted]})
    text = report.read_text(encoding="utf-8")
    embedded = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert sorted(embedded) == sorted(["metrics.png", "confusion-rules.png", "errors-rules.png",
                                       "confusion-runs-v1.png", "errors-runs-v1.png"])
    assert all(_is_png(tmp_path / name) for name in embedded)
    assert "| partial quote | 3 | 0 | 1 | 1 |" in text
    assert (tmp_path / "metrics.json").is_file()


def test_plots_report_without_predictions_leaves_errors_out(tmp_path, scored_case):
    gold, predicted = scored_case
    text = write_report(tmp_path, {"rules": score([gold], [predicted])}).read_text(encoding="utf-8")
    assert "confusion-rules.png" in text and "errors-" not in text
    assert not list(tmp_path.glob("errors-*.png"))


def test_plots_cli_eval_report_has_plots(tiny_article, tmp_path):
    assert main(["eval", str(tiny_article), "--model", "rules", "--report", str(tmp_path)]) == 0
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    for name in ("metrics.png", "confusion-rules.png"):
        assert f"]({name})" in text and _is_png(tmp_path / name)
